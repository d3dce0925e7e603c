package io.livedrop.api.feed;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows every partition of one topic from its end, {@code read_committed}: each instance sees
 * what the topology committed (order decisions, drop events) as soon as it is committed, and hands
 * it to {@code sink} on one thread. No consumer group: every instance reads everything, which is
 * what lets each one answer its own waiting clients and subscribers. {@link #start()} returns once
 * the end positions are fixed, so nothing committed after it is missed.
 */
public final class TopicTail<V> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TopicTail.class);

    private final String topic;
    private final KafkaConsumer<String, V> consumer;
    private final Consumer<ConsumerRecord<String, V>> sink;
    private final Thread thread;
    private final boolean skipNullValues;
    private volatile boolean running = true;

    public TopicTail(String bootstrapServers, String topic, Deserializer<V> values,
                     Consumer<ConsumerRecord<String, V>> sink) {
        this(bootstrapServers, topic, values, sink, true);
    }

    /** As above; with {@code skipNullValues} false, records with a null value (tombstones) are handed over too. */
    public TopicTail(String bootstrapServers, String topic, Deserializer<V> values,
                     Consumer<ConsumerRecord<String, V>> sink, boolean skipNullValues) {
        this.topic = topic;
        this.sink = sink;
        this.skipNullValues = skipNullValues;
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                // the broker answers as soon as committed data is there (fetch.min.bytes 1): a long
                // wait costs no latency, only spares the broker empty fetches
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 500,
                ConsumerConfig.CLIENT_ID_CONFIG, "livedrop-tail-" + topic),
                new StringDeserializer(), values);
        this.thread = new Thread(this::run, "tail-" + topic);
        this.thread.setDaemon(true);
    }

    public void start() {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        if (partitions.isEmpty()) {
            consumer.close(Duration.ZERO);
            throw new IllegalStateException("Topic " + topic + " does not exist: an API instance creates livedrop's "
                    + "topics as it starts (start one first), or topic names differ (livedrop.topology.topics.prefix)");
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(tp -> consumer.position(tp, Duration.ofSeconds(30)));
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                ConsumerRecords<String, V> records;
                try {
                    records = consumer.poll(Duration.ofMillis(500));
                } catch (RecordDeserializationException e) {
                    // A poison pill (the topology sends those it reads to the dead-letter topic): skip it,
                    // or every waiting client and subscriber of this instance would wait for ever
                    log.warn("Tail of {}: skipping an undecodable record at {}@{}: {}", topic, e.topicPartition(),
                            e.offset(), e.getMessage());
                    consumer.seek(e.topicPartition(), e.offset() + 1);
                    continue;
                }
                for (ConsumerRecord<String, V> record : records) {
                    if (record.value() == null && skipNullValues) {
                        continue;
                    }
                    try {
                        sink.accept(record);
                    } catch (RuntimeException e) {
                        log.warn("Tail of {}: could not deliver record at {}-{}@{}", topic, record.topic(),
                                record.partition(), record.offset(), e);
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            log.error("Tail of {} stopped; waiting clients will time out until restart", topic, e);
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
