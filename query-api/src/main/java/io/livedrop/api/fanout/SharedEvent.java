package io.livedrop.api.fanout;

/**
 * The one event a shared render executes a subscription document for: in the GraphQL context under
 * {@link #CONTEXT_KEY}, the subscription's fetcher answers with just this event.
 */
public record SharedEvent(Object event) {

    public static final String CONTEXT_KEY = "livedrop.fanout.shared-event";
}
