package io.livedrop.api.kafka;

import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * /actuator/health from the Kafka Streams state: UP while RUNNING or REBALANCING (reads may answer
 * UNAVAILABLE for a moment, decisions go on), DOWN otherwise, with the state as a detail.
 * Readiness follows the same states (see {@link StreamsRuntime}).
 */
@Component("kafkaStreams")
public class KafkaStreamsHealth implements HealthIndicator {

    private final StreamsRuntime runtime;

    public KafkaStreamsHealth(StreamsRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public Health health() {
        KafkaStreams.State state;
        try {
            state = runtime.streams().state();
        } catch (IllegalStateException notStarted) {
            return Health.down().withDetail("state", "NOT_STARTED").build();
        }
        Health.Builder builder = state.isRunningOrRebalancing() ? Health.up() : Health.down();
        return builder.withDetail("state", state.name()).build();
    }
}
