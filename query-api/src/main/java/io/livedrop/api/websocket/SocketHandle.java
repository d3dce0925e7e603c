package io.livedrop.api.websocket;

import java.net.InetSocketAddress;

/**
 * One GraphQL WebSocket connection as {@link WebSocketSessions} needs it, whatever serves it (Tomcat
 * through Spring's handler, or the edge's Netty channel): its id, the address it comes from, and a
 * way to close it. {@link #close} may be called from any thread.
 */
public interface SocketHandle {

    String id();

    /** The client's address, or null if unknown. */
    InetSocketAddress remoteAddress();

    /** Closes the connection with {@code code} and {@code reason}; a second close is ignored. */
    void close(int code, String reason);
}
