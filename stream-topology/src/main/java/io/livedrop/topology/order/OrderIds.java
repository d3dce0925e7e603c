package io.livedrop.topology.order;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Order ids are name-based UUIDs of (user id, idempotency key): the same retry names the same order
 * wherever it lands, so a key reused for another drop (another partition) is still recognised.
 */
public final class OrderIds {

    private OrderIds() {
    }

    public static String of(String userId, String idempotencyKey) {
        return UUID.nameUUIDFromBytes((userId + '\u0000' + idempotencyKey).getBytes(StandardCharsets.UTF_8)).toString();
    }
}
