package io.livedrop.bench.faults;

import io.livedrop.bench.Daemons;
import io.livedrop.bench.Waits;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * Reads something of an instance every 500 ms on a daemon thread until closed, keeping each answer with its time; a
 * null answer (the instance is not answering yet) is not kept.
 */
final class Sampler<T> implements AutoCloseable {

    record Sample<T>(long nanos, T value) {
    }

    private final Supplier<T> read;
    private final List<Sample<T>> samples = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean stop;

    Sampler(String name, Supplier<T> read) {
        this.read = read;
        thread = Daemons.start(name, this::loop);
    }

    private void loop() {
        while (!stop) {
            long t = System.nanoTime();
            T value = read.get();
            if (value != null) {
                samples.add(new Sample<>(t, value));
            }
            Waits.until(t + 500_000_000L);
        }
    }

    /** The samples so far, oldest first. */
    List<Sample<T>> samples() {
        return List.copyOf(samples);
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.join(5_000);
    }
}
