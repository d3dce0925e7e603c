package io.livedrop.edge.remote;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.livedrop.api.catalog.DropUpdatesFeed;
import io.livedrop.api.edge.EdgeRoleEndpoint;
import io.livedrop.api.fanout.DocumentShape;
import io.livedrop.api.fanout.NotShareableException;
import io.livedrop.api.fanout.SharedPayload;
import io.livedrop.api.fanout.SharedRenderer;
import io.livedrop.api.fanout.ViewerFacts;
import io.livedrop.api.social.DropStartedFeed;
import java.time.Duration;
import java.util.Objects;

/**
 * A shared render done by an API instance ({@code POST /internal/edge/render}, which runs its
 * {@code LocalRenderer}): the shape, the event (a {@link DropStartedFeed.DropStarted} or a
 * {@link DropUpdatesFeed.DropUpdate}) and the facts go over; the payload's bytes come back as they are.
 * The last {@value #CACHED_RENDERS} payloads are kept by (shape key, facts, event instance) for
 * {@value #CACHE_SECONDS} s, so a feed that asks again for the same event (a catch-up replay) is
 * answered here. An instance that finds the selection not shareable: {@link NotShareableException};
 * no instance could render: {@code StoreUnavailableException}. Blocks while the instance renders.
 */
public class RemoteRenderer implements SharedRenderer {

    static final int CACHED_RENDERS = 256;
    static final int CACHE_SECONDS = 60;

    private final ApiPeers peers;
    private final Cache<Rendered, SharedPayload> recent = Caffeine.newBuilder().maximumSize(CACHED_RENDERS)
            .expireAfterWrite(Duration.ofSeconds(CACHE_SECONDS)).build();

    public RemoteRenderer(ApiPeers peers) {
        this.peers = peers;
    }

    @Override
    public SharedPayload render(DocumentShape shape, Object event, ViewerFacts facts) {
        if (!shape.shareable()) {
            throw new NotShareableException("The selection depends on the viewer beyond what is known of it");
        }
        Rendered key = new Rendered(shape.key(), facts, event);
        SharedPayload cached = recent.getIfPresent(key);
        if (cached != null) {
            return cached;
        }
        ApiPeers.Answer answer = peers.post(EdgeRoleEndpoint.RENDER_PATH,
                EdgeRoleEndpoint.WIRE.writeValueAsBytes(request(shape, event, facts)));
        switch (answer.status()) {
            case 200 -> {
                SharedPayload payload = new SharedPayload(answer.body());
                recent.put(key, payload);
                return payload;
            }
            case 422 -> throw new NotShareableException("An API instance found that the selection depends on the viewer"
                    + " beyond what is known of it");
            default -> throw answer.unexpected("a shared render");
        }
    }

    private static EdgeRoleEndpoint.RenderRequest request(DocumentShape shape, Object event, ViewerFacts facts) {
        if (event instanceof DropStartedFeed.DropStarted started) {
            return new EdgeRoleEndpoint.RenderRequest("dropStarted", shape.key(), shape.document(), shape.operationName(),
                    shape.variables(), started.drop(), started.startedAt(), facts.follows());
        }
        if (event instanceof DropUpdatesFeed.DropUpdate update) {
            return new EdgeRoleEndpoint.RenderRequest("dropUpdates", shape.key(), shape.document(), shape.operationName(),
                    shape.variables(), update.drop(), update.at(), facts.follows());
        }
        throw new IllegalArgumentException("No remote render for a " + event.getClass().getName());
    }

    /** One render: the event by identity (feeds hand the same instance to every group of an event). */
    private record Rendered(String shapeKey, ViewerFacts facts, Object event) {

        @Override
        public boolean equals(Object other) {
            return other instanceof Rendered that && shapeKey.equals(that.shapeKey) && facts.equals(that.facts)
                    && event == that.event;
        }

        @Override
        public int hashCode() {
            return Objects.hash(shapeKey, facts, System.identityHashCode(event));
        }
    }
}
