package io.livedrop.api.social;

import io.livedrop.api.security.Viewer;
import java.util.Set;

/**
 * Where {@link FollowingView} reads a viewer's following list once: the state stores
 * ({@link SocialService}) in an API instance, or an API instance over the peer listener in the edge
 * role (ADR 0012 §5).
 */
public interface FollowedCreators {

    /** The ids of the creators {@code viewer} follows now. Throws what the read throws (UNAVAILABLE). */
    Set<String> followedCreators(Viewer viewer);
}
