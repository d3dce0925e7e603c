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

    public boolean tryAcquire(String user) {
        return buckets.get(user, u -> new Bucket(burst, System.nanoTime())).take(System.nanoTime(), ratePerNano, burst);
    }

    private static final class Bucket {
        private double tokens;
        private long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }

        synchronized boolean take(long now, double ratePerNano, int burst) {
            tokens = Math.min(burst, tokens + (now - at) * ratePerNano);
            at = now;
            if (tokens < 1) {
                return false;
            }
            tokens -= 1;
            return true;
        }
    }
}
