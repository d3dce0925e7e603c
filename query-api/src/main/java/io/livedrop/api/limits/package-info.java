/**
 * Bounds on what one client may hold or cost: rate limits ({@link io.livedrop.api.limits.RateLimiter}; on
 * follows and catalog changes {@link io.livedrop.api.limits.WriteRates})
 * and the count of refusals by bound ({@link io.livedrop.api.limits.Refusals}). Each bound is a named
 * setting with a default (README, "Configuration"); a refusal is a clear error, never a 5xx.
 */
package io.livedrop.api.limits;
