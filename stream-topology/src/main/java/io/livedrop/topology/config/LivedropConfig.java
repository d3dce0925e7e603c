package io.livedrop.topology.config;

import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * livedrop's own settings, each with its key, default and doc, validated when constructed so that a
 * bad value stops startup with a message naming the key. Kafka and Kafka Streams settings are not
 * repeated here: they pass through unchanged.
 */
public final class LivedropConfig extends AbstractConfig {

    public static final String TOPIC_PREFIX = "topics.prefix";
    public static final String PARTITIONS = "topics.partitions";
    public static final String CATALOG_PARTITIONS = "topics.catalog.partitions";
    public static final String REPLICATION_FACTOR = "topics.replication.factor";
    public static final String ORDER_RETENTION_MS = "topics.orders.retention.ms";
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String DROP_CLOCK_INTERVAL_MS = "drops.clock.interval.ms";
    public static final String IDEMPOTENCY_RETENTION_MS = "orders.idempotency.retention.ms";
    public static final String PUSH_BATCH_SIZE = "notifications.push.batch.size";
    public static final String INBOX_RETENTION_MS = "notifications.inbox.retention.ms";

    private static final ConfigDef DEFINITION = new ConfigDef()
            .define(TOPIC_PREFIX, Type.STRING, "livedrop.", Importance.MEDIUM,
                    "Prefix of every livedrop topic name, so that environments can share a cluster.")
            .define(PARTITIONS, Type.INT, 12, Range.atLeast(1), Importance.HIGH,
                    "Partitions of the drop-keyed topics (drops, order requests and decisions, drop events) "
                            + "and of the follows and push-batch topics. Orders of one drop are decided by one "
                            + "task, so this bounds the drops decided in parallel. Changing it on a live cluster "
                            + "moves drops to other partitions: see docs/operations.md.")
            .define(CATALOG_PARTITIONS, Type.INT, 3, Range.atLeast(1), Importance.LOW,
                    "Partitions of the creator and product topics (read whole by every instance).")
            .define(REPLICATION_FACTOR, Type.SHORT, (short) 1, Range.atLeast(1), Importance.HIGH,
                    "Replication factor of the topics livedrop creates; 1 only for the local single broker, "
                            + "3 in production.")
            .define(ORDER_RETENTION_MS, Type.LONG, 7L * 24 * 60 * 60 * 1000, Range.atLeast(-1), Importance.MEDIUM,
                    "Retention of order requests, decisions and drop events; -1 keeps them for ever.")
            .define(SCHEMA_REGISTRY_URL, Type.STRING, "", Importance.HIGH,
                    "URL of an Apicurio Registry (its Confluent-compatible wire format). Empty: Avro "
                            + "single-object encoding with the compiled-in schemas, no registry.")
            .define(DROP_CLOCK_INTERVAL_MS, Type.LONG, 100L, Range.between(10L, 60_000L), Importance.LOW,
                    "How often (wall-clock) each task checks for drops to start or end, and publishes stock "
                            + "changes; bounds how late a drop goes live.")
            .define(IDEMPOTENCY_RETENTION_MS, Type.LONG, 24L * 60 * 60 * 1000, Range.atLeast(60_000L), Importance.MEDIUM,
                    "How long an order's decision is kept for retries with the same idempotency key.")
            .define(PUSH_BATCH_SIZE, Type.INT, 500, Range.between(1, 10_000), Importance.MEDIUM,
                    "Followers named in one push batch: the multicast size of the push provider.")
            .define(INBOX_RETENTION_MS, Type.LONG, 7L * 24 * 60 * 60 * 1000, Range.atLeast(60_000L), Importance.MEDIUM,
                    "How long a drop start stays in its followers' inboxes (me.notifications).");

    public LivedropConfig(Map<?, ?> originals) {
        super(DEFINITION, originals, false);
        if (getString(TOPIC_PREFIX).chars().anyMatch(c -> !(Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-'))) {
            throw new ConfigException(TOPIC_PREFIX, getString(TOPIC_PREFIX),
                    "topic names may hold only letters, digits, '.', '_' and '-'");
        }
    }

    /** The definition, for documentation (README's configuration reference is generated from it). */
    public static ConfigDef definition() {
        return new ConfigDef(DEFINITION);
    }

    public String topicPrefix() {
        return getString(TOPIC_PREFIX);
    }

    public int partitions() {
        return getInt(PARTITIONS);
    }

    public int catalogPartitions() {
        return getInt(CATALOG_PARTITIONS);
    }

    public short replicationFactor() {
        return getShort(REPLICATION_FACTOR);
    }

    public long orderRetentionMs() {
        return getLong(ORDER_RETENTION_MS);
    }

    public String schemaRegistryUrl() {
        return getString(SCHEMA_REGISTRY_URL);
    }

    public long dropClockIntervalMs() {
        return getLong(DROP_CLOCK_INTERVAL_MS);
    }

    public long idempotencyRetentionMs() {
        return getLong(IDEMPOTENCY_RETENTION_MS);
    }

    public int pushBatchSize() {
        return getInt(PUSH_BATCH_SIZE);
    }

    public long inboxRetentionMs() {
        return getLong(INBOX_RETENTION_MS);
    }
}
