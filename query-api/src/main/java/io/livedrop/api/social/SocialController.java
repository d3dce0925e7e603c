package io.livedrop.api.social;

import graphql.GraphQLContext;
import graphql.schema.DataFetchingEnvironment;
import io.livedrop.api.catalog.CatalogQueryService;
import io.livedrop.api.catalog.DropView;
import io.livedrop.api.fanout.DocumentShape;
import io.livedrop.api.fanout.DocumentShapes;
import io.livedrop.api.fanout.Recipient;
import io.livedrop.api.fanout.SharedEvent;
import io.livedrop.api.fanout.SubscribeStamp;
import io.livedrop.api.fanout.ViewerFacts;
import io.livedrop.api.graphql.Connection;
import io.livedrop.api.order.OrderController;
import io.livedrop.api.security.Viewer;
import io.livedrop.events.catalog.Creator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.graphql.data.method.annotation.Argument;
import org.springframework.graphql.data.method.annotation.BatchMapping;
import org.springframework.graphql.data.method.annotation.ContextValue;
import org.springframework.graphql.data.method.annotation.MutationMapping;
import org.springframework.graphql.data.method.annotation.SchemaMapping;
import org.springframework.graphql.data.method.annotation.SubscriptionMapping;
import org.springframework.stereotype.Controller;
import reactor.core.publisher.Flux;

/**
 * Follows and notifications in the public API: follow/unfollow, Creator.followerCount and
 * viewerFollows, the viewer's following list and inbox, and the dropStarted subscription.
 * viewerFollows reads the viewer's following list once per request, whatever the page size; in a
 * shared render (io.livedrop.api.fanout) it answers from the render's {@link ViewerFacts} instead,
 * and there is no viewer. dropStarted answers a shared render with its one event, attaches a
 * shareable subscription of a transport that takes shared payloads to the feed, and streams
 * anything else per session.
 */
@Controller
public class SocialController {

    private static final int DEFAULT_PAGE_SIZE = 20;

    private final SocialService social;
    private final DropStartedFeed started;
    private final CatalogQueryService catalog;
    private final DocumentShapes shapes;

    public SocialController(SocialService social, DropStartedFeed started, CatalogQueryService catalog,
                            DocumentShapes shapes) {
        this.social = social;
        this.started = started;
        this.catalog = catalog;
        this.shapes = shapes;
    }

    /** The API's FollowPayload. */
    public record FollowPayload(Creator creator) {
    }

    @MutationMapping
    public FollowPayload follow(@Argument String creatorId,
                                @ContextValue(name = Viewer.CONTEXT_KEY, required = false) Viewer viewer) {
        return new FollowPayload(social.follow(viewer, creatorId));
    }

    @MutationMapping
    public FollowPayload unfollow(@Argument String creatorId,
                                  @ContextValue(name = Viewer.CONTEXT_KEY, required = false) Viewer viewer) {
        return new FollowPayload(social.unfollow(viewer, creatorId));
    }

    @SubscriptionMapping
    public Flux<DropStartedFeed.DropStarted> dropStarted(DataFetchingEnvironment env) {
        GraphQLContext context = env.getGraphQlContext();
        SharedEvent shared = context.get(SharedEvent.CONTEXT_KEY);
        if (shared != null) {
            return Flux.just((DropStartedFeed.DropStarted) shared.event());
        }
        Viewer viewer = context.get(Viewer.CONTEXT_KEY);
        long stampNanos = SubscribeStamp.nanos(context);
        Recipient recipient = context.get(Recipient.CONTEXT_KEY);
        if (recipient != null) {
            Viewer.require(viewer);
            DocumentShape shape = shapes.of(env);
            if (shape.shareable()) {
                return started.attach(viewer, stampNanos, shape, recipient);
            }
        }
        return started.subscribe(viewer, stampNanos);
    }

    @SchemaMapping(typeName = "Viewer", field = "following")
    public Connection<Creator> following(OrderController.ViewerView me, @Argument Integer first, @Argument String after,
                                         @ContextValue(name = Viewer.CONTEXT_KEY, required = false) Viewer viewer) {
        return social.following(viewer, pageSize(first), after);
    }

    @SchemaMapping(typeName = "Viewer", field = "notifications")
    public Connection<SocialService.NotificationView> notifications(
            OrderController.ViewerView me, @Argument Integer first, @Argument String after,
            @ContextValue(name = Viewer.CONTEXT_KEY, required = false) Viewer viewer) {
        return social.notifications(viewer, pageSize(first), after);
    }

    @BatchMapping(typeName = "Notification", field = "drop")
    public Map<SocialService.NotificationView, DropView> notificationDrop(List<SocialService.NotificationView> notifications) {
        Map<String, DropView> drops = catalog.drops(notifications.stream().map(SocialService.NotificationView::dropId)
                .distinct().toList());
        Map<SocialService.NotificationView, DropView> joined = new LinkedHashMap<>();
        notifications.forEach(n -> {
            DropView drop = drops.get(n.dropId());
            if (drop != null) {
                joined.put(n, drop);
            }
        });
        return joined;
    }

    @BatchMapping(typeName = "Creator", field = "followerCount")
    public Map<Creator, Integer> followerCount(List<Creator> creators) {
        Map<String, Long> counts = social.followerCounts(creators.stream().map(Creator::getId).distinct().toList());
        Map<Creator, Integer> joined = new LinkedHashMap<>();
        creators.forEach(c -> joined.put(c, (int) Math.min(Integer.MAX_VALUE, counts.getOrDefault(c.getId(), 0L))));
        return joined;
    }

    /**
     * False for anonymous viewers: they follow nobody. A shared render answers from its facts (and
     * fails the render, logged and counted by the feed, for a creator they do not cover).
     */
    @BatchMapping(typeName = "Creator", field = "viewerFollows")
    public Map<Creator, Boolean> viewerFollows(List<Creator> creators, GraphQLContext context) {
        Map<Creator, Boolean> joined = new LinkedHashMap<>();
        ViewerFacts facts = context.get(ViewerFacts.CONTEXT_KEY);
        if (facts != null) {
            creators.forEach(c -> joined.put(c, facts.follows(c.getId())));
            return joined;
        }
        Viewer viewer = context.get(Viewer.CONTEXT_KEY);
        Set<String> followed = viewer == null ? Set.of() : social.followedCreators(viewer);
        creators.forEach(c -> joined.put(c, followed.contains(c.getId())));
        return joined;
    }

    private static int pageSize(Integer first) {
        return first == null ? DEFAULT_PAGE_SIZE : first;
    }
}
