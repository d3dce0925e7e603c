package io.livedrop.api.testing;

import io.livedrop.api.fanout.DocumentShape;
import io.livedrop.api.fanout.SharedPayload;
import io.livedrop.api.fanout.SharedRenderer;
import io.livedrop.api.fanout.ViewerFacts;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A {@link SharedRenderer} that counts its renders and answers {@code <shape key>|<event as the test
 * describes it>|<facts>}, so a test sees which render reached whom.
 */
public final class CountingRenderer implements SharedRenderer {

    private final Function<Object, String> describe;
    private final AtomicInteger renders = new AtomicInteger();
    private volatile RuntimeException failure;

    public CountingRenderer(Function<Object, String> describe) {
        this.describe = describe;
    }

    @Override
    public SharedPayload render(DocumentShape shape, Object event, ViewerFacts facts) {
        renders.incrementAndGet();
        if (failure != null) {
            throw failure;
        }
        String text = shape.key() + "|" + describe.apply(event) + "|" + new TreeMap<>(facts.follows());
        return new SharedPayload(text.getBytes(StandardCharsets.UTF_8));
    }

    public int renders() {
        return renders.get();
    }

    /** Every later render throws {@code failure} (null: renders again). */
    public void failWith(RuntimeException failure) {
        this.failure = failure;
    }

    public static DocumentShape shape(String key) {
        return new DocumentShape(key, "subscription { x }", null, Map.of(), true);
    }
}
