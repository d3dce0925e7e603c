package io.livedrop.api.fanout;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The last {@value #SIZE} shared payloads, kept by (shape key, facts, event instance) for
 * {@value #SECONDS} s, so a feed that asks again for the same event (a catch-up replay) is answered
 * without rendering it again. Feeds hand the same event instance to every group of an event, so the
 * event is compared by identity.
 */
public final class RecentRenders {

    static final int SIZE = 256;
    static final int SECONDS = 60;

    private final Cache<Rendered, SharedPayload> recent = Caffeine.newBuilder().maximumSize(SIZE)
            .expireAfterWrite(Duration.ofSeconds(SECONDS)).build();

    /** The kept payload of this render, else {@code render}'s (kept if it returns). */
    public SharedPayload get(DocumentShape shape, ViewerFacts facts, Object event, Supplier<SharedPayload> render) {
        Rendered key = new Rendered(shape.key(), facts, event);
        SharedPayload cached = recent.getIfPresent(key);
        if (cached != null) {
            return cached;
        }
        SharedPayload payload = render.get();
        recent.put(key, payload);
        return payload;
    }

    private record Rendered(String shapeKey, ViewerFacts facts, Object event) {

        @Override
        public boolean equals(Object other) {
            return other instanceof Rendered that && shapeKey.equals(that.shapeKey) && facts.equals(that.facts)
                    && event == that.event;
        }

        @Override
        public int hashCode() {
            return Objects.hash(shapeKey, facts, System.identityHashCode(event));
        }
    }
}
