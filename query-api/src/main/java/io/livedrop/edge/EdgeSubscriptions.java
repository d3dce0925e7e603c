package io.livedrop.edge;

import graphql.GraphQLContext;
import graphql.schema.DataFetchingEnvironment;
import io.livedrop.api.catalog.CatalogQueryService;
import io.livedrop.api.catalog.DropUpdatesFeed;
import io.livedrop.api.fanout.DocumentShape;
import io.livedrop.api.fanout.DocumentShapes;
import io.livedrop.api.fanout.Recipient;
import io.livedrop.api.fanout.SubscribeStamp;
import io.livedrop.api.graphql.ApiException;
import io.livedrop.api.graphql.ErrorCode;
import io.livedrop.api.security.Viewer;
import io.livedrop.api.social.DropStartedFeed;
import org.springframework.graphql.data.method.annotation.Argument;
import org.springframework.graphql.data.method.annotation.SubscriptionMapping;
import org.springframework.stereotype.Controller;
import reactor.core.publisher.Flux;

/**
 * The two subscriptions the edge role fans out itself: {@code dropStarted} and {@code dropUpdates}
 * attached to this process's feeds, with the checks an API instance makes first (a viewer for
 * dropStarted, a valid drop id). Every other operation never reaches here ({@link EdgeRoleInterceptor}
 * relays it). A selection that cannot be rendered once for all (it reads the viewer beyond
 * {@code viewerFollows}; none in today's schema) is refused: there are no state stores here to run it
 * per session.
 */
@Controller
class EdgeSubscriptions {

    private final DropStartedFeed started;
    private final DropUpdatesFeed updates;
    private final DocumentShapes shapes;

    EdgeSubscriptions(DropStartedFeed started, DropUpdatesFeed updates, DocumentShapes shapes) {
        this.started = started;
        this.updates = updates;
        this.shapes = shapes;
    }

    @SubscriptionMapping
    Flux<DropStartedFeed.DropStarted> dropStarted(DataFetchingEnvironment env) {
        GraphQLContext context = env.getGraphQlContext();
        Viewer viewer = Viewer.require(context.get(Viewer.CONTEXT_KEY));
        return started.attach(viewer, SubscribeStamp.nanos(context), shared(env), recipient(context));
    }

    @SubscriptionMapping
    Flux<DropUpdatesFeed.DropUpdate> dropUpdates(@Argument String dropId, DataFetchingEnvironment env) {
        CatalogQueryService.requireValidId(dropId);
        GraphQLContext context = env.getGraphQlContext();
        return updates.attach(dropId, context.get(Viewer.CONTEXT_KEY), shared(env), recipient(context));
    }

    private DocumentShape shared(DataFetchingEnvironment env) {
        DocumentShape shape = shapes.of(env);
        if (!shape.shareable()) {
            throw new ApiException(ErrorCode.BAD_REQUEST, "This selection depends on the viewer beyond viewerFollows; "
                    + "the edge role serves shared selections only: subscribe on an API instance's socket");
        }
        return shape;
    }

    private static Recipient recipient(GraphQLContext context) {
        Recipient recipient = context.get(Recipient.CONTEXT_KEY);
        if (recipient == null) {
            throw new IllegalStateException("the edge role executes subscriptions from its WebSocket connections only");
        }
        return recipient;
    }
}
