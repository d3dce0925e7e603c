package io.livedrop.api.edge;

import java.net.InetSocketAddress;
import java.net.URI;
import java.security.Principal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.graphql.server.WebSocketSessionInfo;
import org.springframework.http.HttpHeaders;
import org.springframework.http.support.Netty4HeadersAdapter;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;

/**
 * One edge connection as Spring's interceptors see it ({@code ViewerInterceptor} keeps the viewer in its
 * attributes). No principal: the viewer comes from the {@code connection_init} token. The handshake's headers are
 * the ones Reactor Netty keeps with the connection anyway, seen read-only through Spring's adapter (no copy), and the
 * URI is made when a request asks for it: a connection holds neither twice.
 */
final class EdgeSessionInfo implements WebSocketSessionInfo {

    private static final AtomicLong IDS = new AtomicLong();

    private final String id;
    private final HttpHeaders headers;
    private final InetSocketAddress remoteAddress;
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();

    private EdgeSessionInfo(String id, HttpHeaders headers, InetSocketAddress remoteAddress) {
        this.id = id;
        this.headers = headers;
        this.remoteAddress = remoteAddress;
    }

    static EdgeSessionInfo of(HttpServerRequest request) {
        HttpHeaders headers = HttpHeaders.readOnlyHttpHeaders(new Netty4HeadersAdapter(request.requestHeaders()));
        return new EdgeSessionInfo("edge-" + IDS.incrementAndGet(), headers, request.remoteAddress());
    }

    private static URI uri(String host) {
        try {
            return new URI("http", host == null || host.isBlank() ? "localhost" : host, EdgeServer.PATH, null, null);
        } catch (java.net.URISyntaxException | IllegalArgumentException e) {
            return URI.create("http://localhost" + EdgeServer.PATH);
        }
    }

    @Override
    public String getId() {
        return id;
    }

    @Override
    public Map<String, Object> getAttributes() {
        return attributes;
    }

    @Override
    public URI getUri() {
        return uri(headers.getFirst(HttpHeaders.HOST));
    }

    @Override
    public HttpHeaders getHeaders() {
        return headers;
    }

    @Override
    public Mono<Principal> getPrincipal() {
        return Mono.empty();
    }

    @Override
    public InetSocketAddress getRemoteAddress() {
        return remoteAddress;
    }
}
