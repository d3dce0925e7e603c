package io.livedrop.edge.relay;

import java.util.List;
import java.util.Map;

/**
 * The API instance ended an operation with an {@code error} message: its payload, the GraphQL errors as sent
 * ({@code message}, {@code extensions.code}, ...), to be passed on to the client unchanged.
 */
public class UpstreamErrors extends RuntimeException {

    private final transient List<Map<String, Object>> errors;

    public UpstreamErrors(List<Map<String, Object>> errors) {
        super(errors.isEmpty() ? "error" : String.valueOf(errors.get(0).get("message")), null, false, false);
        this.errors = List.copyOf(errors);
    }

    /** The GraphQL errors of the {@code error} message. */
    public List<Map<String, Object>> errors() {
        return errors;
    }
}
