package io.livedrop.edge.remote;

import io.livedrop.api.edge.EdgeRoleEndpoint;
import io.livedrop.api.graphql.ApiException;
import io.livedrop.api.graphql.ErrorCode;
import io.livedrop.api.query.PeerClient;
import io.livedrop.api.security.Viewer;
import io.livedrop.api.social.FollowedCreators;
import java.util.Set;

/**
 * A viewer's following list, read by an API instance with the viewer's own token
 * ({@code GET /internal/edge/following/{userId}}): the instance checks the token again, so an edge
 * cannot read anyone's list without it. A token the instance no longer accepts (expired since the
 * connection began) is UNAUTHENTICATED, another user's FORBIDDEN.
 */
public class RemoteFollowing implements FollowedCreators {

    private final ApiPeers peers;

    public RemoteFollowing(ApiPeers peers) {
        this.peers = peers;
    }

    @Override
    public Set<String> followedCreators(Viewer viewer) {
        Viewer.require(viewer);
        ApiPeers.Answer answer = peers.get(EdgeRoleEndpoint.FOLLOWING_PATH + PeerClient.encodePath(viewer.id()),
                viewer.bearerToken());
        return switch (answer.status()) {
            case 200 -> Set.of(EdgeRoleEndpoint.WIRE.readValue(answer.body(), String[].class));
            case 401 -> throw new ApiException(ErrorCode.UNAUTHENTICATED,
                    "The bearer token is no longer valid; reconnect with a new one");
            case 403 -> throw new ApiException(ErrorCode.FORBIDDEN, "A following list is read only with its user's token");
            default -> throw answer.unexpected("a following-list read");
        };
    }
}
