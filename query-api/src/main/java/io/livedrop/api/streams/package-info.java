/**
 * The two Kafka Streams applications (orders, social) running inside this process: their lifecycle tied
 * to the application's (topic provisioning, start, clean close), health and readiness from their states,
 * the watchdog that marks liveness BROKEN while a stream thread is stuck, and the restore-progress metrics.
 */
package io.livedrop.api.streams;
