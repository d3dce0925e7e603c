/**
 * The livedrop application: Spring Boot hosting the Kafka Streams instance (interactive queries are
 * in-process) and the GraphQL API over it. Thin: controllers map GraphQL to query services; the
 * business rules live in the topology. {@link io.livedrop.api.KafkaConfiguration} wires the Kafka parts
 * (packages {@code config}, {@code streams}, {@code query}, {@code command}; {@code feed} is used by the feeds).
 */
package io.livedrop.api;
