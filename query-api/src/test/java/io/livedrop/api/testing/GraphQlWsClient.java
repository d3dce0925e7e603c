package io.livedrop.api.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import tools.jackson.databind.json.JsonMapper;

/**
 * A client of the graphql-transport-ws protocol (the one Spring for GraphQL and graphql-ws speak),
 * written by hand over the JDK's {@link java.net.http.WebSocket} so that the tests see exactly what
 * goes over the wire: {@code connection_init} (with a payload) / {@code connection_ack},
 * {@code subscribe} with an id, then {@code next}, {@code error} and {@code complete}; a server
 * {@code ping} is answered with {@code pong}. Every message received is kept, in order, so a test can
 * assert that nothing flowed as well as what did.
 */
public final class GraphQlWsClient implements AutoCloseable {

    public static final String SUBPROTOCOL = "graphql-transport-ws";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** How the server closed the socket ({@code code} -1: the connection failed without a close frame). */
    public record Closed(int code, String reason) {
    }

    private final BlockingQueue<Map<String, Object>> inbox = new LinkedBlockingQueue<>();
    private final List<Map<String, Object>> received = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private final WebSocket socket;

    private GraphQlWsClient(URI uri) {
        this.socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .subprotocols(SUBPROTOCOL)
                .connectTimeout(Duration.ofSeconds(5))
                .buildAsync(uri, new Listener())
                .orTimeout(10, TimeUnit.SECONDS)
                .join();
    }

    /** Opens the WebSocket (no message sent yet). */
    public static GraphQlWsClient connect(URI uri) {
        return new GraphQlWsClient(uri);
    }

    /** The subprotocol the server agreed to. */
    public String subprotocol() {
        return socket.getSubprotocol();
    }

    /** Sends {@code connection_init} with the given payload (null: no payload). */
    public void init(Map<String, ?> payload) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("type", "connection_init");
        if (payload != null) {
            message.put("payload", payload);
        }
        send(message);
    }

    /** Sends {@code connection_init} with {"Authorization": "Bearer <token>"} (no payload for a null token). */
    public void initWithToken(String token) {
        init(token == null ? Map.of() : Map.of("Authorization", "Bearer " + token));
    }

    /** {@link #initWithToken}, then waits for {@code connection_ack}. */
    public GraphQlWsClient initAndAwaitAck(String token, Duration timeout) {
        initWithToken(token);
        Map<String, Object> ack = next(timeout);
        if (!"connection_ack".equals(ack.get("type"))) {
            throw new AssertionError("expected connection_ack, got " + ack);
        }
        return this;
    }

    public void subscribe(String id, String query, Map<String, ?> variables) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("query", query);
        payload.put("variables", variables == null ? Map.of() : variables);
        send(Map.of("type", "subscribe", "id", id, "payload", payload));
    }

    /** Sends {@code complete} for a subscription: the client no longer wants it. */
    public void complete(String id) {
        send(Map.of("type", "complete", "id", id));
    }

    /** The next message (pings excluded: they are answered and skipped), or AssertionError after {@code timeout}. */
    public Map<String, Object> next(Duration timeout) {
        Map<String, Object> message = poll(timeout);
        if (message == null) {
            throw new AssertionError("no message within " + timeout + " (received so far: " + received
                    + (closed.isDone() ? ", socket closed: " + closed.join() : "") + ")");
        }
        return message;
    }

    /** The next message, or null if none comes within {@code timeout}. */
    public Map<String, Object> poll(Duration timeout) {
        try {
            return inbox.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Waits until the server closes the socket. */
    public Closed awaitClosed(Duration timeout) {
        try {
            return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("socket not closed within " + timeout + " (received: " + received + ")");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    /** Every message received so far, pings included, in order. */
    public List<Map<String, Object>> received() {
        return new ArrayList<>(received);
    }

    private void send(Map<String, ?> message) {
        sendRaw(JSON.writeValueAsString(message));
    }

    /** Sends {@code text} as one text message, as it is: for the malformed and oversize messages a hostile client sends. */
    public synchronized void sendRaw(String text) {
        socket.sendText(text, true).orTimeout(5, TimeUnit.SECONDS).join();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            try {
                synchronized (this) {
                    socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(2, TimeUnit.SECONDS).join();
                }
            } catch (RuntimeException ignored) {
                // already closing or gone: nothing to say goodbye to
            }
        }
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {

        private final StringBuilder partial = new StringBuilder();

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        @SuppressWarnings("unchecked")
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                Map<String, Object> message = JSON.readValue(partial.toString(), Map.class);
                partial.setLength(0);
                received.add(message);
                if ("ping".equals(message.get("type"))) {
                    send(Map.of("type", "pong"));
                } else {
                    inbox.add(message);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(new Closed(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(new Closed(-1, String.valueOf(error)));
        }
    }
}
