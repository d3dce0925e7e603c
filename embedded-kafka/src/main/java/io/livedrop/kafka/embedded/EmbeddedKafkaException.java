package io.livedrop.kafka.embedded;

/**
 * The embedded broker could not start (or stop). The message says what went wrong and how to fix it,
 * e.g. which port is taken or which data directory to delete.
 */
public class EmbeddedKafkaException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public EmbeddedKafkaException(String message) {
        super(message);
    }

    public EmbeddedKafkaException(String message, Throwable cause) {
        super(message, cause);
    }
}
