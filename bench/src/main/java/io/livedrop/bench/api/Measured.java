package io.livedrop.bench.api;

import io.livedrop.bench.CpuWatch;
import java.util.Map;

/**
 * One measured run of one case (kind, system, rate or concurrency, repetition): its run (histograms of all requests,
 * and per class: local and remote keys for reads), the cores each process used and the foreign load while it ran.
 */
record Measured(String kind, String system, double rate, int rep, LoadGenerator.Run run, Map<String, Double> cores,
                CpuWatch.Foreign foreign) {

    static final String READ = "read";
    static final String MAX = "max";
    static final String ORDER = "order";

    static final String DROP_READ = "drop read";
    static final String TYPENAME = "__typename";
    static final String PLACE_ORDER = "placeOrder via API";
    static final String TOPOLOGY_ONLY = "topology only";

    /** Every request, or one class ({@link ApiBenchmark#LOCAL}, {@link ApiBenchmark#REMOTE}). */
    static final int ALL = -1;

    double ms(int cls, double percentile) {
        return run.histogram(cls).getValueAtPercentile(percentile) / 1000.0;
    }

    /** Answers all came and none was an error. */
    boolean clean() {
        return run.errors() == 0 && run.unanswered() == 0;
    }

    boolean lowerBound() {
        return run.unanswered() > 0 || run.count(LoadGenerator.Outcome.PENDING) > 0;
    }
}
