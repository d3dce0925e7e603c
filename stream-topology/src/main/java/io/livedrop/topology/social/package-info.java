/**
 * Follows and the notifications of drop starts: the following lists and per-partition followers
 * ({@link io.livedrop.topology.social.FollowsProcessor}), exact follower counts, and the push
 * fan-out ({@link io.livedrop.topology.social.PushFanoutProcessor}). Built by
 * {@link io.livedrop.topology.social.SocialTopology} and run as its own Kafka Streams application,
 * so that fanning a drop start out to millions of followers never waits on, or holds up, order
 * decisions.
 */
package io.livedrop.topology.social;
