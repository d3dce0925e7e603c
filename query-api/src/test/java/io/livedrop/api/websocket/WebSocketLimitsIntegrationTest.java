package io.livedrop.api.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.livedrop.api.limits.Refusals;
import io.livedrop.api.testing.ApiIntegrationTest;
import io.livedrop.api.testing.GraphQlWsClient;
import io.livedrop.api.testing.Tokens;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * The per-client bounds of GraphQL over WebSocket, against the whole application: sessions per user
 * and per anonymous address (close 4429), operations per session (an {@code error} RATE_LIMITED, the
 * socket stays open), the message size (close 1009), the message rate (close 4429), each refusal
 * counted under its setting's name;
 * what a client held is released when it goes. Malformed client messages close the socket 4400
 * (graphql-transport-ws), not 1011 with an ERROR stack trace.
 */
@ExtendWith(OutputCaptureExtension.class)
class WebSocketLimitsIntegrationTest extends ApiIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String DROP_UPDATES = "subscription($dropId: ID!) { dropUpdates(dropId: $dropId) { at drop { id } } }";

    @Autowired
    WebSocketSessions sessions;

    @Autowired
    WebSocketProperties limits;

    @Autowired
    Refusals refusals;

    private final List<GraphQlWsClient> clients = new ArrayList<>();

    @AfterEach
    void closeClients() {
        clients.forEach(GraphQlWsClient::close);
        clients.clear();
        await().atMost(WAIT).until(() -> sessions.openSockets() == 0);
    }

    // ------------------------------------------------------------------ sessions

    @Test
    void shouldRefuseAUsersSessionsBeyondTheBoundWith4429AndReleaseThemWhenTheyClose() {
        String user = "u-" + UUID.randomUUID();
        double refusedBefore = refusals.refused(WebSocketProperties.MAX_SESSIONS_PER_USER);
        // Given a user holding as many sessions as allowed
        for (int i = 0; i < limits.maxSessionsPerUser(); i++) {
            open().initAndAwaitAck(Tokens.user(user), WAIT);
        }

        // When the user opens one more
        GraphQlWsClient extra = open();
        extra.initWithToken(Tokens.user(user));

        // Then it is closed 4429 without an acknowledgement, and the refusal is counted
        assertThat(extra.awaitClosed(WAIT).code()).isEqualTo(4429);
        assertThat(extra.received()).isEmpty();
        assertThat(refusals.refused(WebSocketProperties.MAX_SESSIONS_PER_USER)).isEqualTo(refusedBefore + 1);

        // And another user is not affected
        open().initAndAwaitAck(Tokens.user("u-" + UUID.randomUUID()), WAIT);

        // And once the user's sockets close, nothing is held for them and the user may connect again
        closeClients();
        assertThat(sessions.admittedSessions()).isZero();
        open().initAndAwaitAck(Tokens.user(user), WAIT);
    }

    @Test
    void shouldRefuseAnonymousSessionsOfOneAddressBeyondTheBoundWith4429() {
        await().atMost(WAIT).until(() -> sessions.admittedSessions() == 0);   // other tests' sessions gone
        double refusedBefore = refusals.refused(WebSocketProperties.MAX_SESSIONS_PER_ADDRESS);
        // Given as many anonymous sessions from this address as allowed
        for (int i = 0; i < limits.maxSessionsPerAddress(); i++) {
            open().initAndAwaitAck(null, WAIT);
        }

        // When one more anonymous session starts from the same address
        GraphQlWsClient extra = open();
        extra.initWithToken(null);

        // Then it is closed 4429 and counted
        assertThat(extra.awaitClosed(WAIT).code()).isEqualTo(4429);
        assertThat(refusals.refused(WebSocketProperties.MAX_SESSIONS_PER_ADDRESS)).isEqualTo(refusedBefore + 1);

        // And a signed-in user on the same address is not counted with the anonymous sessions
        open().initAndAwaitAck(Tokens.user("u-" + UUID.randomUUID()), WAIT);

        // And when they go, nothing is held
        closeClients();
        assertThat(sessions.admittedSessions()).isZero();
    }

    // ------------------------------------------------------------------ operations per session

    @Test
    void shouldRefuseSubscriptionsBeyondTheBoundWithRateLimitedAndKeepTheSocket() {
        double refusedBefore = refusals.refused(WebSocketProperties.MAX_SUBSCRIPTIONS_PER_SESSION);
        GraphQlWsClient client = open().initAndAwaitAck(null, WAIT);
        // Given a session with as many subscriptions open as allowed
        int max = limits.maxSubscriptionsPerSession();
        for (int i = 0; i < max; i++) {
            client.subscribe("s-" + i, DROP_UPDATES, Map.of("dropId", "drop-hoodie-live"));
        }
        for (int i = 0; i < max; i++) {
            assertThat(client.next(WAIT)).containsEntry("type", "next");
        }
        assertThat(sessions.openOperations()).isEqualTo(max);

        // When it subscribes once more
        client.subscribe("one-too-many", DROP_UPDATES, Map.of("dropId", "drop-hoodie-live"));

        // Then that subscription gets an error RATE_LIMITED, counted, and the socket stays open
        Map<String, Object> refused = client.next(WAIT);
        assertThat(refused).containsEntry("type", "error").containsEntry("id", "one-too-many");
        Map<?, ?> error = (Map<?, ?>) ((List<?>) refused.get("payload")).get(0);
        assertThat(((Map<?, ?>) error.get("extensions")).get("code")).isEqualTo("RATE_LIMITED");
        assertThat(refusals.refused(WebSocketProperties.MAX_SUBSCRIPTIONS_PER_SESSION)).isEqualTo(refusedBefore + 1);
        assertThat(client.isClosed()).isFalse();

        // And once the client completes one, it may subscribe again
        client.complete("s-0");
        client.subscribe("s-again", DROP_UPDATES, Map.of("dropId", "drop-hoodie-live"));
        assertThat(client.next(WAIT)).containsEntry("type", "next").containsEntry("id", "s-again");

        // And when the socket closes, no operation of it is counted
        closeClients();
        assertThat(sessions.openOperations()).isZero();
    }

    @Test
    void shouldNotCountQueriesThatHaveAnswered() {
        GraphQlWsClient client = open().initAndAwaitAck(null, WAIT);
        // When a session runs more queries than the bound, one after the other
        for (int i = 0; i < limits.maxSubscriptionsPerSession() + 5; i++) {
            client.subscribe("q-" + i, "{ drop(id: \"drop-hoodie-live\") { id } }", Map.of());
            // Then each answers, and none is refused
            assertThat(client.next(WAIT)).containsEntry("type", "next").containsEntry("id", "q-" + i);
            assertThat(client.next(WAIT)).containsEntry("type", "complete").containsEntry("id", "q-" + i);
        }
        assertThat(sessions.openOperations()).isZero();
    }

    // ------------------------------------------------------------------ messages

    @Test
    void shouldCloseWith1009OnAMessageOverTheBound() {
        double refusedBefore = refusals.refused(WebSocketProperties.MAX_MESSAGE_SIZE);
        GraphQlWsClient client = open().initAndAwaitAck(null, WAIT);
        String padding = "#".repeat((int) limits.maxMessageSize().toBytes());
        client.sendRaw("{\"type\":\"subscribe\",\"id\":\"big\",\"payload\":{\"query\":\"{ __typename }" + padding + "\"}}");

        assertThat(client.awaitClosed(WAIT).code()).isEqualTo(1009);
        await().atMost(WAIT).until(() -> refusals.refused(WebSocketProperties.MAX_MESSAGE_SIZE) == refusedBefore + 1);
    }

    @Test
    void shouldCloseWith4429ASessionSendingFasterThanTheBound(CapturedOutput output) {
        double refusedBefore = refusals.refused(WebSocketProperties.MAX_MESSAGES_PER_SECOND);
        GraphQlWsClient client = open().initAndAwaitAck(null, WAIT);
        int outputBefore = output.getOut().length();
        // When a session sends its whole burst and far more at once (pings: the cheapest message there is)
        for (int i = 0; i < limits.maxMessageBurst() + 1_000; i++) {
            try {
                client.sendRaw("{\"type\":\"ping\"}");
            } catch (CompletionException closedMeanwhile) {
                break;   // the server closed the socket before the client had sent them all
            }
        }

        // Then it is closed 4429 before the server works through them, and counted once
        GraphQlWsClient.Closed closed = client.awaitClosed(WAIT);
        assertThat(closed.code()).isEqualTo(4429);
        assertThat(closed.reason()).isEqualTo("Too many messages");
        await().atMost(WAIT).until(() -> sessions.openSockets() == 0);
        assertThat(refusals.refused(WebSocketProperties.MAX_MESSAGES_PER_SECOND)).isEqualTo(refusedBefore + 1);
        // And the messages still arriving after the close are dropped quietly, not logged as errors
        assertThat(output.getOut().substring(outputBefore)).as("no stack trace logged")
                .doesNotContain("No SessionInfo").doesNotContain("\tat ");
    }

    @Test
    void shouldLetASessionSendItsBurstAndThenTheRate() throws InterruptedException {
        GraphQlWsClient client = open().initAndAwaitAck(null, WAIT);
        // When a session sends a burst within the bound, then a message at the sustained rate
        for (int i = 0; i < limits.maxMessageBurst() - 10; i++) {
            client.sendRaw("{\"type\":\"ping\"}");
        }
        Thread.sleep((long) (1000 / limits.maxMessagesPerSecond()) * 2);
        client.subscribe("after-burst", DROP_UPDATES, Map.of("dropId", "drop-hoodie-live"));

        // Then it is served: the pongs, then the subscription's first answer
        Map<String, Object> message;
        do {
            message = client.next(WAIT);
        } while ("pong".equals(message.get("type")));
        assertThat(message).containsEntry("type", "next").containsEntry("id", "after-burst");
    }

    static Stream<Arguments> malformedMessages() {
        return Stream.of(
                Arguments.of("not JSON", false, "{\"type\": \"connection_init\""),
                Arguments.of("a JSON array", false, "[1, 2]"),
                Arguments.of("a JSON string", false, "\"connection_init\""),
                Arguments.of("no type", false, "{\"payload\": {}}"),
                Arguments.of("an unknown type", false, "{\"type\": \"hello\"}"),
                Arguments.of("a type only the server sends", true, "{\"type\": \"next\", \"id\": \"1\", \"payload\": {}}"),
                Arguments.of("a connection_init payload that is a string", false, "{\"type\": \"connection_init\", \"payload\": \"x\"}"),
                Arguments.of("a connection_init payload that is a list", false, "{\"type\": \"connection_init\", \"payload\": [1]}"),
                Arguments.of("a ping payload that is a number", true, "{\"type\": \"ping\", \"payload\": 7}"),
                Arguments.of("subscribe without an id", true, "{\"type\": \"subscribe\", \"payload\": {\"query\": \"{ __typename }\"}}"),
                Arguments.of("subscribe with a numeric id", true, "{\"type\": \"subscribe\", \"id\": 1, \"payload\": {\"query\": \"{ __typename }\"}}"),
                Arguments.of("subscribe without a payload", true, "{\"type\": \"subscribe\", \"id\": \"1\"}"),
                Arguments.of("subscribe without a query", true, "{\"type\": \"subscribe\", \"id\": \"1\", \"payload\": {}}"),
                Arguments.of("subscribe with a query that is a number", true, "{\"type\": \"subscribe\", \"id\": \"1\", \"payload\": {\"query\": 5}}"),
                Arguments.of("subscribe with variables that are a list", true,
                        "{\"type\": \"subscribe\", \"id\": \"1\", \"payload\": {\"query\": \"{ __typename }\", \"variables\": [1]}}"),
                Arguments.of("complete without an id", true, "{\"type\": \"complete\"}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedMessages")
    void shouldCloseWith4400OnAMalformedMessage(String name, boolean afterAck, String message, CapturedOutput output) {
        GraphQlWsClient client = open();
        if (afterAck) {
            client.initAndAwaitAck(null, WAIT);
        }
        int outputBefore = output.getOut().length();

        client.sendRaw(message);

        GraphQlWsClient.Closed closed = client.awaitClosed(WAIT);
        assertThat(closed.code()).as(name).isEqualTo(4400);
        assertThat(closed.reason()).startsWith("Invalid message").hasSizeLessThan(100);
        assertThat(output.getOut().substring(outputBefore)).as("no stack trace logged")
                .doesNotContain("due to exception").doesNotContain("\tat ");
    }

    private GraphQlWsClient open() {
        GraphQlWsClient client = GraphQlWsClient.connect(socketUri());
        clients.add(client);
        return client;
    }

    /** The GraphQL WebSocket under test: Tomcat's here. */
    URI socketUri() {
        return URI.create("ws://localhost:" + port + "/graphql");
    }
}
