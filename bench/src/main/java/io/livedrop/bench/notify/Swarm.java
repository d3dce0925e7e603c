package io.livedrop.bench.notify;

import io.livedrop.bench.Daemons;
import io.livedrop.bench.Formats;
import io.livedrop.bench.Progress;
import io.livedrop.bench.Waits;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

/**
 * N WebSocket subscribers of {@code dropStarted} (graphql-transport-ws) on one shared JDK {@link HttpClient}, each
 * with its own bearer token in {@code connection_init}, subscribing on {@code connection_ack}. Each {@code next} is
 * stamped with {@link Instant#now()} (the clock of the server's {@code startedAt}, same machine) as its first fragment
 * arrives, before parsing: one {@link Delivery} per drop, one slot per subscriber. Beyond {@link #PER_ADDRESS}
 * subscribers it also connects to 127.0.0.2, .3, ...: Linux picks ephemeral ports per destination address.
 */
final class Swarm implements AutoCloseable {

    static final int PER_ADDRESS = 25_000;
    static final String SUBSCRIPTION = "subscription { dropStarted { drop { id } startedAt } }";

    private final String label;
    private final int size;
    private final int port;
    private final IntFunction<String> tokenOf;
    private final HttpClient client = Daemons.httpClient(2, "bench-ws", Duration.ofSeconds(30));
    private final WebSocket[] sockets;
    private final AtomicInteger opened = new AtomicInteger();
    final AtomicInteger acked = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger closedByServer = new AtomicInteger();
    private final AtomicInteger closedBeforeAck = new AtomicInteger();
    private final AtomicInteger protocolErrors = new AtomicInteger();
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();
    private final Map<String, Integer> closes = new ConcurrentHashMap<>();
    private volatile String firstProtocolError;
    private final Map<String, Delivery> deliveries = new ConcurrentHashMap<>();
    private volatile boolean closing;

    /** What the subscribers saw of the connections: failures and closes as their three most frequent causes. */
    record Stats(int acked, int failed, String failures, int closedByServer, String closes, int protocolErrors,
                 String firstProtocolError) {
        static final Stats NONE = new Stats(0, 0, "{}", 0, "{}", 0, null);
    }

    /** One drop's messages: when each subscriber got it (epoch micros, 0 = not yet). */
    static final class Delivery {
        final AtomicLongArray receivedMicros;
        final AtomicInteger told = new AtomicInteger();
        final AtomicInteger duplicates = new AtomicInteger();
        volatile String startedAt;

        Delivery(int size) {
            this.receivedMicros = new AtomicLongArray(size);
        }

        void record(int index, long micros, String started) {
            if (!receivedMicros.compareAndSet(index, 0, micros)) {
                duplicates.incrementAndGet();
                return;
            }
            if (startedAt == null) {
                startedAt = started;
            }
            told.incrementAndGet();
        }
    }

    Swarm(String label, int size, int port, IntFunction<String> tokenOf) {
        this.label = label;
        this.size = size;
        this.port = port;
        this.tokenOf = tokenOf;
        this.sockets = new WebSocket[size];
    }

    /**
     * Opens every connection, at most {@code concurrency} handshakes in flight, and waits until each subscriber has
     * its {@code connection_ack} (and has sent its subscribe) or failed, or {@code timeout} passes.
     */
    void open(int concurrency, Duration timeout) {
        Semaphore permits = new Semaphore(concurrency);
        long start = System.nanoTime();
        boolean all;
        try (Progress.Ticker ticker = Progress.every(Duration.ofSeconds(5), () -> String.format(Locale.ROOT,
                "%s: %,d connected, %,d subscribed, %,d failed of %,d", label, opened.get(), acked.get(),
                failed.get(), size))) {
            for (int i = 0; i < size; i++) {
                permits.acquireUninterruptibly();
                Listener listener = new Listener(i, permits);
                try {
                    client.newWebSocketBuilder().subprotocols("graphql-transport-ws")
                            .connectTimeout(Duration.ofSeconds(30))
                            .buildAsync(URI.create("ws://127.0.0." + (1 + i / PER_ADDRESS) + ":" + port
                                    + "/graphql"), listener)
                            .whenComplete((ws, e) -> {
                                if (e != null) {
                                    fail(e);
                                    listener.releasePermit();
                                } else {
                                    sockets[listener.index] = ws;
                                    opened.incrementAndGet();
                                }
                            });
                } catch (RuntimeException e) {
                    fail(e);
                    listener.releasePermit();
                }
            }
            all = Waits.await(() -> acked.get() + failed.get() + closedBeforeAck.get() >= size, timeout);
        }
        double secs = (System.nanoTime() - start) / 1e9;
        Progress.say("%s: %,d of %,d subscribed in %.1f s (%,.0f/s)%s%s", label, acked.get(), size, secs,
                acked.get() / secs, all ? "" : " (timed out)", failed.get() == 0 ? ""
                : String.format(Locale.ROOT, "; %,d FAILED to connect: %s", failed.get(), summary(failures)));
    }

