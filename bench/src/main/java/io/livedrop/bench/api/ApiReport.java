package io.livedrop.bench.api;

import static io.livedrop.bench.Formats.ms;
import static io.livedrop.bench.Formats.n;
import static io.livedrop.bench.Formats.ratio;
import static io.livedrop.bench.Formats.secs;
import static io.livedrop.bench.api.ApiBenchmark.LOCAL;
import static io.livedrop.bench.api.ApiBenchmark.REMOTE;

import io.livedrop.bench.AppInstance;
import io.livedrop.bench.BenchRun;
import io.livedrop.bench.CommittedReader;
import io.livedrop.bench.Formats;
import io.livedrop.bench.LatencyChart;
import io.livedrop.bench.Markdown;
import io.livedrop.bench.api.LoadGenerator.Outcome;
import io.livedrop.topology.config.StreamsSettings;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/** Writes the API benchmark's report (markdown) and its percentile plot. */
final class ApiReport extends Markdown {

    static final double READ_TARGET_P99_MS = 10;
    static final int READ_TARGET_RATE = 2000;
    static final double READ_TARGET_RATIO = 1.5;
    static final double ORDER_TARGET_P99_MS = 60;
    static final int ORDER_TARGET_RATE = 1000;
    static final double ORDER_TARGET_RATIO = 1.3;

    private final ApiOptions o;
    private final ApiBenchmark r;
    /** kind|system|rate -> the repetitions of that case. */
    private final Map<String, Case> cases = new LinkedHashMap<>();

    ApiReport(ApiOptions o, BenchRun run, ApiBenchmark r) {
        super(run, o.out, o.name);
        this.o = o;
        this.r = r;
        for (Measured m : r.runs) {
            cases.computeIfAbsent(m.kind() + "|" + m.system() + "|" + m.rate(), k -> new Case(m.kind(), m.system(),
                    m.rate(), new ArrayList<>())).runs.add(m);
        }
    }

    /** The repetitions of one case; figures are medians across them. */
    record Case(String kind, String system, double rate, List<Measured> runs) {
        double median(ToDoubleFunction<Measured> f) {
            return Formats.median(runs.stream().mapToDouble(f));
        }

        double p(double percentile) {
            return p(Measured.ALL, percentile);
        }

        double p(int cls, double percentile) {
            return median(m -> m.ms(cls, percentile));
        }

        /** More than half of the repetitions were saturated. */
        boolean saturated() {
            return 2 * runs.stream().filter(m -> m.run().saturated()).count() > runs.size();
        }

        long sum(ToDoubleFunction<Measured> f) {
            return Math.round(runs.stream().mapToDouble(f).sum());
        }

        boolean lowerBound() {
            return runs.stream().anyMatch(Measured::lowerBound);
        }

        String bound() {
            return lowerBound() ? "≥ " : "";
        }

        /** "p50 | p99 | p99.9 | max" of class {@code cls}; "≥ " before lower bounds when {@code bounded}. */
        String percentiles(int cls, boolean boldP99, boolean bounded) {
            String b = bounded ? bound() : "";
            String bold = boldP99 ? "**" : "";
            return b + ms(p(cls, 50)) + " | " + bold + b + ms(p(cls, 99)) + bold + " | " + b + ms(p(cls, 99.9)) + " | "
                    + b + ms(median(m -> m.run().histogram(cls).getMaxValue() / 1000.0));
        }

        /** "p50 ÷ baseline | p99 ÷ baseline" of class {@code cls} against the whole baseline (empty without one). */
        String ratios(int cls, Optional<Case> baseline, boolean boldP99) {
            String bold = boldP99 ? "**" : "";
            return baseline.map(b -> ratio(p(cls, 50) / b.p(50)) + " | " + bold + ratio(p(cls, 99) / b.p(99)) + bold)
                    .orElse(" | ");
        }

        /** The repetition whose p99 is the median one: the one plotted. */
        Measured representative() {
            return runs.stream().sorted(Comparator.comparingDouble(m -> m.ms(Measured.ALL, 99)))
                    .toList().get((runs.size() - 1) / 2);
        }
    }

    @Override
    protected void sections() throws IOException {
        String png = o.name + "-latency.png";
        List<LatencyChart.Panel> panels = panels();
        if (!panels.isEmpty()) {
            LatencyChart.write(panels, "livedrop API, open-loop latency from intended send time (" + env.date()
                    .substring(0, 10) + (o.runs > 1 ? ", median-p99 run of " + o.runs : "") + ")", o.out.resolve(png));
        }
        header();
        targets();
        reads();
        maxThroughput();
        orders();
        if (!panels.isEmpty()) {
            paragraph("![Latency by percentile: one panel per case and rate, baselines dashed](" + png + ")");
        }
        cpu();
        ownership();
        setup();
    }

