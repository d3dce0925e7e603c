package io.livedrop.topology.order;

import io.livedrop.events.catalog.Drop;
import io.livedrop.events.drop.DropState;
import io.livedrop.events.drop.DropStatus;
import io.livedrop.events.order.RejectReason;

/**
 * The business rules of one order against one drop, as a pure function. In order:
 * <ol>
 *   <li>a drop SOLD_OUT, or LIVE with no stock left → REJECTED SOLD_OUT;</li>
 *   <li>a drop not LIVE (SCHEDULED, ENDED) → REJECTED DROP_NOT_LIVE;</li>
 *   <li>the user's confirmed units plus this order above the drop's per-user limit → REJECTED PER_USER_LIMIT;</li>
 *   <li>fewer units left than asked (but some) → REJECTED INSUFFICIENT_STOCK;</li>
 *   <li>otherwise CONFIRMED, taking the units from the stock.</li>
 * </ol>
 * A rejection is data, not an exception. Confirmed units never exceed the remaining stock.
 */
public final class OrderRules {

    /** The outcome: a reject reason, or null for CONFIRMED. */
    public record Outcome(RejectReason rejectReason) {
        public boolean confirmed() {
            return rejectReason == null;
        }
    }

    private static final Outcome CONFIRMED = new Outcome(null);

    private OrderRules() {
    }

    public static Outcome decide(DropState drop, int alreadyPurchased, int quantity) {
        if (drop.getStatus() == DropStatus.SOLD_OUT
                || (drop.getStatus() == DropStatus.LIVE && drop.getRemainingStock() == 0)) {
            return new Outcome(RejectReason.SOLD_OUT);
        }
        if (drop.getStatus() != DropStatus.LIVE) {
            return new Outcome(RejectReason.DROP_NOT_LIVE);
        }
        Drop definition = drop.getDefinition();
        Integer limit = definition.getPerUserLimit();
        if (limit != null && (long) alreadyPurchased + quantity > limit) {
            return new Outcome(RejectReason.PER_USER_LIMIT);
        }
        if (drop.getRemainingStock() < quantity) {
            return new Outcome(RejectReason.INSUFFICIENT_STOCK);
        }
        return CONFIRMED;
    }
}
