package io.livedrop.bench.faults;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Samples an instance's {@code livedrop_state_restore_records_total} (records restored into active tasks and applied
 * to standby and warm-up tasks, both applications; from Kafka Streams' restore and standby-update listeners) every
 * 500 ms from its Prometheus endpoint: how fast it rebuilds deleted state from the changelogs.
 */
final class RestoreWatch implements AutoCloseable {

    private static final Pattern SAMPLE = Pattern.compile(
            "^livedrop_state_restore_records_total\\{[^}]*}\\s+([0-9.eE+-]+)$", Pattern.MULTILINE);

    private final Harness h;
    private final Harness.Instance instance;
    private final long startNanos;
    private final Sampler<Double> sampler;

    RestoreWatch(Harness h, Harness.Instance instance, long startNanos) {
        this.h = h;
        this.instance = instance;
        this.startNanos = startNanos;
        sampler = new Sampler<>("faults-restore-watch", this::scrape);
    }

    private Double scrape() {
        try {
            HttpResponse<String> r = h.setupClient.get(instance.app.peerUrl() + "/actuator/prometheus");
            if (r.statusCode() != 200) {
                return null;
            }
            Matcher m = SAMPLE.matcher(r.body());
            double sum = 0;
            boolean any = false;
            while (m.find()) {
                sum += Double.parseDouble(m.group(1));
                any = true;
            }
            return any ? sum : null;
        } catch (RuntimeException e) {
            return null; // not up yet
        }
    }

    @Override
    public void close() throws InterruptedException {
        sampler.close();
    }

    /**
     * The restore phase: from the instance's start to the first second after the peak in which it applied no more
     * than twice the live rate (the rate of its last 5 s, when only new traffic is applied); records in it and the
     * rate. Empty text when too few samples were taken.
     */
    String summary() {
        List<Sampler.Sample<Double>> s = sampler.samples();
        if (s.size() < 12) {
            return "too few samples (" + s.size() + ")";
        }
        Sampler.Sample<Double> last = s.get(s.size() - 1);
        Sampler.Sample<Double> fiveBefore = s.stream().filter(x -> x.nanos() <= last.nanos() - 5_000_000_000L)
                .reduce((a, b) -> b).orElse(s.get(0));
        double live = (last.value() - fiveBefore.value()) / ((last.nanos() - fiveBefore.nanos()) / 1e9);
        int peak = 0;
        double peakRate = 0;
        for (int i = 2; i < s.size(); i++) {
            double rate = (s.get(i).value() - s.get(i - 2).value()) / ((s.get(i).nanos() - s.get(i - 2).nanos()) / 1e9);
            if (rate > peakRate) {
                peakRate = rate;
                peak = i;
            }
        }
        int end = s.size() - 1;
        for (int i = peak; i < s.size(); i++) {
            double rate = (s.get(i).value() - s.get(i - 2).value()) / ((s.get(i).nanos() - s.get(i - 2).nanos()) / 1e9);
            if (rate <= 2 * Math.max(live, 1)) {
                end = i;
                break;
            }
        }
        Sampler.Sample<Double> done = s.get(end);
        double seconds = (done.nanos() - startNanos) / 1e9;
        return String.format(Locale.ROOT, "%,.0f records in %.1f s from the start of the JVM = %,.0f records/s"
                        + " (peak %,.0f records/s over 1 s; afterwards %,.0f records/s of live traffic; %,.0f records"
                        + " by the end)", done.value(), seconds, done.value() / seconds, peakRate, live,
                last.value());
    }
}
