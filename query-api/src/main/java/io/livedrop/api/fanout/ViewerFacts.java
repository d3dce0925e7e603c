package io.livedrop.api.fanout;

import java.util.Map;

/**
 * What a shared render may know of its recipients' viewers: whether they follow given creators,
 * the same for every recipient of the render. Never a viewer, never a token. In the GraphQL context
 * under {@link #CONTEXT_KEY} during a shared render; a question about any other creator fails the
 * render with {@link NotShareableException} (the feeds log and count it; its recipients are not sent that event).
 */
public record ViewerFacts(Map<String, Boolean> follows) {

    public static final String CONTEXT_KEY = "livedrop.fanout.viewer-facts";

    public ViewerFacts {
        follows = Map.copyOf(follows);
    }

    public static ViewerFacts following(String creatorId, boolean follows) {
        return new ViewerFacts(Map.of(creatorId, follows));
    }

    public boolean follows(String creatorId) {
        Boolean follows = this.follows.get(creatorId);
        if (follows == null) {
            throw new NotShareableException("viewerFollows of creator " + creatorId + " is not known to a shared render");
        }
        return follows;
    }
}
