package io.livedrop.api.security;

import io.livedrop.api.graphql.ApiException;
import io.livedrop.api.graphql.ErrorCode;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * The authenticated user of a request: the token's {@code sub} and its {@code roles} claim. It sits
 * in the GraphQL context under {@link #CONTEXT_KEY}; controllers take it with
 * {@code @ContextValue(name = Viewer.CONTEXT_KEY, required = false)} and services call
 * {@link #require(Viewer)} where an operation needs one. The raw token travels on with a read
 * routed to another instance, which checks it again; it is never logged.
 */
public record Viewer(String id, Set<String> roles, String bearerToken) {

    public static final String CONTEXT_KEY = "livedrop.viewer";
    public static final String CREATOR = "CREATOR";
    /** User ids are ids like every other: they key stores ("user|order") and name orders. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public Viewer {
        roles = Set.copyOf(roles);
    }

    /** Whether {@code id} can be a user id (and so a token's subject). */
    public static boolean isValidId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /** The viewer of a validated token; a subject that cannot be a user id is refused. */
    public static Viewer of(Jwt jwt) {
        String subject = jwt.getSubject();
        if (!isValidId(subject)) {
            throw new ApiException(ErrorCode.UNAUTHENTICATED,
                    "The token's subject is not a user id (1-64 letters, digits, '-' or '_')");
        }
        List<String> roles = jwt.hasClaim("roles") ? jwt.getClaimAsStringList("roles") : List.of();
        return new Viewer(subject, roles == null ? Set.of() : Set.copyOf(roles), jwt.getTokenValue());
    }

    @Override
    public String toString() {
        return "Viewer[" + id + ", roles=" + roles + "]";
    }

    public boolean isCreator() {
        return roles.contains(CREATOR);
    }

    /** The viewer, or UNAUTHENTICATED when the request carried no token. */
    public static Viewer require(Viewer viewer) {
        if (viewer == null) {
            throw new ApiException(ErrorCode.UNAUTHENTICATED,
                    "Sign in: send 'Authorization: Bearer <token>' (locally: ./livedrop token --user <id>)");
        }
        return viewer;
    }

    /** The viewer if it holds CREATOR, else UNAUTHENTICATED or FORBIDDEN. */
    public static Viewer requireCreator(Viewer viewer) {
        if (!require(viewer).isCreator()) {
            throw new ApiException(ErrorCode.FORBIDDEN, "Only creators (role CREATOR) may do this");
        }
        return viewer;
    }
}
