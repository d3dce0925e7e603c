package io.livedrop.api.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * {@code java -jar livedrop.jar token --user u1 [--roles CREATOR] [--ttl 12h] [--secret S]}: prints a
 * bearer token for the local profile (HS256 with the local default secret, API.md "Identity"), so
 * that curl, GraphiQL and client tests can act as any user. The secret can also come from the
 * environment (LIVEDROP_SECURITY_JWT_SECRET).
 */
public final class TokenCommand {

    /** The local profile's default secret, fixed by the public contract so that client tests can mint tokens. */
    public static final String LOCAL_SECRET = "livedrop-local-development-secret-0123456789";

    private TokenCommand() {
    }

    public static int run(List<String> args, PrintStream out, PrintStream err) {
        String user = null;
        List<String> roles = new ArrayList<>();
        Duration ttl = Duration.ofHours(12);
        String secret = System.getenv().getOrDefault("LIVEDROP_SECURITY_JWT_SECRET", LOCAL_SECRET);
        try {
            for (int i = 0; i < args.size(); i++) {
                String value = i + 1 < args.size() ? args.get(i + 1) : null;
                switch (args.get(i)) {
                    case "--user" -> user = require(value, "--user");
                    case "--roles" -> roles.addAll(List.of(require(value, "--roles").split(",")));
                    case "--ttl" -> ttl = Duration.parse("PT" + require(value, "--ttl").toUpperCase());
                    case "--secret" -> secret = require(value, "--secret");
                    default -> throw new IllegalArgumentException("unknown option " + args.get(i));
                }
                i++;
            }
            if (user == null || user.isBlank()) {
                throw new IllegalArgumentException("--user is required");
            }
            out.println(mint(user, roles, ttl, secret, Instant.now()));
            return 0;
        } catch (IllegalArgumentException | java.time.format.DateTimeParseException e) {
            err.println("token: " + e.getMessage());
            err.println("usage: java -jar livedrop.jar token --user <id> [--roles CREATOR[,...]] [--ttl 12h] [--secret <secret>]");
            return 2;
        }
    }

    /** An HS256 JWT with {@code sub} = user and a {@code roles} array claim. */
    public static String mint(String user, List<String> roles, Duration ttl, String secret, Instant now) {
        byte[] key = secret.getBytes(StandardCharsets.UTF_8);
        if (key.length < 32) {
            throw new IllegalArgumentException("the secret must be at least 32 bytes for HS256");
        }
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject(user)
                .claim("roles", roles.stream().map(String::strip).filter(r -> !r.isEmpty()).toList())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(new MACSigner(key));
        } catch (JOSEException e) {
            throw new IllegalArgumentException("cannot sign the token: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }

    private static String require(String value, String option) {
        if (value == null || value.startsWith("--")) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }
}
