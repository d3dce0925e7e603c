package io.livedrop.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.livedrop.api.testing.ApiIntegrationTest;
import io.livedrop.api.testing.GraphQlHttp;
import io.livedrop.api.testing.GraphQlHttp.Answer;
import io.livedrop.api.testing.Tokens;
import io.livedrop.topology.order.OrderIds;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Malformed and hostile requests against the whole running application, over raw HTTP: whatever a
 * client sends, the answer is a JSON GraphQL error body whose errors all carry the contract's
 * {@code extensions.code}, the HTTP status is never 500, and no stack trace or exception name
 * leaks (API.md, "Errors"). Each case uses a fresh user or creator, so the per-user rate limit and
 * other tests' data play no part. Also: the placeOrder rate limit answers RATE_LIMITED and a
 * limited call places nothing.
 */
class HostileRequestsIntegrationTest extends ApiIntegrationTest {


    /** Who sends a case: nobody, a fresh user, a fresh creator, or a token the server must refuse. */
    enum Auth { NONE, USER, CREATOR, FORGED, EXPIRED, GARBAGE, ALG_NONE }

    /** One hostile request and what the server must answer. */
    record Hostile(String name, String method, String contentType, String body, Auth auth, int status, String code) {

        @Override
        public String toString() {
            return name;
        }
    }


