/**
 * A drop's life in the topology: its state (definition, status, remaining stock) and its clock,
 * which moves it SCHEDULED → LIVE → ENDED on wall-clock time and announces each change as a
 * DropEvent.
 */
package io.livedrop.topology.drop;
