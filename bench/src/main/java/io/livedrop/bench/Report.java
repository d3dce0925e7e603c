package io.livedrop.bench;

import static io.livedrop.bench.Formats.ms;
import static io.livedrop.bench.Formats.n;
import static io.livedrop.bench.Formats.pct;
import static io.livedrop.bench.Formats.ratio;
import static io.livedrop.bench.Formats.secs;

import io.livedrop.bench.DecisionTracker.Verification;
import io.livedrop.bench.Results.LatencyRun;
import io.livedrop.bench.Results.ThroughputRun;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/** The stampede report: NAME.md, its tables, and NAME-latency.png beside it. */
final class Report extends Markdown {

    static final double TARGET_P99_MS = 50;
    static final int TARGET_RATE = 2000;

    private final BenchOptions o;
    private final Results r;
    private final List<String> setup;

    Report(BenchOptions o, BenchRun run, Results r, List<String> setup) {
        super(run, o.out, o.name);
        this.o = o;
        this.r = r;
        this.setup = setup;
    }

    @Override
    protected void sections() throws IOException {
        String pngName = o.name + "-latency.png";
        if (!r.latency.isEmpty()) {
            LatencyChart.write(panels(), "Open-loop latency, intended send to committed decision visible ("
                    + env.date().substring(0, 10) + ", scale " + trim(o.scale) + ")", o.out.resolve(pngName));
        }
        header();
        targets();
        throughput();
        latency(pngName);
        correctness();
        notes();
        setupSection();
    }

    private void header() {
        paragraph("# Stampede benchmark" + (o.scale == 1.0 ? "" : " (scale " + trim(o.scale) + ")"));
        line(produced());
        paragraph("Generated file: rerun the command to refresh it; method: [methodology.md](methodology.md).");
        failure();
        long disturbedRuns = r.foreign.values().stream().filter(CpuWatch.Foreign::disturbed).count();
        if (disturbedRuns > 0) {
            CpuWatch.Foreign foreign = run.cpu.foreign();
            paragraph(String.format(Locale.ROOT, "> **Disturbed run:** other processes used %.2f cores on average (%.2f"
                    + " in the worst second); %s marked ⚠ below may understate this machine. Rerun on a quiet one.",
                    foreign.average(), foreign.worst(), disturbedRuns == 1 ? "the run"
                    : "the " + disturbedRuns + " runs"));
        }
        if (r.redisUnavailable != null) {
            paragraph("> **Redis Lua baseline not run:** " + r.redisUnavailable);
        }
        paragraph("Scale " + trim(o.scale) + ": hot drop of " + n(o.stock) + " units; " + n(o.requests)
                + " order requests per throughput run from " + n(o.users) + " users, "
                + pct(o.retryFraction) + " of them retries of an earlier request; spread case: the same over "
                + o.spreadDrops + " drops of " + n(o.stock / o.spreadDrops) + " units. Open-loop runs: "
                + secs(o.duration) + " at each rate, after " + secs(o.warmup)
                + " of untimed warm-up per configuration. " + o.partitions + " partitions per drop-keyed topic, "
                + BenchOptions.STREAM_THREADS + " stream thread(s).");
    }

