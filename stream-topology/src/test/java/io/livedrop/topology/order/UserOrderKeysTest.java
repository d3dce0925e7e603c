package io.livedrop.topology.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.processor.internals.DefaultStreamPartitioner;
import org.junit.jupiter.api.Test;

class UserOrderKeysTest {

    private static final String TOPIC = "livedrop-orders-by-user-repartition";

    @Test
    void shouldPartitionUserOrdersByUserOnly() {
        // Given the index partitioner, typed as the API passes it to
        // KafkaStreams.queryMetadataForKey(String, K, StreamPartitioner<? super K, ?>), and Kafka
        // Streams' default partitioner for plain String keys
        StreamPartitioner<? super String, ?> byUser = UserOrderKeys.partitioner();
        DefaultStreamPartitioner<String, Object> byDefault = new DefaultStreamPartitioner<>(new StringSerializer());

        for (String user : List.of("u", "u1", "u10", "ann", "anna", "user-42_x")) {
            for (int partitions : new int[] {1, 3, 12, 50}) {
                // When two orders of the user are partitioned
                Optional<Set<Integer>> first = partition(byUser, UserOrderKeys.key(user, "o1"), partitions);
                Optional<Set<Integer>> second = partition(byUser, UserOrderKeys.key(user, "o2"), partitions);

                // Then they share one partition: the one the default partitioner gives the user id alone
                Optional<Set<Integer>> plain = byDefault.partitions(TOPIC, user, null, new RecordHeaders(), partitions);
                assertThat(first).as("%s over %d partitions", user, partitions).isEqualTo(second).isEqualTo(plain);
                assertThat(first.orElseThrow()).hasSize(1);
                assertThat(UserOrderKeys.partitionOf(UserOrderKeys.key(user, "o1"), partitions))
                        .isEqualTo(plain.orElseThrow().iterator().next());
            }
        }
    }

    @Test
    void shouldBuildKeysUnderTheUserPrefixAndReadTheUserBack() {
        String key = UserOrderKeys.key("u1", "6f1c-order");

        assertThat(key).isEqualTo("u1|6f1c-order").startsWith(UserOrderKeys.prefix("u1"));
        assertThat(key).doesNotStartWith(UserOrderKeys.prefix("u"));
        assertThat(UserOrderKeys.userOf(key)).isEqualTo("u1");
    }

    @Test
    void shouldRefuseUserIdsThatWouldCorruptAnotherUsersPrefix() {
        assertThat(UserOrderKeys.usable("a|b")).isFalse();
        assertThat(UserOrderKeys.usable(" ")).isFalse();
        assertThat(UserOrderKeys.usable(null)).isFalse();
        assertThatThrownBy(() -> UserOrderKeys.key("a|b", "o1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> UserOrderKeys.prefix("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> UserOrderKeys.userOf("no-separator")).isInstanceOf(IllegalArgumentException.class);
    }

    private static Optional<Set<Integer>> partition(StreamPartitioner<? super String, ?> partitioner, String key, int partitions) {
        return partitioner.partitions(TOPIC, key, null, new RecordHeaders(), partitions);
    }
}
