package io.livedrop.topology.social;

import static org.assertj.core.api.Assertions.assertThat;

import io.livedrop.events.drop.DropEvent;
import io.livedrop.events.drop.DropEventType;
import io.livedrop.events.drop.DropStatus;
import io.livedrop.events.notification.PushBatch;
import io.livedrop.events.social.FollowAction;
import io.livedrop.events.social.FollowEvent;
import io.livedrop.events.social.FollowerCount;
import io.livedrop.schemas.serde.AvroSerdes;
import io.livedrop.topology.config.LivedropConfig;
import io.livedrop.topology.config.Stores;
import io.livedrop.topology.config.StreamsSettings;
import io.livedrop.topology.config.Topics;
import io.livedrop.topology.config.TopologySerdes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The social topology through TopologyTestDriver: follows, follower counts, the push fan-out and the inbox store. */
class SocialTopologyTest {

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
    private final TestOutputTopic<String, PushBatch> pushBatches = driver.createOutputTopic(topics.pushBatches().name(),
            serdes.key().deserializer(), serdes.pushBatch().deserializer());

    @AfterEach
    void close() throws IOException {
        driver.close();
        Utils.delete(stateDir.toFile());
    }

    @Test
    void shouldKeepFollowingListsFollowersAndExactCounts() {
        // When ann follows ava twice and bob follows ava and cy, then ann unfollows ava and unfollows cy (never followed)
        follow("ann", "ava");
        follow("ann", "ava");
        follow("bob", "ava");
        follow("bob", "cy");
        unfollow("ann", "ava");
        unfollow("ann", "cy");

        // Then only effective changes count, and both indexes agree
        assertThat(count("ava")).isEqualTo(1);
        assertThat(count("cy")).isEqualTo(1);
        assertThat(keys(Stores.FOLLOWING, "bob|")).containsExactly("bob|ava", "bob|cy");
        assertThat(keys(Stores.FOLLOWING, "ann|")).isEmpty();
        assertThat(keys(Stores.FOLLOWERS, "ava|")).containsExactly("ava|bob");
    }

    @Test
    void shouldTellEveryFollowerOnceInBatchesOfTheConfiguredSize() {
        // Given 1,201 followers of ava, one of whom unfollowed, and a follower of someone else
        List<String> users = IntStream.range(0, 1_201).mapToObj(i -> "u" + i).toList();
        users.forEach(user -> follow(user, "ava"));
        unfollow("u7", "ava");
        follow("zed", "other");

        // When ava's drop starts
        dropEvents.pipeInput("d1", started("d1", "ava", START.plusSeconds(60)));

        // Then three batches (500, 500, 200) name every follower but u7 exactly once, the last one marked
        List<PushBatch> batches = pushBatches.readValuesToList();
        assertThat(batches).extracting(b -> b.getUserIds().size()).containsExactly(500, 500, 200);
        assertThat(batches).extracting(PushBatch::getLastBatch).containsExactly(false, false, true);
        assertThat(batches).extracting(PushBatch::getBatchNumber).containsExactly(0, 1, 2);
        List<String> told = batches.stream().flatMap(b -> b.getUserIds().stream()).toList();
        assertThat(told).doesNotHaveDuplicates().hasSize(1_200).doesNotContain("u7", "zed")
                .containsAll(users.stream().filter(u -> !u.equals("u7")).toList());
        assertThat(batches).allSatisfy(b -> {
            assertThat(b.getDropId()).isEqualTo("d1");
            assertThat(b.getCreatorId()).isEqualTo("ava");
        });
    }

    @Test
    void shouldFanOutEachStartOnceAndIgnoreOtherDropEvents() {
        // Given a follower
        follow("ann", "ava");

        // When the start is seen twice, and the drop's other events arrive
        DropEvent start = started("d1", "ava", START.plusSeconds(60));
        dropEvents.pipeInput("d1", start);
        dropEvents.pipeInput("d1", start);
        dropEvents.pipeInput("d1", event("d1", "ava", DropEventType.STOCK_CHANGED, START.plusSeconds(61)));
        dropEvents.pipeInput("d1", event("d1", "ava", DropEventType.SOLD_OUT, START.plusSeconds(62)));

        // Then one batch, and one inbox entry
        assertThat(pushBatches.readValuesToList()).singleElement()
                .satisfies(b -> assertThat(b.getUserIds()).containsExactly("ann"));
        assertThat(keys(Stores.RECENT_DROP_STARTS, "ava|")).containsExactly(
                SocialKeys.recentStart("ava", START.plusSeconds(60).toEpochMilli(), "d1"));
    }

    @Test
    void shouldSendOneEmptyLastBatchWhenAPartitionHasNoFollowers() {
        // When a creator nobody follows starts a drop
        dropEvents.pipeInput("d1", started("d1", "nobody", START));

        // Then consumers still learn that the partition is done
        assertThat(pushBatches.readValuesToList()).singleElement().satisfies(b -> {
            assertThat(b.getUserIds()).isEmpty();
            assertThat(b.getLastBatch()).isTrue();
        });
    }

