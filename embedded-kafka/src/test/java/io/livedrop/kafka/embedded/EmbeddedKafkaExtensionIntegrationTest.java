package io.livedrop.kafka.embedded;

import static io.livedrop.kafka.embedded.KafkaTestClients.admin;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EmbeddedKafkaExtension.class)
class EmbeddedKafkaExtensionIntegrationTest {

    @Test
    void injectsARunningBrokerThatIsAlsoReachableThroughTheStaticAccessor(EmbeddedKafkaBroker injected)
            throws Exception {
        // Given the extension on this class

        // When a test asks for the broker as a parameter and through the static accessor
        EmbeddedKafkaBroker accessed = EmbeddedKafkaExtension.broker();

        // Then both are the same running single-node broker on the loopback interface
        assertThat(accessed).isSameAs(injected);
        assertThat(injected.isRunning()).isTrue();
        assertThat(injected.bootstrapServers()).startsWith("127.0.0.1:");
        try (Admin admin = admin(injected)) {
            assertThat(admin.describeCluster().nodes().get(10, TimeUnit.SECONDS)).hasSize(1);
        }
    }
}
