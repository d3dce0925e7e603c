package io.livedrop.api.catalog;

import graphql.GraphQLContext;
import graphql.schema.DataFetchingEnvironment;
import io.livedrop.api.fanout.DocumentShape;
import io.livedrop.api.fanout.DocumentShapes;
import io.livedrop.api.fanout.Recipient;
import io.livedrop.api.fanout.SharedEvent;
import io.livedrop.api.graphql.Connection;
import io.livedrop.api.graphql.Pages;
import java.util.HashMap;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.dataloader.DataLoader;
import org.springframework.graphql.execution.BatchLoaderRegistry;
import reactor.core.publisher.Mono;
import io.livedrop.events.catalog.Creator;
import io.livedrop.events.catalog.Product;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import io.livedrop.api.security.Viewer;
import org.springframework.graphql.data.method.annotation.Argument;
import org.springframework.graphql.data.method.annotation.ContextValue;
import org.springframework.graphql.data.method.annotation.MutationMapping;
import org.springframework.graphql.data.method.annotation.SubscriptionMapping;
import reactor.core.publisher.Flux;
import org.springframework.graphql.data.method.annotation.BatchMapping;
import org.springframework.graphql.data.method.annotation.QueryMapping;
import org.springframework.graphql.data.method.annotation.SchemaMapping;
import org.springframework.stereotype.Controller;

/**
 * Catalog operations of the public API: queries, the creators' mutations and live drop updates.
 * Nested creators and products are batch-loaded: one store pass per field per request, however
 * many drops a page holds (no N+1). A creator's drops ({@code Creator.drops}) go through a
 * DataLoader keyed by (creator, first, after): one read of the creator index, gathered across
 * instances, per distinct key per request, however often the creator appears in the document;
 * {@code liveDrops} through one keyed by (first, after), so aliases asking the same page read it
 * once.
 * Page arguments are checked per field before loading, so a bad cursor is that field's
 * BAD_REQUEST; a failed read (UNAVAILABLE) fails every field of its batch. How much a query may
 * nest pages is bounded before it runs ({@link io.livedrop.api.graphql.QueryCost}).
 * dropUpdates answers a shared render (io.livedrop.api.fanout) with its one event, attaches a
 * shareable subscription of a transport that takes shared payloads to the feed, and streams
 * anything else per session.
 */
@Controller
public class CatalogController {

    private static final int DEFAULT_PAGE_SIZE = 20;
    static final String CREATOR_DROPS = "creatorDrops";
    static final String LIVE_DROPS = "liveDrops";

    private final CatalogQueryService catalog;
    private final CatalogCommands commands;
    private final DropUpdatesFeed updates;
    private final DocumentShapes shapes;

    public CatalogController(CatalogQueryService catalog, CatalogCommands commands, DropUpdatesFeed updates,
                             DocumentShapes shapes, BatchLoaderRegistry loaders) {
        this.catalog = catalog;
        this.commands = commands;
        this.updates = updates;
        this.shapes = shapes;
        loaders.<CreatorDropsPage, Connection<DropView>>forName(CREATOR_DROPS)
                .registerMappedBatchLoader((pages, environment) -> Mono.fromCallable(() -> dropsOfCreators(pages)));
        loaders.<LiveDropsPage, Connection<DropView>>forName(LIVE_DROPS)
                .registerMappedBatchLoader((pages, environment) -> Mono.fromCallable(() -> liveDropPages(pages)));
    }

    /** One page of a creator's drops, as asked by one {@code Creator.drops} field. */
    record CreatorDropsPage(String creatorId, int first, String after) {
    }

    /** One page of live drops, as asked by one {@code liveDrops} field. */
    record LiveDropsPage(int first, String after) {
    }

    @MutationMapping
    public Product upsertProduct(@Argument CatalogCommands.ProductInput input,
                                 @ContextValue(name = Viewer.CONTEXT_KEY, required = false) Viewer viewer) {
        return commands.upsertProduct(viewer, input);
    }

    @MutationMapping
    public DropView scheduleDrop(@Argument CatalogCommands.ScheduleDropInput input,
                                 @ContextValue(name = Viewer.CONTEXT_KEY, required = false) Viewer viewer) {
        return commands.scheduleDrop(viewer, input);
    }

