package io.livedrop.bench;

import io.livedrop.events.order.OrderDecision;
import io.livedrop.events.order.OrderStatus;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * The decisions seen for one workload: first decision per order, duplicates, units confirmed per drop, latency in
 * µs. Latency counts from the <em>intended</em> send time ({@link Schedule}), so falling behind shows (no coordinated
 * omission).
 */
final class DecisionTracker {

    private static final long HIGHEST_TRACKABLE_MICROS = TimeUnit.HOURS.toMicros(1);

    private final Workload workload;
    private final byte[] outcome; // per order: 0 none yet, 1 confirmed, 2 rejected
    private final long[] confirmedUnits; // per drop
    private final Histogram latencyMicros = new Histogram(HIGHEST_TRACKABLE_MICROS, 3);
    private Schedule schedule;

    private volatile long decided;
    private long duplicates;
    private long retryReplies;
    private long retryMismatches;
    private long foreign;
    private final AtomicLong sendErrors = new AtomicLong();
    private long rejected;
    private volatile long lastDecisionNanos;

    DecisionTracker(Workload workload) {
        this.workload = workload;
        this.outcome = new byte[workload.orders()];
        this.confirmedUnits = new long[workload.dropIds().length];
    }

    synchronized void schedule(Schedule schedule) {
        this.schedule = schedule;
    }

    /** The first decision of an order counts; a later one is a duplicate, or with replyToRetry must match it. */
    synchronized void decision(int order, boolean confirmed, int units, long nowNanos, boolean replyToRetry) {
        if (order < 0) {
            foreign++;
            return;
        }
        byte o = confirmed ? (byte) 1 : (byte) 2;
        if (outcome[order] != 0) {
            if (replyToRetry) {
                retryReplies++;
                if (outcome[order] != o) {
                    retryMismatches++;
                }
            } else {
                duplicates++;
            }
            return;
        }
        outcome[order] = o;
        if (confirmed) {
            confirmedUnits[workload.dropOf(order)] += units;
        } else {
            rejected++;
        }
        lastDecisionNanos = nowNanos;
        decided++;
        if (schedule != null && !replyToRetry) {
            record(nowNanos - schedule.intended(workload.orderFirstSlot()[order]));
        }
    }

    /** A decision read back from the decisions topic (not a reply to a retry). */
    void decision(OrderDecision d, long nowNanos) {
        decision(workload.orderOf(d.getIdempotencyKey()), d.getStatus() == OrderStatus.CONFIRMED, d.getQuantity(),
                nowNanos, false);
    }

    /** A producer send's callback: counts the failed sends (no lock: it runs once per send). */
    void sent(Object metadata, Exception e) {
        if (e != null) {
            sendErrors.incrementAndGet();
        }
    }

    /** A request-reply sample (Redis): from the request's own intended send time. */
    synchronized void latencySample(int slot, long replyNanos) {
        record(replyNanos - schedule.intended(slot));
    }

    private void record(long nanos) {
        latencyMicros.recordValue(Math.min(Math.max(0, nanos / 1000), HIGHEST_TRACKABLE_MICROS));
    }

    /** Records each undecided order at the latency it has at least, so the percentiles are lower bounds. */
    synchronized void giveUp(long nowNanos) {
        for (int order = 0; order < outcome.length; order++) {
            if (outcome[order] == 0 && schedule != null) {
                record(nowNanos - schedule.intended(workload.orderFirstSlot()[order]));
            }
        }
    }

    boolean complete() {
        return decided >= workload.orders();
    }

    long decided() {
        return decided;
    }

    long lastDecisionNanos() {
        return lastDecisionNanos;
    }

    synchronized Histogram latency() {
        return latencyMicros.copy();
    }

    synchronized Verification verification() {
        long confirmed = Arrays.stream(confirmedUnits).sum();
        long oversold = Arrays.stream(confirmedUnits).map(units -> Math.max(0, units - workload.stockPerDrop())).sum();
        return new Verification(workload.requests(), workload.orders(), decided, duplicates,
                workload.orders() - decided, confirmed, workload.expectedConfirmed(), workload.totalStock(), oversold,
                rejected, retryReplies, retryMismatches, foreign, sendErrors.get());
    }

    /** Slot i of an open-loop run is due at {@code t0 + i / rate}. */
    record Schedule(long t0Nanos, double periodNanos) {
        static Schedule of(long t0Nanos, double ratePerSecond) {
            return new Schedule(t0Nanos, 1e9 / ratePerSecond);
        }

        long intended(int slot) {
            return t0Nanos + (long) (slot * periodNanos);
        }
    }

    /** One run's checks: none missing or twice, no oversell, min(stock, orders) confirmed, retries consistent. */
    record Verification(long requests, long orders, long decided, long duplicates, long missing, long confirmedUnits,
                        long expectedConfirmed, long stock, long oversold, long rejected, long retryReplies,
                        long retryMismatches, long foreign, long sendErrors) {
        boolean ok() {
            return duplicates == 0 && missing == 0 && oversold == 0 && confirmedUnits == expectedConfirmed
                    && retryMismatches == 0 && sendErrors == 0;
        }

        String problems() {
            String p = Stream.of(missing > 0 ? missing + " orders without a decision" : "",
                    duplicates > 0 ? duplicates + " duplicate decisions" : "",
                    oversold > 0 ? oversold + " units OVERSOLD" : "",
                    confirmedUnits != expectedConfirmed && oversold == 0
                            ? confirmedUnits + " units confirmed, " + expectedConfirmed + " expected" : "",
                    retryMismatches > 0 ? retryMismatches + " retries answered differently" : "",
                    sendErrors > 0 ? sendErrors + " failed sends" : "").filter(s -> !s.isEmpty())
                    .collect(Collectors.joining("; "));
            return p.isEmpty() ? "ok" : p;
        }
    }
}
