package io.livedrop.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What every benchmark run has around its measurements: a work directory (deleted on close), the log directory
 * (emptied of the previous run's child logs), the environment, the CPU watch, the jar, broker and failure to report.
 */
public final class BenchRun implements AutoCloseable {

    private static final Pattern LIB = Pattern.compile("BOOT-INF/lib/(spring-boot|spring-graphql|tomcat-embed-core"
            + "|kafka-streams|graphql-java)-(\\d[^/]*)\\.jar");

    public final Path work;
    public final Path logDir;
    public final Environment env;
    public final CpuWatch cpu = new CpuWatch();
    public String appJar;
    public String appCommand;
    public String broker;
    public String failure;
    /** The first of {@link Progress#lines()} that is this run's (one JVM may run several benchmarks: tests). */
    public final int progressFrom = Progress.lines().size();

    public BenchRun(String title, String[] args, Path report) throws IOException {
        System.setProperty("java.awt.headless", "true");
        work = Files.createTempDirectory("livedrop-bench-");
        logDir = Environment.logDir(work);
        if (System.getProperty("bench.log.file") == null) {
            System.setProperty("bench.log.file", logDir.resolve("bench.log").toString());
        }
        // the children append to their logs
        try (DirectoryStream<Path> old = Files.newDirectoryStream(logDir, "{app-*.log,gc-*.log,broker.log}")) {
            old.forEach(Dirs::deleteRecursively);
        }
        env = Environment.capture(args);
        Progress.say("%s: %s", title, env.command());
        Progress.say("logs: %s; report: %s", logDir, report);
        cpu.start();
    }

    /** A copy of the jar, so that a rebuild during the run cannot change it; null (and why) when there is none. */
    public Path snapshot(Path original) throws IOException {
        if (!Files.isRegularFile(original)) {
            System.err.println("No application jar at " + original.toAbsolutePath() + ": build it with"
                    + " mvn -DskipTests -pl query-api -am package (bench/run does when it is missing)");
            return null;
        }
        Path jar = work.resolve("livedrop.jar");
        Files.copy(original, jar, StandardCopyOption.COPY_ATTRIBUTES);
        appJar = describe(original, jar);
        return jar;
    }

    public KafkaBroker startBroker(String mode) {
        Progress.say("starting the Kafka broker (%s)", mode);
        KafkaBroker b = KafkaBroker.start(mode, logDir);
        broker = b.description();
        Progress.say("broker at %s", b.bootstrapServers());
        return b;
    }

    public void failed(Throwable e) {
        failure = e.toString();
        Progress.say("FAILED: %s", e);
        e.printStackTrace(System.out);
    }

    /** When the jar was built, whether the sources changed since, its main libraries. */
    private static String describe(Path original, Path jar) {
        StringBuilder sb = new StringBuilder("`" + original + "` (a copy of it taken at the start ran)");
        try (JarFile j = new JarFile(jar.toFile())) {
            long built = Files.getLastModifiedTime(jar).toMillis();
            sb.append(", built ").append(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
                    .format(Instant.ofEpochMilli(built).atOffset(ZoneOffset.UTC)));
            j.stream().map(e -> LIB.matcher(e.getName())).filter(Matcher::matches).map(m -> m.group(1) + " "
                    + m.group(2)).sorted().reduce((a, b) -> a + ", " + b).ifPresent(libs -> sb.append("; ").append(libs));
            Path sources = original.toAbsolutePath().getParent().getParent().resolve("src/main");
            if (Files.isDirectory(sources)) {
                try (Stream<Path> files = Files.walk(sources)) {
                    // File.lastModified: 0, no exception, for a file gone meanwhile
                    long newer = files.filter(Files::isRegularFile).filter(p -> p.toFile().lastModified() > built)
                            .count();
                    if (newer > 0) {
                        sb.append("; note: ").append(newer).append(" source file(s) under query-api/src/main changed"
                                + " after this jar was built (the figures are this jar's)");
                    }
                }
            }
        } catch (IOException e) {
            sb.append(" (").append(e.getMessage()).append(")");
        }
        return sb.toString();
    }

    /** The exit status: 0 when {@code clean} and nothing failed. */
    public int exit(Path report, boolean clean, String cleanMessage, String dirtyMessage) {
        Progress.say("report written: %s", report);
        boolean ok = clean && failure == null;
        Progress.say(ok ? cleanMessage : dirtyMessage);
        return ok ? 0 : 1;
    }

    @Override
    public void close() {
        cpu.close();
        Dirs.deleteRecursively(work);
    }
}
