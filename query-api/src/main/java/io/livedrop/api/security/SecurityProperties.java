package io.livedrop.api.security;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code livedrop.security.*}: how bearer tokens are checked. Exactly one of a shared HS256 secret
 * (the local profile's default is fixed by API.md) or a JWKS URL of an identity provider; outside
 * the local profile neither has a default and the application refuses to start without one.
 *
 * @param jwtSecret  HS256 secret, at least 32 bytes (UTF-8)
 * @param jwksUri    the identity provider's JWK Set URL (RS256/ES256 tokens)
 * @param clockSkew  tolerated clock difference when checking exp/nbf
 */
@ConfigurationProperties("livedrop.security")
public record SecurityProperties(String jwtSecret, String jwksUri, @DefaultValue("30s") Duration clockSkew) {
}
