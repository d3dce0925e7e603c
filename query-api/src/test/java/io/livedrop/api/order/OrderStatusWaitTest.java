package io.livedrop.api.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.then;
import static org.mockito.Mockito.RETURNS_DEEP_STUBS;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;

import io.livedrop.api.catalog.CatalogQueryService;
import io.livedrop.api.catalog.DropView;
import io.livedrop.api.graphql.ApiException;
import io.livedrop.api.graphql.ErrorCode;
import io.livedrop.api.command.CommandProducer;
import io.livedrop.api.query.InteractiveQueries;
import io.livedrop.api.config.KafkaCluster;
import io.livedrop.api.streams.StreamsRuntime;
import io.livedrop.api.security.Viewer;
import io.livedrop.events.order.OrderDecision;
import io.livedrop.events.order.OrderStatus;
import io.livedrop.topology.config.TopologySerdes;
import io.livedrop.topology.order.OrderIds;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import reactor.core.Disposable;

/**
 * Who waits for an order's decision, and for how long: {@link OrderService#statusUpdates} and
 * placeOrder over a real {@link DecisionFeed} fed by hand, with the stores and Kafka mocked. Nothing
 * is held for a malformed id or for a client that has gone (cancelled, answered, timed out); an
 * unknown order is looked up once and then waited for, not polled; a decision that passed by just
 * before the subscription is found; a placeOrder retry and an orderStatus subscriber share the first
 * attempt's wait without taking it away from it.
 */
class OrderStatusWaitTest {

    private static final Viewer ALICE = new Viewer("u-alice", Set.of(), "alice-token");
    private static final Instant T = Instant.parse("2026-12-04T18:00:00Z");
    private static final Duration UNKNOWN_ORDER_WAIT = Duration.ofMillis(1500);

    private final InteractiveQueries queries = mock(InteractiveQueries.class);
    private final CatalogQueryService catalog = mock(CatalogQueryService.class);
    private final CommandProducer producer = mock(CommandProducer.class);
    private final StreamsRuntime runtime = mock(StreamsRuntime.class, RETURNS_DEEP_STUBS);
    private final TopologySerdes serdes = mock(TopologySerdes.class, RETURNS_DEEP_STUBS);
    private DecisionFeed feed;
    private OrderService service;

    @BeforeEach
    @SuppressWarnings("unchecked")
    void setUp() {
        feed = new DecisionFeed(mock(KafkaCluster.class), runtime, serdes, mock(ObjectProvider.class));
        service = serviceWaiting(Duration.ofMillis(300));
    }

    /** The service, with placeOrder waiting {@code decisionWait} for a decision. */
    private OrderService serviceWaiting(Duration decisionWait) {
        OrderProperties properties = new OrderProperties(decisionWait, 100, 200, 1000, 1000, UNKNOWN_ORDER_WAIT);
        return new OrderService(properties, queries, catalog, producer, feed, runtime, serdes);
    }

    @Test
    void shouldHoldNothingForAMalformedOrderId() {
        // When a client subscribes with an id that is not an order id (as long as a message allows)
        assertThatThrownBy(() -> service.statusUpdates(ALICE, "x".repeat(8_000)).blockLast())
                // Then it is refused, and nothing waits for it
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
        assertThat(feed.waitingOrders()).isZero();
    }

    @Test
    void shouldReleaseTheWaitWhenTheSubscriptionIsCancelled() {
        // Given a subscription waiting for an order unknown here
        Disposable subscription = service.statusUpdates(ALICE, OrderIds.of(ALICE.id(), "k-cancel")).subscribe();
        await().atMost(Duration.ofSeconds(5)).until(() -> feed.waitingOrders() == 1);

        // When the client goes
        subscription.dispose();

        // Then nothing waits any more
        assertThat(feed.waitingOrders()).isZero();
    }

    @Test
    void shouldLookOnceThenWaitForTheDecisionOfAnUnknownOrder() {
        String orderId = OrderIds.of(ALICE.id(), "k-unknown");
        // Given a subscription on an order unknown here
        CompletableFuture<OrderView> answer = service.statusUpdates(ALICE, orderId).next().toFuture();
        await().atMost(Duration.ofSeconds(5)).until(() -> feed.waitingOrders() == 1);

        // When its decision is committed (through any instance)
        feed.onRecord(record(decision(orderId, ALICE.id())));

        // Then the subscriber gets it, having read the index once, and nothing waits any more
        assertThat(answer.orTimeout(5, TimeUnit.SECONDS).join().status()).isEqualTo("CONFIRMED");
        then(queries).should(times(1)).get(anyString(), anyString(), any(), any(), any());
        assertThat(feed.waitingOrders()).isZero();
    }

