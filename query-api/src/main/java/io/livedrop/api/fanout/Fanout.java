package io.livedrop.api.fanout;

import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Writes one payload to many recipients: one task per I/O loop, which writes and flushes every
 * recipient of that loop in turn, so a broadcast costs a loop wake-up per loop, not per recipient.
 */
public final class Fanout {

    private Fanout() {
    }

    /**
     * @param refused called on the recipient's loop for each {@code latestWins} recipient whose
     *                message was refused (see {@link Recipient#next})
     */
    public static void deliver(Collection<? extends Recipient> recipients, SharedPayload payload, boolean latestWins,
                               Consumer<Recipient> refused) {
        Map<Executor, List<Recipient>> byLoop = new IdentityHashMap<>();
        for (Recipient recipient : recipients) {
            byLoop.computeIfAbsent(recipient.loop(), loop -> new ArrayList<>()).add(recipient);
        }
        byLoop.forEach((loop, onLoop) -> loop.execute(() -> {
            for (Recipient recipient : onLoop) {
                if (recipient.next(payload, latestWins)) {
                    recipient.flush();   // at once: the first recipients' bytes leave while the loop writes the rest
                } else if (latestWins) {
                    refused.accept(recipient);
                }
            }
        }));
    }
}
