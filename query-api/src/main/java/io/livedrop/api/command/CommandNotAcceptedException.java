package io.livedrop.api.command;

/**
 * Kafka did not acknowledge a command (a record a mutation produces) in time, or refused it: the cause
 * says which. The record may still arrive; a retry of the same command is safe where its consumer is
 * idempotent on the record's key, which is what the message asks the client to do.
 */
public class CommandNotAcceptedException extends RuntimeException {

    public CommandNotAcceptedException(String message, Throwable cause) {
        super(message, cause);
    }
}
