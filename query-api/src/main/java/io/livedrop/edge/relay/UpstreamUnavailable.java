package io.livedrop.edge.relay;

/**
 * The API instance behind an {@link Upstream} could not run an operation: unreachable, too slow to acknowledge the
 * connection, or the link closed while the operation was open. The operation may be retried (a later one opens a
 * new link), unless the link was refused with a 44xx close code ({@link Upstream#onClosed}).
 */
public class UpstreamUnavailable extends RuntimeException {

    public UpstreamUnavailable(String message) {
        super(message);
    }
}
