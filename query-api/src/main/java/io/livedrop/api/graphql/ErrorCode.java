package io.livedrop.api.graphql;

import graphql.ErrorClassification;
import org.springframework.graphql.execution.ErrorType;

/** The {@code extensions.code} values of the public contract (API.md, "Errors"). */
public enum ErrorCode {
    UNAUTHENTICATED(ErrorType.UNAUTHORIZED),
    FORBIDDEN(ErrorType.FORBIDDEN),
    BAD_REQUEST(ErrorType.BAD_REQUEST),
    NOT_FOUND(ErrorType.NOT_FOUND),
    IDEMPOTENCY_CONFLICT(ErrorType.BAD_REQUEST),
    UNAVAILABLE(ErrorType.INTERNAL_ERROR),
    RATE_LIMITED(ErrorType.BAD_REQUEST);

    private final ErrorClassification classification;

    ErrorCode(ErrorClassification classification) {
        this.classification = classification;
    }

    public ErrorClassification classification() {
        return classification;
    }

    /**
     * The body of an answer refused outside GraphQL execution (a filter, the container, the security
     * chain): {@code {"errors":[{"message":…,"extensions":{"code":…}}]}}, the shape every client already
     * reads, the message JSON-escaped.
     */
    public String body(String message) {
        return "{\"errors\":[{\"message\":" + jsonString(message) + ",\"extensions\":{\"code\":\"" + name() + "\"}}]}";
    }

    private static String jsonString(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
