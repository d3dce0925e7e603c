package io.livedrop.api.config;

import io.livedrop.kafka.embedded.EmbeddedKafkaBroker;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the Kafka cluster is: the configured bootstrap servers, or, when none are configured and the
 * local profile allows it, a real single-node broker started in this process with its data under
 * {@code livedrop.home}. Closing it stops the embedded broker, if any.
 */
public final class KafkaCluster implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaCluster.class);

    private final String bootstrapServers;
    private final EmbeddedKafkaBroker embedded;

    private KafkaCluster(String bootstrapServers, EmbeddedKafkaBroker embedded) {
        this.bootstrapServers = bootstrapServers;
        this.embedded = embedded;
    }

    public static KafkaCluster connect(LivedropProperties properties) {
        LivedropProperties.Kafka kafka = properties.kafka();
        if (!kafka.useEmbedded()) {
            log.info("Using the Kafka cluster at {}", kafka.bootstrapServers());
            return new KafkaCluster(kafka.bootstrapServers(), null);
        }
        if (!kafka.embedded().enabled()) {
            throw new IllegalStateException("No Kafka cluster configured: set livedrop.kafka.bootstrap-servers "
                    + "(env LIVEDROP_KAFKA_BOOTSTRAP_SERVERS), or run with the local profile "
                    + "(--spring.profiles.active=local) to start an embedded broker");
        }
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder()
                .dataDirectory(properties.kafkaDataDirectory())
                .port(kafka.embedded().port())
                .startupTimeout(kafka.startupTimeout())
                .build()
                .start();
        return new KafkaCluster(broker.bootstrapServers(), broker);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Optional<EmbeddedKafkaBroker> embedded() {
        return Optional.ofNullable(embedded);
    }

    @Override
    public void close() {
        if (embedded != null) {
            embedded.close();
        }
    }
}
