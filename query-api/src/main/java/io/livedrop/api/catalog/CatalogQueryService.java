package io.livedrop.api.catalog;

import io.livedrop.api.graphql.ApiException;
import io.livedrop.api.graphql.Connection;
import io.livedrop.api.graphql.Pages;
import io.livedrop.api.kafka.InteractiveQueries;
import io.livedrop.events.catalog.Creator;
import io.livedrop.events.catalog.Product;
import io.livedrop.events.drop.DropState;
import io.livedrop.events.drop.DropStatus;
import io.livedrop.topology.config.Stores;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.springframework.stereotype.Service;

/**
 * Catalog reads over the topology's stores. Ids are validated before any store is touched.
 *
 * <p>Known gap (until the multi-instance API): list queries scan the drop-state partitions of this
 * instance only, which is all of them when one instance runs.
 */
@Service
public class CatalogQueryService {

    /** Ids are short opaque tokens: letters, digits, '-' and '_'. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    /** Sort key that orders later instants first: (Long.MAX_VALUE - millis), zero-padded. */
    private static final String NEWEST_FIRST = "%019d|%s";

    private final InteractiveQueries queries;

    public CatalogQueryService(InteractiveQueries queries) {
        this.queries = queries;
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

    public Optional<DropView> drop(String id) {
        requireValidId(id);
        queries.requireLocalOwner(Stores.DROP_STATE, id, Serdes.String().serializer());
        DropState state = queries.<String, DropState, DropState>withStore(Stores.DROP_STATE, s -> s.get(id));
        return Optional.ofNullable(state).map(DropView::of);
    }

    /** LIVE drops, the most recently started first. */
    public Connection<DropView> liveDrops(int first, String after) {
        Pages.checkFirst(first);
        List<DropView> live = scanDrops(d -> d.status() == DropStatus.LIVE);
        return Pages.page(live, d -> newestFirst(d.startedAt() != null ? d.startedAt() : d.startsAt(), d.id()), first, after);
    }

    /** A creator's drops, the latest start first. */
    public Connection<DropView> dropsOfCreator(String creatorId, int first, String after) {
        Pages.checkFirst(first);
        List<DropView> drops = scanDrops(d -> d.creatorId().equals(creatorId));
        return Pages.page(drops, d -> newestFirst(d.startsAt(), d.id()), first, after);
    }

    private List<DropView> scanDrops(Predicate<DropView> filter) {
        return queries.<String, DropState, List<DropView>>withStore(Stores.DROP_STATE, store -> {
            List<DropView> views = new ArrayList<>();
            try (KeyValueIterator<String, DropState> it = store.all()) {
                it.forEachRemaining(kv -> {
                    DropView view = DropView.of(kv.value);
                    if (filter.test(view)) {
                        views.add(view);
                    }
                });
            }
            return views;
        });
    }

    private static String newestFirst(java.time.Instant at, String id) {
        return String.format(NEWEST_FIRST, Long.MAX_VALUE - at.toEpochMilli(), id);
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

    static void requireValidId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw ApiException.badRequest("Malformed id '" + id + "': ids are 1-64 letters, digits, '-' or '_'");
        }
    }
}
