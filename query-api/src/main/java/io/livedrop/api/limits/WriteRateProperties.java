package io.livedrop.api.limits;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code livedrop.writes.*}: how often one user may write, per instance (token buckets, {@link RateLimiter}). The
 * defaults are far above what a person does through the web page (a follow, a product then a drop) and far below
 * what a script does (issue 14: 200 products in 0.3 s).
 *
 * @param followRatePerSecond  sustained follow/unfollow calls per user per second
 * @param followRateBurst      follow/unfollow calls a user may make at once before the rate applies
 * @param catalogRatePerSecond sustained upsertProduct/scheduleDrop calls (together) per user per second
 * @param catalogRateBurst     upsertProduct/scheduleDrop calls a user may make at once before the rate applies
 */
@ConfigurationProperties("livedrop.writes")
public record WriteRateProperties(
        @DefaultValue("2") double followRatePerSecond,
        @DefaultValue("30") int followRateBurst,
        @DefaultValue("1") double catalogRatePerSecond,
        @DefaultValue("30") int catalogRateBurst) {

    public WriteRateProperties {
        if (!(followRatePerSecond > 0) || followRateBurst < 1 || !(catalogRatePerSecond > 0) || catalogRateBurst < 1) {
            throw new IllegalArgumentException("livedrop.writes.*-rate-per-second must be > 0 and *-rate-burst >= 1");
        }
    }
}
