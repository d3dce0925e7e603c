package io.livedrop.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.graphql.client.ClientGraphQlResponse;
import org.springframework.graphql.client.HttpSyncGraphQlClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

/**
 * The first README command as a test: the local profile starts a real embedded KRaft broker, the
 * topology and the API, writes the demo catalog, and the catalog queries of the contract answer
 * over HTTP.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("local")
// Close the application (and its broker) before JUnit deletes the temp home under it
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class LocalStackIntegrationTest {

    @TempDir
    static Path home;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("livedrop.home", () -> home.toString());
        registry.add("livedrop.kafka.embedded.port", () -> 0);
        registry.add("livedrop.edge.port", () -> 0);
    }

    @LocalServerPort
    int port;

    @Autowired
    io.livedrop.api.config.KafkaCluster cluster;

    private HttpSyncGraphQlClient graphQl;

    @BeforeEach
    void client() {
        graphQl = HttpSyncGraphQlClient.create(RestClient.create("http://localhost:" + port + "/graphql"));
    }

    @Test
    void shouldRunOnARealEmbeddedBroker() {
        assertThat(cluster.embedded()).isPresent();
        assertThat(cluster.embedded().get().isRunning()).isTrue();
    }

    @Test
    void shouldAnswerLiveDropsWithDemoData() {
        // When a client asks for live drops with their product and stock in one request
        ClientGraphQlResponse response = graphQl
                .document("{ liveDrops { edges { node { id status product { name } remainingStock } } } }")
                .executeSync();

        // Then the two live demo drops come back, with product names and full stock
        assertThat(response.getErrors()).isEmpty();
        List<Map<?, ?>> nodes = response.field("liveDrops.edges").toEntityList(Map.class).stream()
                .<Map<?, ?>>map(edge -> (Map<?, ?>) edge.get("node")).toList();
        assertThat(nodes).extracting(n -> (Object) n.get("id")).containsExactlyInAnyOrder("drop-hoodie-live", "drop-print-live");
        assertThat(nodes).allSatisfy(n -> assertThat(n.get("status")).isEqualTo("LIVE"));
        assertThat(nodes).extracting(n -> (Object) ((Map<?, ?>) n.get("product")).get("name"))
                .containsExactlyInAnyOrder("Midnight Hoodie", "Desert Bloom print");
        assertThat(nodes).extracting(n -> (Object) n.get("remainingStock")).containsExactlyInAnyOrder(500, 50);
    }

    @Test
    void shouldShowAScheduledDropWithItsCreatorAndTimes() {
        ClientGraphQlResponse response = graphQl.document("""
                { drop(id: "drop-vinyl-soon") { id status startsAt endsAt initialStock priceCents currency perUserLimit
                    creator { id name } product { name creator { id } } } }""").executeSync();

        assertThat(response.getErrors()).isEmpty();
        assertThat(response.field("drop.status").toEntity(String.class)).isEqualTo("SCHEDULED");
        assertThat(response.field("drop.creator.name").toEntity(String.class)).isEqualTo("Kenji Mori");
        assertThat(response.field("drop.product.creator.id").toEntity(String.class)).isEqualTo("creator-kenji");
        assertThat(response.field("drop.startsAt").toEntity(String.class)).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(response.field("drop.perUserLimit").toEntity(Integer.class)).isEqualTo(1);
    }

    @Test
    void shouldAnswerNullForAnUnknownDropAndCreator() {
        ClientGraphQlResponse response = graphQl.document("{ drop(id: \"nope\") { id } creator(id: \"nobody\") { id } }")
                .executeSync();

        assertThat(response.getErrors()).isEmpty();
        assertThat((Object) response.field("drop").getValue()).isNull();
        assertThat((Object) response.field("creator").getValue()).isNull();
    }

    @Test
    void shouldRejectAMalformedIdWithBadRequest() {
        ClientGraphQlResponse response = graphQl.document("{ drop(id: \"../etc/passwd\") { id } }").executeSync();

        assertThat(response.getErrors()).hasSize(1);
        assertThat(response.getErrors().get(0).getExtensions()).containsEntry("code", "BAD_REQUEST");
        assertThat(response.getErrors().get(0).getMessage()).contains("Malformed id");
    }

    @Test
    void shouldPageLiveDropsWithCursors() {
        // Given a first page of one live drop
        ClientGraphQlResponse first = graphQl.document(
                "{ liveDrops(first: 1) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }").executeSync();
        assertThat(first.field("liveDrops.pageInfo.hasNextPage").toEntity(Boolean.class)).isTrue();
        String cursor = first.field("liveDrops.pageInfo.endCursor").toEntity(String.class);
        String firstId = first.field("liveDrops.edges[0].node.id").toEntity(String.class);

        // When the next page is asked after its cursor
        ClientGraphQlResponse second = graphQl.document(
                "query($after: String) { liveDrops(first: 1, after: $after) { edges { node { id } } pageInfo { hasNextPage } } }")
                .variable("after", cursor).executeSync();

        // Then it holds the other live drop and nothing after it
        assertThat(second.field("liveDrops.edges[0].node.id").toEntity(String.class)).isNotEqualTo(firstId);
        assertThat(second.field("liveDrops.pageInfo.hasNextPage").toEntity(Boolean.class)).isFalse();
    }

    @Test
    void shouldRejectAnOversizedPageAndAForgedCursor() {
        ClientGraphQlResponse response = graphQl.document(
                "{ a: liveDrops(first: 1000) { pageInfo { hasNextPage } } b: liveDrops(after: \"forged\") { pageInfo { hasNextPage } } }")
                .executeSync();

        assertThat(response.getErrors()).hasSize(2)
                .allSatisfy(e -> assertThat(e.getExtensions()).containsEntry("code", "BAD_REQUEST"));
    }

    @Test
    void shouldListACreatorsDrops() {
        ClientGraphQlResponse response = graphQl.document(
                "{ creator(id: \"creator-ava\") { name drops { edges { node { id product { name } } } } } }").executeSync();

        assertThat(response.getErrors()).isEmpty();
        assertThat(response.field("creator.drops.edges").toEntityList(Map.class)).hasSize(1);
        assertThat(response.field("creator.drops.edges[0].node.id").toEntity(String.class)).isEqualTo("drop-hoodie-live");
    }

    @Test
    void shouldServeGraphiqlWithoutAnyCdn() {
        RestClient http = RestClient.create("http://localhost:" + port);
        String page = http.get().uri("/graphiql").retrieve().body(String.class);

        assertThat(page).contains("/webjars/graphiql/").doesNotContain("https://");
        for (String script : List.of("/webjars/graphiql/2.4.7/graphiql.min.js", "/webjars/react/18.3.1/umd/react.production.min.js",
                "/webjars/react-dom/18.3.1/umd/react-dom.production.min.js", "/webjars/graphiql/2.4.7/graphiql.min.css")) {
            assertThat(page).contains(script);
            assertThat(http.get().uri(script).retrieve().toBodilessEntity().getStatusCode().value()).as(script).isEqualTo(200);
        }
    }

    @Test
    void shouldReportHealthReadinessAndKafkaStreamsMetricsFromTheStreamsState() {
        RestClient http = RestClient.create("http://localhost:" + port);

        String health = http.get().uri("/actuator/health").retrieve().body(String.class);
        String readiness = http.get().uri("/actuator/health/readiness").retrieve().body(String.class);
        String metrics = http.get().uri("/actuator/prometheus").retrieve().body(String.class);

        assertThat(health).contains("\"kafkaStreams\"").contains("\"state\":\"RUNNING\"");
        assertThat(readiness).contains("\"status\":\"UP\"");
        assertThat(metrics).contains("kafka_stream_thread_process_total");
    }
}
