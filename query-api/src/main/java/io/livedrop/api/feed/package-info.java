/**
 * Following a topic's committed records from its end on every instance, without a consumer group
 * ({@link io.livedrop.api.feed.TopicTail}), and the lifecycle-bound base of the feeds built on it
 * ({@link io.livedrop.api.feed.TopicFeed}: decisions, drop updates, dead letters).
 */
package io.livedrop.api.feed;
