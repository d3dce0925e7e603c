package io.livedrop.api.order;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.livedrop.events.order.OrderRequest;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * Orders this instance is handing to Kafka or has handed over, until their decision is seen. An order counts as
 * placed (PENDING) only once Kafka has accepted its request: until then a retry of it waits for the same send, and
 * if that send fails the retry fails too (UNAVAILABLE), because nothing was written that could ever be decided.
 */
final class InFlightOrders {

    /** One order's request and the send that hands it to Kafka (completes when the broker has it, or fails). */
    record InFlight(OrderRequest request, CompletableFuture<?> accepted) {
        boolean isAccepted() {
            return accepted.isDone() && !accepted.isCompletedExceptionally();
        }
    }

    private final Cache<String, InFlight> byOrderId = Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofMinutes(10)).maximumSize(1_000_000).build();

    /**
     * Claims {@code request}'s order for a send by the caller, who completes {@code accepted}; or, when the same order
     * is already in flight here, returns that one (the caller then waits on its {@code accepted}).
     */
    Optional<InFlight> claim(OrderRequest request, CompletableFuture<?> accepted) {
        InFlight mine = new InFlight(request, accepted);
        InFlight first = byOrderId.asMap().putIfAbsent(request.getOrderId(), mine);
        if (first == null) {
            // a failed send leaves nothing to wait for: the next attempt sends again
            accepted.whenComplete((sent, error) -> {
                if (error != null) {
                    byOrderId.asMap().remove(request.getOrderId(), mine);
                }
            });
        }
        return Optional.ofNullable(first);
    }

    /** The order's request if Kafka has accepted it and no decision has been seen yet. */
    Optional<OrderRequest> accepted(String orderId) {
        return Optional.ofNullable(byOrderId.getIfPresent(orderId)).filter(InFlight::isAccepted)
                .map(InFlight::request);
    }

    /** The user's accepted, undecided orders. */
    Stream<OrderRequest> acceptedOf(String userId) {
        return byOrderId.asMap().values().stream().filter(f -> f.isAccepted()
                && f.request().getUserId().equals(userId)).map(InFlight::request);
    }

    /** Its decision was seen; whether the order was in flight here. */
    boolean decided(String orderId) {
        return byOrderId.asMap().remove(orderId) != null;
    }
}
