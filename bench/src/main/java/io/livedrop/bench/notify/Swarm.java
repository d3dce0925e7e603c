package io.livedrop.bench.notify;

import io.livedrop.bench.Formats;
import io.livedrop.bench.Progress;
import io.livedrop.bench.Waits;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.netty.resources.LoopResources;

/**
 * N graphql-transport-ws subscribers on Reactor Netty, each with its own token; with {@code deflate} they offer
 * permessage-deflate as browsers do (the JDK WebSocket cannot: {@code Sec-WebSocket-Extensions} is restricted there).
 * Accepted when the server answers a {@code ping} sent after the {@code subscribe}; arrivals stamped before parsing.
 * Method: docs/benchmarks/methodology.md#notify-benchmark. Known gap: Netty's inflater, not a browser's, decompresses.
 */
public final class Swarm implements Subscribers {

    static final int PER_ADDRESS = 25_000;
    static final Duration PING_EVERY = Duration.ofSeconds(10);
    static final int LOOPS = 2;
    private static final String PING = "{\"type\":\"ping\"}";
    private static final int MAX_FRAME = 1 << 20;

    private final String label;
    private final int size;
    private final int first;
    private final List<String> sockets;
    private final String subscribe;
    private final IntFunction<String> tokenOf;
    private final LoopResources loops = LoopResources.create("bench-ws", LOOPS, true);
    private final HttpClient client;
    private final WebsocketClientSpec spec;
    private final Channel[] channels;
    private final AtomicInteger opened = new AtomicInteger();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger deflated = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger closedByServer = new AtomicInteger();
    private final AtomicInteger closedBeforeAccept = new AtomicInteger();
    private final AtomicInteger protocolErrors = new AtomicInteger();
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();
    private final Map<String, Integer> closes = new ConcurrentHashMap<>();
    private volatile String firstProtocolError;
    private final Map<String, Delivery> deliveries = new ConcurrentHashMap<>();
    private volatile boolean closing;
    private final NextFrames onNext;

    /** Another benchmark's handler of every {@code next} frame (arrival stamped before parsing), as it arrives. */
    public interface NextFrames {
        void frame(int subscriber, long receivedMicros, String text);
    }

    /** What the subscribers saw: failures and closes as their three most frequent causes; deflate negotiated. */
    public record Stats(int accepted, int failed, String failures, int closedByServer, String closes,
                        int protocolErrors, String firstProtocolError, int deflated) {
        static final Stats NONE = new Stats(0, 0, "{}", 0, "{}", 0, null, 0);
    }

