/**
 * The livedrop Kafka Streams topology, as a pure function of configuration:
 * {@link io.livedrop.topology.LivedropTopology#build}. It assembles the processors of the
 * sub-packages (one per part of the domain) from {@link io.livedrop.topology.config}. No Spring here,
 * and no I/O while building: the application (query-api) provisions topics and runs the topology.
 */
package io.livedrop.topology;
