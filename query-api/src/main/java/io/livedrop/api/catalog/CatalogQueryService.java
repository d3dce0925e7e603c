package io.livedrop.api.catalog;

import io.livedrop.api.graphql.ApiException;
import io.livedrop.api.graphql.Connection;
import io.livedrop.api.graphql.Pages;
import io.livedrop.api.kafka.InteractiveQueries;
import io.livedrop.api.kafka.RecordCodec;
import io.livedrop.api.kafka.StreamsRuntime;
import io.livedrop.events.catalog.Creator;
import io.livedrop.events.catalog.Product;
import io.livedrop.events.drop.DropState;
import io.livedrop.events.drop.DropStatus;
import io.livedrop.topology.config.Stores;
import io.livedrop.topology.drop.CreatorDropKeys;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.springframework.stereotype.Service;

/**
 * Catalog reads. Creators and products come from global stores, local on every instance. A drop's
 * state (definition, status, stock) lives in the partition of its drop id: read on its owner, one
 * hop away at most. Lists of drops are gathered from every instance (each answers for its own
 * partitions, after the cursor, at most a page) and merged, so pages are right however the
 * partitions are spread. An instance's share of a creator's drops is read from the
 * {@link Stores#DROPS_BY_CREATOR} index, in each of its partitions a prefix range of at most a
 * page plus point reads of drop-state: the cost of a page does not grow with the catalog. Live
 * drops are still a scan of this instance's drop-state (one per request and page, see the cost
 * limit {@link io.livedrop.api.graphql.QueryCost}). Ids are validated before any store is touched.
 */
@Service
public class CatalogQueryService {

    /** Ids are short opaque tokens: letters, digits, '-' and '_'. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    /** Sort key that orders later instants first: (Long.MAX_VALUE - millis), zero-padded. */
    private static final String NEWEST_FIRST = "%019d|%s";
    static final String DROPS_PATH = "/internal/catalog/drops";
    static final RecordCodec<DropState> DROP_STATES = RecordCodec.of(DropState.getDecoder());

    private final InteractiveQueries queries;
    private final StreamsRuntime runtime;
    private final int partitions;

    public CatalogQueryService(InteractiveQueries queries, StreamsRuntime runtime) {
        this.queries = queries;
        this.runtime = runtime;
        this.partitions = runtime.topics().drops().partitions();
    }

    public Optional<Creator> creator(String id) {
        requireValidId(id);
        return Optional.ofNullable(queries.<String, Creator, Creator>withStore(Stores.CATALOG_CREATORS, s -> s.get(id)));
    }

    public Map<String, Creator> creators(Collection<String> ids) {
        return queries.<String, Creator, Map<String, Creator>>withStore(Stores.CATALOG_CREATORS, s -> getAll(s, ids));
    }

    public Optional<Product> product(String id) {
        requireValidId(id);
        return Optional.ofNullable(queries.<String, Product, Product>withStore(Stores.CATALOG_PRODUCTS, s -> s.get(id)));
    }

    public Map<String, Product> products(Collection<String> ids) {
        return queries.<String, Product, Map<String, Product>>withStore(Stores.CATALOG_PRODUCTS, s -> getAll(s, ids));
    }

    /** A drop with its live status and stock, from the instance serving its partition. */
    public Optional<DropView> drop(String id) {
        requireValidId(id);
        return queries.get(Stores.DROP_STATE, id, null, DROP_STATES, null).map(DropView::of);
    }

    public Map<String, DropView> drops(Collection<String> ids) {
        Map<String, DropView> found = new LinkedHashMap<>();
        for (String id : ids) {
            drop(id).ifPresent(view -> found.put(id, view));
        }
        return found;
    }

    /** LIVE drops, the most recently started first. */
    public Connection<DropView> liveDrops(int first, String after) {
        return page(DropFilter.live(), first, after);
    }

    /** A creator's drops, the latest start first. */
    public Connection<DropView> dropsOfCreator(String creatorId, int first, String after) {
        return page(DropFilter.ofCreator(creatorId), first, after);
    }

    private Connection<DropView> page(DropFilter filter, int first, String after) {
        Pages.checkFirst(first);
        String afterKey = Pages.afterKey(after);
        Map<String, String> params = new HashMap<>(filter.params());
        params.put("limit", Integer.toString(first + 1));
        if (afterKey != null) {
            params.put("after", afterKey);
        }
        List<DropState> gathered = queries.gather(Stores.DROP_STATE, runtime.topics().drops().name(), partitions,
                DROPS_PATH, params, DROP_STATES, () -> localDrops(filter, afterKey, first + 1));
        List<DropView> views = gathered.stream().map(DropView::of).toList();
        return Pages.page(views, filter::sortKey, first, after);
    }

    /** This instance's share of a drop list: its active partitions, sorted, after {@code afterKey}, at most {@code limit}. */
    List<DropState> localDrops(DropFilter filter, String afterKey, int limit) {
        return filter.creatorId() == null ? localScan(filter, afterKey, limit) : localDropsOfCreator(filter, afterKey, limit);
    }

