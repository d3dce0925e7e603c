package io.livedrop.api.query;

import io.livedrop.api.streams.StreamsRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.LagInfo;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads Kafka Streams state stores wherever they are. Global stores are local on every instance.
 * A key of a partitioned store is read where {@code queryMetadataForKey} says its partition lives:
 * here, or one hop away on its owner ({@link PeerClient} → {@link PeerEndpoint}); if the active
 * copy does not answer (rebalancing, restoring, down), a standby answers, provided it lags by at
 * most {@code standbyMaxLag} records. The partition → host map is Kafka Streams' own (rebuilt at
 * every rebalance); a failed hop asks it again after a short backoff. While nothing can answer (an instance
 * just started or restarted, a rebalance) the read waits for the partition's owner, up to {@code ownerWait}, then
 * fails with a retryable UNAVAILABLE, never with "no data". At most {@code maxOwnerWaiters} reads wait at once (each
 * holds a request thread): beyond that a read that finds no owner fails at once, so a long rebalance cannot take
 * every thread from the reads that can be served. Both refusals are counted under their setting's name.
 */
public class InteractiveQueries {

    private static final Logger log = LoggerFactory.getLogger(InteractiveQueries.class);
    static final String OWNER_WAIT = "livedrop.queries.owner-wait";
    static final String MAX_OWNER_WAITERS = "livedrop.queries.max-owner-waiters";
    private static final Duration BACKOFF = Duration.ofMillis(50);
    private static final Duration LAGS_FRESH_FOR = Duration.ofSeconds(1);
    static final String KEYS_PATH = "/internal/stores/%s/keys/%s";
    static final String PREFIX_PATH = "/internal/stores/%s/prefix/%s";

    /** This instance cannot serve the partition asked for (not active, standby too far behind, restoring). */
    public static final class NotServedHere extends Exception {
        public NotServedHere(String message) {
            super(message, null, false, false);
        }
    }

    private final StreamsRuntime runtime;
    private final Supplier<HostInfo> self;
    private final PeerClient peers;
    private final long standbyMaxLag;
    private final Duration ownerWait;
    private final int maxOwnerWaiters;
    private final Consumer<String> refused;
    private final AtomicInteger ownerWaiters = new AtomicInteger();
    private final Map<KafkaStreams, Lags> lags = new java.util.concurrent.ConcurrentHashMap<>();

    /** Reads that wait at most 2 s for an owner, unbounded in number, refusals not counted (tests). */
    public InteractiveQueries(StreamsRuntime runtime, Supplier<HostInfo> self, PeerClient peers, long standbyMaxLag) {
        this(runtime, self, peers, standbyMaxLag, Duration.ofSeconds(2), Integer.MAX_VALUE, limit -> { });
    }

    public InteractiveQueries(StreamsRuntime runtime, Supplier<HostInfo> self, PeerClient peers, long standbyMaxLag,
                              Duration ownerWait, int maxOwnerWaiters, Consumer<String> refused) {
        this.runtime = runtime;
        this.self = self;
        this.peers = peers;
        this.standbyMaxLag = standbyMaxLag;
        this.ownerWait = ownerWait;
        this.maxOwnerWaiters = maxOwnerWaiters;
        this.refused = refused;
    }

    // ------------------------------------------------------------------ global and local-only stores

    /** Runs {@code query} against a key-value store (global, or all active local partitions), retrying while it is unavailable. */
    public <K, V, R> R withStore(String storeName, Function<ReadOnlyKeyValueStore<K, V>, R> query) {
        try (OwnerWait wait = new OwnerWait()) {
            while (true) {
                try {
                    ReadOnlyKeyValueStore<K, V> store = runtime.streamsFor(storeName).store(
                            StoreQueryParameters.fromNameAndType(storeName, QueryableStoreTypes.keyValueStore()));
                    return query.apply(store);
                } catch (InvalidStateStoreException | IllegalStateException e) {
                    wait.retryOrGiveUp("The " + storeName + " store is not available yet (the instance is starting "
                            + "or rebalancing); retry shortly", e);
                }
            }
        }
    }

