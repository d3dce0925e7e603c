package io.livedrop.bench.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.livedrop.bench.Ownership;
import io.livedrop.bench.Tokens;
import io.livedrop.bench.api.LoadGenerator.Outcome;
import io.livedrop.bench.api.LoadGenerator.Reply;
import io.livedrop.bench.api.LoadGenerator.Run;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The load generator's scheduling and latency accounting, against fake targets with known delays (no HTTP, no
 * server): open-loop latency runs from each request's intended time, so a stalled server, a late sender and a full
 * connection pool are each charged to every request they delay, not just to one (no coordinated omission). The
 * whole harness (broker and two application JVMs) takes minutes on two cores, too long for a unit test: it is
 * exercised by {@code bench/api --quick}.
 */
class LoadGeneratorTest {

    private final ScheduledExecutorService server = Executors.newScheduledThreadPool(2);

    @AfterEach
    void stop() {
        server.shutdownNow();
    }

    /** Completes {@code delayNanos} after now, on the fake server's threads. */
    private CompletableFuture<Reply> answerIn(long delayNanos) {
        CompletableFuture<Reply> f = new CompletableFuture<>();
        server.schedule(() -> f.complete(new Reply(Outcome.OK, 0, null)), Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
        return f;
    }

    @Test
    void aStalledServerIsChargedToEveryRequestThatArrivesDuringTheStall() {
        // 1,000/s for 1 s; the server answers at once, except that it stalls for 200 ms from the 300th request on:
        // everything that arrives in the stall is answered when it ends.
        AtomicLong stallEnd = new AtomicLong();
        Run run = LoadGenerator.openLoop("stall", 1000, Duration.ofSeconds(1), 10_000, i -> {
            if (i == 300) {
                stallEnd.set(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200));
            }
            long wait = stallEnd.get() - System.nanoTime();
            return answerIn(wait > 0 ? wait : 0);
        }, i -> 0, 1, Duration.ofSeconds(10), false);

        Histogram h = run.histogram();
        assertThat(h.getTotalCount()).isEqualTo(1000);
        assertThat(run.unanswered()).isZero();
        assertThat(run.errors()).isZero();
        // ~200 requests arrived during the stall, waiting 200 ms down to 0: about 100 of them waited >= 100 ms.
        // A client that measured from its actual send, or waited before sending, would show one slow request; one that
        // charged the stall to every later request, 700. The band is wide for scheduling jitter on a loaded machine.
        long slow = h.getCountBetweenValues(100_000, Long.MAX_VALUE);
        assertThat(slow).isBetween(60L, 250L);
        assertThat(h.getMaxValue()).isBetween(180_000L, 400_000L);
        assertThat(h.getValueAtPercentile(50)).isLessThan(20_000);
    }