    private void targets() {
        paragraph("## Targets");
        table("| target | measured | met |");
        Optional<Double> redis = redisCallsPerSecond();
        for (ThroughputRun t : r.throughput) {
            if (t.system() == Results.System.TOPOLOGY && t.config().startsWith("exactly_once_v2")
                    && t.scenario().equals("hot drop")) {
                String measured = n(t.decisionsPerSecond()) + " decisions/s" + redis.map(x -> " ÷ " + n(x)
                        + " Redis Lua calls/s = **" + ratio(t.decisionsPerSecond() / x) + "**")
                        .orElse(" (no Redis Lua figure)");
                String met = redis.map(x -> t.decisionsPerSecond() / x >= 1.0 ? "yes" : "no").orElse("n/a");
                row("hot drop, " + t.config() + ": decisions/s ≥ 1.0 × Redis Lua ops/s", measured + warn(t), met);
            }
        }
        for (LatencyRun l : r.latency) {
            if (l.system() == Results.System.TOPOLOGY && l.rate() == TARGET_RATE) {
                boolean lowerBound = !l.note().isEmpty();
                row("send → committed decision p99 ≤ " + (int) TARGET_P99_MS + " ms at " + n(TARGET_RATE)
                        + " orders/s, " + l.config(), (lowerBound ? "≥ " : "") + ms(l.percentileMs(99)) + " ms"
                        + warn(l), l.percentileMs(99) <= TARGET_P99_MS && !lowerBound ? "yes" : "no");
            }
        }
        line();
    }

    /** Redis "ops/s" of the pipelined hot-drop run: script calls per second, retries included (each is one call). */
    private Optional<Double> redisCallsPerSecond() {
        return r.throughput.stream().filter(t -> t.system() == Results.System.REDIS_LUA
                && t.scenario().equals("hot drop") && t.config().contains("pipelines")).findFirst()
                .map(ThroughputRun::requestsPerSecond);
    }

    private void throughput() {
        if (r.throughput.isEmpty()) {
            return;
        }
        Optional<Double> redis = redisCallsPerSecond();
        paragraph("## Throughput (max-throughput mode: everything sent as fast as possible)");
        line("Columns: see [methodology.md](methodology.md#stampede-report-tables)." + redis.map(x -> " The ratio"
                + " column divides by the pipelined Redis Lua hot-drop run: " + n(x) + " script calls/s.")
                .orElse(""));
        line();
        table("| system | configuration | case | requests (distinct orders) | send took | decisions/s | requests/s | ÷ Redis Lua calls/s | steady decisions/s (25→90%) | checks |");
        for (ThroughputRun t : r.throughput) {
            String ratio = t.system() == Results.System.TOPOLOGY
                    ? redis.map(x -> ratio(t.decisionsPerSecond() / x)).orElse("n/a") : "";
            row(t.system().label, t.config(), t.scenario(), n(t.requests()) + " (" + n(t.orders()) + ")",
                    String.format(Locale.ROOT, "%.1f s", t.sendSeconds()), "**" + n(t.decisionsPerSecond()) + "**",
                    n(t.requestsPerSecond()), ratio, Double.isNaN(t.steadyDecisionsPerSecond()) ? ""
                            : n(t.steadyDecisionsPerSecond()), check(t, t.verification()));
        }
        line();
        List<ThroughputRun> withCpu = r.throughput.stream().filter(t -> !t.cpu().isEmpty()).toList();
        if (!withCpu.isEmpty()) {
            paragraph("CPU by thread while the topology drained the backlog (25→90% of the decisions), in cores:");
            for (ThroughputRun t : withCpu) {
                line("- " + t.config() + ", " + t.scenario() + ": " + t.cpu());
            }
            line();
        }
    }

    private void latency(String png) {
        if (r.latency.isEmpty()) {
            return;
        }
        paragraph("## Latency (open loop at fixed arrival rates)");
        line("From intended send to committed decision visible, in ms; columns: see"
                + " [methodology.md](methodology.md#stampede-report-tables).");
        line();
        table("| rate/s | system | configuration | achieved rate/s | samples | p50 | p99 | p99.9 | max | p99 ÷ raw p99, same commit interval | checks |");
        for (LatencyRun l : r.latency) {
            String ratio = l.system() == Results.System.TOPOLOGY
                    ? rawReference(l).map(x -> ratio(l.percentileMs(99) / x.percentileMs(99))).orElse("n/a") : "";
            String bound = l.note().startsWith("INCOMPLETE") ? "≥ " : "";
            row(n(l.rate()), l.system().label, l.config(), n(l.achievedRate()), n(l.micros().getTotalCount()),
                    bound + ms(l.percentileMs(50)), "**" + bound + ms(l.percentileMs(99)) + "**",
                    bound + ms(l.percentileMs(99.9)), bound + ms(l.maxMs()), ratio, check(l, l.verification()));
        }
        line();
        paragraph("![Latency by percentile, one panel per arrival rate](" + png + ")");
    }

