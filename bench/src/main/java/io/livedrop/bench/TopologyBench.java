package io.livedrop.bench;

import io.livedrop.bench.DecisionTracker.Schedule;
import io.livedrop.bench.Results.LatencyRun;
import io.livedrop.bench.Results.ThroughputRun;
import io.livedrop.events.catalog.Drop;
import io.livedrop.events.drop.DropEvent;
import io.livedrop.events.drop.DropEventType;
import io.livedrop.events.order.OrderDecision;
import io.livedrop.events.order.OrderRequest;
import io.livedrop.schemas.serde.AvroSerdes;
import io.livedrop.topology.LivedropTopology;
import io.livedrop.topology.config.LivedropConfig;
import io.livedrop.topology.config.StreamsSettings;
import io.livedrop.topology.config.Topics;
import io.livedrop.topology.config.TopologySerdes;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The system under test: {@link LivedropTopology} in this JVM with one guarantee and commit interval, on topics of
 * its own, fed order requests and read back from the order-decisions topic by a read_committed consumer.
 */
final class TopologyBench implements AutoCloseable {

    /** Stream-thread metrics that say where the time goes. */
    private static final List<String> METRICS = List.of("process-rate", "process-latency-avg", "commit-rate",
            "commit-latency-avg", "poll-records-avg", "poll-ratio", "process-ratio", "commit-ratio", "punctuate-ratio");

    private final BenchOptions options;
    private final String bootstrap;
    private final long brokerPid;
    private final String tag;
    private final String config;
    private final Path stateDir;
    private final Topics topics;
    private final TopologySerdes serdes = TopologySerdes.from(AvroSerdes.singleObject());
    private final AtomicReference<Throwable> streamsFailure = new AtomicReference<>();
    private final KafkaStreams streams;
    private KafkaProducer<String, OrderRequest> orders;

    TopologyBench(BenchOptions options, String bootstrap, long brokerPid, Path workDir, String guarantee,
                  int commitIntervalMs) {
        this.options = options;
        this.bootstrap = bootstrap;
        this.brokerPid = brokerPid;
        this.tag = (guarantee.equals("exactly_once_v2") ? "e" : "a") + commitIntervalMs;
        this.config = label(guarantee, commitIntervalMs);
        this.stateDir = workDir.resolve("state-" + tag);
        LivedropConfig livedropConfig = new LivedropConfig(Map.of(LivedropConfig.TOPIC_PREFIX, "bench-" + tag + ".",
                LivedropConfig.PARTITIONS, String.valueOf(options.partitions)));
        this.topics = Topics.from(livedropConfig);
        this.streams = new KafkaStreams(LivedropTopology.build(livedropConfig, serdes),
                StreamsSettings.of(livedropConfig, "bench-" + tag, bootstrap, stateDir, Map.of(
                        StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee, StreamsConfig.COMMIT_INTERVAL_MS_CONFIG,
                        commitIntervalMs, StreamsConfig.NUM_STREAM_THREADS_CONFIG, BenchOptions.STREAM_THREADS)));
    }

    static String label(String guarantee, int commitIntervalMs) {
        return guarantee + ", commit " + commitIntervalMs + " ms";
    }

    void start() {
        KafkaAdmin.provision(bootstrap, topics);
        KafkaAdmin.start(streams, streamsFailure, "Kafka Streams (" + config + ")");
        checkStreams();
        orders = producer("bench-orders-" + tag, serdes.orderRequest().serializer());
    }

    private <V> KafkaProducer<String, V> producer(String clientId, Serializer<V> values) {
        return KafkaAdmin.producer(bootstrap, clientId, serdes.key().serializer(), values);
    }

    private void checkStreams() {
        Throwable t = streamsFailure.get();
        if (t != null) {
            throw new IllegalStateException("Kafka Streams (" + config + ") failed: " + t, t);
        }
    }

