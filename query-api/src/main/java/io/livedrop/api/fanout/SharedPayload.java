package io.livedrop.api.fanout;

/**
 * One rendered subscription result, the JSON of a graphql-transport-ws {@code next} payload
 * ({@code {"data":...}} or {@code {"errors":...}}), encoded once and shared by every recipient. The
 * bytes are never written to: recipients wrap them without a copy.
 */
public record SharedPayload(byte[] json) {
}
