package io.livedrop.bench;

import io.livedrop.kafka.embedded.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's KRaft broker ({@link EmbeddedKafkaBroker}): in a child JVM (the default: its GC and heap its own,
 * as a real broker's) or in this JVM.
 */
public interface KafkaBroker extends AutoCloseable {

    /** JVM flags of the child broker: kafka-server-start.sh's heap and G1 settings. */
    List<String> CHILD_JVM_FLAGS = List.of("-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
            "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent", "-Djava.awt.headless=true");

    String bootstrapServers();

    String description();

    /** -1 in this JVM. */
    long pid();

    void close();

    static KafkaBroker start(String mode, Path logDir) {
        return mode.equals("in-process") ? new InProcess() : new Child(logDir, null);
    }

    /** A child broker whose data and port survive {@link #close()} or {@link #kill()}; the caller deletes the data. */
    static Child restartable(Path dataDirectory, Path logDir) {
        return new Child(logDir, dataDirectory);
    }

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

    /** The broker in a child JVM ({@link Main}), which prints its address. */
    final class Child extends ChildJvm implements KafkaBroker {
        private final boolean restartable;
        private volatile String bootstrap;

        Child(Path logDir, Path dataDirectory) {
            super("broker", logDir.resolve("broker.log"), Path.of(System.getProperty("java.home")), CHILD_JVM_FLAGS,
                    "BENCH_BROKER_JAVA_OPTS");
            command.addAll(List.of("-Dbench.log.file=" + log, "-cp", System.getProperty("java.class.path"),
                    Main.class.getName()));
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

        /** Starts the stopped or killed broker again on the same data and port. */
        public synchronized void restart() {
            if (!restartable) {
                throw new UnsupportedOperationException("only a restartable child broker can be restarted");
            }
            if (alive()) {
                throw new IllegalStateException("The broker is still running (pid " + pid() + ")");
            }
            start();
        }
    }

    /**
     * The child broker's JVM: a temporary broker, or with {@code <data dir> <port>} one for restarts; prints
     * {@code BOOTSTRAP <host:port>} and stops on SIGTERM or when stdin closes (the parent died).
     */
    final class Main {
        private Main() {
        }

        public static void main(String[] args) throws Exception {
            EmbeddedKafkaBroker broker = (args.length == 2 ? EmbeddedKafkaBroker.builder()
                    .dataDirectory(Path.of(args[0])).port(Integer.parseInt(args[1])).build()
                    : EmbeddedKafkaBroker.temporary()).start();
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "broker-shutdown"));
            System.out.println("BOOTSTRAP " + broker.bootstrapServers());
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the parent
            }
            System.exit(0);
        }
    }
}
