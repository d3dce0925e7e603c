package io.livedrop.api.edge;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code livedrop.edge.*}: the non-blocking GraphQL WebSocket server ({@link EdgeServer}).
 *
 * @param port        where it listens (0: a free port, see {@link EdgeServer#port()})
 * @param maxBuffered bytes one connection may have queued for the client before it counts as a slow consumer:
 *                    a message that would queue more closes it 1013 (a latest-wins stream waits for it to drain)
 * @param idleTimeout a connection that has sent nothing for this long is closed 1001 (clients ping far more often)
 * @param publicUrl   where browsers reach it ({@code ws://} or {@code wss://}, e.g. behind a load balancer); unset: the
 *                    page's own host on {@code port}
 */
@ConfigurationProperties("livedrop.edge")
public record EdgeProperties(
        @DefaultValue("8081") int port,
        @DefaultValue("256KB") DataSize maxBuffered,
        @DefaultValue("5m") Duration idleTimeout,
        URI publicUrl) {

    public static final String MAX_BUFFERED = "livedrop.edge.max-buffered";

    public EdgeProperties {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("livedrop.edge.port must be between 0 and 65535, was " + port);
        }
        if (maxBuffered.toBytes() < 1024 || maxBuffered.toBytes() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(MAX_BUFFERED + " must be between 1KB and 2GB, was " + maxBuffered);
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("livedrop.edge.idle-timeout must be positive, was " + idleTimeout);
        }
        if (publicUrl != null && (publicUrl.getHost() == null || !("ws".equals(publicUrl.getScheme())
                || "wss".equals(publicUrl.getScheme())))) {
            throw new IllegalArgumentException("livedrop.edge.public-url must be a ws:// or wss:// URL with a host, was "
                    + publicUrl);
        }
    }
}
