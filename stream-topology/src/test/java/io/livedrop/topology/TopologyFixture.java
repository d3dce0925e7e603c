package io.livedrop.topology;

import io.livedrop.schemas.serde.AvroSerdes;
import io.livedrop.topology.config.LivedropConfig;
import io.livedrop.topology.config.StreamsSettings;
import io.livedrop.topology.config.Topics;
import io.livedrop.topology.config.TopologySerdes;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * A TopologyTestDriver over the real topology with registry-free serdes and a wall clock the test
 * moves explicitly. Shared by the topology tests.
 */
public final class TopologyFixture implements AutoCloseable {

    public static final Instant START = Instant.parse("2026-11-25T18:00:00Z");

    public final LivedropConfig config;
    public final Topics topics;
    public final TopologySerdes serdes;
    public final TopologyTestDriver driver;
    private final java.nio.file.Path stateDir;

    public TopologyFixture() {
        this(Map.of());
    }

    public TopologyFixture(Map<String, ?> overrides) {
        Map<String, Object> settings = new HashMap<>(overrides);
        this.config = new LivedropConfig(settings);
        this.topics = Topics.from(config);
        this.serdes = TopologySerdes.from(AvroSerdes.singleObject());
        this.stateDir = stateDir();
        Properties props = StreamsSettings.of(config, "livedrop-test", "unused:9092", stateDir,
                Map.of("enable.transactional.statestores", Boolean.getBoolean("txstores")));
        this.driver = new TopologyTestDriver(LivedropTopology.build(config, serdes), props, START);
    }

    private static java.nio.file.Path stateDir() {
        try {
            return java.nio.file.Files.createTempDirectory("livedrop-ttd");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.close();
        try {
            org.apache.kafka.common.utils.Utils.delete(stateDir.toFile());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
