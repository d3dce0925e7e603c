package io.livedrop.api.ops;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** The headers Kafka Streams' exception handlers put on a dead letter (KIP-1034). */
public final class DeadLetters {

    public static final String HEADER_PREFIX = "__streams.errors.";
    public static final String TOPIC = HEADER_PREFIX + "topic";
    public static final String PARTITION = HEADER_PREFIX + "partition";
    public static final String OFFSET = HEADER_PREFIX + "offset";
    public static final String EXCEPTION = HEADER_PREFIX + "exception";
    public static final String MESSAGE = HEADER_PREFIX + "message";

    private DeadLetters() {
    }

    /** The last value of header {@code name} as UTF-8 text, or null. */
    public static String header(Headers headers, String name) {
        if (headers == null) {
            return null;
        }
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
