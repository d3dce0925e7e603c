package io.livedrop.api.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.livedrop.api.testing.ApiIntegrationTest;
import io.livedrop.api.testing.GraphQlWsClient;
import io.livedrop.api.testing.Tokens;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * What {@code orderStatus} subscriptions leave behind, against the whole application: nothing for
 * malformed ids (refused before anything is held), and nothing for orders still awaited once the
 * socket that waited for them has closed.
 */
class OrderStatusWaitersIntegrationTest extends ApiIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String ORDER_STATUS = "subscription($orderId: ID!) { orderStatus(orderId: $orderId) { id status } }";

    @Autowired
    DecisionFeed decisions;

    @Test
    void shouldHoldNoWaiterForMalformedOrderIds() {
        await().atMost(WAIT).until(() -> decisions.waitingOrders() == 0);   // other tests' orders decided
        try (GraphQlWsClient client = connect()) {
            client.initAndAwaitAck(Tokens.user("u-" + UUID.randomUUID()), WAIT);
            // When a client sends subscriptions on ids that are not order ids, up to the size a message allows
            int count = 50;
            for (int i = 0; i < count; i++) {
                client.subscribe("bad-" + i, ORDER_STATUS, Map.of("orderId", i + "x".repeat(8_000)));
            }
            // Then each is refused BAD_REQUEST, and no waiter is held for any of them
            for (int i = 0; i < count; i++) {
                Map<String, Object> message = client.next(WAIT);
                assertThat(message).containsEntry("type", "error");
                Map<?, ?> error = (Map<?, ?>) ((List<?>) message.get("payload")).get(0);
                assertThat(((Map<?, ?>) error.get("extensions")).get("code")).isEqualTo("BAD_REQUEST");
            }
            assertThat(decisions.waitingOrders()).isZero();
        }
    }

    @Test
    void shouldReleaseTheWaitersOfASocketThatCloses() {
        await().atMost(WAIT).until(() -> decisions.waitingOrders() == 0);
        int count = 50;
        try (GraphQlWsClient client = connect()) {
            client.initAndAwaitAck(Tokens.user("u-" + UUID.randomUUID()), WAIT);
            // Given a socket waiting for orders unknown here (valid ids, never placed)
            for (int i = 0; i < count; i++) {
                client.subscribe("unknown-" + i, ORDER_STATUS, Map.of("orderId", UUID.randomUUID().toString()));
            }
            await().atMost(WAIT).until(() -> decisions.waitingOrders() == count);
        }
        // When it closes, then nothing waits for those orders any more
        await().atMost(WAIT).until(() -> decisions.waitingOrders() == 0);
    }

    private GraphQlWsClient connect() {
        return GraphQlWsClient.connect(URI.create("ws://localhost:" + port + "/graphql"));
    }
}
