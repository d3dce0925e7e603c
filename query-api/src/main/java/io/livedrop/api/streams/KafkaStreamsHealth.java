package io.livedrop.api.streams;

import java.util.List;
import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * /actuator/health from the state of both Kafka Streams applications (orders and social): UP while RUNNING or REBALANCING (reads may answer
 * UNAVAILABLE for a moment, decisions go on) and no stream thread is stuck ({@link StreamThreadWatchdog}), DOWN
 * otherwise, with the state and any stuck thread as details.
 * Readiness follows the same states (see {@link StreamsRuntime}).
 */
@Component("kafkaStreams")
public class KafkaStreamsHealth implements HealthIndicator {

    private final StreamsRuntime runtime;
    private final StreamThreadWatchdog watchdog;

    public KafkaStreamsHealth(StreamsRuntime runtime, StreamThreadWatchdog watchdog) {
        this.runtime = runtime;
        this.watchdog = watchdog;
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
        List<StreamThreadWatchdog.Stuck> stuck = watchdog.stuck();
        Health.Builder builder = orders.isRunningOrRebalancing() && social.isRunningOrRebalancing() && stuck.isEmpty()
                ? Health.up() : Health.down();
        builder.withDetail("state", orders.name()).withDetail("socialState", social.name());
        if (!stuck.isEmpty()) {
            builder.withDetail("stuckStreamThreads", stuck.stream().map(s -> s.consumer() + " (no poll for "
                    + (long) s.secondsSincePoll() + " s)").toList());
        }
        return builder.build();
    }
}
