package io.livedrop.topology.order;

import static org.assertj.core.api.Assertions.assertThat;

import io.livedrop.events.catalog.Drop;
import io.livedrop.events.order.OrderDecision;
import io.livedrop.events.order.OrderRequest;
import io.livedrop.kafka.embedded.EmbeddedKafkaBroker;
import io.livedrop.kafka.embedded.EmbeddedKafkaExtension;
import io.livedrop.schemas.testing.EventFixtures;
import io.livedrop.topology.LedgerFixture;
import io.livedrop.topology.StreamsInstances;
import io.livedrop.topology.config.Stores;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The user order index on a real broker: the repartition by user and the API's routing
 * ({@code queryMetadataForKey} with {@link UserOrderKeys#partitioner()}) agree on where each user's
 * orders are, and one partition's prefix scan finds all of them.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class UserOrderIndexIntegrationTest {

    private static final int USERS = 8;

    @Test
    void shouldFindAllOfAUsersOrdersInThePartitionQueryMetadataNames(EmbeddedKafkaBroker kafka) throws Exception {
        try (StreamsInstances app = new StreamsInstances(kafka, "user-orders", Map.of())) {
            // application.server: without it Kafka Streams shares no routing metadata (NOT_AVAILABLE)
            KafkaStreams streams = app.start(Map.of(StreamsConfig.APPLICATION_SERVER_CONFIG, "127.0.0.1:18080"));
            app.awaitAllRunning(Duration.ofSeconds(60));

            // Given two live drops, when each user orders once on each
            Map<String, List<String>> ordersByUser = new HashMap<>();
            try (KafkaProducer<String, Drop> drops = new KafkaProducer<>(producerConfig(kafka), new StringSerializer(),
                    app.serdes.drop().serializer())) {
                for (String dropId : List.of("d1", "d2")) {
                    drops.send(new ProducerRecord<>(app.topics.drops().name(), dropId, EventFixtures.drop(dropId, "c1", "p1")
                            .setInitialStock(100).setStartsAt(Instant.now().minusSeconds(1)).build())).get();
                }
            }
            awaitCount(streams, Stores.DROP_STATE, 2);
            try (KafkaProducer<String, OrderRequest> orders = new KafkaProducer<>(producerConfig(kafka), new StringSerializer(),
                    app.serdes.orderRequest().serializer())) {
                for (int u = 0; u < USERS; u++) {
                    String user = "user-" + u;
                    for (String dropId : List.of("d1", "d2")) {
                        OrderRequest request = LedgerFixture.order(dropId, user, "k-" + dropId, 1);
                        orders.send(new ProducerRecord<>(app.topics.orderRequests().name(), dropId, request)).get();
                        ordersByUser.computeIfAbsent(user, x -> new ArrayList<>()).add(request.getOrderId());
                    }
                }
            }

            // Then every decision reaches the index
            awaitCount(streams, Stores.USER_ORDERS, 2 * USERS);

            // And for each user, the routing names one partition for all the user's orders, where they all are
            Set<Integer> partitionsUsed = new HashSet<>();
            for (Map.Entry<String, List<String>> user : ordersByUser.entrySet()) {
                Set<Integer> partitions = new HashSet<>();
                for (String orderId : user.getValue()) {
                    KeyQueryMetadata metadata = streams.queryMetadataForKey(Stores.USER_ORDERS,
                            UserOrderKeys.key(user.getKey(), orderId), UserOrderKeys.partitioner());
                    assertThat(metadata).isNotEqualTo(KeyQueryMetadata.NOT_AVAILABLE);
                    partitions.add(metadata.partition());
                }
                assertThat(partitions).as("partitions of %s", user.getKey()).hasSize(1);
                int partition = partitions.iterator().next();
                partitionsUsed.add(partition);
                assertThat(prefixScan(streams, partition, user.getKey()))
                        .containsExactlyInAnyOrderElementsOf(user.getValue().stream()
                                .map(orderId -> UserOrderKeys.key(user.getKey(), orderId)).toList());
            }
            assertThat(partitionsUsed).as("users spread over partitions").hasSizeGreaterThan(1);
        }
    }

    /** Waits until the (local, single-instance) store holds at least {@code expected} entries. */
    private static void awaitCount(KafkaStreams streams, String storeName, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int count = 0;
        while (System.nanoTime() < deadline) {
            try {
                ReadOnlyKeyValueStore<String, Object> store = streams.store(StoreQueryParameters.fromNameAndType(
                        storeName, QueryableStoreTypes.<String, Object>keyValueStore()));
                count = 0;
                try (KeyValueIterator<String, Object> it = store.all()) {
                    while (it.hasNext()) {
                        it.next();
                        count++;
                    }
                }
                if (count >= expected) {
                    return;
                }
            } catch (InvalidStateStoreException rebalancing) {
                // retry until the store is queryable
            }
            Thread.sleep(100);
        }
        throw new AssertionError(storeName + " holds " + count + " of " + expected + " entries");
    }

    private static List<String> prefixScan(KafkaStreams streams, int partition, String user) {
        ReadOnlyKeyValueStore<String, OrderDecision> store = streams.store(StoreQueryParameters.fromNameAndType(
                Stores.USER_ORDERS, QueryableStoreTypes.<String, OrderDecision>keyValueStore()).withPartition(partition));
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, OrderDecision> it = store.prefixScan(UserOrderKeys.prefix(user), new StringSerializer())) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        return keys;
    }

    private static Map<String, Object> producerConfig(EmbeddedKafkaBroker kafka) {
        return Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all");
    }
}
