package io.livedrop.api.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.livedrop.api.testing.GraphQlWsClient;
import io.livedrop.api.testing.ApiIntegrationTest;
import io.livedrop.api.testing.Tokens;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.graphql.ResponseError;
import org.springframework.graphql.client.ClientGraphQlResponse;
import org.springframework.graphql.client.HttpSyncGraphQlClient;
import org.springframework.web.client.RestClient;

/**
 * The whole application as a client sees it, over HTTP and over WebSocket (graphql-transport-ws):
 * a creator puts a product on sale, users buy it out while a subscriber watches the stock fall,
 * idempotent retries, orders and their pages, the refusal of bad tokens on subscriptions, and the
 * operational endpoints (health groups, Prometheus metrics of Kafka Streams and of GraphQL).
 */
class EndToEndIntegrationTest extends ApiIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static final String UPSERT_PRODUCT = """
            mutation($input: ProductInput!) { upsertProduct(input: $input) { id name creator { id } } }""";
    private static final String SCHEDULE_DROP = """
            mutation($input: ScheduleDropInput!) {
              scheduleDrop(input: $input) { id status initialStock remainingStock startsAt creator { id } product { id } } }""";
    private static final String PLACE_ORDER = """
            mutation($input: PlaceOrderInput!) {
              placeOrder(input: $input) { order { id status rejectReason quantity idempotencyKey placedAt decidedAt drop { id } } } }""";
    private static final String DROP_UPDATES = """
            subscription($dropId: ID!) { dropUpdates(dropId: $dropId) { at drop { id status remainingStock initialStock } } }""";
    private static final String ORDER_STATUS = """
            subscription($orderId: ID!) { orderStatus(orderId: $orderId) { id status rejectReason quantity decidedAt } }""";

    // ------------------------------------------------------------------ the flash sale, end to end

    @Test
    void shouldSellOutADropWhileASubscriberWatchesTheStockFall() {
        // Given a creator's product and a drop of 5 units starting now
        String creator = "c-" + shortId();
        String productId = createProduct(creator, "Limited tee " + creator);
        Map<String, Object> scheduled = scheduleDrop(creator, productId, 5);
        String dropId = (String) scheduled.get("id");
        assertThat(scheduled).containsEntry("initialStock", 5).containsEntry("remainingStock", 5);
        assertThat(((Map<?, ?>) scheduled.get("creator")).get("id")).isEqualTo(creator);
        awaitStatus(dropId, "LIVE");

        // And a subscriber on its updates, over graphql-transport-ws
        try (GraphQlWsClient watcher = GraphQlWsClient.connect(wsUri())) {
            assertThat(watcher.subprotocol()).isEqualTo(GraphQlWsClient.SUBPROTOCOL);
            watcher.initAndAwaitAck(Tokens.user("watcher-" + shortId()), WAIT);
            watcher.subscribe("drop-1", DROP_UPDATES, Map.of("dropId", dropId));

            // Then it gets the drop as it is now first
            Map<?, ?> first = dropOf(nextFor(watcher, "drop-1"));
            assertThat(first.get("id")).isEqualTo(dropId);
            assertThat(first.get("status")).isEqualTo("LIVE");
            assertThat(first.get("remainingStock")).isEqualTo(5);
            List<Map<?, ?>> seen = new ArrayList<>(List.of(first));

            // When users order, the subscriber sees the stock fall
            String alice = "u-alice-" + shortId();
            Map<String, Object> aliceOrder = placeOrder(Tokens.user(alice), dropId, 2, "k-1").order();
            assertThat(aliceOrder).containsEntry("status", "CONFIRMED").containsEntry("quantity", 2)
                    .containsEntry("idempotencyKey", "k-1");
            assertThat(aliceOrder.get("rejectReason")).isNull();
            assertThat(Instant.parse((String) aliceOrder.get("decidedAt")))
                    .isAfterOrEqualTo(Instant.parse((String) aliceOrder.get("placedAt")));
            assertThat(((Map<?, ?>) aliceOrder.get("drop")).get("id")).isEqualTo(dropId);
            seen.addAll(updatesUntil(watcher, "drop-1", d -> d.get("remainingStock").equals(3)));

            String bob = "u-bob-" + shortId();
            assertThat(placeOrder(Tokens.user(bob), dropId, 2, "k-1").order()).containsEntry("status", "CONFIRMED");
            seen.addAll(updatesUntil(watcher, "drop-1", d -> d.get("remainingStock").equals(1)));

            // And an order for more than what is left is rejected, not an error
            String carol = "u-carol-" + shortId();
            Map<String, Object> tooMany = placeOrder(Tokens.user(carol), dropId, 2, "k-1").order();
            assertThat(tooMany).containsEntry("status", "REJECTED").containsEntry("rejectReason", "INSUFFICIENT_STOCK");
            assertThat(tooMany.get("decidedAt")).isNotNull();

            // When the last unit is bought the drop is SOLD_OUT for the subscriber too
            assertThat(placeOrder(Tokens.user(carol), dropId, 1, "k-2").order()).containsEntry("status", "CONFIRMED");
            seen.addAll(updatesUntil(watcher, "drop-1", d -> d.get("status").equals("SOLD_OUT")));
            Map<?, ?> last = seen.get(seen.size() - 1);
            assertThat(last.get("remainingStock")).isEqualTo(0);
            assertThat(seen).extracting(d -> (Integer) d.get("remainingStock")).isSortedAccordingTo((a, b) -> b - a)
                    .contains(5, 3, 1, 0);
            assertThat(seen).allSatisfy(d -> assertThat(d.get("id")).isEqualTo(dropId));

            // And the 6th unit is REJECTED SOLD_OUT
            Map<String, Object> sixth = placeOrder(Tokens.user("u-dave-" + shortId()), dropId, 1, "k-1").order();
            assertThat(sixth).containsEntry("status", "REJECTED").containsEntry("rejectReason", "SOLD_OUT");

            // And a retry of Alice's order with the same key names the same order, still CONFIRMED
            Map<String, Object> retry = placeOrder(Tokens.user(alice), dropId, 2, "k-1").order();
            assertThat(retry).containsEntry("id", aliceOrder.get("id")).containsEntry("status", "CONFIRMED")
                    .containsEntry("decidedAt", aliceOrder.get("decidedAt"));

            // But the same key for another quantity is an IDEMPOTENCY_CONFLICT error
            OrderResult conflict = placeOrder(Tokens.user(alice), dropId, 1, "k-1");
            assertThat(conflict.errors()).singleElement()
                    .satisfies(e -> assertThat(e.getExtensions()).containsEntry("code", "IDEMPOTENCY_CONFLICT"));
            assertThat(conflict.order()).isNull();

            // And the drop reads SOLD_OUT with no stock over HTTP as well
            ClientGraphQlResponse drop = graphQl(null, "query($id: ID!) { drop(id: $id) { status remainingStock } }",
                    Map.of("id", dropId));
            assertThat(drop.field("drop.status").toEntity(String.class)).isEqualTo("SOLD_OUT");
            assertThat(drop.field("drop.remainingStock").toEntity(Integer.class)).isZero();
        }
    }

    @Test
    void shouldEmitADecidedOrderOnOrderStatusAndComplete() {
        // Given a confirmed order, visible in its owner's orders
        String user = "u-" + shortId();
        Map<String, Object> order = confirmedOrder(user, "status-1");
        awaitOrderVisible(Tokens.user(user), (String) order.get("id"));

        // When its owner subscribes to its status, then it comes once and the subscription completes
        assertOrderStatusEmitsAndCompletes(user, order);
    }

    @Test
    void shouldEmitAnOrderOnOrderStatusRightAfterPlaceOrderAnswered() {
        String user = "u-" + shortId();
        String creator = "c-" + shortId();
        String dropId = (String) scheduleDrop(creator, createProduct(creator, "Poster"), 3).get("id");
        awaitStatus(dropId, "LIVE");
        try (GraphQlWsClient client = GraphQlWsClient.connect(wsUri())) {
            client.initAndAwaitAck(Tokens.user(user), WAIT);
            Map<String, Object> order = placeOrder(Tokens.user(user), dropId, 1, "status-2").order();
            assertThat(order).containsEntry("status", "CONFIRMED");

            // subscribed as soon as placeOrder answered
            client.subscribe("order-2", ORDER_STATUS, Map.of("orderId", order.get("id")));
            Map<String, Object> next = client.next(WAIT);
            assertThat(next).containsEntry("type", "next").containsEntry("id", "order-2");
            assertThat(client.next(WAIT)).containsEntry("type", "complete").containsEntry("id", "order-2");
        }
    }

    private Map<String, Object> confirmedOrder(String user, String key) {
        String creator = "c-" + shortId();
        String dropId = (String) scheduleDrop(creator, createProduct(creator, "Poster"), 3).get("id");
        awaitStatus(dropId, "LIVE");
        Map<String, Object> order = placeOrder(Tokens.user(user), dropId, 1, key).order();
        assertThat(order).containsEntry("status", "CONFIRMED");
        return order;
    }

    private void assertOrderStatusEmitsAndCompletes(String user, Map<String, Object> order) {
        try (GraphQlWsClient client = GraphQlWsClient.connect(wsUri())) {
            client.initAndAwaitAck(Tokens.user(user), WAIT);
            client.subscribe("order-1", ORDER_STATUS, Map.of("orderId", order.get("id")));

            Map<String, Object> next = client.next(WAIT);
            assertThat(next).containsEntry("type", "next").containsEntry("id", "order-1");
            Map<?, ?> emitted = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) next.get("payload")).get("data")).get("orderStatus");
            assertThat(emitted.get("id")).isEqualTo(order.get("id"));
            assertThat(emitted.get("status")).isEqualTo("CONFIRMED");
            assertThat(emitted.get("quantity")).isEqualTo(order.get("quantity"));
            assertThat(emitted.get("decidedAt")).isEqualTo(order.get("decidedAt"));
            assertThat(client.next(WAIT)).containsEntry("type", "complete").containsEntry("id", "order-1");
        }
    }

    @Test
    void shouldAnswerAProductItsDropAndStockInOneRequest() {
        // Given a creator's product on sale
        String creator = "c-" + shortId();
        String productId = createProduct(creator, "Signed zine");
        String dropId = (String) scheduleDrop(creator, productId, 7).get("id");
        awaitStatus(dropId, "LIVE");

        // When a client asks for the product, the drop and its stock in one request
        ClientGraphQlResponse response = graphQl(null, """
                query($p: ID!, $d: ID!) {
                  product(id: $p) { id name creator { id name } }
                  drop(id: $d) { id status initialStock remainingStock priceCents currency product { id name } creator { id } }
                }""", Map.of("p", productId, "d", dropId));

        // Then everything comes back at once
        assertThat(response.getErrors()).isEmpty();
        assertThat(response.field("product.name").toEntity(String.class)).isEqualTo("Signed zine");
        assertThat(response.field("product.creator.id").toEntity(String.class)).isEqualTo(creator);
        assertThat(response.field("product.creator.name").toEntity(String.class)).isEqualTo(creator);
        assertThat(response.field("drop.status").toEntity(String.class)).isEqualTo("LIVE");
        assertThat(response.field("drop.initialStock").toEntity(Integer.class)).isEqualTo(7);
        assertThat(response.field("drop.remainingStock").toEntity(Integer.class)).isEqualTo(7);
        assertThat(response.field("drop.priceCents").toEntity(Integer.class)).isEqualTo(2_500);
        assertThat(response.field("drop.currency").toEntity(String.class)).isEqualTo("USD");
        assertThat(response.field("drop.product.id").toEntity(String.class)).isEqualTo(productId);
        assertThat(response.field("drop.creator.id").toEntity(String.class)).isEqualTo(creator);
    }

    @Test
    void shouldPageMyOrdersOneAtATime() {
        // Given a user with three decided orders
        String creator = "c-" + shortId();
        String dropId = (String) scheduleDrop(creator, createProduct(creator, "Pins"), 10).get("id");
        awaitStatus(dropId, "LIVE");
        String token = Tokens.user("u-" + shortId());
        List<String> placed = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            Map<String, Object> order = placeOrder(token, dropId, 1, "page-" + i).order();
            assertThat(order).containsEntry("status", "CONFIRMED");
            placed.add((String) order.get("id"));
        }
        // (the user's order index follows the committed decisions)
        await().atMost(WAIT).untilAsserted(() -> assertThat(graphQl(token, "{ myOrders { edges { node { id } } } }", Map.of())
                .field("myOrders.edges").toEntityList(Map.class)).hasSize(3));

        // When they page through their orders one at a time
        List<String> paged = new ArrayList<>();
        String after = null;
        boolean hasNext = true;
        while (hasNext) {
            Map<String, Object> variables = new LinkedHashMap<>();
            variables.put("after", after);
            ClientGraphQlResponse page = graphQl(token, """
                    query($after: String) { myOrders(first: 1, after: $after) {
                      edges { cursor node { id status drop { id } } } pageInfo { hasNextPage endCursor } } }""", variables);
            assertThat(page.getErrors()).isEmpty();
            List<Map> edges = page.field("myOrders.edges").toEntityList(Map.class);
            assertThat(edges).hasSize(1);
            paged.add((String) ((Map<?, ?>) edges.get(0).get("node")).get("id"));
            assertThat(page.field("myOrders.pageInfo.endCursor").toEntity(String.class)).isEqualTo(edges.get(0).get("cursor"));
            hasNext = page.field("myOrders.pageInfo.hasNextPage").toEntity(Boolean.class);
            after = page.field("myOrders.pageInfo.endCursor").toEntity(String.class);
            assertThat(paged).as("pages never end").hasSizeLessThanOrEqualTo(3);
        }

        // Then every order comes exactly once, the latest placed first
        List<String> newestFirst = new ArrayList<>(placed);
        java.util.Collections.reverse(newestFirst);
        assertThat(paged).containsExactlyElementsOf(newestFirst);
    }

    @Test
    void shouldFindADecidedOrderByIdForItsOwnerOnly() {
        // Given a confirmed order
        String user = "u-" + shortId();
        Map<String, Object> order = confirmedOrder(user, "find-1");

        // Then its owner finds it by id
        awaitOrderVisible(Tokens.user(user), (String) order.get("id"));
        ClientGraphQlResponse found = graphQl(Tokens.user(user),
                "query($id: ID!) { order(id: $id) { id status quantity idempotencyKey decidedAt drop { id } } }",
                Map.of("id", order.get("id")));
        assertThat(found.field("order.status").toEntity(String.class)).isEqualTo("CONFIRMED");
        assertThat(found.field("order.idempotencyKey").toEntity(String.class)).isEqualTo("find-1");
        assertThat(found.field("order.decidedAt").toEntity(String.class)).isEqualTo(order.get("decidedAt"));

        // And nobody else does
        ClientGraphQlResponse stranger = graphQl(Tokens.user("u-" + shortId()), "query($id: ID!) { order(id: $id) { id } }",
                Map.of("id", order.get("id")));
        assertThat(stranger.getErrors()).isEmpty();
        assertThat((Object) stranger.field("order").getValue()).isNull();
    }

    @Test
    void shouldFindAnOrderRightAfterPlaceOrderAnswered() {
        String user = "u-" + shortId();
        Map<String, Object> order = confirmedOrder(user, "find-2");

        ClientGraphQlResponse found = graphQl(Tokens.user(user), "query($id: ID!) { order(id: $id) { id status } }",
                Map.of("id", order.get("id")));
        assertThat(found.getErrors()).isEmpty();
        assertThat(found.field("order.id").toEntity(String.class)).isEqualTo(order.get("id"));
        assertThat(found.field("order.status").toEntity(String.class)).isEqualTo("CONFIRMED");
    }

    // ------------------------------------------------------------------ subscriptions and identity

    @Test
    void shouldRefuseASubscriptionSocketWithABadToken() {
        for (String token : List.of(Tokens.forged("u-" + shortId()), Tokens.expired("u-" + shortId()), "not-a-jwt")) {
            try (GraphQlWsClient client = GraphQlWsClient.connect(wsUri())) {
                // When the connection_init payload carries a bad token
                client.initWithToken(token);

                // Then the server closes the socket with 4401 and no data flows. (Now and then the
                // JDK client reports 1006 instead: the server's TCP close can overtake the unread
                // close frame. Either way the socket is refused before any data.)
                GraphQlWsClient.Closed closed = client.awaitClosed(WAIT);
                assertThat(closed.code()).as("close code for " + token).isIn(4401, 1006);
                assertThat(client.received()).as("nothing before the close").isEmpty();
            }
        }
        // And a payload that is not a bearer token at all is refused alike
        try (GraphQlWsClient client = GraphQlWsClient.connect(wsUri())) {
            client.init(Map.of("Authorization", "Basic dXNlcjpwYXNz"));
            assertThat(client.awaitClosed(WAIT).code()).isIn(4401, 1006);
            assertThat(client.received()).isEmpty();
        }
    }

    @Test
    void shouldNotSubscribeBeforeAnAcknowledgedConnection() {
        // A subscribe right behind a refused connection_init never gets any data
        try (GraphQlWsClient client = GraphQlWsClient.connect(wsUri())) {
            client.initWithToken(Tokens.forged("u-" + shortId()));
            try {
                client.subscribe("drop-1", DROP_UPDATES, Map.of("dropId", "drop-hoodie-live"));
            } catch (RuntimeException closedAlready) {
                // the server may have closed the socket first
            }
            assertThat(client.awaitClosed(WAIT).code()).isIn(4401, 1006);
            assertThat(client.received()).noneSatisfy(m -> assertThat(m.get("type")).isIn("next", "connection_ack"));
        }
    }

    @Test
    void shouldFailAnOrderStatusSubscriptionWithoutAToken() {
        // Given an anonymous but acknowledged connection
        try (GraphQlWsClient client = GraphQlWsClient.connect(wsUri())) {
            client.initAndAwaitAck(null, WAIT);

            // When it subscribes to an order's status
            client.subscribe("order-1", ORDER_STATUS, Map.of("orderId", UUID.randomUUID().toString()));

            // Then the subscription ends with an error message and no data flows
            Map<String, Object> message = client.next(WAIT);
            assertThat(message).containsEntry("type", "error").containsEntry("id", "order-1");
            assertThat((List<?>) message.get("payload")).as("errors of %s", message).isNotEmpty();
            assertThat(client.poll(Duration.ofMillis(300))).isNull();
            assertThat(client.isClosed()).as("the connection stays usable").isFalse();

            // And the same connection still serves public subscriptions
            client.subscribe("drop-1", DROP_UPDATES, Map.of("dropId", "drop-print-live"));
            assertThat(dropOf(nextFor(client, "drop-1")).get("id")).isEqualTo("drop-print-live");
        }
    }

    @Test
    void shouldCarryTheErrorCodeOnFailedSubscriptions() {
        try (GraphQlWsClient client = GraphQlWsClient.connect(wsUri())) {
            client.initAndAwaitAck(null, WAIT);
            Map<String, String> expected = new LinkedHashMap<>();
            client.subscribe("order", ORDER_STATUS, Map.of("orderId", UUID.randomUUID().toString()));
            expected.put("order", "UNAUTHENTICATED");
            client.subscribe("unknown", DROP_UPDATES, Map.of("dropId", "no-such-drop"));
            expected.put("unknown", "NOT_FOUND");
            client.subscribe("malformed", DROP_UPDATES, Map.of("dropId", "../x"));
            expected.put("malformed", "BAD_REQUEST");

            Map<String, Object> codes = new LinkedHashMap<>();
            for (int i = 0; i < expected.size(); i++) {
                Map<String, Object> message = client.next(WAIT);
                assertThat(message).containsEntry("type", "error");
                Map<?, ?> error = (Map<?, ?>) ((List<?>) message.get("payload")).get(0);
                codes.put((String) message.get("id"), ((Map<?, ?>) error.get("extensions")).get("code"));
            }
            assertThat(codes).containsExactlyInAnyOrderEntriesOf(new LinkedHashMap<>(expected));
        }
    }

    @Test
    void shouldRefuseOrdersAndCreatorMutationsWithoutTheRightToken() {
        ClientGraphQlResponse anonymous = graphQl(null, PLACE_ORDER,
                Map.of("input", Map.of("dropId", "drop-hoodie-live", "quantity", 1, "idempotencyKey", "x")));
        assertThat(anonymous.getErrors()).singleElement()
                .satisfies(e -> assertThat(e.getExtensions()).containsEntry("code", "UNAUTHENTICATED"));

        ClientGraphQlResponse notACreator = graphQl(Tokens.user("u-" + shortId()), UPSERT_PRODUCT,
                Map.of("input", Map.of("name", "Nope")));
        assertThat(notACreator.getErrors()).singleElement()
                .satisfies(e -> assertThat(e.getExtensions()).containsEntry("code", "FORBIDDEN"));
    }

    // ------------------------------------------------------------------ operations

    @Test
    void shouldReportHealthWithLivenessAndReadinessGroups() {
        RestClient http = RestClient.create("http://localhost:" + port);

        String health = http.get().uri("/actuator/health").retrieve().body(String.class);
        assertThat(health).contains("\"status\":\"UP\"").contains("\"kafkaStreams\"").contains("\"state\":\"RUNNING\"");
        assertThat(http.get().uri("/actuator/health/liveness").retrieve().body(String.class)).contains("\"status\":\"UP\"");
        assertThat(http.get().uri("/actuator/health/readiness").retrieve().body(String.class)).contains("\"status\":\"UP\"");
    }

    @Test
    void shouldExposeKafkaStreamsAndGraphQlMetricsToPrometheus() {
        // Given a few queries and a mutation (an error one included)
        graphQl(null, "{ liveDrops { edges { node { id product { name } creator { name } } } } }", Map.of());
        graphQl(null, "{ drop(id: \"drop-hoodie-live\") { id remainingStock } }", Map.of());
        graphQl(null, "{ drop(id: \"../bad\") { id } }", Map.of());
        // and an order (its decision feeds livedrop's decision metrics before placeOrder answers)
        assertThat(placeOrder(Tokens.user("u-metrics-" + shortId()), "drop-hoodie-live", 1, "k-1").order()).isNotNull();

        // When Prometheus scrapes
        String metrics = RestClient.create("http://localhost:" + port).get().uri("/actuator/prometheus")
                .retrieve().body(String.class);

        // Then Kafka Streams' own metrics are there (client and thread level)
        assertThat(metrics).containsPattern("(?m)^kafka_stream_thread_process_total\\{")
                .containsPattern("(?m)^kafka_stream_thread_commit_latency_avg\\{")
                .containsPattern("(?m)^kafka_stream_alive_stream_threads\\{[^}]*} 1")
                .containsPattern("(?m)^kafka_stream_client_state\\{");
        // And GraphQL request and data fetcher timings (Spring for GraphQL observations)
        assertThat(metrics)
                .containsPattern("(?m)^graphql_request_seconds_count\\{[^}]*graphql_operation_type=\"query\""
                        + "[^}]*graphql_outcome=\"SUCCESS\"[^}]*} [1-9]")
                .containsPattern("(?m)^graphql_request_seconds_count\\{[^}]*graphql_outcome=\"REQUEST_ERROR\"[^}]*} [1-9]")
                .containsPattern("(?m)^graphql_request_seconds_sum\\{")
                .containsPattern("(?m)^graphql_datafetcher_seconds_count\\{[^}]*graphql_field_name=\"liveDrops\""
                        + "[^}]*graphql_outcome=\"SUCCESS\"[^}]*} [1-9]")
                .containsPattern("(?m)^graphql_datafetcher_seconds_count\\{[^}]*graphql_field_name=\"drop\""
                        + "[^}]*graphql_outcome=\"SUCCESS\"[^}]*} [1-9]")
                .containsPattern("(?m)^graphql_datafetcher_seconds_count\\{[^}]*graphql_error_type=\"ApiException\""
                        + "[^}]*graphql_field_name=\"drop\"[^}]*graphql_outcome=\"ERROR\"[^}]*} [1-9]")
                .containsPattern("(?m)^graphql_dataloader_seconds_count\\{[^}]*graphql_loader_name=\"Drop.product\"")
                .containsPattern("(?m)^graphql_request_seconds_bucket\\{");
        // And livedrop's own (docs/operations.md#metrics)
        assertThat(metrics)
                .containsPattern("(?m)^livedrop_orders_decisions_total\\{reason=\"[A-Za-z_]+\",status=\"(CONFIRMED|REJECTED)\"} [1-9]")
                .containsPattern("(?m)^livedrop_orders_decision_latency_seconds_bucket\\{le=")
                .containsPattern("(?m)^livedrop_orders_decision_latency_seconds_count [1-9]")
                .containsPattern("(?m)^livedrop_subscriptions_drop_started ");
    }

    // ------------------------------------------------------------------ helpers

    private record OrderResult(Map<String, Object> order, List<ResponseError> errors) {
    }

    private String createProduct(String creator, String name) {
        ClientGraphQlResponse response = graphQl(Tokens.creator(creator), UPSERT_PRODUCT,
                Map.of("input", Map.of("name", name, "description", "made for the e2e test")));
        assertThat(response.getErrors()).isEmpty();
        assertThat(response.field("upsertProduct.creator.id").toEntity(String.class)).isEqualTo(creator);
        return response.field("upsertProduct.id").toEntity(String.class);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> scheduleDrop(String creator, String productId, int stock) {
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("productId", productId);
        input.put("stock", stock);
        input.put("priceCents", 2_500);
        input.put("startsAt", null);
        ClientGraphQlResponse response = graphQl(Tokens.creator(creator), SCHEDULE_DROP, Map.of("input", input));
        assertThat(response.getErrors()).isEmpty();
        return response.field("scheduleDrop").toEntity(Map.class);
    }

    private void awaitStatus(String dropId, String status) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> assertThat(
                graphQl(null, "query($id: ID!) { drop(id: $id) { status } }", Map.of("id", dropId))
                        .field("drop.status").toEntity(String.class)).isEqualTo(status));
    }

    /** Waits until {@code order(id)} finds the order (the user's order index follows committed decisions). */
    private void awaitOrderVisible(String token, String orderId) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> assertThat(
                graphQl(token, "query($id: ID!) { order(id: $id) { id } }", Map.of("id", orderId))
                        .field("order.id").toEntity(String.class)).isEqualTo(orderId));
    }

    @SuppressWarnings("unchecked")
    private OrderResult placeOrder(String token, String dropId, int quantity, String key) {
        ClientGraphQlResponse response = graphQl(token, PLACE_ORDER,
                Map.of("input", Map.of("dropId", dropId, "quantity", quantity, "idempotencyKey", key)));
        Map<String, Object> order = response.getErrors().isEmpty()
                ? response.field("placeOrder.order").toEntity(Map.class) : null;
        return new OrderResult(order, response.getErrors());
    }

    private ClientGraphQlResponse graphQl(String token, String document, Map<String, Object> variables) {
        HttpSyncGraphQlClient.Builder<?> builder = HttpSyncGraphQlClient.builder(RestClient.create(graphQlUrl()));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder.build().document(document).variables(variables).executeSync();
    }

    private URI wsUri() {
        return URI.create("ws://localhost:" + port + "/graphql");
    }

    /** The next message of subscription {@code id}, which must be a {@code next}. */
    private static Map<String, Object> nextFor(GraphQlWsClient client, String id) {
        Map<String, Object> message = client.next(WAIT);
        assertThat(message).as("message for %s", id).containsEntry("id", id).containsEntry("type", "next");
        return message;
    }

    private static Map<?, ?> dropOf(Map<String, Object> next) {
        Map<?, ?> payload = (Map<?, ?>) next.get("payload");
        assertThat(payload.get("errors")).as("errors in %s", payload).isNull();
        return (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) payload.get("data")).get("dropUpdates")).get("drop");
    }

    /** Drop updates of subscription {@code id} until one matches {@code until} (that one included). */
    private static List<Map<?, ?>> updatesUntil(GraphQlWsClient client, String id, java.util.function.Predicate<Map<?, ?>> until) {
        List<Map<?, ?>> updates = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Map<?, ?> drop = dropOf(nextFor(client, id));
            updates.add(drop);
            if (until.test(drop)) {
                return updates;
            }
        }
        throw new AssertionError("no matching drop update within " + WAIT + "; got " + updates);
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
