package io.livedrop.api.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.livedrop.kafka.embedded.EmbeddedKafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.junit.jupiter.api.Test;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;

/**
 * A real Kafka Streams application on a real broker whose stream thread blocks inside a record (as the fault
 * suite's thread blocked inside a commit): the watchdog finds it by Kafka's last-poll metric, marks liveness
 * BROKEN, and CORRECT again once the thread moves on.
 */
class StreamThreadWatchdogIntegrationTest {

    @Test
    void shouldMarkLivenessBrokenWhileAStreamThreadIsStuckAndCorrectOnceItPollsAgain() throws Exception {
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "watchdog-");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDirectory(dir.resolve("kafka")).port(0)
                .build().start()) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("in", 1, (short) 1))).all().get();
            }
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch releaseAgain = new CountDownLatch(1);
            StreamsBuilder builder = new StreamsBuilder();
            builder.stream("in", Consumed.with(Serdes.String(), Serdes.String())).foreach((key, value) -> {
                try {
                    if (value.equals("block")) {
                        release.await();
                    } else if (value.equals("block again")) {
                        releaseAgain.await();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "watchdog-it");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            props.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
            props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
            List<LivenessState> published = new CopyOnWriteArrayList<>();
            KafkaStreams streams = new KafkaStreams(builder.build(), props);
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                         ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                         new StringSerializer(), new StringSerializer())) {
                StreamThreadWatchdog watchdog = new StreamThreadWatchdog(() -> Map.of("test", streams),
                        broker.bootstrapServers(), Duration.ofSeconds(2), Duration.ofMillis(500), event -> {
                            if (event instanceof AvailabilityChangeEvent<?> change
                                    && change.getState() instanceof LivenessState state) {
                                published.add(state);
                            }
                        });
                streams.start();
                await().atMost(Duration.ofSeconds(30)).until(() -> streams.state() == KafkaStreams.State.RUNNING);
                producer.send(new ProducerRecord<>("in", "k", "fine")).get();
                watchdog.start();
                try {
                    // Given a running application: nothing is stuck
                    Thread.sleep(3_000);
                    assertThat(watchdog.stuck()).as("stuck threads while polling").isEmpty();
                    assertThat(published).isEmpty();

                    // When its stream thread blocks in a record for longer than the limit
                    producer.send(new ProducerRecord<>("in", "k", "block")).get();

                    // Then the watchdog names the thread's consumer and marks liveness BROKEN
                    await().atMost(Duration.ofSeconds(20)).until(() -> !watchdog.stuck().isEmpty());
                    assertThat(watchdog.stuck()).singleElement().satisfies(stuck -> {
                        assertThat(stuck.consumer()).contains("-StreamThread-1-consumer");
                        assertThat(stuck.secondsSincePoll()).isGreaterThan(2);
                    });
                    await().atMost(Duration.ofSeconds(5)).until(() -> published.contains(LivenessState.BROKEN));

                    // When the thread moves on, liveness is CORRECT again
                    release.countDown();
                    await().atMost(Duration.ofSeconds(20)).until(() -> watchdog.stuck().isEmpty());
                    await().atMost(Duration.ofSeconds(5)).until(() -> published.equals(
                            List.of(LivenessState.BROKEN, LivenessState.CORRECT)));

                    // When the thread blocks again but the broker is away (every thread then waits in its commit,
                    // and a restart cannot help), it does not count as stuck
                    producer.send(new ProducerRecord<>("in", "k", "block again")).get();
                    broker.close();
                    Thread.sleep(6_000);
                    assertThat(watchdog.stuck()).as("stuck threads while the broker is away").isEmpty();
                    assertThat(published).as("liveness changes").containsExactly(LivenessState.BROKEN, LivenessState.CORRECT);
                } finally {
                    release.countDown();
                    releaseAgain.countDown();
                    watchdog.stop();
                    streams.close(Duration.ofSeconds(10));
                }
            }
        }
    }
}
