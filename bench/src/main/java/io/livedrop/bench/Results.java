package io.livedrop.bench;

import io.livedrop.bench.DecisionTracker.Verification;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/** Everything one benchmark run measured, in the order it was measured. */
final class Results {

    /** Which system a run measured. */
    enum System {
        TOPOLOGY("livedrop topology"), RAW_KAFKA("raw Kafka round trip"), REDIS_LUA("Redis Lua");

        final String label;

        System(String label) {
            this.label = label;
        }
    }

    /** One open-loop run at a fixed arrival rate, latency in µs. */
    record LatencyRun(System system, String config, double rate, double seconds, double achievedRate,
                      Histogram micros, Verification verification, String note) {
        double percentileMs(double p) {
            return micros.getValueAtPercentile(p) / 1000.0;
        }

        double maxMs() {
            return micros.getMaxValue() / 1000.0;
        }

        LatencyRun say() {
            Progress.say("%s (%s) open loop %,.0f/s: p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms; checks: %s",
                    system.label, config, rate, percentileMs(50), percentileMs(99), percentileMs(99.9), maxMs(),
                    verification.problems());
            return this;
        }
    }

    /** One max-throughput run: decisions/s from first send to last decision. */
    record ThroughputRun(System system, String config, String scenario, long requests, long orders,
                         double sendSeconds, double seconds, Verification verification, String note,
                         double steadyDecisionsPerSecond, String cpu) {
        double decisionsPerSecond() {
            return seconds <= 0 ? 0 : verification.decided() / seconds;
        }

        double requestsPerSecond() {
            return seconds <= 0 ? 0 : requests / seconds;
        }

        ThroughputRun say() {
            Progress.say("%s (%s) %s: %,.0f decisions/s, %,.0f requests/s in %.1f s (sending took %.1f s); checks: %s",
                    system.label, config, scenario, decisionsPerSecond(), requestsPerSecond(), seconds, sendSeconds,
                    verification.problems());
            if (!cpu.isEmpty()) {
                Progress.say("  from 25%% to 90%% of the decisions: %,.0f decisions/s; CPU in cores: %s",
                        steadyDecisionsPerSecond, cpu);
            }
            return this;
        }
    }

    final List<LatencyRun> latency = new ArrayList<>();
    final List<ThroughputRun> throughput = new ArrayList<>();
    String redisUnavailable;
    String redisVersion;

    /** Other processes' cores (average, worst second) during each run and its set-up. */
    final java.util.Map<Object, CpuWatch.Foreign> foreign = new java.util.IdentityHashMap<>();
    private final CpuWatch cpu;
    private long windowStart = java.lang.System.nanoTime();

    Results(CpuWatch cpu) {
        this.cpu = cpu;
    }

    synchronized void add(LatencyRun run) {
        latency.add(run);
        attribute(run);
    }

    synchronized void add(ThroughputRun run) {
        throughput.add(run);
        attribute(run);
    }

    private void attribute(Object run) {
        long now = java.lang.System.nanoTime();
        foreign.put(run, cpu.foreignBetween(windowStart, now));
        windowStart = now;
    }
}
