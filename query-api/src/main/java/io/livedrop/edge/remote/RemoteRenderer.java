package io.livedrop.edge.remote;

import io.livedrop.api.catalog.DropUpdatesFeed;
import io.livedrop.api.edge.EdgeRoleEndpoint;
import io.livedrop.api.fanout.DocumentShape;
import io.livedrop.api.fanout.NotShareableException;
import io.livedrop.api.fanout.RecentRenders;
import io.livedrop.api.fanout.SharedPayload;
import io.livedrop.api.fanout.SharedRenderer;
import io.livedrop.api.fanout.ViewerFacts;
import io.livedrop.api.social.DropStartedFeed;

/**
 * A shared render done by an API instance ({@code POST /internal/edge/render}, which runs its
 * {@code LocalRenderer}): the shape, the event (a {@link DropStartedFeed.DropStarted} or a
 * {@link DropUpdatesFeed.DropUpdate}) and the facts go over; the payload's bytes come back as they are.
 * Recent payloads are kept ({@link RecentRenders}): a catch-up replay of an event is answered here. An instance that finds the selection not shareable: {@link NotShareableException};
 * no instance could render: {@code StoreUnavailableException}. Blocks while the instance renders.
 */
public class RemoteRenderer implements SharedRenderer {

    private final ApiPeers peers;
    private final RecentRenders recent = new RecentRenders();

    public RemoteRenderer(ApiPeers peers) {
        this.peers = peers;
    }

    @Override
    public SharedPayload render(DocumentShape shape, Object event, ViewerFacts facts) {
        if (!shape.shareable()) {
            throw new NotShareableException("The selection depends on the viewer beyond what is known of it");
        }
        return recent.get(shape, facts, event, () -> {
            ApiPeers.Answer answer = peers.post(EdgeRoleEndpoint.RENDER_PATH,
                    EdgeRoleEndpoint.WIRE.writeValueAsBytes(request(shape, event, facts)));
            return switch (answer.status()) {
                case 200 -> new SharedPayload(answer.body());
                case 422 -> throw new NotShareableException("An API instance found that the selection depends on the "
                        + "viewer beyond what is known of it");
                default -> throw answer.unexpected("a shared render");
            };
        });
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
}
