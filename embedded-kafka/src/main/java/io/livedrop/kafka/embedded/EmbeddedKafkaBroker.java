package io.livedrop.kafka.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka broker running inside this JVM: one KRaft node that is both broker and controller, listening
 * in plaintext on {@code 127.0.0.1} only. It is Kafka's own server code ({@link KafkaRaftServer}), so transactions,
 * exactly-once Kafka Streams, consumer groups and the admin API behave as on a real cluster.
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().dataDirectory(dir).port(9092).build().start()) {
 *     String bootstrapServers = kafka.bootstrapServers(); // "127.0.0.1:9092"
 * }
 * }</pre>
 *
 * <p>The data directory is formatted on first use and reused afterwards, so topics and records survive restarts.
 * It must be dedicated to this broker: Kafka treats every sub-directory as a partition. Close the broker when the
 * application ends (try-with-resources, a Spring bean, a shutdown hook): after a kill, the next start recovers the
 * logs and waits a few seconds for the old broker session to expire.
 *
 * <p>Limits: a single node (replication factor 1, no fail-over); no TLS or authentication; loopback only; one
 * {@code start()} per instance (build a new one to restart). Like any Kafka server it halts the JVM on a fatal
 * fault, e.g. when its internal controller port, picked free just before, was taken before Kafka bound it (made
 * unlikely by picking it outside the ephemeral port range). Several brokers in one JVM share Kafka's static metrics
 * registry (harmless warnings).
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    /** Host of every listener; the broker never listens on other interfaces. */
    public static final String HOST = "127.0.0.1";

    static final int NODE_ID = 1;
    private static final String BROKER_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final int BIND_ATTEMPTS = 3;
    private static final int FREE_PORT_MIN = 20_000;
    private static final int FREE_PORT_MAX = 32_000;
    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    private enum State { NEW, RUNNING, CLOSED }

    private final Path dataDirectory;
    private final int requestedPort;
    private final int partitions;
    private final Optional<String> clusterId;
    private final Duration startupTimeout;
    private final Map<String, String> overrides;
    private final boolean deleteDataDirectoryOnClose;

    private State state = State.NEW;
    private KafkaRaftServer server;
    private int port;
    private Duration startupDuration;

    private EmbeddedKafkaBroker(Builder builder, boolean deleteDataDirectoryOnClose) {
        this.dataDirectory = builder.dataDirectory.toAbsolutePath().normalize();
        this.requestedPort = builder.port;
        this.partitions = builder.partitions;
        this.clusterId = Optional.ofNullable(builder.clusterId);
        this.startupTimeout = builder.startupTimeout;
        this.overrides = Map.copyOf(builder.overrides);
        this.deleteDataDirectoryOnClose = deleteDataDirectoryOnClose;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A broker for tests: fresh temporary data directory, a free port, everything deleted on {@link #close()}.
     * Not started yet: call {@link #start()}.
     */
    public static EmbeddedKafkaBroker temporary() {
        try {
            Path dir = Files.createTempDirectory("embedded-kafka-");
            return new EmbeddedKafkaBroker(builder().dataDirectory(dir).port(0), true);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create a temporary directory for the embedded Kafka broker", e);
        }
    }

    /**
     * Formats the data directory if needed, starts the broker and blocks until it answers an admin request.
     *
     * @return this broker, started
     * @throws EmbeddedKafkaException if it cannot start (the broker is then closed); the message says why and how
     *         to fix it
     */
    public synchronized EmbeddedKafkaBroker start() {
        if (state != State.NEW) {
            throw new IllegalStateException(
                    "The embedded Kafka broker was already started; build a new one to restart it");
        }
        long startNanos = System.nanoTime();
        KafkaStorage.Prepared storage;
        try {
            if (requestedPort != 0 && !isFree(requestedPort)) {
                throw portInUse(requestedPort, null);
            }
            storage = KafkaStorage.prepare(dataDirectory, NODE_ID, clusterId, CONTROLLER_LISTENER);
            startServer();
            state = State.RUNNING;
            awaitReady();
        } catch (RuntimeException e) {
            close(); // single use: also removes a temporary directory
            throw e;
        }
        startupDuration = Duration.ofNanos(System.nanoTime() - startNanos);
        log.info("Embedded Kafka broker ready in {} ms: bootstrap servers {}, data in {} ({})",
                startupDuration.toMillis(), bootstrapServers(), dataDirectory,
                storage.reused() ? "existing data, cluster " + storage.clusterId() : "newly formatted");
        return this;
    }

    /** {@code 127.0.0.1:PORT}, for the clients' {@code bootstrap.servers}. */
    public synchronized String bootstrapServers() {
        return HOST + ":" + port();
    }

    /** The port clients connect to; when built with port 0, the free port chosen at start. */
    public synchronized int port() {
        if (state != State.RUNNING) {
            throw new IllegalStateException("The embedded Kafka broker is not running (" + state + ")");
        }
        return port;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    /** How long {@link #start()} took, formatting included. */
    public synchronized Duration startupDuration() {
        return startupDuration;
    }

    public synchronized boolean isRunning() {
        return state == State.RUNNING;
    }

    /** Shuts the broker down cleanly and waits for it; safe to call more than once. */
    @Override
    public synchronized void close() {
        if (state == State.CLOSED) {
            return;
        }
        try {
            if (server != null) {
                stopServer(server);
                server = null;
            }
        } finally {
            state = State.CLOSED;
            if (deleteDataDirectoryOnClose) {
                deleteRecursively(dataDirectory);
            }
        }
    }

    private void startServer() {
        for (int attempt = 1; ; attempt++) {
            port = requestedPort != 0 ? requestedPort : freePort();
            // The combined node's broker reaches its own controller through this port, so it must be known up front
            // (controller.quorum.voters). Kafka halts the JVM if the controller cannot bind it: see freePort().
            int controllerPort = freePort();
            KafkaConfig config;
            try {
                config = KafkaConfig.fromProps(brokerProperties(port, controllerPort), false);
            } catch (RuntimeException e) {
                throw new EmbeddedKafkaException("Invalid embedded Kafka broker setting: " + e.getMessage(), e);
            }
            KafkaRaftServer candidate;
            try {
                // Reads meta.properties and the bootstrap snapshot of the data directory.
                candidate = new KafkaRaftServer(config, Time.SYSTEM);
            } catch (RuntimeException e) {
                throw new EmbeddedKafkaException("The embedded Kafka broker could not load its data directory "
                        + dataDirectory + ": " + e.getMessage()
                        + ". If the data is disposable, delete the directory.", e);
            }
            try {
                candidate.startup();
                server = candidate;
                return;
            } catch (RuntimeException e) {
                stopServer(candidate);
                if (!isBindFailure(e)) {
                    throw new EmbeddedKafkaException("The embedded Kafka broker failed to start (data in "
                            + dataDirectory + "): " + e.getMessage(), e);
                }
                if (requestedPort != 0 && !isFree(requestedPort)) {
                    throw portInUse(requestedPort, e);
                }
                // The client port picked as free was taken before Kafka bound it: try again with new ones.
                if (attempt == BIND_ATTEMPTS) {
                    throw new EmbeddedKafkaException("The embedded Kafka broker could not bind its ports after "
                            + attempt + " attempts: " + e.getMessage(), e);
                }
            }
        }
    }

    private Properties brokerProperties(int brokerPort, int controllerPort) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("process.roles", "broker,controller");
        config.put("node.id", String.valueOf(NODE_ID));
        config.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        config.put("controller.listener.names", CONTROLLER_LISTENER);
        config.put("listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort
                + "," + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
        config.put("advertised.listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort);
        config.put("listener.security.protocol.map",
                BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        config.put("inter.broker.listener.name", BROKER_LISTENER);
        config.put("log.dirs", dataDirectory.toString());
        config.put("metadata.log.dir", dataDirectory.toString());

        // One node: every internal topic gets replication factor 1, or it can never be created.
        config.put("default.replication.factor", "1");
        config.put("min.insync.replicas", "1");
        config.put("offsets.topic.replication.factor", "1");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
        // 50 partitions per internal topic (the default) only slows the first group/transaction down locally.
        config.put("offsets.topic.num.partitions", "5");
        config.put("transaction.state.log.num.partitions", "5");
        config.put("share.coordinator.state.topic.num.partitions", "5");

        // After a crash the controller keeps the old broker registration alive until its session times out, and
        // the restarted broker cannot register before that: 9 s by default. Heartbeats are local, so be quicker.
        config.put("broker.heartbeat.interval.ms", "500");
        config.put("broker.session.timeout.ms", "3000");

        config.put("num.partitions", String.valueOf(partitions));
        config.put("auto.create.topics.enable", "false");
        config.put("group.initial.rebalance.delay.ms", "0");

        // Local use: small segments so retention can actually delete, a week or 1 GiB per partition at most.
        config.put("log.segment.bytes", String.valueOf(16 * 1024 * 1024));
        config.put("log.retention.hours", "168");
        config.put("log.retention.bytes", String.valueOf(1024L * 1024 * 1024));
        // The cleaner allocates this buffer up front; the 128 MiB default is a lot inside an application or test JVM.
        config.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        config.put("num.network.threads", "2");
        config.put("num.io.threads", "4");
        config.put("num.recovery.threads.per.data.dir", "1");
        config.put("background.threads", "4");

        config.putAll(overrides);
        Properties properties = new Properties();
        properties.putAll(config);
        return properties;
    }

    private void awaitReady() {
        Map<String, Object> adminConfig = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) startupTimeout.toMillis(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) startupTimeout.toMillis());
        try (Admin admin = Admin.create(adminConfig)) {
            int nodes = admin.describeCluster().nodes().get(startupTimeout.toMillis(), TimeUnit.MILLISECONDS).size();
            if (nodes != 1) {
                throw new IllegalStateException("expected 1 node in the cluster, found " + nodes);
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new EmbeddedKafkaException("The embedded Kafka broker started but did not answer on "
                    + HOST + ":" + port + " within " + startupTimeout.toSeconds() + " s: " + e, e);
        }
    }

    private static void stopServer(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            log.warn("Error while shutting the embedded Kafka broker down", e);
        }
    }

    private EmbeddedKafkaException portInUse(int busyPort, Throwable cause) {
        return new EmbeddedKafkaException("Port " + busyPort + " on " + HOST + " is already in use (another Kafka"
                + " broker?), so the embedded Kafka broker cannot listen on it. Stop whatever holds it, or choose"
                + " another port with EmbeddedKafkaBroker.Builder#port(int) (0 picks a free port).", cause);
    }

    private static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    /**
     * A port free right now, picked at random below the operating systems' ephemeral ranges (Linux 32768+, macOS
     * and Windows 49152+). Kafka binds it seconds later; a port from the ephemeral range could meanwhile be handed
     * to any outgoing connection or other {@code bind(0)} in the process, and a controller that cannot bind its
     * listener halts the JVM (Kafka's fatal fault handler).
     */
    private static int freePort() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int candidate = ThreadLocalRandom.current().nextInt(FREE_PORT_MIN, FREE_PORT_MAX);
            if (isFree(candidate)) {
                return candidate;
            }
        }
        throw new EmbeddedKafkaException("No free port found on " + HOST + " between " + FREE_PORT_MIN + " and "
                + FREE_PORT_MAX + "; choose one with EmbeddedKafkaBroker.Builder#port(int).");
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            // Same SO_REUSEADDR as Kafka's own listener, so a port in TIME_WAIT counts as free, as it is for Kafka.
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(loopback(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static InetAddress loopback() throws IOException {
        return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            log.warn("Could not delete {}: {}", dir, e.getMessage());
        }
    }

    /** Settings of an {@link EmbeddedKafkaBroker}; only the data directory is required. */
    public static final class Builder {

        private static final Set<String> RESERVED_SETTINGS = Set.of("process.roles", "node.id",
                "controller.quorum.voters", "controller.quorum.bootstrap.servers", "controller.listener.names",
                "listeners", "advertised.listeners", "listener.security.protocol.map", "inter.broker.listener.name",
                "log.dir", "log.dirs", "metadata.log.dir");

        private Path dataDirectory;
        private int port;
        private int partitions = 1;
        private String clusterId;
        private Duration startupTimeout = Duration.ofSeconds(60);
        private final Map<String, String> overrides = new LinkedHashMap<>();

        private Builder() {
        }

        /** Where the broker keeps its data: formatted on first use, reused on the next starts. Dedicated to Kafka. */
        public Builder dataDirectory(Path dataDirectory) {
            this.dataDirectory = Objects.requireNonNull(dataDirectory, "dataDirectory");
            return this;
        }

        /** The client port on {@value #HOST}; 0 (the default) picks a free one (20000-31999) at start. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /** Partitions of a topic created without an explicit count ({@code num.partitions}); default 1. */
        public Builder defaultPartitions(int partitions) {
            if (partitions < 1) {
                throw new IllegalArgumentException("partitions must be at least 1, was " + partitions);
            }
            this.partitions = partitions;
            return this;
        }

        /** The cluster id to format with, and to insist on when reusing a directory; default: random, any. */
        public Builder clusterId(String clusterId) {
            this.clusterId = Objects.requireNonNull(clusterId, "clusterId");
            return this;
        }

        /** How long {@link EmbeddedKafkaBroker#start()} waits for the broker to answer; default 60 s. */
        public Builder startupTimeout(Duration startupTimeout) {
            this.startupTimeout = Objects.requireNonNull(startupTimeout, "startupTimeout");
            return this;
        }

        /**
         * Any other broker setting ({@code server.properties} key), applied last, so it wins over the defaults.
         * Node identity, listeners and directories are the broker's own: use {@link #port} and
         * {@link #dataDirectory}.
         */
        public Builder brokerProperty(String key, String value) {
            if (RESERVED_SETTINGS.contains(key)) {
                throw new IllegalArgumentException(key + " is set by the embedded Kafka broker itself");
            }
            overrides.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public EmbeddedKafkaBroker build() {
            if (dataDirectory == null) {
                throw new IllegalStateException("dataDirectory is required (or use EmbeddedKafkaBroker.temporary())");
            }
            return new EmbeddedKafkaBroker(this, false);
        }
    }
}
