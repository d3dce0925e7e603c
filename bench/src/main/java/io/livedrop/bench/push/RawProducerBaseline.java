package io.livedrop.bench.push;

import io.livedrop.bench.KafkaAdmin;
import io.livedrop.bench.Waits;
import io.livedrop.events.notification.PushBatch;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Baseline (a): the fan-out's records (same keys, Avro values and partitions) sent by a plain KafkaProducer
 * (acks=all, idempotent) to a fresh topic warmed by one tiny record per partition; timed from the first send until
 * the last is acknowledged, or in a transaction until {@code commitTransaction} returns.
 */
final class RawProducerBaseline {

    /** One run: ms until everything acked (or committed), records and key+value bytes acknowledged. */
    record Run(double ms, long records, long bytes) {
    }

    private final String bootstrap;
    private final Serializer<PushBatch> values;
    private final int partitions;
    private int topics;

    RawProducerBaseline(String bootstrap, Serializer<PushBatch> values, int partitions) {
        this.bootstrap = bootstrap;
        this.values = values;
        this.partitions = partitions;
    }

    /** Producer settings on top of acks=all and idempotence. */
    record Variant(String label, Map<String, Object> settings, boolean transactional) {
        static final Variant DEFAULTS = new Variant("producer defaults", Map.of(), false);
        static final Variant TRANSACTION = new Variant("producer defaults, all in one transaction", Map.of(), true);
        static final Variant BIG_BATCHES = new Variant("batch.size=262144 (default 16384)",
                Map.of(ProducerConfig.BATCH_SIZE_CONFIG, 262_144), false);
        static final List<Variant> ALL = List.of(DEFAULTS, TRANSACTION, BIG_BATCHES);
    }

    Run run(List<ConsumerRecord<String, PushBatch>> records, Variant variant) {
        boolean transactional = variant.transactional();
        String topic = "bench-push-raw-" + (++topics);
        KafkaAdmin.create(bootstrap, topic, partitions);
        Map<String, Object> props = new HashMap<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.CLIENT_ID_CONFIG, topic));
        props.putAll(variant.settings());
        if (transactional) {
            props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, topic);
        }
        AtomicLong acked = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        double ms;
        try (KafkaProducer<String, PushBatch> producer = new KafkaProducer<>(props, new StringSerializer(), values)) {
            if (transactional) {
                producer.initTransactions();
            }
            // untimed: metadata, producer id, and a first write to each partition (slow on a fresh one)
            producer.partitionsFor(topic);
            sendAll(producer, transactional, IntStream.range(0, partitions)
                    .mapToObj(p -> new ProducerRecord<String, PushBatch>(topic, p, "warm-up", null)), null);
            Callback counted = (md, e) -> {
                if (e != null) {
                    errors.incrementAndGet();
                } else {
                    bytes.addAndGet(Math.max(0, md.serializedKeySize()) + Math.max(0, md.serializedValueSize()));
                    acked.incrementAndGet();
                }
            };
            long t0 = System.nanoTime();
            sendAll(producer, transactional, records.stream()
                    .map(w -> new ProducerRecord<>(topic, w.partition() % partitions, w.key(), w.value())), counted);
            Waits.await(() -> acked.get() + errors.get() == records.size(), Duration.ofSeconds(60));
            ms = (System.nanoTime() - t0) / 1e6;
        }
        KafkaAdmin.delete(bootstrap, topic::equals);
        if (errors.get() > 0) {
            throw new IllegalStateException(errors.get() + " raw-producer sends failed");
        }
        return new Run(ms, acked.get(), bytes.get());
    }

    /** Sends them in one transaction and commits it, or sends and flushes: returns once every one is acknowledged. */
    private static void sendAll(KafkaProducer<String, PushBatch> producer, boolean transactional,
                                Stream<ProducerRecord<String, PushBatch>> records, Callback callback) {
        if (transactional) {
            producer.beginTransaction();
        }
        records.forEach(r -> producer.send(r, callback));
        if (transactional) {
            producer.commitTransaction();
        } else {
            producer.flush();
        }
    }
}