    @Test
    void shouldForgetDropStartsAfterTheInboxRetention() {
        // Given two starts, six and eight days before the clock's time in ten days
        dropEvents.pipeInput("d1", started("d1", "ava", START));
        dropEvents.pipeInput("d2", started("d2", "ava", START.plus(Duration.ofDays(2))));
        dropEvents.pipeInput("d3", started("d3", "bob", START.plus(Duration.ofDays(3))));

        // When the wall clock moves past the first one's retention
        driver.advanceWallClockTime(Duration.ofDays(8).plusHours(2));

        // Then only the first is gone
        assertThat(keys(Stores.RECENT_DROP_STARTS, "ava|")).containsExactly(
                SocialKeys.recentStart("ava", START.plus(Duration.ofDays(2)).toEpochMilli(), "d2"));
        assertThat(keys(Stores.RECENT_DROP_STARTS, "bob|")).hasSize(1);
    }

    @Test
    void shouldSendMalformedFollowsToTheDeadLetterTopicAndGoOn() {
        // When a follow is keyed by someone else, one names a creator with the separator, then a good one
        follows.pipeInput("mallory", followEvent("ann", "ava", FollowAction.FOLLOW));
        follows.pipeInput("ann", followEvent("ann", "a|va", FollowAction.FOLLOW));
        follow("ann", "ava");

        // Then both bad ones are dead letters and the good one counts
        assertThat(driver.createOutputTopic(topics.deadLetters().name(), org.apache.kafka.common.serialization.Serdes
                .ByteArray().deserializer(), org.apache.kafka.common.serialization.Serdes.ByteArray().deserializer())
                .getQueueSize()).isEqualTo(2);
        assertThat(count("ava")).isEqualTo(1);
        assertThat(keys(Stores.FOLLOWING, "ann|")).containsExactly("ann|ava");
    }

    @Test
    void shouldCountPushBatchesAndTheFollowersNamedInThemInKafkaStreamsMetrics() {
        // Given 1,201 followers of ava
        IntStream.range(0, 1_201).forEach(i -> follow("u" + i, "ava"));

        // When two of ava's drops start
        dropEvents.pipeInput("d1", started("d1", "ava", START.plusSeconds(60)));
        dropEvents.pipeInput("d2", started("d2", "ava", START.plusSeconds(61)));

        // Then the totals count 2 x 3 batches and 2 x 1,201 followers, under the documented group and tags
        assertThat(metricValue("batches-total")).isEqualTo(6.0);
        assertThat(metricValue("followers-total")).isEqualTo(2_402.0);
        assertThat(metricValue("batches-rate")).isGreaterThan(0.0);
        assertThat(metricValue("followers-rate")).isGreaterThan(0.0);
        assertThat(metric("followers-total").metricName().tags())
                .containsEntry(PushFanoutProcessor.METRIC_SCOPE + "-id", PushFanoutProcessor.METRIC_ENTITY)
                .containsKey("thread-id");
    }

    // ------------------------------------------------------------------ helpers

    private void follow(String user, String creator) {
        follows.pipeInput(user, followEvent(user, creator, FollowAction.FOLLOW));
    }

    private void unfollow(String user, String creator) {
        follows.pipeInput(user, followEvent(user, creator, FollowAction.UNFOLLOW));
    }

    private static FollowEvent followEvent(String user, String creator, FollowAction action) {
        return FollowEvent.newBuilder().setUserId(user).setCreatorId(creator).setAction(action).setAt(START).build();
    }

    private static DropEvent started(String drop, String creator, Instant at) {
        return event(drop, creator, DropEventType.STARTED, at);
    }

    private static DropEvent event(String drop, String creator, DropEventType type, Instant at) {
        return DropEvent.newBuilder().setDropId(drop).setCreatorId(creator).setType(type).setStatus(DropStatus.LIVE)
                .setInitialStock(10).setRemainingStock(10).setAt(at).build();
    }

    private long count(String creator) {
        KeyValueStore<String, FollowerCount> counts = driver.getKeyValueStore(Stores.FOLLOWER_COUNTS);
        FollowerCount count = counts.get(creator);
        return count == null ? 0 : count.getFollowers();
    }

    private List<String> keys(String store, String prefix) {
        KeyValueStore<String, Object> kv = driver.getKeyValueStore(store);
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, Object> it = kv.prefixScan(prefix, serdes.key().serializer())) {
            it.forEachRemaining(entry -> keys.add(entry.key));
        }
        return keys;
    }

    private double metricValue(String name) {
        return ((Number) metric(name).metricValue()).doubleValue();
    }

    private org.apache.kafka.common.Metric metric(String name) {
        return driver.metrics().entrySet().stream()
                .filter(e -> e.getKey().group().equals(PushFanoutProcessor.METRIC_GROUP) && e.getKey().name().equals(name))
                .map(Map.Entry::getValue).findFirst()
                .orElseThrow(() -> new AssertionError("no metric " + name + " in " + PushFanoutProcessor.METRIC_GROUP));
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("livedrop-social-ttd");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
