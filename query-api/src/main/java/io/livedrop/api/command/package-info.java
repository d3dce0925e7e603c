/**
 * Writing what mutations ask for to the topics the topology reads: one idempotent {@code acks=all}
 * producer per instance ({@link io.livedrop.api.command.CommandProducer}).
 */
package io.livedrop.api.command;
