package io.livedrop.topology.order;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * The keys of the per-user order index ({@link io.livedrop.topology.config.Stores#USER_ORDERS}):
 * {@code "<user id>|<order id>"}, partitioned by the user id part only, so that all of a user's
 * orders live in one partition and one prefix scan of {@code "<user id>|"} finds them all.
 *
 * <p>A user id that is blank or contains {@code '|'} cannot be indexed: its prefix would match
 * another user's keys. The API only accepts user ids of 1-64 letters, digits, {@code '-'} or
 * {@code '_'}, so no real user is affected; such decisions are skipped by the topology.
 *
 * <p>{@link #partitioner()} is the one partitioner for this index, used both by the topology's
 * repartition and by the API's {@code KafkaStreams.queryMetadataForKey(Stores.USER_ORDERS, key,
 * UserOrderKeys.partitioner())}; both must agree or reads go to the wrong instance.
 */
public final class UserOrderKeys {

    public static final char SEPARATOR = '|';

    private UserOrderKeys() {
    }

    /** Whether decisions of this user can be indexed: not null, not blank, no {@code '|'}. */
    public static boolean usable(String userId) {
        return userId != null && !userId.isBlank() && userId.indexOf(SEPARATOR) < 0;
    }

    /** {@code "<user id>|<order id>"}; throws IllegalArgumentException for an unusable user id. */
    public static String key(String userId, String orderId) {
        return prefix(userId) + orderId;
    }

    /** {@code "<user id>|"}: the prefix of every key of this user's orders, and of no other user's. */
    public static String prefix(String userId) {
        if (!usable(userId)) {
            throw new IllegalArgumentException("User id '" + userId + "' is blank or contains '" + SEPARATOR + "'");
        }
        return userId + SEPARATOR;
    }

    /** The user id part of a key; throws IllegalArgumentException for a key without {@code '|'}. */
    public static String userOf(String key) {
        int separator = key.indexOf(SEPARATOR);
        if (separator < 1) {
            throw new IllegalArgumentException("'" + key + "' is not a user order key (<user id>|<order id>)");
        }
        return key.substring(0, separator);
    }

    /**
     * The partition of the user id part of a key, computed exactly as Kafka's default partitioner
     * computes it for the user id alone as a String key (murmur2 of its UTF-8 bytes).
     */
    public static int partitionOf(String key, int numPartitions) {
        byte[] user = userOf(key).getBytes(StandardCharsets.UTF_8);
        return Utils.toPositive(Utils.murmur2(user)) % numPartitions;
    }

    /**
     * Partitions a user order key by its user id part only. Generic in the value type so that it
     * fits both {@code Repartitioned.withStreamPartitioner} and
     * {@code KafkaStreams.queryMetadataForKey(String, K, StreamPartitioner<? super K, ?>)}.
     */
    @SuppressWarnings("unchecked")
    public static <V> StreamPartitioner<String, V> partitioner() {
        return (StreamPartitioner<String, V>) ByUser.INSTANCE;
    }

    /** Stateless, so one instance serves every value type. */
    private static final class ByUser implements StreamPartitioner<String, Object> {

        private static final ByUser INSTANCE = new ByUser();

        @Override
        public Optional<Set<Integer>> partitions(String topic, String key, Object value, Headers headers, int numPartitions) {
            return Optional.of(Set.of(partitionOf(key, numPartitions)));
        }

        /** Required while Kafka keeps it abstract (deprecated for removal since 4.4); same answer. */
        @Override
        @Deprecated
        @SuppressWarnings("removal")
        public Optional<Set<Integer>> partitions(String topic, String key, Object value, int numPartitions) {
            return partitions(topic, key, value, null, numPartitions);
        }
    }
}
