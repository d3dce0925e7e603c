package io.livedrop.api.edge;

import io.livedrop.api.limits.Refusals;
import io.livedrop.api.streams.StreamsRuntime;
import io.livedrop.api.graphql.WebSocketJson;
import io.livedrop.api.websocket.WebSocketProperties;
import io.livedrop.api.websocket.WebSocketSessions;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.graphql.autoconfigure.GraphQlCorsProperties;
import org.springframework.boot.graphql.autoconfigure.GraphQlProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.graphql.server.WebGraphQlHandler;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.stereotype.Component;
import org.springframework.web.cors.CorsConfiguration;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.WebsocketServerSpec;
import reactor.netty.resources.LoopResources;

/**
 * The edge: GraphQL over WebSocket (graphql-transport-ws, the contract of shared/API.md) on Netty's non-blocking
 * I/O loops, beside Tomcat, on {@code livedrop.edge.port}. Its own loops (as many as cores) serve every connection;
 * a connection holds no thread and no timer, only its buffers and state ({@link EdgeConnection}). Writes leave from
 * the connection's loop; at most {@code livedrop.edge.max-buffered} bytes queue per connection before it counts as a
 * slow consumer. Only {@code /graphql} upgrades with an Origin Tomcat's path would accept too: none, the same host
 * as the Host header (any port: the page is served from Tomcat's port), or one {@code spring.graphql.cors} allows.
 * No permessage-deflate: a per-connection compressor would cost CPU per delivery and memory per connection, and
 * browsers connect without it. One sweep every minute (or idle-timeout / 2) closes connections silent for
 * {@code livedrop.edge.idle-timeout}; a connection not upgraded within the init timeout is closed. Stopping closes
 * every connection 1001.
 */
@Component
public class EdgeServer implements SmartLifecycle {

    static final String PATH = "/graphql";
    static final String SUBPROTOCOL = "graphql-transport-ws";
    /** Closes a connection that has not upgraded within the init timeout; {@link #upgraded} cancels it. */
    private static final AttributeKey<ScheduledFuture<?>> UPGRADE_DEADLINE = AttributeKey.valueOf("livedrop.edge.upgradeDeadline");

    private static final Logger log = LoggerFactory.getLogger(EdgeServer.class);

    final WebGraphQlHandler graphQl;
    final WebSocketSessions sessions;
    final WebSocketProperties limits;
    final EdgeProperties properties;
    final Refusals refusals;
    final EdgeMessages messages;
    final Duration initTimeout;
    private final CorsConfiguration cors;
    private final Set<EdgeConnection> connections = ConcurrentHashMap.newKeySet();
    private LoopResources loops;
    private DisposableServer server;
    private ScheduledFuture<?> sweep;

    @Autowired
    public EdgeServer(WebGraphQlHandler graphQl, WebSocketSessions sessions, WebSocketProperties limits,
                      EdgeProperties properties, Refusals refusals, GraphQlProperties graphQlProperties,
                      GraphQlCorsProperties corsProperties,
                      WebSocketJson json, ObjectProvider<MeterRegistry> meters) {
        this(graphQl, sessions, limits, properties, refusals, json.converter(),
                graphQlProperties.getWebsocket().getConnectionInitTimeout(), corsProperties.toCorsConfiguration());
        meters.ifAvailable(registry -> Gauge.builder("livedrop.edge.connections", this, EdgeServer::connections)
                .description("GraphQL WebSocket connections open on this instance's edge").register(registry));
    }

    /** @param cors the origins allowed besides the same host (null: none) */
    public EdgeServer(WebGraphQlHandler graphQl, WebSocketSessions sessions, WebSocketProperties limits,
                      EdgeProperties properties, Refusals refusals, HttpMessageConverter<Object> converter,
                      Duration initTimeout, CorsConfiguration cors) {
        this.graphQl = graphQl;
        this.sessions = sessions;
        this.limits = limits;
        this.properties = properties;
        this.refusals = refusals;
        this.messages = new EdgeMessages(converter);
        this.initTimeout = initTimeout;
        this.cors = cors == null ? new CorsConfiguration() : cors;
    }

