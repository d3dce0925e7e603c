package io.livedrop.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.livedrop.bench.DecisionTracker.Schedule;
import org.junit.jupiter.api.Test;

class DecisionTrackerTest {

    @Test
    void latencyIsMeasuredFromTheIntendedSendTimeOfTheOrdersFirstRequest() {
        Workload w = Workload.hot("t", 4, 0.0, 4, "d", 10, 1);
        DecisionTracker tracker = new DecisionTracker(w);
        tracker.schedule(new Schedule(1_000_000_000L, 1_000_000)); // slot i due at 1 s + i ms

        tracker.decision(0, true, 1, 1_000_000_000L + 5_000_000, false);  // 5 ms after slot 0
        tracker.decision(3, true, 1, 1_000_000_000L + 40_000_000, false); // 37 ms after slot 3

        assertThat(tracker.latency().getTotalCount()).isEqualTo(2);
        assertThat(tracker.latency().getMaxValue() / 1000.0).isBetween(36.9, 37.1);
        assertThat(tracker.latency().getMinValue() / 1000.0).isBetween(4.99, 5.01);
    }

    @Test
    void missingDuplicatesAndOversellFailTheChecks() {
        Workload w = Workload.hot("t", 3, 0.0, 3, "d", 1, 1);
        DecisionTracker tracker = new DecisionTracker(w);

        tracker.decision(0, true, 1, 1, false);
        tracker.decision(0, true, 1, 2, false); // a second decision for the same order
        tracker.decision(1, true, 1, 3, false); // stock is 1
        tracker.decision(-1, true, 1, 3, false); // another run's decision: ignored

        DecisionTracker.Verification v = tracker.verification();
        assertThat(v.ok()).isFalse();
        assertThat(v.duplicates()).isEqualTo(1);
        assertThat(v.missing()).isEqualTo(1);
        assertThat(v.oversold()).isEqualTo(1);
        assertThat(v.foreign()).isEqualTo(1);
        assertThat(v.problems()).contains("1 orders without a decision", "1 duplicate decisions", "1 units OVERSOLD");
    }

    @Test
    void undecidedOrdersCountAtTheLatencyTheyHaveWhenTheRunGivesUp() {
        Workload w = Workload.hot("t", 2, 0.0, 2, "d", 2, 1);
        DecisionTracker tracker = new DecisionTracker(w);
        tracker.schedule(new Schedule(0, 1_000_000));
        tracker.decision(0, true, 1, 2_000_000, false);

        tracker.giveUp(3_001_000_000L);

        assertThat(tracker.verification().missing()).isEqualTo(1);
        assertThat(tracker.latency().getMaxValue() / 1e6).isBetween(2.99, 3.01); // seconds, from slot 1 at 1 ms
    }

    @Test
    void aRequestReplyBaselineMustAnswerRetriesLikeTheFirstRequest() {
        Workload w = Workload.hot("t", 2, 0.0, 2, "d", 2, 1);
        DecisionTracker tracker = new DecisionTracker(w);
        tracker.decision(0, true, 1, 1, true);
        tracker.decision(1, false, 1, 1, true);
        tracker.decision(0, true, 1, 2, true);
        tracker.decision(1, true, 1, 2, true);

        DecisionTracker.Verification v = tracker.verification();
        assertThat(v.retryReplies()).isEqualTo(2);
        assertThat(v.retryMismatches()).isEqualTo(1);
        assertThat(v.duplicates()).isZero();
    }
}
