package io.livedrop.topology.config;

import java.util.List;
import java.util.Map;

/**
 * Every topic livedrop reads or writes, named in this one place. Names carry the configured prefix
 * so that environments can share a cluster. Immutable.
 *
 * <p>Drops, order requests, order decisions and drop events are all keyed by drop id with the same
 * partition count: a drop's definition and its orders meet in the same task with no repartition.
 */
public record Topics(
        TopicSpec creators,
        TopicSpec products,
        TopicSpec drops,
        TopicSpec orderRequests,
        TopicSpec orderDecisions,
        TopicSpec dropEvents,
        TopicSpec follows,
        TopicSpec followerChanges,
        TopicSpec dropStarts,
        TopicSpec pushBatches,
        TopicSpec deadLetters) {

    private static final Map<String, String> COMPACTED = Map.of("cleanup.policy", "compact");
    private static final long DEAD_LETTER_RETENTION_MS = 14L * 24 * 60 * 60 * 1000;

    public static Topics from(LivedropConfig config) {
        String p = config.topicPrefix();
        int partitions = config.partitions();
        short rf = config.replicationFactor();
        Map<String, String> events = Map.of("cleanup.policy", "delete",
                "retention.ms", Long.toString(config.orderRetentionMs()));
        return new Topics(
                new TopicSpec(p + "catalog.creators", config.catalogPartitions(), rf, COMPACTED),
                new TopicSpec(p + "catalog.products", config.catalogPartitions(), rf, COMPACTED),
                new TopicSpec(p + "catalog.drops", partitions, rf, COMPACTED),
                new TopicSpec(p + "orders.requests", partitions, rf, events),
                new TopicSpec(p + "orders.decisions", partitions, rf, events),
                new TopicSpec(p + "drops.events", partitions, rf, events),
                // The source of truth of who follows whom: kept for ever (see docs/adr/0001).
                new TopicSpec(p + "social.follows", partitions, rf, Map.of("cleanup.policy", "delete", "retention.ms", "-1")),
                // Effective follows and unfollows re-keyed by creator, for the follower counts.
                new TopicSpec(p + "social.follower-changes", partitions, rf, events),
                // Drop starts broadcast to every partition; must match the follows topic's partition count.
                new TopicSpec(p + "notifications.drop-starts", partitions, rf, events),
                new TopicSpec(p + "notifications.push-batches", partitions, rf, events),
                new TopicSpec(p + "dead-letters", config.catalogPartitions(), rf,
                        Map.of("cleanup.policy", "delete", "retention.ms", Long.toString(DEAD_LETTER_RETENTION_MS))));
    }

    public List<TopicSpec> all() {
        return List.of(creators, products, drops, orderRequests, orderDecisions, dropEvents, follows, followerChanges,
                dropStarts, pushBatches, deadLetters);
    }

    /** The inputs clients write through the API (catalog changes, order requests, follows); the topology writes the rest. */
    public List<TopicSpec> commands() {
        return List.of(creators, products, drops, orderRequests, follows);
    }

    /** Topics that must share one partition count because their records meet by drop id in one task. */
    public List<TopicSpec> coPartitionedByDrop() {
        return List.of(drops, orderRequests, orderDecisions, dropEvents);
    }

    /** Topics that must share one partition count because the push fan-out meets follows and drop starts in one task. */
    public List<TopicSpec> coPartitionedByFollower() {
        return List.of(follows, dropStarts);
    }
}
