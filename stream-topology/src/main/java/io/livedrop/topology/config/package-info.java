/**
 * What the topology is built from: typed settings ({@link io.livedrop.topology.config.LivedropConfig}),
 * every topic ({@link io.livedrop.topology.config.Topics}) and store
 * ({@link io.livedrop.topology.config.Stores}) named in one place, and the serdes of every boundary.
 */
package io.livedrop.topology.config;