    private void fail(Throwable e) {
        failed.incrementAndGet();
        failures.merge(Formats.rootCause(e), 1, Integer::sum);
    }

    Stats stats() {
        return new Stats(acked.get(), failed.get(), summary(failures), closedByServer.get(), summary(closes),
                protocolErrors.get(), firstProtocolError);
    }

    /** The three most frequent, as "{cause=count, ...}". */
    private static String summary(Map<String, Integer> counts) {
        return counts.entrySet().stream().sorted(Map.Entry.comparingByValue(Comparator.reverseOrder())).limit(3)
                .map(Object::toString).collect(Collectors.joining(", ", "{", "}"));
    }

    /** The messages of drop {@code dropId} (created empty if none came yet). */
    Delivery delivery(String dropId) {
        return deliveries.computeIfAbsent(dropId, id -> new Delivery(size));
    }

    @Override
    public void close() {
        closing = true;
        for (WebSocket ws : sockets) {
            if (ws != null && !ws.isOutputClosed()) {
                try {
                    ws.sendClose(WebSocket.NORMAL_CLOSURE, "");
                } catch (RuntimeException e) {
                    ws.abort();
                }
            }
        }
        Waits.await(() -> Arrays.stream(sockets).allMatch(ws -> ws == null || ws.isInputClosed()),
                Duration.ofSeconds(20));
        Arrays.stream(sockets).filter(ws -> ws != null).forEach(WebSocket::abort);
        Arrays.fill(sockets, null);
        client.executor().map(ExecutorService.class::cast).ifPresent(ExecutorService::shutdown);
    }

    /** One subscriber's end of the protocol. */
    private final class Listener implements WebSocket.Listener {
        private final int index;
        private StringBuilder partial;
        private long partialMicros;
        private boolean ackSeen;
        private final AtomicReference<Semaphore> permits;
        private CompletableFuture<WebSocket> lastSend = CompletableFuture.completedFuture(null);

        /** Holds one of {@code permits} until its subscribe is sent or the connection ends. */
        Listener(int index, Semaphore permits) {
            this.index = index;
            this.permits = new AtomicReference<>(permits);
        }

        @Override
        public void onOpen(WebSocket ws) {
            send(ws, "{\"type\":\"connection_init\",\"payload\":{\"Authorization\":\"Bearer " + tokenOf.apply(index)
                    + "\"}}");
            ws.request(1);
        }

        /** Sends after the previous send completed (the JDK WebSocket allows one outstanding send). */
        private synchronized CompletableFuture<WebSocket> send(WebSocket ws, String text) {
            lastSend = lastSend.handle((x, e) -> null).thenCompose(x -> ws.sendText(text, true));
            return lastSend;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            if (partial == null) {
                partial = new StringBuilder();
                partialMicros = nowMicros();
            }
            partial.append(data);
            if (last) {
                String whole = partial.toString();
                partial = null;
                handle(ws, whole, partialMicros);
            }
            ws.request(1);
            return null;
        }

        private void handle(WebSocket ws, String text, long micros) {
            if (text.contains("\"type\":\"next\"")) {
                String dropId = between(text, "\"drop\":{\"id\":\"");
                if (dropId == null) {
                    protocolError(text);
                    return;
                }
                delivery(dropId).record(index, micros, between(text, "\"startedAt\":\""));
            } else if (text.contains("\"type\":\"connection_ack\"")) {
                if (!ackSeen) {
                    ackSeen = true;
                    send(ws, "{\"id\":\"1\",\"type\":\"subscribe\",\"payload\":{\"query\":\"" + SUBSCRIPTION + "\"}}")
                            .whenComplete((x, e) -> {
                                if (e != null) {
                                    fail(e);
                                } else {
                                    acked.incrementAndGet();
                                }
                                releasePermit();
                            });
                }
            } else if (text.contains("\"type\":\"ping\"")) {
                send(ws, "{\"type\":\"pong\"}");
            } else if (!text.contains("\"type\":\"pong\"")) {
                protocolError(text);
            }
        }

        private void protocolError(String text) {
            protocolErrors.incrementAndGet();
            if (firstProtocolError == null) {
                firstProtocolError = text.length() > 300 ? text.substring(0, 300) : text;
            }
        }

        void releasePermit() {
            Semaphore p = permits.getAndSet(null);
            if (p != null) {
                p.release();
            }
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            protocolError("(binary frame)");
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closedUnasked(statusCode + " " + reason);
            if (!closing) {
                closedByServer.incrementAndGet();
            }
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closedUnasked("error " + Formats.rootCause(error));
        }

        private void closedUnasked(String how) {
            if (!closing) {
                closes.merge(how, 1, Integer::sum);
                if (!ackSeen) {
                    closedBeforeAck.incrementAndGet();
                    releasePermit();
                }
            }
        }
    }

    static long nowMicros() {
        return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
    }

    static String between(String text, String marker) {
        int at = text.indexOf(marker);
        int to = at < 0 ? -1 : text.indexOf('"', at + marker.length());
        return to < 0 ? null : text.substring(at + marker.length(), to);
    }
}