    private Optional<Case> find(String kind, String system, double rate) {
        return Optional.ofNullable(cases.get(kind + "|" + system + "|" + rate));
    }

    private void header() {
        paragraph("# API benchmark" + (o.quick ? " (quick smoke run)" : ""));
        line(produced());
        paragraph("Generated file: rerun the command to refresh it. Method, how to read the tables and what bounds the"
                + " figures: [api-method.md](api-method.md) (house rules: [methodology.md](methodology.md)).");
        failure();
        long dirty = r.runs.stream().filter(m -> !m.clean()).count();
        if (dirty > 0) {
            paragraph("> **" + dirty + " run(s) had errors or unanswered requests**; see the errors columns and the"
                    + " list at the end.");
        }
        sharedMachine();
        paragraph("> Runs beside more than 0.1 core of other processes on average or 0.5 in a second are marked ⚠.");
        paragraph("Instances A and B (`" + o.app.appJar.getFileName() + "`, " + AppInstance.JVM_FLAGS + " each) on one"
                + " Kafka broker, all on this machine; every request goes to A over HTTP/1.1, at most " + o.connections
                + " in flight. Each measured run lasts " + secs(o.duration) + " after " + secs(o.warmup) + " of warm-up"
                + (o.jitWarmup.isZero() ? "" : "; before the first case, " + secs(o.jitWarmup) + " of JIT warm-up")
                + (o.runs > 1 ? "; every case ran " + o.runs + " times, the tables quote medians" : "")
                + ". Latency in ms from each request's intended send time (HdrHistogram, 3 significant digits).");
    }

    private void targets() {
        paragraph("## Targets (from the issue)");
        table("| target | measured | met |");
        Optional<Case> read = find(Measured.READ, Measured.DROP_READ, READ_TARGET_RATE);
        Optional<Case> order = find(Measured.ORDER, Measured.PLACE_ORDER, ORDER_TARGET_RATE);
        String readAt = " at " + n(READ_TARGET_RATE) + " req/s";
        String orderAt = " at " + n(ORDER_TARGET_RATE) + " orders/s";
        line("| drop read p99 < " + ms(READ_TARGET_P99_MS) + " ms" + readAt + " | "
                + p99Target(read, READ_TARGET_P99_MS));
        line("| drop read p99 ≤ " + READ_TARGET_RATIO + " × `{ __typename }` p99" + readAt + " | "
                + ratioTarget(read, find(Measured.READ, Measured.TYPENAME, READ_TARGET_RATE), READ_TARGET_RATIO));
        line("| placeOrder p99 < " + ms(ORDER_TARGET_P99_MS) + " ms" + orderAt + " (HTTP → committed decision →"
                + " response) | " + p99Target(order, ORDER_TARGET_P99_MS));
        line("| placeOrder p99 ≤ " + ORDER_TARGET_RATIO + " × topology-only p99" + orderAt + " | " + ratioTarget(order,
                find(Measured.ORDER, Measured.TOPOLOGY_ONLY, ORDER_TARGET_RATE), ORDER_TARGET_RATIO));
        line();
        if (cases.values().stream().anyMatch(Case::saturated)) {
            paragraph("**Saturated runs** served less than 90% of the offered rate or left requests unanswered: their"
                    + " latency is mostly queueing, and ratios against a saturated baseline are not scored"
                    + " ([api-method.md](api-method.md#reading-the-report)).");
        }
    }

    private static String p99Target(Optional<Case> system, double targetMs) {
        return system.map(c -> c.bound() + ms(c.p(99)) + " ms" + (c.saturated() ? " (saturated: served "
                + n(c.median(m -> m.run().servedRate())) + " of " + n(c.rate()) + "/s)" : "") + warn(c) + " | "
                + yes(!c.lowerBound() && c.p(99) < targetMs)).orElse("not measured | n/a") + " |";
    }

