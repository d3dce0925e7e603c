/**
 * Creating livedrop's topics declaratively at startup (AdminClient) and refusing to run on a
 * cluster whose topics drifted from what the topology needs.
 */
package io.livedrop.topology.provisioning;
