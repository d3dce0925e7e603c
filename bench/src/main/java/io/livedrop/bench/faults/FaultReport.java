package io.livedrop.bench.faults;

import io.livedrop.bench.BenchRun;
import io.livedrop.bench.Markdown;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** OUT/NAME.md: the command, one row per scenario, each scenario's figures, the machine. */
final class FaultReport extends Markdown {

    private final FaultOptions o;
    private final List<Verdict> verdicts;
    private final String warmup;

    FaultReport(FaultOptions o, BenchRun run, List<Verdict> verdicts, String warmup) {
        super(run, o.out, o.name);
        this.o = o;
        this.verdicts = verdicts;
        this.warmup = warmup;
    }

    /** Every scenario ran, and none violated an invariant. */
    boolean clean() {
        return run.failure == null && verdicts.size() == o.expectedVerdicts()
                && verdicts.stream().allMatch(Verdict::clean);
    }

    @Override
    protected void sections() {
        paragraph("# Reliability: the fault suite" + (o.quick ? " (quick, CI-sized)" : ""));
        paragraph(produced() + " The guarantees of API.md (\"Semantics\") under faults, each scenario under an order"
                + " stampede (" + o.rate + " placeOrder/s) against two livedrop instances and one broker, then a"
                + " verifier of the committed decisions. Method and columns: see"
                + " docs/benchmarks/methodology.md#fault-suite.");
        failure();
        paragraph(clean() ? "**Result: no invariant violated in any scenario.**"
                : "**Result: VIOLATIONS — see the rows marked VIOLATED and the details below.**");
        table("| scenario | result | lost | flipped | double-decided | oversold | s unavailable reads / orders |"
                + " order p99 ms before / during / after | read p99 ms before / during / after | recovery |"
                + " records reprocessed |");
        for (Verdict v : verdicts) {
            Function<String, String> f = key -> v.figures.getOrDefault(key, "—");
            row(v.scenario, v.clean() ? "ok" : "**VIOLATED (" + v.violations.size() + ")**", v.lost, v.flipped,
                    v.doubleDecided, v.oversold, f.apply("seconds unavailable: reads").split(" ")[0] + " / "
                            + f.apply("seconds unavailable: orders (error answers)"),
                    f.apply("order p99 before / during / after (ms)"), f.apply("read p99 before / during / after (ms)"),
                    v.figures.entrySet().stream().filter(e -> e.getKey().startsWith("recovery")).findFirst()
                            .map(Map.Entry::getValue).orElse("—"),
                    f.apply("decision records aborted (rolled back, reprocessed)"));
        }
        for (int s : o.scenarios) {
            if (verdicts.stream().noneMatch(v -> v.scenario.matches(s + "[a-z]?\\..*"))) {
                line("| " + s + ". | **DID NOT RUN** | | | | | | | | | |");
            }
        }
        line();
        for (Verdict v : verdicts) {
            paragraph("## " + v.scenario);
            if (!v.clean()) {
                paragraph("**VIOLATIONS:**");
                v.violations.forEach(x -> line("- **" + x + "**"));
                line();
            }
            table("| figure | value |");
            v.figures.forEach((k, x) -> row(k, x.replace("|", "\\|")));
            line();
            if (!v.details.isEmpty()) {
                v.details.forEach(this::line);
                line();
            }
            v.notes.forEach(n -> line("- " + n));
            if (!v.notes.isEmpty()) {
                line();
            }
        }
        machine(false);
        line("| instances | `" + run.appCommand + "` |");
        line("| load | " + o.rate + " orders/s; " + Stampede.USERS + " buyers; two drops of stock " + o.stock
                + " per scenario (one active on each instance when the partition map allows); " + o.before.toSeconds()
                + " s before the fault, " + o.after.toSeconds() + " s after recovery |");
        line("| warm-up before the first scenario (unmeasured) | " + warmup + " |");
        loadAverages("the 2 cores may be shared with other work: figures of a loaded machine are noisy");
        line("| logs | " + run.logDir + " (broker.log, app-A.log, app-B.log) |");
    }
}
