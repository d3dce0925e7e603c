package io.livedrop.api.testing;

import io.livedrop.api.fanout.Recipient;
import io.livedrop.api.fanout.SharedPayload;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

/**
 * A {@link Recipient} whose loop is the caller's thread: it keeps every payload it queued, and can
 * stall (over its high-water mark: latest-wins messages are refused) and drain again. One made by
 * {@link #takingOver()} takes its subscription over from the feed ({@link Recipient#handOver}).
 */
public final class RecordingRecipient implements Recipient {

    private final boolean takesOver;
    private volatile Runnable detach;
    private volatile int completes;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private volatile boolean stalled;
    private volatile Runnable whenWritable;
    private volatile boolean closedAsSlow;
    private volatile int flushes;

    public RecordingRecipient() {
        this(false);
    }

    private RecordingRecipient(boolean takesOver) {
        this.takesOver = takesOver;
    }

    /** A recipient that takes its subscription over from the feed: the feed's stream completes once it is attached. */
    public static RecordingRecipient takingOver() {
        return new RecordingRecipient(true);
    }

    @Override
    public boolean handOver(Runnable detach) {
        if (takesOver) {
            this.detach = detach;
        }
        return takesOver;
    }

    @Override
    public void complete() {
        completes++;
    }

    /** What ends the subscription in the feed once it was handed over (null until then). */
    public Runnable detach() {
        return detach;
    }

    /** How many times the feed ended the subscription it handed over. */
    public int completes() {
        return completes;
    }

    @Override
    public Executor loop() {
        return Runnable::run;
    }

    @Override
    public boolean next(SharedPayload payload, boolean latestWins) {
        if (stalled) {
            if (!latestWins) {
                closedAsSlow = true;
            }
            return false;
        }
        received.add(new String(payload.json(), StandardCharsets.UTF_8));
        return true;
    }

    @Override
    public void flush() {
        flushes++;
    }

    @Override
    public void onWritable(Runnable callback) {
        whenWritable = callback;
    }

    /** The payloads queued so far, as text, in order. */
    public List<String> received() {
        return List.copyOf(received);
    }

    public void stall() {
        stalled = true;
    }

    /** No longer over the mark: runs the {@link #onWritable} callback, if any. */
    public void drain() {
        stalled = false;
        Runnable callback = whenWritable;
        whenWritable = null;
        if (callback != null) {
            callback.run();
        }
    }

    public boolean waitsForWritable() {
        return whenWritable != null;
    }

    public boolean closedAsSlow() {
        return closedAsSlow;
    }

    public int flushes() {
        return flushes;
    }
}
