package io.livedrop.topology.order;

/**
 * A record that no rule can decide (null key, quantity below 1, unknown drop, forged order id):
 * a technical failure, not a business outcome. Kafka Streams' processing exception handler sends
 * it to the dead-letter topic and processing continues.
 */
public class InvalidOrderException extends RuntimeException {

    public InvalidOrderException(String message) {
        super(message);
    }
}
