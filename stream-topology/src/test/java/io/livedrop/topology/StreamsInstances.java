package io.livedrop.topology;

import io.livedrop.kafka.embedded.EmbeddedKafkaBroker;
import io.livedrop.schemas.serde.AvroSerdes;
import io.livedrop.topology.config.LivedropConfig;
import io.livedrop.topology.config.StreamsSettings;
import io.livedrop.topology.config.Topics;
import io.livedrop.topology.config.TopologySerdes;
import io.livedrop.topology.provisioning.TopicProvisioner;
import io.livedrop.topology.social.SocialTopology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Instances of the livedrop topology on a real broker, as the application runs them (same
 * StreamsSettings), each with its own state directory, under a topic prefix and application id of
 * their own so that test classes sharing the broker do not meet.
 */
public final class StreamsInstances implements AutoCloseable {

    public final LivedropConfig config;
    public final Topics topics;
    public final TopologySerdes serdes;
    private final EmbeddedKafkaBroker broker;
    private final String applicationId;
    private final List<KafkaStreams> running = new ArrayList<>();
    private final List<Path> stateDirs = new ArrayList<>();

    public StreamsInstances(EmbeddedKafkaBroker broker, String name, Map<String, Object> topologySettings) {
        this.broker = broker;
        String unique = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> settings = new java.util.HashMap<>(topologySettings);
        settings.put(LivedropConfig.TOPIC_PREFIX, unique + ".");
        this.config = new LivedropConfig(settings);
        this.topics = Topics.from(config);
        this.serdes = TopologySerdes.from(AvroSerdes.singleObject());
        this.applicationId = unique;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            new TopicProvisioner(admin, Duration.ofSeconds(30)).provision(topics);
        }
    }

    /** Starts one more instance of the order topology; see {@link #awaitAllRunning}. */
    public KafkaStreams start(Map<String, Object> overrides) {
        return start(LivedropTopology.build(config, serdes), applicationId, overrides);
    }

    /** Starts one more instance of the social topology, under its own application id as the application runs it. */
    public KafkaStreams startSocial(Map<String, Object> overrides) {
        return start(SocialTopology.build(config, serdes), SocialTopology.applicationId(applicationId), overrides);
    }

    private KafkaStreams start(org.apache.kafka.streams.Topology topology, String appId, Map<String, Object> overrides) {
        Path stateDir;
        try {
            stateDir = Files.createTempDirectory("livedrop-streams");
            stateDirs.add(stateDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        KafkaStreams streams = new KafkaStreams(topology,
                StreamsSettings.of(config, appId, broker.bootstrapServers(), stateDir, overrides));
        streams.start();
        running.add(streams);
        return streams;
    }

    public void awaitAllRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!running.stream().allMatch(s -> s.state() == KafkaStreams.State.RUNNING)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("instances not RUNNING: " + running.stream().map(KafkaStreams::state).toList());
            }
            Thread.sleep(50);
        }
    }

    @Override
    public void close() {
        running.forEach(s -> s.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(20))));
        for (Path dir : stateDirs) {
            try {
                org.apache.kafka.common.utils.Utils.delete(dir.toFile());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
