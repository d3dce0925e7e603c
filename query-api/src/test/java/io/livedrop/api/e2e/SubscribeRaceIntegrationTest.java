package io.livedrop.api.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.livedrop.api.testing.ApiIntegrationTest;
import io.livedrop.api.testing.GraphQlWsClient;
import io.livedrop.api.testing.Tokens;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.graphql.client.ClientGraphQlResponse;
import org.springframework.graphql.client.HttpSyncGraphQlClient;
import org.springframework.web.client.RestClient;

/**
 * The subscribe race (issue 16): a fresh follower subscribes to {@code dropStarted} and, as soon as
 * the server has accepted the subscribe (its answer to a {@code ping} sent after it: one connection,
 * in order), a drop of the followed creator starts: the follower's following list may still be
 * loading. Thirty times over the WebSocket: every start told, each exactly once (then a start that
 * every follower follows is the next message each gets, so a doubled one would show before it).
 */
@SuppressWarnings("unchecked")
class SubscribeRaceIntegrationTest extends ApiIntegrationTest {

    private static final int ROUNDS = 30;
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String FOLLOW = """
            mutation($id: ID!) { follow(creatorId: $id) { creator { id } } }""";
    private static final String DROP_STARTED = """
            subscription { dropStarted { startedAt drop { id creator { id } } } }""";

    @Test
    void shouldTellEveryStartThatFollowsTheSubscribeExactlyOnce() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String everyone = "race-all-" + run;
        String everyonesProduct = createProduct(everyone);
        List<GraphQlWsClient> sockets = new ArrayList<>();
        List<String> drops = new ArrayList<>();
        try {
            for (int i = 0; i < ROUNDS; i++) {
                // Given a fresh follower of a fresh creator (and of the one whose drop ends the run)
                String creator = "race-c-" + run + "-" + i;
                String product = createProduct(creator);
                String fan = "race-f-" + run + "-" + i;
                follow(fan, creator);
                follow(fan, everyone);

                // When it subscribes and the drop starts as soon as the server has the subscribe
                GraphQlWsClient socket = GraphQlWsClient.connect(URI.create("ws://localhost:" + port + "/graphql"));
                sockets.add(socket);
                socket.initAndAwaitAck(Tokens.user(fan), WAIT);
                socket.subscribe("started", DROP_STARTED, Map.of());
                socket.sendRaw("{\"type\":\"ping\"}");
                assertThat(socket.next(WAIT)).as("answer to the ping").containsEntry("type", "pong");
                drops.add(scheduleDrop(creator, product));
            }

            // Then each follower is told of its creator's start
            for (int i = 0; i < ROUNDS; i++) {
                assertThat(dropId(sockets.get(i).next(WAIT))).as("round %d: its creator's start", i).isEqualTo(drops.get(i));
            }
            // once: the next message each gets is the start of a drop all of them follow, started after
            String last = scheduleDrop(everyone, everyonesProduct);
            for (int i = 0; i < ROUNDS; i++) {
                assertThat(dropId(sockets.get(i).next(WAIT))).as("round %d: the last start, nothing between", i).isEqualTo(last);
            }
        } finally {
            sockets.forEach(GraphQlWsClient::close);
        }
    }

    private static String dropId(Map<String, Object> message) {
        assertThat(message).containsEntry("type", "next").containsEntry("id", "started");
        Map<String, Object> payload = (Map<String, Object>) message.get("payload");
        assertThat(payload.get("errors")).as("errors in %s", payload).isNull();
        Map<String, Object> started = (Map<String, Object>) ((Map<String, Object>) payload.get("data")).get("dropStarted");
        return (String) ((Map<String, Object>) started.get("drop")).get("id");
    }

    private void follow(String fan, String creator) {
        field(graphQl(Tokens.user(fan), FOLLOW, Map.of("id", creator)), "follow.creator.id");
    }

    private String createProduct(String creator) {
        return (String) field(graphQl(Tokens.creator(creator),
                "mutation($input: ProductInput!) { upsertProduct(input: $input) { id } }",
                Map.of("input", Map.of("name", "Tee of " + creator))), "upsertProduct.id");
    }

    /** A drop starting now; answered once it is LIVE. */
    private String scheduleDrop(String creator, String productId) {
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("productId", productId);
        input.put("stock", 10);
        input.put("priceCents", 1_000);
        input.put("startsAt", null);
        return (String) field(graphQl(Tokens.creator(creator),
                "mutation($input: ScheduleDropInput!) { scheduleDrop(input: $input) { id } }", Map.of("input", input)),
                "scheduleDrop.id");
    }

    private static Object field(ClientGraphQlResponse response, String path) {
        assertThat(response.getErrors()).as("errors").isEmpty();
        return response.field(path).getValue();
    }

    private ClientGraphQlResponse graphQl(String token, String document, Map<String, Object> variables) {
        HttpSyncGraphQlClient.Builder<?> builder = HttpSyncGraphQlClient.builder(RestClient.create(graphQlUrl()));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder.build().document(document).variables(variables).executeSync();
    }
}
