package io.livedrop.api.security;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one reading of an {@code Authorization} value, for HTTP and WebSocket alike: the scheme name
 * {@code Bearer} in any case (RFC 6750 and RFC 9110 scheme names are case-insensitive), one or more
 * spaces, a token68. Another scheme is not a bearer token; a bearer scheme with a malformed token
 * is an error.
 */
public final class BearerTokens {

    private static final Pattern BEARER = Pattern.compile("(?i)bearer +(?<token>[A-Za-z0-9._~+/-]+=*) *");
    private static final Pattern SCHEME = Pattern.compile("(?i)bearer(?: .*)?");

    private BearerTokens() {
    }

    /**
     * The token of a bearer {@code Authorization} value; empty for another scheme.
     *
     * @throws IllegalArgumentException when the scheme is bearer but no well-formed token follows
     */
    public static Optional<String> token(String authorization) {
        if (authorization == null || !SCHEME.matcher(authorization).matches()) {
            return Optional.empty();
        }
        Matcher matcher = BEARER.matcher(authorization);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("The Authorization value must be 'Bearer <token>'");
        }
        return Optional.of(matcher.group("token"));
    }

    /** The token of a well-formed bearer value; empty for another scheme or a malformed one. */
    public static Optional<String> wellFormed(String authorization) {
        Matcher matcher = authorization == null ? null : BEARER.matcher(authorization);
        return matcher != null && matcher.matches() ? Optional.of(matcher.group("token")) : Optional.empty();
    }
}
