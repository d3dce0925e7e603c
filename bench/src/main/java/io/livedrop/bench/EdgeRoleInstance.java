package io.livedrop.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * An edge role ({@code java -jar livedrop.jar edge}, ADR 0012 §5) in a child JVM on free ports, in front of API
 * instances: WebSocket connections and their fan-out, no Kafka Streams, no state. Ready when its readiness probe
 * says UP. BENCH_APP_JAVA_OPTS adds JVM flags, as for an instance.
 */
public final class EdgeRoleInstance extends ChildJvm {

    /** The actuator's port: the role serves no GraphQL over HTTP. */
    public final int port;
    /** Its WebSocket port (livedrop.edge.port). */
    public final int edgePort;

    /** API peers: every instance's peer listener; the relay's upstream: the first instance's edge. */
    public EdgeRoleInstance(String name, Path javaHome, List<String> jvmFlags, Path jar, String bootstrap,
                            List<AppInstance> apis, Path logDir) throws IOException {
        super(name, logDir.resolve("app-" + name + ".log"), javaHome, AppInstance.JVM_FLAGS, "BENCH_APP_JAVA_OPTS");
        command.addAll(jvmFlags);
        this.port = AppInstance.freePort();
        this.edgePort = AppInstance.freePort();
        command.addAll(List.of("-jar", jar.toAbsolutePath().toString(), "edge", "--server.port=" + port,
                "--livedrop.edge.port=" + edgePort, "--livedrop.kafka.bootstrap-servers=" + bootstrap,
                "--livedrop.edge.api-peers=" + apis.stream().map(a -> "127.0.0.1:" + a.peerPort)
                        .collect(Collectors.joining(",")),
                "--livedrop.edge.upstream=ws://127.0.0.1:" + apis.get(0).edgePort + "/graphql",
                "--livedrop.security.jwt-secret=" + Tokens.SECRET, "--logging.level.root=WARN"));
        spawn(false);
    }

    /** Waits for readiness UP; fails early if the process dies. */
    public void awaitReady(Http http, Duration timeout) {
        awaitReady(http, "http://127.0.0.1:" + port, timeout, "edge role", () -> { });
    }
}
