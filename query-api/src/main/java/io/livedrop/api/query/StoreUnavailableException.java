package io.livedrop.api.query;

/**
 * No copy of a store can answer right now: this instance is starting, restoring or rebalancing, or the
 * instance that owns the key did not answer within the retry window. Transient: the message says what
 * failed and that a retry shortly may succeed. Never means "no data".
 */
public class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
