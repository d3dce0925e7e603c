package io.livedrop.topology.social;

/**
 * A follow event that cannot be applied (no key, key not the follower, unusable ids): the
 * processing exception handler sends it to the dead-letter topic and processing continues.
 */
public class InvalidFollowException extends RuntimeException {

    public InvalidFollowException(String message) {
        super(message);
    }
}
