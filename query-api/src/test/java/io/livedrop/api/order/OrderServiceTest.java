package io.livedrop.api.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.then;
import static org.mockito.Mockito.RETURNS_DEEP_STUBS;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;

import io.livedrop.api.catalog.CatalogQueryService;
import io.livedrop.api.catalog.DropView;
import io.livedrop.api.command.CommandProducer;
import io.livedrop.api.config.KafkaCluster;
import io.livedrop.api.graphql.ApiException;
import io.livedrop.api.graphql.ErrorCode;
import io.livedrop.api.query.InteractiveQueries;
import io.livedrop.api.security.Viewer;
import io.livedrop.api.streams.StreamsRuntime;
import io.livedrop.events.order.OrderDecision;
import io.livedrop.events.order.OrderStatus;
import io.livedrop.topology.config.Stores;
import io.livedrop.topology.config.TopologySerdes;
import io.livedrop.topology.order.OrderIds;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;

/**
 * placeOrder on its own: the stores, the producer and the catalog are mocked, the decision feed is a
 * real {@link DecisionFeed} fed by hand. A send Kafka does not take answers UNAVAILABLE and is not
 * remembered; a retry with the same key joins the send in flight instead of producing again, and shares
 * its fate; no decision within the wait answers PENDING; the same key for a different order answers
 * IDEMPOTENCY_CONFLICT, whether the first is in flight or decided.
 */
class OrderServiceTest {

    private static final Viewer ALICE = new Viewer("u-alice", Set.of(), "alice-token");
    private static final Instant T = Instant.parse("2026-12-05T18:00:00Z");

    private final InteractiveQueries queries = mock(InteractiveQueries.class);
    private final CatalogQueryService catalog = mock(CatalogQueryService.class);
    private final CommandProducer producer = mock(CommandProducer.class);
    private final StreamsRuntime runtime = mock(StreamsRuntime.class, RETURNS_DEEP_STUBS);
    private final TopologySerdes serdes = mock(TopologySerdes.class, RETURNS_DEEP_STUBS);
    private DecisionFeed feed;

    @BeforeEach
    @SuppressWarnings("unchecked")
    void setUp() {
        feed = new DecisionFeed(mock(KafkaCluster.class), runtime, serdes, mock(ObjectProvider.class));
        given(catalog.drop(any())).willReturn(Optional.of(mock(DropView.class)));
    }

