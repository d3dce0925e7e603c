package io.livedrop.api.catalog;

import io.livedrop.api.security.Viewer;
import java.util.function.Consumer;

/**
 * Whether a viewer follows a creator, kept current: what a shared render of {@code dropUpdates} may
 * know of its watchers ({@code Creator.viewerFollows} of the drop's creator). Implemented where the
 * follows are (social), declared here so that the catalog does not depend on it.
 */
public interface FollowingFacts {

    /**
     * Calls {@code follows} with whether {@code viewer} follows {@code creatorId} now (before returning, or
     * throws if that cannot be read), then again at each change, until the returned action is run.
     * {@code follows} must be quick: it runs on the thread that follows the follows topic.
     */
    Runnable watch(Viewer viewer, String creatorId, Consumer<Boolean> follows);
}