    @Test
    void shouldNotPollTheIndexWhileWaitingAndAnswerNotFoundAfterTheWait() {
        // When nothing is decided for the order within the wait
        assertThatThrownBy(() -> service.statusUpdates(ALICE, OrderIds.of(ALICE.id(), "k-never")).blockLast(Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));

        // Then the index was read twice, before and after the wait, not polled in between; nothing waits (the
        // waiter is released as the error is signalled, so possibly a moment after the subscriber sees it)
        then(queries).should(times(2)).get(anyString(), anyString(), any(), any(), any());
        await().atMost(Duration.ofSeconds(5)).until(() -> feed.waitingOrders() == 0);
    }

    @Test
    void shouldFindADecisionThatPassedByBeforeTheSubscriptionAndIsNotIndexedYet() {
        // Given an order decided through another instance a moment ago, not yet in the user-order index
        String orderId = OrderIds.of(ALICE.id(), "k-just-decided");
        feed.onRecord(record(decision(orderId, ALICE.id())));

        // When its owner subscribes to its status, then the decision comes at once (not after the wait)
        List<OrderView> updates = service.statusUpdates(ALICE, orderId).collectList()
                .block(UNKNOWN_ORDER_WAIT.dividedBy(2));
        assertThat(updates).extracting(OrderView::status).containsExactly("CONFIRMED");
    }

    @Test
    void shouldNotShowAnotherUsersRecentDecision() {
        String orderId = OrderIds.of("u-bob", "k-bob");
        feed.onRecord(record(decision(orderId, "u-bob")));

        assertThatThrownBy(() -> service.statusUpdates(ALICE, orderId).blockLast(Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void shouldShareTheFirstAttemptsWaitWithRetriesAndSubscribersAndReleaseItWhenAllHaveGone() {
        // Given an order placed, a retry of it made while Kafka takes the first attempt's request (it then
        // waits for the same decision), and an orderStatus subscriber
        CompletableFuture<RecordMetadata> send = new CompletableFuture<>();
        given(catalog.drop("drop-1")).willReturn(Optional.of(mock(DropView.class)));
        given(producer.send(any(), eq("drop-1"), any(), any())).willReturn(send);
        OrderService service = serviceWaiting(Duration.ofSeconds(30));
        OrderService.PlaceOrderInput input = new OrderService.PlaceOrderInput("drop-1", 1, "k-shared");
        String orderId = OrderIds.of(ALICE.id(), "k-shared");
        CompletableFuture<OrderView> first = service.place(ALICE, input);
        CompletableFuture<OrderView> retry = service.place(ALICE, input);
        send.complete(null);
        Disposable subscriber = service.statusUpdates(ALICE, orderId).subscribe();
        await().atMost(Duration.ofSeconds(5)).until(() -> feed.waitingOrders() == 1);

        // When the subscriber goes before the decision
        subscriber.dispose();

        // Then the decision still reaches both placeOrder calls, and is at once in order(id)
        feed.onRecord(record(decision(orderId, ALICE.id())));
        assertThat(first.orTimeout(5, TimeUnit.SECONDS).join().status()).isEqualTo("CONFIRMED");
        assertThat(retry.orTimeout(5, TimeUnit.SECONDS).join().status()).isEqualTo("CONFIRMED");
        assertThat(service.find(ALICE, orderId)).map(OrderView::status).contains("CONFIRMED");
        assertThat(feed.waitingOrders()).isZero();
    }

    @Test
    void shouldReleaseTheWaitOfAPlaceOrderAnsweredPending() {
        given(catalog.drop("drop-1")).willReturn(Optional.of(mock(DropView.class)));
        given(producer.send(any(), eq("drop-1"), any(), any())).willReturn(CompletableFuture.completedFuture(null));

        // When placeOrder's wait for the decision runs out
        OrderView answer = service.place(ALICE, new OrderService.PlaceOrderInput("drop-1", 1, "k-slow"))
                .orTimeout(5, TimeUnit.SECONDS).join();

        // Then it answers PENDING and leaves nothing waiting
        assertThat(answer.status()).isEqualTo(OrderView.PENDING);
        assertThat(feed.waitingOrders()).isZero();
    }

    private static OrderDecision decision(String orderId, String userId) {
        return OrderDecision.newBuilder().setOrderId(orderId).setDropId("drop-1").setUserId(userId)
                .setIdempotencyKey("k").setQuantity(1).setStatus(OrderStatus.CONFIRMED).setRemainingStock(1)
                .setRequestedAt(T).setDecidedAt(T.plusMillis(5)).build();
    }

    private static ConsumerRecord<String, OrderDecision> record(OrderDecision decision) {
        return new ConsumerRecord<>("order-decisions", 0, 0L, decision.getOrderId(), decision);
    }
}
