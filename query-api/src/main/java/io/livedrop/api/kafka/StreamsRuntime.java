package io.livedrop.api.kafka;

import io.livedrop.topology.LivedropTopology;
import io.livedrop.topology.config.LivedropConfig;
import io.livedrop.topology.config.StreamsSettings;
import io.livedrop.topology.config.Topics;
import io.livedrop.topology.config.TopologySerdes;
import io.livedrop.topology.provisioning.TopicProvisioner;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the livedrop topology inside the application. On start it provisions the topics (creating
 * what is missing, refusing to run on drift), starts Kafka Streams with exactly-once v2 and waits
 * until it is RUNNING; on stop it closes Kafka Streams cleanly, before the embedded broker stops.
 */
public final class StreamsRuntime implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(StreamsRuntime.class);

    private final LivedropProperties properties;
    private final KafkaCluster cluster;
    private final LivedropConfig config;
    private final Topics topics;
    private final TopologySerdes serdes;
    private final IntSupplier serverPort;
    private final ApplicationEventPublisher events;
    private final MeterRegistry meters;
    private volatile KafkaStreams streams;
    private volatile boolean hasRun;

    public StreamsRuntime(LivedropProperties properties, KafkaCluster cluster, LivedropConfig config,
                          TopologySerdes serdes, IntSupplier serverPort,
                          ApplicationEventPublisher events, MeterRegistry meters) {
        this.properties = properties;
        this.cluster = cluster;
        this.config = config;
        this.topics = Topics.from(config);
        this.serdes = serdes;
        this.serverPort = serverPort;
        this.events = events;
        this.meters = meters;
    }

    @Override
    public void start() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
            new TopicProvisioner(admin, properties.kafka().startupTimeout()).provision(topics);
        }
        KafkaStreams created = new KafkaStreams(LivedropTopology.build(config, serdes), streamsProperties());
        created.setUncaughtExceptionHandler(e -> {
            log.error("Stream thread failed; replacing it", e);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        CountDownLatch running = new CountDownLatch(1);
        created.setStateListener((now, before) -> {
            log.info("Kafka Streams {} -> {}", before, now);
            if (now == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
            publishAvailability(now);
        });
        streams = created;
        if (meters != null) {
            new KafkaStreamsMetrics(created).bindTo(meters);
        }
        created.start();
        awaitRunning(running, properties.kafka().startupTimeout());
    }

    private void awaitRunning(CountDownLatch running, Duration timeout) {
        try {
            if (!running.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("Kafka Streams not RUNNING after {} (state {}); reads answer UNAVAILABLE until it is",
                        timeout, streams.state());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Ready once Streams has run (restored its state) for the first time, and from then on while it
     * runs or rebalances (a rebalance is routine; reads answer from standbys or say UNAVAILABLE);
     * broken (restart me) once it has failed for good.
     */
    private void publishAvailability(KafkaStreams.State state) {
        if (state == KafkaStreams.State.RUNNING) {
            hasRun = true;
        }
        AvailabilityChangeEvent.publish(events, this, hasRun && state.isRunningOrRebalancing()
                ? ReadinessState.ACCEPTING_TRAFFIC : ReadinessState.REFUSING_TRAFFIC);
        if (state == KafkaStreams.State.ERROR) {
            AvailabilityChangeEvent.publish(events, this, LivenessState.BROKEN);
        }
    }

    /** livedrop's Streams settings, this instance's address for query routing, then livedrop.streams.* overrides. */
    Properties streamsProperties() {
        Map<String, Object> overrides = new HashMap<>();
        overrides.put(StreamsConfig.APPLICATION_SERVER_CONFIG, properties.advertisedHost() + ":" + serverPort.getAsInt());
        overrides.putAll(properties.streams());
        return StreamsSettings.of(config, properties.applicationId(), cluster.bootstrapServers(),
                properties.stateDirectory(), overrides);
    }

    /** The running instance, for interactive queries. */
    public KafkaStreams streams() {
        KafkaStreams current = streams;
        if (current == null) {
            throw new IllegalStateException("Kafka Streams is not started");
        }
        return current;
    }

    public Topics topics() {
        return topics;
    }

    @Override
    public void stop() {
        KafkaStreams current = streams;
        if (current != null) {
            log.info("Closing Kafka Streams");
            // Leave the group: the partitions move at once instead of after the session timeout (45 s),
            // which also lets a restarted instance take its tasks back without waiting.
            current.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(30)));
        }
    }

    @Override
    public boolean isRunning() {
        KafkaStreams current = streams;
        return current != null && current.state().isRunningOrRebalancing();
    }
}
