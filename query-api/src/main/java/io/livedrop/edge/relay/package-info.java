/**
 * The edge role's relay: every operation the edge does not serve from its own feeds (queries, mutations,
 * {@code orderStatus}, subscriptions whose selection is not shareable) goes, per client connection, over one
 * graphql-transport-ws link to an API instance's edge ({@link io.livedrop.edge.relay.Upstream}), opened with the
 * client's own {@code connection_init} payload, so the API instance authenticates and bounds the client as if it
 * had connected there.
 */
package io.livedrop.edge.relay;
