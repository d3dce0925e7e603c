/**
 * The edge role's reads of state it does not hold (ADR 0012 §5): shared renders, following lists and drops, asked of
 * the API instances' peer listeners ({@code api.edge.EdgeRoleEndpoint}) through {@link io.livedrop.edge.remote.ApiPeers}.
 */
package io.livedrop.edge.remote;