    /** Publishes the drops and waits for each one's STARTED event. */
    private void launch(Workload w) {
        Set<String> started = ConcurrentHashMap.newKeySet();
        Set<String> wanted = Set.of(w.dropIds());
        try (var drops = producer("bench-drops-" + tag, serdes.drop().serializer());
             var events = new CommittedReader<>(bootstrap, topics.dropEvents().name(),
                     serdes.dropEvent().deserializer(), (r, now) -> {
                         DropEvent e = r.value();
                         if (e != null && e.getType() == DropEventType.STARTED && wanted.contains(e.getDropId())) {
                             started.add(e.getDropId());
                         }
                     }, Duration.ofMinutes(2), CommittedReader.BATCH_FETCH_WAIT_MS).start()) {
            Instant now = Instant.now();
            for (String id : w.dropIds()) {
                drops.send(new ProducerRecord<>(topics.drops().name(), id, Drop.newBuilder()
                        .setId(id).setCreatorId("bench-creator").setProductId("bench-product")
                        .setInitialStock(w.stockPerDrop()).setPriceCents(1_999).setCurrency("USD")
                        .setStartsAt(now.minusSeconds(1)).setEndsAt(null).setPerUserLimit(null).setCreatedAt(now)
                        .build()));
            }
            drops.flush();
            if (!Waits.await(() -> started.size() == wanted.size() || streamsFailure.get() != null,
                    Duration.ofSeconds(60))) {
                throw new IllegalStateException(wanted.size() - started.size() + " of " + wanted.size()
                        + " drops did not go LIVE within 60 s (" + config + ")");
            }
        }
        checkStreams();
    }

    /** One run: its drops launched, its sends and decisions counted and shown every 5 s. */
    private final class Run implements AutoCloseable {
        final Workload w;
        final DecisionTracker tracker;
        final CommittedReader<OrderDecision> reader;
        final AtomicLong sent = new AtomicLong();
        final Progress.Ticker ticker;

        Run(String phase, Workload w, DecisionTracker tracker, Duration maxRuntime) {
            this.w = w;
            this.tracker = tracker;
            launch(w);
            reader = new CommittedReader<>(bootstrap, topics.orderDecisions().name(),
                    serdes.orderDecision().deserializer(), (r, now) -> {
                        if (r.value() != null) {
                            tracker.decision(r.value(), now);
                        }
                    }, maxRuntime, CommittedReader.BATCH_FETCH_WAIT_MS).start();
            ticker = Progress.every(Duration.ofSeconds(5), () -> String.format(Locale.ROOT,
                    "%s %s: sent %,d/%,d, decided %,d/%,d", config, phase, sent.get(), w.requests(), tracker.decided(),
                    w.orders()));
        }

        void send(int slot) {
            int order = w.slotOrder()[slot];
            orders.send(new ProducerRecord<>(topics.orderRequests().name(), w.dropId(order), w.request(order)),
                    tracker::sent);
            sent.incrementAndGet();
        }

        boolean over() {
            return tracker.complete() || streamsFailure.get() != null || reader.failure() != null;
        }

        @Override
        public void close() {
            ticker.close();
            reader.close();
            if (reader.failure() != null) {
                throw new IllegalStateException("The decision reader failed: " + reader.failure(), reader.failure());
            }
            checkStreams();
        }
    }

    /** Open loop on a fresh hot drop at {@code rate} for {@code duration}, then the drain. */
    LatencyRun openLoop(String phase, int rate, Duration duration) {
        int requests = (int) Math.max(10, Math.round(rate * duration.toMillis() / 1000.0));
        Workload w = Workload.hot(tag + "-" + phase, requests, options.retryFraction, options.users,
                tag + "-" + phase + "-hot", options.stock, options.seed);
        Duration drain = Duration.ofSeconds(Math.max(30, duration.toSeconds()));
        long t0;
        long lastSend;
        DecisionTracker tracker = new DecisionTracker(w);
        try (Run run = new Run(phase + " @ " + rate + "/s", w, tracker, duration.plus(drain).plusSeconds(30))) {
            t0 = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
            Schedule schedule = Schedule.of(t0, rate);
            tracker.schedule(schedule);
            for (int slot = 0; slot < w.requests(); slot++) {
                Waits.until(schedule.intended(slot));
                run.send(slot);
            }
            lastSend = System.nanoTime();
            orders.flush();
            if (!Waits.await(run::over, drain)) {
                tracker.giveUp(System.nanoTime());
            }
        }
        double seconds = (lastSend - t0) / 1e9;
        String note = tracker.complete() ? "" : "INCOMPLETE after a " + drain.toSeconds()
                + " s drain: percentiles are lower bounds";
        return new LatencyRun(Results.System.TOPOLOGY, config, rate, seconds, w.requests() / Math.max(seconds, 1e-9),
                tracker.latency(), tracker.verification(), note).say();
    }

