package io.livedrop.api.edge;

import io.livedrop.api.websocket.ClientMessages;
import io.livedrop.api.websocket.SocketHandle;
import io.livedrop.api.websocket.WebSocketProperties;
import io.livedrop.api.websocket.WebSocketSessions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.graphql.server.WebSocketGraphQlInterceptor;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;
import reactor.netty.http.websocket.WebsocketInbound;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One graphql-transport-ws connection of the edge, as Tomcat's path ({@code BoundedGraphQlWebSocketHandler} over
 * Spring's handler) answers: the same checks, close codes and messages (4400 malformed, 4401 bad token or subscribe
 * before {@code connection_init}, 4408 no init in time, 4409 an id already open, 4429 too many inits, sessions or
 * messages, 1009 too big, {@code error} RATE_LIMITED over the operations bound), the same bounds counted in
 * {@link WebSocketSessions}.
 *
 * <p>Its state is touched only on its channel's event loop. Messages are handled in the order they arrive:
 * {@code connection_init} runs the interceptors off the loop (a token check may fetch keys) and the messages read
 * meanwhile wait for it; a {@code subscribe} is stamped ({@link System#nanoTime()}) and counted on the loop as it
 * is read, then executed off the loop ({@link EdgeSubscription}), so a {@code ping} sent after it is answered after
 * it was accepted. The exact bytes {@code {"type":"ping"}} are answered without a parse.
 */
final class EdgeConnection implements SocketHandle {

    static final int GOING_AWAY = 1001;
    static final int UNAUTHORIZED = 4401;
    static final int INIT_TIMEOUT = 4408;
    static final int SUBSCRIBER_EXISTS = 4409;
    static final int TOO_MANY = 4429;
    static final int TOO_BIG = 1009;
    static final int NOT_ACCEPTABLE = 1003;
    static final int TRY_AGAIN_LATER = 1013;

    private static final Logger log = LoggerFactory.getLogger(EdgeConnection.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final byte[] PING = "{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8);
    private static final ByteBuf PING_BUFFER = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(PING));
    /** How long a closing connection may take to send its close frame before the channel is closed anyway. */
    private static final long CLOSE_GRACE_MILLIS = 1_000;
    private static final int MAX_CLOSE_REASON_BYTES = 123;

    final EdgeServer server;
    final EdgeSessionInfo info;
    private final WebsocketInbound in;
    private final WebSocketGraphQlInterceptor interceptor;
    Channel channel;
    EventLoop loop;

    private final Map<String, EdgeSubscription> operations = new HashMap<>();
    /** Messages read while {@code connection_init} is checked, with the time each was read. */
    private final ArrayDeque<Held> held = new ArrayDeque<>();
    /** Subscriptions waiting for the connection to drain (latest-wins messages refused). */
    private final Set<EdgeSubscription> waitingForWritable = new LinkedHashSet<>();
    private Map<String, Object> initPayload;
    private boolean initPending;
    private boolean closing;
    private boolean released;
    private int closeCode = WebSocketCloseStatus.NORMAL_CLOSURE.code();
    private ScheduledFuture<?> initTimeout;
    private ScheduledFuture<?> forceClose;
    /** The fragments of a message sent in parts, until its last one. */
    private ByteArrayOutputStream fragments;
    private volatile long lastReadNanos = System.nanoTime();

    private record Held(byte[] message, long readAt) {
    }

    EdgeConnection(EdgeServer server, EdgeSessionInfo info, WebsocketInbound in) {
        this.server = server;
        this.info = info;
        this.in = in;
        this.interceptor = server.graphQl.getWebSocketInterceptor();
    }

    /** Serves the connection until it closes (called on its loop once the upgrade is done). */
    Publisher<Void> run() {
        in.withConnection(this::attach);
        return in.receiveFrames()
                .doOnNext(this::onFrame)
                .onErrorResume(error -> {
                    onInboundError(error);
                    return Mono.empty();
                })
                .then();
    }

    private void attach(Connection connection) {
        channel = connection.channel();
        loop = channel.eventLoop();
        EdgeServer.upgraded(channel);
        connection.addHandlerLast("livedrop.edge", new ChannelInboundHandlerAdapter() {
            /** Once the server has sent its close frame, the client's answer ends the connection (no second close frame). */
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object message) {
                if (message instanceof CloseWebSocketFrame && closing) {
                    ((CloseWebSocketFrame) message).release();
                    ctx.close();
                    return;
                }
                ctx.fireChannelRead(message);
            }

            @Override
            public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                if (ctx.channel().isWritable()) {
                    drained();
                }
                ctx.fireChannelWritabilityChanged();
            }
        });
        channel.closeFuture().addListener(future -> release());
        server.sessions.opened(this);
        server.opened(this);
        initTimeout = loop.schedule(() -> {
            if (initPayload == null) {
                close(INIT_TIMEOUT, "Connection initialisation timeout");
            }
        }, server.initTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    // ------------------------------------------------------------------ SocketHandle (WebSocketSessions)

    @Override
    public String id() {
        return info.getId();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return info.getRemoteAddress();
    }

    /**
     * Closes the connection with a close frame. The channel goes when the client answers with its own (reading on
     * meanwhile: closing with unread input would reset the connection, and the client might never see the code), or
     * after a second anyway.
     */
    @Override
    public void close(int code, String reason) {
        if (!loop.inEventLoop()) {
            loop.execute(() -> close(code, reason));
            return;
        }
        if (closing) {
            return;
        }
        closing = true;
        closeCode = code;
        channel.writeAndFlush(new CloseWebSocketFrame(code, closeReason(reason)));
        forceClose = loop.schedule(() -> channel.close(), CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * {@code reason} cut to the 123 bytes of UTF-8 a close frame has room for (RFC 6455, 5.5: a control frame carries
     * at most 125 bytes), on a character boundary: a reason may quote the client's id, and a longer frame makes
     * clients fail the connection without seeing the code. Tomcat cuts its reasons too.
     */
    static String closeReason(String reason) {
        byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_CLOSE_REASON_BYTES) {
            return reason;
        }
        int end = MAX_CLOSE_REASON_BYTES;
        while ((bytes[end] & 0xC0) == 0x80) {   // bytes[end] continues a character: cut before that character
            end--;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    long lastReadNanos() {
        return lastReadNanos;
    }

    // ------------------------------------------------------------------ reading

    private void onFrame(WebSocketFrame frame) {
        lastReadNanos = System.nanoTime();
        if (closing) {
            return;   // a refusal is on its way: what the client still sent is dropped
        }
        if (frame instanceof PingWebSocketFrame) {
            if (!channel.isWritable()) {
                slowConsumer();   // pings sent without reading the pongs would queue them without bound
                return;
            }
            channel.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
            return;
        }
        if (frame instanceof PongWebSocketFrame) {
            return;
        }
        if (frame instanceof ContinuationWebSocketFrame continuation) {
            onFragment(continuation);
            return;
        }
        if (!(frame instanceof TextWebSocketFrame)) {
            close(NOT_ACCEPTABLE, "Binary messages not supported");
            return;
        }
        if (!server.sessions.tryMessage(this)) {
            return;
        }
        long readAt = System.nanoTime();
        ByteBuf content = frame.content();
        if (content.readableBytes() > server.limits.maxMessageSize().toBytes()) {
            tooBig();
            return;
        }
        if (!frame.isFinalFragment()) {
            fragments = new ByteArrayOutputStream();
            append(content);
            return;
        }
        if (initPending) {
            held.add(new Held(ByteBufUtil.getBytes(content), readAt));
            return;
        }
        if (isPing(content)) {
            writeNow(server.messages.pong);
            return;
        }
        handle(ByteBufUtil.getBytes(content), readAt);
    }

    /** A message sent in fragments: gathered up to the size a message may have. */
    private void onFragment(ContinuationWebSocketFrame frame) {
        if (fragments == null) {
            close(WebSocketCloseStatus.PROTOCOL_ERROR.code(), "Continuation without a start");
            return;
        }
        if (!append(frame.content()) || !frame.isFinalFragment()) {
            return;
        }
        byte[] message = fragments.toByteArray();
        fragments = null;
        long readAt = System.nanoTime();
        if (initPending) {
            held.add(new Held(message, readAt));
        } else {
            handle(message, readAt);
        }
    }

    private boolean append(ByteBuf content) {
        if (fragments.size() + content.readableBytes() > server.limits.maxMessageSize().toBytes()) {
            fragments = null;
            tooBig();
            return false;
        }
        try {
            content.readBytes(fragments, content.readableBytes());
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        return true;
    }

    private void tooBig() {
        server.refusals.count(WebSocketProperties.MAX_MESSAGE_SIZE);
        log.atDebug().addKeyValue("limit", WebSocketProperties.MAX_MESSAGE_SIZE)
                .log("WebSocket session {} closed 1009: a message over {}", id(), server.limits.maxMessageSize());
        close(TOO_BIG, "Message too big");
    }

    private static boolean isPing(ByteBuf content) {
        return content.readableBytes() == PING.length
                && ByteBufUtil.equals(content, content.readerIndex(), PING_BUFFER, 0, PING.length);
    }

    private void handle(byte[] message, long readAt) {
        JsonNode parsed;
        try {
            parsed = JSON.readTree(message);
        } catch (JacksonException e) {
            refuse("Invalid message: not JSON");
            return;
        }
        String problem = ClientMessages.problemWith(parsed);
        if (problem != null) {
            refuse("Invalid message: " + problem);
            return;
        }
        JsonNode payload = parsed.get("payload");
        switch (parsed.get("type").asString()) {
            case "connection_init" -> onInit(payload);
            case "ping" -> writeNow(server.messages.pong);
            case "subscribe" -> onSubscribe(parsed.get("id").asString(), payload, readAt);
            case "complete" -> onComplete(parsed.get("id").asString());
            default -> {   // pong: nothing to answer
            }
        }
    }

    private void refuse(String reason) {
        log.debug("WebSocket session {} closed {}: {}", id(), ClientMessages.INVALID_MESSAGE, reason);
        close(ClientMessages.INVALID_MESSAGE, reason);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(JsonNode payload) {
        return payload == null || payload.isNull() ? Map.of() : JSON.treeToValue(payload, Map.class);
    }

    private void onInit(JsonNode payload) {
        if (initPayload != null) {
            close(TOO_MANY, "Too many initialisation requests");
            return;
        }
        initPayload = map(payload);
        initTimeout.cancel(false);
        initPending = true;
        Map<String, Object> init = initPayload;
        Mono.defer(() -> interceptor.handleConnectionInitialization(info, init))
                .defaultIfEmpty(Map.of())
                .subscribeOn(Schedulers.boundedElastic())   // a token check may fetch keys: never on the loop
                .subscribe(ack -> loop.execute(() -> acknowledged(ack)),
                        error -> loop.execute(() -> {
                            log.debug("WebSocket session {} closed 4401: {}", id(), error.toString());
                            close(UNAUTHORIZED, "Unauthorized");
                        }));
    }

    private void acknowledged(Object ack) {
        if (closing) {
            return;
        }
        writeNow(server.messages.connectionAck(ack));
        initPending = false;
        Held next;
        while (!initPending && !closing && (next = held.poll()) != null) {
            if (next.message().length == PING.length && Arrays.equals(next.message(), PING)) {
                writeNow(server.messages.pong);
            } else {
                handle(next.message(), next.readAt());
            }
        }
        held.clear();
    }

    private void onSubscribe(String id, JsonNode payload, long readAt) {
        if (initPayload == null) {
            close(UNAUTHORIZED, "Unauthorized");
            return;
        }
        if (operations.containsKey(id)) {
            close(SUBSCRIBER_EXISTS, "Subscriber for " + id + " already exists");
            return;
        }
        if (!server.sessions.startOperation(id(), id, readAt)) {
            writeNow(ClientMessages.tooManyOperations(id, server.limits.maxSubscriptionsPerSession())
                    .getBytes(StandardCharsets.UTF_8));
            return;
        }
        EdgeSubscription subscription = new EdgeSubscription(this, id);
        operations.put(id, subscription);
        subscription.start(map(payload));
    }

    private void onComplete(String id) {
        EdgeSubscription subscription = operations.remove(id);
        if (subscription != null) {
            subscription.cancel();
        }
        server.sessions.endOperation(id(), id);
        interceptor.handleCancelledSubscription(info, id).subscribe(null,
                error -> log.debug("handleCancelledSubscription of {} failed: {}", id, error.toString()));
    }

    private void onInboundError(Throwable error) {
        if (error instanceof CorruptedWebSocketFrameException corrupted && corrupted.closeStatus().code() == TOO_BIG) {
            tooBig();   // a frame far over the bound: the decoder has answered 1009 already
        } else if (error instanceof CorruptedFrameException) {
            log.debug("WebSocket session {} closed: {}", id(), error.toString());
            close(WebSocketCloseStatus.PROTOCOL_ERROR.code(), "Protocol error");
        } else {
            log.debug("WebSocket session {} failed: {}", id(), error.toString());
            channel.close();
        }
    }

    // ------------------------------------------------------------------ writing (on the loop)

    boolean closing() {
        return closing;
    }

    /**
     * Writes one whole message now (answers to the client's own messages). Over the high-water mark the client
     * sends without reading what it asked for: it is closed as a slow consumer rather than queued for without bound.
     */
    void writeNow(byte[] message) {
        if (closing) {
            return;
        }
        if (!channel.isWritable()) {
            slowConsumer();
            return;
        }
        channel.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(message)), channel.voidPromise());
    }

    /** A message other than a latest-wins one met a full buffer: the client does not read fast enough. */
    void slowConsumer() {
        if (closing) {
            return;
        }
        server.refusals.count(EdgeProperties.MAX_BUFFERED);
        log.atDebug().addKeyValue("limit", EdgeProperties.MAX_BUFFERED)
                .log("WebSocket session {} closed 1013: more than {} queued for it", id(), server.properties.maxBuffered());
        close(TRY_AGAIN_LATER, "Slow consumer");
    }

    void waitForWritable(EdgeSubscription subscription) {
        if (!closing) {
            waitingForWritable.add(subscription);
        }
    }

    private void drained() {
        if (waitingForWritable.isEmpty() || closing) {
            return;
        }
        List<EdgeSubscription> waiting = new ArrayList<>(waitingForWritable);
        waitingForWritable.clear();
        waiting.forEach(EdgeSubscription::drained);
    }

    /** The subscription's stream ended (its last message is written): it no longer counts as open here. */
    void ended(EdgeSubscription subscription) {
        operations.remove(subscription.id(), subscription);
        waitingForWritable.remove(subscription);
    }

    /** The channel closed: everything it held goes. Runs once, on the loop. */
    private void release() {
        if (!loop.inEventLoop()) {
            loop.execute(this::release);
            return;
        }
        if (released) {
            return;
        }
        released = true;
        closing = true;
        if (initTimeout != null) {
            initTimeout.cancel(false);
        }
        if (forceClose != null) {
            forceClose.cancel(false);
        }
        List<EdgeSubscription> open = new ArrayList<>(operations.values());
        operations.clear();
        held.clear();
        waitingForWritable.clear();
        open.forEach(EdgeSubscription::cancel);
        server.sessions.closed(id());
        server.closed(this);
        if (initPayload != null) {
            try {
                interceptor.handleConnectionClosed(info, closeCode, initPayload);
            } catch (RuntimeException e) {
                log.debug("handleConnectionClosed of {} failed: {}", id(), e.toString());
            }
        }
    }
}
