package io.livedrop.bench;

import io.livedrop.bench.DecisionTracker.Schedule;
import io.livedrop.bench.Results.LatencyRun;
import io.livedrop.bench.Results.ThroughputRun;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Baseline 1, the floor under any Kafka design: a transactional producer writes order-request-sized records to one
 * partition, a read_committed consumer reads them; commits "asap" (interval 0) or every N ms like Kafka Streams.
 */
final class RawKafkaBench {

    private final String bootstrap;
    private final int valueBytes;
    private final long seed;
    private int runs;

    RawKafkaBench(String bootstrap, int valueBytes, long seed) {
        this.bootstrap = bootstrap;
        this.valueBytes = Math.max(8, valueBytes);
        this.seed = seed;
    }

    static String label(int commitIntervalMs) {
        return "transactions committed " + (commitIntervalMs == 0 ? "asap" : "every " + commitIntervalMs + " ms");
    }

    LatencyRun openLoop(int rate, Duration duration, int commitIntervalMs) {
        int n = (int) Math.max(10, Math.round(rate * duration.toMillis() / 1000.0));
        Outcome o = run(n, rate, commitIntervalMs, "open loop " + rate + "/s");
        return new LatencyRun(Results.System.RAW_KAFKA, label(commitIntervalMs), rate, o.sendSeconds,
                n / Math.max(o.sendSeconds, 1e-9), o.tracker.latency(), o.tracker.verification(), o.note).say();
    }

    ThroughputRun maxThroughput(int n, int commitIntervalMs) {
        Outcome o = run(n, 0, commitIntervalMs, "max throughput");
        double seconds = o.tracker.decided() == 0 ? 0 : (o.tracker.lastDecisionNanos() - o.t0) / 1e9;
        return new ThroughputRun(Results.System.RAW_KAFKA, label(commitIntervalMs),
                "1 partition, " + valueBytes + "-byte records", n, n, o.sendSeconds, seconds, o.tracker.verification(),
                o.note, Double.NaN, "").say();
    }

    private record Outcome(DecisionTracker tracker, long t0, double sendSeconds, String note) {
    }

    /** rate 0: everything due at once. */
    private Outcome run(int n, int rate, int commitIntervalMs, String what) {
        String topic = "bench-raw-" + (++runs);
        KafkaAdmin.create(bootstrap, topic, 1);
        Workload w = Workload.hot("raw" + runs, n, 0.0, 1, "raw", n, seed);
        DecisionTracker tracker = new DecisionTracker(w);
        Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, topic, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.CLIENT_ID_CONFIG, topic);
        AtomicLong sent = new AtomicLong();
        Duration maxRuntime = Duration.ofSeconds(rate == 0 ? Math.max(120, n / 2000) : n / rate + 30 + 60);
        long t0;
        double sendSeconds;
        org.HdrHistogram.Histogram commitMicros = new org.HdrHistogram.Histogram(60_000_000L, 3);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
             CommittedReader<byte[]> reader = new CommittedReader<>(bootstrap, topic, new ByteArrayDeserializer(),
                     (r, now) -> tracker.decision(ByteBuffer.wrap(r.value()).getInt(0), true, 1, now, false),
                     maxRuntime, CommittedReader.BATCH_FETCH_WAIT_MS).start();
             var ticker = Progress.every(Duration.ofSeconds(5), () -> String.format(Locale.ROOT,
                     "raw Kafka (%s) %s: sent %,d/%,d, read %,d", label(commitIntervalMs), what, sent.get(), n,
                     tracker.decided()))) {
            producer.initTransactions();
            t0 = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
            Schedule schedule = rate == 0 ? new Schedule(t0, 0) : Schedule.of(t0, rate);
            tracker.schedule(rate == 0 ? null : schedule);
            long interval = TimeUnit.MILLISECONDS.toNanos(commitIntervalMs);
            int slot = 0;
            while (slot < n) {
                Waits.until(schedule.intended(slot));
                producer.beginTransaction();
                long txStart = System.nanoTime();
                while (true) {
                    while (slot < n && schedule.intended(slot) <= System.nanoTime()) {
                        producer.send(new ProducerRecord<>(topic, "raw", ByteBuffer.allocate(valueBytes)
                                .putInt(0, slot).array()), tracker::sent);
                        slot++;
                        sent.incrementAndGet();
                    }
                    if (interval == 0 || slot >= n || System.nanoTime() >= txStart + interval) {
                        break;
                    }
                    Waits.until(Math.min(schedule.intended(slot), txStart + interval));
                }
                long c0 = System.nanoTime();
                producer.commitTransaction();
                commitMicros.recordValue(Math.min((System.nanoTime() - c0) / 1000, 60_000_000L));
            }
            Progress.say("  commitTransaction: %,d commits, p50 %.2f ms, p99 %.2f ms, max %.2f ms",
                    commitMicros.getTotalCount(), commitMicros.getValueAtPercentile(50) / 1000.0,
                    commitMicros.getValueAtPercentile(99) / 1000.0, commitMicros.getMaxValue() / 1000.0);
            sendSeconds = (System.nanoTime() - t0) / 1e9;
            if (!Waits.await(() -> tracker.complete() || reader.failure() != null, Duration.ofSeconds(30))) {
                tracker.giveUp(System.nanoTime());
            }
            if (reader.failure() != null) {
                throw new IllegalStateException("raw reader failed: " + reader.failure(), reader.failure());
            }
        }
        KafkaAdmin.delete(bootstrap, topic::equals);
        String note = tracker.complete() ? "" : "INCOMPLETE: " + (n - tracker.decided()) + " records not seen";
        return new Outcome(tracker, t0, sendSeconds, note);
    }
}
