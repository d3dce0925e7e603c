package io.livedrop.api.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.livedrop.kafka.embedded.EmbeddedKafkaBroker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;

/** A tail outlives a poison pill: found by the fault suite, where one bad record silenced an instance's feeds. */
class TopicTailIntegrationTest {

    /** Accepts records starting with "ok:". */
    private static final Deserializer<String> STRICT = (topic, data) -> {
        String text = new String(data, StandardCharsets.UTF_8);
        if (!text.startsWith("ok:")) {
            throw new SerializationException("not a record of ours: " + text);
        }
        return text;
    };

    @Test
    void shouldSkipAnUndecodableRecordAndDeliverTheNextOnes() throws Exception {
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "tail-");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDirectory(dir).port(0).build().start()) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("t", 1, (short) 1))).all().get();
            }
            List<String> seen = new CopyOnWriteArrayList<>();
            try (TopicTail<String> tail = new TopicTail<>(broker.bootstrapServers(), "t", STRICT, r -> seen.add(r.value()));
                 KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                         ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                         new ByteArraySerializer(), new ByteArraySerializer())) {
                tail.start();

                // When a good record, a poison pill and two more good ones are committed
                for (String value : List.of("ok:1", "poison", "ok:2", "ok:3")) {
                    producer.send(new ProducerRecord<>("t", value.getBytes(StandardCharsets.UTF_8))).get();
                }

                // Then the tail delivers every good one, in order
                await().atMost(Duration.ofSeconds(15)).until(() -> seen.size() == 3);
                assertThat(seen).containsExactly("ok:1", "ok:2", "ok:3");
            }
        } finally {
            deleteRecursively(dir);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
