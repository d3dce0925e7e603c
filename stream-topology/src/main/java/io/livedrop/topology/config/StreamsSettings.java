package io.livedrop.topology.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The Kafka Streams settings livedrop always runs with, in one place for the application, the
 * tests and the benchmarks:
 * <ul>
 *   <li>{@code exactly_once_v2}: a decision, the stock change and the idempotency record commit in
 *       one transaction;</li>
 *   <li>poison pills go to the dead-letter topic through Kafka Streams' own handlers (KIP-1034): a
 *       record that cannot be deserialized or processed is written there with its raw bytes and
 *       {@code __streams.errors.*} headers (exception, message, stack trace, source topic,
 *       partition, offset), and processing continues; on the global thread (the catalog) such a
 *       record is logged and skipped, as Kafka Streams 4.4 cannot dead-letter from there
 *       ({@link DeadLetterHandlers});</li>
 *   <li>a 20 ms commit interval: a decision is visible to read_committed consumers within it, so
 *       an order's answer takes tens of milliseconds; 100 ms decides a hot drop ~15 % faster but
 *       puts the commit wait into every answer (docs/benchmarks/stampede.md);</li>
 *   <li>one standby replica of every task, so that reads of partitioned stores stay served while
 *       the active task moves in a rebalance;</li>
 *   <li>a 10 s consumer session: a crashed instance's tasks move to the survivors (their standbys)
 *       10 s after its last heartbeat, not 45 s.</li>
 * </ul>
 * Callers may override any of these with {@code overrides}.
 */
public final class StreamsSettings {

    public static final int DEFAULT_COMMIT_INTERVAL_MS = 20;
    public static final int DEFAULT_STANDBY_REPLICAS = 1;
    public static final int DEFAULT_SESSION_TIMEOUT_MS = 10_000;

    private StreamsSettings() {
    }

    public static Properties of(LivedropConfig config, String applicationId, String bootstrapServers, Path stateDir,
                                Map<String, ?> overrides) {
        Topics topics = Topics.from(config);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) config.replicationFactor());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, DEFAULT_COMMIT_INTERVAL_MS);
        // A standby serves interactive queries while the active rebalances; a no-op with one instance.
        props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, DEFAULT_STANDBY_REPLICAS);
        // A crashed instance's drops wait for its session to time out before a standby takes them over:
        // 10 s instead of the consumer's 45 s (the fault suite's kill -9 measured ~50 s of PENDING orders).
        props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), DEFAULT_SESSION_TIMEOUT_MS);
        props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), DEFAULT_SESSION_TIMEOUT_MS / 3);
        // KIP-892 transactional state stores stay off for now: docs/adr/0004-order-decisions.md
        props.put(StreamsConfig.TRANSACTIONAL_STATE_STORES_CONFIG, false);
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, topics.deadLetters().name());
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandlers.Deserialization.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandlers.Processing.class);
        // Global (catalog) stores get the same processing-error handling as tasks; the default from Kafka 5.0
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        props.putAll(overrides);
        return props;
    }
}
