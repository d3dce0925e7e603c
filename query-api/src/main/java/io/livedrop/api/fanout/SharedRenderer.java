package io.livedrop.api.fanout;

/**
 * Executes a subscription document for one event and encodes the result once. The result is the
 * same for every recipient whose viewer matches {@code facts}.
 */
public interface SharedRenderer {

    /**
     * @throws NotShareableException if the selection asked about the viewer beyond {@code facts}
     *                               (the feeds log and count it; no per-session fallback: ADR 0012)
     */
    SharedPayload render(DocumentShape shape, Object event, ViewerFacts facts);
}
