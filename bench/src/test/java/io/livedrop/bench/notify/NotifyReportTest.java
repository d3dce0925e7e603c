package io.livedrop.bench.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.livedrop.bench.notify.NotifyBenchmark.Cohort;
import io.livedrop.bench.notify.NotifyBenchmark.Round;
import java.time.Instant;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class NotifyReportTest {

    @Test
    void cpuPerDeliveryIsNotMeasurableWhenTheBaselineWindowSaturatedTheMachine() {
        assertThat(NotifyReport.baselineSaturated(cohort(1.85), 2)).isTrue();
        assertThat(NotifyReport.baselineSaturated(cohort(1.80), 2)).isTrue();
        assertThat(NotifyReport.baselineSaturated(cohort(1.20), 2)).isFalse();
        assertThat(NotifyReport.baselineSaturated(cohort(1.85), 4)).isFalse();
        assertThat(NotifyReport.baselineSaturated(new Cohort(), 2)).isFalse(); // no baseline window: judged as before
    }

    private static Cohort cohort(double machineCores) {
        Cohort c = new Cohort();
        c.quiet = new Round(0, -1, "d", 0, 0, new Histogram(3), -1, -1, 0, Map.of("machine", machineCores), 10,
                Instant.EPOCH, Instant.EPOCH);
        return c;
    }
}
