package io.livedrop.bench;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

public final class Waits {

    private Waits() {
    }

    /** Parks until {@code nanoTime() >= target} (no spinning: two cores are shared with the system under test). */
    public static void until(long targetNanos) {
        long d;
        while ((d = targetNanos - System.nanoTime()) > 0) {
            LockSupport.parkNanos(d);
        }
    }

    /** Sleeps for {@code d} (a wait that nothing ends early). */
    public static void pause(Duration d) {
        await(() -> false, d);
    }

    /** Polls {@code condition} every 10 ms until it holds or {@code timeout} passes; returns whether it held. */
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
