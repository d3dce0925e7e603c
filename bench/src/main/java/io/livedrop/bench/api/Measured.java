package io.livedrop.bench.api;

import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * One measured run of one case: what kind ({@link #READ}, {@link #MAX}, {@link #ORDER}), which system, at which
 * rate (or concurrency), in which repetition; its load-generator run, its latency histograms (all requests, and per
 * class: local and remote keys for reads), the cores each process used and the foreign load while it ran.
 */
record Measured(String kind, String system, double rate, int rep, LoadGenerator.Run run, Histogram all,
                Histogram[] classes, Map<String, Double> cores, double[] foreign) {

    static final String READ = "read";
    static final String MAX = "max";
    static final String ORDER = "order";

    static final String DROP_READ = "drop read";
    static final String TYPENAME = "__typename";
    static final String PLACE_ORDER = "placeOrder via API";
    static final String TOPOLOGY_ONLY = "topology only";

    double ms(double percentile) {
        return all.getValueAtPercentile(percentile) / 1000.0;
    }

    double maxMs() {
        return all.getMaxValue() / 1000.0;
    }

    double classMs(int cls, double percentile) {
        return classes[cls].getValueAtPercentile(percentile) / 1000.0;
    }

    double classMaxMs(int cls) {
        return classes[cls].getMaxValue() / 1000.0;
    }

    boolean baseline() {
        return system.equals(TYPENAME) || system.equals(TOPOLOGY_ONLY);
    }

    /** Answers all came and none was an error. */
    boolean clean() {
        return run.errors() == 0 && run.unanswered() == 0;
    }

    boolean lowerBound() {
        return run.unanswered() > 0 || run.pending() > 0;
    }
}
