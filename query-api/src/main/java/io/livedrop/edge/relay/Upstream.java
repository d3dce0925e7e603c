package io.livedrop.edge.relay;

import io.livedrop.api.graphql.ErrorCode;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;
import reactor.util.concurrent.Queues;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * One client connection's link to an API instance's edge (graphql-transport-ws): the edge role relays every
 * operation it does not serve itself through it. The link opens on the first operation with the client's own
 * {@code connection_init} payload (its token), so the API instance authenticates, bounds and answers the client
 * as if it had connected there; operations sent before the {@code connection_ack} wait for it (at most
 * {@link UpstreamLimits#maxPendingOperations()}, for at most {@link UpstreamLimits#ackTimeout()}).
 *
 * <p>Each operation goes upstream under an id of the link's own (a counter), not the client's: a client may
 * complete an id and reuse it at once, and the protocol does not acknowledge a {@code complete}, so answers still
 * on their way for the old operation would reach the new one. Cancelling an operation sends {@code complete}.
 * Answers are queued per operation up to {@link #MAX_QUEUED_PER_OPERATION} (a client that does not read is closed
 * as a slow consumer by its own edge long before); one more ends the operation upstream, and its consumer gets the
 * queued answers, then an {@link UpstreamErrors} RATE_LIMITED.
 *
 * <p>A link lost otherwise than by a 44xx close (the instance stops, the network) fails its open operations with
 * {@link UpstreamUnavailable}; the next operation opens a new link. A 44xx close (4401 bad token, 4400, 4429, ...)
 * is the API instance refusing the client: {@link #onClosed} is told once, and every operation fails from then on.
 * Every Upstream shares one Reactor Netty client on its own daemon loops; no pool: one socket per link, closed by
 * {@link #close()} with all it held. Known gaps: no failover to another instance (the edge role picks the URI);
 * subscriptions open on a lost link are not resumed (the client is told, and resubscribes).
 */
public final class Upstream {

    /** Answers queued for one operation whose consumer has not asked for them; more fail it. */
    public static final int MAX_QUEUED_PER_OPERATION = 32;

    private static final Logger log = LoggerFactory.getLogger(Upstream.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String SUBPROTOCOL = "graphql-transport-ws";
    private static final String PONG = "{\"type\":\"pong\"}";
    /** One client for every link; a relay only moves bytes, so its loops are few and never block. */
    private static final HttpClient CLIENT = HttpClient.create(ConnectionProvider.newConnection())
            .runOn(LoopResources.create("edge-upstream", Math.max(1, Runtime.getRuntime().availableProcessors() / 2), true));

    private final URI uri;
    private final Map<String, Object> initPayload;
    private final UpstreamLimits limits;
    /** Guards everything below; messages are sent under it too, so they leave in the order they were decided. */
    private final Object lock = new Object();
    private Link link;
    /** close() was called, or the API instance refused the client (44xx): no operation runs anymore. */
    private boolean closed;
    private BiConsumer<Integer, String> onClosed;
    private int refusedCode;
    private String refusedReason;

    /**
     * @param upstream    the API instance's edge, {@code ws://host:port/graphql}
     * @param initPayload the client's own {@code connection_init} payload (its token)
     */
    public Upstream(URI upstream, Map<String, Object> initPayload, UpstreamLimits limits) {
        this.uri = upstream;
        this.initPayload = initPayload == null ? Map.of() : initPayload;
        this.limits = limits;
    }

    /**
     * Runs one operation upstream: each {@code next} payload as a Map ({@code {"data":..,"errors":..}}); {@code complete}
     * completes; {@code error} fails with {@link UpstreamErrors}; the upstream unreachable, not acknowledging in time or
     * lost fails with {@link UpstreamUnavailable}. Cancelling sends {@code complete} upstream. Cold: each subscription
     * runs the operation again. Answers arrive on the link's I/O loop (do not block in them).
     *
     * @param id      the client's id of the operation (logs)
     * @param payload the {@code subscribe} payload (query, variables, operationName, extensions)
     */
    public Flux<Map<String, Object>> operation(String id, Map<String, Object> payload) {
        return Flux.defer(() -> {
            Operation operation = new Operation(id, payload);
            synchronized (lock) {
                if (closed) {
                    return Flux.error(new UpstreamUnavailable(refusedCode != 0
                            ? "The API instance refused this connection (" + refusedCode + " " + refusedReason + ")"
                            : "The connection to the API instance is closed"));
                }
                if (link == null) {
                    link = new Link();
                    link.connect();
                }
                if (!link.start(operation)) {
                    return Flux.error(new UpstreamErrors(List.of(Map.of(
                            "message", "Too many operations waiting for the connection (at most "
                                    + limits.maxPendingOperations() + "); retry",
                            "extensions", Map.of("code", ErrorCode.RATE_LIMITED.name())))));
                }
            }
            return operation.sink.asFlux().doOnCancel(operation::cancel);
        });
    }

    /**
     * {@code closed} is called once if the API instance closes the link with a 44xx code (4401 bad token, 4400,
     * 4429, 4409, ...), with that code and reason, so that the edge closes the client alike; at once if it did already.
     */
    public void onClosed(BiConsumer<Integer, String> closed) {
        synchronized (lock) {
            if (refusedCode == 0) {
                this.onClosed = closed;
                return;
            }
        }
        closed.accept(refusedCode, refusedReason);
    }

    /** Closes the link: the socket goes, open operations fail with {@link UpstreamUnavailable}, later ones too. */
    public void close() {
        synchronized (lock) {
            closed = true;
            onClosed = null;
            if (link != null) {
                link.end("The connection to the API instance was closed", true);
            }
        }
    }

    /** One socket to the API instance and the operations open on it. All its state is guarded by {@link #lock}. */
    private final class Link {

        private final Map<String, Operation> open = new HashMap<>();
        /** Sent before the ack: they wait for it, in order. */
        private final List<Operation> waiting = new ArrayList<>();
        private long lastId;
        private Disposable connecting;
        private Disposable deadline;
        private ScheduledFuture<?> keepAlive;
        private Channel channel;
        private boolean acknowledged;
        private boolean ended;

        void connect() {
            deadline = Schedulers.parallel().schedule(() -> {
                synchronized (lock) {
                    if (!acknowledged) {
                        end("The API instance did not acknowledge the connection within " + limits.ackTimeout()
                                + "; retry", true);
                    }
                }
            }, limits.ackTimeout().toMillis(), TimeUnit.MILLISECONDS);
            int max = (int) limits.maxMessageSize().toBytes();
            WebsocketClientSpec spec = WebsocketClientSpec.builder().protocols(SUBPROTOCOL).maxFramePayloadLength(max)
                    .compress(false).build();
            Disposable started = CLIENT.websocket(spec).uri(uri)
                    .handle((in, out) -> {
                        in.withConnection(connection -> opened(connection.channel(), in));
                        return in.aggregateFrames(max).receiveFrames()
                                .doOnNext(this::onFrame).then();
                    })
                    .subscribe(null, error -> lost(-1, error.toString()), () -> lost(-1, "the connection ended"));
            synchronized (lock) {
                connecting = started;
                if (ended && channel == null) {
                    started.dispose();   // failed or closed while it started
                }
            }
        }

        private void opened(Channel opened, WebsocketInbound in) {
            in.receiveCloseStatus().subscribe(status -> lost(status.code(), status.reasonText()));
            opened.closeFuture().addListener(future -> lost(-1, "the connection was lost"));
            synchronized (lock) {
                if (ended) {
                    opened.close();
                    return;
                }
                channel = opened;
                Map<String, Object> init = new LinkedHashMap<>();
                init.put("type", "connection_init");
                init.put("payload", initPayload);
                send(init);
            }
        }

        /** Whether {@code operation} may run; if so it is sent, or waits for the ack. */
        boolean start(Operation operation) {
            if (!acknowledged && waiting.size() >= limits.maxPendingOperations()) {
                return false;
            }
            operation.link = this;
            operation.upstreamId = Long.toString(++lastId, 36);
            open.put(operation.upstreamId, operation);
            if (acknowledged) {
                subscribe(operation);
            } else {
                waiting.add(operation);
            }
            return true;
        }

        private void subscribe(Operation operation) {
            send(Map.of("type", "subscribe", "id", operation.upstreamId, "payload", operation.payload));
        }

        /** The consumer cancelled {@code operation}: the API instance is told, unless it never heard of it. */
        void cancel(Operation operation) {
            if (open.remove(operation.upstreamId) == null) {
                return;
            }
            if (!waiting.remove(operation)) {
                send(Map.of("type", "complete", "id", operation.upstreamId));
            }
        }

        private void send(Map<String, ?> message) {
            if (channel != null && !ended) {
                channel.writeAndFlush(new TextWebSocketFrame(JSON.writeValueAsString(message)), channel.voidPromise());
            }
        }

        /** On the link's loop. */
        @SuppressWarnings("unchecked")
        private void onFrame(WebSocketFrame frame) {
            if (!(frame instanceof TextWebSocketFrame text)) {
                return;   // pings are answered by Reactor Netty, pongs need no answer
            }
            Map<String, Object> message;
            try {
                message = JSON.readValue(text.text(), Map.class);
            } catch (JacksonException e) {
                log.debug("Upstream {} sent what is not JSON: closing the link", uri);
                synchronized (lock) {
                    end("The API instance sent an invalid message", true);
                }
                return;
            }
            Object type = message.get("type");
            synchronized (lock) {
                if (ended) {
                    return;
                }
                if ("connection_ack".equals(type)) {
                    acknowledged();
                } else if ("ping".equals(type)) {
                    channel.writeAndFlush(new TextWebSocketFrame(PONG), channel.voidPromise());
                } else if ("next".equals(type) || "error".equals(type) || "complete".equals(type)) {
                    Operation operation = open.get(String.valueOf(message.get("id")));
                    if (operation != null) {
                        operation.receive((String) type, message.get("payload"));
                    }
                }
            }
        }

        private void acknowledged() {
            if (acknowledged) {
                return;
            }
            acknowledged = true;
            deadline.dispose();
            long every = limits.keepAlive().toMillis();
            Channel pinged = channel;
            keepAlive = pinged.eventLoop().scheduleAtFixedRate(
                    () -> pinged.writeAndFlush(new PingWebSocketFrame(), pinged.voidPromise()), every, every, TimeUnit.MILLISECONDS);
            waiting.forEach(this::subscribe);
            waiting.clear();
        }

        /** The socket closed, or the API instance closed the link with {@code code} (-1: no close frame). */
        private void lost(int code, String reason) {
            BiConsumer<Integer, String> tell = null;
            synchronized (lock) {
                if (ended) {
                    return;
                }
                if (code >= 4400 && code < 4500 && !closed) {
                    closed = true;
                    refusedCode = code;
                    refusedReason = reason;
                    tell = onClosed;
                    onClosed = null;
                    log.debug("Upstream {} refused the client: {} {}", uri, code, reason);
                    end("The API instance refused this connection (" + code + " " + reason + ")", false);
                } else {
                    log.debug("Upstream {} lost: {} {}", uri, code, reason);
                    end((acknowledged ? "The connection to the API instance was lost (" : "The API instance is unreachable (")
                            + reason + "); retry", false);
                }
            }
            if (tell != null) {
                tell.accept(code, reason);
            }
        }

        /**
         * Ends the link once: its socket, timers and operations go; operations fail with {@code failure}.
         * {@code goodbye}: this side ends it, with a close frame (the other side's close frame was answered already).
         */
        void end(String failure, boolean goodbye) {
            if (ended) {
                return;
            }
            ended = true;
            if (link == this) {
                link = null;
            }
            deadline.dispose();
            if (keepAlive != null) {
                keepAlive.cancel(false);
            }
            if (channel == null) {
                if (connecting != null) {
                    connecting.dispose();   // still connecting: the attempt is cancelled
                }
            } else if (goodbye && channel.isActive()) {
                Channel closing = channel;
                closing.writeAndFlush(new CloseWebSocketFrame(1000, "")).addListener(written -> closing.close());
            } else {
                channel.close();
            }
            List<Operation> failed = new ArrayList<>(open.values());
            open.clear();
            waiting.clear();
            failed.forEach(operation -> operation.fail(new UpstreamUnavailable(failure)));
        }
    }

    /** One operation: its answers are emitted under {@link #lock}, one at a time. */
    private final class Operation {

        private final String clientId;
        private final Map<String, Object> payload;
        private final Sinks.Many<Map<String, Object>> sink = Sinks.many().unicast()
                .onBackpressureBuffer(Queues.<Map<String, Object>>get(MAX_QUEUED_PER_OPERATION).get());
        private Link link;
        private String upstreamId;

        Operation(String clientId, Map<String, Object> payload) {
            this.clientId = clientId;
            this.payload = payload;
        }

        @SuppressWarnings("unchecked")
        void receive(String type, Object answer) {
            switch (type) {
                case "next" -> {
                    if (sink.tryEmitNext(answer instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of()).isFailure()) {
                        log.debug("Operation {} ({} upstream) failed: more than {} answers queued", clientId, upstreamId,
                                MAX_QUEUED_PER_OPERATION);
                        link.cancel(this);
                        sink.tryEmitError(new UpstreamErrors(List.of(Map.of(
                                "message", "Too many answers queued for this operation: the client does not read them",
                                "extensions", Map.of("code", ErrorCode.RATE_LIMITED.name())))));
                    }
                }
                case "error" -> {
                    link.open.remove(upstreamId);
                    List<Map<String, Object>> errors = answer instanceof List<?> list
                            ? (List<Map<String, Object>>) list : List.of(Map.of("message", "Upstream error"));
                    sink.tryEmitError(new UpstreamErrors(errors));
                }
                default -> {
                    link.open.remove(upstreamId);
                    sink.tryEmitComplete();
                }
            }
        }

        void fail(UpstreamUnavailable failure) {
            sink.tryEmitError(failure);
        }

        void cancel() {
            synchronized (lock) {
                if (link != null) {
                    link.cancel(this);
                }
            }
        }
    }
}
