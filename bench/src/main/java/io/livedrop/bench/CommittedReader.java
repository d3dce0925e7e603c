package io.livedrop.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ObjLongConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A read_committed consumer of every partition of a topic from its end, on a thread of its own; the handler gets
 * each record with the nanoTime its poll returned (deserialization included, as any client pays it).
 */
public final class CommittedReader<V> implements AutoCloseable {

    /** The stampede's readers (raw Kafka and topology alike): the broker holds an empty fetch up to 100 ms. */
    public static final int BATCH_FETCH_WAIT_MS = 100;
    /** As the API's own read_committed tails (decisions, drop events): up to 10 ms. */
    public static final int TAIL_FETCH_WAIT_MS = 10;

    private final KafkaConsumer<String, V> consumer;
    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean stop;

    public CommittedReader(String bootstrap, String topic, Deserializer<V> valueDeserializer,
                           ObjLongConsumer<ConsumerRecord<String, V>> handler, Duration maxRuntime,
                           int fetchMaxWaitMs) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, fetchMaxWaitMs,
                ConsumerConfig.CLIENT_ID_CONFIG, "bench-reader-" + topic);
        consumer = new KafkaConsumer<>(props, new StringDeserializer(), valueDeserializer);
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        if (partitions.isEmpty()) {
            consumer.close();
            throw new IllegalStateException("Topic " + topic + " has no partitions");
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(p -> consumer.position(p, Duration.ofSeconds(30))); // resolve the end now, not later
        long deadline = System.nanoTime() + maxRuntime.toNanos();
        thread = Daemons.named("bench-reader-" + topic).newThread(() -> {
            try {
                while (!stop && System.nanoTime() < deadline) {
                    ConsumerRecords<String, V> records = consumer.poll(Duration.ofMillis(50));
                    long now = System.nanoTime();
                    records.forEach(r -> handler.accept(r, now));
                }
            } catch (Throwable t) {
                failure.set(t);
            } finally {
                consumer.close(Duration.ofSeconds(5));
            }
        });
    }

    public CommittedReader<V> start() {
        thread.start();
        return this;
    }

    public Throwable failure() {
        return failure.get();
    }

    @Override
    public void close() {
        stop = true;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(15));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
