/**
 * The edge role ({@code java -jar livedrop.jar edge}, ADR 0012 §5): the connection tier run apart from
 * the ledger. It holds the GraphQL WebSocket connections ({@code api.edge.EdgeServer}), follows the
 * drop-events and follows topics itself and fans drop starts and live stock out from its own feeds;
 * it has no Kafka Streams and no state. Three reads reach an API instance's peer listener
 * ({@code edge.remote}); every operation it does not fan out itself is relayed over the client's own
 * upstream connection to an API instance's edge ({@code edge.relay}).
 */
package io.livedrop.edge;
