package io.livedrop.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import io.livedrop.topology.social.SocialTopology;
import org.junit.jupiter.api.Test;

class LivedropTopologyTest {

    private static final Path SNAPSHOT = Path.of("src/test/resources/topology-description.txt");
    private static final Path SOCIAL_SNAPSHOT = Path.of("src/test/resources/social-topology-description.txt");

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

    /** The same for the social topology ({@code -Dlivedrop.updateSnapshot=true} updates both). */
    @Test
    void shouldMatchTheReviewedSocialTopologySnapshot() throws IOException {
        // Given the social topology built from default configuration
        String described;
        try (TopologyFixture fixture = new TopologyFixture()) {
            described = SocialTopology.build(fixture.config, fixture.serdes).describe().toString();
        }
        if (Boolean.getBoolean("livedrop.updateSnapshot")) {
            Files.writeString(SOCIAL_SNAPSHOT, described, StandardCharsets.UTF_8);
        }

        // Then it is the reviewed one
        assertThat(SOCIAL_SNAPSHOT).as("topology snapshot; see this test's Javadoc to update it").exists();
        assertThat(described).isEqualTo(Files.readString(SOCIAL_SNAPSHOT, StandardCharsets.UTF_8));
    }

    @Test
    void shouldNameEveryStoreAndProcessorExplicitly() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            String described = LivedropTopology.build(fixture.config, fixture.serdes).describe().toString()
                    + SocialTopology.build(fixture.config, fixture.serdes).describe();
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
