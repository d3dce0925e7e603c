package io.livedrop.api.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.livedrop.api.edge.EdgeServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
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
    private static final Duration SCENARIO_WAIT = Duration.ofSeconds(15);

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

    /** The Tomcat {@code /graphql} WebSocket (Spring's per-session transport). */
    protected URI tomcatWebSocketUri() {
        return URI.create("ws://localhost:" + port + "/graphql");
    }

    /** A WebSocket to {@code transport} ("tomcat" or "edge"), acknowledged for {@code user}. */
    protected GraphQlWsClient connected(String transport, String user) {
        URI uri = switch (transport) {
            case "tomcat" -> tomcatWebSocketUri();
            case "edge" -> edgeUri();
            default -> throw new IllegalArgumentException("transport: tomcat or edge, not " + transport);
        };
        return GraphQlWsClient.connect(uri).initAndAwaitAck(Tokens.user(user), SCENARIO_WAIT);
    }

    /** {@code user} follows {@code creator} (through the API). */
    protected void follow(String user, String creator) {
        GraphQlHttp.Answer answer = new GraphQlHttp(graphQlUrl()).post(Tokens.user(user),
                "mutation($id: ID!) { follow(creatorId: $id) { creator { id } } }", Map.of("id", creator));
        assertThat(answer.errors()).as(answer.abbreviated()).isEmpty();
    }

    /** A product of {@code creator}; its id. */
    protected String createProduct(String creator) {
        GraphQlHttp.Answer answer = new GraphQlHttp(graphQlUrl()).post(Tokens.creator(creator),
                "mutation($input: ProductInput!) { upsertProduct(input: $input) { id } }",
                Map.of("input", Map.of("name", "Tee of " + creator)));
        assertThat(answer.errors()).as(answer.abbreviated()).isEmpty();
        return answer.data().at("/upsertProduct/id").asString();
    }

    /** A drop of {@code stock} starting now; its id, answered once it is LIVE. */
    protected String startDrop(String creator, String productId, int stock) {
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("productId", productId);
        input.put("stock", stock);
        input.put("priceCents", 1_000);
        input.put("startsAt", null);
        GraphQlHttp.Answer answer = new GraphQlHttp(graphQlUrl()).post(Tokens.creator(creator),
                "mutation($input: ScheduleDropInput!) { scheduleDrop(input: $input) { id } }", Map.of("input", input));
        assertThat(answer.errors()).as(answer.abbreviated()).isEmpty();
        return answer.data().at("/scheduleDrop/id").asString();
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
