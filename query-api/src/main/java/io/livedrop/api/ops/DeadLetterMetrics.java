package io.livedrop.api.ops;

import io.livedrop.api.kafka.KafkaCluster;
import io.livedrop.api.kafka.StreamsRuntime;
import io.livedrop.api.kafka.TopicTail;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Counts the records arriving on the dead-letter topic, {@value #DEAD_LETTERS} (Prometheus
 * {@code livedrop_dead_letters_total}) tagged {@code topic} = the source topic from the
 * {@code __streams.errors.topic} header ({@code unknown} without one). Every instance follows the
 * whole topic from its end (read_committed, like the decision feed), so each instance counts every
 * dead letter written while it runs: alert on {@code max(increase(...)) > 0}, never on a sum.
 * Only the headers are read, so a null or garbage value counts too. Nothing is tailed when there is no meter registry.
 */
@Component
public class DeadLetterMetrics implements SmartLifecycle {

    public static final String DEAD_LETTERS = "livedrop.dead.letters";

    private final String bootstrapServers;
    private final String topic;
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private TopicTail<byte[]> tail;
    private volatile boolean running;

    public DeadLetterMetrics(KafkaCluster cluster, StreamsRuntime runtime, ObjectProvider<MeterRegistry> meters) {
        this.bootstrapServers = cluster.bootstrapServers();
        this.topic = runtime.topics().deadLetters().name();
        this.registry = meters.getIfAvailable();
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
    public synchronized void start() {
        if (registry != null) {
            // null values too: a tombstone that could not be processed is a dead letter with no value
            tail = new TopicTail<>(bootstrapServers, topic, new ByteArrayDeserializer(),
                    record -> count(sourceTopic(record.headers())), false);
            tail.start();
        }
        running = true;
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (tail != null) {
            tail.close();
            tail = null;
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
