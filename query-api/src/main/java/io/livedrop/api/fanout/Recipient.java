package io.livedrop.api.fanout;

import java.util.concurrent.Executor;

/**
 * One subscription that takes shared payloads: the edge's handle on one operation of one
 * connection. Present in the GraphQL context under {@link #CONTEXT_KEY} only where the transport
 * can take shared payloads; a subscription without one runs on the per-session path.
 *
 * <p>All methods but {@link #loop()}, {@link #handOver} and {@link #complete} run on {@link #loop()}, the
 * connection's I/O thread, so a broadcast writes every recipient of a loop in one task ({@link Fanout}).
 */
public interface Recipient {

    String CONTEXT_KEY = "livedrop.fanout.recipient";

    /** The single thread this recipient's writes run on. */
    Executor loop();

    /**
     * Queues one {@code next} message with {@code payload}, framed with this subscription's id,
     * without flushing. Over the connection's high-water mark: with {@code latestWins} nothing is
     * queued and {@link #onWritable} is called once the connection drains (the caller then sends
     * its latest state); without it the connection is closed as a slow consumer.
     *
     * @return whether the message was queued
     */
    boolean next(SharedPayload payload, boolean latestWins);

    /** Flushes what {@link #next} queued. */
    void flush();

    /** Where to call back, on {@link #loop()}, after a {@code latestWins} message was refused and the connection drained. */
    void onWritable(Runnable callback);

    /**
     * The feed offers to hold this subscription by itself, without its result stream: if this returns true, the
     * stream completes at once (what its execution held goes: the GraphQL execution, its DataLoaders, the request),
     * the subscription stays open, and {@code detach} (any thread, more than once) ends it in the feed. Called once,
     * on the feed's thread, once the recipient is attached. A recipient that returns false keeps its stream, which
     * never emits; cancelling it detaches.
     */
    default boolean handOver(Runnable detach) {
        return false;
    }

    /** The feed ended a subscription it was {@linkplain #handOver handed} (it stops): the client is told complete. */
    default void complete() {
    }
}
