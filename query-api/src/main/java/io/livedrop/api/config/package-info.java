/**
 * The application's settings under {@code livedrop.*} ({@link io.livedrop.api.config.LivedropProperties})
 * and the Kafka cluster they point at: configured bootstrap servers, or the local profile's embedded
 * broker ({@link io.livedrop.api.config.KafkaCluster}).
 */
package io.livedrop.api.config;
