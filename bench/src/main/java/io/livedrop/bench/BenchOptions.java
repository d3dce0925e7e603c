package io.livedrop.bench;

import static io.livedrop.bench.FlagValues.dbl;
import static io.livedrop.bench.FlagValues.integer;
import static io.livedrop.bench.FlagValues.ints;
import static io.livedrop.bench.FlagValues.strings;

import io.livedrop.bench.FlagValues.UsageException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The benchmark's flags, {@code --name=value}. Sizes scale with {@code --scale}: 1 is the stampede
 * (stock 100,000; 1,000,000 order requests from 200,000 users, 5% of them retries), 0.1 a quick run.
 */
record BenchOptions(
        double scale,
        int requests,
        int users,
        int stock,
        double retryFraction,
        int spreadDrops,
        List<Integer> rates,
        Duration duration,
        Duration warmup,
        List<String> guarantees,
        List<Integer> commitIntervals,
        Set<String> phases,
        String broker,
        int partitions,
        int streamThreads,
        int producerLingerMs,
        int redisPipelineDepth,
        int redisPipelinedConnections,
        int redisConnections,
        long seed,
        Path out,
        String name,
        Map<String, String> streamsConfig) {

    static final Set<String> ALL_PHASES = Set.of("raw", "redis", "streams", "spread", "latency", "throughput");

    static final String USAGE = """
            Stampede benchmark: the livedrop order-decision topology under open-loop load, against a raw Kafka
            transactional round trip and a Redis Lua script, in one run on this machine.

              --scale=F               size factor (1 = stock 100,000, 1,000,000 requests, 200,000 users); default 1
              --requests=N            order requests per throughput run (default 1,000,000 x scale)
              --users=N               distinct users (default 200,000 x scale)
              --stock=N               units of the hot drop (default 100,000 x scale); the spread drops share it
              --retries=F             fraction of requests that repeat an earlier request (default 0.05)
              --spread-drops=N        drops of the spread case (default 100)
              --rates=R1,R2           open-loop arrival rates, requests/s (default 2000,5000)
              --duration=S            seconds per open-loop run (default 20 x scale, at least 5)
              --warmup=S              seconds of untimed load before each configuration (default 10 x scale, at least 3)
              --guarantees=G1,G2      processing.guarantee values (default exactly_once_v2,at_least_once)
              --commit-intervals=A,B  commit.interval.ms values (default 20,100)
              --phases=P,...          any of raw,redis,streams,spread,latency,throughput (default all)
              --broker=child|in-process  the Kafka broker in a child JVM (default) or in this JVM
              --partitions=N          partitions of the drop-keyed topics (default 12, as in production)
              --stream-threads=N      num.stream.threads (default 1)
              --producer-linger-ms=N  linger.ms of the order-request producer (default 5, the Kafka 4 default)
              --redis-pipeline=N      commands per Redis pipeline in the throughput run (default 100)
              --redis-pipelined-connections=N  connections of the pipelined Redis run (default 2)
              --redis-connections=N   connections (one command in flight each) of the unpipelined Redis run (default 16)
              --streams-config=K=V,...  extra Kafka Streams settings over StreamsSettings.of, for experiments
                                      (e.g. producer.retry.backoff.ms=10); shown in the report
              --seed=N                workload seed (default 42)
              --out=DIR               where the report goes (default docs/benchmarks)
              --name=NAME             report file name without extension (default stampede, or stampede-scale-F)
            """;

    static BenchOptions parse(String[] args) {
        Map<String, String> flags = FlagValues.flags(args);
        Map<String, String> f = new LinkedHashMap<>(flags);
        double scale = dbl(f.remove("scale"), 1.0);
        if (scale <= 0 || scale > 10) {
            throw new UsageException("--scale must be in (0, 10]");
        }
        int requests = integer(f.remove("requests"), (int) Math.round(1_000_000 * scale));
        int users = integer(f.remove("users"), Math.max(1, (int) Math.round(200_000 * scale)));
        int stock = integer(f.remove("stock"), Math.max(1, (int) Math.round(100_000 * scale)));
        double retries = dbl(f.remove("retries"), 0.05);
        int spreadDrops = integer(f.remove("spread-drops"), 100);
        List<Integer> rates = ints(f.remove("rates"), List.of(2000, 5000));
        Duration duration = Duration.ofMillis(Math.round(1000 * dbl(f.remove("duration"), Math.max(5, 20 * scale))));
        Duration warmup = Duration.ofMillis(Math.round(1000 * dbl(f.remove("warmup"), Math.max(3, 10 * scale))));
        List<String> guarantees = strings(f.remove("guarantees"), List.of("exactly_once_v2", "at_least_once"));
        List<Integer> commits = ints(f.remove("commit-intervals"), List.of(20, 100));
        Set<String> phases = Set.copyOf(strings(f.remove("phases"), List.copyOf(ALL_PHASES)));
        String broker = f.getOrDefault("broker", "child");
        f.remove("broker");
        int partitions = integer(f.remove("partitions"), 12);
        int threads = integer(f.remove("stream-threads"), 1);
        int linger = integer(f.remove("producer-linger-ms"), 5);
        int depth = integer(f.remove("redis-pipeline"), 100);
        int pipelinedConnections = integer(f.remove("redis-pipelined-connections"), 2);
        int connections = integer(f.remove("redis-connections"), 16);
        long seed = Long.parseLong(f.getOrDefault("seed", "42"));
        f.remove("seed");
        Path out = Path.of(f.getOrDefault("out", "docs/benchmarks"));
        f.remove("out");
        String defaultName = scale == 1.0 ? "stampede"
                : "stampede-scale-" + String.format(Locale.ROOT, "%s", trim(scale));
        String name = f.getOrDefault("name", defaultName);
        f.remove("name");
        Map<String, String> streamsConfig = FlagValues.keyValues(f.remove("streams-config"), "streams-config");
        if (!f.isEmpty()) {
            throw new UsageException("Unknown flag(s) " + f.keySet());
        }
        for (String p : phases) {
            if (!ALL_PHASES.contains(p)) {
                throw new UsageException("Unknown phase '" + p + "'; phases are " + ALL_PHASES);
            }
        }
        for (String g : guarantees) {
            if (!g.equals("exactly_once_v2") && !g.equals("at_least_once")) {
                throw new UsageException("--guarantees takes exactly_once_v2 and/or at_least_once, not " + g);
            }
        }
        if (!broker.equals("child") && !broker.equals("in-process")) {
            throw new UsageException("--broker is child or in-process");
        }
        if (requests < 10 || users < 1 || stock < 1 || retries < 0 || retries >= 0.5 || spreadDrops < 1
                || rates.isEmpty() || rates.stream().anyMatch(r -> r < 1) || partitions < 1 || threads < 1
                || depth < 1 || connections < 1 || pipelinedConnections < 1 || duration.toMillis() < 1000
                || stock < spreadDrops) {
            throw new UsageException("Out-of-range value: need requests >= 10, users, stock, rates, partitions >= 1,"
                    + " 0 <= retries < 0.5, duration >= 1 s, stock >= spread-drops");
        }
        return new BenchOptions(scale, requests, users, stock, retries, spreadDrops, rates, duration, warmup,
                guarantees, commits, phases, broker, partitions, threads, linger, depth, pipelinedConnections,
                connections, seed, out, name, Map.copyOf(streamsConfig));
    }

    boolean runs(String phase) {
        return phases.contains(phase);
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }





}
