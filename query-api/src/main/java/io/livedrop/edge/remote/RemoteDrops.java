package io.livedrop.edge.remote;

import io.livedrop.api.catalog.CatalogQueryService;
import io.livedrop.api.catalog.DropSource;
import io.livedrop.api.catalog.DropView;
import io.livedrop.api.edge.EdgeRoleEndpoint;
import io.livedrop.api.graphql.ApiException;
import java.util.Optional;

/** A drop as an API instance shows it ({@code GET /internal/edge/drops/{id}}); the id is checked here first. */
public class RemoteDrops implements DropSource {

    private final ApiPeers peers;

    public RemoteDrops(ApiPeers peers) {
        this.peers = peers;
    }

    @Override
    public Optional<DropView> drop(String id) {
        CatalogQueryService.requireValidId(id);
        ApiPeers.Answer answer = peers.get(EdgeRoleEndpoint.DROPS_PATH + id, null);
        return switch (answer.status()) {
            case 200 -> Optional.of(EdgeRoleEndpoint.WIRE.readValue(answer.body(), DropView.class));
            case 404 -> Optional.empty();
            case 400 -> throw ApiException.badRequest("Malformed drop id");
            default -> throw answer.unexpected("a drop read");
        };
    }
}
