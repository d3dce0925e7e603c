package io.livedrop.topology.social;

import static org.assertj.core.api.Assertions.assertThat;

import io.livedrop.events.drop.DropEvent;
import io.livedrop.events.drop.DropEventType;
import io.livedrop.events.drop.DropStatus;
import io.livedrop.events.social.FollowAction;
import io.livedrop.events.social.FollowEvent;
import io.livedrop.schemas.serde.AvroSerdes;
import io.livedrop.topology.config.LivedropConfig;
import io.livedrop.topology.config.StreamsSettings;
import io.livedrop.topology.config.Topics;
import io.livedrop.topology.config.TopologySerdes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The push fan-out's Kafka Streams sensors: batches and followers forwarded, as rate and total. */
class PushFanoutMetricsTest {

    private static final Instant START = Instant.parse("2026-11-25T18:00:00Z");

    private final Path stateDir = tempDir();
    private final LivedropConfig config = new LivedropConfig(Map.of(
            LivedropConfig.PUSH_BATCH_SIZE, 500,
            LivedropConfig.INBOX_RETENTION_MS, Duration.ofDays(7).toMillis()));
    private final Topics topics = Topics.from(config);
    private final TopologySerdes serdes = TopologySerdes.from(AvroSerdes.singleObject());
    private final TopologyTestDriver driver = new TopologyTestDriver(SocialTopology.build(config, serdes),
            StreamsSettings.of(config, "livedrop-social-test", "unused:9092", stateDir, Map.of()), START);
    private final TestInputTopic<String, FollowEvent> follows = driver.createInputTopic(topics.follows().name(),
            serdes.key().serializer(), serdes.followEvent().serializer());
    private final TestInputTopic<String, DropEvent> dropEvents = driver.createInputTopic(topics.dropEvents().name(),
            serdes.key().serializer(), serdes.dropEvent().serializer());

    @AfterEach
    void close() throws IOException {
        driver.close();
        Utils.delete(stateDir.toFile());
    }

    @Test
    void shouldCountPushBatchesAndTheFollowersNamedInThem() {
        // Given 1,201 followers of ava
        for (int i = 0; i < 1_201; i++) {
            follows.pipeInput("u" + i, FollowEvent.newBuilder().setUserId("u" + i).setCreatorId("ava")
                    .setAction(FollowAction.FOLLOW).setAt(START).build());
        }

        // When two of ava's drops start
        dropEvents.pipeInput("d1", started("d1", START.plusSeconds(60)));
        dropEvents.pipeInput("d2", started("d2", START.plusSeconds(61)));

        // Then the totals count 2 x 3 batches and 2 x 1,201 followers, under the documented group and tags
        assertThat(value("batches-total")).isEqualTo(6.0);
        assertThat(value("followers-total")).isEqualTo(2_402.0);
        assertThat(value("batches-rate")).isGreaterThan(0.0);
        assertThat(value("followers-rate")).isGreaterThan(0.0);
        assertThat(metric("followers-total").metricName().tags())
                .containsEntry(PushFanoutProcessor.METRIC_SCOPE + "-id", PushFanoutProcessor.METRIC_ENTITY)
                .containsKey("thread-id");
    }

    private double value(String name) {
        return ((Number) metric(name).metricValue()).doubleValue();
    }

    private Metric metric(String name) {
        return driver.metrics().entrySet().stream()
                .filter(e -> e.getKey().group().equals(PushFanoutProcessor.METRIC_GROUP) && e.getKey().name().equals(name))
                .map(Map.Entry<MetricName, ? extends Metric>::getValue).findFirst()
                .orElseThrow(() -> new AssertionError("no metric " + name + " in " + PushFanoutProcessor.METRIC_GROUP));
    }

    private static DropEvent started(String drop, Instant at) {
        return DropEvent.newBuilder().setDropId(drop).setCreatorId("ava").setType(DropEventType.STARTED)
                .setStatus(DropStatus.LIVE).setInitialStock(10).setRemainingStock(10).setAt(at).build();
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("livedrop-push-metrics");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
