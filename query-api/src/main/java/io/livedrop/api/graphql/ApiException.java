package io.livedrop.api.graphql;

/** A failure the client should see, with its contract code and a message that says what to do. */
public class ApiException extends RuntimeException {

    private final ErrorCode code;

    public ApiException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public ApiException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(ErrorCode.BAD_REQUEST, message);
    }

    public static ApiException unavailable(String message, Throwable cause) {
        return new ApiException(ErrorCode.UNAVAILABLE, message, cause);
    }
}
