package io.livedrop.topology.order;

import static io.livedrop.schemas.testing.EventFixtures.drop;
import static io.livedrop.topology.LedgerFixture.order;
import static org.assertj.core.api.Assertions.assertThat;

import io.livedrop.events.drop.DropEvent;
import io.livedrop.events.drop.DropEventType;
import io.livedrop.events.drop.DropStatus;
import io.livedrop.events.order.OrderDecision;
import io.livedrop.events.order.OrderStatus;
import io.livedrop.events.order.RejectReason;
import io.livedrop.topology.LedgerFixture;
import io.livedrop.topology.TopologyFixture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OrderDecisionTest {

    private final LedgerFixture ledger = new LedgerFixture();

    @AfterEach
    void close() {
        ledger.close();
    }

    @Test
    void shouldConfirmAnOrderAndTakeItsUnitsFromTheStock() {
        // Given a live drop of 10
        ledger.liveDrop("d1", 10, null);

        // When a user orders 3
        OrderDecision decision = ledger.place(order("d1", "u1", "k1", 3));

        // Then it is confirmed, 7 remain, and the decision is keyed by drop id
        assertThat(decision.getStatus()).isEqualTo(OrderStatus.CONFIRMED);
        assertThat(decision.getRejectReason()).isNull();
        assertThat(decision.getRemainingStock()).isEqualTo(7);
        assertThat(decision.getOrderId()).isEqualTo(OrderIds.of("u1", "k1"));
        assertThat(ledger.states.get("d1").getRemainingStock()).isEqualTo(7);
    }

    @Test
    void shouldRejectAnOrderForAScheduledDropAsNotLive() {
        ledger.drops.pipeInput("d1", drop("d1", "c1", "p1").setStartsAt(TopologyFixture.START.plusSeconds(60)).build());

        OrderDecision decision = ledger.place(order("d1", "u1", "k1", 1));

        assertThat(decision.getStatus()).isEqualTo(OrderStatus.REJECTED);
        assertThat(decision.getRejectReason()).isEqualTo(RejectReason.DROP_NOT_LIVE);
        assertThat(ledger.states.get("d1").getRemainingStock()).isEqualTo(100);
    }

    @Test
    void shouldRejectAnOrderForAnEndedDropAsNotLive() {
        ledger.drops.pipeInput("d1", drop("d1", "c1", "p1").setStartsAt(TopologyFixture.START)
                .setEndsAt(TopologyFixture.START.plusSeconds(5)).build());
        ledger.topology.driver.advanceWallClockTime(Duration.ofSeconds(6));

        OrderDecision decision = ledger.place(order("d1", "u1", "k1", 1));

        assertThat(decision.getRejectReason()).isEqualTo(RejectReason.DROP_NOT_LIVE);
    }

    @Test
    void shouldSellOutAnnounceItOnceAndRejectLaterOrdersAsSoldOut() {
        // Given a live drop of 2
        ledger.liveDrop("d1", 2, null);

        // When three users order one each
        List<OrderDecision> decided = List.of(
                ledger.place(order("d1", "u1", "k", 1)),
                ledger.place(order("d1", "u2", "k", 1)),
                ledger.place(order("d1", "u3", "k", 1)));

        // Then two are confirmed, the third is SOLD_OUT, the drop is SOLD_OUT with 0 left, announced once
        assertThat(decided).extracting(OrderDecision::getStatus)
                .containsExactly(OrderStatus.CONFIRMED, OrderStatus.CONFIRMED, OrderStatus.REJECTED);
        assertThat(decided.get(2).getRejectReason()).isEqualTo(RejectReason.SOLD_OUT);
        assertThat(ledger.states.get("d1").getStatus()).isEqualTo(DropStatus.SOLD_OUT);
        assertThat(ledger.states.get("d1").getRemainingStock()).isZero();
        ledger.topology.driver.advanceWallClockTime(Duration.ofSeconds(1));
        assertThat(ledger.events.readValuesToList()).extracting(DropEvent::getType)
                .containsExactly(DropEventType.STARTED, DropEventType.SOLD_OUT);
    }

    @Test
    void shouldRejectAnOrderForMoreUnitsThanRemainAsInsufficientStock() {
        ledger.liveDrop("d1", 5, null);
        ledger.place(order("d1", "u1", "k", 3));

        OrderDecision decision = ledger.place(order("d1", "u2", "k", 3));

        assertThat(decision.getRejectReason()).isEqualTo(RejectReason.INSUFFICIENT_STOCK);
        assertThat(decision.getRemainingStock()).isEqualTo(2);
        assertThat(ledger.states.get("d1").getRemainingStock()).isEqualTo(2);
    }

    @Test
    void shouldRejectWhenTheUsersConfirmedUnitsWouldPassThePerUserLimit() {
        // Given a drop limited to 2 per user, and u1 already confirmed for 2 (a rejected order does not count)
        ledger.liveDrop("d1", 100, 2);
        assertThat(ledger.place(order("d1", "u1", "a", 3)).getRejectReason()).isEqualTo(RejectReason.PER_USER_LIMIT);
        assertThat(ledger.place(order("d1", "u1", "b", 1)).getStatus()).isEqualTo(OrderStatus.CONFIRMED);
        assertThat(ledger.place(order("d1", "u1", "c", 1)).getStatus()).isEqualTo(OrderStatus.CONFIRMED);

        // When u1 orders one more, and u2 orders two
        OrderDecision third = ledger.place(order("d1", "u1", "d", 1));
        OrderDecision other = ledger.place(order("d1", "u2", "a", 2));

        // Then u1 is over the limit, u2 is not
        assertThat(third.getRejectReason()).isEqualTo(RejectReason.PER_USER_LIMIT);
        assertThat(other.getStatus()).isEqualTo(OrderStatus.CONFIRMED);
        assertThat(ledger.purchases.get("d1|u1")).isEqualTo(2);
    }

    @Test
    void shouldAnswerARetryWithTheFirstDecisionAndNoSecondOne() {
        // Given a confirmed order
        ledger.liveDrop("d1", 10, null);
        OrderDecision first = ledger.place(order("d1", "u1", "k1", 2));

        // When the same order is sent again, twice
        ledger.orders.pipeInput("d1", order("d1", "u1", "k1", 2));
        ledger.orders.pipeInput("d1", order("d1", "u1", "k1", 2));

        // Then no second decision is written, the stock is taken once, the first decision stands
        assertThat(ledger.decisions.isEmpty()).isTrue();
        assertThat(ledger.states.get("d1").getRemainingStock()).isEqualTo(8);
        assertThat(ledger.decisionStore.get(first.getOrderId())).isEqualTo(first);
    }

    @Test
    void shouldKeepTheFirstDecisionWhenAKeyIsReusedWithAnotherPayload() {
        ledger.liveDrop("d1", 10, null);
        OrderDecision first = ledger.place(order("d1", "u1", "k1", 1));

        ledger.orders.pipeInput("d1", order("d1", "u1", "k1", 5));

        assertThat(ledger.decisions.isEmpty()).isTrue();
        assertThat(ledger.states.get("d1").getRemainingStock()).isEqualTo(9);
        assertThat(ledger.decisionStore.get(first.getOrderId()).getQuantity()).isEqualTo(1);
    }

    @Test
    void shouldRememberRejectionsForRetriesToo() {
        ledger.liveDrop("d1", 1, null);
        ledger.place(order("d1", "u1", "k", 1));
        OrderDecision rejected = ledger.place(order("d1", "u2", "k", 1));

        ledger.orders.pipeInput("d1", order("d1", "u2", "k", 1));

        assertThat(ledger.decisions.isEmpty()).isTrue();
        assertThat(ledger.decisionStore.get(rejected.getOrderId()).getRejectReason()).isEqualTo(RejectReason.SOLD_OUT);
    }

    @Test
    void shouldForgetIdempotencyRecordsAfterTheirRetentionKeepingTheStoreBounded() {
        // Given 50 decided orders
        ledger.liveDrop("d1", 1_000, null);
        for (int i = 0; i < 50; i++) {
            ledger.place(order("d1", "u" + i, "k", 1));
        }
        assertThat(count(ledger.decisionStore)).isEqualTo(50);

        // When 24 h pass, the records are still kept; a minute after that they are gone, with their index
        ledger.topology.driver.advanceWallClockTime(Duration.ofHours(24).minusMinutes(1));
        assertThat(count(ledger.decisionStore)).isEqualTo(50);
        ledger.topology.driver.advanceWallClockTime(Duration.ofMinutes(2));
        assertThat(count(ledger.decisionStore)).isZero();
        assertThat(count(ledger.decisionExpiry)).isZero();
    }

    @Test
    void shouldForgetPurchasesWhenTheDropEnds() {
        ledger.drops.pipeInput("d1", drop("d1", "c1", "p1").setStartsAt(TopologyFixture.START)
                .setEndsAt(TopologyFixture.START.plusSeconds(10)).setPerUserLimit(5).build());
        ledger.place(order("d1", "u1", "k", 2));
        assertThat(ledger.purchases.get("d1|u1")).isEqualTo(2);

        ledger.topology.driver.advanceWallClockTime(Duration.ofSeconds(11));

        assertThat(ledger.purchases.get("d1|u1")).isNull();
        assertThat(ledger.states.get("d1").getStatus()).isEqualTo(DropStatus.ENDED);
    }

    @Test
    void shouldEndASoldOutDropAtItsEndTime() {
        ledger.drops.pipeInput("d1", drop("d1", "c1", "p1").setStartsAt(TopologyFixture.START)
                .setEndsAt(TopologyFixture.START.plusSeconds(10)).setInitialStock(1).build());
        ledger.place(order("d1", "u1", "k", 1));

        ledger.topology.driver.advanceWallClockTime(Duration.ofSeconds(11));

        assertThat(ledger.states.get("d1").getStatus()).isEqualTo(DropStatus.ENDED);
        assertThat(ledger.events.readValuesToList()).extracting(DropEvent::getType)
                .containsExactly(DropEventType.STARTED, DropEventType.SOLD_OUT, DropEventType.ENDED);
    }

    @Test
    void shouldPublishStockChangesAtMostOncePerDropPerClockTick() {
        // Given a live drop and its STARTED event read
        ledger.liveDrop("d1", 100, null);
        ledger.events.readValue();

        // When five orders are confirmed within one tick
        for (int i = 0; i < 5; i++) {
            ledger.place(order("d1", "u" + i, "k", 1));
        }
        assertThat(ledger.events.isEmpty()).isTrue();
        ledger.topology.driver.advanceWallClockTime(Duration.ofMillis(100));

        // Then one STOCK_CHANGED event carries the stock after all five
        List<DropEvent> published = ledger.events.readValuesToList();
        assertThat(published).extracting(DropEvent::getType).containsExactly(DropEventType.STOCK_CHANGED);
        assertThat(published.get(0).getRemainingStock()).isEqualTo(95);
    }

    // ---------------------------------------------------------------- poison pills

    /** The dead letter itself is checked on a real broker (PoisonPillIntegrationTest): TopologyTestDriver does not write one. */
    @Test
    void shouldSkipUndeserializableBytesAndGoOn() {
        ledger.liveDrop("d1", 10, null);

        ledger.rawOrders.pipeInput("d1".getBytes(StandardCharsets.UTF_8), new byte[] {0x01, 0x02, 0x03});

        assertThat(ledger.decisions.isEmpty()).isTrue();
        assertThat(ledger.place(order("d1", "u1", "k", 1)).getStatus()).isEqualTo(OrderStatus.CONFIRMED);
    }

    @Test
    void shouldSendAnOrderWithANullKeyToTheDeadLetterTopic() {
        ledger.liveDrop("d1", 10, null);

        ledger.orders.pipeInput((String) null, order("d1", "u1", "k", 1));

        assertThat(assertDeadLetter("InvalidOrderException")).contains("null key");
        assertThat(ledger.states.get("d1").getRemainingStock()).isEqualTo(10);
    }

    @Test
    void shouldSendAnOrderWithANegativeQuantityToTheDeadLetterTopic() {
        ledger.liveDrop("d1", 10, null);

        ledger.orders.pipeInput("d1", order("d1", "u1", "k", -3));

        assertThat(assertDeadLetter("InvalidOrderException")).contains("quantity -3");
        assertThat(ledger.states.get("d1").getRemainingStock()).isEqualTo(10);
        assertThat(ledger.decisions.isEmpty()).isTrue();
    }

    @Test
    void shouldSendAnOrderForAnUnknownDropToTheDeadLetterTopic() {
        ledger.orders.pipeInput("nope", order("nope", "u1", "k", 1));

        assertThat(assertDeadLetter("InvalidOrderException")).contains("unknown drop");
    }

    @Test
    void shouldSendAnOrderWithAForgedOrderIdToTheDeadLetterTopic() {
        ledger.liveDrop("d1", 10, null);

        ledger.orders.pipeInput("d1", io.livedrop.events.order.OrderRequest.newBuilder(order("d1", "u1", "k", 1))
                .setOrderId("someone-elses-order").build());

        assertThat(assertDeadLetter("InvalidOrderException")).contains("order id");
    }

    /** Asserts one dead letter with the source coordinates and the exception; returns its message. */
    private String assertDeadLetter(String exceptionSimpleName) {
        var letter = ledger.deadLetters.readRecord();
        Headers headers = letter.getHeaders();
        assertThat(header(headers, "__streams.errors.exception")).contains(exceptionSimpleName);
        assertThat(header(headers, "__streams.errors.topic")).isEqualTo(ledger.topology.topics.orderRequests().name());
        assertThat(header(headers, "__streams.errors.partition")).isEqualTo("0");
        assertThat(header(headers, "__streams.errors.offset")).matches("\\d+");
        assertThat(ledger.deadLetters.isEmpty()).isTrue();
        return header(headers, "__streams.errors.message");
    }

    private static String header(Headers headers, String name) {
        var header = headers.lastHeader(name);
        assertThat(header).as("header %s", name).isNotNull();
        return new String(header.value(), StandardCharsets.UTF_8);
    }

    private static long count(org.apache.kafka.streams.state.KeyValueStore<String, ?> store) {
        long n = 0;
        try (var it = store.all()) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }
}
