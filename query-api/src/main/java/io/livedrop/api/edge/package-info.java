/**
 * The edge: GraphQL over WebSocket (graphql-transport-ws) on Reactor Netty's non-blocking I/O loops, beside
 * Tomcat. No thread per connection; every write leaves from the connection's loop, and a connection that lets more
 * than {@code livedrop.edge.max-buffered} queue is closed as a slow consumer. Each operation is executed through
 * Spring's {@code WebGraphQlHandler} (the same interceptors, limits and answers as Tomcat's path) with its
 * {@link io.livedrop.api.fanout.Recipient} in the GraphQL context, so that a feed may write shared payloads to it.
 */
package io.livedrop.api.edge;
