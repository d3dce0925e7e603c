package io.livedrop.topology;

import io.livedrop.schemas.serde.AvroSerdes;
import io.livedrop.topology.config.LivedropConfig;
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

    public TopologyFixture() {
        this(Map.of());
    }

    public TopologyFixture(Map<String, ?> overrides) {
        Map<String, Object> settings = new HashMap<>(overrides);
        this.config = new LivedropConfig(settings);
        this.topics = Topics.from(config);
        this.serdes = TopologySerdes.from(AvroSerdes.singleObject());
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "livedrop-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        this.driver = new TopologyTestDriver(LivedropTopology.build(config, serdes), props, START);
    }

    @Override
    public void close() {
        driver.close();
    }
}
