/**
 * Interactive queries: reading the state stores wherever they live. Routing by Kafka Streams' partition
 * map with retries while stores are unavailable ({@link io.livedrop.api.query.InteractiveQueries}), the
 * hop to the instance that owns a partition ({@link io.livedrop.api.query.PeerClient}), the other end of
 * that hop ({@link io.livedrop.api.query.PeerEndpoint}) and how values travel on it
 * ({@link io.livedrop.api.query.RecordCodec}).
 */
package io.livedrop.api.query;
