package io.livedrop.topology.order;

import static org.assertj.core.api.Assertions.assertThat;

import io.livedrop.events.catalog.Drop;
import io.livedrop.events.order.OrderDecision;
import io.livedrop.events.order.OrderRequest;
import io.livedrop.events.order.OrderStatus;
import io.livedrop.kafka.embedded.EmbeddedKafkaBroker;
import io.livedrop.kafka.embedded.EmbeddedKafkaExtension;
import io.livedrop.schemas.testing.EventFixtures;
import io.livedrop.topology.LedgerFixture;
import io.livedrop.topology.StreamsInstances;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import io.livedrop.topology.config.Stores;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Poison pills on a real broker: each lands in the dead-letter topic with its raw bytes and headers
 * saying why and where it came from, and the orders after them are still decided.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class PoisonPillIntegrationTest {

    @Test
    void shouldSendEveryPoisonPillToTheDeadLetterTopicAndKeepDeciding(EmbeddedKafkaBroker kafka) throws Exception {
        try (StreamsInstances app = new StreamsInstances(kafka, "poison", Map.of())) {
            app.start(Map.of());
            app.awaitAllRunning(Duration.ofSeconds(60));
            String orders = app.topics.orderRequests().name();
            String drops = app.topics.drops().name();
            byte[] validDrop = app.serdes.drop().serializer().serialize(drops, EventFixtures.drop("d1", "c1", "p1")
                    .setInitialStock(10).setStartsAt(Instant.now().minusSeconds(1)).build());
            OrderRequest negative = LedgerFixture.order("d1", "u1", "neg", -1);
            OrderRequest unknownDrop = LedgerFixture.order("nope", "u1", "unknown", 1);
            OrderRequest good = LedgerFixture.order("d1", "u2", "good", 1);

            // Given a live drop, when poison pills and then a good order are sent
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>(drops, bytes("d1"), validDrop)).get();
                Thread.sleep(500);
                producer.send(new ProducerRecord<>(orders, bytes("d1"), new byte[] {1, 2, 3})).get();           // bad bytes
                producer.send(new ProducerRecord<>(orders, bytes("d1"), validDrop)).get();                      // another schema
                producer.send(new ProducerRecord<>(orders, null, order(app, orders, LedgerFixture.order("d1", "u1", "nullkey", 1)))).get();
                producer.send(new ProducerRecord<>(orders, bytes("d1"), order(app, orders, negative))).get();   // quantity -1
                producer.send(new ProducerRecord<>(orders, bytes("nope"), order(app, orders, unknownDrop))).get();
                producer.send(new ProducerRecord<>(drops, bytes("d2"), app.serdes.drop().serializer().serialize(drops,
                        EventFixtures.drop("d2", "c1", "p1").setInitialStock(0).build()))).get();              // no stock
                producer.send(new ProducerRecord<>(orders, bytes("d1"), order(app, orders, good))).get();
            }

            // Then six dead letters, each saying why and where from
            List<ConsumerRecord<byte[], byte[]>> letters = read(kafka, app.topics.deadLetters().name(), 6);
            assertThat(letters).hasSize(6);
            assertThat(letters).allSatisfy(letter -> {
                assertThat(header(letter, "__streams.errors.topic")).isIn(orders, drops);
                assertThat(header(letter, "__streams.errors.partition")).matches("\\d+");
                assertThat(header(letter, "__streams.errors.offset")).matches("\\d+");
                assertThat(header(letter, "__streams.errors.exception")).isNotBlank();
            });
            assertThat(letters).extracting(l -> header(l, "__streams.errors.exception"))
                    .filteredOn(e -> e.contains("SerializationException")).hasSize(2);
            assertThat(letters).extracting(l -> header(l, "__streams.errors.message")).anySatisfy(m -> assertThat(m).contains("null key"))
                    .anySatisfy(m -> assertThat(m).contains("quantity -1"))
                    .anySatisfy(m -> assertThat(m).contains("unknown drop"))
                    .anySatisfy(m -> assertThat(m).contains("initialStock 0"));
            assertThat(letters).anySatisfy(l -> assertThat(l.value()).isEqualTo(new byte[] {1, 2, 3}));

            // And the good order after them is decided
            List<ConsumerRecord<byte[], byte[]>> decisions = read(kafka, app.topics.orderDecisions().name(), 1);
            assertThat(decisions).hasSize(1);
            OrderDecision decision = app.serdes.orderDecision().deserializer().deserialize("t", decisions.get(0).value());
            assertThat(decision.getOrderId()).isEqualTo(good.getOrderId());
            assertThat(decision.getStatus()).isEqualTo(OrderStatus.CONFIRMED);
        }
    }

    /** Found by the fault suite: a pill on a global (catalog) topic used to stop the whole client. */
    @Test
    void shouldSkipPoisonPillsOnTheCatalogsGlobalTopicsAndKeepRunning(EmbeddedKafkaBroker kafka) throws Exception {
        try (StreamsInstances app = new StreamsInstances(kafka, "poison-global", Map.of())) {
            KafkaStreams streams = app.start(Map.of());
            app.awaitAllRunning(Duration.ofSeconds(60));
            String creators = app.topics.creators().name();
            String products = app.topics.products().name();

            // When bad bytes and a record of another type reach the creators and products topics, then a good creator
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
                byte[] anOrder = order(app, creators, LedgerFixture.order("d1", "u1", "k", 1));
                for (String topic : List.of(creators, products)) {
                    producer.send(new ProducerRecord<>(topic, bytes("bad"), new byte[] {1, 2, 3})).get();
                    producer.send(new ProducerRecord<>(topic, bytes("wrong"), anOrder)).get();
                }
                producer.send(new ProducerRecord<>(creators, bytes("c-good"), app.serdes.creator().serializer()
                        .serialize(creators, EventFixtures.creator("c-good").build()))).get();
            }

            // Then the good creator reaches the global store, and the client keeps running
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            Object found = null;
            while (found == null && System.nanoTime() < deadline) {
                try {
                    found = streams.store(StoreQueryParameters.fromNameAndType(Stores.CATALOG_CREATORS,
                            QueryableStoreTypes.keyValueStore())).get("c-good");
                } catch (InvalidStateStoreException e) {
                    // not queryable yet
                }
                Thread.sleep(100);
            }
            assertThat(found).as("the creator after the pills").isNotNull();
            assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
        }
    }

    private static byte[] order(StreamsInstances app, String topic, OrderRequest request) {
        return app.serdes.orderRequest().serializer().serialize(topic, request);
    }

    private static byte[] bytes(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static List<ConsumerRecord<byte[], byte[]>> read(EmbeddedKafkaBroker kafka, String topic, int expected) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline && records.size() < expected) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            consumer.poll(Duration.ofMillis(500)).forEach(records::add); // anything beyond the expected count
        }
        return records;
    }
}