    static Stream<Hostile> hostileRequests() {
        String longKey = "k".repeat(10_000);
        String longId = "d".repeat(10_000);
        List<Hostile> cases = new ArrayList<>(List.of(
                // wrong argument types, caught by GraphQL validation
                gql("stock of the wrong type", """
                        mutation { scheduleDrop(input: {productId: "product-cap", stock: "x", priceCents: 100}) { id } }""",
                        null, Auth.CREATOR, 200, "BAD_REQUEST"),
                gql("quantity of the wrong type", placeOrderLiteral("drop-hoodie-live", "\"one\"", "\"k-1\""),
                        null, Auth.USER, 200, "BAD_REQUEST"),
                gql("quantity beyond Int", placeOrderLiteral("drop-hoodie-live", "2147483648", "\"k-1\""),
                        null, Auth.USER, 200, "BAD_REQUEST"),
                // quantities the service refuses
                gql("quantity 0", PLACE_ORDER, placeOrderInput("drop-hoodie-live", 0, "k-1"), Auth.USER, 200, "BAD_REQUEST"),
                gql("quantity -1", PLACE_ORDER, placeOrderInput("drop-hoodie-live", -1, "k-1"), Auth.USER, 200, "BAD_REQUEST"),
                gql("quantity 2147483647", PLACE_ORDER, placeOrderInput("drop-hoodie-live", Integer.MAX_VALUE, "k-1"),
                        Auth.USER, 200, "BAD_REQUEST"),
                // idempotency keys
                gql("idempotency key of 10,000 characters", PLACE_ORDER, placeOrderInput("drop-hoodie-live", 1, longKey),
                        Auth.USER, 200, "BAD_REQUEST"),
                gql("empty idempotency key", PLACE_ORDER, placeOrderInput("drop-hoodie-live", 1, ""), Auth.USER, 200, "BAD_REQUEST"),
                gql("idempotency key of spaces", PLACE_ORDER, placeOrderInput("drop-hoodie-live", 1, "    "),
                        Auth.USER, 200, "BAD_REQUEST"),
                gql("idempotency key with NUL and newline", PLACE_ORDER, placeOrderInput("drop-hoodie-live", 1, "abc\u0000def\nx"),
                        Auth.USER, 200, "BAD_REQUEST"),
                gql("idempotency key with an escape sequence", PLACE_ORDER,
                        placeOrderInput("drop-hoodie-live", 1, "k\u001b[2Jcleared"), Auth.USER, 200, "BAD_REQUEST"),
                // a lone surrogate (sent as the JSON escape) would be stored as '?': two keys, one order
                raw("idempotency key with a lone surrogate", "POST", "application/json", GraphQlHttp.body(PLACE_ORDER,
                        placeOrderInput("drop-hoodie-live", 1, "k-LONE")).replace("k-LONE", "k-\\ud800"), Auth.USER, 200, "BAD_REQUEST"),
                gql("null idempotency key", PLACE_ORDER, placeOrderInput("drop-hoodie-live", 1, null), Auth.USER, 200, "BAD_REQUEST"),
                // ids
                gql("drop id of 10,000 characters", "query($id: ID!) { drop(id: $id) { id } }", Map.of("id", longId),
                        Auth.NONE, 200, "BAD_REQUEST"),
                gql("placeOrder on a drop id of 10,000 characters", PLACE_ORDER, placeOrderInput(longId, 1, "k-1"),
                        Auth.USER, 200, "BAD_REQUEST"),
                gql("drop id with ../", "{ drop(id: \"../../etc/passwd\") { id } }", null, Auth.NONE, 200, "BAD_REQUEST"),
                gql("product id in unicode", "{ product(id: \"pr\u00f6duct-\uD83D\uDCA5\") { id } }", null,
                        Auth.NONE, 200, "BAD_REQUEST"),
                gql("creator id of SQL", "query($id: ID!) { creator(id: $id) { id } }",
                        Map.of("id", "x' OR '1'='1'; DROP TABLE drops; --"), Auth.NONE, 200, "BAD_REQUEST"),
                gql("drop id with a NUL byte", "query($id: ID!) { drop(id: $id) { id } }", Map.of("id", "drop-hoodie-live\u0000"),
                        Auth.NONE, 200, "BAD_REQUEST"),
                gql("order id that is not a UUID", "{ order(id: \"not-a-uuid\") { id } }", null, Auth.USER, 200, "BAD_REQUEST"),
                gql("order id that is not a UUID, without a token", "{ order(id: \"not-a-uuid\") { id } }", null,
                        Auth.NONE, 200, "UNAUTHENTICATED"),
                // page sizes and cursors
                gql("first: 0", "{ liveDrops(first: 0) { edges { cursor } } }", null, Auth.NONE, 200, "BAD_REQUEST"),
                gql("first: -1", "{ liveDrops(first: -1) { edges { cursor } } }", null, Auth.NONE, 200, "BAD_REQUEST"),
                gql("first: 1000000", "{ liveDrops(first: 1000000) { edges { cursor } } }", null, Auth.NONE, 200, "BAD_REQUEST"),
                gql("a creator's drops with first: 0", "{ creator(id: \"creator-ava\") { drops(first: 0) { edges { cursor } } } }",
                        null, Auth.NONE, 200, "BAD_REQUEST"),
                gql("myOrders with first: 1000000", "{ myOrders(first: 1000000) { edges { cursor } } }", null,
                        Auth.USER, 200, "BAD_REQUEST"),
                gql("garbage cursor", "{ liveDrops(after: \"%%%not a cursor%%%\") { edges { cursor } } }", null,
                        Auth.NONE, 200, "BAD_REQUEST"),
                gql("cursor of base64 junk", "query($after: String) { liveDrops(after: $after) { edges { cursor } } }",
                        Map.of("after", base64Url("\u0000\u00ffjunk{}")), Auth.NONE, 200, "BAD_REQUEST"),
                gql("cursor of another version", "query($after: String) { liveDrops(after: $after) { edges { cursor } } }",
                        Map.of("after", base64Url("v2:0000000000000000001|drop-hoodie-live")), Auth.NONE, 200, "BAD_REQUEST"),
                gql("garbage cursor on myOrders", "{ myOrders(after: \"garbage\") { edges { cursor } } }", null,
                        Auth.USER, 200, "BAD_REQUEST"),
                // query shape attacks
                gql("depth bomb of 20 nested creator drops", depthBomb(20), null, Auth.NONE, 200, "BAD_REQUEST"),
                gql("introspection depth bomb", "{ __schema { types { fields { type { fields { type { fields { type { fields "
                        + "{ type { fields { type { fields { type { fields { type { name } } } } } } } } } } } } } } } } }",
                        null, Auth.NONE, 200, "BAD_REQUEST"),
                gql("500 aliases", aliasFlood(500), null, Auth.NONE, 200, "BAD_REQUEST"),
                gql("query of 20,000 tokens in 40 KB", "{ a" + " a".repeat(20_000) + " }", null, Auth.NONE, 200, "BAD_REQUEST"),
                // over livedrop.http.max-body-size (64 KB): refused before it is read
                gql("query of 200 KB", hugeQuery(200 * 1024), null, Auth.NONE, 413, "BAD_REQUEST"),
                gql("fragment cycle", "query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }", null,
                        Auth.NONE, 200, "BAD_REQUEST"),
                gql("the same directive 1000 times", "{ __typename" + " @skip(if: false)".repeat(1_000) + " }", null,
                        Auth.NONE, 200, "BAD_REQUEST"),
                gql("unknown field", "{ drop(id: \"drop-hoodie-live\") { id secretCostPrice } }", null, Auth.NONE, 200, "BAD_REQUEST"),
                gql("unknown mutation", "mutation { deleteAllDrops { id } }", null, Auth.CREATOR, 200, "BAD_REQUEST"),
                gql("syntax error", "{ drop(id: \"drop-hoodie-live\") { id ", null, Auth.NONE, 200, "BAD_REQUEST"),
                raw("unknown operation name", "POST", "application/json",
                        "{\"query\":\"query A { liveDrops { edges { cursor } } }\",\"operationName\":\"Nope\"}",
                        Auth.NONE, 200, "BAD_REQUEST"),
                // variables
                gql("variable of the wrong type", "query($first: Int) { liveDrops(first: $first) { edges { cursor } } }",
                        Map.of("first", "ten"), Auth.NONE, 200, "BAD_REQUEST"),
                gql("null for a non-null input", PLACE_ORDER, nullInput(), Auth.USER, 200, "BAD_REQUEST"),
                gql("null literal for a non-null field", "mutation { placeOrder(input: {dropId: null, idempotencyKey: \"k\"}) "
                        + "{ order { id } } }", null, Auth.USER, 200, "BAD_REQUEST"),
                gql("input field the schema does not have", PLACE_ORDER,
                        Map.of("input", Map.of("dropId", "drop-hoodie-live", "idempotencyKey", "k-1", "priceCents", 0)),
                        Auth.USER, 200, "BAD_REQUEST"),
                // catalog commands refused by validation
                gql("scheduleDrop with endsAt before startsAt", SCHEDULE_DROP, scheduleDropInput(Map.of(
                        "startsAt", "2030-01-02T00:00:00Z", "endsAt", "2030-01-01T00:00:00Z")), Auth.CREATOR, 200, "BAD_REQUEST"),
                gql("scheduleDrop with an unparseable DateTime", SCHEDULE_DROP, scheduleDropInput(Map.of("startsAt", "tomorrow")),
                        Auth.CREATOR, 200, "BAD_REQUEST"),
                gql("scheduleDrop in currency usd", SCHEDULE_DROP, scheduleDropInput(Map.of("currency", "usd")),
                        Auth.CREATOR, 200, "BAD_REQUEST"),
                gql("scheduleDrop with stock 0", SCHEDULE_DROP, scheduleDropInput(Map.of("stock", 0)), Auth.CREATOR, 200, "BAD_REQUEST"),
                gql("scheduleDrop with a negative price", SCHEDULE_DROP, scheduleDropInput(Map.of("priceCents", -1)),
                        Auth.CREATOR, 200, "BAD_REQUEST"),
                gql("upsertProduct with a javascript: imageUrl", UPSERT_PRODUCT,
                        Map.of("input", Map.of("name", "Cap", "imageUrl", "javascript:alert(1)")), Auth.CREATOR, 200, "BAD_REQUEST"),
                gql("upsertProduct with a blank name", UPSERT_PRODUCT, Map.of("input", Map.of("name", "   ")),
                        Auth.CREATOR, 200, "BAD_REQUEST"),
                // not found
                gql("placeOrder on a drop that does not exist", PLACE_ORDER, placeOrderInput("drop-that-never-was", 1, "k-1"),
                        Auth.USER, 200, "NOT_FOUND"),
                // not GraphQL over HTTP at all
                raw("malformed JSON", "POST", "application/json", "{\"query\": \"{ liveDrops { edges { cursor } } }\"", Auth.NONE,
                        400, "BAD_REQUEST"),
                raw("empty body", "POST", "application/json", "", Auth.NONE, 400, "BAD_REQUEST"),
                raw("JSON without a query", "POST", "application/json", "{\"variables\": {}}", Auth.NONE, 400, "BAD_REQUEST"),
                // read as the document "42": a syntax error
                raw("query that is not a string", "POST", "application/json", "{\"query\": 42}", Auth.NONE, 200, "BAD_REQUEST"),
                raw("a JSON array (batch)", "POST", "application/json", "[{\"query\": \"{ __typename }\"}]", Auth.NONE,
                        400, "BAD_REQUEST"),
                raw("variables that are not an object", "POST", "application/json",
                        "{\"query\": \"{ __typename }\", \"variables\": \"x\"}", Auth.NONE, 400, "BAD_REQUEST"),
                raw("variables nested 5,000 deep", "POST", "application/json",
                        "{\"query\": \"{ __typename }\", \"variables\": {\"v\": " + "[".repeat(5_000) + "]".repeat(5_000) + "}}",
                        Auth.NONE, 400, "BAD_REQUEST"),
                raw("a text/plain body", "POST", "text/plain", "{ __typename }", Auth.NONE, 415, "BAD_REQUEST"),
                raw("GET instead of POST", "GET", null, null, Auth.NONE, 405, "BAD_REQUEST"),
                raw("a subscription over HTTP POST", "POST", "application/json", GraphQlHttp.body(
                        "subscription { dropUpdates(dropId: \"drop-hoodie-live\") { at } }", null), Auth.NONE, 200, "BAD_REQUEST"),
                // tokens the server must refuse
                gql("forged token", "{ liveDrops { edges { cursor } } }", null, Auth.FORGED, 401, "UNAUTHENTICATED"),
                gql("expired token", "{ me { id } }", null, Auth.EXPIRED, 401, "UNAUTHENTICATED"),
                gql("garbage token", "{ me { id } }", null, Auth.GARBAGE, 401, "UNAUTHENTICATED"),
                gql("unsigned token (alg none)", "{ me { id } }", null, Auth.ALG_NONE, 401, "UNAUTHENTICATED")));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileRequests")
    void shouldAnswerAHostileRequestWithItsCodeAndNoInternals(Hostile hostile) throws Exception {
        // Given a fresh sender of the kind the case needs
        String token = token(hostile.auth());

        // When the request is sent
        Answer answer = send(hostile.method(), hostile.contentType(), hostile.body(), token);

        // Then the status is the expected one (never a 500), the body is a GraphQL error body whose
        // errors all carry the expected code, and nothing of the server's internals shows
        assertAnswered(hostile, answer);
    }

    private static void assertAnswered(Hostile hostile, Answer answer) {
        assertThat(answer.status()).as("HTTP status of %s; answer %s", hostile.name(), answer.abbreviated())
                .isNotEqualTo(500).isEqualTo(hostile.status());
        JsonNode json = answer.json();
        assertThat(json).as("JSON body of %s: %s", hostile.name(), answer.abbreviated()).isNotNull();
        List<JsonNode> errors = List.copyOf(json.path("errors").values());
        assertThat(errors).as("errors of %s: %s", hostile.name(), answer.abbreviated()).isNotEmpty()
                .allSatisfy(error -> assertThat(error.path("extensions").path("code").asString(""))
                        .as("extensions.code of %s", error).isEqualTo(hostile.code()));
        assertThat(answer.body()).as("no internals in the answer to %s", hostile.name())
                .doesNotContain("at io.", "Exception", ".java:", "\tat ");
    }

    @Test
    void shouldRateLimitABurstOfOrdersAndPlaceNothingForALimitedCall() throws Exception {
        // Given a drop of our own with plenty of stock, and a fresh user
        String dropId = createDrop(1_000);
        String user = "u-" + UUID.randomUUID();
        String token = Tokens.user(user);

        // When the user fires 40 orders at once, each with its own key (burst 20, then 10/s: the
        // calls would have to spread over 2 s for none to be limited)
        int calls = 40;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(calls);
        List<String> keys = new ArrayList<>();
        List<Future<Answer>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < calls; i++) {
                String key = "burst-" + i + "-" + UUID.randomUUID();
                keys.add(key);
                Callable<Answer> call = () -> {
                    start.await();
                    return send("POST", "application/json", GraphQlHttp.body(PLACE_ORDER, placeOrderInput(dropId, 1, key)), token);
                };
                answers.add(pool.submit(call));
            }
            start.countDown();
        } finally {
            pool.shutdown();
        }
        long burstStarted = System.nanoTime();
        List<String> limitedKeys = new ArrayList<>();
        int placed = 0;
        for (int i = 0; i < calls; i++) {
            Answer answer = answers.get(i).get();
            assertThat(answer.status()).isEqualTo(200);
            JsonNode error = answer.json().path("errors").path(0);
            if (error.isMissingNode()) {
                placed++;
            } else {
                assertThat(error.path("extensions").path("code").asString()).as(answer.abbreviated()).isEqualTo("RATE_LIMITED");
                limitedKeys.add(keys.get(i));
            }
        }

