package io.livedrop.api.fanout;

import graphql.GraphQLContext;

/**
 * When the server accepted a {@code subscribe} ({@link System#nanoTime()}, taken as the message was
 * read, before the connection's next message is): a feed tells the subscription of every event it
 * received after this, even if its own set-up (a following list read) finishes later. In the
 * GraphQL context under {@link #CONTEXT_KEY}; a feed without one uses the time its fetcher ran.
 */
public record SubscribeStamp(long nanos) {

    public static final String CONTEXT_KEY = "livedrop.fanout.subscribe-stamp";

    /** The stamp in {@code context}, else now. */
    public static long nanos(GraphQLContext context) {
        SubscribeStamp stamp = context.get(CONTEXT_KEY);
        return stamp != null ? stamp.nanos() : System.nanoTime();
    }
}
