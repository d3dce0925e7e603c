package io.livedrop.bench;

import io.livedrop.topology.config.Topics;
import io.livedrop.topology.provisioning.TopicProvisioner;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;

/** The benchmarks' topic administration and Kafka Streams start-up on their broker. */
public final class KafkaAdmin {

    private KafkaAdmin() {
    }

    /** An idempotent producer that waits for all replicas, with Kafka's default linger, as the API's. */
    public static <K, V> KafkaProducer<K, V> producer(String bootstrap, String clientId, Serializer<K> keys,
                                                      Serializer<V> values) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, BenchOptions.PRODUCER_LINGER_MS, ProducerConfig.CLIENT_ID_CONFIG,
                clientId), keys, values);
    }

    /** Creates {@code topic} (replication 1) and waits until every partition has a leader. */
    public static void create(String bootstrap, String topic, int partitions) {
        try (Admin admin = admin(bootstrap)) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(60, TimeUnit.SECONDS);
            Waits.await(() -> {
                try {
                    return admin.describeTopics(List.of(topic)).allTopicNames().get(5, TimeUnit.SECONDS)
                            .get(topic).partitions().stream().allMatch(p -> p.leader() != null);
                } catch (Exception e) {
                    return false;
                }
            }, Duration.ofSeconds(30));
        } catch (Exception e) {
            throw new IllegalStateException("Cannot create topic " + topic + ": " + e, e);
        }
    }

    /** Creates a topology's topics as the application does. */
    public static void provision(String bootstrap, Topics topics) {
        try (Admin admin = admin(bootstrap)) {
            new TopicProvisioner(admin, Duration.ofSeconds(60)).provision(topics);
        }
    }

    /** Deletes the matching topics; a failure is only said. */
    public static void delete(String bootstrap, Predicate<String> names) {
        try (Admin admin = admin(bootstrap)) {
            List<String> mine = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream().filter(names).toList();
            admin.deleteTopics(mine).all().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            Progress.say("(could not delete topics: %s)", e);
        }
    }

    /** Starts {@code streams}, waits for RUNNING; an uncaught exception shuts it down and lands in {@code failure}. */
    public static void start(KafkaStreams streams, AtomicReference<Throwable> failure, String what) {
        streams.setUncaughtExceptionHandler(e -> {
            failure.compareAndSet(null, e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.start();
        if (!Waits.await(() -> streams.state() == KafkaStreams.State.RUNNING || failure.get() != null,
                Duration.ofSeconds(120))) {
            throw new IllegalStateException(what + " not RUNNING after 120 s: " + streams.state());
        }
    }

    static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }
}
