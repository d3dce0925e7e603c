package io.livedrop.bench.hostile;

import static io.livedrop.bench.Formats.n;

import io.livedrop.bench.AppInstance;
import io.livedrop.bench.BenchRun;
import io.livedrop.bench.Cli;
import io.livedrop.bench.Http;
import io.livedrop.bench.KafkaBroker;
import io.livedrop.bench.Markdown;
import io.livedrop.bench.Progress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * bench/hostile: what each hostile client of issue 14 costs one livedrop instance of a given jar (run before and
 * after a fix, the two reports compare). Exit status 0 when every attack ran (it measures, it does not judge), 1 on
 * a failure, 2 for a bad command line.
 */
public final class HostileBenchmark extends Markdown {

    private final HostileOptions o;
    private final List<Attacks.Attack> attacks = new ArrayList<>();
    private int finalHealth = -1;

    private HostileBenchmark(HostileOptions o, BenchRun run) {
        super(run, o.out, o.name);
        this.o = o;
    }

    public static void main(String[] args) throws Exception {
        System.exit(Cli.run(args, new HostileOptions(), o -> "livedrop hostile-clients benchmark, attacks " + o.attacks,
                HostileBenchmark::run));
    }

    private static int run(HostileOptions o, BenchRun run) throws Exception {
        Path jar = run.snapshot(o.app.appJar);
        if (jar == null) {
            return 2;
        }
        HostileBenchmark report = new HostileBenchmark(o, run);
        List<String> appArgs = Stream.concat(Stream.of("--livedrop.demo-data=false"), o.app.appArgs().stream())
                .toList();
        try (run; KafkaBroker broker = run.startBroker(o.app.broker);
             AppInstance app = new AppInstance("H", jar, broker.bootstrapServers(), run.work.resolve("home-H"),
                     run.logDir, Map.of(), appArgs)) {
            app.awaitReady(new Http(), Duration.ofSeconds(240));
            run.appCommand = app.commandForReport();
            Progress.say("instance ready on %s (pid %d)", app.url(), app.pid());
            Attacks attacks = new Attacks(o, app, new Heap.GcLog(run.logDir.resolve("gc-H.log")));
            for (int n : o.attacks) {
                if (!app.alive()) {
                    throw new IllegalStateException("the instance died before attack " + n + "; see " + app.log);
                }
                report.attacks.add(attacks.run(n));
            }
            if (app.alive()) {
                report.finalHealth = new Http().get(app.url() + "/actuator/health").statusCode();
            }
        } catch (Exception | Error e) {
            run.failed(e);
        }
        return run.exit(report.write(), true, "every attack ran", "the run failed (see the report)");
    }

    /** OUT/NAME.md: the command line, one table (attack, the issue's figure, this run's), the setup. */
    @Override
    protected void sections() {
        paragraph("# Hostile clients: what each attack of issue 14 costs one instance" + (o.quick ? " (quick)" : ""));
        paragraph(produced() + " Against " + run.appJar + "; the setup, how to compare two jars and how each column"
                + " is measured: [methodology.md](methodology.md#hostile-clients-bench-hostile).");
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
        paragraph("Instance health at the end: " + (finalHealth < 0 ? "not reachable" : "HTTP " + finalHealth) + ".");
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
