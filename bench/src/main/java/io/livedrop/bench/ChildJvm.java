package io.livedrop.bench;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A child JVM (the broker, an instance): {@code java} with the given flags, then an environment variable's
 * ({@code {instance}} becomes the name), output appended to a log. Closed with SIGTERM (its shutdown hooks run),
 * forced after 60 s, at the latest when this JVM exits; {@link #kill} is a crash (SIGKILL).
 */
public abstract class ChildJvm implements AutoCloseable {

    public final String name;
    public final Path log;
    public final List<String> command = new ArrayList<>();
    protected volatile Process process;

    /** Runs {@code javaHome}'s {@code bin/java}. */
    protected ChildJvm(String name, Path log, Path javaHome, List<String> flags, String flagsVariable) {
        this.name = name;
        this.log = log;
        command.add(javaHome.resolve("bin").resolve("java").toString());
        command.addAll(flags);
        Stream.of(System.getenv().getOrDefault(flagsVariable, "").split("\\s+")).filter(flag -> !flag.isEmpty())
                .map(flag -> flag.replace("{instance}", name)).forEach(command::add);
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, name + "-stop"));
    }

    /** Starts the command, stderr (and unless {@code pipeStdout} stdout) appended to the log. */
    protected Process spawn(boolean pipeStdout) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        process = (pipeStdout ? pb : pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))).start();
        return process;
    }

    /** The command line with ports, paths, broker and peers generic. */
    public String commandForReport() {
        return command.stream().map(c -> c.endsWith("/bin/java") ? "java"
                : c.replaceFirst("^(--server\\.port=|--livedrop\\.(http\\.peer-port|edge\\.port)=).*", "$1<free port>")
                .replaceFirst("^--livedrop\\.home=.*", "--livedrop.home=<temp dir of " + name + ">")
                .replaceFirst("^(--livedrop\\.kafka\\.bootstrap-servers=).*", "$1<broker>")
                .replaceFirst("^(--livedrop\\.edge\\.api-peers=).*", "$1<every instance's peer port>")
                .replaceFirst("^(--livedrop\\.edge\\.upstream=).*", "$1<the first instance's edge>")
                .replaceFirst(".*\\.jar$", "livedrop.jar")).collect(Collectors.joining(" "));
    }

    /**
     * Waits until {@code base}'s readiness probe says UP and {@code probe} (a first request) returns; fails early,
     * with the log's tail, if the process dies. {@code what} names it in the failure.
     */
    protected void awaitReady(Http http, String base, Duration timeout, String what, Runnable probe) {
        boolean ready = Waits.await(() -> {
            if (!process.isAlive()) {
                return true;
            }
            try {
                HttpResponse<String> r = http.get(base + "/actuator/health/readiness");
                if (r.statusCode() != 200 || !r.body().contains("\"UP\"")) {
                    return false;
                }
                probe.run();
                return true;
            } catch (RuntimeException e) {
                Waits.pause(Duration.ofMillis(250));
                return false;
            }
        }, timeout);
        if (!ready || !process.isAlive()) {
            throw new IllegalStateException(what + " " + name + (process.isAlive() ? " not ready after "
                    + timeout.toSeconds() + " s" : " exited with status " + process.exitValue()) + "; see " + log
                    + ":\n" + tail());
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** The last 30 lines of its log. */
    public String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    public synchronized void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized void close() {
        if (process != null) {
            stop(process, 60);
        }
    }

    /** SIGTERM, then SIGKILL if {@code p} has not exited within {@code graceSeconds}. */
    static void stop(Process p, int graceSeconds) {
        if (!p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(graceSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
    }
}
