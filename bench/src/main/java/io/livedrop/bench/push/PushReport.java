package io.livedrop.bench.push;

import static io.livedrop.bench.Formats.ms;
import static io.livedrop.bench.Formats.n;
import static io.livedrop.bench.Formats.pct;
import static io.livedrop.bench.Formats.ratio;

import io.livedrop.bench.BenchRun;
import io.livedrop.bench.CommittedReader;
import io.livedrop.bench.Formats;
import io.livedrop.bench.Markdown;
import io.livedrop.bench.Progress;
import io.livedrop.bench.push.FanoutCheck.FanoutRun;
import io.livedrop.bench.push.PushBenchmark.Size;
import io.livedrop.topology.config.StreamsSettings;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** Writes the push benchmark's markdown report. */
final class PushReport extends Markdown {

    static final int TARGET_FOLLOWERS = 1_000_000;
    static final double TARGET_MS = 2000;
    static final String METHOD = "[docs/benchmarks/methodology.md#push-benchmark](methodology.md#push-benchmark)";

    private final PushOptions o;
    private final List<Size> sizes;
    private final List<String> setup;

    PushReport(PushOptions o, BenchRun run, List<Size> sizes, List<String> setup) {
        super(run, o.out, o.name);
        this.o = o;
        this.sizes = sizes;
        this.setup = setup;
    }

    @Override
    protected void sections() {
        header();
        target();
        results();
        timeline();
        seeding();
        correctness();
        bounds();
        setupSection();
        method();
        runOutput();
    }

    private void header() {
        paragraph("# Push fan-out benchmark" + (o.streamThreads == 1 ? "" : " — variant: num.stream.threads="
                + o.streamThreads));
        paragraph("Command: `" + env.command() + "`");
        paragraph(produced() + " Generated file: rerun the command to refresh it.");
        paragraph("A drop start of creator `" + Follows.CREATOR + "` through the social topology until a read_committed"
                + " consumer has every push batch of every follows partition. Method: see " + METHOD + ".");
        failure();
        long bad = sizes.stream().flatMap(s -> s.fanouts.stream()).filter(r -> !r.ok()).count();
        if (bad > 0) {
            paragraph("> **CORRECTNESS VIOLATION: " + bad + " fan-out(s) did not name every follower exactly once** (or"
                    + " did not finish); see [Correctness](#correctness).");
        }
    }

    private void target() {
        paragraph("## Target");
        Size big = sizes.stream().filter(s -> s.followers == TARGET_FOLLOWERS && !s.fanouts.isEmpty()).findFirst()
                .orElse(null);
        String target = "\"1M followers' batches committed < 2 s after the start\"";
        if (big == null) {
            line("- " + target + ": **not measured in this run** (1,000,000 followers was not among `--followers` "
                    + o.followers + (run.failure != null ? ", or the run failed before it" : "") + ").");
        } else {
            double med = median(big.fanouts, FanoutRun::completeMs);
            boolean allOk = big.fanouts.stream().allMatch(FanoutRun::ok);
            boolean met = med < TARGET_MS && allOk;
            line("- " + target + ": **" + (met ? "met" : "NOT met") + "** — median " + ms(med) + " ms (runs "
                    + runs(big.fanouts, FanoutRun::completeMs) + " ms), " + n(TARGET_FOLLOWERS / (med / 1000))
                    + " followers/s" + (allOk ? "" : "; and the checks failed") + ".");
        }
        line();
    }

