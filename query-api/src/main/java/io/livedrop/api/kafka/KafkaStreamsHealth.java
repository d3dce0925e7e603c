package io.livedrop.api.kafka;

import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * /actuator/health from the state of both Kafka Streams applications (orders and social): UP while RUNNING or REBALANCING (reads may answer
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
        KafkaStreams.State orders;
        KafkaStreams.State social;
        try {
            orders = runtime.streams().state();
            social = runtime.social().state();
        } catch (IllegalStateException notStarted) {
            return Health.down().withDetail("state", "NOT_STARTED").build();
        }
        Health.Builder builder = orders.isRunningOrRebalancing() && social.isRunningOrRebalancing() ? Health.up() : Health.down();
        return builder.withDetail("state", orders.name()).withDetail("socialState", social.name()).build();
    }
}
