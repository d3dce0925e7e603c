package io.livedrop.api.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.livedrop.api.limits.Refusals;
import io.livedrop.api.testing.ApiIntegrationTest;
import io.livedrop.api.testing.GraphQlHttp;
import io.livedrop.api.testing.GraphQlHttp.Answer;
import io.livedrop.api.testing.GraphQlWsClient;
import io.livedrop.api.testing.Tokens;
import io.livedrop.api.websocket.WebSocketProperties;
import io.livedrop.api.websocket.WebSocketSessions;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The edge speaks graphql-transport-ws as Tomcat's path does (shared/API.md), against the whole application: the
 * same close codes for bad tokens, early subscribes, repeated inits and ids, malformed and oversize messages; the
 * same answers to pings, queries, subscriptions and invalid documents; {@code complete} stops a subscription; the
 * bounds are counted in the same places, and nothing is held for a client once it has gone.
 */
class EdgeProtocolIntegrationTest extends ApiIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String DROP_UPDATES = "subscription($dropId: ID!) { dropUpdates(dropId: $dropId) { drop { id remainingStock } } }";
    private static final String ORDER_STATUS = "subscription($orderId: ID!) { orderStatus(orderId: $orderId) { id status } }";

    @Autowired
    WebSocketSessions sessions;

    @Autowired
    WebSocketProperties limits;

    @Autowired
    Refusals refusals;

    @Autowired
    EdgeServer edge;

    private final List<GraphQlWsClient> clients = new ArrayList<>();

    @AfterEach
    void closeClients() {
        clients.forEach(GraphQlWsClient::close);
        clients.clear();
        // memory: once its clients are gone, nothing is held for them
        await().atMost(WAIT).until(() -> edge.connections() == 0 && sessions.openSockets() == 0);
        assertThat(sessions.openOperations()).isZero();
    }

    // ------------------------------------------------------------------ connection_init

    @Test
    void shouldAcknowledgeAValidTokenWithTheSubprotocol() {
        GraphQlWsClient client = open();

        client.initAndAwaitAck(Tokens.user("u-" + UUID.randomUUID()), WAIT);

        assertThat(client.subprotocol()).isEqualTo("graphql-transport-ws");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"forged", "expired", "not an id", "not a bearer"})
    void shouldClose4401OnABadToken(String kind) {
        String user = "u-" + UUID.randomUUID();
        String authorization = switch (kind) {
            case "forged" -> "Bearer " + Tokens.forged(user);
            case "expired" -> "Bearer " + Tokens.expired(user);
            case "not an id" -> "Bearer " + Tokens.user("../admin");
            default -> "Basic abc";
        };
        GraphQlWsClient client = open();

        client.init(Map.of("Authorization", authorization));

        assertThat(client.awaitClosed(WAIT).code()).isIn(4401, 1006);
        assertThat(client.received()).as("nothing before the close").isEmpty();
    }

    @Test
    void shouldClose4401OnASubscribeBeforeConnectionInit() {
        GraphQlWsClient client = open();

        client.subscribe("early", DROP_UPDATES, Map.of("dropId", "drop-hoodie-live"));

        GraphQlWsClient.Closed closed = client.awaitClosed(WAIT);
        assertThat(closed.code()).isEqualTo(4401);
        assertThat(closed.reason()).isEqualTo("Unauthorized");
        assertThat(client.received()).isEmpty();
    }

    @Test
    void shouldClose4429OnASecondConnectionInit() {
        GraphQlWsClient client = open().initAndAwaitAck(null, WAIT);

        client.initWithToken(null);

        GraphQlWsClient.Closed closed = client.awaitClosed(WAIT);
        assertThat(closed.code()).isEqualTo(4429);
        assertThat(closed.reason()).isEqualTo("Too many initialisation requests");
    }

    @Test
    void shouldRefuseAUsersSessionsBeyondTheBoundWith4429AcrossBothTransports() {
        String user = "u-" + UUID.randomUUID();
        double refusedBefore = refusals.refused(WebSocketProperties.MAX_SESSIONS_PER_USER);
        // Given a user holding as many sessions as allowed, one of them on Tomcat's path
        GraphQlWsClient tomcat = GraphQlWsClient.connect(URI.create("ws://localhost:" + port + "/graphql"));
        clients.add(tomcat);
        tomcat.initAndAwaitAck(Tokens.user(user), WAIT);
        for (int i = 1; i < limits.maxSessionsPerUser(); i++) {
            open().initAndAwaitAck(Tokens.user(user), WAIT);
        }

        // When the user opens one more on the edge
        GraphQlWsClient extra = open();
        extra.initWithToken(Tokens.user(user));

        // Then it is closed 4429 and counted
        assertThat(extra.awaitClosed(WAIT).code()).isEqualTo(4429);
        assertThat(extra.received()).isEmpty();
        assertThat(refusals.refused(WebSocketProperties.MAX_SESSIONS_PER_USER)).isEqualTo(refusedBefore + 1);

        // And once they go, the user is not counted anymore
        closeClients();
        assertThat(sessions.admittedSessions()).isZero();
    }

    // ------------------------------------------------------------------ messages

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "{\"type\": \"connection_init\"",
            "[1, 2]",
            "{\"type\": \"hello\"}",
            "{\"type\": \"next\", \"id\": \"1\", \"payload\": {}}",
            "{\"type\": \"ping\", \"payload\": 7}",
            "{\"type\": \"subscribe\", \"id\": 1, \"payload\": {\"query\": \"{ __typename }\"}}",
            "{\"type\": \"subscribe\", \"id\": \"1\", \"payload\": {}}",
            "{\"type\": \"complete\"}"})
    void shouldClose4400OnAMalformedMessage(String message) {
        GraphQlWsClient client = open().initAndAwaitAck(null, WAIT);

        client.sendRaw(message);

        GraphQlWsClient.Closed closed = client.awaitClosed(WAIT);
        assertThat(closed.code()).isEqualTo(4400);
        assertThat(closed.reason()).startsWith("Invalid message").hasSizeLessThan(100);
    }

    @Test
    void shouldClose1009OnAMessageOverTheBoundAndCountIt() {
        double refusedBefore = refusals.refused(WebSocketProperties.MAX_MESSAGE_SIZE);
        GraphQlWsClient client = open().initAndAwaitAck(null, WAIT);
        String padding = "#".repeat((int) limits.maxMessageSize().toBytes());

        client.sendRaw("{\"type\":\"subscribe\",\"id\":\"big\",\"payload\":{\"query\":\"{ __typename }" + padding + "\"}}");

        assertThat(client.awaitClosed(WAIT).code()).isEqualTo(1009);
        await().atMost(WAIT).until(() -> refusals.refused(WebSocketProperties.MAX_MESSAGE_SIZE) == refusedBefore + 1);
    }

    @Test
    void shouldClose4429ASessionSendingFasterThanTheBound() {
        double refusedBefore = refusals.refused(WebSocketProperties.MAX_MESSAGES_PER_SECOND);
        GraphQlWsClient client = open().initAndAwaitAck(null, WAIT);
        for (int i = 0; i < limits.maxMessageBurst() + 1_000 && !client.isClosed(); i++) {
            try {
                client.sendRaw("{\"type\":\"ping\"}");
            } catch (RuntimeException closedMeanwhile) {
                break;
            }
        }

        GraphQlWsClient.Closed closed = client.awaitClosed(WAIT);
        assertThat(closed.code()).isEqualTo(4429);
        assertThat(closed.reason()).isEqualTo("Too many messages");
        assertThat(refusals.refused(WebSocketProperties.MAX_MESSAGES_PER_SECOND)).isEqualTo(refusedBefore + 1);
    }

    @Test
    void shouldAnswerPingsWithThePongTomcatSends() {
        GraphQlWsClient tomcat = GraphQlWsClient.connect(URI.create("ws://localhost:" + port + "/graphql"));
        clients.add(tomcat);
        tomcat.initAndAwaitAck(null, WAIT);
        GraphQlWsClient client = open().initAndAwaitAck(null, WAIT);

        // the exact bytes browsers send, one with spaces, and one with a payload
        for (String ping : List.of("{\"type\":\"ping\"}", "{ \"type\" : \"ping\" }", "{\"type\":\"ping\",\"payload\":{\"at\":1}}")) {
            tomcat.sendRaw(ping);
            client.sendRaw(ping);
            Map<String, Object> expected = tomcat.next(WAIT);
            assertThat(expected).containsEntry("type", "pong");
            assertThat(client.next(WAIT)).as(ping).isEqualTo(expected);
        }
        // a pong from the client is not answered
        client.sendRaw("{\"type\":\"pong\"}");
        assertThat(client.poll(Duration.ofMillis(200))).isNull();
    }

    @Test
    void shouldAnswerAPingSentAfterASubscribeOnlyOnceTheSubscribeIsAccepted() {
        GraphQlWsClient client = open().initAndAwaitAck(null, WAIT);

        // When a client subscribes and pings at once
        client.subscribe("watch", DROP_UPDATES, Map.of("dropId", "drop-hoodie-live"));
        client.sendRaw("{\"type\":\"ping\"}");

        // Then by the time the pong arrives, the subscription is counted as open
        Map<String, Object> message;
        do {
            message = client.next(WAIT);
        } while (!"pong".equals(message.get("type")));
        assertThat(sessions.openOperations()).isGreaterThanOrEqualTo(1);
    }

    // ------------------------------------------------------------------ operations

    @Test
    void shouldAnswerAQueryAsTomcatDoes() {
        String query = "{ drop(id: \"drop-hoodie-live\") { id product { name } creator { id } } }";
        GraphQlWsClient tomcat = GraphQlWsClient.connect(URI.create("ws://localhost:" + port + "/graphql"));
        clients.add(tomcat);
        tomcat.initAndAwaitAck(null, WAIT);
        GraphQlWsClient client = open().initAndAwaitAck(null, WAIT);

        tomcat.subscribe("q", query, Map.of());
        client.subscribe("q", query, Map.of());

        Map<String, Object> next = client.next(WAIT);
        assertThat(next).containsEntry("type", "next").containsEntry("id", "q");
        assertThat(next).isEqualTo(tomcat.next(WAIT));
        Map<String, Object> complete = client.next(WAIT);
        assertThat(complete).containsEntry("type", "complete").containsEntry("id", "q").isEqualTo(tomcat.next(WAIT));
        await().atMost(WAIT).until(() -> sessions.openOperations() == 0);
    }

    @Test
    void shouldAnswerAnInvalidDocumentAsTomcatDoes() {
        String invalid = "{ drop(id: \"drop-hoodie-live\") { noSuchField } }";
        GraphQlWsClient tomcat = GraphQlWsClient.connect(URI.create("ws://localhost:" + port + "/graphql"));
        clients.add(tomcat);
        tomcat.initAndAwaitAck(null, WAIT);
        GraphQlWsClient client = open().initAndAwaitAck(null, WAIT);

        tomcat.subscribe("bad", invalid, Map.of());
        client.subscribe("bad", invalid, Map.of());

        Map<String, Object> answer = client.next(WAIT);
        assertThat(answer).isEqualTo(tomcat.next(WAIT));
        assertThat(answer.toString()).contains("noSuchField");
        assertThat(client.next(WAIT)).isEqualTo(tomcat.next(WAIT));
        assertThat(client.isClosed()).isFalse();
    }

    @Test
    void shouldEndAFailedSubscriptionWithAnErrorMessageAndKeepTheConnection() {
        GraphQlWsClient client = open().initAndAwaitAck(null, WAIT);

        // an anonymous orderStatus: the resolver refuses it
        client.subscribe("order-1", ORDER_STATUS, Map.of("orderId", UUID.randomUUID().toString()));

        Map<String, Object> message = client.next(WAIT);
        assertThat(message).containsEntry("type", "error").containsEntry("id", "order-1");
        Map<?, ?> error = (Map<?, ?>) ((List<?>) message.get("payload")).get(0);
        assertThat(((Map<?, ?>) error.get("extensions")).get("code")).isEqualTo("UNAUTHENTICATED");
        client.subscribe("q", "{ __typename }", Map.of());
        assertThat(client.next(WAIT)).containsEntry("type", "next").containsEntry("id", "q");
    }

    @Test
    void shouldStreamASubscriptionUntilTheClientCompletesIt() {
        // Given a drop of our own, watched twice on one connection
        String creator = Tokens.creator("c-" + UUID.randomUUID());
        String dropId = createDrop(creator);
        await().atMost(WAIT).until(() -> "LIVE".equals(http().post(null, "query($id: ID!) { drop(id: $id) { status } }",
                Map.of("id", dropId)).data().path("drop").path("status").asString("")));
        GraphQlWsClient client = open().initAndAwaitAck(Tokens.user("u-" + UUID.randomUUID()), WAIT);
        client.subscribe("kept", DROP_UPDATES, Map.of("dropId", dropId));
        client.subscribe("completed", DROP_UPDATES, Map.of("dropId", dropId));
        List<String> firsts = List.of(String.valueOf(client.next(WAIT).get("id")), String.valueOf(client.next(WAIT).get("id")));
        assertThat(firsts).containsExactlyInAnyOrder("kept", "completed");

        // When the client completes one, then an order changes the stock
        client.complete("completed");
        await().atMost(WAIT).until(() -> sessions.openOperations() == 1);
        Answer order = http().post(Tokens.user("u-" + UUID.randomUUID()),
                "mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { order { status } } }",
                Map.of("input", Map.of("dropId", dropId, "quantity", 1, "idempotencyKey", "k-" + UUID.randomUUID())));
        assertThat(order.errors()).as(order.body()).isEmpty();

        // Then only the other one is told
        List<Map<String, Object>> told = new ArrayList<>();
        do {
            told.add(client.next(WAIT));
        } while (!told.get(told.size() - 1).toString().contains("remainingStock=9"));
        assertThat(client.poll(Duration.ofMillis(500))).isNull();
        assertThat(told).allSatisfy(update -> assertThat(update).containsEntry("type", "next").containsEntry("id", "kept"));
    }

    @Test
    void shouldClose4409OnASubscribeWithAnIdAlreadyOpen() {
        GraphQlWsClient client = open().initAndAwaitAck(null, WAIT);
        client.subscribe("same", DROP_UPDATES, Map.of("dropId", "drop-hoodie-live"));
        assertThat(client.next(WAIT)).containsEntry("type", "next");

        client.subscribe("same", DROP_UPDATES, Map.of("dropId", "drop-hoodie-live"));

        GraphQlWsClient.Closed closed = client.awaitClosed(WAIT);
        assertThat(closed.code()).isEqualTo(4409);
        assertThat(closed.reason()).isEqualTo("Subscriber for same already exists");
    }

    @Test
    void shouldRefuseOperationsBeyondTheBoundWithRateLimitedAndKeepTheConnection() {
        double refusedBefore = refusals.refused(WebSocketProperties.MAX_SUBSCRIPTIONS_PER_SESSION);
        GraphQlWsClient client = open().initAndAwaitAck(null, WAIT);
        int max = limits.maxSubscriptionsPerSession();
        for (int i = 0; i < max; i++) {
            client.subscribe("s-" + i, DROP_UPDATES, Map.of("dropId", "drop-hoodie-live"));
        }
        for (int i = 0; i < max; i++) {
            assertThat(client.next(WAIT)).containsEntry("type", "next");
        }

        client.subscribe("one-too-many", DROP_UPDATES, Map.of("dropId", "drop-hoodie-live"));

        Map<String, Object> refused = client.next(WAIT);
        assertThat(refused).containsEntry("type", "error").containsEntry("id", "one-too-many");
        Map<?, ?> error = (Map<?, ?>) ((List<?>) refused.get("payload")).get(0);
        assertThat(((Map<?, ?>) error.get("extensions")).get("code")).isEqualTo("RATE_LIMITED");
        assertThat(refusals.refused(WebSocketProperties.MAX_SUBSCRIPTIONS_PER_SESSION)).isEqualTo(refusedBefore + 1);
        assertThat(client.isClosed()).isFalse();
    }

    // ------------------------------------------------------------------ the upgrade

    @Test
    void shouldRefuseAnUpgradeFromAForeignOrigin() {
        HttpClient http = HttpClient.newHttpClient();
        // Then a page of the same host (the page is served from another port) may connect
        http.newWebSocketBuilder().header("Origin", "http://localhost:" + port).subprotocols("graphql-transport-ws")
                .buildAsync(edgeUri(), new java.net.http.WebSocket.Listener() { })
                .orTimeout(10, TimeUnit.SECONDS).join().abort();
        // And a page of another site may not
        assertThatThrownBy(() -> http.newWebSocketBuilder().header("Origin", "https://evil.example")
                .subprotocols("graphql-transport-ws")
                .buildAsync(edgeUri(), new java.net.http.WebSocket.Listener() { })
                .orTimeout(10, TimeUnit.SECONDS).join())
                .hasCauseInstanceOf(java.net.http.WebSocketHandshakeException.class)
                .hasRootCauseMessage("Unexpected HTTP response status code 403");
    }

    // ------------------------------------------------------------------ helpers

    private GraphQlWsClient open() {
        GraphQlWsClient client = GraphQlWsClient.connect(edgeUri());
        clients.add(client);
        return client;
    }

    private GraphQlHttp http() {
        return new GraphQlHttp(graphQlUrl());
    }

    /** A drop of 10, live from now, of a new product of {@code creator}. */
    private String createDrop(String creator) {
        Answer product = http().post(creator, "mutation($input: ProductInput!) { upsertProduct(input: $input) { id } }",
                Map.of("input", Map.of("name", "Edge test tee")));
        String productId = product.data().path("upsertProduct").path("id").asString("");
        assertThat(productId).as(product.body()).isNotEmpty();
        Answer drop = http().post(creator, "mutation($input: ScheduleDropInput!) { scheduleDrop(input: $input) { id } }",
                Map.of("input", Map.of("productId", productId, "stock", 10, "priceCents", 500)));
        String dropId = drop.data().path("scheduleDrop").path("id").asString("");
        assertThat(dropId).as(drop.body()).isNotEmpty();
        return dropId;
    }
}
