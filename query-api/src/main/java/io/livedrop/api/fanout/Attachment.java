package io.livedrop.api.fanout;

import reactor.core.publisher.FluxSink;

/**
 * How a feed holds one attached subscription: through its result stream (which never emits) until the recipient
 * takes it over ({@link Recipient#handOver}), then through the recipient alone, so that the GraphQL execution behind
 * the stream is not kept for the subscription's life. The one place that knows the hand-over's order: the stream's
 * disposal detaches only while the stream is the subscription's life; once handed over, the recipient detaches.
 */
public final class Attachment<T> {

    private final Recipient recipient;
    /** Null once the recipient took the subscription over: the stream holds the execution. */
    private volatile FluxSink<T> stream;
    private Runnable detach;

    public Attachment(FluxSink<T> stream, Recipient recipient) {
        this.stream = stream;
        this.recipient = recipient;
    }

    /**
     * {@code detach} removes the subscription from its feed (any thread, maybe more than once): from now on when the
     * stream is disposed before a hand-over, later by the recipient. Called once, before {@link #handOver}.
     */
    public void detachWith(Runnable detach) {
        this.detach = detach;
        stream.onDispose(() -> {
            if (this.stream != null) {
                detach.run();
            }
        });
    }

    public Recipient recipient() {
        return recipient;
    }

    /** Once the feed delivers to it: offers the hand-over; taken, the stream completes and its execution goes. */
    public void handOver() {
        FluxSink<T> held = stream;
        if (held != null && recipient.handOver(detach)) {
            stream = null;
            held.complete();
        }
    }

    /** The feed stops: the stream completes, or, handed over, the recipient tells its client complete. */
    public void end() {
        FluxSink<T> held = stream;
        if (held != null) {
            held.complete();
        } else {
            recipient.complete();
        }
    }
}
