/**
 * The livedrop application: Spring Boot hosting the Kafka Streams instance (interactive queries are
 * in-process) and the GraphQL API over it. Thin: controllers map GraphQL to query services; the
 * business rules live in the topology.
 */
package io.livedrop.api;