    // ------------------------------------------------------------------ routed reads

    /** The value under {@code key} of a partitioned store, from whichever instance serves its partition. */
    public <V extends SpecificRecordBase> Optional<V> get(String store, String key,
                                                          StreamPartitioner<? super String, ?> partitioner,
                                                          RecordCodec<V> codec, String bearerToken) {
        return routed(store, key, partitioner, (host, partition, stale) -> {
            if (host.equals(self.get())) {
                @SuppressWarnings("unchecked")
                Optional<V> value = (Optional<V>) (Optional<?>) localGet(store, key, partition, stale);
                return value;
            }
            return peers.get(host, String.format(KEYS_PATH, store, PeerClient.encodePath(key)),
                    params(partition, stale), bearerToken).map(codec::decode);
        });
    }

    /** Every value whose key starts with {@code prefix}; all of them live in the partition of {@code routingKey}. */
    public <V extends SpecificRecordBase> List<V> prefixScan(String store, String routingKey, String prefix,
                                                             StreamPartitioner<? super String, ?> partitioner,
                                                             RecordCodec<V> codec, String bearerToken) {
        return routed(store, routingKey, partitioner, (host, partition, stale) -> {
            if (host.equals(self.get())) {
                @SuppressWarnings("unchecked")
                List<V> values = (List<V>) (List<?>) localPrefix(store, prefix, partition, stale);
                return values;
            }
            return peers.get(host, String.format(PREFIX_PATH, store, PeerClient.encodePath(prefix)),
                    params(partition, stale), bearerToken).map(codec::decodeList).orElse(List.of());
        });
    }

    /** A query of this instance's copy of one partition (active, or a lag-bounded standby when {@code stale}). */
    @FunctionalInterface
    public interface PartitionQuery<R> {
        R run(int partition, boolean stale) throws NotServedHere;
    }

    /**
     * A query that needs several stores of one partition at once, run where the partition of
     * {@code routingKey} lives: here through {@code local}, elsewhere through the owner's endpoint
     * {@code path} (which runs the same query and answers {@link PeerEndpoint}-style: 503 when it
     * does not serve the partition). {@code decode} gets the owner's answer, empty on 404.
     */
    public <R> R routedQuery(String store, String routingKey, StreamPartitioner<? super String, ?> partitioner,
                             PartitionQuery<R> local, String path, Map<String, String> params,
                             Function<Optional<byte[]>, R> decode, String bearerToken) {
        return routed(store, routingKey, partitioner, (host, partition, stale) -> {
            if (host.equals(self.get())) {
                return local.run(partition, stale);
            }
            Map<String, String> all = new java.util.HashMap<>(params);
            all.putAll(params(partition, stale));
            return decode.apply(peers.get(host, path, all, bearerToken));
        });
    }

    @FunctionalInterface
    private interface HostRead<R> {
        R read(HostInfo host, int partition, boolean stale) throws NotServedHere, PeerClient.NotServedThere;
    }

    private <R> R routed(String store, String key, StreamPartitioner<? super String, ?> partitioner, HostRead<R> read) {
        String lastFailure = "the owner of this key is being decided (rebalancing)";
        try (OwnerWait wait = new OwnerWait()) {
            while (true) {
                KeyQueryMetadata metadata = metadata(store, key, partitioner);
                if (metadata != null && !KeyQueryMetadata.NOT_AVAILABLE.equals(metadata)) {
                    Set<HostInfo> hosts = new LinkedHashSet<>();
                    hosts.add(metadata.activeHost());
                    hosts.addAll(metadata.standbyHosts());
                    for (HostInfo host : hosts) {
                        try {
                            return read.read(host, metadata.partition(), !host.equals(metadata.activeHost()));
                        } catch (NotServedHere | PeerClient.NotServedThere e) {
                            lastFailure = e.getMessage();
                            log.debug("{} partition {} not served by {}: {}", store, metadata.partition(), host, e.getMessage());
                        }
                    }
                }
                wait.retryOrGiveUp("No instance can serve this " + store + " partition right now (" + lastFailure
                        + "); retry shortly", null);
            }
        }
    }

