/**
 * GraphQL over WebSocket (graphql-transport-ws) and its per-client bounds: Spring's handler behind a
 * check of every client message (a malformed one closes the socket 4400), with sessions per user and
 * per anonymous address, operations per session and the message size bounded
 * ({@link io.livedrop.api.websocket.WebSocketProperties}), each refusal counted by
 * {@link io.livedrop.api.limits.Refusals}.
 */
package io.livedrop.api.websocket;
