package io.livedrop.bench.api;

import io.livedrop.bench.AppInstance;
import static io.livedrop.bench.Formats.ms;
import static io.livedrop.bench.Formats.n;
import static io.livedrop.bench.Formats.ratio;
import static io.livedrop.bench.Formats.secs;

import io.livedrop.bench.BenchRun;
import io.livedrop.bench.LatencyChart;
import io.livedrop.bench.Markdown;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/** Writes the API benchmark's report (markdown) and its percentile plot. */
final class ApiReport extends Markdown {

    static final double READ_TARGET_P99_MS = 10;
    static final int READ_TARGET_RATE = 2000;
    static final double READ_TARGET_RATIO = 1.5;
    static final double ORDER_TARGET_P99_MS = 60;
    static final int ORDER_TARGET_RATE = 1000;
    static final double ORDER_TARGET_RATIO = 1.3;

    private final ApiOptions o;
    private final ApiBenchmark.Results r;
    /** kind|system|rate -> the repetitions of that case, in the order measured. */
    private final Map<String, Case> cases = new LinkedHashMap<>();

    ApiReport(ApiOptions o, BenchRun run, ApiBenchmark.Results r) {
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
            double[] v = runs.stream().mapToDouble(f).sorted().toArray();
            if (v.length == 0) {
                return Double.NaN;
            }
            return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
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

        /** "p50 | p99 | p99.9 | max" of class {@code cls}; "≥ " before lower bounds when {@code bounded}. */
        String percentiles(int cls, boolean boldP99, boolean bounded) {
            String b = bounded && lowerBound() ? "≥ " : "";
            String bold = boldP99 ? "**" : "";
            return b + ms(p(cls, 50)) + " | " + bold + b + ms(p(cls, 99)) + bold + " | " + b + ms(p(cls, 99.9)) + " | "
                    + b + ms(median(m -> m.maxMs(cls)));
        }

        /** "p50 ÷ baseline | p99 ÷ baseline" of class {@code cls} against the whole baseline (empty without one). */
        String ratios(int cls, Optional<Case> baseline, boolean boldP99) {
            String bold = boldP99 ? "**" : "";
            return baseline.map(b -> ratio(p(cls, 50) / b.p(50)) + " | " + bold + ratio(p(cls, 99) / b.p(99)) + bold)
                    .orElse(" | ");
        }

        /** The repetition whose p99 is the median one: the one plotted. */
        Measured representative() {
            List<Measured> sorted = new ArrayList<>(runs);
            sorted.sort(Comparator.comparingDouble(m -> m.ms(Measured.ALL, 99)));
            return sorted.get((sorted.size() - 1) / 2);
        }
    }

