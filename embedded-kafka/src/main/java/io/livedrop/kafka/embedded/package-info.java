/**
 * A real, single-node Apache Kafka broker (KRaft mode, broker and controller in one) that runs inside
 * the current JVM, for the local stack and for integration tests, with no Docker and no separate install.
 *
 * <p>{@link io.livedrop.kafka.embedded.EmbeddedKafkaBroker} is the broker;
 * {@link io.livedrop.kafka.embedded.EmbeddedKafkaExtension} hands one to JUnit 5 tests.
 */
package io.livedrop.kafka.embedded;
