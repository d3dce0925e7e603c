package io.livedrop.api.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import io.livedrop.api.testing.Tokens;
import java.util.List;
import java.util.Map;
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

    @Test
    void shouldRefuseATokenWithoutExpiry() {
        // Given a validly signed token that never expires
        JwtDecoder decoder = configuration.jwtDecoder(new SecurityProperties(TokenCommand.LOCAL_SECRET, null, Duration.ZERO));

        // Then it is refused, with the fixed message for that kind
        assertThatThrownBy(() -> decoder.decode(Tokens.withoutExpiry("u-1"))).isInstanceOf(JwtValidationException.class)
                .hasMessageContaining(SecurityConfiguration.NO_EXPIRY);
    }

    @Test
    void shouldRefuseARolesClaimThatIsNotAListOfStrings() {
        JwtDecoder decoder = configuration.jwtDecoder(new SecurityProperties(TokenCommand.LOCAL_SECRET, null, Duration.ZERO));
        for (Object roles : List.of(List.of(1, 2), List.of(List.of("CREATOR")), "CREATOR", Map.of(), 7, true)) {
            assertThatThrownBy(() -> decoder.decode(Tokens.withRoles("u-1", roles))).as("roles %s", roles)
                    .isInstanceOf(JwtValidationException.class).hasMessageContaining(SecurityConfiguration.BAD_ROLES);
        }
        // while a list of strings, an empty list and no roles claim at all are fine
        assertThat(Viewer.of(decoder.decode(Tokens.withRoles("u-1", List.of("CREATOR")))).isCreator()).isTrue();
        assertThat(Viewer.of(decoder.decode(Tokens.withRoles("u-1", List.of()))).roles()).isEmpty();
        assertThat(Viewer.of(decoder.decode(Tokens.signed(Map.of("sub", "u-1",
                "exp", Instant.now().plusSeconds(60).getEpochSecond())))).roles()).isEmpty();
    }

    @Test
    void shouldReadTheBearerSchemeInAnyCaseAndNothingElse() {
        for (String value : List.of("Bearer abc.def-_~+/=", "bearer abc.def-_~+/=", "BEARER  abc.def-_~+/=", "bEaReR abc.def-_~+/= ")) {
            assertThat(BearerTokens.token(value)).as(value).contains("abc.def-_~+/=");
            assertThat(BearerTokens.wellFormed(value)).as(value).contains("abc.def-_~+/=");
        }
        for (String other : List.of("Basic dXNlcjpwYXNz", "Bearerabc", "")) {
            assertThat(BearerTokens.token(other)).as(other).isEmpty();
            assertThat(BearerTokens.wellFormed(other)).as(other).isEmpty();
        }
        for (String malformed : List.of("Bearer", "bearer ", "Bearer a b", "Bearer <script>")) {
            assertThatThrownBy(() -> BearerTokens.token(malformed)).as(malformed).isInstanceOf(IllegalArgumentException.class);
            assertThat(BearerTokens.wellFormed(malformed)).as(malformed).isEmpty();
        }
    }
}
