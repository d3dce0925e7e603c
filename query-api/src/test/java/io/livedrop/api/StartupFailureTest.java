package io.livedrop.api;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;

class StartupFailureTest {

    @Test
    void shouldRefuseToStartWithoutAClusterOutsideTheLocalProfile(@TempDir Path home) {
        // Given no bootstrap servers and no local profile (a production deployment that forgot them)
        SpringApplicationBuilder app = new SpringApplicationBuilder(LivedropApplication.class)
                .properties("server.port=0", "livedrop.home=" + home,
                        "livedrop.security.jwt-secret=" + io.livedrop.api.security.TokenCommand.LOCAL_SECRET);

        // Then startup fails with a message saying what to set
        assertThatThrownBy(() -> app.run().close())
                .rootCause()
                .hasMessageContaining("No Kafka cluster configured")
                .hasMessageContaining("livedrop.kafka.bootstrap-servers")
                .hasMessageContaining("--spring.profiles.active=local");
    }
}
