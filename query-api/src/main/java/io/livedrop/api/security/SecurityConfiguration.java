package io.livedrop.api.security;

import io.livedrop.api.graphql.ErrorCode;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Spring Security as an OAuth2 resource server. A request may come without a token (browsing the
 * catalog is public; operations that need a viewer say UNAUTHENTICATED); a token that is present
 * but forged, expired, without {@code exp}, with a subject that is not an id or a {@code roles}
 * claim that is not a list of strings is refused with HTTP 401 and a GraphQL-shaped error body
 * whose message is fixed per kind of failure (never the library's words). The checks sit on the
 * {@link JwtDecoder}, so WebSocket's {@code connection_init} ({@link ViewerInterceptor}) applies
 * the same rule; the {@code Authorization} value is read by {@link BearerTokens} on both.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfiguration {

    private static final int MIN_SECRET_BYTES = 32;

    static final String EXPIRED = "The bearer token has expired or is not valid yet; get a new one";
    static final String NO_EXPIRY = "The bearer token has no expiry (exp); tokens must expire";
    static final String BAD_SUBJECT = "The bearer token's subject must be 1-64 letters, digits, '-' or '_'";
    static final String BAD_ROLES = "The bearer token's roles claim must be a list of strings";
    static final String BAD_HEADER = "The Authorization header must be 'Bearer <token>'";
    static final String NOT_VALID = "The bearer token is not valid (not a JWT, or not signed by this service's key)";
    private static final Set<String> VALIDATION_MESSAGES = Set.of(EXPIRED, NO_EXPIRY, BAD_SUBJECT, BAD_ROLES);

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http, AuthenticationEntryPoint entryPoint) throws Exception {
        JwtGrantedAuthoritiesConverter roles = new JwtGrantedAuthoritiesConverter();
        roles.setAuthoritiesClaimName("roles");
        roles.setAuthorityPrefix("ROLE_");
        JwtAuthenticationConverter authentication = new JwtAuthenticationConverter();
        authentication.setJwtGrantedAuthoritiesConverter(roles);
        return http
                .csrf(csrf -> csrf.disable())   // bearer tokens, no cookies: nothing for CSRF to ride on
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                .oauth2ResourceServer(server -> server
                        .bearerTokenResolver(SecurityConfiguration::bearerToken)
                        .jwt(jwt -> jwt.jwtAuthenticationConverter(authentication))
                        .authenticationEntryPoint(entryPoint))
                .build();
    }

    /** Token failures as a GraphQL response: HTTP 401 with {@code extensions.code = UNAUTHENTICATED}. */
    @Bean
    AuthenticationEntryPoint graphQlAuthenticationEntryPoint() {
        return (request, response, failure) -> {
            response.setStatus(401);
            response.setHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
            String message = publicMessage(failure) + " (locally: ./livedrop token --user <id>)";
            String body = ErrorCode.UNAUTHENTICATED.body(message);
            response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
        };
    }

    /** The client's words for a token failure: one fixed message per kind, nothing the library said. */
    static String publicMessage(AuthenticationException failure) {
        if (failure instanceof OAuth2AuthenticationException oauth
                && "invalid_request".equals(oauth.getError().getErrorCode())) {
            return BAD_HEADER;
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof JwtValidationException invalid) {
                return invalid.getErrors().stream().map(OAuth2Error::getDescription)
                        .filter(VALIDATION_MESSAGES::contains).findFirst().orElse(NOT_VALID);
            }
        }
        return NOT_VALID;
    }

    /** The bearer token of an HTTP request, read as WebSocket reads it; none for another scheme. */
    private static String bearerToken(HttpServletRequest request) {
        List<String> headers = Collections.list(request.getHeaders("Authorization"));
        if (headers.size() > 1) {
            throw new OAuth2AuthenticationException(new OAuth2Error("invalid_request", BAD_HEADER, null));
        }
        try {
            return headers.isEmpty() ? null : BearerTokens.token(headers.get(0)).orElse(null);
        } catch (IllegalArgumentException e) {
            throw new OAuth2AuthenticationException(new OAuth2Error("invalid_request", BAD_HEADER, null));
        }
    }

    /** The subject names the user in store keys and order ids: it must be an id. */
    private static OAuth2TokenValidatorResult validSubject(Jwt jwt) {
        return Viewer.isValidId(jwt.getSubject()) ? OAuth2TokenValidatorResult.success() : invalid(BAD_SUBJECT);
    }

    /** A token without exp would be good for ever. */
    private static OAuth2TokenValidatorResult expires(Jwt jwt) {
        return jwt.getClaims().get(JwtClaimNames.EXP) != null ? OAuth2TokenValidatorResult.success() : invalid(NO_EXPIRY);
    }

    /** Absent, or a JSON array of strings: anything else would fail later, on every request. */
    private static OAuth2TokenValidatorResult validRoles(Jwt jwt) {
        Object roles = jwt.getClaims().get("roles");
        return roles == null || roles instanceof List<?> list && list.stream().allMatch(String.class::isInstance)
                ? OAuth2TokenValidatorResult.success() : invalid(BAD_ROLES);
    }

    private static OAuth2TokenValidatorResult invalid(String message) {
        return OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token", message, null));
    }


    /** HS256 with the configured secret, or the JWKS of an identity provider; neither is a startup error. */
    @Bean
    JwtDecoder jwtDecoder(SecurityProperties properties) {
        NimbusJwtDecoder decoder;
        if (properties.jwksUri() != null && !properties.jwksUri().isBlank()) {
            decoder = NimbusJwtDecoder.withJwkSetUri(properties.jwksUri()).build();
        } else if (properties.jwtSecret() != null && !properties.jwtSecret().isEmpty()) {
            byte[] secret = properties.jwtSecret().getBytes(StandardCharsets.UTF_8);
            if (secret.length < MIN_SECRET_BYTES) {
                throw new IllegalStateException("livedrop.security.jwt-secret is " + secret.length
                        + " bytes; HS256 needs at least " + MIN_SECRET_BYTES);
            }
            decoder = NimbusJwtDecoder.withSecretKey(new SecretKeySpec(secret, "HmacSHA256"))
                    .macAlgorithm(MacAlgorithm.HS256).build();
        } else {
            throw new IllegalStateException("No way to check bearer tokens: set livedrop.security.jwt-secret "
                    + "(env LIVEDROP_SECURITY_JWT_SECRET, HS256, at least 32 bytes) or livedrop.security.jwks-uri "
                    + "(env LIVEDROP_SECURITY_JWKS_URI). Only the local profile has a default secret.");
        }
        JwtTimestampValidator timestamps = new JwtTimestampValidator(properties.clockSkew());
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
                SecurityConfiguration::expires,
                jwt -> timestamps.validate(jwt).hasErrors() ? invalid(EXPIRED) : OAuth2TokenValidatorResult.success(),
                SecurityConfiguration::validSubject, SecurityConfiguration::validRoles));
        return decoder;
    }
}
