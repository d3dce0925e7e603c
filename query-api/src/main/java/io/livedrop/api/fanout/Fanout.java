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
 * recipient of that loop in turn, so a broadcast costs a loop wake-up per loop, not per recipient ({@link Batch}: one
 * per {@value Batch#CHUNK} recipients of a loop, handed over while the caller still gathers the rest).
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
        byLoop.forEach((loop, onLoop) -> write(loop, onLoop, payload, latestWins, refused));
    }

    private static void write(Executor loop, List<Recipient> onLoop, SharedPayload payload, boolean latestWins,
                              Consumer<Recipient> refused) {
        loop.execute(() -> {
            for (Recipient recipient : onLoop) {
                if (recipient.next(payload, latestWins)) {
                    recipient.flush();   // at once: the first recipients' bytes leave while the loop writes the rest
                } else if (latestWins) {
                    refused.accept(recipient);
                }
            }
        });
    }

    /**
     * A delivery handed to the loops while its recipients are still being gathered: each loop gets a task as soon as
     * {@value #CHUNK} of its recipients are known (and the rest on {@link #finish}), so a loop writes the first ones
     * while the caller walks the others (profiled: the dispatcher's pass over 18,000 recipients held every write back).
     * Not thread-safe: one caller adds, then finishes.
     */
    public static final class Batch {

        static final int CHUNK = 256;

        private final SharedPayload payload;
        private final Map<Executor, List<Recipient>> byLoop = new IdentityHashMap<>();

        public Batch(SharedPayload payload) {
            this.payload = payload;
        }

        public void add(Recipient recipient) {
            Executor loop = recipient.loop();
            List<Recipient> onLoop = byLoop.computeIfAbsent(loop, any -> new ArrayList<>(CHUNK));
            onLoop.add(recipient);
            if (onLoop.size() == CHUNK) {
                byLoop.remove(loop);
                write(loop, onLoop, payload, false, refused -> {
                });
            }
        }

        public void finish() {
            byLoop.forEach((loop, onLoop) -> write(loop, onLoop, payload, false, refused -> {
            }));
            byLoop.clear();
        }
    }
}
