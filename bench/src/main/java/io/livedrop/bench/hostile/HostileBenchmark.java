package io.livedrop.bench.hostile;

import io.livedrop.bench.AppJar;
import io.livedrop.bench.AppInstance;
import io.livedrop.bench.Http;
import io.livedrop.bench.Dirs;
import io.livedrop.bench.Environment;
import io.livedrop.bench.Cli;
import io.livedrop.bench.KafkaBroker;
import io.livedrop.bench.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * bench/hostile (see {@link HostileOptions}): the hostile clients of issue 14 (points 1, 3, 4, 6 and 7) against
 * one livedrop instance of a given jar, one attack at a time, and what each cost the instance. Run on a jar before
 * and after the fixes, the two reports are the before/after figures. Exit status 0 when every attack ran
 * (whatever it cost: this measures, it does not judge), 1 on a failure, 2 for a bad command line.
 */
public final class HostileBenchmark {

    private HostileBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args));
    }

    static int run(String[] args) throws Exception {
        HostileOptions o;
        try {
            o = Cli.parse(new HostileOptions(), args);
        } catch (Cli.Exit e) {
            return e.status;
        }
        Path work = Files.createTempDirectory("livedrop-hostile-bench-");
        Path logDir = Environment.logDir(work);
        Files.deleteIfExists(logDir.resolve("app-H.log"));
        Files.deleteIfExists(logDir.resolve("gc-H.log"));
        Environment env = Environment.capture(args);
        Progress.say("livedrop hostile-clients benchmark: %s", env.command());
        Progress.say("attacks %s; logs in %s; report: %s", o.attacks, logDir, o.out.resolve(o.name + ".md"));
        if (!Files.isRegularFile(o.appJar)) {
            System.err.println("No application jar at " + o.appJar.toAbsolutePath() + ": build it with"
                    + " mvn -DskipTests -pl query-api -am package (bench/hostile does when it is missing)");
            return 2;
        }
        Path jar = work.resolve("livedrop.jar");
        Files.copy(o.appJar, jar, StandardCopyOption.COPY_ATTRIBUTES);
        HostileReport report = new HostileReport(o, env, AppJar.describe(o.appJar, jar));
        List<String> appArgs = new ArrayList<>(List.of("--livedrop.demo-data=false"));
        appArgs.addAll(o.appArgs());
        AppInstance app = null;
        try (KafkaBroker broker = KafkaBroker.start(o.broker, logDir)) {
            report.broker = broker.description();
            Progress.say("broker at %s; starting the livedrop instance", broker.bootstrapServers());
            app = AppInstance.start("H", jar, broker.bootstrapServers(), work.resolve("home-H"), logDir, Map.of(),
                    appArgs);
            app.awaitReady(new Http(), Duration.ofSeconds(240));
            report.appCommand = app.commandForReport();
            Progress.say("instance ready on %s (pid %d)", app.url(), app.pid());
            Attacks attacks = new Attacks(o, app, new Heap.GcLog(logDir.resolve("gc-H.log")));
            for (int n : o.attacks) {
                if (!app.alive()) {
                    report.failure = "the instance died before attack " + n + "; see " + app.log;
                    break;
                }
                report.attacks.add(attacks.run(n));
            }
            if (app.alive()) {
                report.finalHealth = new Http().get(app.url() + "/actuator/health").statusCode();
            }
        } catch (Exception | Error e) {
            report.failure = e.toString();
            Progress.say("FAILED: %s", e);
            e.printStackTrace(System.out);
        } finally {
            if (app != null) {
                app.close();
            }
            Dirs.deleteRecursively(work);
        }
        Path written = report.write();
        Progress.say("report written: %s", written);
        return report.failure == null ? 0 : 1;
    }

}
