package io.livedrop.api.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The application's settings under {@code livedrop.*}. Topology settings ({@code livedrop.topology.*},
 * see LivedropConfig) and Kafka Streams settings ({@code livedrop.streams.*}) pass through as maps.
 *
 * @param home           where local state lives: the embedded broker's data and the state stores
 * @param kafka          the cluster to use
 * @param applicationId  Kafka Streams application.id: the consumer group and the prefix of internal topics
 * @param advertisedHost host other instances reach this one on, for interactive-query routing
 * @param topology       LivedropConfig settings (topics.partitions, schema.registry.url, ...)
 * @param streams        extra Kafka Streams settings, passed through unchanged
 * @param demoData       whether to write the demo catalog when the catalog is empty
 * @param queries        how reads are routed between instances
 */
@ConfigurationProperties("livedrop")
public record LivedropProperties(
        @DefaultValue("./.livedrop") Path home,
        @DefaultValue Kafka kafka,
        @DefaultValue("livedrop") String applicationId,
        @DefaultValue("127.0.0.1") String advertisedHost,
        Map<String, String> topology,
        Map<String, String> streams,
        @DefaultValue("false") boolean demoData,
        @DefaultValue Queries queries) {

    public LivedropProperties {
        topology = topology == null ? Map.of() : Map.copyOf(topology);
        streams = streams == null ? Map.of() : Map.copyOf(streams);
    }

    /**
     * @param bootstrapServers the cluster; empty = start the embedded broker (local profile only)
     * @param embedded         the embedded broker, when used
     * @param startupTimeout   how long to wait for the cluster at startup
     * @param stuckThreadAfter how long a stream thread may go without polling before liveness is BROKEN
     */
    public record Kafka(
            @DefaultValue("") String bootstrapServers,
            @DefaultValue Embedded embedded,
            @DefaultValue("30s") Duration startupTimeout,
            @DefaultValue("180s") Duration stuckThreadAfter) {

        public boolean useEmbedded() {
            return bootstrapServers == null || bootstrapServers.isBlank();
        }
    }

    /**
     * @param enabled whether an empty bootstrap-servers may start a broker in-process (the local profile sets it)
     * @param port    the embedded broker's listener port on 127.0.0.1
     */
    public record Embedded(@DefaultValue("false") boolean enabled, @DefaultValue("9092") int port) {
    }

    /**
     * @param peerTimeout   how long one hop to another instance may take
     * @param standbyMaxLag how many records a standby may lag behind and still answer while the active rebalances
     * @param ownerWait     how long a read waits for an instance that can serve its partition (a restart, a
     *                      rebalance) before it is answered UNAVAILABLE
     * @param maxOwnerWaiters how many reads may wait for an owner at once (each holds a request thread); beyond
     *                      it a read that finds no owner is answered UNAVAILABLE at once
     */
    public record Queries(@DefaultValue("1s") Duration peerTimeout, @DefaultValue("10000") long standbyMaxLag,
                          @DefaultValue("10s") Duration ownerWait, @DefaultValue("100") int maxOwnerWaiters) {
    }

    public Path kafkaDataDirectory() {
        return home.resolve("kafka");
    }

    public Path stateDirectory() {
        return home.resolve("state");
    }

    /** The LivedropConfig map: topology settings as given (keys without the livedrop.topology prefix). */
    public Map<String, Object> topologySettings() {
        return new HashMap<>(topology);
    }
}
