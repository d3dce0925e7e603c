package io.livedrop.edge;

import java.net.URI;
import java.time.Duration;
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
 * @param apiTimeout how long one of those reads may wait for an API instance's answer (its connect still fails over
 *                 after {@code livedrop.queries.peer-timeout}): a subscribe's following-list read may wait, since a
 *                 start meanwhile is caught up, and in a connect storm a short wait failed subscribes that would
 *                 have been answered
 */
@ConfigurationProperties("livedrop.edge")
public record EdgeRoleProperties(@DefaultValue List<String> apiPeers, URI upstream,
                                 @DefaultValue("10s") Duration apiTimeout) {

    public static final String API_PEERS = "livedrop.edge.api-peers";
    public static final String UPSTREAM = "livedrop.edge.upstream";

    public EdgeRoleProperties {
        apiPeers = List.copyOf(apiPeers);
        if (apiTimeout.isNegative() || apiTimeout.isZero()) {
            throw new IllegalArgumentException("livedrop.edge.api-timeout must be positive, was " + apiTimeout);
        }
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
