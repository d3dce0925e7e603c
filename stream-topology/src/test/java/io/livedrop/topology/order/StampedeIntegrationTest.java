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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A stampede on a real broker: three producer threads send 30,000 orders (10 % of them sent twice)
 * for one drop of 1,000 units while two instances of the topology share the work (exactly-once,
 * as in production). Exactly 1,000 units are confirmed and every distinct order is decided once.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class StampedeIntegrationTest {

    private static final int STOCK = 1_000;
    private static final int ORDERS = 30_000;
    private static final int THREADS = 3;

    /** With and without KIP-892 transactional state stores (see docs/adr/0004). */
    @ParameterizedTest(name = "enable.transactional.statestores={0}")
    @ValueSource(booleans = {false, true})
    void shouldConfirmExactlyTheStockAndDecideEveryOrderOnceWithTwoInstances(boolean transactionalStores, EmbeddedKafkaBroker kafka)
            throws Exception {
        Map<String, Object> overrides = Map.of("enable.transactional.statestores", transactionalStores);
        try (StreamsInstances app = new StreamsInstances(kafka, "stampede", Map.of())) {
            // Given two instances and a live drop of 1,000 (plus a second drop so both instances own work)
            var first = app.start(overrides);
            var second = app.start(overrides);
            app.awaitAllRunning(Duration.ofSeconds(60));
            for (var instance : List.of(first, second)) {
                assertThat(instance.metadataForLocalThreads()).as("each instance owns tasks")
                        .anySatisfy(thread -> assertThat(thread.activeTasks()).isNotEmpty());
            }
            try (KafkaProducer<String, Drop> drops = new KafkaProducer<>(producerConfig(kafka), new StringSerializer(),
                    app.serdes.drop().serializer())) {
                drops.send(new ProducerRecord<>(app.topics.drops().name(), "hot", EventFixtures.drop("hot", "c1", "p1")
                        .setInitialStock(STOCK).setStartsAt(Instant.now().minusSeconds(1)).build())).get();
                drops.send(new ProducerRecord<>(app.topics.drops().name(), "other", EventFixtures.drop("other", "c1", "p1")
                        .setInitialStock(STOCK).setStartsAt(Instant.now().minusSeconds(1)).build())).get();
            }

            // When three threads send 30,000 orders, 10 % of them twice, interleaved
            Set<String> distinct = ConcurrentHashMap.newKeySet();
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            List<Future<Integer>> sent = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                sent.add(pool.submit(() -> sendOrders(kafka, app, thread, distinct)));
            }
            int records = 0;
            for (Future<Integer> f : sent) {
                records += f.get();
            }
            pool.shutdown();

            // Then every distinct order gets exactly one decision, and exactly the stock is confirmed
            Map<String, OrderDecision> decided = readDecisions(kafka, app, distinct.size());
            assertThat(records).isGreaterThan(ORDERS);
            assertThat(decided.keySet()).containsExactlyInAnyOrderElementsOf(distinct);
            int confirmedUnits = decided.values().stream().filter(d -> d.getStatus() == OrderStatus.CONFIRMED)
                    .mapToInt(OrderDecision::getQuantity).sum();
            assertThat(confirmedUnits).isEqualTo(STOCK);
        }
    }

    private static int sendOrders(EmbeddedKafkaBroker kafka, StreamsInstances app, int thread, Set<String> distinct)
            throws Exception {
        Random random = new Random(thread);
        int records = 0;
        try (KafkaProducer<String, OrderRequest> producer = new KafkaProducer<>(producerConfig(kafka),
                new StringSerializer(), app.serdes.orderRequest().serializer())) {
            for (int i = 0; i < ORDERS / THREADS; i++) {
                OrderRequest request = LedgerFixture.order("hot", "user-" + thread + "-" + i, "key-" + i, 1);
                distinct.add(request.getOrderId());
                producer.send(new ProducerRecord<>(app.topics.orderRequests().name(), "hot", request));
                records++;
                if (random.nextInt(10) == 0) {
                    producer.send(new ProducerRecord<>(app.topics.orderRequests().name(), "hot", request));
                    records++;
                }
            }
            producer.flush();
        }
        return records;
    }

    private static Map<String, OrderDecision> readDecisions(EmbeddedKafkaBroker kafka, StreamsInstances app, int expected) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "verifier-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, OrderDecision> decided = new HashMap<>();
        List<String> duplicates = new ArrayList<>();
        try (KafkaConsumer<String, OrderDecision> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                app.serdes.orderDecision().deserializer())) {
            consumer.subscribe(List.of(app.topics.orderDecisions().name()));
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            long quietSince = 0;
            while (System.nanoTime() < deadline) {
                var records = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<String, OrderDecision> record : records) {
                    if (decided.put(record.value().getOrderId(), record.value()) != null) {
                        duplicates.add(record.value().getOrderId());
                    }
                }
                if (decided.size() >= expected) {
                    // keep reading a little longer: a second decision for any order would show up now
                    if (quietSince == 0) {
                        quietSince = System.nanoTime();
                    } else if (System.nanoTime() - quietSince > Duration.ofSeconds(2).toNanos()) {
                        break;
                    }
                }
            }
        }
        assertThat(duplicates).as("orders decided twice").isEmpty();
        return decided;
    }

    private static Map<String, Object> producerConfig(EmbeddedKafkaBroker kafka) {
        return Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5);
    }
}
