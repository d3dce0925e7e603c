package io.livedrop.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * One run of a benchmark: what every benchmark has around its measurements. A fresh work directory (deleted on
 * close); the log directory (bench.log.file's, as bench/run sets it, else beside the work directory), emptied of
 * the previous run's child logs; the environment the report states; the CPU watch; the application jar's snapshot
 * and description, the broker's and the instances' descriptions; and the failure that ended the run early.
 */
public final class BenchRun implements AutoCloseable {

    public final Path work;
    public final Path logDir;
    public final Environment env;
    public final CpuWatch cpu = new CpuWatch();
    /** The application jar as the report describes it ({@link AppJar#describe}), once {@link #snapshot} ran. */
    public String appJar;
    /** An instance's command line as the report shows it. */
    public String appCommand;
    public String broker;
    public String failure;

    /** Starts a run: says {@code title}, the command, where the log and the report go. */
    public BenchRun(String title, String[] args, Path report) throws IOException {
        System.setProperty("java.awt.headless", "true");
        work = Files.createTempDirectory("livedrop-bench-");
        logDir = Environment.logDir(work);
        if (System.getProperty("bench.log.file") == null) {
            System.setProperty("bench.log.file", logDir.resolve("bench.log").toString());
        }
        // the children append to their logs: each run starts with empty ones
        try (DirectoryStream<Path> old = Files.newDirectoryStream(logDir, "{app-*.log,gc-*.log,broker.log}")) {
            for (Path p : old) {
                Files.delete(p);
            }
        }
        env = Environment.capture(args);
        Progress.say("%s: %s", title, env.command());
        Progress.say("logs: %s; report: %s", logDir, report);
        cpu.start();
    }

    /**
     * Copies the application jar into the work directory, so that a rebuild during the run cannot change it under
     * the instances (nor mix two builds); null, and why on stderr, when there is none.
     */
    public Path snapshot(Path original) throws IOException {
        if (!Files.isRegularFile(original)) {
            System.err.println("No application jar at " + original.toAbsolutePath() + ": build it with"
                    + " mvn -DskipTests -pl query-api -am package (bench/run does when it is missing)");
            return null;
        }
        Path jar = work.resolve("livedrop.jar");
        Files.copy(original, jar, StandardCopyOption.COPY_ATTRIBUTES);
        appJar = AppJar.describe(original, jar);
        return jar;
    }

    /** The broker ({@link KafkaBroker#start}), its description kept for the report. */
    public KafkaBroker startBroker(String mode) {
        Progress.say("starting the Kafka broker (%s)", mode);
        KafkaBroker b = KafkaBroker.start(mode, logDir);
        broker = b.description();
        Progress.say("broker at %s", b.bootstrapServers());
        return b;
    }

    /** Keeps what ended the run early, for the report. */
    public void failed(Throwable e) {
        failure = e.toString();
        Progress.say("FAILED: %s", e);
        e.printStackTrace(System.out);
    }

    /** Says where the report went and how the run ended; the exit status, 0 when {@code clean} and nothing failed. */
    public int exit(Path report, boolean clean, String cleanMessage, String dirtyMessage) {
        Progress.say("report written: %s", report);
        boolean ok = clean && failure == null;
        Progress.say(ok ? cleanMessage : dirtyMessage);
        return ok ? 0 : 1;
    }

    /** Stops the CPU watch and deletes the work directory. */
    @Override
    public void close() {
        cpu.close();
        Dirs.deleteRecursively(work);
    }
}
