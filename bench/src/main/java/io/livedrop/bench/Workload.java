package io.livedrop.bench;

import io.livedrop.events.order.OrderRequest;
import io.livedrop.topology.order.OrderIds;
import java.time.Instant;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A deterministic stampede: send slots, each a new order (random user and drop, one unit) or, for retryFraction of
 * them, a recent order again. Order n has the idempotency key {@code <tag>-<n>}, so decisions need no lookup table.
 */
record Workload(String tag, int requests, int orders, String[] dropIds, int stockPerDrop, int[] slotOrder,
                int[] orderFirstSlot, int[] orderUser, short[] orderDrop, int[] ordersPerDrop) {

    /** A retry repeats one of the last this-many orders. */
    static final int RETRY_WINDOW = 1000;

    static Workload generate(String tag, int requests, double retryFraction, int users, String[] dropIds,
                             int stockPerDrop, long seed) {
        if (dropIds.length > Short.MAX_VALUE) {
            throw new IllegalArgumentException("too many drops");
        }
        SplittableRandom random = new SplittableRandom(seed ^ tag.hashCode());
        int retries = (int) Math.round(requests * retryFraction);
        int[] slotOrder = new int[requests];
        int[] firstSlot = new int[requests - retries];
        int[] user = new int[requests - retries];
        short[] drop = dropIds.length == 1 ? null : new short[requests - retries];
        int[] perDrop = new int[dropIds.length];
        int next = 0;
        int retriesLeft = retries;
        for (int slot = 0; slot < requests; slot++) {
            int slotsLeft = requests - slot; // selection sampling: exactly `retries` retry slots, none first
            boolean retry = slot > 0 && random.nextInt(slotsLeft) < retriesLeft;
            if (retry) {
                retriesLeft--;
                int window = Math.min(next, RETRY_WINDOW);
                slotOrder[slot] = next - 1 - random.nextInt(window);
            } else {
                firstSlot[next] = slot;
                user[next] = random.nextInt(users);
                int d = dropIds.length == 1 ? 0 : random.nextInt(dropIds.length);
                if (drop != null) {
                    drop[next] = (short) d;
                }
                perDrop[d]++;
                slotOrder[slot] = next++;
            }
        }
        if (next != firstSlot.length) {
            throw new IllegalStateException("workload generation: " + next + " orders, expected " + firstSlot.length);
        }
        return new Workload(tag, requests, next, dropIds.clone(), stockPerDrop, slotOrder, firstSlot, user, drop,
                perDrop);
    }

    static Workload hot(String tag, int requests, double retryFraction, int users, String dropId, int stock, long seed) {
        return generate(tag, requests, retryFraction, users, new String[] {dropId}, stock, seed);
    }

    int dropOf(int order) {
        return orderDrop == null ? 0 : orderDrop[order];
    }

    String dropId(int order) {
        return dropIds[dropOf(order)];
    }

    String userId(int order) {
        return "u" + orderUser[order];
    }

    String idempotencyKey(int order) {
        return tag + "-" + order;
    }

    /** The order of an idempotency key of this workload, or -1. */
    int orderOf(String idempotencyKey) {
        if (idempotencyKey == null || !idempotencyKey.startsWith(tag + "-")) {
            return -1;
        }
        try {
            int n = Integer.parseInt(idempotencyKey.substring(tag.length() + 1));
            return n >= 0 && n < orders ? n : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    String orderId(int order) {
        return OrderIds.of(userId(order), idempotencyKey(order));
    }

    /** What the API would write for {@code order}: one unit, requested now. */
    OrderRequest request(int order) {
        return OrderRequest.newBuilder().setOrderId(orderId(order)).setDropId(dropId(order)).setUserId(userId(order))
                .setIdempotencyKey(idempotencyKey(order)).setQuantity(1).setRequestedAt(Instant.now()).build();
    }

    /** Per drop, the smaller of its stock and its orders (one unit each). */
    long expectedConfirmed() {
        return Arrays.stream(ordersPerDrop).mapToLong(n -> Math.min(n, stockPerDrop)).sum();
    }

    long totalStock() {
        return (long) stockPerDrop * dropIds.length;
    }
}
