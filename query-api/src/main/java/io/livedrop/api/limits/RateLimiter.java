package io.livedrop.api.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;

/**
 * A token bucket per user: {@code burst} calls at once, then {@code ratePerSecond}. Kept per
 * instance (a user behind a load balancer gets at most N times the rate with N instances), in a
 * bounded cache that forgets idle users.
 */
public final class RateLimiter {

    private final double ratePerNano;
    private final int burst;
    private final Cache<String, Bucket> buckets = Caffeine.newBuilder()
            .expireAfterAccess(Duration.ofMinutes(2)).maximumSize(1_000_000).build();

    public RateLimiter(double ratePerSecond, int burst) {
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = burst;
    }

    /** Forgets {@code key}'s bucket at once (its client has gone), instead of after two idle minutes. */
    public void forget(String key) {
        buckets.invalidate(key);
    }

    public boolean tryAcquire(String user) {
        return acquire(user).isZero();
    }

    /** Takes one call for {@code user}: {@link Duration#ZERO} when allowed, else how long until the next is. */
    public Duration acquire(String user) {
        return Duration.ofNanos(buckets.get(user, u -> new Bucket(burst, System.nanoTime()))
                .take(System.nanoTime(), ratePerNano, burst));
    }

    private static final class Bucket {
        private double tokens;
        private long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }

        /** 0 when a token was taken, else the nanoseconds until one is there. */
        synchronized long take(long now, double ratePerNano, int burst) {
            tokens = Math.min(burst, tokens + (now - at) * ratePerNano);
            at = now;
            if (tokens < 1) {
                return ratePerNano <= 0 ? Long.MAX_VALUE : Math.max(1, (long) Math.ceil((1 - tokens) / ratePerNano));
            }
            tokens -= 1;
            return 0;
        }
    }
}
