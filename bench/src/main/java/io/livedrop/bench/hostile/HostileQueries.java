package io.livedrop.bench.hostile;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The hostile documents of issue 14 and how an answer's error code is read: bench/hostile's and fault scenario 8's. */
public final class HostileQueries {

    /** The query, byte for byte (119 bytes, anonymous). */
    public static final String NESTED = "{liveDrops(first:100){edges{node{creator{drops(first:100){edges{node{creator"
            + "{drops(first:100){edges{node{id}}}}}}}}}}}}";
    public static final String ORDER_STATUS = "subscription($id: ID!) { orderStatus(orderId: $id) { id status } }";
    public static final String DROP_UPDATES = "subscription($id: ID!) { dropUpdates(dropId: $id) { at drop { id"
            + " remainingStock status } } }";
    private static final Pattern CODE = Pattern.compile("\"(?:code|classification)\"\\s*:\\s*\"([A-Z_]+)\"");

    private HostileQueries() {
    }

    /** " CODE", the first GraphQL error code ({@code extensions.code} or classification) in {@code text}, or none. */
    public static String code(String text, String none) {
        Matcher m = CODE.matcher(text == null ? "" : text);
        return m.find() ? " " + m.group(1) : none;
    }
}
