package io.livedrop.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Progress lines on stdout, each prefixed with the time since the benchmark started. */
public final class Progress {

    private static final long START = System.nanoTime();
    private static final List<String> LINES = Collections.synchronizedList(new ArrayList<>());
    private static final ScheduledExecutorService TICKER =
            Executors.newSingleThreadScheduledExecutor(Daemons.named("bench-progress"));

    private Progress() {
    }

    public static void say(String format, Object... args) {
        long s = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - START);
        String line = String.format(Locale.ROOT, "[%2d:%02d] %s", s / 60, s % 60, String.format(Locale.ROOT, format, args));
        LINES.add(line);
        System.out.println(line);
    }

    /** Every line said so far. */
    public static List<String> lines() {
        return List.copyOf(LINES);
    }

    public static Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - START);
    }

    /** Prints {@code line.get()} every {@code period} until the returned handle is closed. */
    public static Ticker every(Duration period, Supplier<String> line) {
        ScheduledFuture<?> f = TICKER.scheduleAtFixedRate(() -> {
            try {
                say("  %s", line.get());
            } catch (RuntimeException e) {
                say("  (progress: %s)", e);
            }
        }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        return () -> f.cancel(false);
    }

    public interface Ticker extends AutoCloseable {
        @Override
        void close();
    }
}
