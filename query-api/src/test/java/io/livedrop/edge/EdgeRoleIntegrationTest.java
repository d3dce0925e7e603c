package io.livedrop.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.livedrop.api.LivedropApplication;
import io.livedrop.api.config.KafkaCluster;
import io.livedrop.api.edge.EdgeServer;
import io.livedrop.api.security.TokenCommand;
import io.livedrop.api.social.DropStartedFeed;
import io.livedrop.api.streams.StreamsRuntime;
import io.livedrop.api.testing.ApiIntegrationTest;
import io.livedrop.api.testing.GraphQlWsClient;
import io.livedrop.api.testing.Tokens;
import io.livedrop.api.web.PeerListener;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The edge role ({@code livedrop.jar edge}) beside the in-process API instance, as docker-compose runs it: a follower
 * connected to the role is told of a drop start by the role's own feed (the page's document, rendered by the API
 * over its peer listener), every other operation is relayed to the API's edge, a bad token is refused there, and
 * the role holds no Kafka Streams. (The API's application class is named: the search from this package would find
 * {@link EdgeRole}; the context is the one every {@code ApiIntegrationTest} shares.)
 */
@SpringBootTest(classes = LivedropApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EdgeRoleIntegrationTest extends ApiIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String PAGE_DOCUMENT = "subscription { dropStarted { startedAt drop { id remainingStock "
            + "product { name } creator { id viewerFollows } } } }";

    @Autowired
    private KafkaCluster cluster;
    @Autowired
    private PeerListener peers;

    private ConfigurableApplicationContext role;

    @BeforeAll
    void startTheEdgeRole() throws IOException {
        Path home = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "edge-role-");
        role = new SpringApplicationBuilder(EdgeRole.class).profiles(EdgeRole.PROFILE).run(
                "--livedrop.kafka.bootstrap-servers=" + cluster.bootstrapServers(),
                "--livedrop.edge.api-peers=127.0.0.1:" + peers.port(),
                "--livedrop.edge.upstream=" + edgeUri(),
                "--livedrop.security.jwt-secret=" + TokenCommand.LOCAL_SECRET,
                "--livedrop.home=" + home,
                "--server.port=0", "--livedrop.edge.port=0");
    }

    @AfterAll
    void stopTheEdgeRole() {
        if (role != null) {
            role.close();
        }
    }

    private GraphQlWsClient connectedToTheRole(String user) {
        URI uri = URI.create("ws://localhost:" + role.getBean(EdgeServer.class).port() + "/graphql");
        return GraphQlWsClient.connect(uri).initAndAwaitAck(Tokens.user(user), WAIT);
    }

    @Test
    void shouldTellAFollowerOnTheRoleOfADropStartWithThePagesDocument() {
        // Given a fan of a creator, subscribed to dropStarted on the edge role with the web page's kind of document
        String creator = "c-" + shortId();
        String productId = createProduct(creator);
        String fan = "fan-" + shortId();
        follow(fan, creator);
        try (GraphQlWsClient socket = connectedToTheRole(fan)) {
            socket.subscribe("started", PAGE_DOCUMENT, Map.of());
            await().atMost(WAIT).until(() -> role.getBean(DropStartedFeed.class).listening(fan));

            // When the creator's drop starts (through the API)
            String dropId = startDrop(creator, productId, 5);

            // Then the role tells the fan, with what the API renders for a follower
            Map<String, Object> message = socket.next(WAIT);
            assertThat(message).containsEntry("type", "next").containsEntry("id", "started");
            Map<?, ?> drop = (Map<?, ?>) at(message, "payload", "data", "dropStarted", "drop");
            assertThat(drop.get("id")).isEqualTo(dropId);
            assertThat(drop.get("remainingStock")).isEqualTo(5);
            assertThat(((Map<?, ?>) drop.get("product")).get("name")).isEqualTo("Tee of " + creator);
            assertThat(((Map<?, ?>) drop.get("creator")).get("viewerFollows")).isEqualTo(true);
        }
    }

    @Test
    void shouldRelayQueriesMutationsAndOrderStatusToTheApi() {
        String creator = "c-" + shortId();
        String dropId = startDrop(creator, createProduct(creator), 3);
        String buyer = "b-" + shortId();
        EdgeRoleInterceptor interceptor = role.getBean(EdgeRoleInterceptor.class);
        try (GraphQlWsClient socket = connectedToTheRole(buyer)) {
            // a query: answered by the API under the client's id, with the client's own viewer
            socket.subscribe("me", "{ me { id } }", Map.of());
            Map<String, Object> me = socket.next(WAIT);
            assertThat(me).containsEntry("id", "me").containsEntry("type", "next");
            assertThat(at(me, "payload", "data", "me", "id")).isEqualTo(buyer);
            assertThat(socket.next(WAIT)).containsEntry("id", "me").containsEntry("type", "complete");

            // a mutation and the subscription that follows its order
            socket.subscribe("order", "mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { order { id } } }",
                    Map.of("input", Map.of("dropId", dropId, "quantity", 1, "idempotencyKey", "k-" + shortId())));
            Map<String, Object> placed = socket.next(WAIT);
            assertThat(placed).as("%s", placed).containsEntry("type", "next");
            String orderId = (String) at(placed, "payload", "data", "placeOrder", "order", "id");
            assertThat(socket.next(WAIT)).containsEntry("type", "complete");
            socket.subscribe("status", "subscription($id: ID!) { orderStatus(orderId: $id) { id status } }",
                    Map.of("id", orderId));
            Map<String, Object> status = socket.next(WAIT);
            assertThat(status).as("%s", status).containsEntry("id", "status").containsEntry("type", "next");
            assertThat(at(status, "payload", "data", "orderStatus", "id")).isEqualTo(orderId);

            // an invalid document: the API's error, passed on
            socket.subscribe("bad", "{ noSuchField }", Map.of());
            Map<String, Object> error = socket.next(WAIT);
            while (!"bad".equals(error.get("id"))) {   // the order's later status, its complete
                assertThat(error.get("id")).isEqualTo("status");
                error = socket.next(WAIT);
            }
            assertThat(error).containsEntry("id", "bad").containsEntry("type", "error");
            assertThat(interceptor.upstreams()).isEqualTo(1);
        }
        // the upstream link goes with the client's connection
        await().atMost(WAIT).until(() -> interceptor.upstreams() == 0);
    }

    @Test
    void shouldRefuseABadTokenWith4401() {
        URI uri = URI.create("ws://localhost:" + role.getBean(EdgeServer.class).port() + "/graphql");
        try (GraphQlWsClient socket = GraphQlWsClient.connect(uri)) {
            socket.initWithToken("not-a-token");
            assertThat(socket.awaitClosed(WAIT).code()).isEqualTo(4401);
        }
    }

    @Test
    void shouldHoldNoKafkaStreams() {
        assertThat(role.getBeanNamesForType(StreamsRuntime.class)).isEmpty();
    }

    private static Object at(Map<String, Object> message, String... path) {
        Object value = message;
        for (String key : path) {
            value = ((Map<?, ?>) value).get(key);
        }
        return value;
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
