package io.livedrop.bench;

import io.livedrop.kafka.embedded.EmbeddedKafkaBroker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Kafka broker under the benchmark: Kafka's own KRaft server ({@link EmbeddedKafkaBroker}), either in a child
 * JVM (the default: its garbage collector and heap are its own, as a real broker's are, though it still shares the
 * machine's cores) or in this JVM.
 */
public abstract class KafkaBroker implements AutoCloseable {

    /** JVM flags of the child broker: kafka-server-start.sh's heap and G1 settings. */
    static final List<String> CHILD_JVM_FLAGS = List.of("-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
            "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent", "-Djava.awt.headless=true");

    public abstract String bootstrapServers();

    public abstract String description();

    /** The broker JVM's process id, or -1 when it runs in this JVM. */
    public abstract long pid();

    @Override
    public abstract void close();

    /** A clean shutdown (the broker closes its logs and leaves the quorum): {@link #restart()} brings it back. */
    public void stop() {
        throw new UnsupportedOperationException("only a restartable child broker can be stopped and restarted");
    }

    /** SIGKILL, then waits for the process to be gone: a crash. {@link #restart()} brings it back. */
    public void kill() {
        throw new UnsupportedOperationException("only a restartable child broker can be killed and restarted");
    }

    /** Starts the stopped or killed broker again on the same data directory and port; waits until it answers. */
    public void restart() {
        throw new UnsupportedOperationException("only a restartable child broker can be restarted");
    }

    public static KafkaBroker start(String mode, Path logDir) {
        return mode.equals("in-process") ? new InProcess() : new Child(logDir, null, 0);
    }

    /**
     * A child-JVM broker whose data survives it, on the port its first start found free: clients keep their bootstrap
     * address across {@link #stop()}/{@link #kill()} and {@link #restart()}. The caller deletes {@code dataDirectory}.
     */
    public static KafkaBroker restartable(Path dataDirectory, Path logDir) {
        return new Child(logDir, dataDirectory, 0);
    }

    private static final class InProcess extends KafkaBroker {
        private final EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.temporary().start();

        @Override
        public String bootstrapServers() {
            return broker.bootstrapServers();
        }

        @Override
        public String description() {
            return "embedded KRaft broker (EmbeddedKafkaBroker) in the benchmark's own JVM";
        }

        @Override
        public long pid() {
            return -1;
        }

        @Override
        public void close() {
            broker.close();
        }
    }

    private static final class Child extends KafkaBroker {
        private final Path logDir;
        private final boolean restartable;
        private final List<String> command = new ArrayList<>();
        private volatile Process process;
        private volatile String bootstrap;

        Child(Path logDir, Path dataDirectory, int port) {
            this.logDir = logDir;
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(CHILD_JVM_FLAGS);
            String extra = System.getenv("BENCH_BROKER_JAVA_OPTS");
            if (extra != null && !extra.isBlank()) {
                command.addAll(List.of(extra.strip().split("\\s+")));
            }
            Path log = logDir.resolve("broker.log");
            command.add("-Dbench.log.file=" + log);
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(BrokerMain.class.getName());
            restartable = dataDirectory != null;
            if (restartable) {
                command.add(dataDirectory.toAbsolutePath().toString());
                command.add(String.valueOf(port));
            }
            Runtime.getRuntime().addShutdownHook(new Thread(this::close, "broker-child-stop"));
            spawn();
        }

        private void spawn() {
            try {
                process = new ProcessBuilder(command)
                        .redirectError(ProcessBuilder.Redirect.appendTo(logDir.resolve("broker.stderr").toFile()))
                        .start();
            } catch (IOException e) {
                throw new IllegalStateException("Cannot start the broker JVM: " + e.getMessage(), e);
            }
            Process p = process;
            String found = null;
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                String line;
                while (System.nanoTime() < deadline && (line = out.readLine()) != null) {
                    if (line.startsWith("BOOTSTRAP ")) {
                        found = line.substring("BOOTSTRAP ".length()).strip();
                        break;
                    }
                }
            } catch (IOException e) {
                // handled below
            }
            if (found == null) {
                close();
                throw new IllegalStateException("The broker JVM did not report its address; see " + logDir);
            }
            if (bootstrap != null && !bootstrap.equals(found)) {
                throw new IllegalStateException("The restarted broker is at " + found + ", not " + bootstrap);
            }
            if (bootstrap == null && restartable) {
                // restarts listen where the first start found a free port
                command.set(command.size() - 1, found.substring(found.lastIndexOf(':') + 1));
            }
            bootstrap = found;
            Thread drain = new Thread(() -> {
                try {
                    p.getInputStream().transferTo(OutputStream.nullOutputStream());
                } catch (IOException e) {
                    // the broker exited
                }
            }, "broker-stdout");
            drain.setDaemon(true);
            drain.start();
        }

        @Override
        public String bootstrapServers() {
            return bootstrap;
        }

        @Override
        public String description() {
            return "embedded KRaft broker (EmbeddedKafkaBroker) in a child JVM (pid " + process.pid() + "; "
                    + String.join(" ", CHILD_JVM_FLAGS.subList(0, 5)) + ")";
        }

        @Override
        public long pid() {
            return process.pid();
        }

        @Override
        public void stop() {
            close();
        }

        @Override
        public synchronized void kill() {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public synchronized void restart() {
            if (!restartable) {
                super.restart();
            }
            if (process.isAlive()) {
                throw new IllegalStateException("The broker is still running (pid " + process.pid() + ")");
            }
            spawn();
        }

        @Override
        public synchronized void close() {
            Process p = process;
            if (p == null || !p.isAlive()) {
                return;
            }
            try {
                OutputStream in = p.getOutputStream();
                in.write("stop\n".getBytes(StandardCharsets.UTF_8));
                in.flush();
                in.close();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroy();
                    if (!p.waitFor(10, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                }
            } catch (IOException e) {
                p.destroy();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }
}