    private void results() {
        paragraph("## Results");
        paragraph("Times in ms, medians of " + o.runs + " runs (fan-outs: all runs in brackets). Raw producer: the"
                + " same records and bytes, by a plain producer; RocksDB: the prefix scan alone.");
        line("| followers | drop start → last batch committed (median) | runs | followers/s | batches written | bytes"
                + " (key + value) | raw producer, same records: defaults | raw producer: one transaction"
                + " | raw producer: batch.size 256 KiB | RocksDB prefix scan + batching | fan-out / raw producer"
                + " (defaults) | fan-out / raw producer (256 KiB batches) | fan-out / scan |");
        line("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Size s : sizes.stream().filter(x -> !x.fanouts.isEmpty()).toList()) {
            double fan = median(s.fanouts, FanoutRun::completeMs);
            double raw = raw(s, RawProducerBaseline.Variant.DEFAULTS);
            double tx = raw(s, RawProducerBaseline.Variant.TRANSACTION);
            double big = raw(s, RawProducerBaseline.Variant.BIG_BATCHES);
            double scan = s.scan == null ? Double.NaN : median(s.scan.ms(), d -> d);
            FanoutRun first = s.fanouts.get(0);
            row(n(s.followers), "**" + ms(fan) + "**", runs(s.fanouts, FanoutRun::completeMs),
                    n(s.followers / (fan / 1000)), n(first.batches()), n(first.bytes()), ms(raw), ms(tx), ms(big),
                    ms(scan), r(fan / raw), r(fan / big), r(fan / scan));
        }
        line();
        paragraph("Raw producer runs (ms):");
        for (Size s : sizes) {
            s.raw.forEach((v, runs) -> line("- " + n(s.followers) + " followers, " + v.label() + ": "
                    + runs(runs, RawProducerBaseline.Run::ms)));
            if (s.scan != null) {
                line("- " + n(s.followers) + " followers, RocksDB scan: " + runs(s.scan.ms(), d -> d));
            }
        }
        line();
    }

    private void timeline() {
        paragraph("### Where the time goes, per drop start");
        paragraph("Milliseconds after the start's send (see " + METHOD + "):");
        line("| followers | run | start acked | on drop-starts (first – all partitions) | first batch | last batch"
                + " (done) | first → last batch | batches | followers/s |");
        line("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Size s : sizes) {
            for (FanoutRun r : s.fanouts) {
                row(n(s.followers), r.run(), ms(r.startAckedMs()), ms(r.startsFirstMs()) + " – " + ms(r.startsLastMs()),
                        ms(r.firstBatchMs()), ms(r.completeMs()), ms(r.completeMs() - r.firstBatchMs()),
                        n(r.batches()), n(r.followersPerSecond()));
            }
        }
        line();
    }

    private void seeding() {
        paragraph("## Seeding (informative, not a target)");
        paragraph("Follows of `" + Follows.CREATOR + "` plus noise follows of " + Follows.NOISE_CREATORS + " (see "
                + METHOD + ").");
        line("| followers | follows added (of which noise) | producing took | all applied after | follows applied/s |");
        line("|---:|---:|---:|---:|---:|");
        sizes.stream().filter(s -> s.seed != null).forEach(s -> row(n(s.followers), n(s.seed.added() + s.seed.noise())
                + " (" + n(s.seed.noise()) + ")", String.format(Locale.ROOT, "%.1f s", s.seed.produceSeconds()),
                String.format(Locale.ROOT, "%.1f s", s.seed.seconds()), n(s.seed.followsPerSecond())));
        line();
    }

    private void correctness() {
        paragraph("## Correctness");
        paragraph("Each fan-out names every follower exactly once, nobody else, in complete batch runs (see " + METHOD
                + ").");
        line("| followers | run | drop | user ids | distinct | duplicates | not followers | verdict |");
        line("|---:|---:|---|---:|---:|---:|---:|---|");
        for (Size s : sizes) {
            for (FanoutRun r : s.fanouts) {
                row(n(s.followers), r.run(), r.dropId(), n(r.ids()), n(r.distinct()), n(r.duplicates()),
                        n(r.unexpected()), r.ok() ? "ok" : "**VIOLATION:** " + String.join("; ", r.problems()));
            }
            if (s.scan != null && s.scan.ids() != s.followers) {
                line("| " + n(s.followers) + " | RocksDB | — | " + n(s.scan.ids()) + " | | | | **the baseline scan"
                        + " found " + n(s.scan.ids()) + " ids** |");
            }
        }
        line();
    }