    /** Sends {@code options.requests} requests as fast as possible. */
    ThroughputRun maxThroughput(String phase, boolean spread) {
        String[] dropIds = spread
                ? IntStream.range(0, options.spreadDrops).mapToObj(i -> tag + "-" + phase + "-d" + i).toArray(String[]::new)
                : new String[] {tag + "-" + phase + "-hot"};
        Workload w = Workload.generate(tag + "-" + phase, options.requests, options.retryFraction, options.users,
                dropIds, spread ? options.stock / options.spreadDrops : options.stock, options.seed);
        Duration limit = Duration.ofSeconds(Math.min(900, Math.max(120, w.requests() / 1000)));
        long t0;
        long sendEnd;
        String metrics;
        Mark from = null;
        Mark to = null;
        DecisionTracker tracker = new DecisionTracker(w);
        try (Run run = new Run(phase, w, tracker, limit.plusSeconds(30))) {
            t0 = System.nanoTime();
            for (int slot = 0; slot < w.requests(); slot++) {
                run.send(slot);
            }
            orders.flush();
            sendEnd = System.nanoTime();
            while (!run.over()) {
                long now = System.nanoTime();
                if (now > t0 + limit.toNanos()) {
                    tracker.giveUp(now);
                    break;
                }
                long d = tracker.decided();
                if (from == null && d >= w.orders() / 4) {
                    from = new Mark(now, d, ProcCpu.threads(brokerPid));
                }
                if (from != null && to == null && d >= w.orders() * 9L / 10) {
                    to = new Mark(now, d, ProcCpu.threads(brokerPid));
                }
                Waits.until(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2));
            }
            metrics = streamsMetrics();
        }
        var v = tracker.verification();
        double seconds = v.decided() == 0 ? 0 : (tracker.lastDecisionNanos() - t0) / 1e9;
        String note = (tracker.complete() ? "" : "INCOMPLETE after " + limit.toSeconds() + " s; ") + metrics;
        boolean steady = to != null && to.nanos > from.nanos;
        return new ThroughputRun(Results.System.TOPOLOGY, config,
                spread ? "spread: " + dropIds.length + " drops" : "hot drop", w.requests(), w.orders(),
                (sendEnd - t0) / 1e9, seconds, v, note, steady ? (to.decided - from.decided) / ((to.nanos - from.nanos)
                / 1e9) : Double.NaN, to != null ? to.cpu.busiest(from.cpu, 6) : "").say();
    }

    /** The decisions and thread CPU at a point of the drain. */
    private record Mark(long nanos, long decided, ProcCpu cpu) {
    }

    private String streamsMetrics() {
        Map<String, Double> sums = new LinkedHashMap<>();
        streams.metrics().forEach((name, metric) -> {
            if (name.group().equals("stream-thread-metrics") && METRICS.contains(name.name())
                    && metric.metricValue() instanceof Number n && !Double.isNaN(n.doubleValue())) {
                sums.merge(name.name(), n.doubleValue(), Double::sum);
            }
        });
        return sums.isEmpty() ? "" : "stream thread at the end: " + sums.entrySet().stream().map(e -> e.getKey() + " "
                + String.format(Locale.ROOT, e.getValue() >= 100 ? "%,.0f" : "%.2f", e.getValue()))
                .collect(Collectors.joining(", "));
    }

    @Override
    public void close() {
        if (orders != null) {
            orders.close(Duration.ofSeconds(10));
        }
        streams.close(Duration.ofSeconds(60));
        streams.cleanUp();
        // frees the broker's disk and memory for the next configuration
        KafkaAdmin.delete(bootstrap, n -> n.startsWith("bench-" + tag + ".") || n.startsWith("bench-" + tag + "-"));
        Dirs.deleteRecursively(stateDir);
    }
}
