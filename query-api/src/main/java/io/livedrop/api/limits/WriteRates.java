package io.livedrop.api.limits;

import java.time.Duration;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The per-user rate limits on writes other than orders: follow/unfollow together, and catalog changes
 * (upsertProduct and scheduleDrop together), each a token bucket per user id on this instance
 * ({@link WriteRateProperties}). A refusal is counted by {@link Refusals} under the rate setting's name; the caller
 * answers it RATE_LIMITED before writing anything. Known gap: per instance, like the order limit (N instances behind
 * a load balancer allow up to N times the rate).
 */
@Component
public class WriteRates {

    public static final String FOLLOW = "livedrop.writes.follow-rate-per-second";
    public static final String CATALOG = "livedrop.writes.catalog-rate-per-second";

    private final RateLimiter follows;
    private final RateLimiter catalog;
    private final Refusals refusals;

    public WriteRates(WriteRateProperties properties, Refusals refusals) {
        this.follows = new RateLimiter(properties.followRatePerSecond(), properties.followRateBurst());
        this.catalog = new RateLimiter(properties.catalogRatePerSecond(), properties.catalogRateBurst());
        this.refusals = refusals;
    }

    /** Empty when {@code user} may follow or unfollow now; else how long until they may (a refusal, counted). */
    public Optional<Duration> follow(String user) {
        return take(follows, FOLLOW, user);
    }

    /** Empty when {@code user} may change the catalog now; else how long until they may (a refusal, counted). */
    public Optional<Duration> catalogChange(String user) {
        return take(catalog, CATALOG, user);
    }

    /** "retry in 2 s": the wait rounded up to whole seconds, for a refusal's message. */
    public static String retryIn(Duration wait) {
        long seconds = Math.max(1, wait.plusMillis(999).toSeconds());
        return "retry in " + seconds + " s";
    }

    private Optional<Duration> take(RateLimiter limiter, String limit, String user) {
        Duration wait = limiter.acquire(user);
        if (wait.isZero()) {
            return Optional.empty();
        }
        refusals.count(limit);
        return Optional.of(wait);
    }
}
