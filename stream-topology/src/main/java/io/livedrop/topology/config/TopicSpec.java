package io.livedrop.topology.config;

import java.util.Map;

/**
 * One topic as livedrop needs it: name, partitions, replication and topic-level configs
 * (cleanup.policy, retention.ms, ...). Created at startup and checked for drift.
 */
public record TopicSpec(String name, int partitions, short replicationFactor, Map<String, String> configs) {

    public TopicSpec {
        configs = Map.copyOf(configs);
    }

    public String cleanupPolicy() {
        return configs.getOrDefault("cleanup.policy", "delete");
    }
}
