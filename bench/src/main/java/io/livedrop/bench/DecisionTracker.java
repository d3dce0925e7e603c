package io.livedrop.bench;

import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * What came back for one workload: one entry per order (first decision, confirmed or not), duplicates, units
 * confirmed per drop, and the latency histogram in microseconds. Open-loop latency is measured from the
 * <em>intended</em> send time of the order's first request ({@link Schedule}), never from the actual send, so a
 * sender or a system that falls behind shows up as latency (no coordinated omission).
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

    /**
     * A decision seen for {@code order} at {@code nowNanos}. The first one counts (and, open loop, records latency
     * from its first request's intended send time); another for the same order is a duplicate, unless
     * {@code replyToRetry} (a request-reply baseline answers each retry), where it must match the first.
     */
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

    /** A request-reply latency sample (Redis): from the request's own intended send time to its reply. */
    synchronized void latencySample(int slot, long replyNanos) {
        record(replyNanos - schedule.intended(slot));
    }

    private void record(long nanos) {
        latencyMicros.recordValue(Math.min(Math.max(0, nanos / 1000), HIGHEST_TRACKABLE_MICROS));
    }

    /**
     * Gives up on the orders still undecided at {@code nowNanos}: each is recorded with the latency it has at least
     * (now - intended), so the percentiles are lower bounds rather than flattering (the verification counts them
     * as missing).
     */
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

    synchronized Verification verification(long sendErrors) {
        long confirmed = 0;
        long oversold = 0;
        for (long units : confirmedUnits) {
            confirmed += units;
            oversold += Math.max(0, units - workload.stockPerDrop());
        }
        return new Verification(workload.requests(), workload.orders(), decided, duplicates,
                workload.orders() - decided, confirmed, workload.expectedConfirmed(), workload.totalStock(), oversold,
                rejected, retryReplies, retryMismatches, foreign, sendErrors);
    }

    /** The intended send time of each slot of an open-loop run: {@code t0 + slot / rate}. */
    record Schedule(long t0Nanos, double periodNanos) {
        static Schedule of(long t0Nanos, double ratePerSecond) {
            return new Schedule(t0Nanos, 1e9 / ratePerSecond);
        }

        long intended(int slot) {
            return t0Nanos + (long) (slot * periodNanos);
        }
    }

    /**
     * The correctness checks of one run. {@code ok()} needs: one decision per distinct order (none missing, no
     * duplicate), no drop sold beyond its stock, exactly the units that could be sold confirmed (one unit per order,
     * no per-user limit: min(stock, orders) per drop), retries answered consistently, no failed send.
     */
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
