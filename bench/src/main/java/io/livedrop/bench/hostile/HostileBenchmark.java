package io.livedrop.bench.hostile;

import io.livedrop.bench.AppInstance;
import io.livedrop.bench.Http;
import io.livedrop.bench.BenchRun;
import io.livedrop.bench.Cli;
import io.livedrop.bench.KafkaBroker;
import io.livedrop.bench.Progress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * bench/hostile: what each hostile client of issue 14 costs one livedrop instance of a given jar (run before and
 * after a fix, the two reports compare). Exit status 0 when every attack ran (it measures, it does not judge), 1 on
 * a failure, 2 for a bad command line.
 */
public final class HostileBenchmark {

    private HostileBenchmark() {
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
        HostileReport report = new HostileReport(o, run);
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
}
