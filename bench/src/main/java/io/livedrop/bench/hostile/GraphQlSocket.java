package io.livedrop.bench.hostile;

import io.livedrop.bench.Progress;
import io.livedrop.bench.Waits;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A graphql-transport-ws socket as a hostile client holds it (JDK {@link WebSocket}): connection_init, then
 * subscribes one at a time. Keeps only counts of what the server sends: messages by type and error code ("error
 * BAD_REQUEST", "next with errors RATE_LIMITED"), bytes, subscription ids answered, and the close. Answers pings.
 */
public final class GraphQlSocket implements WebSocket.Listener, AutoCloseable {

    /** The length of a malformed id: its subscribe message still fits the server's 8 KB WebSocket buffer. */
    public static final int MALFORMED_ID_CHARS = 8_000;
    private static final Pattern TYPE = Pattern.compile("\"type\"\\s*:\\s*\"([a-z_]+)\"");
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]{1,64})\"");

    private final CompletableFuture<Void> acked = new CompletableFuture<>();
    private final CompletableFuture<String> closed = new CompletableFuture<>();
    private final Map<String, Long> counts = new ConcurrentHashMap<>();
    private final Set<String> answered = ConcurrentHashMap.newKeySet();
    private final AtomicLong bytes = new AtomicLong();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;

    private GraphQlSocket() {
    }

    /** Opens /graphql, sends connection_init ({@code token} or anonymous), waits for connection_ack or a close. */
    public static GraphQlSocket open(HttpClient client, String baseUrl, String token, Duration timeout) {
        GraphQlSocket s = new GraphQlSocket();
        s.socket = client.newWebSocketBuilder().subprotocols("graphql-transport-ws").connectTimeout(timeout)
                .buildAsync(URI.create(baseUrl.replaceFirst("^http", "ws") + "/graphql"), s)
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).join();
        String payload = token == null ? "{}" : "{\"Authorization\":\"Bearer " + token + "\"}";
        s.sendRaw("{\"type\":\"connection_init\",\"payload\":" + payload + "}");
        // not acknowledged in time: acked() says so
        CompletableFuture.anyOf(s.acked, s.closed).completeOnTimeout(null, timeout.toMillis(), TimeUnit.MILLISECONDS)
                .join();
        return s;
    }

    /** Sends {@code n} subscribes (ids {@code idPrefix}0, 1, ...) until one cannot be sent; how many went. */
    public int subscribeEach(String idPrefix, int n, String query, IntFunction<String> variables) {
        int sent = 0;
        while (sent < n && acked() && sendRaw("{\"id\":\"" + idPrefix + sent + "\",\"type\":\"subscribe\","
                + "\"payload\":{\"query\":\"" + query + "\",\"variables\":" + variables.apply(sent) + "}}")) {
            sent++;
            if (sent % 5000 == 0) {
                Progress.say("  %,d sent, %,d answered", sent, answeredIds());
            }
        }
        return sent;
    }

    /** {@code n} orderStatus subscriptions on malformed ids of {@link #MALFORMED_ID_CHARS}; how many went. */
    public int subscribeMalformedIds(int n) {
        String pad = "x".repeat(MALFORMED_ID_CHARS - 8);
        return subscribeEach("m", n, HostileQueries.ORDER_STATUS,
                i -> "{\"id\":\"" + String.format(Locale.ROOT, "%07d-", i) + pad + "\"}");
    }

    /** {@code n} orderStatus subscriptions on unknown (well-formed) order ids; how many went. */
    public int subscribeUnknownIds(int n) {
        return subscribeEach("k", n, HostileQueries.ORDER_STATUS, i -> "{\"id\":\"" + UUID.randomUUID() + "\"}");
    }

    /** {@code n} dropUpdates subscriptions on {@code drop}; how many went. */
    public int subscribeDropUpdates(int n, String drop) {
        return subscribeEach("u", n, HostileQueries.DROP_UPDATES, i -> "{\"id\":\"" + drop + "\"}");
    }

    /** Waits up to {@code timeout} until {@code sent} subscriptions got an answer or the socket closed. */
    public void awaitAnswers(int sent, Duration timeout) {
        Waits.await(() -> answeredIds() >= sent || isClosed(), timeout);
    }

    /** False when the socket is closed or the send failed. */
    private boolean sendRaw(String text) {
        if (socket.isOutputClosed() || closed.isDone()) {
            return false;
        }
        try {
            socket.sendText(text, true).get(60, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    public boolean acked() {
        return acked.isDone();
    }

    public boolean isClosed() {
        return closed.isDone() || socket.isInputClosed();
    }

    /** How many distinct subscription ids got any answer (next, error or complete). */
    public int answeredIds() {
        return answered.size();
    }

    /** Messages received, by type and error code. */
    public Map<String, Long> received() {
        return new TreeMap<>(counts);
    }

    public long bytesReceived() {
        return bytes.get();
    }

    /** "close 4429 (reason)", or "open" while it is. */
    public String closeState() {
        return closed.isDone() ? closed.join() : socket.isInputClosed() ? "closed (no close frame)" : "open";
    }

    /** Sends a normal close, waits up to 20 s for it to go and the server's to come, then drops the connection. */
    @Override
    public void close() {
        CompletableFuture<?> sent = socket.isOutputClosed() ? CompletableFuture.completedFuture(null)
                : socket.sendClose(WebSocket.NORMAL_CLOSURE, "");
        sent.thenCompose(x -> closed).completeOnTimeout(null, 20, TimeUnit.SECONDS).exceptionally(e -> null).join();
        socket.abort();
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        bytes.addAndGet(data.length());
        partial.append(data);
        if (last) {
            String message = partial.toString();
            partial.setLength(0);
            handle(ws, message);
        }
        ws.request(1);
        return null;
    }

    private void handle(WebSocket ws, String message) {
        // type, id and an error code come first
        String head = message.length() > 4096 ? message.substring(0, 4096) : message;
        Matcher t = TYPE.matcher(head);
        String type = t.find() ? t.group(1) : "unparsable";
        String key = type;
        if (type.equals("connection_ack")) {
            acked.complete(null);
        } else if (type.equals("ping")) {
            try {
                ws.sendText("{\"type\":\"pong\"}", true);
            } catch (IllegalStateException busy) {
                // a subscribe is being sent: the server's next ping gets the pong
            }
        } else if (type.equals("error") || (type.equals("next") && head.contains("\"errors\""))) {
            key = (type.equals("next") ? "next with errors" : "error") + HostileQueries.code(head, "");
        }
        Matcher id = ID.matcher(head);
        if (Set.of("next", "error", "complete").contains(type) && id.find()) {
            answered.add(id.group(1));
        }
        counts.merge(key, 1L, Long::sum);
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
        bytes.addAndGet(data.remaining());
        counts.merge("binary", 1L, Long::sum);
        ws.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
        closed.complete("close " + statusCode + (reason == null || reason.isEmpty() ? "" : " (" + reason + ")"));
        return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
        closed.complete("error " + error.getClass().getSimpleName());
    }
}
