/**
 * Subscriptions told by broadcast: a subscription event is executed and encoded once per
 * (normalized document, variables, event, viewer facts) and the same payload bytes are written to
 * every recipient, each framed with its own subscription id ({@link io.livedrop.api.fanout.Recipient}).
 * Selections that depend on the viewer beyond the {@link io.livedrop.api.fanout.ViewerFacts} a feed
 * knows stay on the per-session path.
 */
package io.livedrop.api.fanout;
