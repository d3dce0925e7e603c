package io.livedrop.bench.api;

import io.livedrop.bench.Formats;
import io.livedrop.bench.Http;
import io.livedrop.bench.Progress;
import io.livedrop.bench.Waits;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Function;
import java.util.function.IntUnaryOperator;
import java.util.function.LongPredicate;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * The load generator. {@link #openLoop Open loop}: request {@code i} is due at {@code t0 + i / rate} and its latency
 * runs from then to its reply, so a late sender, a full connection pool or a stalled server all count (no coordinated
 * omission). {@link #closedLoop Closed loop}: N requests always in flight, each timed from its actual send.
 * HdrHistogram, microseconds, 3 significant digits.
 */
public final class LoadGenerator {

    public static final String TYPENAME_QUERY = "{ __typename }";
    /** Latencies above one hour are recorded as one hour. */
    public static final long HIGHEST_TRACKABLE_MICROS = TimeUnit.HOURS.toMicros(1);

    private LoadGenerator() {
    }

    /** What a reply meant. OK, REJECTED and PENDING are answers (their latency counts); ERROR is not. */
    public enum Outcome { OK, REJECTED, PENDING, ERROR }

    /** One reply: its outcome, when it became visible ({@code atNanos}; 0: when the future completed), an error. */
    public record Reply(Outcome outcome, long atNanos, String detail) {
        public static Reply error(String detail) {
            return new Reply(Outcome.ERROR, 0, detail);
        }
    }

    /** Sends request {@code index} of a run; the future completes with its reply. */
    @FunctionalInterface
    public interface Target {
        CompletableFuture<Reply> send(int index);
    }

    /** One run: counters and histograms, readable while it runs (for progress) and after. */
    public static final class Run {
        final String label;
        final boolean open;
        final double rate;
        final int requests;
        private final Histogram all = new Histogram(HIGHEST_TRACKABLE_MICROS, 3);
        private final Histogram[] byClass;
        final AtomicLong sent = new AtomicLong();
        final AtomicLong answered = new AtomicLong();
        /** Replies by {@link Outcome}. */
        private final AtomicLongArray outcomes = new AtomicLongArray(Outcome.values().length);
        final AtomicLong unanswered = new AtomicLong();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger peakInFlight = new AtomicInteger();
        volatile String firstError;
        volatile long t0Nanos;
        volatile long lastDueNanos;
        volatile long endNanos;
        /** Closed loop: replies within its window. */
        final AtomicLong completedInWindow = new AtomicLong();
        final AtomicLong lastAnswerNanos = new AtomicLong();

        Run(String label, boolean open, double rate, int requests, int classes) {
            this.label = label;
            this.open = open;
            this.rate = rate;
            this.requests = requests;
            this.byClass = Stream.generate(() -> new Histogram(HIGHEST_TRACKABLE_MICROS, 3)).limit(Math.max(1, classes))
                    .toArray(Histogram[]::new);
        }

        /** An answer's latency, counted under {@code outcome} (null: unanswered). */
        synchronized void record(int cls, long nanos, Outcome outcome) {
            long micros = Math.min(HIGHEST_TRACKABLE_MICROS, Math.max(0, nanos / 1000));
            all.recordValue(micros);
            byClass[cls].recordValue(micros);
            if (outcome != null) {
                outcomes.incrementAndGet(outcome.ordinal());
            }
        }

        /** Sends request i timed from {@code fromNanos}; records its reply if {@code first} claims it, then after. */
        void fire(Target target, int i, long fromNanos, IntUnaryOperator classOf, LongPredicate first, Runnable after) {
            CompletableFuture<Reply> reply;
            try {
                reply = Objects.requireNonNullElse(target.send(i), CompletableFuture.completedFuture(
                        Reply.error("no request sent")));
            } catch (RuntimeException e) {
                reply = CompletableFuture.completedFuture(Reply.error(Formats.rootCause(e)));
            }
            sent.incrementAndGet();
            peakInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            reply.whenComplete((r, e) -> {
                long at = System.nanoTime();
                inFlight.decrementAndGet();
                if (first.test(at)) {
                    if (e != null || r == null || r.outcome() == Outcome.ERROR) {
                        outcomes.incrementAndGet(Outcome.ERROR.ordinal());
                        if (firstError == null) {
                            firstError = e != null ? Formats.rootCause(e) : r == null ? "no reply" : r.detail();
                        }
                    } else {
                        record(classOf.applyAsInt(i), (r.atNanos() > 0 ? r.atNanos() : at) - fromNanos, r.outcome());
                    }
                    lastAnswerNanos.accumulateAndGet(at, Math::max);
                    answered.incrementAndGet(); // last: the open loop waits for every answer recorded
                }
                after.run();
            });
        }

        Progress.Ticker ticker(boolean progress) {
            return progress ? Progress.every(Duration.ofSeconds(5), this::progressLine) : () -> { };
        }

        public synchronized Histogram histogram() {
            return all.copy();
        }

        /** Class {@code cls}'s histogram, or every request's when {@code cls} is negative. */
        public synchronized Histogram histogram(int cls) {
            return (cls < 0 ? all : byClass[cls]).copy();
        }

        public long count(Outcome outcome) {
            return outcomes.get(outcome.ordinal());
        }

        public long errors() {
            return count(Outcome.ERROR);
        }

        public long unanswered() {
            return unanswered.get();
        }

        public String firstError() {
            return firstError;
        }

        /** Open loop: sent per second, first intended send to last; closed loop: replies per second in its window. */
        public double achievedRate() {
            double seconds = Math.max(1e-9, ((open ? lastDueNanos : endNanos) - t0Nanos) / 1e9);
            return !open ? completedInWindow.get() / seconds : requests <= 1 ? requests : (requests - 1) / seconds;
        }

        /** Answers per second from the first intended send to the last answer: the rate actually served. */
        public double servedRate() {
            long last = lastAnswerNanos.get();
            return last <= t0Nanos ? 0 : answered.get() / ((last - t0Nanos) / 1e9);
        }

        /** Open loop: the target served less than 90% of the offered rate, or left requests unanswered. */
        public boolean saturated() {
            return open && (unanswered.get() > 0 || servedRate() < 0.9 * rate);
        }

        String progressLine() {
            Histogram h = histogram();
            return String.format(Locale.ROOT, "%s: sent %,d%s, answered %,d (%,.0f/s), in flight %d, p50 %.2f ms,"
                    + " p99 %.2f ms so far", label, sent.get(), open ? String.format(Locale.ROOT, "/%,d", requests)
                    : "", answered.get(), answered.get() / Math.max(1e-9, (System.nanoTime() - t0Nanos) / 1e9),
                    inFlight.get(), h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0)
                    + some(errors(), "errors");
        }

        public String summaryLine() {
            Histogram h = histogram();
            String served = open ? String.format(Locale.ROOT, ", served %,.0f/s%s", servedRate(), saturated()
                    ? " (SATURATED: latency is mostly queueing)" : "") : "";
            return String.format(Locale.ROOT, "%s: %s %,.0f/s%s, %,d answered, p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms,"
                    + " max %.1f ms", label, open ? "sent" : "throughput", achievedRate(), served, h.getTotalCount(),
                    h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                    h.getValueAtPercentile(99.9) / 1000.0, h.getMaxValue() / 1000.0) + some(count(Outcome.PENDING),
                    "PENDING") + some(errors(), "errors (first: " + firstError + ")")
                    + some(unanswered.get(), "unanswered at the drain deadline");
        }

        /** "; N what", or nothing when N is 0. */
        private static String some(long n, String what) {
            return n > 0 ? String.format(Locale.ROOT, "; %,d %s", n, what) : "";
        }
    }

    /**
     * Open loop at {@code rate}/s for {@code duration}, at most {@code maxInFlight} out at once (the rest queue here
     * with the clock running). A request unanswered {@code drain} after the last is recorded at the latency it reached
     * (a lower bound) and counted unanswered. {@code classOf} sorts requests into {@code classes} extra histograms.
     */
    public static Run openLoop(String label, double rate, Duration duration, int maxInFlight, Target target,
                               IntUnaryOperator classOf, int classes, Duration drain, boolean progress) {
        int n = (int) Math.max(1, Math.round(rate * duration.toNanos() / 1e9));
        Run run = new Run(label, true, rate, n, classes);
        double periodNanos = 1e9 / rate;
        AtomicIntegerArray done = new AtomicIntegerArray(n);
        long t0 = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        run.t0Nanos = t0;
        long deadline = t0 + (long) ((n - 1) * periodNanos) + drain.toNanos();
        Semaphore out = new Semaphore(maxInFlight);
        try (Progress.Ticker ticker = run.ticker(progress)) {
            for (int i = 0; i < n; i++) {
                long intended = t0 + (long) (i * periodNanos);
                Waits.until(intended);
                if (!acquire(out, deadline)) {
                    break; // never sent: counted unanswered below
                }
                int k = i;
                run.fire(target, i, intended, classOf, at -> done.compareAndSet(k, 0, 1), out::release);
            }
            run.lastDueNanos = t0 + (long) ((n - 1) * periodNanos);
            if (!Waits.await(() -> run.answered.get() == n, Duration.ofNanos(deadline - System.nanoTime()))) {
                long now = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    if (done.compareAndSet(i, 0, 1)) {
                        // recorded at the latency it has reached (a lower bound), counted as unanswered
                        run.record(classOf.applyAsInt(i), now - (t0 + (long) (i * periodNanos)), null);
                        run.unanswered.incrementAndGet();
                    }
                }
            }
            // no backlog spills into the next run
            Waits.await(() -> run.inFlight.get() == 0, drain);
        }
        run.endNanos = System.nanoTime();
        return run;
    }

    private static boolean acquire(Semaphore s, long deadlineNanos) {
        try {
            return s.tryAcquire(deadlineNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** An untimed open-loop run before a measured one; what is queued after a short drain is dropped. */
    public static void warmup(String system, int rate, Duration duration, int maxInFlight, Target target) {
        if (duration.isZero()) {
            return;
        }
        Progress.say("%s @ %,d/s: warm-up %d s (discarded)", system, rate, duration.toSeconds());
        Run w = openLoop(system + " warm-up", rate, duration, maxInFlight, target, i -> 0, 1, Duration.ofSeconds(5),
                false);
        if (w.errors() > 0) {
            Progress.say("  warm-up%s", Run.some(w.errors(), "errors (first: " + w.firstError() + ")"));
        }
    }

    /** Untimed closed-loop traffic of the {@code targets} in turn, for the instances' JIT. */
    public static void jitWarmup(List<Target> targets, String what, int inFlight, Duration duration) {
        if (duration.isZero()) {
            return;
        }
        Progress.say("JIT warm-up: %d s, closed loop, %d in flight, %s (discarded)", duration.toSeconds(), inFlight,
                what);
        Target mixed = i -> targets.get(i % targets.size()).send(i / targets.size());
        Run w = closedLoop("JIT warm-up", inFlight, duration, mixed, i -> 0, 1, Duration.ofSeconds(10), true);
        Progress.say("JIT warm-up done: %,.0f requests/s on average%s", w.achievedRate(),
                Run.some(w.errors(), "errors (first: " + w.firstError() + ")"));
    }

    /** The {@code { __typename }} baseline: the same server and client, GraphQL executed without touching any store. */
    public static Target typename(Http http, String baseUrl, String token) {
        HttpRequest request = Http.graphQl(baseUrl, Http.json(TYPENAME_QUERY), token);
        return i -> send(http, request, LoadGenerator::typenameOutcome);
    }

    static Outcome typenameOutcome(String body) {
        return body.contains("\"__typename\":\"Query\"") && !body.contains("\"errors\"") ? Outcome.OK : Outcome.ERROR;
    }

    /** Sends {@code request}; the reply is stamped when the whole body has arrived, classified by {@code classify}. */
    public static CompletableFuture<Reply> send(Http http, HttpRequest request, Function<String, Outcome> classify) {
        return http.client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((response, error) -> {
            long at = System.nanoTime();
            if (error != null || response.statusCode() != 200) {
                return new Reply(Outcome.ERROR, at, error != null ? Formats.rootCause(error)
                        : "HTTP " + response.statusCode() + ": " + Http.abbreviate(response.body()));
            }
            Outcome outcome = classify.apply(response.body());
            return new Reply(outcome, at, outcome == Outcome.ERROR ? Http.abbreviate(response.body()) : null);
        });
    }

    /** Closed loop: {@code concurrency} requests in flight for {@code duration}, timed from each actual send. */
    public static Run closedLoop(String label, int concurrency, Duration duration, Target target,
                                 IntUnaryOperator classOf, int classes, Duration drain, boolean progress) {
        Run run = new Run(label, false, concurrency, 0, classes);
        Semaphore out = new Semaphore(concurrency);
        long end = System.nanoTime() + duration.toNanos();
        run.t0Nanos = end - duration.toNanos();
        run.endNanos = end;
        try (Progress.Ticker ticker = run.ticker(progress)) {
            // each answer frees the slot of the next request
            for (int i = 0; System.nanoTime() < end && acquire(out, end); i++) {
                run.fire(target, i, System.nanoTime(), classOf, at -> {
                    if (at <= end) {
                        run.completedInWindow.incrementAndGet();
                    }
                    return true;
                }, out::release);
            }
            if (!Waits.await(() -> out.availablePermits() == concurrency, Duration.ofNanos(end - System.nanoTime())
                    .plus(drain))) {
                run.unanswered.set(concurrency - out.availablePermits());
            }
        }
        return run;
    }
}
