package io.livedrop.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One livedrop instance in a child JVM on free ports, on the benchmark's broker, with a home of its own; ready when
 * the readiness probe says UP and a drop query answers. BENCH_APP_JAVA_OPTS adds JVM flags.
 */
public final class AppInstance extends ChildJvm {

    public static final List<String> JVM_FLAGS = List.of("-Xmx1g");

    public final int port;
    /** The peer listener (ADR 0010): query hops and metrics. */
    public final int peerPort;
    /** The edge's WebSocket port (livedrop.edge.port): free, so that instances never meet on its default. */
    public final int edgePort;
    public final Path home;

    public AppInstance(String name, Path jar, String bootstrap, Path home, Path logDir, Map<String, String> streams,
                       List<String> extraArgs) throws IOException {
        this(name, Path.of(System.getProperty("java.home")), List.of(), jar, bootstrap, home, logDir, streams,
                extraArgs);
    }

    /** Runs on the JDK in {@code javaHome}, with {@code jvmFlags} after the default ones and BENCH_APP_JAVA_OPTS's. */
    public AppInstance(String name, Path javaHome, List<String> jvmFlags, Path jar, String bootstrap, Path home,
                       Path logDir, Map<String, String> streams, List<String> extraArgs) throws IOException {
        super(name, logDir.resolve("app-" + name + ".log"), javaHome, JVM_FLAGS, "BENCH_APP_JAVA_OPTS");
        command.addAll(jvmFlags);
        this.port = freePort();
        this.peerPort = freePort();
        this.edgePort = freePort();
        this.home = home;
        command.addAll(List.of("-jar", jar.toAbsolutePath().toString(), "--server.port=" + port,
                "--livedrop.http.peer-port=" + peerPort, "--livedrop.edge.port=" + edgePort,
                "--livedrop.kafka.bootstrap-servers=" + bootstrap,
                "--livedrop.home=" + home.toAbsolutePath(), "--livedrop.security.jwt-secret=" + Tokens.SECRET,
                "--livedrop.orders.rate-per-second=1000000", "--livedrop.orders.rate-burst=1000000",
                // the benchmarks' set-up schedules drops and follows as fast as it can, by few users
                "--livedrop.writes.catalog-rate-per-second=1000000", "--livedrop.writes.catalog-rate-burst=1000000",
                "--livedrop.writes.follow-rate-per-second=1000000", "--livedrop.writes.follow-rate-burst=1000000",
                "--logging.level.root=WARN"));
        streams.forEach((k, v) -> command.add("--livedrop.streams." + k + "=" + v));
        command.addAll(extraArgs);
        Files.createDirectories(home);
        spawn(false);
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public String peerUrl() {
        return "http://127.0.0.1:" + peerPort;
    }

    /** Waits for readiness UP and a {@code drop(id:)} answer (stores queryable); fails early if the process dies. */
    public void awaitReady(Http http, Duration timeout) {
        String probe = "{\"query\":\"{ drop(id: \\\"bench-ready-probe\\\") { id } }\"}";
        awaitReady(http, url(), timeout, "livedrop instance", () -> http.call(url(), probe, null));
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Stops the instances at once, then waits for each. */
    public static void stopAll(java.util.Collection<? extends ChildJvm> instances) {
        instances.forEach(i -> i.process.destroy());
        instances.forEach(ChildJvm::close);
    }
}