    private void bounds() {
        paragraph("## What bounds it");
        Size s = sizes.stream().filter(x -> !x.fanouts.isEmpty() && x.scan != null
                && x.raw.size() == RawProducerBaseline.Variant.ALL.size()).reduce((a, b) -> b).orElse(null);
        if (s == null) {
            paragraph("Not enough was measured to say.");
            return;
        }
        double done = median(s.fanouts, FanoutRun::completeMs);
        double hop = median(s.fanouts, FanoutRun::startsLastMs);
        double first = median(s.fanouts, FanoutRun::firstBatchMs);
        double spread = median(s.fanouts, r -> r.completeMs() - r.firstBatchMs());
        double scan = median(s.scan.ms(), d -> d);
        double raw = raw(s, RawProducerBaseline.Variant.DEFAULTS);
        double tx = raw(s, RawProducerBaseline.Variant.TRANSACTION);
        double big = raw(s, RawProducerBaseline.Variant.BIG_BATCHES);
        double tasks = done - hop;
        paragraph(String.format(Locale.ROOT, "At %s followers (medians): the start is on every drop-starts partition"
                        + " after %s ms (%s of the %s ms; commit.interval.ms %s). The remaining %s ms are the fan-out"
                        + " tasks' (%d follows partitions, %d stream thread(s)); the first batch is visible at %s ms,"
                        + " the last %s ms later.", n(s.followers), ms(hop), pct(hop / done), ms(done),
                StreamsSettings.DEFAULT_COMMIT_INTERVAL_MS + " ms", ms(tasks), o.partitions, o.streamThreads, ms(first),
                ms(spread)));
        paragraph(String.format(Locale.ROOT, "A plain RocksDB scans the same keys in %s ms; a plain producer writes the"
                        + " same %s records (%s bytes) in %s ms (%s ms in one transaction, %s ms with 256 KiB batches):"
                        + " the scan plus the fastest raw write are %s of the tasks' %s ms. The rest is Kafka Streams'"
                        + " own path per record and the exactly-once commit (see " + METHOD + ").", ms(scan),
                n(s.fanouts.get(0).batches()), n(s.fanouts.get(0).bytes()), ms(raw), ms(tx), ms(big),
                pct((scan + Math.min(raw, Math.min(tx, big))) / tasks), ms(tasks)));
        line(spread > 0.5 * tasks ? "The batches become visible in several transactions: the first well before the"
                + " last." : "Most batches become visible together, in one or few transactions at the end.");
        line();
    }

    private void setupSection() {
        machine(true);
        cpuLoad();
        setup.forEach(s -> row(s.substring(0, s.indexOf(':')), s.substring(s.indexOf(':') + 1).strip()));
        line("| follower counts | " + o.followers + ", seeded cumulatively into the same topology; noise: " + o.noise
                + " follows of other creators per follower |");
        line("| seeding producer | acks=all, idempotent, linger.ms=20, batch.size=128 KiB, one thread |");
        line("| drop-start producer | acks=all, idempotent, linger.ms=0 |");
        line("| batch readers | read_committed KafkaConsumer, all partitions assigned and positioned at the end before"
                + " the start is sent, fetch.max.wait.ms=" + CommittedReader.TAIL_FETCH_WAIT_MS + " |");
        line("| raw producer baseline | KafkaProducer, acks=all, idempotent, a fresh " + o.partitions + "-partition"
                + " topic per run; variants: one transaction, batch.size=256 KiB (see " + METHOD + ") |");
        line("| RocksDB baseline | one RocksDB (default Options), the same follows' keys (see " + METHOD + ") |");
        line();
    }

    private void method() {
        paragraph("## Method");
        paragraph("See " + METHOD + "; here " + o.runs + " runs of each fan-out and baseline, on " + env.cores()
                + " shared cores.");
    }

    private void runOutput() {
        paragraph("## Output of the run");
        paragraph("<details><summary>progress lines</summary>");
        line("```");
        List<String> lines = Progress.lines();
        lines.subList(run.progressFrom, lines.size()).forEach(this::line);
        line("```");
        line();
        line("</details>");
    }

    private static double raw(Size s, RawProducerBaseline.Variant v) {
        return median(s.raw.getOrDefault(v, List.of()), RawProducerBaseline.Run::ms);
    }

    /** The median of the values that are numbers; NaN if none. */
    private static <T> double median(List<T> xs, ToDoubleFunction<T> f) {
        return Formats.median(xs.stream().mapToDouble(f));
    }

    private static <T> String runs(List<T> xs, ToDoubleFunction<T> f) {
        return String.join(", ", xs.stream().map(x -> ms(f.applyAsDouble(x))).toList());
    }

    private static String r(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "—" : ratio(v);
    }
}
