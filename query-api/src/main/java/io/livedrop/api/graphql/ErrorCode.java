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
}
