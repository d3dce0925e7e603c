package io.livedrop.api.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidationException;

/** How bearer tokens are checked, outside any application context. */
class TokenCheckingTest {

    private final SecurityConfiguration configuration = new SecurityConfiguration();

    @Test
    void shouldRefuseToStartWithoutASecretOrJwksUrl() {
        // Given a deployment outside the local profile that configured neither
        SecurityProperties none = new SecurityProperties(null, null, Duration.ofSeconds(30));

        // Then no decoder can be made, and the message says what to set
        assertThatThrownBy(() -> configuration.jwtDecoder(none))
                .hasMessageContaining("livedrop.security.jwt-secret")
                .hasMessageContaining("livedrop.security.jwks-uri");
    }

    @Test
    void shouldRefuseASecretTooShortForHs256() {
        assertThatThrownBy(() -> configuration.jwtDecoder(new SecurityProperties("short", null, Duration.ZERO)))
                .hasMessageContaining("at least 32");
    }

    @Test
    void shouldAcceptATokenOfTheCommandAndReadItsViewer() {
        // Given the local secret and a token the token command prints
        JwtDecoder decoder = configuration.jwtDecoder(new SecurityProperties(TokenCommand.LOCAL_SECRET, null, Duration.ZERO));
        String token = TokenCommand.mint("u-1", List.of("CREATOR"), Duration.ofMinutes(5), TokenCommand.LOCAL_SECRET, Instant.now());

        // When it is decoded
        Jwt jwt = decoder.decode(token);

        // Then the viewer is its subject with its roles
        Viewer viewer = Viewer.of(jwt);
        assertThat(viewer.id()).isEqualTo("u-1");
        assertThat(viewer.isCreator()).isTrue();
        assertThat(viewer.toString()).doesNotContain(token);
    }

    @Test
    void shouldRejectForgedExpiredAndNonIdTokens() {
        JwtDecoder decoder = configuration.jwtDecoder(new SecurityProperties(TokenCommand.LOCAL_SECRET, null, Duration.ZERO));
        String forged = TokenCommand.mint("u-1", List.of(), Duration.ofMinutes(5), "another-secret-of-at-least-32-bytes!!", Instant.now());
        String expired = TokenCommand.mint("u-1", List.of(), Duration.ofMinutes(5), TokenCommand.LOCAL_SECRET,
                Instant.now().minus(Duration.ofHours(1)));
        String notAnId = TokenCommand.mint("u 1|x", List.of(), Duration.ofMinutes(5), TokenCommand.LOCAL_SECRET, Instant.now());

        assertThatThrownBy(() -> decoder.decode(forged)).isInstanceOf(BadJwtException.class);
        assertThatThrownBy(() -> decoder.decode(expired)).isInstanceOf(JwtValidationException.class)
                .hasMessageContaining("expired");
        assertThatThrownBy(() -> decoder.decode(notAnId)).isInstanceOf(JwtValidationException.class)
                .hasMessageContaining("subject");
    }
}