    /** One panel per arrival rate, the baselines dashed. */
    private List<LatencyChart.Panel> panels() {
        return r.latency.stream().map(LatencyRun::rate).distinct().sorted().map(rate -> new LatencyChart.Panel(
                String.format(Locale.ROOT, "latency at %,.0f requests/s (ms)", rate), r.latency.stream()
                .filter(l -> l.rate() == rate).map(l -> new LatencyChart.Series(l.system().label + " (" + l.config()
                        + ")", l.micros(), l.system() != Results.System.TOPOLOGY)).toList(),
                rate == TARGET_RATE ? TARGET_P99_MS : Double.NaN, "target: p99 ≤ " + (int) TARGET_P99_MS + " ms"))
                .toList();
    }

    private Optional<LatencyRun> rawReference(LatencyRun l) {
        int interval = Integer.parseInt(l.config().replaceAll(".*commit (\\d+) ms.*", "$1"));
        return r.latency.stream().filter(x -> x.system() == Results.System.RAW_KAFKA && x.rate() == l.rate()
                && x.config().equals(RawKafkaBench.label(interval))).findFirst();
    }

    private void correctness() {
        paragraph("## Correctness of every run");
        line("Checks: see [methodology.md](methodology.md#stampede-report-tables).");
        line();
        table("| run | requests | distinct orders | decided | duplicates | missing | confirmed / stock | oversold | rejected | verdict |");
        for (ThroughputRun t : r.throughput) {
            row(t.system().label + ", " + t.config() + ", " + t.scenario() + ", max throughput", t.verification());
        }
        for (LatencyRun l : r.latency) {
            row(l.system().label + ", " + l.config() + ", open loop " + n(l.rate()) + "/s", l.verification());
        }
        line();
    }

    private void row(String name, Verification v) {
        row(name, n(v.requests()), n(v.orders()), n(v.decided()), n(v.duplicates()), n(v.missing()),
                n(v.confirmedUnits()) + " / " + n(v.stock()), n(v.oversold()), n(v.rejected()), verdict(v));
    }

    private static String verdict(Verification v) {
        return v.ok() ? "ok" : "**" + v.problems() + "**";
    }

    private void notes() {
        List<String> notes = Stream.concat(r.throughput.stream().filter(t -> !t.note().isEmpty())
                        .map(t -> t.system().label + ", " + t.config() + ", " + t.scenario() + ": " + t.note()),
                r.latency.stream().filter(l -> l.note().startsWith("INCOMPLETE"))
                        .map(l -> l.system().label + ", " + l.config() + ", " + n(l.rate()) + "/s: " + l.note()))
                .toList();
        if (notes.isEmpty()) {
            return;
        }
        paragraph("## Notes from the run");
        notes.forEach(n -> line("- " + n));
        line();
    }

    private void setupSection() {
        machine(true);
        if (r.redisVersion != null) {
            row("Redis", r.redisVersion);
        }
        cpuLoad();
        setup.forEach(s -> row(s.substring(0, s.indexOf(": ")), s.substring(s.indexOf(": ") + 2)));
        line();
    }

    private String warn(Object run) {
        return r.foreign.get(run).disturbed() ? " ⚠ (disturbed)" : "";
    }

    private String check(Object run, Verification v) {
        CpuWatch.Foreign f = r.foreign.get(run);
        return verdict(v) + (f.disturbed() ? String.format(Locale.ROOT, " ⚠ other processes %.2f cores (%.2f"
                + " max)", f.average(), f.worst()) : "");
    }

    static String trim(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
