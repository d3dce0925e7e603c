package io.livedrop.bench;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Bearer tokens as livedrop's TokenCommand mints them (API.md, Identity): HS256 JWTs with sub and roles. */
public final class Tokens {

    /** The local profile's secret (API.md), passed to the instances. */
    public static final String SECRET = "livedrop-local-development-secret-0123456789";

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final String HEADER = B64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}"
            .getBytes(StandardCharsets.UTF_8));

    private final Mac mac;

    public Tokens(String secret) {
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** Ids are [A-Za-z0-9_-] (not escaped). */
    public synchronized String mint(String user, List<String> roles, Duration ttl, Instant now) {
        String claims = "{\"sub\":\"" + user + "\",\"roles\":["
                + roles.stream().map(r -> "\"" + r + "\"").collect(Collectors.joining(",")) + "],\"iat\":"
                + now.getEpochSecond() + ",\"exp\":" + now.plus(ttl).getEpochSecond() + "}";
        return sign(claims);
    }

    /** A 3-hour token of {@code user} with {@code roles} (none: a buyer), minted now. */
    public String mint(String user, String... roles) {
        return mint(user, List.of(roles), Duration.ofHours(3), Instant.now());
    }

    /** Any claims, for hostile tokens. */
    public synchronized String sign(String claims) {
        String signingInput = HEADER + "." + B64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        byte[] signature = mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + B64.encodeToString(signature);
    }
}
