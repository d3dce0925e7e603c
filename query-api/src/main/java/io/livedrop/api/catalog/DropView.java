package io.livedrop.api.catalog;

import io.livedrop.events.catalog.Drop;
import io.livedrop.events.drop.DropState;
import io.livedrop.events.drop.DropStatus;
import java.time.Instant;

/** A drop as the API shows it: its definition joined with the topology's status and stock. */
public record DropView(
        String id,
        String creatorId,
        String productId,
        DropStatus status,
        Instant startsAt,
        Instant endsAt,
        int initialStock,
        int remainingStock,
        Integer perUserLimit,
        long priceCents,
        String currency,
        Instant startedAt,
        Instant updatedAt) {

    public static DropView of(DropState state) {
        Drop drop = state.getDefinition();
        return new DropView(drop.getId(), drop.getCreatorId(), drop.getProductId(), state.getStatus(),
                drop.getStartsAt(), drop.getEndsAt(), drop.getInitialStock(), state.getRemainingStock(),
                drop.getPerUserLimit(), drop.getPriceCents(), drop.getCurrency(), state.getStartedAt(),
                state.getUpdatedAt());
    }

    /** A drop as written, before the topology has taken it in: SCHEDULED, its whole stock left. */
    public static DropView accepted(Drop drop) {
        return new DropView(drop.getId(), drop.getCreatorId(), drop.getProductId(), DropStatus.SCHEDULED,
                drop.getStartsAt(), drop.getEndsAt(), drop.getInitialStock(), drop.getInitialStock(),
                drop.getPerUserLimit(), drop.getPriceCents(), drop.getCurrency(), null, drop.getCreatedAt());
    }
}
