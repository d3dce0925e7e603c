package io.livedrop.bench.faults;

import io.livedrop.bench.BenchRun;
import io.livedrop.bench.Markdown;
import java.util.List;
import java.util.Map;

/** Writes OUT/NAME.md: the command, the machine, the date, one row per scenario, then each scenario's figures. */
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
        line("# Reliability: the fault suite" + (o.quick ? " (quick, CI-sized)" : ""));
        line();
        line(produced() + " The guarantees of API.md (\"Semantics\") under faults, each scenario under an order stampede"
                + " (" + o.rate + " placeOrder/s, open loop, 10 % retries of an earlier key, spread over the instances"
                + " in rotation) against two livedrop instances (A, B; exactly_once_v2, one standby replica, "
                + Harness.PARTITIONS + " partitions) and one broker, all child processes on loopback. After each"
                + " scenario a verifier reads the committed `orders.decisions` topic from the beginning"
                + " (read_committed) and checks every answer the clients got.");
        line();
        failure();
        line(clean() ? "**Result: no invariant violated in any scenario.**"
                : "**Result: VIOLATIONS — see the rows marked VIOLATED and the details below.**");
        line();
        table("| scenario | result | lost | flipped | double-decided | oversold | s unavailable reads / orders |"
                + " order p99 ms before / during / after | read p99 ms before / during / after | recovery |"
                + " records reprocessed |");
        for (Verdict v : verdicts) {
            row(v.scenario, v.clean() ? "ok" : "**VIOLATED (" + v.violations.size() + ")**", v.lost, v.flipped,
                    v.doubleDecided, v.oversold, v.figures.getOrDefault("seconds unavailable: reads", "—").split(" ")[0]
                    + " / " + v.figures.getOrDefault("seconds unavailable: orders (error answers)", "—"),
                    v.figures.getOrDefault("order p99 before / during / after (ms)", "—"),
                    v.figures.getOrDefault("read p99 before / during / after (ms)", "—"),
                    v.figures.entrySet().stream().filter(e -> e.getKey().startsWith("recovery")).findFirst()
                            .map(Map.Entry::getValue).orElse("—"),
                    v.figures.getOrDefault("decision records aborted (rolled back, reprocessed)", "—"));
        }
        for (int s : o.scenarios) {
            if (verdicts.stream().noneMatch(v -> v.scenario.matches(s + "[a-z]?\\..*"))) {
                line("| " + s + ". | **DID NOT RUN** | | | | | | | | | |");
            }
        }
        line();
        line("Lost: an order answered CONFIRMED, REJECTED or PENDING with no committed decision. Flipped: a committed"
                + " decision other than the status a client was told. Double-decided: two committed decisions for one"
                + " order id. Oversold: units confirmed beyond a drop's stock (and `remainingStock` must equal stock −"
                + " Σ confirmed). Seconds unavailable: seconds of the load in which at least one read (`drop(id)`"
                + " through an instance in rotation, every 100 ms) or one order got an error. p99: orders from their"
                + " intended send time (open loop: PENDING answers count, at the server's 2 s wait), reads from their"
                + " send; before the fault / from the fault until restored / after. Records reprocessed: decision"
                + " records written in transactions that were aborted (read_uncommitted − read_committed counts on"
                + " the scenario's drops), i.e. work a crash rolled back and the new owner did again.");
        line();
        for (Verdict v : verdicts) {
            line("## " + v.scenario);
            line();
            if (!v.clean()) {
                line("**VIOLATIONS:**");
                line();
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
        line("| load | " + o.rate + " orders/s; " + FaultSuite.USERS + " buyers; two drops of stock " + o.stock
                + " per scenario (one active on each instance when the partition map allows); " + o.before.toSeconds()
                + " s before the fault, " + o.after.toSeconds() + " s after recovery |");
        line("| warm-up before the first scenario (unmeasured) | " + warmup + " |");
        loadAverages("the 2 cores may be shared with other work: figures of a loaded machine are noisy");
        line("| logs | " + run.logDir + " (broker.log, app-A.log, app-B.log) |");
    }
}