    /** "a ÷ b = r" and the verdict; not scored when either side is saturated. */
    private String ratioTarget(Optional<Case> system, Optional<Case> baseline, double target) {
        if (system.isEmpty() || baseline.isEmpty()) {
            return "not measured | n/a |";
        }
        Case c = system.get();
        Case b = baseline.get();
        String measured = c.bound() + ms(c.p(99)) + " ÷ " + b.bound() + ms(b.p(99)) + " ms = **"
                + ratio(c.p(99) / b.p(99)) + "**";
        if (b.saturated()) {
            return measured + " (" + (c.saturated() ? "both" : "the baseline") + " saturated: not scored) | n/a |";
        }
        if (c.saturated()) {
            return measured + " (saturated where the baseline was not) | **no** |";
        }
        return measured + " | " + yes(!c.lowerBound() && c.p(99) / b.p(99) <= target) + " |";
    }

    private static String answers(Case c, int cls) {
        return n(c.sum(m -> m.run().histogram(cls).getTotalCount()));
    }

    /** rate | label | sent/s | served/s | answers | {@code counts} | percentiles | ratios to {@code base} | errors. */
    private void openRow(int rate, String label, Case c, List<String> counts, boolean bold, Optional<Case> base) {
        List<Object> cells = new ArrayList<>(List.of(n(rate), label, n(c.median(m -> m.run().achievedRate())),
                n(c.median(m -> m.run().servedRate())) + (c.saturated() ? " **saturated**" : ""),
                answers(c, Measured.ALL)));
        cells.addAll(counts);
        cells.addAll(List.of(c.percentiles(Measured.ALL, bold, true), c.ratios(Measured.ALL, base, bold),
                errors(c) + warn(c)));
        row(cells.toArray());
    }

    private void reads() {
        List<Case> reads = cases.values().stream().filter(c -> c.kind().equals(Measured.READ)).toList();
        if (reads.isEmpty()) {
            return;
        }
        paragraph("## Reads (open loop, fixed arrival rates)");
        paragraph("`POST /graphql` to A: `" + ApiBenchmark.READ_QUERY + "` over " + o.readKeys + " drops alternating, "
                + o.readKeys / 2 + " owned by A (local) and " + o.readKeys / 2 + " by B (remote: one hop from A)."
                + " Baseline: `" + LoadGenerator.TYPENAME_QUERY + "` at the same rate, the ratios' divisor.");
        table("| rate/s | request | sent/s | served/s | answers | p50 | p99 | p99.9 | max | p50 ÷ baseline"
                + " | p99 ÷ baseline | errors |");
        List<String> remoteCost = new ArrayList<>();
        for (int rate : rates(reads)) {
            Optional<Case> base = find(Measured.READ, Measured.TYPENAME, rate);
            base.ifPresent(c -> openRow(rate, "`{ __typename }` (baseline)", c, List.of(), false, Optional.empty()));
            find(Measured.READ, Measured.DROP_READ, rate).ifPresent(c -> {
                openRow(rate, "**drop read, all keys**", c, List.of(), true, base);
                for (int cls : new int[] {LOCAL, REMOTE}) {
                    row(n(rate), cls == LOCAL ? "drop read, local keys (owned by A)"
                            : "drop read, remote keys (owned by B, one hop)", "", "", answers(c, cls),
                            c.percentiles(cls, false, true), c.ratios(cls, base, false), "");
                }
                if (!c.saturated()) {
                    remoteCost.add(n(rate) + "/s: p50 " + ms(c.median(m -> m.ms(REMOTE, 50) - m.ms(LOCAL, 50)))
                            + " ms, p99 " + ms(c.median(m -> m.ms(REMOTE, 99) - m.ms(LOCAL, 99))) + " ms");
                }
            });
        }
        line();
        if (!remoteCost.isEmpty()) {
            paragraph("What the hop to B adds (remote minus local, same run; unsaturated rates only): "
                    + String.join("; ", remoteCost) + ".");
        } else {
            paragraph("Every rate saturated: the hop's own cost is hidden by the queue; see the closed loop.");
        }
    }

    private void maxThroughput() {
        List<Case> max = cases.values().stream().filter(c -> c.kind().equals(Measured.MAX)).toList();
        if (max.isEmpty()) {
            return;
        }
        paragraph("## Reads at maximum throughput (closed loop)");
        paragraph("Closed loop for " + secs(o.duration) + ": the throughput A sustains; latency from each actual send"
                + " ([how](api-method.md#reading-the-report)).");
        table("| request | in flight | throughput req/s | ÷ baseline | p50 | p99 | p99.9 | max | local p50 / p99"
                + " | remote p50 / p99 | errors |");
        Optional<Case> base = max.stream().filter(c -> c.system().equals(Measured.TYPENAME)).findFirst();
        for (Case c : max) {
            boolean read = c.system().equals(Measured.DROP_READ);
            double tput = c.median(m -> m.run().achievedRate());
            row(read ? "**drop read** (half remote)" : "`{ __typename }` (baseline)", n(c.rate()),
                    "**" + n(tput) + "**",
                    read ? base.map(b -> ratio(tput / b.median(m -> m.run().achievedRate()))).orElse("") : "",
                    c.percentiles(Measured.ALL, false, false), read ? localRemote(c, LOCAL) : "",
                    read ? localRemote(c, REMOTE) : "", errors(c) + warn(c));
        }
        line();
    }

