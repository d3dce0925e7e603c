package io.livedrop.topology.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class ConfigurationDocsTest {

    @Test
    void shouldDocumentEverySettingInTheReadme() throws IOException {
        String readme = Files.readString(Path.of("../README.md"));
        for (String key : LivedropConfig.definition().names()) {
            assertThat(readme).as("README configuration reference lists %s", key).contains("`" + key + "`");
        }
    }

    @Test
    void shouldStopStartupWithTheKeyNamedWhenASettingIsInvalid() {
        assertThatThrownBy(() -> new LivedropConfig(Map.of(LivedropConfig.PARTITIONS, "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(LivedropConfig.PARTITIONS);
        assertThatThrownBy(() -> new LivedropConfig(Map.of(LivedropConfig.TOPIC_PREFIX, "bad prefix/")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(LivedropConfig.TOPIC_PREFIX);
    }
}
