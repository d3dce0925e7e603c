/**
 * Kafka serdes for the livedrop event types. {@link io.livedrop.schemas.serde.AvroSerdes} is the one
 * factory: with a schema registry URL configured it uses the Apicurio Registry serdes (Confluent
 * wire format), without one Avro's single-object encoding against the compiled-in and released
 * schemas. See docs/adr/0002-avro-wire-format.md.
 */
package io.livedrop.schemas.serde;