    @Test
    void aLateSenderIsChargedToTheRequestsItSendsLate() {
        // The send call itself blocks for 150 ms once (a GC pause, a full socket buffer): the requests due meanwhile
        // go out late, in a burst, and their latency counts from when they were due.
        Run run = LoadGenerator.openLoop("late sender", 1000, Duration.ofMillis(600), 10_000, i -> {
            if (i == 100) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(150));
            }
            return CompletableFuture.completedFuture(new Reply(Outcome.OK, 0, null));
        }, i -> 0, 1, Duration.ofSeconds(10), false);

        Histogram h = run.histogram();
        assertThat(h.getTotalCount()).isEqualTo(600);
        assertThat(h.getCountBetweenValues(50_000, Long.MAX_VALUE)).isBetween(60L, 130L);
        assertThat(h.getMaxValue()).isGreaterThanOrEqualTo(140_000);
        assertThat(run.achievedRate()).isBetween(900.0, 1100.0); // the schedule is kept: late requests are not dropped
    }

    @Test
    void requestsBeyondTheConnectionLimitQueueAndTheirWaitCounts() {
        // One connection, 5 ms per answer = 200/s capacity, offered 400/s for 0.5 s: the queue grows all the way,
        // the last request waits ~0.5 s.
        Run run = LoadGenerator.openLoop("one connection", 400, Duration.ofMillis(500), 1,
                i -> answerIn(TimeUnit.MILLISECONDS.toNanos(5)), i -> 0, 1, Duration.ofSeconds(10), false);

        Histogram h = run.histogram();
        assertThat(h.getTotalCount()).isEqualTo(200);
        assertThat(run.peakInFlight.get()).isEqualTo(1);
        assertThat(h.getMaxValue()).isGreaterThan(350_000);
        assertThat(h.getValueAtPercentile(50)).isGreaterThan(150_000);
    }

    @Test
    void requestsUnansweredAtTheDrainDeadlineAreRecordedAtTheirLatencySoFarAndCounted() {
        Run run = LoadGenerator.openLoop("never", 100, Duration.ofMillis(200), 10_000,
                i -> i % 2 == 0 ? answerIn(0) : new CompletableFuture<>(), i -> 0, 1, Duration.ofMillis(500), false);

        assertThat(run.unanswered()).isEqualTo(10);
        assertThat(run.count(Outcome.OK)).isEqualTo(10);
        Histogram h = run.histogram();
        assertThat(h.getTotalCount()).isEqualTo(20);
        assertThat(h.getMaxValue()).isGreaterThanOrEqualTo(450_000); // at least the drain time
    }

    @Test
    void requestsInFlightAtTheDeadlineAreAwaitedSoThatTheyDoNotSpillIntoTheNextRun() {
        long start = System.nanoTime();
        Run run = LoadGenerator.openLoop("slow tail", 100, Duration.ofMillis(100), 10_000,
                i -> answerIn(TimeUnit.MILLISECONDS.toNanos(i == 0 ? 550 : 1)), i -> 0, 1, Duration.ofMillis(300),
                false);

        assertThat(run.unanswered()).isEqualTo(1);
        assertThat(run.inFlight.get()).isZero();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(500));
    }

    @Test
    void outcomesAndClassesAreCountedApart() {
        Run run = LoadGenerator.openLoop("classes", 1000, Duration.ofMillis(200), 10_000, i -> {
            Outcome o = switch (i % 4) {
                case 0 -> Outcome.OK;
                case 1 -> Outcome.REJECTED;
                case 2 -> Outcome.PENDING;
                default -> Outcome.ERROR;
            };
            return CompletableFuture.completedFuture(o == Outcome.ERROR ? Reply.error("boom") : new Reply(o, 0, null));
        }, i -> i % 2, 2, Duration.ofSeconds(5), false);

        assertThat(run.count(Outcome.OK)).isEqualTo(50);
        assertThat(run.count(Outcome.REJECTED)).isEqualTo(50);
        assertThat(run.count(Outcome.PENDING)).isEqualTo(50);
        assertThat(run.errors()).isEqualTo(50);
        assertThat(run.firstError()).isEqualTo("boom");
        assertThat(run.histogram().getTotalCount()).isEqualTo(150); // errors are counted, not timed
        assertThat(run.histogram(0).getTotalCount()).isEqualTo(100); // OK + PENDING (even indexes)
        assertThat(run.histogram(1).getTotalCount()).isEqualTo(50);  // REJECTED (odd, errors excluded)
    }

    @Test
    void aReplyStampedWhenItBecameVisibleIsMeasuredToThatStamp() {
        // The topology baseline stamps a decision when the consumer's poll returned it, before the future completes.
        Run run = LoadGenerator.openLoop("stamped", 100, Duration.ofMillis(100), 10_000, i -> {
            long visible = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(5);
            CompletableFuture<Reply> f = new CompletableFuture<>();
            server.schedule(() -> f.complete(new Reply(Outcome.OK, visible, null)), 60, TimeUnit.MILLISECONDS);
            return f;
        }, i -> 0, 1, Duration.ofSeconds(5), false);

        assertThat(run.histogram().getMaxValue()).isLessThan(40_000);
    }

    @Test
    void theClosedLoopKeepsItsConcurrencyAndCountsRepliesInTheWindow() {
        Run run = LoadGenerator.closedLoop("closed", 4, Duration.ofMillis(800),
                i -> answerIn(TimeUnit.MILLISECONDS.toNanos(10)), i -> 0, 1, Duration.ofSeconds(5), false);

        assertThat(run.peakInFlight.get()).isEqualTo(4);
        // 4 / 10 ms = 400/s at best; the lower bounds hold however slow a loaded machine is
        assertThat(run.achievedRate()).isGreaterThan(0.0).isLessThanOrEqualTo(420.0);
        assertThat(run.histogram().getValueAtPercentile(50)).isGreaterThanOrEqualTo(9_000L);
        assertThat(run.errors()).isZero();
    }

    @Test
    void answersAreClassifiedFromTheBody() {
        assertThat(ApiBenchmark.readOutcome("{\"data\":{\"drop\":{\"product\":{\"name\":\"x\"},\"remainingStock\":5,"
                + "\"status\":\"LIVE\"}}}")).isEqualTo(Outcome.OK);
        assertThat(ApiBenchmark.readOutcome("{\"errors\":[{\"message\":\"x\"}],\"data\":{\"drop\":null}}"))
                .isEqualTo(Outcome.ERROR);
        assertThat(LoadGenerator.typenameOutcome("{\"data\":{\"__typename\":\"Query\"}}")).isEqualTo(Outcome.OK);
        assertThat(ApiBenchmark.orderOutcome("{\"data\":{\"placeOrder\":{\"order\":{\"id\":\"1\",\"status\":\"CONFIRMED\"}}}}"))
                .isEqualTo(Outcome.OK);
        assertThat(ApiBenchmark.orderOutcome("{\"data\":{\"placeOrder\":{\"order\":{\"id\":\"1\",\"status\":\"REJECTED\"}}}}"))
                .isEqualTo(Outcome.REJECTED);
        assertThat(ApiBenchmark.orderOutcome("{\"data\":{\"placeOrder\":{\"order\":{\"id\":\"1\",\"status\":\"PENDING\"}}}}"))
                .isEqualTo(Outcome.PENDING);
        assertThat(ApiBenchmark.orderOutcome("{\"errors\":[{\"extensions\":{\"code\":\"RATE_LIMITED\"}}]}"))
                .isEqualTo(Outcome.ERROR);
    }

    @Test
    void tokensAreHs256JwtsWithSubjectAndRoles() throws Exception {
        String token = new Tokens(Tokens.SECRET).mint("u1", java.util.List.of("CREATOR"), Duration.ofHours(1),
                java.time.Instant.ofEpochSecond(1_000));
        String[] parts = token.split("\\.");
        assertThat(parts).hasSize(3);
        java.util.Base64.Decoder d = java.util.Base64.getUrlDecoder();
        assertThat(new String(d.decode(parts[0]))).contains("\"alg\":\"HS256\"");
        assertThat(new String(d.decode(parts[1])))
                .isEqualTo("{\"sub\":\"u1\",\"roles\":[\"CREATOR\"],\"iat\":1000,\"exp\":4600}");
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(Tokens.SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "HmacSHA256"));
        byte[] expected = mac.doFinal((parts[0] + "." + parts[1]).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertThat(d.decode(parts[2])).isEqualTo(expected);
    }

    @Test
    void partitionsAreKafkasDefaultPartitionersForStringKeys() {
        // org.apache.kafka.clients.producer.internals.BuiltInPartitioner.partitionForKey is the same murmur2
        byte[] key = "d-abc123".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(Ownership.partition("d-abc123", 12)).isEqualTo(
                org.apache.kafka.clients.producer.internals.BuiltInPartitioner.partitionForKey(key, 12));
        assertThat(Ownership.partition(Ownership.probeKey(7, 12), 12)).isEqualTo(7);
    }
}
