package io.livedrop.api.edge;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Where the web page opens its GraphQL WebSocket: {@code GET /app/edge} answers
 * {@code {"url": "wss://…/graphql"}} when {@code livedrop.edge.public-url} is set, else
 * {@code {"port": 8081}} (the page then uses its own host on that port). The same place feeds the
 * page's Content-Security-Policy ({@link #connectSources()}), so the page may open that socket and
 * no other.
 */
@RestController
public class EdgeLocation {

    private final EdgeProperties properties;
    private final EdgeServer server;

    public EdgeLocation(EdgeProperties properties, EdgeServer server) {
        this.properties = properties;
        this.server = server;
    }

    @GetMapping("/app/edge")
    ResponseEntity<Map<String, Object>> location() {
        Map<String, Object> body = new LinkedHashMap<>();
        if (properties.publicUrl() != null) {
            body.put("url", properties.publicUrl().toString());
        } else {
            body.put("port", port());
        }
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(body);
    }

    /** The CSP {@code connect-src} sources of the edge: its public origin, or any host on its port. */
    public String connectSources() {
        if (properties.publicUrl() != null) {
            var url = properties.publicUrl();
            return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort());
        }
        int port = port();
        return "ws://*:" + port + " wss://*:" + port;
    }

    private int port() {
        return server.isRunning() ? server.port() : properties.port();
    }
}
