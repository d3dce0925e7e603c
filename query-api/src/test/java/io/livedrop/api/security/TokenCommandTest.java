package io.livedrop.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.SignedJWT;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenCommandTest {

    @Test
    void shouldPrintAnHs256TokenSignedWithTheLocalSecret() throws Exception {
        // When a token is asked for a creator
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = TokenCommand.run(List.of("--user", "creator-ava", "--roles", "CREATOR"),
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);

        // Then it verifies with the contract's local secret and carries sub and roles
        SignedJWT jwt = SignedJWT.parse(out.toString(StandardCharsets.UTF_8).strip());
        assertThat(exit).isZero();
        assertThat(jwt.verify(new MACVerifier("livedrop-local-development-secret-0123456789".getBytes(StandardCharsets.UTF_8)))).isTrue();
        assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo("creator-ava");
        assertThat(jwt.getJWTClaimsSet().getStringListClaim("roles")).containsExactly("CREATOR");
        assertThat(jwt.getJWTClaimsSet().getExpirationTime()).isInTheFuture();
    }

    @Test
    void shouldExplainUsageWhenTheUserIsMissing() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = TokenCommand.run(List.of("--roles", "CREATOR"), System.out, new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--user is required").contains("usage:");
    }
}