    private static String localRemote(Case c, int cls) {
        return ms(c.p(cls, 50)) + " / " + ms(c.p(cls, 99));
    }

    private void orders() {
        List<Case> orders = cases.values().stream().filter(c -> c.kind().equals(Measured.ORDER)).toList();
        if (orders.isEmpty()) {
            return;
        }
        paragraph("## Orders (open loop, fixed arrival rates)");
        paragraph("`placeOrder` to A, end to end (HTTP → committed decision → response), from " + n(o.users)
                + " buyers, a fresh idempotency key each, on " + o.orderDrops + " drops of 10,000,000 units (half owned"
                + " by A, half by B). Baseline: topology only; PENDING apart ([how](api-method.md#what-is-measured)).");
        table("| rate/s | path | sent/s | served/s | answers | confirmed | rejected | PENDING | p50 | p99 | p99.9 | max"
                + " | p50 ÷ topology | p99 ÷ topology | errors |");
        for (int rate : rates(orders)) {
            Optional<Case> topo = find(Measured.ORDER, Measured.TOPOLOGY_ONLY, rate);
            for (String system : List.of(Measured.TOPOLOGY_ONLY, Measured.PLACE_ORDER)) {
                boolean api = system.equals(Measured.PLACE_ORDER);
                find(Measured.ORDER, system, rate).ifPresent(c -> openRow(rate, api ? "**placeOrder via API**"
                        : "topology only (baseline)", c, Stream.of(Outcome.OK, Outcome.REJECTED, Outcome.PENDING)
                        .map(x -> n(c.sum(m -> m.run().count(x)))).toList(), api, api ? topo : Optional.empty()));
            }
        }
        line();
    }

    private void cpu() {
        if (r.runs.isEmpty()) {
            return;
        }
        paragraph("## CPU by process during each measured run (cores)");
        paragraph("Cores each process used over the run, from /proc ([how](api-method.md#reading-the-report)).");
        List<String> names = new ArrayList<>(r.runs.get(0).cores().keySet());
        table("| run | " + String.join(" | ", names) + " | others | A ms CPU / answer | load generator ms CPU"
                + " / answer |");
        for (Measured m : r.runs) {
            List<Object> cells = new ArrayList<>(List.of(label(m)));
            names.forEach(k -> cells.add(String.format(Locale.ROOT, "%.2f", m.cores().getOrDefault(k, Double.NaN))));
            cells.add(String.format(Locale.ROOT, "%.2f", m.foreign().average()));
            double perSecond = m.run().open ? m.run().servedRate() : m.run().achievedRate();
            cells.add(perSecond <= 0 ? " | " : String.format(Locale.ROOT, "%.2f | %.2f",
                    1000 * m.cores().getOrDefault("instance A", Double.NaN) / perSecond,
                    1000 * m.cores().getOrDefault("bench JVM (load generator)", Double.NaN) / perSecond));
            row(cells.toArray());
        }
        line();
    }

    private void ownership() {
        paragraph("## Key ownership");
        line("- Partitions of the drop-keyed topics (" + r.partitions + ") by active owner, as the instances answered"
                + " ([how](api-method.md#how-ownership-is-split)): " + dash(r.partitionMap) + ".");
        line("- Cross-check with the broker: " + dash(r.groupCheck) + ".");
        line("- Read keys owned by A (local): " + String.join(", ", r.readKeysLocal) + ".");
        line("- Read keys owned by B (remote, routed one hop): " + String.join(", ", r.readKeysRemote) + ".");
        line("- Order drops (alternately A's and B's): " + String.join(", ", r.orderDrops) + ".");
        paragraph("- Each drop's owner confirmed by asking both instances: before the runs, " + dash(r.ownershipBefore)
                + "; after them, " + dash(r.ownershipAfter) + ".");
    }

