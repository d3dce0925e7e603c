package io.livedrop.api.websocket;

import io.livedrop.api.limits.RateLimiter;
import io.livedrop.api.limits.Refusals;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.graphql.server.WebGraphQlRequest;
import org.springframework.graphql.server.WebGraphQlResponse;
import org.springframework.graphql.server.WebSocketGraphQlRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.WebSocketSessionDecorator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The GraphQL WebSocket sessions of this instance and what each holds, so that no client holds more
 * than its bounds ({@link WebSocketProperties}): a session counts against its user (or, anonymous,
 * its remote address) from its {@code connection_init} until it closes; an operation counts against
 * its session from its {@code subscribe} until its result stream ends, the client completes it, or
 * the session closes. Whatever a client held goes with its session. Transport-neutral: a Tomcat
 * session ({@link #opened(WebSocketSession)}) or an edge connection ({@link #opened(SocketHandle)}),
 * each seen as a {@link SocketHandle}. The time each {@code subscribe} was read is kept with its
 * operation ({@link #stamp}).
 *
 * <p>Known gaps: the bounds are per instance (N instances: N times as much); behind a proxy the
 * remote address is the proxy's unless the server is told to trust forwarded headers
 * ({@code server.forward-headers-strategy}), so anonymous clients behind one proxy share a bound.
 */
@Component
public class WebSocketSessions {

    public static final int TOO_MANY = 4429;
    static final CloseStatus TOO_MANY_SESSIONS = new CloseStatus(TOO_MANY, "Too many sessions");

    private static final Logger log = LoggerFactory.getLogger(WebSocketSessions.class);

    private final WebSocketProperties limits;
    private final Refusals refusals;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    /** A token bucket per open session, forgotten when it closes. */
    private final RateLimiter messages;
    /** Admitted sessions by client ("user:<id>" or "address:<ip>"); a client with none has no entry. */
    private final Map<String, Integer> byClient = new ConcurrentHashMap<>();

    public WebSocketSessions(WebSocketProperties limits, Refusals refusals) {
        this.limits = limits;
        this.refusals = refusals;
        this.messages = new RateLimiter(limits.maxMessagesPerSecond(), limits.maxMessageBurst());
    }

    /**
     * Whether session {@code sessionId} may send one more message now; if not, it is closed 4429 and
     * the refusal counted. Every message costs a parse and most an execution: without this one socket
     * could keep a core busy with cheap-to-send, refused subscriptions.
     */
    boolean tryMessage(WebSocketSession socket) {
        Session session = sessions.get(socket.getId());
        return tryMessage(session == null ? new TomcatSocket(socket) : session.handle);
    }

    /** {@link #tryMessage(WebSocketSession)} for any transport. */
    public boolean tryMessage(SocketHandle socket) {
        if (messages.tryAcquire(socket.id())) {
            return true;
        }
        refusals.count(WebSocketProperties.MAX_MESSAGES_PER_SECOND);
        log.debug("WebSocket session {} closed 4429: more than {} messages/s", socket.id(),
                limits.maxMessagesPerSecond());
        socket.close(TOO_MANY, "Too many messages");
        return false;
    }

    /** A socket was opened: the session every later send on it goes through (one send at a time). */
    WebSocketSession opened(WebSocketSession socket) {
        OneSendAtATime session = new OneSendAtATime(socket);
        sessions.put(socket.getId(), new Session(new TomcatSocket(session), session));
        return session;
    }

    /** A connection of another transport was opened; {@link #closed} must follow when it closes. */
    public void opened(SocketHandle socket) {
        sessions.put(socket.id(), new Session(socket, null));
    }

    /** The session {@link #opened} made for {@code socket} (the socket itself if it is not open here). */
    WebSocketSession socket(WebSocketSession socket) {
        Session session = sessions.get(socket.getId());
        return session == null || session.tomcat == null ? socket : session.tomcat;
    }

    /**
     * {@code connection_init} of session {@code sessionId} was accepted for {@code userId} (null:
     * anonymous). Whether its client may hold one more session; if not, the session is closed 4429
     * (and the refusal counted) before it is acknowledged.
     */
    public boolean admit(String sessionId, String userId) {
        Session session = sessions.get(sessionId);
        if (session == null) {
            return false;
        }
        boolean anonymous = userId == null;
        String client = anonymous ? "address:" + address(session.handle.remoteAddress()) : "user:" + userId;
        int max = anonymous ? limits.maxSessionsPerAddress() : limits.maxSessionsPerUser();
        boolean[] admitted = {false};
        byClient.compute(client, (key, held) -> {
            int count = held == null ? 0 : held;
            if (count >= max) {
                return held;
            }
            admitted[0] = true;
            return count + 1;
        });
        if (!admitted[0]) {
            String limit = anonymous ? WebSocketProperties.MAX_SESSIONS_PER_ADDRESS : WebSocketProperties.MAX_SESSIONS_PER_USER;
            refusals.count(limit);
            log.atDebug().addKeyValue("limit", limit).log("WebSocket session refused: {} holds {} sessions already ({})",
                    anonymous ? "an anonymous address" : "a user", max, limit);
            session.handle.close(TOO_MANY, TOO_MANY_SESSIONS.getReason());
            return false;
        }
        synchronized (session) {
            if (session.closed) {
                release(client);   // closed while being admitted
            } else {
                session.client = client;
            }
        }
        return true;
    }

    /**
     * The client subscribes (operation {@code operationId}, read at {@code stampNanos}, {@link System#nanoTime()}):
     * whether its session may open one more operation. An id already open is let through, for the protocol handler
     * to refuse (4409).
     */
    public boolean startOperation(String sessionId, String operationId, long stampNanos) {
        Session session = sessions.get(sessionId);
        if (session == null) {
            return true;
        }
        synchronized (session) {
            if (session.operations.containsKey(operationId)) {
                return true;
            }
            if (session.operations.size() >= limits.maxSubscriptionsPerSession()) {
                refusals.count(WebSocketProperties.MAX_SUBSCRIPTIONS_PER_SESSION);
                return false;
            }
            session.operations.put(operationId, new Operation(stampNanos));
            return true;
        }
    }

    /**
     * When the server read the {@code subscribe} of a WebSocket operation still open ({@link System#nanoTime()}), or
     * null (not a WebSocket request, or not counted here).
     */
    public Long stamp(WebGraphQlRequest request) {
        if (!(request instanceof WebSocketGraphQlRequest operation)) {
            return null;
        }
        Session session = sessions.get(operation.getSessionInfo().getId());
        Operation open = session == null ? null : session.operations.get(operation.getId());
        return open == null ? null : open.stampNanos;
    }

    /**
     * Operation {@code operationId} of session {@code sessionId} outlives its result stream (a feed holds it,
     * {@link io.livedrop.api.fanout.Recipient#handOver}): it counts until {@link #endOperation} or the session closes.
     */
    public void hold(String sessionId, String operationId) {
        Session session = sessions.get(sessionId);
        Operation open = session == null ? null : session.operations.get(operationId);
        if (open != null) {
            open.held = true;
        }
    }

    /** The client completed operation {@code operationId}. */
    public void endOperation(String sessionId, String operationId) {
        Session session = sessions.get(sessionId);
        if (session != null) {
            session.operations.remove(operationId);
        }
    }

    /**
     * Ends the count of a WebSocket operation with its result: at once for a single result (query,
     * mutation, refused subscription), when the stream ends for a subscription. HTTP requests pass
     * through.
     */
    public Mono<WebGraphQlResponse> track(WebGraphQlRequest request, Mono<WebGraphQlResponse> response) {
        if (!(request instanceof WebSocketGraphQlRequest operation)) {
            return response;
        }
        Session session = sessions.get(operation.getSessionInfo().getId());
        Operation token = session == null ? null : session.operations.get(operation.getId());
        if (token == null) {
            return response;
        }
        Runnable end = () -> {
            if (!token.held) {
                session.operations.remove(operation.getId(), token);
            }
        };
        return response.map(result -> {
            if (result.getData() instanceof Publisher<?> events) {
                return result.transform(builder -> builder.data(Flux.from(events).doFinally(signal -> end.run())));
            }
            end.run();
            return result;
        }).doOnError(error -> end.run()).doOnCancel(end);
    }

    /** Whether session {@code sessionId} is open here. */
    public boolean isOpen(String sessionId) {
        return sessions.containsKey(sessionId);
    }

    /** Closes session {@code sessionId} with {@code code} and {@code reason}, if it is open here. */
    public void close(String sessionId, int code, String reason) {
        Session session = sessions.get(sessionId);
        if (session != null) {
            session.handle.close(code, reason);
        }
    }

    /** The socket closed: its session and all it held are released. */
    public void closed(String sessionId) {
        messages.forget(sessionId);
        Session session = sessions.remove(sessionId);
        if (session == null) {
            return;
        }
        String client;
        synchronized (session) {
            session.closed = true;
            client = session.client;
            session.operations.clear();
        }
        if (client != null) {
            release(client);
        }
    }

    /** Sessions admitted here, over all clients (tests, diagnostics). */
    public int admittedSessions() {
        return byClient.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Sockets open here, admitted or not (tests, diagnostics). */
    public int openSockets() {
        return sessions.size();
    }

    /** Operations open here, over all sessions (tests, diagnostics). */
    public int openOperations() {
        return sessions.values().stream().mapToInt(session -> session.operations.size()).sum();
    }

    private void release(String client) {
        byClient.computeIfPresent(client, (key, held) -> held <= 1 ? null : held - 1);
    }

    static void close(WebSocketSession socket, CloseStatus status) {
        try {
            socket.close(status);
        } catch (IOException | RuntimeException e) {
            log.debug("Could not close WebSocket session {} with {}: {}", socket.getId(), status, e.toString());
        }
    }

    private static String address(InetSocketAddress remote) {
        return remote == null || remote.getAddress() == null ? "unknown" : remote.getAddress().getHostAddress();
    }

    /**
     * One socket: the client it counts against once admitted, and its open operations (id → one per subscribe).
     * {@code tomcat}: the session Spring's handler sends through, null on other transports.
     */
    private static final class Session {
        final SocketHandle handle;
        final WebSocketSession tomcat;
        final Map<String, Operation> operations = new ConcurrentHashMap<>();
        String client;
        boolean closed;

        Session(SocketHandle handle, WebSocketSession tomcat) {
            this.handle = handle;
            this.tomcat = tomcat;
        }
    }

    /** One subscribe, identified by this instance (an id reused after it ended is another operation). */
    private static final class Operation {
        final long stampNanos;
        /** Set when a feed holds it beyond its result stream ({@link #hold}). */
        volatile boolean held;

        Operation(long stampNanos) {
            this.stampNanos = stampNanos;
        }
    }

    /** A Tomcat session seen as a {@link SocketHandle}. */
    private record TomcatSocket(WebSocketSession session) implements SocketHandle {

        @Override
        public String id() {
            return session.getId();
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return session.getRemoteAddress();
        }

        @Override
        public void close(int code, String reason) {
            WebSocketSessions.close(session, new CloseStatus(code, reason));
        }
    }

    /**
     * Spring's handler sends from one thread per session; the refusals here are sent from the
     * thread reading the socket: one send at a time, or the container refuses the second.
     */
    private static final class OneSendAtATime extends WebSocketSessionDecorator {

        OneSendAtATime(WebSocketSession socket) {
            super(socket);
        }

        /** Set when the server closes the socket: Tomcat still says open until the client's close frame arrives. */
        private volatile boolean closing;

        /** Once the socket is closing (a refusal, say), what Spring's handler still had queued is dropped, not thrown. */
        @Override
        public synchronized void sendMessage(WebSocketMessage<?> message) throws IOException {
            if (!isOpen()) {
                return;
            }
            try {
                super.sendMessage(message);
            } catch (IllegalStateException closedMeanwhile) {
                if (isOpen()) {
                    throw closedMeanwhile;
                }
            }
        }

        @Override
        public boolean isOpen() {
            return !closing && super.isOpen();
        }

        @Override
        public void close() throws IOException {
            closing = true;
            super.close();
        }

        @Override
        public void close(CloseStatus status) throws IOException {
            closing = true;
            super.close(status);
        }
    }
}
