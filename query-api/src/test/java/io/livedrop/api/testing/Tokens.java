package io.livedrop.api.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.livedrop.api.security.TokenCommand;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Bearer tokens as a client of the local profile mints them (API.md "Identity"). */
public final class Tokens {

    private Tokens() {
    }

    public static String user(String id) {
        return TokenCommand.mint(id, List.of(), Duration.ofHours(1), TokenCommand.LOCAL_SECRET, Instant.now());
    }

    public static String creator(String id) {
        return TokenCommand.mint(id, List.of("CREATOR"), Duration.ofHours(1), TokenCommand.LOCAL_SECRET, Instant.now());
    }

    public static String expired(String id) {
        return TokenCommand.mint(id, List.of(), Duration.ofMinutes(5), TokenCommand.LOCAL_SECRET,
                Instant.now().minus(Duration.ofHours(1)));
    }

    public static String forged(String id) {
        return TokenCommand.mint(id, List.of("CREATOR"), Duration.ofHours(1),
                "not-the-livedrop-secret-but-32-bytes-long!", Instant.now());
    }

    /** A token with exactly these claims, validly signed with the local secret (claims the command never writes). */
    public static String signed(Map<String, Object> claims) {
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder();
        claims.forEach(builder::claim);
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), builder.build());
        try {
            jwt.sign(new MACSigner(TokenCommand.LOCAL_SECRET.getBytes(StandardCharsets.UTF_8)));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    /** A user token valid for an hour whose roles claim is {@code roles}, whatever its JSON type. */
    public static String withRoles(String id, Object roles) {
        return signed(Map.of("sub", id, "roles", roles, "exp", Instant.now().plus(Duration.ofHours(1)).getEpochSecond()));
    }

    /** A user token without exp: good for ever, unless the server demands exp. */
    public static String withoutExpiry(String id) {
        return signed(Map.of("sub", id, "roles", List.of()));
    }
}
