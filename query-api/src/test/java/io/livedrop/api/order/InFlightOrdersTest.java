package io.livedrop.api.order;

import static org.assertj.core.api.Assertions.assertThat;

import io.livedrop.events.order.OrderRequest;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * An order is PENDING only once Kafka has its request. The fault suite's broker outage (scenario 2c) found retries
 * answered PENDING while the first attempt's send was still buffered; that send then failed, and the order the
 * client was told about was never written.
 */
class InFlightOrdersTest {

    final InFlightOrders inFlight = new InFlightOrders();

    static OrderRequest request(String orderId, String user) {
        return OrderRequest.newBuilder().setOrderId(orderId).setDropId("d-1").setUserId(user).setIdempotencyKey("k")
                .setQuantity(1).setRequestedAt(Instant.parse("2026-11-26T10:00:00Z")).build();
    }

    @Test
    void shouldNotCountAnOrderAsPlacedUntilKafkaHasAcceptedIt() {
        CompletableFuture<String> send = new CompletableFuture<>();
        assertThat(inFlight.claim(request("o-1", "u-1"), send)).isEmpty();

        assertThat(inFlight.accepted("o-1")).as("in the producer's buffer only").isEmpty();
        assertThat(inFlight.acceptedOf("u-1")).isEmpty();

        send.complete("acked");
        assertThat(inFlight.accepted("o-1")).map(OrderRequest::getOrderId).contains("o-1");
        assertThat(inFlight.acceptedOf("u-1")).extracting(OrderRequest::getOrderId).containsExactly("o-1");
        assertThat(inFlight.acceptedOf("u-2")).isEmpty();
    }

    @Test
    void shouldHandARetryTheFirstAttemptsSendAndFailItWhenThatSendFails() {
        CompletableFuture<String> first = new CompletableFuture<>();
        inFlight.claim(request("o-1", "u-1"), first);

        var retry = inFlight.claim(request("o-1", "u-1"), new CompletableFuture<>());
        assertThat(retry).as("the retry waits on the first attempt").isPresent();
        assertThat(retry.get().accepted()).isSameAs(first);

        first.completeExceptionally(new RuntimeException("Topic not present in metadata after 60000 ms"));
        assertThat(retry.get().accepted()).isCompletedExceptionally();
        assertThat(inFlight.accepted("o-1")).isEmpty();

        CompletableFuture<String> again = new CompletableFuture<>();
        assertThat(inFlight.claim(request("o-1", "u-1"), again)).as("a later attempt sends again").isEmpty();
        again.complete("acked");
        assertThat(inFlight.accepted("o-1")).isPresent();
    }

    @Test
    void shouldForgetAnOrderOnceItsDecisionIsSeen() {
        CompletableFuture<String> send = CompletableFuture.completedFuture("acked");
        inFlight.claim(request("o-1", "u-1"), send);
        inFlight.decided("o-1");
        assertThat(inFlight.accepted("o-1")).isEmpty();
        assertThat(inFlight.claim(request("o-1", "u-1"), new CompletableFuture<>())).isEmpty();
    }
}
