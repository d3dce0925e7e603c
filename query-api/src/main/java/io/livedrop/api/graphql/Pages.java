package io.livedrop.api.graphql;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * Cursor pagination over a list sorted by a string sort key. Cursors are opaque to clients
 * (base64url of a versioned sort key), stable across pages, and resume strictly after the key they
 * name, so an insert between requests neither repeats nor skips an item already seen.
 */
public final class Pages {

    public static final int MAX_PAGE_SIZE = 100;
    private static final String VERSION = "v1:";

    private Pages() {
    }

    public static void checkFirst(int first) {
        if (first < 1 || first > MAX_PAGE_SIZE) {
            throw ApiException.badRequest("first must be between 1 and " + MAX_PAGE_SIZE + ", was " + first);
        }
    }

    /**
     * One page of {@code items} ordered by {@code sortKey} ascending (callers invert keys for
     * newest-first), after the cursor {@code after} if given.
     */
    public static <T> Connection<T> page(List<T> items, Function<T, String> sortKey, int first, String after) {
        checkFirst(first);
        String afterKey = after == null ? null : decode(after);
        List<T> sorted = new ArrayList<>(items);
        sorted.sort(Comparator.comparing(sortKey));
        List<Connection.Edge<T>> edges = new ArrayList<>();
        boolean more = false;
        for (T item : sorted) {
            String key = sortKey.apply(item);
            if (afterKey != null && key.compareTo(afterKey) <= 0) {
                continue;
            }
            if (edges.size() == first) {
                more = true;
                break;
            }
            edges.add(new Connection.Edge<>(encode(key), item));
        }
        String end = edges.isEmpty() ? null : edges.get(edges.size() - 1).cursor();
        return new Connection<>(edges, new Connection.PageInfo(more, end));
    }

    /** The opaque cursor of a sort key, for pages built elsewhere. */
    public static String cursor(String sortKey) {
        return encode(sortKey);
    }

    static String encode(String key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((VERSION + key).getBytes(StandardCharsets.UTF_8));
    }

    /** The sort key a cursor resumes after; null for no cursor; BAD_REQUEST for a cursor this API did not make. */
    public static String afterKey(String cursor) {
        return cursor == null ? null : decode(cursor);
    }

    static String decode(String cursor) {
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (decoded.startsWith(VERSION)) {
                return decoded.substring(VERSION.length());
            }
        } catch (IllegalArgumentException e) {
            // fall through to the error below
        }
        throw ApiException.badRequest("Malformed cursor '" + cursor + "': pass an endCursor or cursor from an earlier page");
    }
}
