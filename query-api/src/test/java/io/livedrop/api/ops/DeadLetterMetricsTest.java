package io.livedrop.api.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class DeadLetterMetricsTest {

    @Test
    void shouldTakeTheSourceTopicFromTheHeaders() {
        RecordHeaders headers = new RecordHeaders();
        headers.add(DeadLetters.TOPIC, "livedrop.orders.requests".getBytes(StandardCharsets.UTF_8));

        assertThat(DeadLetterMetrics.sourceTopic(headers)).isEqualTo("livedrop.orders.requests");
        assertThat(DeadLetterMetrics.sourceTopic(new RecordHeaders())).isEqualTo("unknown");
        assertThat(DeadLetterMetrics.sourceTopic(null)).isEqualTo("unknown");
    }
}