    private KeyQueryMetadata metadata(String store, String key, StreamPartitioner<? super String, ?> partitioner) {
        try {
            KafkaStreams streams = runtime.streamsFor(store);
            return partitioner == null ? streams.queryMetadataForKey(store, key, Serdes.String().serializer())
                    : streams.queryMetadataForKey(store, key, partitioner);
        } catch (IllegalStateException e) {
            return null;
        }
    }

    /**
     * Values of every partition of a partitioned store, gathered from all instances: the local
     * active partitions through {@code local}, every other instance through {@code path}. Fails
     * with {@link StoreUnavailableException} unless every partition of {@code sourceTopic} has an active owner that
     * answered, so a list is never silently missing a partition.
     */
    public <V extends SpecificRecordBase> List<V> gather(String store, String sourceTopic, int partitions, String path,
                                                         Map<String, String> params, RecordCodec<V> codec,
                                                         Supplier<List<V>> local) {
        try (OwnerWait wait = new OwnerWait()) {
            while (true) {
                String failure;
                try {
                    Collection<StreamsMetadata> owners = runtime.streamsFor(store).streamsMetadataForStore(store);
                    Set<Integer> covered = new HashSet<>();
                    owners.forEach(m -> m.topicPartitions().stream().filter(tp -> tp.topic().equals(sourceTopic))
                            .forEach(tp -> covered.add(tp.partition())));
                    if (covered.size() == partitions) {
                        List<V> values = new ArrayList<>();
                        for (StreamsMetadata owner : owners) {
                            if (owner.hostInfo().equals(self.get())) {
                                values.addAll(local.get());
                            } else if (!owner.topicPartitions().isEmpty()) {
                                values.addAll(peers.get(owner.hostInfo(), path, params, null).map(codec::decodeList)
                                        .orElse(List.of()));
                            }
                        }
                        return values;
                    }
                    failure = covered.size() + " of " + partitions + " partitions have an owner";
                } catch (PeerClient.NotServedThere e) {
                    failure = e.getMessage();
                } catch (InvalidStateStoreException | IllegalStateException | StoreUnavailableException e) {
                    failure = e.getMessage();
                }
                wait.retryOrGiveUp("Cannot list " + store + " across instances right now (" + failure
                        + "); retry shortly", null);
            }
        }
    }

    // ------------------------------------------------------------------ what this instance serves

    /**
     * The value under {@code key} in this instance's copy of {@code partition}; a standby copy only when {@code stale}
     * and lag-bounded. Only the active copy may say "no such key": a standby or warm-up copy that lacks it may simply
     * not have restored it yet (the fault suite's scale-out and scale-in, scenario 4, read drops as null that way),
     * so the read moves on to another copy, or becomes a retryable UNAVAILABLE.
     */
    public Optional<Object> localGet(String store, String key, int partition, boolean stale) throws NotServedHere {
        ReadOnlyKeyValueStore<String, Object> copy = localCopy(store, partition, stale);
        Object value;
        try {
            value = copy.get(key);
        } catch (InvalidStateStoreException e) {
            throw new NotServedHere(store + " partition " + partition + " moved away: " + e.getMessage());
        }
        if (value == null && stale) {
            throw new NotServedHere("the standby of " + store + " partition " + partition + " does not have the key"
                    + " (it may not have restored it yet)");
        }
        return Optional.ofNullable(value);
    }

    public List<Object> localPrefix(String store, String prefix, int partition, boolean stale) throws NotServedHere {
        ReadOnlyKeyValueStore<String, Object> copy = localCopy(store, partition, stale);
        List<Object> values = new ArrayList<>();
        try (KeyValueIterator<String, Object> it = copy.prefixScan(prefix, Serdes.String().serializer())) {
            it.forEachRemaining(kv -> values.add(kv.value));
        } catch (InvalidStateStoreException e) {
            throw new NotServedHere(store + " partition " + partition + " moved away: " + e.getMessage());
        }
        return values;
    }