        // Then some calls were limited, and no more got through than the burst plus what refilled
        // while the calls were answered (10/s; on a loaded machine the 40 calls take a while)
        double seconds = (System.nanoTime() - burstStarted) / 1e9;
        assertThat(limitedKeys).isNotEmpty();
        assertThat(placed).isBetween(20, 20 + (int) Math.ceil(10 * seconds) + 1);

        // And a limited call placed nothing: its order does not exist...
        String limitedKey = limitedKeys.get(0);
        String orderId = OrderIds.of(user, limitedKey);
        Answer lookup = send("POST", "application/json",
                GraphQlHttp.body("query($id: ID!) { order(id: $id) { id } }", Map.of("id", orderId)), token);
        assertThat(lookup.json().path("errors").isMissingNode()).as(lookup.abbreviated()).isTrue();
        assertThat(lookup.json().path("data").path("order").isNull()).as(lookup.abbreviated()).isTrue();

        // ...and once the bucket refills, its key with another quantity gives a fresh order, not a conflict
        Answer retry = awaitNotRateLimited(() -> send("POST", "application/json",
                GraphQlHttp.body(PLACE_ORDER, placeOrderInput(dropId, 2, limitedKey)), token));
        assertThat(retry.json().path("errors").isMissingNode()).as(retry.abbreviated()).isTrue();
        JsonNode order = retry.json().path("data").path("placeOrder").path("order");
        assertThat(order.path("id").asString()).isEqualTo(orderId);
        assertThat(order.path("quantity").asInt()).isEqualTo(2);
        assertThat(order.path("idempotencyKey").asString()).isEqualTo(limitedKey);
    }

    // ---- the requests

    private static final String PLACE_ORDER = """
            mutation($input: PlaceOrderInput!) {
              placeOrder(input: $input) { order { id status quantity rejectReason idempotencyKey } }
            }""";
    private static final String SCHEDULE_DROP = """
            mutation($input: ScheduleDropInput!) { scheduleDrop(input: $input) { id status } }""";
    private static final String UPSERT_PRODUCT = """
            mutation($input: ProductInput!) { upsertProduct(input: $input) { id } }""";

    private static Hostile gql(String name, String document, Map<String, Object> variables, Auth auth, int status, String code) {
        return new Hostile(name, "POST", "application/json", GraphQlHttp.body(document, variables), auth, status, code);
    }

    private static Hostile raw(String name, String method, String contentType, String body, Auth auth, int status, String code) {
        return new Hostile(name, method, contentType, body, auth, status, code);
    }

    private static String placeOrderLiteral(String dropId, String quantity, String key) {
        return "mutation { placeOrder(input: {dropId: \"" + dropId + "\", quantity: " + quantity + ", idempotencyKey: " + key
                + "}) { order { id } } }";
    }

    private static Map<String, Object> placeOrderInput(String dropId, int quantity, String key) {
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("dropId", dropId);
        input.put("quantity", quantity);
        input.put("idempotencyKey", key);
        return Map.of("input", input);
    }

    private static Map<String, Object> nullInput() {
        Map<String, Object> variables = new LinkedHashMap<>();
        variables.put("input", null);
        return variables;
    }

    /** A valid drop of the fresh creator's (not existing) product, with some fields overridden. */
    private static Map<String, Object> scheduleDropInput(Map<String, Object> overrides) {
        Map<String, Object> input = new LinkedHashMap<>(Map.of("productId", "product-cap", "stock", 10, "priceCents", 100));
        input.putAll(overrides);
        return Map.of("input", input);
    }

    /** creator { drops { edges { node { creator { drops ... } } } } }, {@code levels} times. */
    private static String depthBomb(int levels) {
        StringBuilder query = new StringBuilder("{ creator(id: \"creator-ava\") { ");
        for (int i = 0; i < levels; i++) {
            query.append("drops { edges { node { creator { ");
        }
        query.append("id");
        query.append(" } } } }".repeat(levels));
        return query.append(" } }").toString();
    }

    private static String aliasFlood(int aliases) {
        StringBuilder query = new StringBuilder("{ ");
        for (int i = 0; i < aliases; i++) {
            query.append("a").append(i).append(": drop(id: \"drop-hoodie-live\") { id } ");
        }
        return query.append("}").toString();
    }

    private static String hugeQuery(int bytes) {
        StringBuilder query = new StringBuilder("{ ");
        for (int i = 0; query.length() < bytes; i++) {
            query.append("f").append(i).append(": __typename ");
        }
        return query.append("}").toString();
    }

    private static String base64Url(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String token(Auth auth) {
        String id = "u-" + UUID.randomUUID();
        return switch (auth) {
            case NONE -> null;
            case USER -> Tokens.user(id);
            case CREATOR -> Tokens.creator("c-" + UUID.randomUUID());
            case FORGED -> Tokens.forged(id);
            case EXPIRED -> Tokens.expired(id);
            case GARBAGE -> "not.a.jwt";
            case ALG_NONE -> base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "."
                    + base64Url("{\"sub\":\"" + id + "\",\"roles\":[\"CREATOR\"],\"exp\":4102444800}") + ".";
        };
    }

    // ---- HTTP

    private Answer send(String method, String contentType, String body, String token) {
        return new GraphQlHttp(graphQlUrl()).send(method, contentType, body, token);
    }

    private Answer awaitNotRateLimited(Callable<Answer> call) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            Thread.sleep(500);
            Answer answer = call.call();
            boolean limited = "RATE_LIMITED".equals(answer.json().path("errors").path(0).path("extensions").path("code").asString(""));
            if (!limited || System.nanoTime() > deadline) {
                return answer;
            }
        }
    }

    /** A LIVE-from-now drop of a fresh creator's new product. */
    private String createDrop(int stock) throws Exception {
        String creator = Tokens.creator("c-" + UUID.randomUUID());
        Answer product = send("POST", "application/json",
                GraphQlHttp.body(UPSERT_PRODUCT, Map.of("input", Map.of("name", "Rate limit tee"))), creator);
        String productId = product.json().path("data").path("upsertProduct").path("id").asString("");
        assertThat(productId).as(product.abbreviated()).isNotEmpty();
        Answer drop = send("POST", "application/json", GraphQlHttp.body(SCHEDULE_DROP, Map.of("input",
                Map.of("productId", productId, "stock", stock, "priceCents", 1_500))), creator);
        String dropId = drop.json().path("data").path("scheduleDrop").path("id").asString("");
        assertThat(dropId).as(drop.abbreviated()).isNotEmpty();
        return dropId;
    }
}
