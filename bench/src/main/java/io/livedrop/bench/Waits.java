package io.livedrop.bench;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

public final class Waits {

    private Waits() {
    }

    /** Parks (no spinning: the system under test needs the cores) until {@code target}. */
    public static void until(long targetNanos) {
        long d;
        while ((d = targetNanos - System.nanoTime()) > 0) {
            LockSupport.parkNanos(d);
        }
    }

    public static void pause(Duration d) {
        await(() -> false, d);
    }

    /** Polls every 10 ms; whether {@code condition} held before {@code timeout}. */
    public static boolean await(BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        return true;
    }
}
