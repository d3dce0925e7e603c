/**
 * Kafka inside the application: where the cluster is (configured, or an embedded broker for the
 * local profile), topic provisioning, and the Kafka Streams instance whose lifecycle is tied to the
 * application's.
 */
package io.livedrop.api.kafka;
