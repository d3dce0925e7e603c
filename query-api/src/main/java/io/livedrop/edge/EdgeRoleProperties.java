package io.livedrop.edge;

import java.net.URI;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code livedrop.edge.*} settings that only the edge role reads (the edge's own port and bounds are
 * {@code api.edge.EdgeProperties}, shared with the edge inside every API instance).
 *
 * @param apiPeers the API instances' peer listeners ({@code host:port}, {@code livedrop.http.peer-port}) for renders,
 *                 following lists and drop reads; any one of them answers, the next is tried when one fails
 * @param upstream an API instance's edge, or a load balancer in front of them ({@code ws://host:port/graphql}), where
 *                 operations the edge role does not fan out itself (queries, mutations, orderStatus) are relayed
 */
@ConfigurationProperties("livedrop.edge")
public record EdgeRoleProperties(@DefaultValue List<String> apiPeers, URI upstream) {

    public static final String API_PEERS = "livedrop.edge.api-peers";
    public static final String UPSTREAM = "livedrop.edge.upstream";

    public EdgeRoleProperties {
        apiPeers = List.copyOf(apiPeers);
    }

    /** Fails with what to set when the role cannot reach an API instance. */
    void require() {
        if (apiPeers.isEmpty()) {
            throw new IllegalStateException(API_PEERS + " is not set: the edge role reads renders, following lists and "
                    + "drops from API instances' peer listeners (host:port of livedrop.http.peer-port, comma-separated)");
        }
        for (String peer : apiPeers) {
            int colon = peer.lastIndexOf(':');
            if (colon <= 0 || !peer.substring(colon + 1).matches("\\d{1,5}")) {
                throw new IllegalStateException(API_PEERS + " entries must be host:port, was '" + peer + "'");
            }
        }
        if (upstream == null || upstream.getHost() == null
                || !("ws".equals(upstream.getScheme()) || "wss".equals(upstream.getScheme()))) {
            throw new IllegalStateException(UPSTREAM + " must be the ws:// or wss:// URL of an API instance's edge "
                    + "(or a load balancer in front of them), e.g. ws://api:8081/graphql; was " + upstream);
        }
    }
}
