package io.livedrop.api.feed;

import io.livedrop.api.streams.StreamsRuntime;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.springframework.context.SmartLifecycle;

/**
 * A component that follows one topic from its end while the application runs ({@link TopicTail}),
 * handing every committed record to {@link #onRecord}. A new tail is made on every start: Spring
 * may stop and restart a context. Subclasses depend on {@link io.livedrop.api.streams.StreamsRuntime} (constructor
 * argument), so Spring starts them after it has provisioned the topics.
 */
public abstract class TopicFeed<V> implements SmartLifecycle {

    private final String bootstrapServers;
    private final String topic;
    private final Deserializer<V> values;
    private final boolean skipNullValues;
    private TopicTail<V> tail;
    private volatile boolean running;

    protected TopicFeed(String bootstrapServers, String topic, Deserializer<V> values) {
        this(bootstrapServers, topic, values, true);
    }

    /** As above; with {@code skipNullValues} false, records with a null value are handed over too. */
    protected TopicFeed(String bootstrapServers, String topic, Deserializer<V> values, boolean skipNullValues) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
        this.values = values;
        this.skipNullValues = skipNullValues;
    }

    /** Called on the tail's thread, in partition order, for every committed record. */
    protected abstract void onRecord(ConsumerRecord<String, V> record);

    @Override
    public synchronized void start() {
        tail = new TopicTail<>(bootstrapServers, topic, values, this::onRecord, skipNullValues);
        tail.start();
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

    /**
     * Just after {@link StreamsRuntime}, which creates the topics as it starts (a feed no longer depends on it as a bean:
     * the edge role has none), and stopped once in-flight requests have finished, before it.
     */
    @Override
    public int getPhase() {
        return StreamsRuntime.PHASE + 1;
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
