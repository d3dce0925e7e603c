package io.livedrop.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LivedropTopologyTest {

    private static final Path SNAPSHOT = Path.of("src/test/resources/topology-description.txt");

    /**
     * A renamed processor, store or topic silently orphans state and changelogs; this snapshot makes
     * every such change a reviewed diff. To accept an intended change:
     * {@code mvn -pl stream-topology test -Dtest=LivedropTopologyTest -Dlivedrop.updateSnapshot=true}.
     */
    @Test
    void shouldMatchTheReviewedTopologySnapshot() throws IOException {
        // Given the topology built from default configuration
        String described;
        try (TopologyFixture fixture = new TopologyFixture()) {
            described = LivedropTopology.build(fixture.config, fixture.serdes).describe().toString();
        }
        if (Boolean.getBoolean("livedrop.updateSnapshot")) {
            Files.writeString(SNAPSHOT, described, StandardCharsets.UTF_8);
        }

        // Then it is exactly the reviewed one
        assertThat(SNAPSHOT).as("topology snapshot; see this test's Javadoc to update it").exists();
        assertThat(described).isEqualTo(Files.readString(SNAPSHOT, StandardCharsets.UTF_8));
    }

    @Test
    void shouldNameEveryStoreAndProcessorExplicitly() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            String described = LivedropTopology.build(fixture.config, fixture.serdes).describe().toString();
            assertThat(described).doesNotContainPattern("KSTREAM-|KTABLE-|STATE-STORE-0");
        }
    }

    @Test
    void shouldBuildTheSameTopologyTwiceFromTheSameConfig() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            assertThat(LivedropTopology.build(fixture.config, fixture.serdes).describe())
                    .isEqualTo(LivedropTopology.build(fixture.config, fixture.serdes).describe());
        }
    }
}
