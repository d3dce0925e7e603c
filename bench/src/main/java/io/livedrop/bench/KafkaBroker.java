package io.livedrop.bench;

import io.livedrop.kafka.embedded.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Kafka broker under the benchmark: Kafka's own KRaft server ({@link EmbeddedKafkaBroker}), either in a child
 * JVM (the default: its garbage collector and heap are its own, as a real broker's are, though it still shares the
 * machine's cores) or in this JVM.
 */
public interface KafkaBroker extends AutoCloseable {

    /** JVM flags of the child broker: kafka-server-start.sh's heap and G1 settings. */
    List<String> CHILD_JVM_FLAGS = List.of("-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
            "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent", "-Djava.awt.headless=true");

    String bootstrapServers();

    String description();

    /** The broker JVM's process id, or -1 when it runs in this JVM. */
    long pid();

    /** A clean shutdown (the broker closes its logs and leaves the quorum): {@link #restart()} brings it back. */
    void close();

    /** SIGKILL, then waits for the process to be gone: a crash. {@link #restart()} brings it back. */
    default void kill() {
        throw new UnsupportedOperationException("only a restartable child broker can be killed and restarted");
    }

    /** Starts the stopped or killed broker again on the same data directory and port; waits until it answers. */
    default void restart() {
        throw new UnsupportedOperationException("only a restartable child broker can be restarted");
    }

    static KafkaBroker start(String mode, Path logDir) {
        return mode.equals("in-process") ? new InProcess() : new Child(logDir, null);
    }

    /**
     * A child-JVM broker whose data survives it, on the port its first start found free: clients keep their bootstrap
     * address across {@link #close()}/{@link #kill()} and {@link #restart()}. The caller deletes {@code dataDirectory}.
     */
    static KafkaBroker restartable(Path dataDirectory, Path logDir) {
        return new Child(logDir, dataDirectory);
    }

    /** The broker in this JVM. */
    final class InProcess implements KafkaBroker {
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

    /** The broker in a child JVM ({@link BrokerMain}), which reports its address on stdout. */
    final class Child extends ChildJvm implements KafkaBroker {
        private final boolean restartable;
        private volatile String bootstrap;

        Child(Path logDir, Path dataDirectory) {
            super("broker", logDir.resolve("broker.log"), CHILD_JVM_FLAGS, "BENCH_BROKER_JAVA_OPTS");
            command.addAll(List.of("-Dbench.log.file=" + log, "-cp", System.getProperty("java.class.path"),
                    BrokerMain.class.getName()));
            restartable = dataDirectory != null;
            if (restartable) {
                command.addAll(List.of(dataDirectory.toAbsolutePath().toString(), "0"));
            }
            start();
        }

        private void start() {
            Process p;
            String found;
            try {
                p = spawn(true);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                found = p.inputReader(StandardCharsets.UTF_8).lines().takeWhile(l -> System.nanoTime() < deadline)
                        .filter(l -> l.startsWith("BOOTSTRAP ")).findFirst()
                        .map(l -> l.substring("BOOTSTRAP ".length()).strip()).orElse(null);
            } catch (IOException e) {
                throw new IllegalStateException("Cannot start the broker JVM: " + e.getMessage(), e);
            }
            if (found == null) {
                close();
                throw new IllegalStateException("The broker JVM did not report its address; see " + log);
            }
            if (bootstrap != null && !bootstrap.equals(found)) {
                throw new IllegalStateException("The restarted broker is at " + found + ", not " + bootstrap);
            }
            if (bootstrap == null && restartable) {
                // restarts listen where the first start found a free port
                command.set(command.size() - 1, found.substring(found.lastIndexOf(':') + 1));
            }
            bootstrap = found;
            Daemons.start("broker-stdout", () -> {
                try {
                    p.getInputStream().transferTo(OutputStream.nullOutputStream());
                } catch (IOException e) {
                    // the broker exited
                }
            });
        }

        @Override
        public String bootstrapServers() {
            return bootstrap;
        }

        @Override
        public String description() {
            return "embedded KRaft broker (EmbeddedKafkaBroker) in a child JVM (pid " + pid() + "; "
                    + String.join(" ", CHILD_JVM_FLAGS.subList(0, 5)) + ")";
        }

        @Override
        public synchronized void restart() {
            if (!restartable) {
                KafkaBroker.super.restart();
            }
            if (alive()) {
                throw new IllegalStateException("The broker is still running (pid " + pid() + ")");
            }
            start();
        }
    }
}