    /** One drop's messages: when each subscriber got it (epoch micros, 0 = not yet). */
    static final class Delivery {
        final AtomicLongArray receivedMicros;
        final AtomicInteger told = new AtomicInteger();
        final AtomicInteger duplicates = new AtomicInteger();
        volatile String startedAt;
        volatile long lastMicros; // the latest first delivery

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
            lastMicros = micros;
            told.incrementAndGet();
        }
    }

    Swarm(String label, int size, String socket, String document, boolean deflate, IntFunction<String> tokenOf) {
        this(label, size, 0, List.of(socket), document, null, deflate, tokenOf, null);
    }

    /** With {@code variables} (JSON) in the subscribe; {@code onNext}, if any, gets the next frames instead. */
    public Swarm(String label, int size, String socket, String document, String variables, boolean deflate,
                 IntFunction<String> tokenOf, NextFrames onNext) {
        this(label, size, 0, List.of(socket), document, variables, deflate, tokenOf, onNext);
    }

    /**
     * Subscribers {@code first} to {@code first + size - 1} of a cohort; subscriber i on {@code sockets[i % n]}
     * ("ws://HOST:port/path", HOST replaced by 127.0.0.1, .2, ... every PER_ADDRESS), with the token of i.
     */
    Swarm(String label, int size, int first, List<String> sockets, String document, boolean deflate,
          IntFunction<String> tokenOf) {
        this(label, size, first, sockets, document, null, deflate, tokenOf, null);
    }

    private Swarm(String label, int size, int first, List<String> sockets, String document, String variables,
                  boolean deflate, IntFunction<String> tokenOf, NextFrames onNext) {
        this.label = label;
        this.size = size;
        this.first = first;
        this.sockets = sockets;
        this.tokenOf = tokenOf;
        this.subscribe = "{\"id\":\"1\",\"type\":\"subscribe\",\"payload\":{\"query\":\"" + document.replace("\\",
                "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\""
                + (variables == null ? "" : ",\"variables\":" + variables) + "}}";
        this.onNext = onNext;
        this.channels = new Channel[size];
        this.client = HttpClient.newConnection().runOn(loops).option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000);
        // Netty's WebSocketClientCompressionHandler: permessage-deflate with context takeover, as browsers offer it
        this.spec = WebsocketClientSpec.builder().protocols("graphql-transport-ws").compress(deflate)
                .handlePing(false).maxFramePayloadLength(MAX_FRAME).build();
    }

    /** Opens every connection, at most {@code concurrency} in flight until accepted, and waits (at most timeout). */
    @Override
    public void open(int concurrency, Duration timeout) {
        Semaphore permits = new Semaphore(concurrency);
        long start = System.nanoTime();
        boolean all;
        try (Progress.Ticker ticker = Progress.every(Duration.ofSeconds(5), () -> String.format(Locale.ROOT,
                "%s: %,d connected, %,d accepted, %,d failed of %,d", label, opened.get(), accepted.get(),
                failed.get(), size))) {
            for (int i = 0; i < size; i++) {
                permits.acquireUninterruptibly();
                Subscriber s = new Subscriber(i, permits);
                client.websocket(spec).uri(sockets.get((first + i) % sockets.size()).replace("HOST", "127.0.0."
                                + (1 + (first + i) / PER_ADDRESS)))
                        .handle((in, out) -> {
                            in.withConnection(conn -> s.start(conn.channel(),
                                    in.headers().get("sec-websocket-extensions")));
                            in.receiveCloseStatus().subscribe(st -> s.ended(st.code() + " " + st.reasonText()));
                            return in.aggregateFrames(MAX_FRAME).receiveFrames().doOnNext(s::onFrame).then();
                        })
                        .subscribe(x -> { }, e -> s.failed(e), () -> s.ended("closed"));
            }
            all = Waits.await(() -> accepted.get() + failed.get() + closedBeforeAccept.get() >= size, timeout);
        }
        double secs = (System.nanoTime() - start) / 1e9;
        Progress.say("%s: %,d of %,d accepted in %.1f s (%,.0f/s), %,d with permessage-deflate%s%s", label,
                accepted.get(), size, secs, accepted.get() / secs, deflated.get(), all ? "" : " (timed out)",
                failed.get() == 0 ? "" : String.format(Locale.ROOT, "; %,d FAILED: %s", failed.get(),
                        summary(failures)));
    }

    @Override
    public Stats stats() {
        return new Stats(accepted.get(), failed.get(), summary(failures), closedByServer.get(), summary(closes),
                protocolErrors.get(), firstProtocolError, deflated.get());
    }

    @Override
    public int accepted() {
        return accepted.get();
    }

    @Override
    public Delivery await(String dropId, String label, Duration stall, Duration timeout) {
        Delivery d = delivery(dropId);
        int expected = accepted();
        try (Progress.Ticker ticker = Progress.every(Duration.ofSeconds(5), () -> String.format(Locale.ROOT,
                "%s drop %s: told %,d of %,d", label, dropId, d.told.get(), expected))) {
            Waits.await(() -> d.told.get() >= expected || d.told.get() > 0
                    && nowMicros() - d.lastMicros > stall.toNanos() / 1000, timeout);
        }
        return d;
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
        Arrays.stream(channels).filter(Objects::nonNull)
                .forEach(ch -> ch.writeAndFlush(new CloseWebSocketFrame(1000, "")));
        Waits.await(() -> Arrays.stream(channels).noneMatch(ch -> ch != null && ch.isActive()), Duration.ofSeconds(20));
        Arrays.stream(channels).filter(Objects::nonNull).forEach(Channel::close);
        Arrays.fill(channels, null);
        loops.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block(Duration.ofSeconds(30));
    }

    /** One subscriber's end of the protocol; its state is touched on its channel's event loop only. */
    private final class Subscriber {
        private final int index;
        private Semaphore permits;
        private Channel channel;
        private boolean subscribed;
        private boolean isAccepted;

        Subscriber(int index, Semaphore permits) {
            this.index = index;
            this.permits = permits;
        }

        void start(Channel ch, String extensions) {
            channel = ch;
            channels[index] = ch;
            opened.incrementAndGet();
            if (extensions != null && extensions.contains("permessage-deflate")) {
                deflated.incrementAndGet();
            }
            send("{\"type\":\"connection_init\",\"payload\":{\"Authorization\":\"Bearer "
                    + tokenOf.apply(first + index) + "\"}}");
        }

        private void send(String text) {
            channel.writeAndFlush(new TextWebSocketFrame(text));
        }

        void onFrame(WebSocketFrame frame) {
            long micros = nowMicros();
            if (!(frame instanceof TextWebSocketFrame text)) {
                protocolError("(" + frame.getClass().getSimpleName() + ")");
                return;
            }
            String s = text.text();
            if (onNext != null && s.contains("\"type\":\"next\"")) {
                onNext.frame(index, micros, s);
            } else if (s.contains("\"type\":\"next\"")) {
                String dropId = between(s, "\"drop\":{\"id\":\"");
                if (dropId == null) {
                    protocolError(s);
                } else {
                    delivery(dropId).record(index, micros, between(s, "\"startedAt\":\""));
                }
            } else if (s.contains("\"type\":\"connection_ack\"") && !subscribed) {
                subscribed = true;
                channel.write(new TextWebSocketFrame(subscribe));
                send(PING);
            } else if (s.contains("\"type\":\"pong\"")) {
                if (subscribed && !isAccepted) {
                    isAccepted = true;
                    accepted.incrementAndGet();
                    release();
                    long phase = ThreadLocalRandom.current().nextLong(PING_EVERY.toMillis());
                    var pings = channel.eventLoop().scheduleAtFixedRate(() -> send(PING), phase,
                            PING_EVERY.toMillis(), TimeUnit.MILLISECONDS);
                    channel.closeFuture().addListener(f -> pings.cancel(false));
                }
            } else if (s.contains("\"type\":\"ping\"")) {
                send("{\"type\":\"pong\"}");
            } else {
                protocolError(s);
            }
        }

        private void protocolError(String text) {
            protocolErrors.incrementAndGet();
            if (firstProtocolError == null) {
                firstProtocolError = text.length() > 300 ? text.substring(0, 300) : text;
            }
        }

        void failed(Throwable e) {
            failed.incrementAndGet();
            failures.merge(Formats.rootCause(e), 1, Integer::sum);
            release();
        }

        /** The connection ended (once per cause; counted once, by the first). */
        synchronized void ended(String how) {
            if (closing || how == null || permits == null && channel == null) {
                return;
            }
            if (!isAccepted && permits != null) {
                closedBeforeAccept.incrementAndGet();
                release();
            }
            if (channel != null) {
                closes.merge(how, 1, Integer::sum);
                closedByServer.incrementAndGet();
                channel = null;
            }
        }

        private synchronized void release() {
            if (permits != null) {
                permits.release();
                permits = null;
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
