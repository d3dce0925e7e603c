package io.livedrop.topology.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.livedrop.kafka.embedded.EmbeddedKafkaBroker;
import io.livedrop.kafka.embedded.EmbeddedKafkaExtension;
import io.livedrop.topology.config.LivedropConfig;
import io.livedrop.topology.config.TopicSpec;
import io.livedrop.topology.config.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EmbeddedKafkaExtension.class)
class TopicProvisionerIntegrationTest {

    @Test
    void shouldCreateEveryTopicWithItsPartitionsAndCleanupPolicyAndBeIdempotent(EmbeddedKafkaBroker kafka) throws Exception {
        // Given an empty namespace of topics
        Topics topics = Topics.from(new LivedropConfig(Map.of(LivedropConfig.TOPIC_PREFIX, "prov-" + UUID.randomUUID() + ".")));
        try (Admin admin = admin(kafka)) {
            // When provisioning runs twice (as every instance does at startup)
            new TopicProvisioner(admin, Duration.ofSeconds(30)).provision(topics);
            new TopicProvisioner(admin, Duration.ofSeconds(30)).provision(topics);

            // Then every topic exists with its partitions and cleanup policy
            Map<String, TopicDescription> described = admin.describeTopics(topics.all().stream().map(TopicSpec::name).toList())
                    .allTopicNames().get();
            for (TopicSpec spec : topics.all()) {
                assertThat(described.get(spec.name()).partitions()).as(spec.name()).hasSize(spec.partitions());
                Config config = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, spec.name())))
                        .all().get().values().iterator().next();
                assertThat(config.get("cleanup.policy").value()).as(spec.name()).isEqualTo(spec.cleanupPolicy());
            }
            assertThat(topics.orderRequests().partitions()).isEqualTo(12);
            assertThat(topics.drops().partitions()).isEqualTo(12);
            assertThat(topics.drops().cleanupPolicy()).isEqualTo("compact");
        }
    }

    @Test
    void shouldRefuseToRunWhenAnOrderTopicHasTheWrongPartitionCount(EmbeddedKafkaBroker kafka) throws Exception {
        // Given the order requests topic already created with 3 partitions instead of 12
        Topics topics = Topics.from(new LivedropConfig(Map.of(LivedropConfig.TOPIC_PREFIX, "drift-" + UUID.randomUUID() + ".")));
        try (Admin admin = admin(kafka)) {
            admin.createTopics(List.of(new NewTopic(topics.orderRequests().name(), 3, (short) 1))).all().get();

            // When provisioning runs, then it stops with a message naming the topic, both counts and the fix
            assertThatThrownBy(() -> new TopicProvisioner(admin, Duration.ofSeconds(30)).provision(topics))
                    .isInstanceOf(TopicProvisioner.TopicDriftException.class)
                    .hasMessageContaining(topics.orderRequests().name() + " has 3 partitions")
                    .hasMessageContaining("configured for 12")
                    .hasMessageContaining("must have one partition count")
                    .hasMessageContaining("topics.partitions");
        }
    }

    private static Admin admin(EmbeddedKafkaBroker kafka) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }
}