    /** This instance's copy of one partition of {@code store}, for a {@link PartitionQuery}. */
    @SuppressWarnings("unchecked")
    public <V> ReadOnlyKeyValueStore<String, V> localStore(String store, int partition, boolean stale) throws NotServedHere {
        return (ReadOnlyKeyValueStore<String, V>) (ReadOnlyKeyValueStore<String, ?>) localCopy(store, partition, stale);
    }

    private ReadOnlyKeyValueStore<String, Object> localCopy(String store, int partition, boolean stale) throws NotServedHere {
        KafkaStreams streams;
        try {
            streams = runtime.streamsFor(store);
        } catch (IllegalStateException e) {
            throw new NotServedHere("Kafka Streams is not started here");
        }
        if (stale) {
            Map<Integer, LagInfo> lags = lags(streams).getOrDefault(store, Map.of());
            LagInfo lag = lags.get(partition);
            if (lag == null) {
                throw new NotServedHere("no copy of " + store + " partition " + partition + " here");
            }
            if (lag.offsetLag() > standbyMaxLag) {
                throw new NotServedHere("the standby of " + store + " partition " + partition + " lags by "
                        + lag.offsetLag() + " records (more than " + standbyMaxLag + ")");
            }
        }
        StoreQueryParameters<ReadOnlyKeyValueStore<String, Object>> parameters = StoreQueryParameters
                .fromNameAndType(store, QueryableStoreTypes.<String, Object>keyValueStore()).withPartition(partition);
        try {
            return streams.store(stale ? parameters.enableStaleStores() : parameters);
        } catch (InvalidStateStoreException | IllegalStateException e) {
            // IllegalStateException: Kafka Streams is shutting down or not started
            throw new NotServedHere(store + " partition " + partition + " is not queryable here: " + e.getMessage());
        }
    }

    /**
     * This instance's store lags, at most {@link #LAGS_FRESH_FOR} old. Kafka Streams asks the broker
     * for the changelogs' end offsets on every call: while an active is down, every read of its
     * partitions would otherwise pay that round trip.
     */
    private Map<String, Map<Integer, LagInfo>> lags(KafkaStreams streams) throws NotServedHere {
        Lags current = lags.get(streams);
        long now = System.nanoTime();
        if (current == null || now - current.at > LAGS_FRESH_FOR.toNanos()) {
            try {
                current = new Lags(streams, now, streams.allLocalStorePartitionLags());
            } catch (RuntimeException e) {
                throw new NotServedHere("store lags unknown here: " + e.getMessage());
            }
            if (lags.size() > 4) {
                lags.clear(); // instances of a restarted context
            }
            lags.put(streams, current);
        }
        return current.byStore;
    }

    private record Lags(KafkaStreams streams, long at, Map<String, Map<Integer, LagInfo>> byStore) {
    }

    private static Map<String, String> params(int partition, boolean stale) {
        return Map.of("partition", Integer.toString(partition), "stale", Boolean.toString(stale));
    }

    /**
     * One read's wait for an owner: it takes one of the {@code maxOwnerWaiters} places at its first retry (a read
     * served at once takes none) and gives it back when the read ends.
     */
    private final class OwnerWait implements AutoCloseable {

        private final long deadline = System.nanoTime() + ownerWait.toNanos();
        private boolean waiting;

        void retryOrGiveUp(String message, Throwable cause) {
            if (!waiting) {
                if (ownerWaiters.incrementAndGet() > maxOwnerWaiters) {
                    ownerWaiters.decrementAndGet();
                    refused.accept(MAX_OWNER_WAITERS);
                    throw new StoreUnavailableException(message + " [" + maxOwnerWaiters + " reads already wait, "
                            + MAX_OWNER_WAITERS + "]", cause);
                }
                waiting = true;
            }
            if (System.nanoTime() > deadline) {
                refused.accept(OWNER_WAIT);
                throw new StoreUnavailableException(message, cause);
            }
            try {
                Thread.sleep(BACKOFF.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreUnavailableException("Interrupted while waiting for a store", e);
            }
        }

        @Override
        public void close() {
            if (waiting) {
                ownerWaiters.decrementAndGet();
            }
        }
    }
}
