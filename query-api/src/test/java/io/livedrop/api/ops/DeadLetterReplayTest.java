package io.livedrop.api.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class DeadLetterReplayTest {

    private static final String DLQ = "livedrop.dead-letters";
    private static final String ORDERS = "livedrop.orders.requests";
    private static final String FOLLOWS = "livedrop.social.follows";
    private static final TopicPartition DLQ_0 = new TopicPartition(DLQ, 0);

    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

    DeadLetterReplayTest() {
        consumer.updatePartitions(DLQ, List.of(partition(DLQ, 0)));
        consumer.updatePartitions(ORDERS, IntStream.range(0, 12).mapToObj(p -> partition(ORDERS, p)).toList());
        consumer.updatePartitions(FOLLOWS, IntStream.range(0, 12).mapToObj(p -> partition(FOLLOWS, p)).toList());
        consumer.updateBeginningOffsets(Map.of(DLQ_0, 0L));
        consumer.updateEndOffsets(Map.of(DLQ_0, 3L));
    }

    @Test
    void shouldListWithoutWritingOrCommittingOnADryRun() {
        schedule(letter(0, ORDERS, "7", "drop-a", "garbage"), letter(1, FOLLOWS, "2", "u1", "x"), letter(2, null, null, "k", "v"));

        DeadLetterReplay.Outcome outcome = DeadLetterReplay.replay(consumer, producer, options(null, true), out);

        assertThat(outcome.replayed()).isEqualTo(2);
        assertThat(outcome.skipped()).isEqualTo(1);
        assertThat(producer.history()).isEmpty();
        assertThat(consumer.committed(Set.of(DLQ_0)).get(DLQ_0)).isNull();
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("would replay livedrop.dead-letters-0@0 -> livedrop.orders.requests-7 key=drop-a")
                .contains("skip livedrop.dead-letters-0@2: no __streams.errors.topic header");
    }

    @Test
    void shouldWriteTheOriginalBytesBackToTheirPartitionAndCommitProgress() {
        schedule(letter(0, ORDERS, "7", "drop-a", "garbage"), letter(1, FOLLOWS, "99", "u1", "x"), letter(2, null, null, "k", "v"));

        DeadLetterReplay.Outcome outcome = DeadLetterReplay.replay(consumer, producer, options(null, false), out);

        assertThat(outcome.byTopic()).isEqualTo(Map.of(ORDERS, 1L, FOLLOWS, 1L));
        List<ProducerRecord<byte[], byte[]>> sent = producer.history();
        assertThat(sent).hasSize(2);
        ProducerRecord<byte[], byte[]> order = sent.get(0);
        assertThat(order.topic()).isEqualTo(ORDERS);
        assertThat(order.partition()).isEqualTo(7);
        assertThat(new String(order.key(), StandardCharsets.UTF_8)).isEqualTo("drop-a");
        assertThat(new String(order.value(), StandardCharsets.UTF_8)).isEqualTo("garbage");
        assertThat(order.headers().toArray()).extracting(h -> h.key()).containsExactly("trace", DeadLetterReplay.REPLAYED_FROM);
        assertThat(new String(order.headers().lastHeader(DeadLetterReplay.REPLAYED_FROM).value(), StandardCharsets.UTF_8))
                .isEqualTo("livedrop.dead-letters-0@0");
        // a partition the source topic does not have: the partitioner chooses by key
        assertThat(sent.get(1).partition()).isNull();
        assertThat(consumer.committed(Set.of(DLQ_0)).get(DLQ_0)).isEqualTo(new OffsetAndMetadata(3));
    }

    @Test
    void shouldReplayOnlyTheChosenSourceTopic() {
        schedule(letter(0, ORDERS, "7", "drop-a", "garbage"), letter(1, FOLLOWS, "2", "u1", "x"), letter(2, ORDERS, "1", "drop-b", "y"));

        DeadLetterReplay.Outcome outcome = DeadLetterReplay.replay(consumer, producer, options(FOLLOWS, false), out);

        assertThat(outcome.replayed()).isEqualTo(1);
        assertThat(outcome.skipped()).isEqualTo(2);
        assertThat(producer.history()).singleElement().satisfies(r -> assertThat(r.topic()).isEqualTo(FOLLOWS));
    }

    @Test
    void shouldRefuseBadOptions() {
        assertThat(DeadLetterReplay.run(List.of("--max", "0"), out, out)).isEqualTo(2);
        assertThat(DeadLetterReplay.run(List.of("--from-beginning", "--since", "2h"), out, out)).isEqualTo(2);
        assertThat(DeadLetterReplay.run(List.of("--what"), out, out)).isEqualTo(2);
        assertThat(DeadLetterReplay.Options.parse(List.of("--since", "2h"), Instant.parse("2026-11-26T07:00:00Z")).since())
                .isEqualTo(Instant.parse("2026-11-26T05:00:00Z"));
    }

    private static DeadLetterReplay.Options options(String sourceTopic, boolean dryRun) {
        return new DeadLetterReplay.Options("unused:9092", DLQ, sourceTopic, DeadLetterReplay.DEFAULT_GROUP, false, null,
                Long.MAX_VALUE, dryRun);
    }

    @SafeVarargs
    private void schedule(ConsumerRecord<byte[], byte[]>... letters) {
        consumer.schedulePollTask(() -> {
            for (ConsumerRecord<byte[], byte[]> letter : letters) {
                consumer.addRecord(letter);
            }
        });
    }

    private static ConsumerRecord<byte[], byte[]> letter(long offset, String source, String partition, String key, String value) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("trace", "t-1".getBytes(StandardCharsets.UTF_8));
        if (source != null) {
            headers.add(DeadLetters.TOPIC, source.getBytes(StandardCharsets.UTF_8));
            headers.add(DeadLetters.PARTITION, partition.getBytes(StandardCharsets.UTF_8));
            headers.add(DeadLetters.OFFSET, "42".getBytes(StandardCharsets.UTF_8));
            headers.add(DeadLetters.EXCEPTION, "org.example.Boom".getBytes(StandardCharsets.UTF_8));
        }
        return new ConsumerRecord<>(DLQ, 0, offset, 0L, TimestampType.CREATE_TIME, -1, -1,
                key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8), headers, Optional.empty());
    }

    private static PartitionInfo partition(String topic, int partition) {
        return new PartitionInfo(topic, partition, null, null, null);
    }
}
