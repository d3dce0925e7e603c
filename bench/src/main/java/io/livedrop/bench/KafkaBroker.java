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

    public static KafkaBroker start(String mode, Path logDir) {
        return mode.equals("in-process") ? new InProcess() : new Child(logDir);
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
        private final Process process;
        private final String bootstrap;
        private final List<String> command = new ArrayList<>();

        Child(Path logDir) {
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
            try {
                process = new ProcessBuilder(command)
                        .redirectError(ProcessBuilder.Redirect.appendTo(logDir.resolve("broker.stderr").toFile()))
                        .start();
            } catch (IOException e) {
                throw new IllegalStateException("Cannot start the broker JVM: " + e.getMessage(), e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(this::close, "broker-child-stop"));
            String found = null;
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
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
            bootstrap = found;
            Thread drain = new Thread(() -> {
                try {
                    process.getInputStream().transferTo(OutputStream.nullOutputStream());
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
        public synchronized void close() {
            if (!process.isAlive()) {
                return;
            }
            try {
                OutputStream in = process.getOutputStream();
                in.write("stop\n".getBytes(StandardCharsets.UTF_8));
                in.flush();
                in.close();
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroy();
                    if (!process.waitFor(10, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                    }
                }
            } catch (IOException e) {
                process.destroy();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
