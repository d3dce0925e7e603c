package io.livedrop.topology.social;

import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import io.livedrop.topology.order.UserOrderKeys;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Keys of the social stores and topics, in one place. Compound keys join ids with {@code '|'}, so an
 * id that is blank or holds a {@code '|'} could read or overwrite another's entries: such follows
 * are refused ({@link #usable}).
 */
public final class SocialKeys {

    public static final char SEPARATOR = '|';

    private SocialKeys() {
    }

    public static boolean usable(String id) {
        return id != null && !id.isBlank() && id.indexOf(SEPARATOR) < 0;
    }

    /** following store: {@code "<user>|<creator>"}. */
    public static String following(String userId, String creatorId) {
        return userId + SEPARATOR + creatorId;
    }

    /** Every creator a user follows. */
    public static String followingPrefix(String userId) {
        return userId + SEPARATOR;
    }

    /** followers store: {@code "<creator>|<user>"}. */
    public static String follower(String creatorId, String userId) {
        return creatorId + SEPARATOR + userId;
    }

    /** This partition's followers of a creator. */
    public static String followersPrefix(String creatorId) {
        return creatorId + SEPARATOR;
    }

    /** The user id part of a followers key. */
    public static String userOfFollower(String followerKey) {
        return followerKey.substring(followerKey.indexOf(SEPARATOR) + 1);
    }

    /** recent-drop-starts store: {@code "<creator>|<started-at millis, 13 digits>|<drop>"}, oldest first per creator. */
    public static String recentStart(String creatorId, long startedAtMillis, String dropId) {
        return creatorId + SEPARATOR + String.format("%013d", startedAtMillis) + SEPARATOR + dropId;
    }

    /** The drop starts of a creator still in the inbox. */
    public static String recentStartsPrefix(String creatorId) {
        return creatorId + SEPARATOR;
    }

    /** The start time of a recent-drop-starts key. */
    public static long startedAtOf(String recentStartKey) {
        int from = recentStartKey.indexOf(SEPARATOR) + 1;
        return Long.parseLong(recentStartKey.substring(from, recentStartKey.indexOf(SEPARATOR, from)));
    }

    /** push-batches topic: {@code "<creator>#<drop>#<follows partition>#<batch>"}, unique per batch of a drop start. */
    public static String pushBatch(String creatorId, String dropId, int partition, int batch) {
        return creatorId + '#' + dropId + '#' + partition + '#' + batch;
    }

    /**
     * Routes a key of the following store ({@code "<user>|<creator>"}) to its partition: by the user
     * part, hashed as the follows topic's user key is (the same rule as {@link UserOrderKeys}).
     */
    public static <V> StreamPartitioner<String, V> byFollower() {
        return UserOrderKeys.partitioner();
    }

    /** Sends a record to every partition of its topic: how a drop start reaches every follows task. */
    @SuppressWarnings("unchecked")
    public static <K, V> StreamPartitioner<K, V> everyPartition() {
        return (StreamPartitioner<K, V>) EveryPartition.INSTANCE;
    }

    private static final class EveryPartition implements StreamPartitioner<Object, Object> {

        private static final EveryPartition INSTANCE = new EveryPartition();

        @Override
        public Optional<Set<Integer>> partitions(String topic, Object key, Object value, Headers headers, int numPartitions) {
            return Optional.of(IntStream.range(0, numPartitions).boxed().collect(Collectors.toSet()));
        }

        /** Required while Kafka keeps it abstract (deprecated for removal since 4.4); same answer. */
        @Override
        @Deprecated
        @SuppressWarnings("removal")
        public Optional<Set<Integer>> partitions(String topic, Object key, Object value, int numPartitions) {
            return partitions(topic, key, value, null, numPartitions);
        }
    }
}
