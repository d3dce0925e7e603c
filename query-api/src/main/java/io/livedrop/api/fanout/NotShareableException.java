package io.livedrop.api.fanout;

/** A shared render met a question about the viewer it cannot answer for every recipient. */
public class NotShareableException extends RuntimeException {

    public NotShareableException(String message) {
        super(message, null, false, false);
    }
}
