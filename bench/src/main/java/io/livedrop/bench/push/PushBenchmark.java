package io.livedrop.bench.push;

import static io.livedrop.bench.Formats.n;

import io.livedrop.bench.Dirs;
import io.livedrop.bench.BenchRun;
import io.livedrop.bench.Cli;
import io.livedrop.bench.KafkaBroker;
import io.livedrop.bench.Progress;
import io.livedrop.events.notification.PushBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The push-path benchmark (method: docs/benchmarks/methodology.md#push-benchmark): a drop start of a creator with N
 * followers through the social topology until every push batch is committed and read, against a plain producer
 * writing the same records and a plain RocksDB scan of the same keys. Exit status 0 when every fan-out passed its
 * checks. Known gap: one broker and one Streams instance sharing this machine's cores.
 */
public final class PushBenchmark {

    private PushBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args));
    }

    /** The results of one follower count. */
    static final class Size {
        final int followers;
        SocialUnderTest.Seed seed;
        final List<FanoutCheck.FanoutRun> fanouts = new ArrayList<>();
        final Map<RawProducerBaseline.Variant, List<RawProducerBaseline.Run>> raw = new LinkedHashMap<>();
        RocksScanBaseline.Result scan;

        Size(int followers) {
            this.followers = followers;
        }
    }

    static int run(String[] args) throws Exception {
        return Cli.run(args, new PushOptions(), o -> "livedrop push benchmark", PushBenchmark::run);
    }

    private static int run(PushOptions o, BenchRun run) throws Exception {
        List<Size> sizes = new ArrayList<>();
        List<String> setup = new ArrayList<>();
        Progress.say("plan: followers %s (seeded cumulatively, %.2f noise follows per follower); %d runs of each"
                + " fan-out and baseline (raw producer: 3 variants; RocksDB scan)", o.followers, o.noise, o.runs);
        try (run; KafkaBroker broker = run.startBroker(o.broker);
             SocialUnderTest app = new SocialUnderTest(o, broker.bootstrapServers(), run.work)) {
            Progress.say("starting the social topology (%s, %d partitions)", app.applicationId(), o.partitions);
            app.start();
            setup.add("Kafka Streams: SocialTopology.build in the benchmark's JVM, one KafkaStreams instance,"
                    + " application id `" + app.applicationId() + "`, StreamsSettings.of: " + app.settings()
                    + "; Kafka Streams' own producer and consumer defaults otherwise");
            setup.add("topics: prefix `" + SocialUnderTest.PREFIX + "`, " + o.partitions + " partitions each"
                    + " (follows, drop-starts, push-batches, ...), replication 1; push batch size "
                    + app.config.pushBatchSize() + " (notifications.push.batch.size)");
            RawProducerBaseline raw = new RawProducerBaseline(broker.bootstrapServers(),
                    app.serdes.pushBatch().serializer(), o.partitions);
            for (int n : o.followers) {
                Size size = new Size(n);
                sizes.add(size);
                measure(o, app, raw, size, run.work);
            }
        } catch (Exception | Error e) {
            run.failed(e);
        }
        Path report = new PushReport(o, run, sizes, setup).write();
        return run.exit(report, sizes.stream().allMatch(s -> s.fanouts.stream().allMatch(FanoutCheck.FanoutRun::ok)),
                "every fan-out passed its checks",
                "SOME FAN-OUTS FAILED THEIR CHECKS OR THE RUN FAILED (see the report)");
    }

    private static void measure(PushOptions o, SocialUnderTest app, RawProducerBaseline raw, Size size, Path work)
            throws Exception {
        int n = size.followers;
        Progress.say("== %,d followers: seeding follows of %s and noise follows", n, Follows.CREATOR);
        size.seed = app.seedTo(n);
        Progress.say("seeded: %,d follows (%,d of %s, %,d noise) produced in %.1f s, all applied after %.1f s:"
                + " %,.0f follows/s", size.seed.added() + size.seed.noise(), size.seed.added(), Follows.CREATOR,
                size.seed.noise(), size.seed.produceSeconds(), size.seed.seconds(), size.seed.followsPerSecond());
        Thread.sleep(2000); // the last commits and changelog writes settle
        List<ConsumerRecord<String, PushBatch>> written = List.of();
        for (int r = 1; r <= o.runs; r++) {
            String dropId = "drop-" + n + "-" + r;
            FanoutCheck check = new FanoutCheck(dropId, n, o.partitions, app.config.pushBatchSize());
            FanoutCheck.FanoutRun run = app.fanout(r, dropId, check);
            size.fanouts.add(run);
            if (r == 1) {
                written = check.written();
            }
            Progress.say("fan-out %d/%d of %,d followers (drop %s): drop start → last batch committed and read: %.0f ms"
                    + " (%,.0f followers/s); start acked %.1f ms, on drop-starts %.0f–%.0f ms, first batch %.0f ms; %,d"
                    + " batches, %,d bytes; %s", r, o.runs, n, dropId, run.completeMs(), run.followersPerSecond(),
                    run.startAckedMs(), run.startsFirstMs(), run.startsLastMs(), run.firstBatchMs(), run.batches(),
                    run.bytes(), run.ok() ? "checks: every follower named exactly once (" + n(run.distinct())
                    + " distinct of " + n(run.ids()) + " ids)" : "!!! CORRECTNESS VIOLATION: " + run.problems());
            Thread.sleep(1000);
        }
        if (!written.isEmpty()) {
            for (RawProducerBaseline.Variant v : RawProducerBaseline.Variant.ALL) {
                for (int r = 1; r <= o.runs; r++) {
                    RawProducerBaseline.Run run = raw.run(written, v);
                    size.raw.computeIfAbsent(v, x -> new ArrayList<>()).add(run);
                    Progress.say("raw producer (%s) %d/%d: %,d records, %,d bytes acked in %.1f ms", v.label(),
                            r, o.runs, run.records(), run.bytes(), run.ms());
                }
            }
        } else {
            Progress.say("raw producer baseline skipped: the first fan-out wrote nothing");
        }
        Path dir = work.resolve("rocksdb-" + n);
        size.scan = RocksScanBaseline.run(dir, n, o.noise, app.config.pushBatchSize(), o.runs);
        Dirs.deleteRecursively(dir);
        Progress.say("RocksDB prefix scan of %s| (%,d keys written): %s ms; %,d ids in %,d batches", Follows.CREATOR,
                size.scan.keys(), size.scan.ms().stream().map(d -> String.format(Locale.ROOT, "%.1f", d)).toList(),
                size.scan.ids(), size.scan.batches());
    }
}
