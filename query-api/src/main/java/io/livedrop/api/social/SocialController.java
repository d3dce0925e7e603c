package io.livedrop.api.social;

import graphql.GraphQLContext;
import io.livedrop.api.catalog.CatalogQueryService;
import io.livedrop.api.catalog.DropView;
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
 * viewerFollows reads the viewer's following list once per request, whatever the page size.
 */
@Controller
public class SocialController {

    private static final int DEFAULT_PAGE_SIZE = 20;

    private final SocialService social;
    private final DropStartedFeed started;
    private final CatalogQueryService catalog;

    public SocialController(SocialService social, DropStartedFeed started, CatalogQueryService catalog) {
        this.social = social;
        this.started = started;
        this.catalog = catalog;
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
    public Flux<DropStartedFeed.DropStarted> dropStarted(
            @ContextValue(name = Viewer.CONTEXT_KEY, required = false) Viewer viewer) {
        return started.subscribe(viewer);
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

    /** False for anonymous viewers: they follow nobody. */
    @BatchMapping(typeName = "Creator", field = "viewerFollows")
    public Map<Creator, Boolean> viewerFollows(List<Creator> creators, GraphQLContext context) {
        Viewer viewer = context.get(Viewer.CONTEXT_KEY);
        Set<String> followed = viewer == null ? Set.of() : social.followedCreators(viewer);
        Map<Creator, Boolean> joined = new LinkedHashMap<>();
        creators.forEach(c -> joined.put(c, followed.contains(c.getId())));
        return joined;
    }

    private static int pageSize(Integer first) {
        return first == null ? DEFAULT_PAGE_SIZE : first;
    }
}
