package io.livedrop.topology.order;

import static io.livedrop.topology.LedgerFixture.order;
import static org.assertj.core.api.Assertions.assertThat;

import io.livedrop.events.order.OrderDecision;
import io.livedrop.events.order.OrderStatus;
import io.livedrop.events.order.RejectReason;
import io.livedrop.schemas.testing.EventFixtures;
import io.livedrop.topology.LedgerFixture;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The per-user order index (user-orders), fed by the ledger's decisions through the driver. */
class UserOrderIndexTest {

    private final LedgerFixture ledger = new LedgerFixture();

    @AfterEach
    void close() {
        ledger.close();
    }

    @Test
    void shouldIndexEveryDecisionUnderItsUser() {
        // Given two live drops, and two users whose ids share a prefix ("ann" and "anna")
        ledger.liveDrop("d1", 10, null);
        ledger.liveDrop("d2", 1, null);

        // When each orders on both drops, and one order is rejected (d2 has one unit)
        List<OrderDecision> ann = List.of(
                ledger.place(order("d1", "ann", "k1", 2)),
                ledger.place(order("d2", "ann", "k2", 1)),
                ledger.place(order("d1", "ann", "k3", 1)));
        List<OrderDecision> anna = List.of(
                ledger.place(order("d1", "anna", "k1", 1)),
                ledger.place(order("d2", "anna", "k2", 1)));

        // Then a prefix scan of each user finds exactly that user's decisions, rejected ones included
        assertThat(anna.get(1).getRejectReason()).isEqualTo(RejectReason.SOLD_OUT);
        assertThat(ledger.ordersOf("ann")).isEqualTo(byKey(ann));
        assertThat(ledger.ordersOf("anna")).isEqualTo(byKey(anna));
        assertThat(ledger.userOrders().get(UserOrderKeys.key("anna", anna.get(1).getOrderId())))
                .as("order(id) is a point lookup").isEqualTo(anna.get(1));
        assertThat(allKeys()).hasSize(5);
    }

    @Test
    void shouldKeepOneEntryPerOrderWhenRetried() {
        // Given a confirmed order
        ledger.liveDrop("d1", 10, null);
        OrderDecision first = ledger.place(order("d1", "u1", "k1", 1));

        // When the client retries it, and its decision is delivered to the index a second time
        OrderDecision retried = ledger.place(order("d1", "u1", "k1", 1));
        ledger.decisionsIn.pipeInput("d1", first);

        // Then the retry is not decided again and the user still has that one order
        assertThat(retried).isNull();
        assertThat(ledger.ordersOf("u1")).containsExactly(Map.entry(UserOrderKeys.key("u1", first.getOrderId()), first));
    }

    @Test
    void shouldSkipDecisionWithUnusableUserId() {
        // Given a live drop and a user "a"
        ledger.liveDrop("d1", 10, null);

        // When a user id with '|' gets a decision from the ledger, a decision with a blank user id
        // arrives on the topic, and then "a" orders
        OrderDecision piped = ledger.place(order("d1", "a|b", "k1", 1));
        OrderDecision blank = EventFixtures.confirmed(order("d1", " ", "k2", 1), 5).build();
        ledger.decisionsIn.pipeInput("d1", blank);
        OrderDecision mine = ledger.place(order("d1", "a", "k3", 1));

        // Then neither is indexed (the first would have shown up under "a|"), and "a" is indexed as usual
        assertThat(piped.getStatus()).isEqualTo(OrderStatus.CONFIRMED);
        assertThat(ledger.ordersOf("a")).isEqualTo(byKey(List.of(mine)));
        assertThat(allKeys()).containsExactly(UserOrderKeys.key("a", mine.getOrderId()));
    }

    private List<String> allKeys() {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, OrderDecision> it = ledger.userOrders().all()) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        return keys;
    }

    private static Map<String, OrderDecision> byKey(List<OrderDecision> decisions) {
        return decisions.stream().collect(Collectors.toMap(
                d -> UserOrderKeys.key(d.getUserId(), d.getOrderId()), d -> d));
    }
}