    @Override
    protected void sections() throws IOException {
        Files.createDirectories(o.out);
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
            line("![Latency by percentile: one panel per case and rate, baselines dashed](" + png + ")");
            line();
        }
        cpu();
        ownership();
        setup();
    }

    private Optional<Case> find(String kind, String system, double rate) {
        return Optional.ofNullable(cases.get(kind + "|" + system + "|" + rate));
    }

    // ------------------------------------------------------------------ sections

    private void header() {
        line("# API benchmark" + (o.quick ? " (quick smoke run)" : ""));
        line();
        line(produced());
        line("Generated file: rerun the command to refresh it; the method is in [api-method.md](api-method.md) (the"
                + " house rules in [methodology.md](methodology.md)), and what bounds the figures, from profiles of the"
                + " instances, in [api-method.md, What bounds the figures](api-method.md#what-bounds-the-figures).");
        line();
        failure();
        long dirty = r.runs.stream().filter(m -> !m.clean()).count();
        if (dirty > 0) {
            line("> **" + dirty + " run(s) had errors or unanswered requests**; see the errors columns and the notes.");
            line();
        }
        line(String.format(Locale.ROOT, "> **Shared machine.** These %d cores were shared with other engineers' builds"
                        + " and test runs while the benchmark ran: other processes used %.2f cores on average and %.2f in"
                        + " the worst second (%s). Runs during which they used more than 0.1 core on average or 0.5 in a"
                        + " second are marked ⚠. Absolute figures are this machine's on that day; the ratios against the"
                        + " baselines measured in the same run are the portable part.", env.cores(), run.cpu.foreignCores(),
                run.cpu.worstForeignCores(), run.cpu.summary()));
        line();
        line("Two livedrop instances, A and B (`" + o.app.appJar.getFileName() + "`, " + AppInstance.JVM_FLAGS + " each),"
                + " on one Kafka broker, all on this machine; every request goes to A over HTTP/1.1 (JDK HttpClient,"
                + " kept-alive connections, at most " + o.connections + " in flight). Each measured run lasts "
                + secs(o.duration) + " after " + secs(o.warmup) + " of warm-up at the same rate against the same"
                + " target" + (o.jitWarmup.isZero() ? "" : ", and before the first case both instances got "
                + secs(o.jitWarmup) + " of untimed closed-loop traffic of every kind measured (JIT warm-up)")
                + (o.runs > 1 ? "; every case ran " + o.runs + " times and the tables quote medians"
                + " across the runs" : "") + ". Latency in milliseconds from each request's intended send time;"
                + " HdrHistogram, 3 significant digits.");
        line();
    }

    private void targets() {
        line("## Targets (from the issue)");
        line();
        table("| target | measured | met |");
        Optional<Case> read = find(Measured.READ, Measured.DROP_READ, READ_TARGET_RATE);
        Optional<Case> typename = find(Measured.READ, Measured.TYPENAME, READ_TARGET_RATE);
        Optional<Case> order = find(Measured.ORDER, Measured.PLACE_ORDER, ORDER_TARGET_RATE);
        Optional<Case> topo = find(Measured.ORDER, Measured.TOPOLOGY_ONLY, ORDER_TARGET_RATE);
        String readAt = " at " + n(READ_TARGET_RATE) + " req/s";
        String orderAt = " at " + n(ORDER_TARGET_RATE) + " orders/s";
        line("| drop read p99 < " + ms(READ_TARGET_P99_MS) + " ms" + readAt + " | "
                + p99Target(read, READ_TARGET_P99_MS));
        line("| drop read p99 ≤ " + READ_TARGET_RATIO + " × `{ __typename }` p99" + readAt + " | "
                + ratioTarget(read, typename, READ_TARGET_RATIO));
        line("| placeOrder p99 < " + ms(ORDER_TARGET_P99_MS) + " ms" + orderAt + " (HTTP → committed decision → response) | "
                + p99Target(order, ORDER_TARGET_P99_MS));
        line("| placeOrder p99 ≤ " + ORDER_TARGET_RATIO + " × topology-only p99" + orderAt + " | "
                + ratioTarget(order, topo, ORDER_TARGET_RATIO));
        line();
        if (cases.values().stream().anyMatch(Case::saturated)) {
            line("**Saturated runs.** A run is marked *saturated* when the target served less than 90% of the offered"
                    + " rate (answers ÷ time from the first intended send to the last answer) or left requests"
                    + " unanswered: the offered rate was more than the instances could serve with the CPU they got, so"
                    + " requests queued for the whole run and their latency is mostly that queue, growing with the run's"
                    + " length. Such percentiles say \"over capacity\", not how long a request takes, and a ratio"
                    + " against a baseline that was itself saturated compares two queues, so it is not scored. The"
                    + " closed-loop table gives the capacity; the CPU table says who had the cores.");
            line();
        }
    }

    /** "p99 ms" and whether it is under {@code targetMs}. */
    private static String p99Target(Optional<Case> system, double targetMs) {
        return system.map(c -> bound(c) + ms(c.p(99)) + " ms" + saturatedNote(c) + warn(c) + " | "
                + yes(!c.lowerBound() && c.p(99) < targetMs)).orElse("not measured | n/a") + " |";
    }

    /** "a ÷ b = r" and the verdict; not scored when either side is saturated. */
    private String ratioTarget(Optional<Case> system, Optional<Case> baseline, double target) {
        if (system.isEmpty() || baseline.isEmpty()) {
            return "not measured | n/a |";
        }
        Case c = system.get();
        Case b = baseline.get();
        String measured = bound(c) + ms(c.p(99)) + " ÷ " + bound(b) + ms(b.p(99)) + " ms = **" + ratio(c.p(99) / b.p(99))
                + "**";
        if (b.saturated()) {
            return measured + " (" + (c.saturated() ? "both" : "the baseline") + " saturated: not scored) | n/a |";
        }
        if (c.saturated()) {
            return measured + " (saturated where the baseline was not) | **no** |";
        }
        return measured + " | " + yes(!c.lowerBound() && c.p(99) / b.p(99) <= target) + " |";
    }

    private static String saturatedNote(Case c) {
        return c.saturated() ? String.format(Locale.ROOT, " (saturated: served %s of %s/s)",
                n(c.median(m -> m.run().servedRate())), n(c.rate())) : "";
    }

    private static String sent(Case c) {
        return n(c.median(m -> m.run().achievedRate()));
    }

    private static String answers(Case c, int cls) {
        return n(c.sum(m -> m.histogram(cls).getTotalCount()));
    }

    private static String served(Case c) {
        return n(c.median(m -> m.run().servedRate())) + (c.saturated() ? " **saturated**" : "");
    }

    private void reads() {
        List<Case> reads = cases.values().stream().filter(c -> c.kind().equals(Measured.READ)).toList();
        if (reads.isEmpty()) {
            return;
        }
        line("## Reads (open loop, fixed arrival rates)");
        line();
        line("`POST /graphql` to instance A: `" + ApiBenchmark.READ_QUERY + "` over " + o.readKeys + " drops, "
                + o.readKeys / 2 + " owned by A (local: A's own store) and " + o.readKeys / 2 + " by B (remote: A"
                + " fetches the drop state from B in one HTTP hop), alternating, so exactly half of the requests are"
                + " routed; the product name comes from the global catalog store, local on A. Baseline: the same"
                + " server, client and rate answering `" + LoadGenerator.TYPENAME_QUERY + "` (HTTP, Spring MVC and"
                + " GraphQL execution without touching any store). Ratios divide the read's percentile by the"
                + " baseline's at the same rate.");
        line();
        table("| rate/s | request | sent/s | served/s | answers | p50 | p99 | p99.9 | max | p50 ÷ baseline | p99 ÷ baseline | errors |");
        for (int rate : rates(reads)) {
            Optional<Case> base = find(Measured.READ, Measured.TYPENAME, rate);
            base.ifPresent(c -> row(n(rate), "`{ __typename }` (baseline)", sent(c), served(c),
                    answers(c, Measured.ALL), c.percentiles(Measured.ALL, false, true), " | ", errors(c) + warn(c)));
            find(Measured.READ, Measured.DROP_READ, rate).ifPresent(c -> {
                row(n(rate), "**drop read, all keys**", sent(c), served(c), answers(c, Measured.ALL),
                        c.percentiles(Measured.ALL, true, true), c.ratios(Measured.ALL, base, true),
                        errors(c) + warn(c));
                for (int cls : new int[] {ApiBenchmark.LOCAL, ApiBenchmark.REMOTE}) {
                    row(n(rate), cls == ApiBenchmark.LOCAL ? "drop read, local keys (owned by A)"
                            : "drop read, remote keys (owned by B, one hop)", "", "", answers(c, cls),
                            c.percentiles(cls, false, true), c.ratios(cls, base, false), "");
                }
            });
        }
        line();
        List<String> remoteCost = new ArrayList<>();
        for (int rate : rates(reads)) {
            find(Measured.READ, Measured.DROP_READ, rate).filter(c -> !c.saturated()).ifPresent(c -> remoteCost.add(
                    n(rate) + "/s: p50 "
                    + ms(c.median(m -> m.ms(ApiBenchmark.REMOTE, 50) - m.ms(ApiBenchmark.LOCAL, 50))) + " ms, p99 "
                    + ms(c.median(m -> m.ms(ApiBenchmark.REMOTE, 99) - m.ms(ApiBenchmark.LOCAL, 99))) + " ms"));
        }
        if (!remoteCost.isEmpty()) {
            line("What the hop to B adds (remote minus local, same run; unsaturated rates only): "
                    + String.join("; ", remoteCost) + ".");
            line();
        } else {
            line("The hop's own cost cannot be read off saturated runs (local and remote requests wait in the same"
                    + " queue); the closed-loop table below gives local and remote latencies side by side.");
            line();
        }
    }

    private void maxThroughput() {
        List<Case> max = cases.values().stream().filter(c -> c.kind().equals(Measured.MAX)).toList();
        if (max.isEmpty()) {
            return;
        }
        line("## Reads at maximum throughput (closed loop)");
        line();
        line("A fixed number of requests always in flight, each next one sent as soon as one is answered, for "
                + secs(o.duration) + ": the throughput A sustains on this machine with the load generator, B and the"
                + " broker beside it. Latency here is from each request's actual send (a closed loop waits for the"
                + " server, so these percentiles are service times under saturation, not an arrival process's).");
        line();
        table("| request | in flight | throughput req/s | ÷ baseline | p50 | p99 | p99.9 | max | local p50 / p99 | remote p50 / p99 | errors |");
        Optional<Case> base = max.stream().filter(c -> c.system().equals(Measured.TYPENAME)).findFirst();
        for (Case c : max) {
            boolean read = c.system().equals(Measured.DROP_READ);
            double tput = c.median(m -> m.run().achievedRate());
            row(read ? "**drop read** (half remote)" : "`{ __typename }` (baseline)", n(c.rate()),
                    "**" + n(tput) + "**",
                    read ? base.map(b -> ratio(tput / b.median(m -> m.run().achievedRate()))).orElse("") : "",
                    c.percentiles(Measured.ALL, false, false), read ? localRemote(c, ApiBenchmark.LOCAL) : "",
                    read ? localRemote(c, ApiBenchmark.REMOTE) : "", errors(c) + warn(c));
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
        line("## Orders (open loop, fixed arrival rates)");
        line();
        line("`placeOrder(input: {dropId, quantity: 1, idempotencyKey})` to instance A, end to end: HTTP → token"
                + " check → GraphQL → A produces the OrderRequest → the owning instance's Kafka Streams task decides"
                + " and commits → A's read_committed decision tail sees it → the response. " + n(o.users)
                + " distinct buyers (one pre-minted token each, rate limit lifted), a fresh idempotency key per order, "
                + o.orderDrops + " drops of 10,000,000 units (half owned by A, half by B), so every order is"
                + " CONFIRMED. An answer counts when CONFIRMED or REJECTED; a PENDING answer (no committed decision"
                + " within the API's wait) is counted apart and recorded at its answer time, a lower bound (≥). Baseline,"
                + " same rate, same drops and users: the topology only — a producer configured as the API's writes the"
                + " same OrderRequest records straight to `" + "livedrop.orders.requests" + "` (key = drop id, the"
                + " application's own serdes: single-object Avro) and a read_committed consumer of"
                + " `livedrop.orders.decisions` stamps each decision when its poll returns.");
        line();
        table("| rate/s | path | sent/s | served/s | answers | confirmed | rejected | PENDING | p50 | p99 | p99.9 | max | p50 ÷ topology | p99 ÷ topology | errors |");
        for (int rate : rates(orders)) {
            Optional<Case> topo = find(Measured.ORDER, Measured.TOPOLOGY_ONLY, rate);
            for (String system : List.of(Measured.TOPOLOGY_ONLY, Measured.PLACE_ORDER)) {
                find(Measured.ORDER, system, rate).ifPresent(c -> {
                    boolean api = system.equals(Measured.PLACE_ORDER);
                    row(n(rate), api ? "**placeOrder via API**" : "topology only (baseline)", sent(c), served(c),
                            answers(c, Measured.ALL), n(c.sum(m -> m.run().ok())), n(c.sum(m -> m.run().rejected())),
                            n(c.sum(m -> m.run().pending())), c.percentiles(Measured.ALL, api, true),
                            api ? c.ratios(Measured.ALL, topo, true) : " | ", errors(c) + warn(c));
                });
            }
        }
        line();
    }

    private void cpu() {
        if (r.runs.isEmpty()) {
            return;
        }
        line("## CPU by process during each measured run (cores)");
        line();
        line("From /proc: user + system time of each process over the run ÷ its length. \"others\" is every process"
                + " that is not this benchmark's (other engineers' work on the shared machine). The last two columns"
                + " divide instance A's and the load generator's CPU by the answers per second: the CPU each answer"
                + " cost them, in ms (for topology-only runs A's share is its Kafka Streams work). The load generator"
                + " runs on the same cores, so what it uses is not available to the instances.");
        line();
        List<String> names = new ArrayList<>(r.runs.get(0).cores().keySet());
        line("| run | " + String.join(" | ", names) + " | others | A ms CPU / answer | load generator ms CPU / answer |");
        line("|---|" + "---|".repeat(names.size() + 3));
        for (Measured m : r.runs) {
            StringBuilder sb = new StringBuilder("| " + label(m) + " | ");
            for (String k : names) {
                sb.append(String.format(Locale.ROOT, "%.2f", m.cores().getOrDefault(k, Double.NaN))).append(" | ");
            }
            sb.append(m.foreign() == null ? "" : String.format(Locale.ROOT, "%.2f", m.foreign()[0])).append(" | ");
            double perSecond = m.run().open() ? m.run().servedRate() : m.run().achievedRate();
            sb.append(perSecond <= 0 ? " | |" : String.format(Locale.ROOT, "%.2f | %.2f |",
                    1000 * m.cores().getOrDefault("instance A", Double.NaN) / perSecond,
                    1000 * m.cores().getOrDefault("bench JVM (load generator)", Double.NaN) / perSecond));
            line(sb.toString());
        }
        line();
    }

    private void ownership() {
        line("## Key ownership");
        line();
        line("- Partitions of the drop-keyed topics (" + r.partitions + ") by active owner, as the instances answered"
                + " on their owner endpoint (`GET /internal/stores/drop-state/keys/{key}?partition=P&stale=false`: 200"
                + " or 404 from the active owner, 503 from the other): " + nullToDash(r.partitionMap) + ".");
        line("- Cross-check with the broker: " + nullToDash(r.groupCheck) + ".");
        line("- Read keys owned by A (local): " + String.join(", ", r.readKeysLocal) + ".");
        line("- Read keys owned by B (remote, routed one hop): " + String.join(", ", r.readKeysRemote) + ".");
        line("- Order drops (alternately A's and B's): " + String.join(", ", r.orderDrops) + ".");
        line("- Drops were created through A's API until each instance owned half of the needed ones (a drop's"
                + " partition is murmur2 of its id mod " + r.partitions + ", as Kafka's default partitioner and"
                + " `queryMetadataForKey` compute it); each drop's owner was then confirmed by asking both instances"
                + " for it: before the runs, " + nullToDash(r.ownershipBefore) + "; after the runs, "
                + nullToDash(r.ownershipAfter) + ".");
        line();
    }

    private void setup() {
        machine(false);
        line("| each instance | `" + nullToDash(run.appCommand) + "` (B the same with its own port and home) |");
        line("| Kafka Streams settings | " + (o.streamsConfig.isEmpty() ? "the application's own (StreamsSettings:"
                + " exactly_once_v2, commit.interval.ms "
                + io.livedrop.topology.config.StreamsSettings.DEFAULT_COMMIT_INTERVAL_MS + ", one standby replica)"
                : "the application's, with "
                + o.streamsConfig) + " |");
        if (!o.app.appArgs().isEmpty()) {
            line("| extra application settings (experiment) | `" + String.join(" ", o.app.appArgs()) + "` |");
        }
        line("| HTTP client | JDK java.net.http.HttpClient, HTTP/1.1, keep-alive, async, 2 executor threads, no"
                + " per-request timeout (the drain deadline bounds a run); at most " + o.connections
                + " requests (connections) in flight in open loop, " + o.concurrency + " in the closed loop |");
        line("| baseline producer / reader | idempotent, acks=all, linger.ms=1 (the API's CommandProducer settings) /"
                + " read_committed, assigned to all partitions, fetch.max.wait.ms=" + System.getProperty(
                "bench.fetch.max.wait.ms", "10") + " (the API's decision tail uses 10) |");
        cpuLoad();
        line();
        if (!r.notes.isEmpty()) {
            line("Notes:");
            line();
            r.notes.forEach(n -> line("- " + n));
            line();
        }
        List<String> errors = r.runs.stream().filter(m -> m.run().firstError() != null)
                .map(m -> label(m) + ": " + n(m.run().errors()) + " errors, first: `" + m.run().firstError()
                        .replace('`', '\'') + "`").toList();
        if (!errors.isEmpty()) {
            line("Errors:");
            line();
            errors.forEach(e -> line("- " + e));
            line();
        }
    }

    // ------------------------------------------------------------------ plot

    private List<LatencyChart.Panel> panels() {
        List<LatencyChart.Panel> panels = new ArrayList<>();
        for (int rate : rates(cases.values().stream().filter(c -> c.kind().equals(Measured.READ)).toList())) {
            List<LatencyChart.Series> series = new ArrayList<>();
            find(Measured.READ, Measured.DROP_READ, rate).ifPresent(c -> {
                Measured m = c.representative();
                series.add(new LatencyChart.Series("drop read, all keys", m.all(), false));
                series.add(new LatencyChart.Series("drop read, local keys (A)", m.histogram(ApiBenchmark.LOCAL),
                        false));
                series.add(new LatencyChart.Series("drop read, remote keys (B, one hop)",
                        m.histogram(ApiBenchmark.REMOTE), false));
            });
            find(Measured.READ, Measured.TYPENAME, rate).ifPresent(c ->
                    series.add(new LatencyChart.Series("{ __typename } (baseline)", c.representative().all(), true)));
            panels.add(new LatencyChart.Panel(String.format(Locale.ROOT, "reads at %,d/s (ms)", rate), series,
                    rate == READ_TARGET_RATE ? READ_TARGET_P99_MS : Double.NaN, "target: p99 < 10 ms"));
        }
        for (int rate : rates(cases.values().stream().filter(c -> c.kind().equals(Measured.ORDER)).toList())) {
            List<LatencyChart.Series> series = new ArrayList<>();
            find(Measured.ORDER, Measured.PLACE_ORDER, rate).ifPresent(c ->
                    series.add(new LatencyChart.Series("placeOrder via API", c.representative().all(), false)));
            find(Measured.ORDER, Measured.TOPOLOGY_ONLY, rate).ifPresent(c ->
                    series.add(new LatencyChart.Series("topology only (baseline)", c.representative().all(), true)));
            panels.add(new LatencyChart.Panel(String.format(Locale.ROOT, "orders at %,d/s (ms)", rate), series,
                    rate == ORDER_TARGET_RATE ? ORDER_TARGET_P99_MS : Double.NaN, "target: p99 < 60 ms"));
        }
        return panels;
    }

    // ------------------------------------------------------------------ helpers

    private static List<Integer> rates(List<Case> cs) {
        return cs.stream().map(c -> (int) c.rate()).distinct().sorted().toList();
    }

    private static String label(Measured m) {
        String what = switch (m.kind()) {
            case Measured.MAX -> m.system() + ", closed loop " + n(m.rate()) + " in flight";
            default -> m.system() + " @ " + n(m.rate()) + "/s";
        };
        return what + (m.rep() > 1 ? " (run " + m.rep() + ")" : "");
    }

    private static String errors(Case c) {
        long e = c.sum(m -> m.run().errors());
        long u = c.sum(m -> m.run().unanswered());
        return (e == 0 ? "0" : "**" + n(e) + "**") + (u > 0 ? ", **" + n(u) + " unanswered**" : "");
    }

    private static String warn(Case c) {
        return c.runs().stream().anyMatch(m -> m.foreign() != null && (m.foreign()[0] > 0.1 || m.foreign()[1] > 0.5))
                ? " ⚠" : "";
    }

    private static String bound(Case c) {
        return c.lowerBound() ? "≥ " : "";
    }

    private static String yes(boolean met) {
        return met ? "yes" : "**no**";
    }

    private static String nullToDash(String s) {
        return s == null ? "—" : s;
    }
}
