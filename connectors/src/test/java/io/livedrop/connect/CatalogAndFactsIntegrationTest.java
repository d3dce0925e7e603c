package io.livedrop.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.livedrop.kafka.embedded.EmbeddedKafkaBroker;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.connect.cli.ConnectStandalone;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.standalone.StandaloneHerder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The connectors end to end, each piece real: PostgreSQL (its own cluster, wal_level=logical), the
 * embedded KRaft broker, the livedrop application booted on it, and a Kafka Connect 4.4 worker
 * (standalone, in-process) running Debezium's PostgreSQL source and JDBC sink with livedrop's
 * {@link SingleObjectAvroConverter}. The connector JSON files are POSTed as they are in the repository,
 * but for the network address of PostgreSQL ({@link #ENVIRONMENT_KEYS}).
 *
 * <p>The application's classes are reached by name only: query-api's packaged jar is the repackaged
 * Spring Boot jar, so failsafe puts its {@code target/classes} on the classpath at run time (see the pom),
 * and this test compiles against none of it.
 *
 * <p>A creator, a product and a drop inserted in PostgreSQL become visible through the GraphQL API
 * (the drop LIVE, as it started now); an order placed for it is CONFIRMED and lands as a row in the
 * analytics database, as does the drop's STARTED event.
 */
class CatalogAndFactsIntegrationTest {

    /** The only settings the test changes in the JSON files: where PostgreSQL is. */
    private static final Set<String> ENVIRONMENT_KEYS = Set.of("database.hostname", "database.port", "connection.url");
    private static final Path CONNECTORS = Path.of(System.getProperty("livedrop.connectors.dir", "."));
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static final String APPLICATION = "io.livedrop.api.LivedropApplication";
    private static final String TOKEN_COMMAND = "io.livedrop.api.security.TokenCommand";
    /** The local development secret (API.md; {@code TokenCommand.LOCAL_SECRET}). */
    private static final String JWT_SECRET = "livedrop-local-development-secret-0123456789";

    private static Path root;
    private static LocalPostgres pg;
    private static EmbeddedKafkaBroker broker;
    private static ConfigurableApplicationContext app;
    private static String graphQlUrl;
    private static Connect<StandaloneHerder> connect;
    private static URI connectUrl;

    @BeforeAll
    static void startEverything() throws Exception {
        long t0 = System.nanoTime();
        root = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "connectors-it-");
        pg = LocalPostgres.start();
        pg.createDatabase("catalog");
        pg.createDatabase("analytics");
        pg.runScript("catalog", CONNECTORS.resolve("sql/catalog.sql"));
        pg.runScript("analytics", CONNECTORS.resolve("sql/analytics.sql"));
        log("PostgreSQL on port %d in %d ms", pg.port(), ms(t0));

        broker = EmbeddedKafkaBroker.builder().dataDirectory(root.resolve("kafka")).port(0).build().start();
        // The application first: it provisions the topics (partition counts, compaction) the connectors write to.
        app = new SpringApplicationBuilder(Class.forName(APPLICATION)).run(
                "--server.port=0",
                "--livedrop.edge.port=0",
                "--livedrop.kafka.bootstrap-servers=" + broker.bootstrapServers(),
                "--livedrop.home=" + Files.createDirectories(root.resolve("home")).toAbsolutePath(),
                "--livedrop.security.jwt-secret=" + JWT_SECRET,
                "--livedrop.demo-data=false",
                "--livedrop.topology.topics.partitions=4",
                // query-api's classes come last on this classpath, after graphql-java's jar and its graphql/ package:
                // look for the schema in every classpath root, not only the first holding graphql/
                "--spring.graphql.schema.locations=classpath*:graphql/**/",
                "--spring.main.banner-mode=off");
        String base = "http://127.0.0.1:" + ((WebServerApplicationContext) app).getWebServer().getPort();
        graphQlUrl = base + "/graphql";
        // readiness follows the Kafka Streams state (README "Operations")
        await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> assertThat(
                HTTP.send(HttpRequest.newBuilder(URI.create(base + "/actuator/health/readiness")).GET().build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200));
        log("application RUNNING after %d ms", ms(t0));

        Map<String, String> worker = new HashMap<>();
        worker.put("bootstrap.servers", broker.bootstrapServers());
        worker.put("listeners", "http://127.0.0.1:0");
        worker.put("offset.storage.file.filename", root.resolve("connect.offsets").toString());
        worker.put("offset.flush.interval.ms", "1000");
        // the connector files name their converters; these worker defaults are never used by them
        worker.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        worker.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
        worker.put("connector.client.config.override.policy", "All");
        // plugins are on the test classpath (no plugin.path); their META-INF/services manifests find them
        worker.put("plugin.discovery", "service_load");
        connect = new ConnectStandalone().startConnect(worker);
        connectUrl = connect.rest().serverUrl();
        log("Connect worker at %s after %d ms", connectUrl, ms(t0));

        postConnector("catalog-source.json", Map.of("database.hostname", "127.0.0.1",
                "database.port", Integer.toString(pg.port())));
        postConnector("facts-sink.json", Map.of("connection.url", pg.jdbcUrl("analytics")));
        awaitRunning("livedrop-catalog-source");
        awaitRunning("livedrop-facts-sink");
        log("connectors RUNNING after %d ms", ms(t0));
    }

    @AfterAll
    static void stopEverything() throws IOException {
        if (connect != null) {
            connect.stop();
        }
        if (app != null) {
            app.close();
        }
        if (broker != null) {
            broker.close();
        }
        if (pg != null) {
            pg.close();
        }
        if (root != null) {
            try (Stream<Path> files = Files.walk(root)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void catalogAuthoredInPostgresIsServedAndOrdersLandInAnalytics() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String creatorId = "creator-" + suffix;
        String productId = "product-" + suffix;
        String dropId = "drop-" + suffix;
        LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC);

        // Given a creator, a product and a drop starting now, authored in PostgreSQL
        long t0 = System.nanoTime();
        try (Connection c = pg.connect("catalog")) {
            c.setAutoCommit(false);
            try (PreparedStatement creator = c.prepareStatement("INSERT INTO creators (id, name) VALUES (?, ?)");
                 PreparedStatement product = c.prepareStatement(
                         "INSERT INTO products (id, creator_id, name, description) VALUES (?, ?, ?, ?)");
                 PreparedStatement drop = c.prepareStatement("INSERT INTO drops (id, creator_id, product_id, initial_stock,"
                         + " price_cents, starts_at, ends_at, per_user_limit) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                creator.setString(1, creatorId);
                creator.setString(2, "Ava from Postgres");
                creator.executeUpdate();
                product.setString(1, productId);
                product.setString(2, creatorId);
                product.setString(3, "CDC hoodie");
                product.setString(4, "Streamed by Debezium");
                product.executeUpdate();
                drop.setString(1, dropId);
                drop.setString(2, creatorId);
                drop.setString(3, productId);
                drop.setInt(4, 10);
                drop.setLong(5, 4500L);
                drop.setObject(6, now.minusSeconds(1));
                drop.setObject(7, now.plusHours(1));
                drop.setInt(8, 2);
                drop.executeUpdate();
            }
            c.commit();
        }

        // Then the API serves it, LIVE
        String query = "{ drop(id:\"" + dropId + "\") { id status product { name } creator { id } } }";
        JsonNode[] drop = new JsonNode[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            JsonNode answer = graphQl(query, Map.of(), null);
            drop[0] = answer.path("data").path("drop");
            assertThat(drop[0].path("status").asText()).as(answer.toString()).isEqualTo("LIVE");
        });
        log("drop LIVE through GraphQL %d ms after the INSERTs", ms(t0));
        assertThat(drop[0].path("id").asText()).isEqualTo(dropId);
        assertThat(drop[0].path("product").path("name").asText()).isEqualTo("CDC hoodie");
        assertThat(drop[0].path("creator").path("id").asText()).isEqualTo(creatorId);

        // When a user orders from it
        String userId = "buyer-" + suffix;
        String token = (String) Class.forName(TOKEN_COMMAND)
                .getMethod("mint", String.class, List.class, Duration.class, String.class, Instant.class)
                .invoke(null, userId, List.of(), Duration.ofHours(1), JWT_SECRET, Instant.now());
        JsonNode placed = graphQl("""
                mutation($input: PlaceOrderInput!) {
                  placeOrder(input: $input) { order { id status rejectReason quantity } } }""",
                Map.of("input", Map.of("dropId", dropId, "quantity", 2, "idempotencyKey", "k-" + suffix)), token);
        JsonNode order = placed.path("data").path("placeOrder").path("order");
        assertThat(order.path("status").asText()).as(placed.toString()).isEqualTo("CONFIRMED");
        String orderId = order.path("id").asText();

        // Then the decision lands in the analytics table, and so does the drop's start
        long t1 = System.nanoTime();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            try (Connection c = pg.connect("analytics");
                 PreparedStatement s = c.prepareStatement("SELECT drop_id, user_id, quantity, status, reject_reason,"
                         + " remaining_stock, decided_at FROM order_decisions WHERE order_id = ?")) {
                s.setString(1, orderId);
                try (ResultSet rs = s.executeQuery()) {
                    assertThat(rs.next()).as("row for order " + orderId).isTrue();
                    assertThat(rs.getString("drop_id")).isEqualTo(dropId);
                    assertThat(rs.getString("user_id")).isEqualTo(userId);
                    assertThat(rs.getInt("quantity")).isEqualTo(2);
                    assertThat(rs.getString("status")).isEqualTo("CONFIRMED");
                    assertThat(rs.getString("reject_reason")).isNull();
                    assertThat(rs.getInt("remaining_stock")).isEqualTo(8);
                    LocalDateTime decidedAt = rs.getObject("decided_at", LocalDateTime.class);
                    assertThat(Duration.between(now, decidedAt).abs()).isLessThan(Duration.ofMinutes(2));
                    assertThat(rs.next()).as("one row per decision").isFalse();
                }
            }
        });
        log("order decision row in analytics %d ms after CONFIRMED", ms(t1));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            try (Connection c = pg.connect("analytics");
                 PreparedStatement s = c.prepareStatement(
                         "SELECT creator_id, status, initial_stock FROM drop_events WHERE drop_id = ? AND type = 'STARTED'")) {
                s.setString(1, dropId);
                try (ResultSet rs = s.executeQuery()) {
                    assertThat(rs.next()).as("STARTED row for " + dropId).isTrue();
                    assertThat(rs.getString("creator_id")).isEqualTo(creatorId);
                    assertThat(rs.getString("status")).isEqualTo("LIVE");
                    assertThat(rs.getInt("initial_stock")).isEqualTo(10);
                }
            }
        });
    }

    // ------------------------------------------------------------------ helpers

    private static void postConnector(String file, Map<String, String> environment) throws Exception {
        assertThat(ENVIRONMENT_KEYS).containsAll(environment.keySet());
        ObjectNode body = (ObjectNode) JSON.readTree(CONNECTORS.resolve(file).toFile());
        ObjectNode config = (ObjectNode) body.get("config");
        environment.forEach((key, value) -> {
            assertThat(config.has(key)).as(file + " sets " + key).isTrue();
            config.put(key, value);
        });
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(connectUrl.resolve("/connectors"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(file + ": " + response.body()).isEqualTo(201);
    }

    private static void awaitRunning(String name) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(connectUrl.resolve("/connectors/" + name + "/status"))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            JsonNode status = JSON.readTree(response.body());
            assertThat(status.path("connector").path("state").asText()).as(response.body()).isEqualTo("RUNNING");
            assertThat(status.path("tasks")).as(response.body()).isNotEmpty();
            assertThat(status.path("tasks").get(0).path("state").asText()).as(response.body()).isEqualTo("RUNNING");
        });
    }

    private static JsonNode graphQl(String query, Map<String, Object> variables, String token) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("query", query);
        body.put("variables", variables);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(graphQlUrl))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    private static long ms(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }

    private static void log(String format, Object... args) {
        System.out.printf("CatalogAndFactsIntegrationTest: " + format + "%n", args);
    }
}
