/**
 * The livedrop event types: the Avro-generated records under {@code io.livedrop.events.*} (the only
 * event types the code uses), the catalog of them ({@link io.livedrop.schemas.EventTypes}) and the
 * released versions of each schema kept for decoding old records and for compatibility checks
 * ({@link io.livedrop.schemas.ReleasedSchemas}).
 */
package io.livedrop.schemas;