    /**
     * A creator's drops in this instance's active partitions: in each, the index range after
     * {@code afterKey}, at most {@code limit} entries, and their states; merged and cut to
     * {@code limit}. A partition assigned here but not queryable (restoring, moving) makes the
     * whole share UNAVAILABLE, so the gathering instance retries rather than miss its drops.
     */
    private List<DropState> localDropsOfCreator(DropFilter filter, String afterKey, int limit) {
        String from = CreatorDropKeys.prefix(filter.creatorId()) + (afterKey == null ? "" : afterKey);
        String to = CreatorDropKeys.end(filter.creatorId());
        if (from.compareTo(to) > 0) {
            return List.of(); // a cursor past every key of this creator
        }
        List<DropState> found = new ArrayList<>();
        for (int partition : localPartitions()) {
            try {
                ReadOnlyKeyValueStore<String, String> index = queries.localStore(Stores.DROPS_BY_CREATOR, partition, false);
                ReadOnlyKeyValueStore<String, DropState> states = queries.localStore(Stores.DROP_STATE, partition, false);
                try (KeyValueIterator<String, String> it = index.range(from, to)) {
                    int taken = 0;
                    while (taken < limit && it.hasNext()) {
                        var entry = it.next();
                        if (afterKey != null && CreatorDropKeys.sortKeyOf(entry.key).compareTo(afterKey) <= 0) {
                            continue;
                        }
                        DropState state = states.get(entry.value);
                        if (state != null) {
                            found.add(state);
                            taken++;
                        }
                    }
                }
            } catch (InteractiveQueries.NotServedHere | InvalidStateStoreException e) {
                throw ApiException.unavailable("Drops of partition " + partition + " cannot be read here right now; retry shortly", e);
            }
        }
        found.sort(Comparator.comparing(state -> filter.sortKey(DropView.of(state))));
        return found.size() > limit ? new ArrayList<>(found.subList(0, limit)) : found;
    }

    /** The drops partitions whose active task runs on this instance. */
    private List<Integer> localPartitions() {
        String topic = runtime.topics().drops().name();
        try {
            return runtime.streamsFor(Stores.DROPS_BY_CREATOR).metadataForLocalThreads().stream()
                    .flatMap(thread -> thread.activeTasks().stream())
                    .flatMap(task -> task.topicPartitions().stream())
                    .filter(tp -> tp.topic().equals(topic)).map(TopicPartition::partition).distinct().sorted().toList();
        } catch (IllegalStateException e) {
            throw ApiException.unavailable("Kafka Streams is not running here yet; retry shortly", e);
        }
    }

    /** Live drops: a scan of this instance's drop states. */
    private List<DropState> localScan(DropFilter filter, String afterKey, int limit) {
        return queries.<String, DropState, List<DropState>>withStore(Stores.DROP_STATE, store -> {
            List<DropState> matching = new ArrayList<>();
            try (KeyValueIterator<String, DropState> it = store.all()) {
                it.forEachRemaining(kv -> {
                    DropView view = DropView.of(kv.value);
                    if (filter.test(view) && (afterKey == null || filter.sortKey(view).compareTo(afterKey) > 0)) {
                        matching.add(kv.value);
                    }
                });
            }
            matching.sort(Comparator.comparing(state -> filter.sortKey(DropView.of(state))));
            return matching.size() > limit ? new ArrayList<>(matching.subList(0, limit)) : matching;
        });
    }

    /** Which drops a list holds and in which order. */
    record DropFilter(String kind, String creatorId) implements Predicate<DropView> {

        static DropFilter live() {
            return new DropFilter("live", null);
        }

        static DropFilter ofCreator(String creatorId) {
            requireValidId(creatorId);
            return new DropFilter("creator", creatorId);
        }

        static DropFilter of(String kind, String creatorId) {
            return switch (kind) {
                case "live" -> live();
                case "creator" -> ofCreator(creatorId);
                default -> throw ApiException.badRequest("Unknown drop list '" + kind + "'");
            };
        }

        Map<String, String> params() {
            return creatorId == null ? Map.of("kind", kind) : Map.of("kind", kind, "creatorId", creatorId);
        }

        @Override
        public boolean test(DropView drop) {
            return creatorId == null ? drop.status() == DropStatus.LIVE : drop.creatorId().equals(creatorId);
        }

        /** Live drops: the most recently started first; a creator's drops: the latest start first (the index's order). */
        String sortKey(DropView drop) {
            if (creatorId != null) {
                return CreatorDropKeys.sortKey(drop.startsAt(), drop.id());
            }
            Instant at = drop.startedAt() != null ? drop.startedAt() : drop.startsAt();
            return String.format(NEWEST_FIRST, Long.MAX_VALUE - at.toEpochMilli(), drop.id());
        }
    }

    private static <V> Map<String, V> getAll(ReadOnlyKeyValueStore<String, V> store, Collection<String> ids) {
        Map<String, V> found = new HashMap<>();
        for (String id : ids) {
            V value = store.get(id);
            if (value != null) {
                found.put(id, value);
            }
        }
        return found;
    }

    public static void requireValidId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw ApiException.badRequest("Malformed id '" + abbreviate(id) + "': ids are 1-64 letters, digits, '-' or '_'");
        }
    }

    private static String abbreviate(String text) {
        return text == null || text.length() <= 80 ? text : text.substring(0, 80) + "…";
    }
}
