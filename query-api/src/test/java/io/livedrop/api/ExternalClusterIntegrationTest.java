package io.livedrop.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.livedrop.api.config.KafkaCluster;
import io.livedrop.kafka.embedded.EmbeddedKafkaExtension;
import io.livedrop.schemas.serde.ApicurioRegistryStub;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.graphql.client.ClientGraphQlResponse;
import org.springframework.graphql.client.HttpSyncGraphQlClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

/**
 * The same jar pointed at an existing cluster and a schema registry (no profile): it starts no broker
 * of its own, writes the registry wire format, and answers.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class ExternalClusterIntegrationTest {

    private static final String PREFIX = "ext-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    private static ApicurioRegistryStub registry;
    private static Path home;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry properties) throws IOException {
        registry = new ApicurioRegistryStub(100, 1);
        home = Files.createTempDirectory("livedrop-ext");
        properties.add("livedrop.kafka.bootstrap-servers", () -> EmbeddedKafkaExtension.broker().bootstrapServers());
        properties.add("livedrop.home", () -> home.toString());
        properties.add("livedrop.application-id", () -> "livedrop-" + PREFIX.replace(".", ""));
        properties.add("livedrop.demo-data", () -> true);
        properties.add("livedrop.security.jwt-secret", () -> io.livedrop.api.security.TokenCommand.LOCAL_SECRET);
        properties.add("livedrop.topology.topics.prefix", () -> PREFIX);
        properties.add("livedrop.topology.schema.registry.url", () -> registry.url());
        properties.add("livedrop.edge.port", () -> 0);
    }

    @AfterAll
    static void closeRegistry() {
        registry.close();
    }

    @LocalServerPort
    int port;

    @Autowired
    KafkaCluster cluster;

    @Test
    void shouldUseTheConfiguredClusterAndStartNoBroker() {
        assertThat(cluster.embedded()).isEmpty();
        assertThat(cluster.bootstrapServers()).isEqualTo(EmbeddedKafkaExtension.broker().bootstrapServers());
    }

    @Autowired
    io.livedrop.api.web.PeerListener peers;

    @Test
    void shouldKeepMetricsGraphiQlAndPeerEndpointsOffThePublicPortOutsideTheLocalProfile() throws Exception {
        // The public port: health for probes, nothing of the metrics, GraphiQL or the peer endpoints
        assertThat(status(port, "/actuator/health")).isEqualTo(200);
        assertThat(status(port, "/actuator/health/readiness")).isEqualTo(200);
        for (String path : List.of("/actuator/prometheus", "/actuator/metrics", "/actuator/metrics/jvm.memory.used",
                "/graphiql", "/graphiql/index.html", "/internal/catalog/drops?kind=live&limit=1")) {
            assertThat(status(port, path)).as(path).isEqualTo(404);
        }
        // The peer listener, which this instance advertises to the others: metrics and peer reads
        assertThat(peers.port()).isNotEqualTo(port);
        assertThat(status(peers.port(), "/actuator/prometheus")).isEqualTo(200);
        assertThat(status(peers.port(), "/internal/catalog/drops?kind=live&limit=1")).isEqualTo(200);
        assertThat(status(peers.port(), "/")).isEqualTo(404);
    }

    private static int status(int port, String path) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path)).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void shouldWriteTheRegistryWireFormatAndServeReads() {
        // When a client reads live drops
        ClientGraphQlResponse response = HttpSyncGraphQlClient.create(RestClient.create("http://localhost:" + port + "/graphql"))
                .document("{ liveDrops { edges { node { id product { name } } } } }").executeSync();

        // Then the demo drops come back through registry-encoded topics
        assertThat(response.getErrors()).isEmpty();
        assertThat(response.field("liveDrops.edges").toEntityList(Map.class)).hasSize(2);
        List<byte[]> drops = readAll(PREFIX + "catalog.drops");
        assertThat(drops).isNotEmpty().allSatisfy(bytes -> assertThat(bytes[0]).as("magic byte").isZero());
    }

    private static List<byte[]> readAll(String topic) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedKafkaExtension.broker().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<byte[]> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (values.size() < 3 && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }
}
