package io.livedrop.bench.hostile;

import static io.livedrop.bench.Formats.n;

import io.livedrop.bench.BenchRun;
import io.livedrop.bench.Markdown;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Writes OUT/NAME.md: the command line, one table (attack, the issue's figure, this run's), the setup. */
final class HostileReport extends Markdown {

    final HostileOptions o;
    final List<Attacks.Attack> attacks = new ArrayList<>();
    int finalHealth = -1;

    HostileReport(HostileOptions o, BenchRun run) {
        super(run, o.out, o.name);
        this.o = o;
    }

    @Override
    protected void sections() {
        paragraph("# Hostile clients: what each attack of issue 14 costs one instance" + (o.quick ? " (quick)" : ""));
        paragraph(produced() + " Against " + run.appJar + ". One livedrop instance and one Kafka broker, child"
                + " processes on loopback; the attacks one at a time, as issue 14 describes them. Rerun the same"
                + " command with another `--app-jar=` (default: the current build) to compare.");
        failure();
        table("| attack (issue 14) | the issue's figure | instance CPU during it | heap after a full GC: before →"
                + " clients connected → clients gone | highest heap during it | answers | refused, and how |");
        for (Attacks.Attack a : attacks) {
            row(a.title, a.issue, String.format(Locale.ROOT, "%.1f s in %.1f s (%.2f cores)", a.cpuSeconds, a.seconds,
                    a.cpuSeconds / Math.max(1e-9, a.seconds)), Heap.mb(a.heapBefore) + " → " + (a.heapHeld < 0 ? "—"
                    : Heap.mb(a.heapHeld)) + " → " + Heap.mb(a.heapAfter), a.peakMb < 0 ? "?"
                    : String.format(Locale.ROOT, "%,d MB", a.peakMb), cell(a.answers), cell(a.refused));
        }
        line();
        paragraph("How each column is measured: [methodology.md](methodology.md#hostile-clients-bench-hostile)."
                + " Instance health at the end: " + (finalHealth < 0 ? "not reachable" : "HTTP " + finalHealth) + ".");
        machine(false);
        line("| instance | `" + run.appCommand + "` |");
        row("sizes", o.drops + " drops (one for each of " + o.creators + " creators, the rest by the first); "
                + n(o.malformed) + " malformed ids of " + n(GraphQlSocket.MALFORMED_ID_CHARS) + " characters; "
                + n(o.subscriptions) + " dropUpdates subscriptions, " + o.orderRate + " orders/s for "
                + o.updateSeconds + " s; " + n(o.unknown) + " unknown ids held " + o.unknownSeconds + " s; " + o.bodies
                + " × " + o.bodyMb + " MB");
        loadAverages("on 2 shared cores, wall times are noisy; CPU seconds of the instance less so");
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