    private void setup() {
        machine(false);
        line("| each instance | `" + dash(run.appCommand) + "` (B the same with its own port and home) |");
        row("Kafka Streams settings", o.streamsConfig.isEmpty() ? "the application's own (StreamsSettings:"
                + " exactly_once_v2, commit.interval.ms " + StreamsSettings.DEFAULT_COMMIT_INTERVAL_MS + ", one standby"
                + " replica)" : "the application's, with " + o.streamsConfig);
        if (!o.app.appArgs().isEmpty()) {
            line("| extra application settings (experiment) | `" + String.join(" ", o.app.appArgs()) + "` |");
        }
        row("HTTP client", "JDK HttpClient, HTTP/1.1 kept alive, async, 2 threads, no per-request timeout; at most "
                + o.connections + " in flight in open loop, " + o.concurrency + " in the closed loop");
        line("| baseline producer / reader | idempotent, acks=all, linger.ms=1 (the API's CommandProducer settings) /"
                + " read_committed, assigned to all partitions, fetch.max.wait.ms="
                + CommittedReader.TAIL_FETCH_WAIT_MS + " (as the API's decision tail) |");
        cpuLoad();
        line();
        List<String> errors = r.runs.stream().filter(m -> m.run().firstError() != null)
                .map(m -> label(m) + ": " + n(m.run().errors()) + " errors, first: `" + m.run().firstError()
                        .replace('`', '\'') + "`").toList();
        if (!errors.isEmpty()) {
            paragraph("Errors:");
            errors.forEach(e -> line("- " + e));
            line();
        }
    }

    private List<LatencyChart.Panel> panels() {
        List<LatencyChart.Panel> panels = new ArrayList<>();
        for (int rate : rates(cases.values().stream().filter(c -> c.kind().equals(Measured.READ)).toList())) {
            List<LatencyChart.Series> series = new ArrayList<>();
            find(Measured.READ, Measured.DROP_READ, rate).ifPresent(c -> {
                LoadGenerator.Run m = c.representative().run();
                series.add(new LatencyChart.Series("drop read, all keys", m.histogram(Measured.ALL), false));
                series.add(new LatencyChart.Series("drop read, local keys (A)", m.histogram(LOCAL), false));
                series.add(new LatencyChart.Series("drop read, remote keys (B, one hop)", m.histogram(REMOTE), false));
            });
            find(Measured.READ, Measured.TYPENAME, rate).ifPresent(c -> series.add(new LatencyChart.Series(
                    "{ __typename } (baseline)", c.representative().run().histogram(Measured.ALL), true)));
            panels.add(new LatencyChart.Panel(String.format(Locale.ROOT, "reads at %,d/s (ms)", rate), series,
                    rate == READ_TARGET_RATE ? READ_TARGET_P99_MS : Double.NaN, "target: p99 < 10 ms"));
        }
        for (int rate : rates(cases.values().stream().filter(c -> c.kind().equals(Measured.ORDER)).toList())) {
            List<LatencyChart.Series> series = new ArrayList<>();
            find(Measured.ORDER, Measured.PLACE_ORDER, rate).ifPresent(c -> series.add(new LatencyChart.Series(
                    "placeOrder via API", c.representative().run().histogram(Measured.ALL), false)));
            find(Measured.ORDER, Measured.TOPOLOGY_ONLY, rate).ifPresent(c -> series.add(new LatencyChart.Series(
                    "topology only (baseline)", c.representative().run().histogram(Measured.ALL), true)));
            panels.add(new LatencyChart.Panel(String.format(Locale.ROOT, "orders at %,d/s (ms)", rate), series,
                    rate == ORDER_TARGET_RATE ? ORDER_TARGET_P99_MS : Double.NaN, "target: p99 < 60 ms"));
        }
        return panels;
    }

    private static List<Integer> rates(List<Case> cs) {
        return cs.stream().map(c -> (int) c.rate()).distinct().sorted().toList();
    }

    private static String label(Measured m) {
        return m.run().label + (m.rep() > 1 ? " (run " + m.rep() + ")" : "");
    }

    private static String errors(Case c) {
        long e = c.sum(m -> m.run().errors());
        long u = c.sum(m -> m.run().unanswered());
        return (e == 0 ? "0" : "**" + n(e) + "**") + (u > 0 ? ", **" + n(u) + " unanswered**" : "");
    }

    private static String warn(Case c) {
        return c.runs().stream().anyMatch(m -> m.foreign().disturbed()) ? " ⚠" : "";
    }

    private static String yes(boolean met) {
        return met ? "yes" : "**no**";
    }

    private static String dash(String s) {
        return s == null ? "—" : s;
    }
}
