package io.livedrop.topology.drop;

import io.livedrop.events.drop.DropState;
import java.time.Instant;

/**
 * Keys of the {@link io.livedrop.topology.config.Stores#LIVE_DROPS} index:
 * {@code <newest-first start key>|<drop id>}, where the start key is
 * {@code Long.MAX_VALUE - startedAt millis} zero-padded to 19 digits ({@code startsAt} for a state
 * without {@code startedAt}). The key is the live list's sort key itself, which the API's cursors
 * carry: a page of live drops is one range read, resumed strictly after the cursor.
 */
public final class LiveDropKeys {

    private LiveDropKeys() {
    }

    /** The order of live drops: the most recently started first, then drop id. */
    public static String key(Instant startedAt, String dropId) {
        return String.format("%019d|%s", Long.MAX_VALUE - startedAt.toEpochMilli(), dropId);
    }

    /** The key of a drop in its state: when it went live (or was to start, if it never did). */
    public static String key(DropState state) {
        Instant at = state.getStartedAt() != null ? state.getStartedAt() : state.getDefinition().getStartsAt();
        return key(at, state.getDefinition().getId());
    }
}
