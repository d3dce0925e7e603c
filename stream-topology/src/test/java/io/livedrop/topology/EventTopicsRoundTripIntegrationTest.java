package io.livedrop.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.livedrop.events.catalog.Creator;
import io.livedrop.events.catalog.Drop;
import io.livedrop.events.catalog.Product;
import io.livedrop.events.drop.DropEvent;
import io.livedrop.events.drop.DropState;
import io.livedrop.events.notification.PushBatch;
import io.livedrop.events.order.OrderDecision;
import io.livedrop.events.order.OrderRequest;
import io.livedrop.events.social.FollowEvent;
import io.livedrop.events.social.FollowerCount;
import io.livedrop.kafka.embedded.EmbeddedKafkaBroker;
import io.livedrop.kafka.embedded.EmbeddedKafkaExtension;
import io.livedrop.schemas.EventTypes;
import io.livedrop.schemas.serde.ApicurioRegistryStub;
import io.livedrop.schemas.serde.AvroSerdes;
import io.livedrop.schemas.testing.EventFixtures;
import io.livedrop.topology.config.LivedropConfig;
import io.livedrop.topology.config.Topics;
import io.livedrop.topology.provisioning.TopicProvisioner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every event type travels through its own topic on a real broker and comes back equal, in both
 * wire formats: registry-free single-object encoding, and the registry format against a stub
 * answering as Apicurio Registry's API does.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class EventTopicsRoundTripIntegrationTest {

    @Test
    void shouldRoundTripEveryEventTypeThroughItsTopicWithoutRegistry(EmbeddedKafkaBroker kafka) throws Exception {
        roundTripAll(kafka, AvroSerdes.singleObject(), "noreg");
    }

    @Test
    void shouldRoundTripEveryEventTypeThroughItsTopicWithRegistry(EmbeddedKafkaBroker kafka) throws Exception {
        try (ApicurioRegistryStub registry = new ApicurioRegistryStub(1, 1)) {
            roundTripAll(kafka, AvroSerdes.create(registry.url(), Map.of()), "reg");
        }
    }

    private void roundTripAll(EmbeddedKafkaBroker kafka, AvroSerdes serdes, String env) throws Exception {
        // Given livedrop's topics provisioned under a prefix of this test's own
        LivedropConfig config = new LivedropConfig(Map.of(LivedropConfig.TOPIC_PREFIX, env + "-" + UUID.randomUUID() + "."));
        Topics topics = Topics.from(config);
        String changelog = config.topicPrefix() + "drop-state-changelog";
        String countsChangelog = config.topicPrefix() + "follower-counts-changelog";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            new TopicProvisioner(admin, Duration.ofSeconds(30)).provision(topics);
            admin.createTopics(List.of(new NewTopic(changelog, 1, (short) 1), new NewTopic(countsChangelog, 1, (short) 1)))
                    .all().get();
        }
        Map<Class<? extends SpecificRecord>, String> topicOf = Map.of(
                Creator.class, topics.creators().name(),
                Product.class, topics.products().name(),
                Drop.class, topics.drops().name(),
                DropState.class, changelog,
                DropEvent.class, topics.dropEvents().name(),
                OrderRequest.class, topics.orderRequests().name(),
                OrderDecision.class, topics.orderDecisions().name(),
                FollowEvent.class, topics.follows().name(),
                FollowerCount.class, countsChangelog,
                PushBatch.class, topics.pushBatches().name());
        assertThat(topicOf.keySet()).containsExactlyInAnyOrderElementsOf(EventTypes.ALL);

        for (var entry : EventFixtures.oneOfEach().entrySet()) {
            // When a record of the type is produced to its topic and consumed back
            SpecificRecord sent = entry.getValue();
            SpecificRecord received = produceAndConsume(kafka, topicOf.get(entry.getKey()), sent, serdes.valueSerde(entry.getKey()));

            // Then it is equal to what was sent
            assertThat(received).as(entry.getKey().getSimpleName()).isEqualTo(sent);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecord> SpecificRecord produceAndConsume(
            EmbeddedKafkaBroker kafka, String topic, SpecificRecord record, Serde<T> serde) {
        Map<String, Object> producerConfig = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<String, T> producer = new KafkaProducer<>(producerConfig, new StringSerializer(), serde.serializer())) {
            producer.send(new ProducerRecord<>(topic, "key-1", (T) record)).get();
        } catch (Exception e) {
            throw new AssertionError("could not produce to " + topic, e);
        }
        Map<String, Object> consumerConfig = new HashMap<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "round-trip-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
        try (KafkaConsumer<String, T> consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), serde.deserializer())) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<String, T>> received = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (received.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
            }
            assertThat(received).as("records read back from %s", topic).hasSize(1);
            assertThat(received.get(0).key()).isEqualTo("key-1");
            return received.get(0).value();
        }
    }
}
