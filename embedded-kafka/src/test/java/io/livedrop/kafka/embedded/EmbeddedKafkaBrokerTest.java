package io.livedrop.kafka.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings and data-directory checks that fail before any Kafka code runs. */
class EmbeddedKafkaBrokerTest {

    @Test
    void settingsOwnedByTheEmbeddedBrokerCannotBeOverridden() {
        // Given a builder
        EmbeddedKafkaBroker.Builder builder = EmbeddedKafkaBroker.builder();

        // When the listeners are overridden, Then it is refused, while an ordinary setting is accepted
        assertThatThrownBy(() -> builder.brokerProperty("listeners", "PLAINTEXT://0.0.0.0:9092"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("listeners");
        assertThat(builder.brokerProperty("log.retention.hours", "1")).isSameAs(builder);
    }

    @Test
    void portOutsideTheTcpRangeIsRejected() {
        // Given a builder, When the port is out of range, Then it says which values are valid
        assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().port(70_000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("between 0 and 65535");
    }

    @Test
    void brokerThatIsNotRunningHasNoBootstrapServers(@TempDir Path dataDir) {
        // Given a broker that was built but not started
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDirectory(dataDir).build();

        // When its address is asked for, Then it says it is not running
        assertThatThrownBy(broker::bootstrapServers)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not running");
    }

    @Test
    void nonEmptyDirectoryWithoutMetaPropertiesIsNotAdoptedAsKafkaData(@TempDir Path dir) throws IOException {
        // Given a directory that holds something other than Kafka data
        Files.writeString(dir.resolve("notes.txt"), "not Kafka");

        // When the broker starts on it
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDirectory(dir).build();

        // Then it refuses without touching it, and says what to do
        assertThatThrownBy(broker::start)
                .isInstanceOf(EmbeddedKafkaException.class)
                .hasMessageContaining("is not a Kafka data directory")
                .hasMessageContaining("choose an empty or new directory");
        assertThat(dir).isDirectoryContaining(path -> path.getFileName().toString().equals("notes.txt"));
        assertThat(dir.resolve("meta.properties")).doesNotExist();
    }
}
