package io.livedrop.bench.updates;

import static io.livedrop.bench.Formats.ms;
import static io.livedrop.bench.Formats.n;

import io.livedrop.bench.BenchRun;
import io.livedrop.bench.Markdown;
import io.livedrop.bench.ProcCpu;
import io.livedrop.bench.updates.UpdatesBenchmark.Stampede;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/** The dropUpdates stampede report: the targets, every stampede, the updates' cost pair by pair and their median. */
final class UpdatesReport extends Markdown {

    static final double TARGET_MS = 1000;
    static final double MAX_RATE = 11; // a message per 100 ms interval, and the final SOLD_OUT at once

    private final UpdatesOptions o;
    private final List<Stampede> all;
    private final List<Stampede> watched;
    private final String document;

    UpdatesReport(UpdatesOptions o, BenchRun run, List<Stampede> all, String document) {
        super(run, o.out, o.name);
        this.o = o;
        this.all = all;
        this.watched = all.stream().filter(s -> s.watchers() > 0).toList();
        this.document = document.replaceAll("\\s+", " ");
    }

    @Override
    protected void sections() {
        paragraph("# dropUpdates stampede benchmark");
        line(produced());
        paragraph("Generated file: rerun the command to refresh it.");
        failure();
        sharedMachine();
        paragraph(String.format(Locale.ROOT, "ONE livedrop instance. %,d watchers subscribe to one drop on its edge"
                + " socket (`livedrop.edge.port`) with the web page's document `%s` and `{\"id\": <drop>}`; then"
                + " %,d order requests/s (open loop, 5 %% retries) go straight to the requests topic for %.0f s, on a"
                + " drop of %,d units. Each of the %d stampede(s) with watchers follows the same stampede on a drop"
                + " nobody watches (its baseline); an unreported warm-up stampede with watchers comes first. CPU: utime"
                + " + stime (/proc) over %.0f s from the first order. Sell-out: the `at` of the SOLD_OUT update, the"
                + " ledger's decidedAt of the order that took the last unit.", o.watchers, document, o.rate,
                o.duration.toMillis() / 1e3, o.stock, o.runs, o.cpuWindow.toMillis() / 1e3));
        paragraph("## Targets");
        table("| target | measured (each stampede with watchers) | met |");
        boolean inTime = watched.stream().allMatch(s -> s.missed() == 0
                && s.soldOutMicros().getMaxValue() <= TARGET_MS * 1e3);
        row("every watcher sees SOLD_OUT with 0 left ≤ 1 s after the sell-out", "max " + each(s -> ms(s.soldOutMicros()
                .getMaxValue() / 1e3)) + " ms; never saw it " + each(s -> n(s.missed())), yes(inTime));
        row("messages per watcher per second ≤ about 10 (" + n(MAX_RATE) + ")", "p50 " + each(s -> ms(s.rate(0.5)))
                + ", max " + each(s -> ms(s.rate(1))), yes(watched.stream().allMatch(s -> s.rate(1) <= MAX_RATE)));
        line();
        stampedes();
        cost();
        machine(false);
        row("livedrop instance", "`" + run.appCommand + "`");
        loadAverages("the machine is shared");
        cpuLoad();
        line();
    }

    private String each(Function<Stampede, String> f) {
        return watched.stream().map(f).toList().toString();
    }

    private static String yes(boolean met) {
        return !met ? "**no**" : "yes";
    }

    private void stampedes() {
        paragraph("## Stampedes");
        line("Per watcher: its messages from the first order to its SOLD_OUT/0 over that time, and the arrival of that"
                + " SOLD_OUT/0 − its `at`. Cores over the window: instance / broker / benchmark JVM / machine incl."
                + " irq.");
        line();
        table("| stampede | watchers (accepted) | decisions/s | decision p99 ms | sold out after s | messages | per"
                + " watcher /s p50 / max | SOLD_OUT/0 p50 / p99 / max ms | never saw SOLD_OUT/0 | instance CPU s |"
                + " cores | checks |");
        for (Stampede s : all) {
            boolean w = s.watchers() > 0;
            var h = s.soldOutMicros();
            row(s.label(), w ? n(s.watchers()) + " (" + n(s.swarm().accepted()) + ")" : "0",
                    n(s.orders().decisionsPerSecond()), ms(s.orders().decisionP99Ms()), ms(s.sellingSeconds()),
                    n(s.messages()), w ? ms(s.rate(0.5)) + " / " + ms(s.rate(1)) : "", w ? ms(h.getValueAtPercentile(50)
                    / 1e3) + " / " + ms(h.getValueAtPercentile(99) / 1e3) + " / **" + ms(h.getMaxValue() / 1e3) + "**"
                    : "", w ? n(s.missed()) + (s.swarm().closedByServer() == 0 ? "" : " (closed by the server: "
                    + s.swarm().closes() + ")") : "", ms(s.instanceCpu()), String.format(Locale.ROOT, "%.2f / %.2f /"
                    + " %.2f / %.2f", s.cores().get(UpdatesBenchmark.INSTANCE), s.cores().get("broker"),
                    s.cores().get(UpdatesBenchmark.BENCH), s.cores().get(ProcCpu.IRQ)), s.orders().checks());
        }
        line();
    }

    /** Each watched stampede minus the baseline before it. */
    private void cost() {
        int pairs = Math.min(all.size() / 2, watched.size());
        paragraph("## What the updates cost the instance");
        line("Each stampede with watchers minus its baseline: the instance's CPU over the window, as cores over the"
                + " selling time (first order to sell-out), and per message; it includes the sessions' pings (one per"
                + " watcher per 10 s).");
        line();
        table("| stampedes | Δ instance CPU s | Δ cores while selling | messages | µs per message |");
        double[][] d = IntStream.range(0, pairs).mapToObj(i -> {
            Stampede base = all.get(2 * i);
            Stampede w = all.get(2 * i + 1);
            double delta = w.instanceCpu() - base.instanceCpu();
            double[] r = {delta, delta / w.sellingSeconds(), w.messages(), delta * 1e6 / w.messages()};
            row(base.label() + " → " + w.label(), ms(r[0]), ms(r[1]), n(r[2]), "**" + ms(r[3]) + "**");
            return r;
        }).toArray(double[][]::new);
        row(Stream.concat(Stream.of("median"), IntStream.range(0, 4).mapToObj(c -> {
            double[] v = Arrays.stream(d).mapToDouble(r -> r[c]).sorted().toArray();
            return v.length == 0 ? "" : ms((v[(v.length - 1) / 2] + v[v.length / 2]) / 2);
        })).toArray());
        line();
    }
}
