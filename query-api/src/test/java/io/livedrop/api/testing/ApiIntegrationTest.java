package io.livedrop.api.testing;

import io.livedrop.api.edge.EdgeServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the tests that run the whole application as the first README command does (local
 * profile: a real embedded KRaft broker, the topology, the API, the demo catalog). Every subclass
 * shares one application context (same configuration, so Spring's test context cache reuses it):
 * one broker and one app for all of them, closed when the JVM exits. Its home is under target/,
 * not a JUnit temp dir, because Kafka halts the JVM if its data directory vanishes under it.
 * Tests must not depend on each other's data: use fresh users, keys and drops.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("local")
public abstract class ApiIntegrationTest {

    private static final Path HOME = createHome();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("livedrop.home", HOME::toString);
        registry.add("livedrop.kafka.embedded.port", () -> 0);
        registry.add("livedrop.edge.port", () -> 0);
    }

    @LocalServerPort
    protected int port;

    @Autowired
    private EdgeServer edge;

    protected String graphQlUrl() {
        return "http://localhost:" + port + "/graphql";
    }

    /** The edge's GraphQL WebSocket (graphql-transport-ws), on its own free port. */
    protected URI edgeUri() {
        return URI.create("ws://localhost:" + edge.port() + "/graphql");
    }

    private static Path createHome() {
        try {
            Path target = Files.createDirectories(Path.of("target"));
            return Files.createTempDirectory(target, "api-it-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
