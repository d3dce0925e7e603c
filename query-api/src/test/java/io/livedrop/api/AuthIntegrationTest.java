package io.livedrop.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.livedrop.api.testing.ApiIntegrationTest;
import io.livedrop.api.testing.GraphQlHttp;
import io.livedrop.api.testing.GraphQlHttp.Answer;
import io.livedrop.api.testing.GraphQlWsClient;
import io.livedrop.api.testing.Tokens;
import io.livedrop.topology.order.OrderIds;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Who may do what, against the whole running application over raw HTTP (status codes matter):
 * without a token the catalog is open and the viewer's operations say UNAUTHENTICATED; a token that
 * is present but forged, expired or names no valid user is refused with HTTP 401; only creators
 * change the catalog, and only their own products; a user never sees another user's orders.
 */
class AuthIntegrationTest extends ApiIntegrationTest {


    private static final String PLACE_ORDER = """
            mutation($input: PlaceOrderInput!) {
              placeOrder(input: $input) { order { id status quantity idempotencyKey } }
            }""";
    private static final String MY_ORDERS = "{ myOrders(first: 100) { edges { node { id } } } }";
    private static final String ORDER = "query($id: ID!) { order(id: $id) { id quantity idempotencyKey } }";
    private static final String SCHEDULE_DROP = "mutation($input: ScheduleDropInput!) { scheduleDrop(input: $input) { id } }";
    private static final String UPSERT_PRODUCT = "mutation($input: ProductInput!) { upsertProduct(input: $input) { id name } }";

