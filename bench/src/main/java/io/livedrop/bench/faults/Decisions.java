package io.livedrop.bench.faults;

import io.livedrop.events.order.OrderDecision;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The order-decisions topic read from the beginning to its end: read_committed (what clients may rely on) and
 * read_uncommitted (also the records of aborted transactions: decisions a crash rolled back, to be made again).
 */
final class Decisions {

    /** Committed decisions of the given drops by order id (a list: more than one is a violation), and counts. */
    record Snapshot(Map<String, List<OrderDecision>> byOrder, long committed, long uncommitted) {
        long aborted() {
            return uncommitted - committed;
        }
    }

    private Decisions() {
    }

    static Snapshot read(Harness h, Set<String> drops) {
        Map<String, List<OrderDecision>> byOrder = new HashMap<>();
        long committed = scan(h, "read_committed", drops,
                d -> byOrder.computeIfAbsent(d.getOrderId(), k -> new ArrayList<>()).add(d));
        return new Snapshot(byOrder, committed, scan(h, "read_uncommitted", drops, d -> { }));
    }

    /** Reads every partition from the beginning to its end (the last stable offset for read_committed). */
    static long scan(Harness h, String isolation, Set<String> drops, Consumer<OrderDecision> sink) {
        String topic = h.topics.orderDecisions().name();
        Deserializer<OrderDecision> values = h.serdes.orderDecision().deserializer();
        long count = 0;
        try (KafkaConsumer<byte[], byte[]> c = fromBeginning(h, topic, Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                isolation, ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000, ConsumerConfig.CLIENT_ID_CONFIG,
                "faults-verifier-" + isolation))) {
            Map<TopicPartition, Long> end = c.endOffsets(c.assignment(), Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (end.keySet().stream().anyMatch(p -> c.position(p, Duration.ofSeconds(30)) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within 60 s");
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.key() != null && drops.contains(new String(r.key(), StandardCharsets.UTF_8))) {
                        count++;
                        sink.accept(values.deserialize(topic, r.value()));
                    }
                }
            }
        }
        return count;
    }

    /** A consumer of every partition of {@code topic} from its beginning, with {@code config} added. */
    static KafkaConsumer<byte[], byte[]> fromBeginning(Harness h, String topic, Map<String, Object> config) {
        Map<String, Object> all = new HashMap<>(config);
        all.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, h.broker.bootstrapServers());
        all.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(all, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        c.assign(parts);
        c.seekToBeginning(parts);
        return c;
    }
}
