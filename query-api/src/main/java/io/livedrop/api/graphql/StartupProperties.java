package io.livedrop.api.graphql;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code livedrop.startup.*}: how GraphQL requests that reach a starting instance wait until it is ready
 * ({@link StartupGate}, ADR 0011).
 *
 * @param requestWait        how long one request may wait for the instance to become ready before it is answered
 *                           UNAVAILABLE (a client with a shorter deadline leaves earlier); a kill -9 restart of the
 *                           local stack is ready 10-40 s after its port opens, the latter on a busy machine
 * @param maxWaitingRequests how many requests may wait at once; beyond it a request is answered UNAVAILABLE at once
 */
@ConfigurationProperties("livedrop.startup")
public record StartupProperties(
        @DefaultValue("60s") Duration requestWait,
        @DefaultValue("1000") int maxWaitingRequests) {

    public StartupProperties {
        if (requestWait.isNegative() || maxWaitingRequests < 0) {
            throw new IllegalArgumentException("livedrop.startup.request-wait and max-waiting-requests must be >= 0");
        }
    }
}