    @Test
    void shouldServeTheCatalogWithoutAToken() {
        // When an anonymous client reads the catalog
        Answer answer = post(null, """
                { liveDrops(first: 5) { edges { node { id } } }
                  drop(id: "drop-hoodie-live") { id product { name } creator { id } }
                  creator(id: "creator-kenji") { name } }""", null);

        // Then it gets the data, without errors
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.errors()).as(answer.body()).isEmpty();
        assertThat(answer.data().path("drop").path("id").asString()).isEqualTo("drop-hoodie-live");
        assertThat(answer.data().path("creator").path("name").asString()).isEqualTo("Kenji Mori");
    }

    @Test
    void shouldAnswerUnauthenticatedToMeWithoutAToken() {
        // When an anonymous client asks who it is
        Answer answer = post(null, "{ me { id } }", null);

        // Then the GraphQL error says UNAUTHENTICATED (the request itself is fine: HTTP 200)
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.codes()).as(answer.body()).containsExactly("UNAUTHENTICATED");
    }

    @Test
    void shouldAnswerUnauthenticatedToMyOrdersWithoutAToken() {
        Answer answer = post(null, MY_ORDERS, null);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.codes()).as(answer.body()).containsExactly("UNAUTHENTICATED");
    }

    @Test
    void shouldAnswerUnauthenticatedToPlaceOrderWithoutATokenAndPlaceNothing() {
        // When an anonymous client places an order
        Answer answer = post(null, PLACE_ORDER, placeOrder("drop-hoodie-live", 1, "anon-" + UUID.randomUUID()));

        // Then it is UNAUTHENTICATED and there is no order in the answer
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.codes()).as(answer.body()).containsExactly("UNAUTHENTICATED");
        assertThat(answer.data().path("placeOrder").isMissingNode() || answer.data().path("placeOrder").isNull()).isTrue();
    }

    @Test
    void shouldRefuseAForgedTokenWith401() {
        // Given a token signed with another secret (claiming CREATOR)
        String forged = Tokens.forged("u-" + UUID.randomUUID());

        // When it is used, even for a public read
        Answer answer = post(forged, "{ liveDrops { edges { node { id } } } }", null);

        // Then the request is refused as a whole: 401 with a GraphQL-shaped UNAUTHENTICATED error
        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.codes()).as(answer.body()).containsExactly("UNAUTHENTICATED");
        assertThat(answer.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(answer.body()).doesNotContain("Exception", "at io.");
    }

    @Test
    void shouldRefuseAnExpiredTokenWith401() {
        // Given a token that expired 55 minutes ago (beyond the 30 s clock skew)
        String expired = Tokens.expired("u-" + UUID.randomUUID());

        // When it is used, then it is refused with 401 UNAUTHENTICATED
        Answer answer = post(expired, "{ me { id } }", null);

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.codes()).as(answer.body()).containsExactly("UNAUTHENTICATED");
    }

    @Test
    void shouldRefuseATokenWhoseSubjectIsNotAnIdWith401() {
        // Given validly signed tokens whose subjects cannot be user ids
        for (String subject : List.of("a b", "u|1", "../admin", "x".repeat(65))) {
            String token = Tokens.user(subject);

            // When one is used, then it is refused with 401 UNAUTHENTICATED
            Answer answer = post(token, "{ me { id } }", null);

            assertThat(answer.status()).as("subject '%s': %s", subject, answer.body()).isEqualTo(401);
            assertThat(answer.codes()).as(answer.body()).containsExactly("UNAUTHENTICATED");
        }
    }

    @Test
    void shouldAnswerMeWithTheTokensSubject() {
        // Given a user's valid token
        String user = "u-" + UUID.randomUUID();

        // When the user asks who they are, then it is the token's subject
        Answer answer = post(Tokens.user(user), "{ me { id } }", null);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.errors()).as(answer.body()).isEmpty();
        assertThat(answer.data().path("me").path("id").asString()).isEqualTo(user);
    }

    @Test
    void shouldForbidAUserToUpsertAProduct() {
        // Given a plain user's token (no CREATOR role)
        String user = Tokens.user("u-" + UUID.randomUUID());

        // When the user upserts a product, then it is FORBIDDEN
        Answer answer = post(user, UPSERT_PRODUCT, Map.of("input", Map.of("name", "Bootleg hoodie")));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.codes()).as(answer.body()).containsExactly("FORBIDDEN");
    }

    @Test
    void shouldForbidAUserToScheduleADrop() {
        // Given a plain user's token
        String user = Tokens.user("u-" + UUID.randomUUID());

        // When the user schedules a drop of a real product, then it is FORBIDDEN
        Answer answer = post(user, SCHEDULE_DROP, scheduleDrop("product-hoodie"));

        assertThat(answer.codes()).as(answer.body()).containsExactly("FORBIDDEN");
    }

    @Test
    void shouldForbidACreatorToScheduleADropOfAnotherCreatorsProduct() {
        // Given creator kenji's token, and ava's hoodie
        String kenji = Tokens.creator("creator-kenji");

        // When kenji schedules a drop of ava's product
        Answer answer = post(kenji, SCHEDULE_DROP, scheduleDrop("product-hoodie"));

        // Then it is FORBIDDEN, and ava's drops are unchanged
        assertThat(answer.codes()).as(answer.body()).containsExactly("FORBIDDEN");
        Answer avasDrops = post(null, "{ creator(id: \"creator-ava\") { drops { edges { node { id creator { id } } } } } }", null);
        assertThat(avasDrops.data().path("creator").path("drops").path("edges").values())
                .allSatisfy(edge -> assertThat(edge.path("node").path("creator").path("id").asString()).isEqualTo("creator-ava"));
    }

    @Test
    void shouldForbidACreatorToOverwriteAnotherCreatorsProduct() {
        // Given a fresh creator's token
        String creator = Tokens.creator("c-" + UUID.randomUUID());

        // When they upsert ava's hoodie under its id
        Answer answer = post(creator, UPSERT_PRODUCT, Map.of("input", Map.of("id", "product-hoodie", "name", "Mine now")));

        // Then it is FORBIDDEN and the hoodie keeps its name and owner
        assertThat(answer.codes()).as(answer.body()).containsExactly("FORBIDDEN");
        Answer hoodie = post(null, "{ product(id: \"product-hoodie\") { name creator { id } } }", null);
        assertThat(hoodie.data().path("product").path("name").asString()).isEqualTo("Midnight Hoodie");
        assertThat(hoodie.data().path("product").path("creator").path("id").asString()).isEqualTo("creator-ava");
    }

    @Test
    void shouldNotShowAUsersOrderToAnotherUser() {
        // Given user A placed an order on a drop of our own
        String dropId = createDrop();
        String userA = "u-" + UUID.randomUUID();
        String userB = "u-" + UUID.randomUUID();
        String key = "k-" + UUID.randomUUID();
        Answer placed = post(Tokens.user(userA), PLACE_ORDER, placeOrder(dropId, 1, key));
        assertThat(placed.errors()).as(placed.body()).isEmpty();
        String orderId = placed.data().path("placeOrder").path("order").path("id").asString();
        assertThat(orderId).isEqualTo(OrderIds.of(userA, key));

        // And A can read it (once the user's order index has it: see awaitOwnOrder)
        Answer asA = awaitOwnOrder(Tokens.user(userA), orderId);
        assertThat(asA.data().path("order").path("id").asString()).as(asA.body()).isEqualTo(orderId);

        // When user B asks for it by id and lists their own orders
        Answer asB = post(Tokens.user(userB), ORDER, Map.of("id", orderId));
        Answer bsOrders = post(Tokens.user(userB), MY_ORDERS, null);

        // Then B gets null (not A's data, not an error that confirms it exists) and an order list without it
        assertThat(asB.status()).isEqualTo(200);
        assertThat(asB.errors()).as(asB.body()).isEmpty();
        assertThat(asB.data().path("order").isNull()).as(asB.body()).isTrue();
        assertThat(asB.body()).doesNotContain(key);
        assertThat(bsOrders.errors()).as(bsOrders.body()).isEmpty();
        assertThat(bsOrders.data().path("myOrders").path("edges").values())
                .extracting(edge -> edge.path("node").path("id").asString()).doesNotContain(orderId);
        assertThat(bsOrders.body()).doesNotContain(orderId);
    }

    @Test
    void shouldNotLetAnotherUserReuseAnIdempotencyKeyToReachAnOrder() {
        // Given user A placed an order with a key
        String dropId = createDrop();
        String key = "shared-" + UUID.randomUUID();
        String userA = "u-" + UUID.randomUUID();
        String orderA = post(Tokens.user(userA), PLACE_ORDER, placeOrder(dropId, 1, key))
                .data().path("placeOrder").path("order").path("id").asString();

        // When user B places an order with the same key but another quantity
        Answer asB = post(Tokens.user("u-" + UUID.randomUUID()), PLACE_ORDER, placeOrder(dropId, 2, key));

        // Then B gets an order of their own (no conflict with A's, and not A's order)
        assertThat(asB.errors()).as(asB.body()).isEmpty();
        JsonNode order = asB.data().path("placeOrder").path("order");
        assertThat(order.path("id").asString()).isNotEqualTo(orderA);
        assertThat(order.path("quantity").asInt()).isEqualTo(2);
    }

    // ---- helpers

    private static Map<String, Object> placeOrder(String dropId, int quantity, String key) {
        return Map.of("input", Map.of("dropId", dropId, "quantity", quantity, "idempotencyKey", key));
    }

    private static Map<String, Object> scheduleDrop(String productId) {
        return Map.of("input", Map.of("productId", productId, "stock", 5, "priceCents", 100));
    }

    /** A drop, live from now, of a fresh creator's new product: orders on it touch nobody else's stock. */
    private String createDrop() {
        String creator = Tokens.creator("c-" + UUID.randomUUID());
        Answer product = post(creator, UPSERT_PRODUCT, Map.of("input", Map.of("name", "Auth test tee")));
        String productId = product.data().path("upsertProduct").path("id").asString("");
        assertThat(productId).as(product.body()).isNotEmpty();
        Answer drop = post(creator, SCHEDULE_DROP, Map.of("input", Map.of("productId", productId, "stock", 100, "priceCents", 900)));
        String dropId = drop.data().path("scheduleDrop").path("id").asString("");
        assertThat(dropId).as(drop.body()).isNotEmpty();
        return dropId;
    }

    /**
     * The viewer's order by id, asked until it shows (at most 10 s). Right after placeOrder answers
     * a decided order, order(id) can answer null for a moment: the order leaves this instance's
     * pending set when its decision is seen, before the per-user index (one repartition further)
     * has it (reported as a main-code gap).
     */
    private Answer awaitOwnOrder(String token, String orderId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Answer answer = post(token, ORDER, Map.of("id", orderId));
        while (answer.data().path("order").isNull() && System.nanoTime() < deadline) {
            sleep(Duration.ofMillis(20));
            answer = post(token, ORDER, Map.of("id", orderId));
        }
        return answer;
    }

    @Test
    void shouldRefuseARolesClaimThatIsNotAListOfStringsWith401OnBothTransports() {
        for (Object roles : List.of(List.of(1, 2), List.of(List.of("CREATOR")), "CREATOR", Map.of())) {
            // Given a validly signed token whose roles claim is not a list of strings
            String token = Tokens.withRoles("u-" + UUID.randomUUID(), roles);

            // When it is used over HTTP, then it is refused with 401 UNAUTHENTICATED, not a 500
            Answer answer = post(token, "{ liveDrops { edges { node { id } } } }", null);
            assertThat(answer.status()).as("roles %s: %s", roles, answer.body()).isEqualTo(401);
            assertThat(answer.codes()).as(answer.body()).containsExactly("UNAUTHENTICATED");
            assertThat(answer.errors().get(0).path("message").asString()).contains("roles claim must be a list of strings");

            // And over WebSocket the socket is refused alike
            assertRefusedOverWebSocket("Bearer " + token);
        }
    }

    @Test
    void shouldRefuseATokenWithoutExpiryWith401OnBothTransports() {
        String token = Tokens.withoutExpiry("u-" + UUID.randomUUID());

        Answer answer = post(token, "{ me { id } }", null);

        assertThat(answer.status()).as(answer.body()).isEqualTo(401);
        assertThat(answer.codes()).as(answer.body()).containsExactly("UNAUTHENTICATED");
        assertRefusedOverWebSocket("Bearer " + token);
    }

    @Test
    void shouldAcceptTheBearerSchemeInAnyCaseOnBothTransports() {
        String user = "u-" + UUID.randomUUID();
        for (String scheme : List.of("Bearer", "bearer", "BEARER")) {
            String header = scheme + " " + Tokens.user(user);

            // Over HTTP
            Answer answer = new GraphQlHttp(graphQlUrl()).send("POST", "application/json", GraphQlHttp.body("{ me { id } }", null),
                    null, header);
            assertThat(answer.status()).as(scheme + ": " + answer.body()).isEqualTo(200);
            assertThat(answer.data().path("me").path("id").asString()).isEqualTo(user);

            // And over WebSocket
            try (GraphQlWsClient client = GraphQlWsClient.connect(wsUri())) {
                client.init(Map.of("Authorization", header));
                assertThat(client.next(Duration.ofSeconds(10)).get("type")).as(scheme).isEqualTo("connection_ack");
            }
        }
    }

    @Test
    void shouldSayAFixedMessagePerKindOfTokenFailureAndNothingOfTheLibrary() {
        String user = "u-" + UUID.randomUUID();
        Map<String, String> expected = Map.of(
                "Bearer " + Tokens.forged(user), "not valid",
                "Bearer not.a.jwt", "not valid",
                "Bearer " + Tokens.expired(user), "expired",
                "Bearer <script>", "must be 'Bearer <token>'");
        expected.forEach((header, kind) -> {
            Answer answer = new GraphQlHttp(graphQlUrl()).send("POST", "application/json", GraphQlHttp.body("{ me { id } }", null),
                    null, header);
            assertThat(answer.status()).as(header).isEqualTo(401);
            String message = answer.errors().get(0).path("message").asString();
            assertThat(message).as(header).contains(kind)
                    .doesNotContain("Jwt", "JWT rejected", "An error occurred", "Malformed", "Nimbus", "not.a.jwt", "<script>alert");
        });
    }

    private void assertRefusedOverWebSocket(String authorization) {
        try (GraphQlWsClient client = GraphQlWsClient.connect(wsUri())) {
            client.init(Map.of("Authorization", authorization));
            // 4401; now and then the JDK client reports 1006 when the TCP close overtakes the close frame
            assertThat(client.awaitClosed(Duration.ofSeconds(10)).code()).isIn(4401, 1006);
            assertThat(client.received()).as("nothing before the close").isEmpty();
        }
    }

    private java.net.URI wsUri() {
        return java.net.URI.create("ws://localhost:" + port + "/graphql");
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Answer post(String token, String document, Map<String, Object> variables) {
        return new GraphQlHttp(graphQlUrl()).post(token, document, variables);
    }
}
