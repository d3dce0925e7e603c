package io.livedrop.topology.drop;

/**
 * A drop definition no rule can accept (wrong key, malformed id, no stock, ends before it starts):
 * Kafka Streams' processing exception handler sends it to the dead-letter topic and processing
 * continues.
 */
public class InvalidDropException extends RuntimeException {

    public InvalidDropException(String message) {
        super(message);
    }
}