    @SubscriptionMapping
    public Flux<DropUpdatesFeed.DropUpdate> dropUpdates(@Argument String dropId, DataFetchingEnvironment env) {
        GraphQLContext context = env.getGraphQlContext();
        SharedEvent shared = context.get(SharedEvent.CONTEXT_KEY);
        if (shared != null) {
            return Flux.just((DropUpdatesFeed.DropUpdate) shared.event());
        }
        Recipient recipient = context.get(Recipient.CONTEXT_KEY);
        if (recipient != null) {
            CatalogQueryService.requireValidId(dropId);   // as updates() does, before anything is attached
            DocumentShape shape = shapes.of(env);
            if (shape.shareable()) {
                return updates.attach(dropId, context.get(Viewer.CONTEXT_KEY), shape, recipient);
            }
        }
        return updates.updates(dropId);
    }

    @QueryMapping
    public Creator creator(@Argument String id) {
        return catalog.creator(id).orElse(null);
    }

    @QueryMapping
    public Product product(@Argument String id) {
        return catalog.product(id).orElse(null);
    }

    @QueryMapping
    public DropView drop(@Argument String id) {
        return catalog.drop(id).orElse(null);
    }

    @QueryMapping
    public CompletableFuture<Connection<DropView>> liveDrops(@Argument Integer first, @Argument String after,
                                                             DataFetchingEnvironment environment) {
        int size = pageSize(first);
        Pages.checkFirst(size);
        Pages.afterKey(after);
        DataLoader<LiveDropsPage, Connection<DropView>> loader = environment.getDataLoader(LIVE_DROPS);
        return loader.load(new LiveDropsPage(size, after));
    }

    private Map<LiveDropsPage, Connection<DropView>> liveDropPages(Set<LiveDropsPage> pages) {
        Map<LiveDropsPage, Connection<DropView>> loaded = new HashMap<>();
        for (LiveDropsPage page : pages) {
            loaded.put(page, catalog.liveDrops(page.first(), page.after()));
        }
        return loaded;
    }

    @SchemaMapping(typeName = "Creator", field = "drops")
    public CompletableFuture<Connection<DropView>> creatorDrops(Creator creator, @Argument Integer first,
                                                                @Argument String after, DataFetchingEnvironment environment) {
        int size = pageSize(first);
        Pages.checkFirst(size);
        Pages.afterKey(after);
        DataLoader<CreatorDropsPage, Connection<DropView>> loader = environment.getDataLoader(CREATOR_DROPS);
        return loader.load(new CreatorDropsPage(creator.getId(), size, after));
    }

    private Map<CreatorDropsPage, Connection<DropView>> dropsOfCreators(Set<CreatorDropsPage> pages) {
        Map<CreatorDropsPage, Connection<DropView>> loaded = new HashMap<>();
        for (CreatorDropsPage page : pages) {
            loaded.put(page, catalog.dropsOfCreator(page.creatorId(), page.first(), page.after()));
        }
        return loaded;
    }

    @BatchMapping(typeName = "Drop", field = "product")
    public Map<DropView, Product> dropProduct(List<DropView> drops) {
        return join(drops, DropView::productId, catalog::products);
    }

    @BatchMapping(typeName = "Drop", field = "creator")
    public Map<DropView, Creator> dropCreator(List<DropView> drops) {
        return join(drops, DropView::creatorId, catalog::creators);
    }

    @BatchMapping(typeName = "Product", field = "creator")
    public Map<Product, Creator> productCreator(List<Product> products) {
        return join(products, Product::getCreatorId, catalog::creators);
    }

    /** An explicit {@code first: null} means the schema's default page size. */
    private static int pageSize(Integer first) {
        return first == null ? DEFAULT_PAGE_SIZE : first;
    }

    private static <S, T> Map<S, T> join(List<S> sources, Function<S, String> idOf,
                                         Function<List<String>, Map<String, T>> load) {
        Map<String, T> loaded = load.apply(sources.stream().map(idOf).distinct().collect(Collectors.toList()));
        Map<S, T> joined = new LinkedHashMap<>();
        for (S source : sources) {
            T target = loaded.get(idOf.apply(source));
            if (target != null) {
                joined.put(source, target);
            }
        }
        return joined;
    }
}
