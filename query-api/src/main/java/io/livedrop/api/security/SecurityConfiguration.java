package io.livedrop.api.security;

import io.livedrop.api.graphql.ErrorCode;
import java.nio.charset.StandardCharsets;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
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
 * but forged, expired or malformed is refused with HTTP 401 and a GraphQL-shaped error body.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfiguration {

    private static final int MIN_SECRET_BYTES = 32;

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
            String message = "Invalid bearer token (" + failure.getMessage()
                    + "); get a new one (locally: ./livedrop token --user <id>)";
            String body = "{\"errors\":[{\"message\":" + jsonString(message) + ",\"extensions\":{\"code\":\""
                    + ErrorCode.UNAUTHENTICATED.name() + "\"}}]}";
            response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
        };
    }

    /** The subject names the user in store keys and order ids: it must be an id. */
    private static OAuth2TokenValidatorResult validSubject(Jwt jwt) {
        String subject = jwt.getSubject();
        return subject != null && subject.matches("[A-Za-z0-9_-]{1,64}") ? OAuth2TokenValidatorResult.success()
                : OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token",
                        "the subject must be 1-64 letters, digits, '-' or '_'", null));
    }

    static String jsonString(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
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
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
                new JwtTimestampValidator(properties.clockSkew()), SecurityConfiguration::validSubject));
        return decoder;
    }
}
