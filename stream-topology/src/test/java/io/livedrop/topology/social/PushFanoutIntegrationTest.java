package io.livedrop.topology.social;

import static org.assertj.core.api.Assertions.assertThat;

import io.livedrop.events.drop.DropEvent;
import io.livedrop.events.drop.DropEventType;
import io.livedrop.events.drop.DropStatus;
import io.livedrop.events.notification.PushBatch;
import io.livedrop.events.social.FollowAction;
import io.livedrop.events.social.FollowEvent;
import io.livedrop.events.social.FollowerCount;
import io.livedrop.kafka.embedded.EmbeddedKafkaBroker;
import io.livedrop.kafka.embedded.EmbeddedKafkaExtension;
import io.livedrop.topology.StreamsInstances;
import io.livedrop.topology.config.LivedropConfig;
import io.livedrop.topology.config.Stores;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The push fan-out on a real broker at scale: 100,000 followers of one creator, spread over the
 * follows partitions of two instances, each named in exactly one committed push batch when the
 * creator's drop starts.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class PushFanoutIntegrationTest {

    private static final int FOLLOWERS = 100_000;
    private static final int PARTITIONS = 4;

    @Test
    void shouldNameEachOf100kFollowersInExactlyOneCommittedBatch(EmbeddedKafkaBroker kafka) throws Exception {
        try (StreamsInstances app = new StreamsInstances(kafka, "push-fanout",
                Map.of(LivedropConfig.PARTITIONS, PARTITIONS))) {
            KafkaStreams first = app.startSocial(Map.of());
            KafkaStreams second = app.startSocial(Map.of());
            app.awaitAllRunning(Duration.ofSeconds(60));

            // Given 100,000 followers of "famous", 500 of whom unfollow again, and followers of someone else
            Instant at = Instant.now();
            Set<String> expected = new HashSet<>();
            try (KafkaProducer<String, FollowEvent> producer = new KafkaProducer<>(producerConfig(kafka),
                    new StringSerializer(), app.serdes.followEvent().serializer())) {
                for (int i = 0; i < FOLLOWERS; i++) {
                    String user = "fan-" + i;
                    producer.send(new ProducerRecord<>(app.topics.follows().name(), user, follow(user, "famous", FollowAction.FOLLOW, at)));
                    expected.add(user);
                    if (i % 200 == 0) {
                        producer.send(new ProducerRecord<>(app.topics.follows().name(), user, follow(user, "famous", FollowAction.UNFOLLOW, at)));
                        expected.remove(user);
                    }
                    if (i % 10 == 0) {
                        producer.send(new ProducerRecord<>(app.topics.follows().name(), user, follow(user, "other", FollowAction.FOLLOW, at)));
                    }
                }
            }
            // And the follows are applied (the exact count is the last thing to land)
            awaitFollowers(List.of(first, second), "famous", expected.size());

            // When famous's drop starts
            try (KafkaProducer<String, DropEvent> producer = new KafkaProducer<>(producerConfig(kafka),
                    new StringSerializer(), app.serdes.dropEvent().serializer())) {
                producer.send(new ProducerRecord<>(app.topics.dropEvents().name(), "drop-1", DropEvent.newBuilder()
                        .setDropId("drop-1").setCreatorId("famous").setType(DropEventType.STARTED)
                        .setStatus(DropStatus.LIVE).setInitialStock(10).setRemainingStock(10).setAt(Instant.now())
                        .build())).get();
            }

            // Then every partition finishes with a last batch, and the committed batches name each follower once
            Map<String, Integer> told = new HashMap<>();
            Set<Integer> partitionsDone = new HashSet<>();
            int batches = 0;
            try (KafkaConsumer<String, PushBatch> consumer = new KafkaConsumer<>(consumerConfig(kafka),
                    new StringDeserializer(), app.serdes.pushBatch().deserializer())) {
                consumer.subscribe(List.of(app.topics.pushBatches().name()));
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (partitionsDone.size() < PARTITIONS && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, PushBatch> record : consumer.poll(Duration.ofMillis(200))) {
                        PushBatch batch = record.value();
                        assertThat(batch.getCreatorId()).isEqualTo("famous");
                        assertThat(batch.getUserIds()).hasSizeLessThanOrEqualTo(500);
                        batch.getUserIds().forEach(user -> told.merge(user, 1, Integer::sum));
                        batches++;
                        if (batch.getLastBatch()) {
                            partitionsDone.add(batch.getFollowsPartition());
                        }
                    }
                }
            }
            assertThat(partitionsDone).as("follows partitions whose last batch arrived")
                    .containsExactlyInAnyOrder(0, 1, 2, 3);
            assertThat(told.keySet()).isEqualTo(expected);
            assertThat(told.values()).as("batch memberships per follower").containsOnly(1);
            assertThat(batches).isGreaterThanOrEqualTo(expected.size() / 500);
        }
    }

    private static FollowEvent follow(String user, String creator, FollowAction action, Instant at) {
        return FollowEvent.newBuilder().setUserId(user).setCreatorId(creator).setAction(action).setAt(at).build();
    }

    private static void awaitFollowers(List<KafkaStreams> instances, String creator, long expected)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
        long seen = -1;
        while (System.nanoTime() < deadline) {
            for (KafkaStreams streams : instances) {
                try {
                    ReadOnlyKeyValueStore<String, FollowerCount> counts = streams.store(StoreQueryParameters
                            .fromNameAndType(Stores.FOLLOWER_COUNTS, QueryableStoreTypes.keyValueStore()));
                    FollowerCount count = counts.get(creator);
                    if (count != null) {
                        seen = count.getFollowers();
                        if (seen == expected) {
                            return;
                        }
                    }
                } catch (InvalidStateStoreException e) {
                    // rebalancing: ask again
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("follower count of " + creator + " is " + seen + ", expected " + expected);
    }

    private static Map<String, Object> producerConfig(EmbeddedKafkaBroker kafka) {
        return Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.LINGER_MS_CONFIG, 5);
    }

    private static Map<String, Object> consumerConfig(EmbeddedKafkaBroker kafka) {
        return Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "push-sender-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    }
}
