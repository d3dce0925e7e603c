package io.livedrop.api.catalog;

import io.livedrop.api.graphql.ApiException;
import io.livedrop.api.graphql.Connection;
import io.livedrop.api.graphql.Pages;
import io.livedrop.api.query.InteractiveQueries;
import io.livedrop.api.query.RecordCodec;
import io.livedrop.api.query.StoreUnavailableException;
import io.livedrop.api.streams.StreamsRuntime;
import io.livedrop.events.catalog.Creator;
import io.livedrop.events.catalog.Product;
import io.livedrop.events.drop.DropState;
import io.livedrop.events.drop.DropStatus;
import io.livedrop.topology.config.Stores;
import io.livedrop.topology.drop.CreatorDropKeys;
import io.livedrop.topology.drop.LiveDropKeys;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.springframework.stereotype.Service;

/**
 * Catalog reads. Creators and products come from global stores, local on every instance. A drop's
 * state (definition, status, stock) lives in the partition of its drop id: read on its owner, one
 * hop away at most. Lists of drops are gathered from every instance (each answers for its own
 * partitions, after the cursor, at most a page) and merged, so pages are right however the
 * partitions are spread. An instance's share of a list is read from the ledger's index of it, in
 * each of its partitions a range of at most a page plus point reads of drop-state, so the cost of
 * a page does not grow with the catalog: {@link Stores#LIVE_DROPS} for live drops (however many
 * drops have ended), {@link Stores#DROPS_BY_CREATOR} for a creator's drops (a prefix range). The
 * index keys are the lists' sort keys, which the cursors carry. Ids are validated before any store
 * is touched.
 */
@Service
public class CatalogQueryService implements DropSource {

    /** Ids are short opaque tokens: letters, digits, '-' and '_'. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
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
    @Override
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
        return filter.creatorId() == null
                ? fromIndex(Stores.LIVE_DROPS, afterKey, null, key -> key, filter, afterKey, limit)
                : localDropsOfCreator(filter, afterKey, limit);
    }

    /** A creator's drops in this instance's active partitions: the creator's prefix of its index. */
    private List<DropState> localDropsOfCreator(DropFilter filter, String afterKey, int limit) {
        String from = CreatorDropKeys.prefix(filter.creatorId()) + (afterKey == null ? "" : afterKey);
        String to = CreatorDropKeys.end(filter.creatorId());
        if (from.compareTo(to) > 0) {
            return List.of(); // a cursor past every key of this creator
        }
        return fromIndex(Stores.DROPS_BY_CREATOR, from, to, CreatorDropKeys::sortKeyOf, filter, afterKey, limit);
    }

    /**
     * A list in this instance's active partitions, from its index: in each partition, the index
     * range [{@code from}, {@code to}] (null: unbounded), entries whose sort key is after
     * {@code afterKey}, until {@code limit} of them name a state the filter still holds (the
     * stores are read one after the other, not as one snapshot, so a drop that left the list
     * between the two reads is skipped); merged and cut to {@code limit}. A partition assigned
     * here but not queryable (restoring, moving) makes the whole share unavailable, so the
     * gathering instance retries rather than miss its drops.
     */
    private List<DropState> fromIndex(String indexStore, String from, String to, UnaryOperator<String> sortKeyOf,
                                      DropFilter filter, String afterKey, int limit) {
        List<DropState> found = new ArrayList<>();
        for (int partition : localPartitions()) {
            try {
                ReadOnlyKeyValueStore<String, String> index = queries.localStore(indexStore, partition, false);
                ReadOnlyKeyValueStore<String, DropState> states = queries.localStore(Stores.DROP_STATE, partition, false);
                try (KeyValueIterator<String, String> it = index.range(from, to)) {
                    int taken = 0;
                    while (taken < limit && it.hasNext()) {
                        var entry = it.next();
                        if (afterKey != null && sortKeyOf.apply(entry.key).compareTo(afterKey) <= 0) {
                            continue;
                        }
                        DropState state = states.get(entry.value);
                        if (state != null && filter.test(DropView.of(state))) {
                            found.add(state);
                            taken++;
                        }
                    }
                }
            } catch (InteractiveQueries.NotServedHere | InvalidStateStoreException e) {
                throw new StoreUnavailableException("Drops of partition " + partition + " cannot be read here right now; retry shortly", e);
            }
        }
        found.sort(Comparator.comparing(state -> filter.sortKey(DropView.of(state))));
        return found.size() > limit ? new ArrayList<>(found.subList(0, limit)) : found;
    }

    /** The drops partitions whose active task runs on this instance. */
    private List<Integer> localPartitions() {
        String topic = runtime.topics().drops().name();
        try {
            return runtime.streamsFor(Stores.DROP_STATE).metadataForLocalThreads().stream()
                    .flatMap(thread -> thread.activeTasks().stream())
                    .flatMap(task -> task.topicPartitions().stream())
                    .filter(tp -> tp.topic().equals(topic)).map(TopicPartition::partition).distinct().sorted().toList();
        } catch (IllegalStateException e) {
            throw new StoreUnavailableException("Kafka Streams is not running here yet; retry shortly", e);
        }
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

        /** Live drops: the most recently started first; a creator's drops: the latest start first (each its index's order). */
        String sortKey(DropView drop) {
            if (creatorId != null) {
                return CreatorDropKeys.sortKey(drop.startsAt(), drop.id());
            }
            return LiveDropKeys.key(drop.startedAt() != null ? drop.startedAt() : drop.startsAt(), drop.id());
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
