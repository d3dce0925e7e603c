package io.livedrop.edge.relay;

import java.time.Duration;
import org.springframework.util.unit.DataSize;

/**
 * What one {@link Upstream} may take.
 *
 * @param ackTimeout           from the first operation to the API instance's {@code connection_ack} (connect,
 *                             upgrade, token check); later: the operations waiting fail with {@link UpstreamUnavailable}
 * @param maxMessageSize       largest message the API instance may send on the link (a query's answer); larger: the
 *                             link closes and its operations fail with {@link UpstreamUnavailable}
 * @param maxPendingOperations operations that may wait for the {@code connection_ack}; one more is refused with an
 *                             {@link UpstreamErrors} RATE_LIMITED
 * @param keepAlive            a WebSocket ping goes upstream this often, so that neither the API instance's idle sweep
 *                             ({@code livedrop.edge.idle-timeout}) nor a load balancer cuts a quiet link
 */
public record UpstreamLimits(Duration ackTimeout, DataSize maxMessageSize, int maxPendingOperations, Duration keepAlive) {

    public static final Duration DEFAULT_ACK_TIMEOUT = Duration.ofSeconds(5);
    /** Answers are the API's own (a page of drops is a few KiB); this is a guard, not a budget. */
    public static final DataSize DEFAULT_MAX_MESSAGE_SIZE = DataSize.ofMegabytes(1);
    /** As many as a client may open on the API instance's edge ({@code livedrop.websocket.max-subscriptions-per-session}). */
    public static final int DEFAULT_MAX_PENDING_OPERATIONS = 100;
    /** Under the usual load-balancer idle timeout (60 s) and far under the edge's own (5 min). */
    public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(30);
    public static final UpstreamLimits DEFAULTS = new UpstreamLimits(DEFAULT_ACK_TIMEOUT, DEFAULT_MAX_MESSAGE_SIZE,
            DEFAULT_MAX_PENDING_OPERATIONS, DEFAULT_KEEP_ALIVE);

    public UpstreamLimits {
        if (ackTimeout == null || ackTimeout.isNegative() || ackTimeout.isZero()) {
            throw new IllegalArgumentException("the upstream's ack timeout must be positive, was " + ackTimeout);
        }
        if (maxMessageSize == null || maxMessageSize.toBytes() < 1024 || maxMessageSize.toBytes() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("the upstream's max message size must be between 1KB and 2GB, was "
                    + maxMessageSize);
        }
        if (maxPendingOperations < 1) {
            throw new IllegalArgumentException("the upstream's max pending operations must be at least 1, was "
                    + maxPendingOperations);
        }
        if (keepAlive == null || keepAlive.isNegative() || keepAlive.isZero()) {
            throw new IllegalArgumentException("the upstream's keep-alive must be positive, was " + keepAlive);
        }
    }

    /** With the default keep-alive. */
    public UpstreamLimits(Duration ackTimeout, DataSize maxMessageSize, int maxPendingOperations) {
        this(ackTimeout, maxMessageSize, maxPendingOperations, DEFAULT_KEEP_ALIVE);
    }
}
