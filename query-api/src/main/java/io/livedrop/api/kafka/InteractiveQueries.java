package io.livedrop.api.kafka;

import io.livedrop.api.graphql.ApiException;
import java.time.Duration;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads Kafka Streams state stores in-process. A store that is not queryable yet (starting,
 * rebalancing, restoring) is retried for a short while and then reported as a retryable UNAVAILABLE
 * error, never as "no data". Partitioned keys are checked against {@code queryMetadataForKey}: a
 * key this instance does not own is not answered from a local miss.
 */
public class InteractiveQueries {

    private static final Duration RETRY_FOR = Duration.ofSeconds(2);
    private static final Duration BACKOFF = Duration.ofMillis(50);

    private final StreamsRuntime runtime;
    private final java.util.function.Supplier<HostInfo> self;

    public InteractiveQueries(StreamsRuntime runtime, java.util.function.Supplier<HostInfo> self) {
        this.runtime = runtime;
        this.self = self;
    }

    /** Runs {@code query} against a key-value store (global or all local partitions), retrying while it is unavailable. */
    public <K, V, R> R withStore(String storeName, Function<ReadOnlyKeyValueStore<K, V>, R> query) {
        long deadline = System.nanoTime() + RETRY_FOR.toNanos();
        while (true) {
            try {
                KafkaStreams streams = runtime.streams();
                ReadOnlyKeyValueStore<K, V> store = streams.store(
                        StoreQueryParameters.fromNameAndType(storeName, QueryableStoreTypes.keyValueStore()));
                return query.apply(store);
            } catch (InvalidStateStoreException | IllegalStateException e) {
                if (System.nanoTime() > deadline) {
                    throw ApiException.unavailable("The " + storeName + " store is not available yet (the instance is "
                            + "starting or rebalancing); retry shortly", e);
                }
                sleep();
            }
        }
    }

    /**
     * Checks that this instance owns {@code key} of a partitioned store. Throws UNAVAILABLE when the
     * owner is unknown (rebalancing) or is another instance (routing to it arrives with the
     * multi-instance API; until then run one instance).
     */
    public <K> void requireLocalOwner(String storeName, K key, Serializer<K> keySerializer) {
        KeyQueryMetadata metadata = runtime.streams().queryMetadataForKey(storeName, key, keySerializer);
        if (metadata == null || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata)) {
            throw ApiException.unavailable("The owner of this key is being decided (rebalancing); retry shortly", null);
        }
        HostInfo me = self.get();
        if (!me.equals(metadata.activeHost())) {
            throw ApiException.unavailable("This key is served by " + metadata.activeHost()
                    + "; query that instance", null);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(BACKOFF.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("Interrupted while waiting for a store", e);
        }
    }
}
