package io.livedrop.kafka.embedded;

import static io.livedrop.kafka.embedded.KafkaTestClients.admin;
import static io.livedrop.kafka.embedded.KafkaTestClients.consumer;
import static io.livedrop.kafka.embedded.KafkaTestClients.createTopic;
import static io.livedrop.kafka.embedded.KafkaTestClients.pollUntil;
import static io.livedrop.kafka.embedded.KafkaTestClients.producer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerIntegrationTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.temporary().start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void recordsProducedToAThreePartitionTopicAreConsumedBack() throws Exception {
        // Given a topic with 3 partitions
        createTopic(broker, "orders", 3);

        // When 30 keyed records are produced
        try (KafkaProducer<String, String> producer = producer(broker, Map.of())) {
            for (int i = 0; i < 30; i++) {
                producer.send(new ProducerRecord<>("orders", "key-" + i, "value-" + i)).get();
            }
        }

        // Then a consumer group reads all of them back, from all 3 partitions
        try (Admin admin = admin(broker);
                KafkaConsumer<String, String> consumer = consumer(broker,
                        Map.of(ConsumerConfig.GROUP_ID_CONFIG, "orders-reader"))) {
            TopicDescription topic = admin.describeTopics(List.of("orders")).allTopicNames()
                    .get(10, TimeUnit.SECONDS).get("orders");
            assertThat(topic.partitions()).hasSize(3);

            consumer.subscribe(List.of("orders"));
            List<ConsumerRecord<String, String>> records = pollUntil(consumer, 30, TIMEOUT);
            assertThat(records).extracting(ConsumerRecord::value)
                    .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 30).mapToObj(i -> "value-" + i).toList());
            assertThat(records).extracting(ConsumerRecord::partition).containsOnly(0, 1, 2);
        }
    }

    @Test
    void committedTransactionIsVisibleToReadCommittedConsumersAndAbortedOneIsNot() throws Exception {
        // Given a topic and a transactional producer
        createTopic(broker, "payments", 1);
        try (KafkaProducer<String, String> producer = producer(broker,
                Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "payments-tx"))) {
            producer.initTransactions();

            // When one transaction commits, the next aborts and a third commits
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("payments", "p1", "committed-1"));
            producer.commitTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>("payments", "p2", "aborted")).get();
            producer.abortTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>("payments", "p3", "committed-2"));
            producer.commitTransaction();
        }

        // Then read_committed sees only the committed records, while the aborted one was really written
        List<TopicPartition> partition = List.of(new TopicPartition("payments", 0));
        try (KafkaConsumer<String, String> committed = consumer(broker,
                        Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
                KafkaConsumer<String, String> uncommitted = consumer(broker,
                        Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted"))) {
            committed.assign(partition);
            uncommitted.assign(partition);
            assertThat(pollUntil(committed, 2, TIMEOUT)).extracting(ConsumerRecord::value)
                    .containsExactly("committed-1", "committed-2");
            assertThat(pollUntil(uncommitted, 3, TIMEOUT)).extracting(ConsumerRecord::value)
                    .containsExactly("committed-1", "aborted", "committed-2");
        }
    }

    @Test
    void restartOnTheSameDataDirectoryFindsTheTopicAndItsRecordsAgain(@TempDir Path dataDir) throws Exception {
        // Given a broker on a fixed port that wrote a topic with records, then stopped
        int fixedPort = freePort();
        EmbeddedKafkaBroker.Builder settings = EmbeddedKafkaBroker.builder()
                .dataDirectory(dataDir.resolve("kafka")).port(fixedPort);
        Duration coldStart;
        try (EmbeddedKafkaBroker first = settings.build().start()) {
            coldStart = first.startupDuration();
            assertThat(first.bootstrapServers()).isEqualTo("127.0.0.1:" + fixedPort);
            createTopic(first, "stock", 3);
            try (KafkaProducer<String, String> producer = producer(first, Map.of())) {
                for (int i = 0; i < 9; i++) {
                    producer.send(new ProducerRecord<>("stock", "sku-" + i, "qty-" + i)).get();
                }
            }
        }

        // When a new broker starts on the same directory and port
        try (EmbeddedKafkaBroker second = settings.build().start()) {
            System.out.printf("Embedded Kafka start: cold (format) %d ms, warm (existing data) %d ms%n",
                    coldStart.toMillis(), second.startupDuration().toMillis());

            // Then the topic and all its records are there again
            try (Admin admin = admin(second);
                    KafkaConsumer<String, String> consumer = consumer(second, Map.of())) {
                assertThat(admin.listTopics().names().get(10, TimeUnit.SECONDS)).contains("stock");
                consumer.assign(IntStream.range(0, 3).mapToObj(p -> new TopicPartition("stock", p)).toList());
                assertThat(pollUntil(consumer, 9, TIMEOUT)).extracting(ConsumerRecord::value)
                        .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 9).mapToObj(i -> "qty-" + i).toList());
            }
        }
    }

    @Test
    void startingASecondBrokerOnAnOccupiedFixedPortFailsNamingThePortAndTheSetting(@TempDir Path dataDir) {
        // Given the running broker holds its port
        int occupied = broker.port();

        // When a second broker is started on that same fixed port
        EmbeddedKafkaBroker second = EmbeddedKafkaBroker.builder().dataDirectory(dataDir).port(occupied).build();

        // Then it fails, saying which port is taken and how to choose another, and the first broker still serves
        assertThatThrownBy(second::start)
                .isInstanceOf(EmbeddedKafkaException.class)
                .hasMessageContaining("Port " + occupied + " on 127.0.0.1 is already in use")
                .hasMessageContaining("EmbeddedKafkaBroker.Builder#port(int)");
        second.close();
        assertThat(broker.isRunning()).isTrue();
    }

    @Test
    void dataDirectoryFormattedForAnotherNodeIsRejectedWithHowToFixIt(@TempDir Path dataDir) throws IOException {
        // Given a data directory formatted by another Kafka node (node.id=7)
        Files.writeString(dataDir.resolve("meta.properties"),
                "version=1\ncluster.id=AAAAAAAAAAAAAAAAAAAAAA\nnode.id=7\ndirectory.id=BBBBBBBBBBBBBBBBBBBBBB\n");

        // When the embedded broker starts on it
        EmbeddedKafkaBroker foreign = EmbeddedKafkaBroker.builder().dataDirectory(dataDir).build();

        // Then it refuses, naming the stored ids and telling to delete the directory, and leaves the data alone
        assertThatThrownBy(foreign::start)
                .isInstanceOf(EmbeddedKafkaException.class)
                .hasMessageContaining("formatted for another node or cluster")
                .hasMessageContaining("node.id=7")
                .hasMessageContaining("Delete the directory");
        foreign.close();
        assertThat(dataDir.resolve("meta.properties")).exists();
    }

    @Test
    void temporaryBrokerDeletesItsDataOnCloseAndClosingTwiceIsHarmless() {
        // Given a started temporary broker
        EmbeddedKafkaBroker temporary = EmbeddedKafkaBroker.temporary().start();
        Path dataDir = temporary.dataDirectory();
        assertThat(dataDir.resolve("meta.properties")).exists();

        // When it is closed twice
        temporary.close();
        temporary.close();

        // Then it is stopped and its data directory is gone
        assertThat(temporary.isRunning()).isFalse();
        assertThat(dataDir).doesNotExist();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
