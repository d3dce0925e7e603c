package io.livedrop.api.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.livedrop.api.social.DropStartedFeed;
import io.livedrop.api.testing.ApiIntegrationTest;
import io.livedrop.api.testing.GraphQlWsClient;
import io.livedrop.api.testing.Tokens;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.graphql.client.ClientGraphQlResponse;
import org.springframework.graphql.client.HttpSyncGraphQlClient;
import org.springframework.web.client.RestClient;

/**
 * Follows and drop-start notifications end to end on the real broker: follow and unfollow, the
 * following list and follower counts, the dropStarted subscription over graphql-transport-ws, and
 * the inbox.
 */
@SuppressWarnings("unchecked")
class FollowsIntegrationTest extends ApiIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String FOLLOW = """
            mutation($id: ID!) { follow(creatorId: $id) { creator { id followerCount viewerFollows } } }""";
    private static final String UNFOLLOW = """
            mutation($id: ID!) { unfollow(creatorId: $id) { creator { id followerCount viewerFollows } } }""";
    private static final String DROP_STARTED = """
            subscription { dropStarted { startedAt drop { id status creator { id } product { name } } } }""";
    private static final String INBOX = """
            query($first: Int, $after: String) { me { notifications(first: $first, after: $after) {
              edges { cursor node { id kind createdAt drop { id status } } } pageInfo { hasNextPage endCursor } } } }""";

    @Autowired
    private DropStartedFeed feed;

    @Test
    void shouldTellAFollowerOnlineAndInTheInboxAndStopAfterUnfollow() {
        // Given a creator with a product, and two fans who follow them
        String creator = "c-" + shortId();
        String productId = createProduct(creator);
        String fan = "fan-" + shortId();
        String control = "ctl-" + shortId();
        Map<String, Object> followed = (Map<String, Object>) field(graphQl(Tokens.user(fan), FOLLOW, Map.of("id", creator)), "follow.creator");
        assertThat(followed).containsEntry("id", creator).containsEntry("viewerFollows", true);
        graphQl(Tokens.user(control), FOLLOW, Map.of("id", creator));

        // Then the count is exact, also after a repeated follow
        graphQl(Tokens.user(fan), FOLLOW, Map.of("id", creator));
        awaitFollowerCount(creator, 2);
        assertThat(field(graphQl(Tokens.user(fan), "{ me { following { edges { node { id viewerFollows } } } } }",
                Map.of()), "me.following.edges")).asList().singleElement()
                .satisfies(edge -> assertThat((Map<String, Object>) ((Map<String, Object>) edge).get("node"))
                        .containsEntry("id", creator).containsEntry("viewerFollows", true));

        try (GraphQlWsClient fanSocket = subscribed(fan); GraphQlWsClient controlSocket = subscribed(control)) {
            // (operators see the open subscriptions)
            assertThat(RestClient.create("http://localhost:" + port).get().uri("/actuator/prometheus").retrieve()
                    .body(String.class)).containsPattern("(?m)^livedrop_subscriptions_drop_started(\\{[^}]*})? [1-9]");
            // When the creator's drop starts
            String first = startDrop(creator, productId, 10);

            // Then both are told, with the drop
            for (GraphQlWsClient socket : List.of(fanSocket, controlSocket)) {
                Map<String, Object> event = dropStarted(socket.next(WAIT));
                Map<String, Object> drop = (Map<String, Object>) event.get("drop");
                assertThat(drop.get("id")).isEqualTo(first);
                assertThat(drop.get("status")).isEqualTo("LIVE");
                assertThat(((Map<String, Object>) drop.get("creator")).get("id")).isEqualTo(creator);
                assertThat(((Map<String, Object>) drop.get("product")).get("name")).isEqualTo("Tee of " + creator);
                assertThat(Instant.parse((String) event.get("startedAt"))).isBefore(Instant.now().plusSeconds(1));
            }
            // And the drop start is in the fan's inbox (once the broadcast start is committed: milliseconds)
            List<?> inbox = awaitInbox(fan, 1);
            assertThat(inbox).singleElement().satisfies(edge -> assertThat(node(edge))
                    .containsEntry("id", "DROP_STARTED:" + first).containsEntry("kind", "DROP_STARTED"));

            // When the fan unfollows and a second drop starts
            Map<String, Object> unfollowed = (Map<String, Object>) field(graphQl(Tokens.user(fan), UNFOLLOW, Map.of("id", creator)),
                    "unfollow.creator");
            assertThat(unfollowed).containsEntry("viewerFollows", false);
            String second = startDrop(creator, productId, 10);

            // Then the one still following is told, and the fan is not
            assertThat(((Map<String, Object>) dropStarted(controlSocket.next(WAIT)).get("drop")).get("id")).isEqualTo(second);
            assertThat(fanSocket.poll(Duration.ofMillis(500))).as("message after unfollow").isNull();
            assertThat(inboxOf(fan, 20, null)).isEmpty();
            awaitFollowerCount(creator, 1);

            // And the control's inbox pages newest first
            awaitInbox(control, 2);
            List<?> page1 = inboxOf(control, 1, null);
            assertThat(page1).singleElement().satisfies(edge -> assertThat(node(edge)).containsEntry("id", "DROP_STARTED:" + second));
            List<?> page2 = inboxOf(control, 1, (String) ((Map<String, Object>) page1.get(0)).get("cursor"));
            assertThat(page2).singleElement().satisfies(edge -> assertThat(node(edge)).containsEntry("id", "DROP_STARTED:" + first));
        }
    }

    @Test
    void shouldResubscribeToACreatorFollowedAfterTheSubscriptionStarted() {
        // Given a subscribed viewer who follows nobody yet
        String creator = "c-" + shortId();
        String productId = createProduct(creator);
        String fan = "late-" + shortId();
        try (GraphQlWsClient socket = subscribed(fan)) {
            // When they follow the creator (through the HTTP API) and the creator's drop starts
            graphQl(Tokens.user(fan), FOLLOW, Map.of("id", creator));
            String drop = startDrop(creator, productId, 10);

            // Then the open subscription is told
            assertThat(((Map<String, Object>) dropStarted(socket.next(WAIT)).get("drop")).get("id")).isEqualTo(drop);
        }
    }

    @Test
    void shouldRefuseFollowsWithoutATokenOrOfUnknownCreators() {
        assertThat(code(graphQl(null, FOLLOW, Map.of("id", "c-any")))).isEqualTo("UNAUTHENTICATED");
        assertThat(code(graphQl(Tokens.user("u-" + shortId()), FOLLOW, Map.of("id", "no-such-creator-" + shortId()))))
                .isEqualTo("NOT_FOUND");
        assertThat(code(graphQl(Tokens.user("u-" + shortId()), FOLLOW, Map.of("id", "bad|id")))).isEqualTo("BAD_REQUEST");
        assertThat(code(graphQl(null, INBOX, Map.of()))).isEqualTo("UNAUTHENTICATED");
        // A cursor this API did not make ("v1:garbage", and not base64 at all)
        for (String cursor : List.of("djE6Z2FyYmFnZQ", "!!!")) {
            assertThat(code(graphQl(Tokens.user("u-" + shortId()), INBOX, Map.of("first", 5, "after", cursor))))
                    .isEqualTo("BAD_REQUEST");
        }
        // Anonymous viewers follow nobody
        assertThat(field(graphQl(null, "{ creator(id: \"creator-ava\") { viewerFollows } }", Map.of()),
                "creator.viewerFollows")).isEqualTo(false);
    }

    // ------------------------------------------------------------------ helpers

    private GraphQlWsClient subscribed(String user) {
        GraphQlWsClient socket = GraphQlWsClient.connect(URI.create("ws://localhost:" + port + "/graphql"));
        socket.initAndAwaitAck(Tokens.user(user), WAIT);
        socket.subscribe("started", DROP_STARTED, Map.of());
        await().atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(() -> feed.listening(user));
        return socket;
    }

    private static Map<String, Object> dropStarted(Map<String, Object> message) {
        assertThat(message).containsEntry("type", "next").containsEntry("id", "started");
        Map<String, Object> payload = (Map<String, Object>) message.get("payload");
        assertThat(payload.get("errors")).as("errors in %s", payload).isNull();
        return (Map<String, Object>) ((Map<String, Object>) payload.get("data")).get("dropStarted");
    }

    private List<?> inboxOf(String user, int first, String after) {
        Map<String, Object> variables = new LinkedHashMap<>();
        variables.put("first", first);
        variables.put("after", after);
        ClientGraphQlResponse response = graphQl(Tokens.user(user), INBOX, variables);
        return (List<?>) field(response, "me.notifications.edges");
    }

    private List<?> awaitInbox(String user, int size) {
        return await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> inboxOf(user, 20, null),
                edges -> edges.size() == size);
    }

    private static Map<String, Object> node(Object edge) {
        return (Map<String, Object>) ((Map<String, Object>) edge).get("node");
    }

    private void awaitFollowerCount(String creator, int count) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> Integer.valueOf(count).equals(
                field(graphQl(null, "query($id: ID!) { creator(id: $id) { followerCount } }", Map.of("id", creator)),
                        "creator.followerCount")));
    }

    private static Object field(ClientGraphQlResponse response, String path) {
        assertThat(response.getErrors()).as("errors").isEmpty();
        return response.field(path).getValue();
    }

    private static String code(ClientGraphQlResponse response) {
        assertThat(response.getErrors()).as("errors").isNotEmpty();
        return (String) response.getErrors().get(0).getExtensions().get("code");
    }

    private ClientGraphQlResponse graphQl(String token, String document, Map<String, Object> variables) {
        HttpSyncGraphQlClient.Builder<?> builder = HttpSyncGraphQlClient.builder(RestClient.create(graphQlUrl()));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder.build().document(document).variables(variables).executeSync();
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