    @Override
    public synchronized void start() {
        loops = LoopResources.create("edge", 1, LoopResources.DEFAULT_IO_WORKER_COUNT, true);
        int maxBuffered = (int) properties.maxBuffered().toBytes();
        WebsocketServerSpec spec = WebsocketServerSpec.builder()
                .protocols(SUBPROTOCOL)
                // messages over max-message-size are refused 1009 by the connection, which reads on to the client's
                // close frame; the decoder drops the connection on a frame even further over
                .maxFramePayloadLength((int) Math.min(Integer.MAX_VALUE, 2 * limits.maxMessageSize().toBytes()))
                .handlePing(true)   // client pings reach the connection: they count as activity
                .compress(false)
                .build();
        server = HttpServer.create()
                .port(properties.port())
                .runOn(loops)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(maxBuffered / 2, maxBuffered))
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                // a connection has the init timeout to upgrade too: a silent or trickling one would hold a socket
                // forever (the sweep and the init timer only see upgraded ones); the upgrade cancels this
                .doOnChannelInit((observer, channel, remote) -> {
                    channel.attr(UPGRADE_DEADLINE).set(
                            channel.eventLoop().schedule(() -> channel.close(), initTimeout.toMillis(), TimeUnit.MILLISECONDS));
                    channel.closeFuture().addListener(closed -> upgraded(channel));   // the timer goes with it
                })
                .handle((request, response) -> upgrade(request, response, spec))
                .bindNow();
        Duration idle = properties.idleTimeout();
        long every = Math.max(1, Math.min(Duration.ofMinutes(1).toMillis(), idle.toMillis() / 2));
        EventLoopGroup group = loops.onServer(true);
        sweep = group.next().scheduleAtFixedRate(() -> sweep(idle.toNanos()), every, every, TimeUnit.MILLISECONDS);
        log.info("GraphQL WebSocket edge listening on port {} ({})", server.port(), PATH);
    }

    @Override
    public synchronized void stop() {
        if (sweep != null) {
            sweep.cancel(false);
            sweep = null;
        }
        if (server != null) {
            server.disposeNow(Duration.ofSeconds(5));
            server = null;
        }
        if (loops != null) {
            // clients are told 1001 (going away, as Tomcat tells its own) before the loops close their sockets
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            connections.stream()
                    .map(connection -> connection.loop.submit(() -> connection.close(EdgeConnection.GOING_AWAY, "Server stopping")))
                    .toList()
                    .forEach(closing -> closing.awaitUninterruptibly(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS));
            loops.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
            loops = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return server != null;
    }

    /** After {@link StreamsRuntime} and the feeds (started after them, stopped before them). */
    @Override
    public int getPhase() {
        return StreamsRuntime.PHASE + 2;   // the topic feeds are at PHASE + 1
    }

    /** The port it listens on (the one bound when {@code livedrop.edge.port} is 0). */
    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("The edge is not running");
        }
        return server.port();
    }

    /** Connections open here (tests, diagnostics). */
    public int connections() {
        return connections.size();
    }

    void opened(EdgeConnection connection) {
        connections.add(connection);
    }

    /** {@code channel} upgraded (or closed): from now on the connection's own init timeout and the idle sweep watch it. */
    static void upgraded(Channel channel) {
        ScheduledFuture<?> deadline = channel.attr(UPGRADE_DEADLINE).getAndSet(null);
        if (deadline != null) {
            deadline.cancel(false);
        }
    }

    void closed(EdgeConnection connection) {
        connections.remove(connection);
    }

    private Publisher<Void> upgrade(HttpServerRequest request, HttpServerResponse response, WebsocketServerSpec spec) {
        String path = request.fullPath();
        if (!PATH.equals(path) && !(PATH + "/").equals(path)) {
            return response.status(HttpResponseStatus.NOT_FOUND).send();
        }
        if (!request.requestHeaders().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
            return response.status(HttpResponseStatus.UPGRADE_REQUIRED)
                    .header(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET).send();
        }
        // what Netty's handshaker would refuse by dropping the connection, with an ERROR and a stack trace each time
        if (request.method() != HttpMethod.GET) {
            return response.status(HttpResponseStatus.METHOD_NOT_ALLOWED).header(HttpHeaderNames.ALLOW, "GET").send();
        }
        if (!request.requestHeaders().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                || !request.requestHeaders().contains(HttpHeaderNames.SEC_WEBSOCKET_KEY)) {
            return response.status(HttpResponseStatus.BAD_REQUEST).send();
        }
        if (!"13".equals(request.requestHeaders().get(HttpHeaderNames.SEC_WEBSOCKET_VERSION))) {   // RFC 6455's, as Tomcat
            return response.status(HttpResponseStatus.UPGRADE_REQUIRED)
                    .header(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13").send();
        }
        String host = request.requestHeaders().get(HttpHeaderNames.HOST);
        String origin = request.requestHeaders().get(HttpHeaderNames.ORIGIN);
        if (!originAllowed(origin, host, cors)) {
            log.debug("WebSocket upgrade refused 403: Origin {} is not the host {} nor allowed by spring.graphql.cors",
                    origin, host);
            return response.status(HttpResponseStatus.FORBIDDEN).send();
        }
        EdgeSessionInfo info = EdgeSessionInfo.of(request);
        return response.sendWebsocket((in, out) -> new EdgeConnection(this, info, in).run(), spec);
    }

    /**
     * Whether a WebSocket upgrade from {@code origin} is accepted: no Origin (not a browser), the host the client
     * connected to (whatever the port: the page comes from Tomcat's), or an origin {@code spring.graphql.cors} allows.
     */
    static boolean originAllowed(String origin, String host, CorsConfiguration cors) {
        if (origin == null) {
            return true;
        }
        if (cors.checkOrigin(origin) != null) {
            return true;
        }
        String originHost;
        try {
            originHost = URI.create(origin).getHost();
        } catch (IllegalArgumentException e) {
            return false;
        }
        return originHost != null && host != null && originHost.toLowerCase(Locale.ROOT).equals(hostName(host));
    }

    private static String hostName(String host) {
        String name = host.trim().toLowerCase(Locale.ROOT);
        if (name.startsWith("[")) {
            int end = name.indexOf(']');
            return end < 0 ? name : name.substring(0, end + 1);
        }
        int colon = name.lastIndexOf(':');
        return colon < 0 ? name : name.substring(0, colon);
    }

    private void sweep(long idleNanos) {
        long now = System.nanoTime();
        for (EdgeConnection connection : connections) {
            if (now - connection.lastReadNanos() > idleNanos) {
                connection.close(EdgeConnection.GOING_AWAY, "Idle");
            }
        }
    }
}
