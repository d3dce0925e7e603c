package io.livedrop.bench;

import io.livedrop.events.order.OrderRequest;
import io.livedrop.schemas.serde.AvroSerdes;
import io.livedrop.topology.config.TopologySerdes;
import io.livedrop.topology.order.OrderIds;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * The stampede benchmark (docs/benchmarks/methodology.md): the Redis Lua baseline first (before the broker, so it has
 * the machine to itself), the raw Kafka round trip, then the topology under every guarantee and commit interval.
 * Exit status 0 when every run passed its checks.
 */
public final class StampedeBenchmark {

    private StampedeBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args));
    }

    static int run(String[] args) throws Exception {
        return Cli.run(args, new BenchOptions(), o -> "livedrop stampede benchmark, scale " + Report.trim(o.scale),
                StampedeBenchmark::run);
    }

    private static int run(BenchOptions o, BenchRun run) throws Exception {
        Results results = new Results(run.cpu);
        List<String> setup = new ArrayList<>();
        int requestBytes = sampleRequestSize();
        setup.add("order request on the wire: " + requestBytes + " bytes of Avro single-object encoding (raw baseline"
                + " records are the same size)");
        setup.add("order-request producer: acks=all, idempotent, linger.ms=" + BenchOptions.PRODUCER_LINGER_MS
                + "; one sender thread, open loop");
        try (run) {
            if (o.runs("redis")) {
                redis(o, run.work, results, setup);
            }
            if (o.runs("raw") || o.runs("streams")) {
                try (KafkaBroker broker = run.startBroker(o.broker)) {
                    if (o.runs("raw")) {
                        raw(o, broker.bootstrapServers(), requestBytes, results);
                    }
                    if (o.runs("streams")) {
                        topology(o, broker.bootstrapServers(), broker.pid(), run.work, results, setup);
                    }
                    Progress.say("stopping the Kafka broker");
                }
            }
        } catch (Exception | Error e) {
            run.failed(e);
        }
        Path report = new Report(o, run, results, setup).write();
        return run.exit(report, results.throughput.stream().allMatch(t -> t.verification().ok())
                        && results.latency.stream().allMatch(l -> l.verification().ok()), "every run passed its checks",
                "SOME RUNS FAILED THEIR CHECKS (see the report)");
    }

    private static void redis(BenchOptions o, Path work, Results results, List<String> setup) throws Exception {
        Optional<Path> server = RedisLuaBench.server();
        if (server.isEmpty()) {
            results.redisUnavailable = "`redis-server` not found, so no Redis figures nor ratios against them."
                    + " Install it (`apt-get install -y redis-server`, as root) and rerun the same command.";
            Progress.say("Redis Lua baseline skipped: redis-server not found (apt-get install -y redis-server)");
            return;
        }
        Progress.say("Redis Lua baseline: starting %s", server.get());
        try (RedisLuaBench redis = RedisLuaBench.start(server.get(), work)) {
            results.redisVersion = redis.description();
            setup.add("Redis Lua script: GET idempotency record → (conflict | earlier decision) or GET stock →"
                    + " DECRBY → SET record EX 86400, one EVALSHA per request");
            String[] hot = {"redis-hot"};
            Workload warm = Workload.generate("rw", Math.min(o.requests, 100_000), o.retryFraction, o.users, hot,
                    o.stock, o.seed);
            redis.pipelined(warm, "warm-up (discarded)");
            if (o.runs("throughput")) {
                Workload w = Workload.generate("rh", o.requests, o.retryFraction, o.users, hot, o.stock, o.seed);
                results.add(redis.pipelined(w, "hot drop"));
                results.add(redis.throughput(w, RedisLuaBench.CONNECTIONS, 1, "hot drop"));
                if (o.runs("spread")) {
                    String[] drops = IntStream.range(0, o.spreadDrops).mapToObj(i -> "redis-d" + i).toArray(String[]::new);
                    Workload s = Workload.generate("rs", o.requests, o.retryFraction, o.users, drops,
                            o.stock / o.spreadDrops, o.seed);
                    results.add(redis.pipelined(s, "spread: " + o.spreadDrops + " drops"));
                }
            }
            if (o.runs("latency")) {
                for (int rate : o.rates) {
                    int n = (int) Math.round(rate * o.duration.toMillis() / 1000.0);
                    Workload w = Workload.generate("rl" + rate, n, o.retryFraction, o.users, hot, o.stock, o.seed);
                    results.add(redis.openLoop(w, rate, 4));
                }
            }
        }
    }

    private static void raw(BenchOptions o, String bootstrap, int requestBytes, Results results) {
        RawKafkaBench raw = new RawKafkaBench(bootstrap, requestBytes, o.seed);
        int first = o.rates.get(0);
        Progress.say("raw Kafka round trip: warm-up");
        raw.openLoop(first, o.warmup, 0);
        if (o.runs("latency")) {
            for (int rate : o.rates) {
                for (int interval : o.commitIntervals) {
                    results.add(raw.openLoop(rate, o.duration, interval));
                }
            }
            results.add(raw.openLoop(first, o.duration, 0));
        }
        if (o.runs("throughput")) {
            results.add(raw.maxThroughput(o.requests, 100));
        }
    }

    private static void topology(BenchOptions o, String bootstrap, long brokerPid, Path work, Results results,
                                 List<String> setup) {
        setup.add("Kafka Streams: the topology of LivedropTopology.build in the benchmark's JVM, settings of"
                + " StreamsSettings.of with processing.guarantee, commit.interval.ms and num.stream.threads="
                + BenchOptions.STREAM_THREADS + " overridden; Kafka Streams' own producer defaults otherwise");
        for (String guarantee : o.guarantees) {
            for (int commit : o.commitIntervals) {
                Progress.say("topology (%s): starting Kafka Streams, then %s of warm-up at %,d/s (discarded)",
                        TopologyBench.label(guarantee, commit), Formats.secs(o.warmup), o.rates.get(0));
                try (TopologyBench bench = new TopologyBench(o, bootstrap, brokerPid, work, guarantee, commit)) {
                    bench.start();
                    bench.openLoop("warm", o.rates.get(0), o.warmup);
                    if (o.runs("latency")) {
                        for (int rate : o.rates) {
                            results.add(bench.openLoop("r" + rate, rate, o.duration));
                        }
                    }
                    if (o.runs("throughput")) {
                        results.add(bench.maxThroughput("hot", false));
                        if (o.runs("spread")) {
                            results.add(bench.maxThroughput("spread", true));
                        }
                    }
                }
            }
        }
    }

    private static int sampleRequestSize() {
        TopologySerdes serdes = TopologySerdes.from(AvroSerdes.singleObject());
        OrderRequest sample = OrderRequest.newBuilder().setOrderId(OrderIds.of("u123456", "rh-123456"))
                .setDropId("e100-hot-hot").setUserId("u123456").setIdempotencyKey("rh-123456").setQuantity(1)
                .setRequestedAt(Instant.now()).build();
        return serdes.orderRequest().serializer().serialize("t", sample).length;
    }
}