    @Test
    void shouldAnswerUnavailableWhenKafkaDoesNotTakeTheRequestAndSendAgainOnTheRetry() {
        // Given Kafka refuses the first send (no metadata within max.block.ms), then takes the next
        given(producer.send(any(), eq("drop-1"), any(), any())).willReturn(
                CompletableFuture.failedFuture(new TimeoutException("Topic order-requests not present in metadata")),
                new CompletableFuture<>());
        OrderService service = serviceWaiting(Duration.ofSeconds(30));
        OrderService.PlaceOrderInput input = new OrderService.PlaceOrderInput("drop-1", 1, "k-refused");

        // When alice places the order
        ApiException refused = failure(() -> service.place(ALICE, input));

        // Then she is told to retry with the same key, and nothing is pending under her order
        assertThat(refused.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(refused.getMessage()).startsWith("The order was not accepted (Topic order-requests not present")
                .endsWith("retry with the same idempotencyKey");
        assertThat(service.find(ALICE, OrderIds.of(ALICE.id(), "k-refused"))).isEmpty();

        // And her retry sends the request again
        service.place(ALICE, input);
        then(producer).should(times(2)).send(any(), eq("drop-1"), any(), any());
    }

    @Test
    void shouldJoinTheSendInFlightWhenRetriedWithTheSameKeyAndProduceOnce() {
        // Given a send Kafka has not acknowledged yet
        CompletableFuture<RecordMetadata> send = new CompletableFuture<>();
        given(producer.send(any(), eq("drop-1"), any(), any())).willReturn(send);
        OrderService service = serviceWaiting(Duration.ofSeconds(30));
        OrderService.PlaceOrderInput input = new OrderService.PlaceOrderInput("drop-1", 2, "k-retried");
        String orderId = OrderIds.of(ALICE.id(), "k-retried");

        // When alice retries while it is in flight, then the send is acknowledged and the order decided
        CompletableFuture<OrderView> first = service.place(ALICE, input);
        CompletableFuture<OrderView> retry = service.place(ALICE, input);
        send.complete(null);
        feed.onRecord(record(decision(orderId, "drop-1", 2)));

        // Then the request was produced once, and both calls answer the one decided order
        then(producer).should(times(1)).send(any(), any(), any(), any());
        assertThat(first.orTimeout(5, TimeUnit.SECONDS).join()).satisfies(order -> {
            assertThat(order.id()).isEqualTo(orderId);
            assertThat(order.status()).isEqualTo("CONFIRMED");
        });
        assertThat(retry.orTimeout(5, TimeUnit.SECONDS).join()).isEqualTo(first.join());
    }

    @Test
    void shouldFailTheRetryTooWhenTheSendItJoinedFails() {
        // Given a retry waiting on the first attempt's send
        CompletableFuture<RecordMetadata> send = new CompletableFuture<>();
        given(producer.send(any(), eq("drop-1"), any(), any())).willReturn(send);
        OrderService service = serviceWaiting(Duration.ofSeconds(30));
        OrderService.PlaceOrderInput input = new OrderService.PlaceOrderInput("drop-1", 1, "k-lost");
        CompletableFuture<OrderView> first = service.place(ALICE, input);
        CompletableFuture<OrderView> retry = service.place(ALICE, input);

        // When that send fails
        send.completeExceptionally(new TimeoutException("Expiring 1 record(s) for order-requests-3"));

        // Then neither is answered as placed: both say UNAVAILABLE (nothing was written that could be decided)
        assertThat(failure(() -> first).code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(failure(() -> retry).code()).isEqualTo(ErrorCode.UNAVAILABLE);
    }

    @Test
    void shouldAnswerPendingWhenNoDecisionCommitsWithinTheWait() {
        // Given Kafka takes the request but no decision comes
        given(producer.send(any(), eq("drop-1"), any(), any())).willReturn(CompletableFuture.completedFuture(null));
        OrderService service = serviceWaiting(Duration.ofMillis(50));

        // When alice places the order
        OrderView answer = service.place(ALICE, new OrderService.PlaceOrderInput("drop-1", 3, "k-slow"))
                .orTimeout(5, TimeUnit.SECONDS).join();

        // Then the answer is the order, PENDING, and order(id) finds it so too
        String orderId = OrderIds.of(ALICE.id(), "k-slow");
        assertThat(answer.id()).isEqualTo(orderId);
        assertThat(answer.status()).isEqualTo(OrderView.PENDING);
        assertThat(answer.quantity()).isEqualTo(3);
        assertThat(service.find(ALICE, orderId)).map(OrderView::status).contains(OrderView.PENDING);
    }

    @Test
    void shouldAnswerIdempotencyConflictForADifferentOrderUnderTheKeyOfOneInFlight() {
        // Given an order of one unit in flight
        given(producer.send(any(), eq("drop-1"), any(), any())).willReturn(new CompletableFuture<>());
        OrderService service = serviceWaiting(Duration.ofSeconds(30));
        service.place(ALICE, new OrderService.PlaceOrderInput("drop-1", 1, "k-reused"));

        // When the same key comes with another quantity
        ApiException conflict = failure(() -> service.place(ALICE, new OrderService.PlaceOrderInput("drop-1", 2, "k-reused")));

        // Then it is refused as a conflict, and nothing more is produced
        assertThat(conflict.code()).isEqualTo(ErrorCode.IDEMPOTENCY_CONFLICT);
        assertThat(conflict.getMessage()).contains("quantity 1").contains("use a new key");
        then(producer).should(times(1)).send(any(), any(), any(), any());
    }

    @Test
    void shouldAnswerIdempotencyConflictWhenTheKeyNamesADecidedOrderOnAnotherDrop() {
        // Given the key already names a decided order on drop-2
        String orderId = OrderIds.of(ALICE.id(), "k-decided");
        given(queries.get(eq(Stores.USER_ORDERS), any(), any(), any(), any()))
                .willReturn(Optional.of(decision(orderId, "drop-2", 1)));
        OrderService service = serviceWaiting(Duration.ofSeconds(30));

        // When it comes again for drop-1
        ApiException conflict = failure(() -> service.place(ALICE, new OrderService.PlaceOrderInput("drop-1", 1, "k-decided")));

        // Then it is a conflict, and nothing is produced
        assertThat(conflict.code()).isEqualTo(ErrorCode.IDEMPOTENCY_CONFLICT);
        then(producer).should(never()).send(any(), any(), any(), any());
    }

    @Test
    void shouldAnswerTheDecidedOrderToARetryOfItWithoutProducingAgain() {
        // Given the key names a decided order of the same drop and quantity
        String orderId = OrderIds.of(ALICE.id(), "k-done");
        given(queries.get(eq(Stores.USER_ORDERS), any(), any(), any(), any()))
                .willReturn(Optional.of(decision(orderId, "drop-1", 1)));
        OrderService service = serviceWaiting(Duration.ofSeconds(30));

        // When it is placed again
        OrderView answer = service.place(ALICE, new OrderService.PlaceOrderInput("drop-1", 1, "k-done")).join();

        // Then the answer is that order as decided, and nothing is produced
        assertThat(answer.id()).isEqualTo(orderId);
        assertThat(answer.status()).isEqualTo("CONFIRMED");
        then(producer).should(never()).send(any(), any(), any(), any());
    }

    private OrderService serviceWaiting(Duration decisionWait) {
        OrderProperties properties = new OrderProperties(decisionWait, 100, 200, 1000, 1000, Duration.ofSeconds(1));
        return new OrderService(properties, queries, catalog, producer, feed, runtime, serdes);
    }

    /** The ApiException a placeOrder call ends with, whether thrown at once or by its future. */
    private static ApiException failure(Supplier<CompletableFuture<OrderView>> call) {
        Throwable failure;
        try {
            CompletableFuture<OrderView> answer = call.get().orTimeout(5, TimeUnit.SECONDS);
            answer.join();
            throw new AssertionError("expected a failure, got " + answer.join());
        } catch (CompletionException e) {
            failure = e.getCause();
        } catch (ApiException e) {
            failure = e;
        }
        assertThat(failure).isInstanceOf(ApiException.class);
        return (ApiException) failure;
    }

    private static OrderDecision decision(String orderId, String dropId, int quantity) {
        return OrderDecision.newBuilder().setOrderId(orderId).setDropId(dropId).setUserId(ALICE.id())
                .setIdempotencyKey("k").setQuantity(quantity).setStatus(OrderStatus.CONFIRMED).setRemainingStock(1)
                .setRequestedAt(T).setDecidedAt(T.plusMillis(5)).build();
    }

    private static ConsumerRecord<String, OrderDecision> record(OrderDecision decision) {
        return new ConsumerRecord<>("order-decisions", 0, 0L, decision.getOrderId(), decision);
    }
}
