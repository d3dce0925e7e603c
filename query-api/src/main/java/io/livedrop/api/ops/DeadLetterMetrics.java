package io.livedrop.api.ops;

import io.livedrop.api.config.KafkaCluster;
import io.livedrop.api.streams.StreamsRuntime;
import io.livedrop.api.feed.TopicFeed;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Counts the records arriving on the dead-letter topic, {@value #DEAD_LETTERS} (Prometheus
 * {@code livedrop_dead_letters_total}) tagged {@code topic} = the source topic from the
 * {@code __streams.errors.topic} header ({@code unknown} without one). Every instance follows the
 * whole topic from its end (read_committed, like the decision feed), so each instance counts every
 * dead letter written while it runs: alert on {@code max(increase(...)) > 0}, never on a sum.
 * Only the headers are read, so a null or garbage value counts too.
 */
@Component
public class DeadLetterMetrics extends TopicFeed<byte[]> {

    public static final String DEAD_LETTERS = "livedrop.dead.letters";

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public DeadLetterMetrics(KafkaCluster cluster, StreamsRuntime runtime, ObjectProvider<MeterRegistry> meters) {
        // null values too: a tombstone that could not be processed is a dead letter with no value
        super(cluster.bootstrapServers(), runtime.topics().deadLetters().name(), new ByteArrayDeserializer(), false);
        this.registry = meters.getIfAvailable(SimpleMeterRegistry::new);
    }

    /** Counts one dead letter from {@code sourceTopic}. */
    void count(String sourceTopic) {
        counters.computeIfAbsent(sourceTopic, t -> Counter.builder(DEAD_LETTERS)
                .description("Records Kafka Streams sent to the dead-letter topic (each instance counts all)")
                .tag("topic", t).register(registry)).increment();
    }

    /** A dead letter's source topic, from its headers ({@code unknown} without one). */
    static String sourceTopic(Headers headers) {
        String source = DeadLetters.header(headers, DeadLetters.TOPIC);
        return source == null || source.isBlank() ? "unknown" : source;
    }

    @Override
    protected void onRecord(ConsumerRecord<String, byte[]> record) {
        count(sourceTopic(record.headers()));
    }
}
