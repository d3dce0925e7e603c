package io.livedrop.api.testing;

import io.livedrop.api.security.TokenCommand;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

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
}
