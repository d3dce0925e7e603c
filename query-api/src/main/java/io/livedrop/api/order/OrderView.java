package io.livedrop.api.order;

import io.livedrop.events.order.OrderDecision;
import io.livedrop.events.order.OrderRequest;
import io.livedrop.events.order.OrderStatus;
import io.livedrop.events.order.RejectReason;
import java.time.Instant;

/**
 * An order as the API shows it: PENDING from its request until the decision commits, then
 * CONFIRMED or REJECTED with a reason, for good.
 */
public record OrderView(String id, String userId, String dropId, int quantity, String status, String rejectReason,
                        String idempotencyKey, Instant placedAt, Instant decidedAt) {

    public static final String PENDING = "PENDING";

    public static OrderView pending(OrderRequest request) {
        return new OrderView(request.getOrderId(), request.getUserId(), request.getDropId(), request.getQuantity(),
                PENDING, null, request.getIdempotencyKey(), request.getRequestedAt(), null);
    }

    public static OrderView decided(OrderDecision decision) {
        RejectReason reason = decision.getRejectReason();
        return new OrderView(decision.getOrderId(), decision.getUserId(), decision.getDropId(), decision.getQuantity(),
                decision.getStatus() == OrderStatus.CONFIRMED ? "CONFIRMED" : "REJECTED",
                reason == null || reason == RejectReason.UNKNOWN ? null : reason.name(),
                decision.getIdempotencyKey(), decision.getRequestedAt(), decision.getDecidedAt());
    }

    public boolean isDecided() {
        return !PENDING.equals(status);
    }

    /** Whether this order is what a request for {@code dropId} × {@code quantity} asks for (else: an idempotency conflict). */
    public boolean sameAs(String dropId, int quantity) {
        return this.dropId.equals(dropId) && this.quantity == quantity;
    }
}
