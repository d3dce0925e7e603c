package io.livedrop.api.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.livedrop.api.testing.ApiIntegrationTest;
import io.livedrop.api.testing.GraphQlWsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The subscribe race (issue 16): a fresh follower subscribes to {@code dropStarted} and, as soon as
 * the server has accepted the subscribe (its answer to a {@code ping} sent after it: one connection,
 * in order), a drop of the followed creator starts: the follower's following list may still be
 * loading. Thirty times over each transport (Tomcat's per-session WebSocket, the edge's shared one): every start told, each exactly once (then a start that
 * every follower follows is the next message each gets, so a doubled one would show before it).
 */
@SuppressWarnings("unchecked")
class SubscribeRaceIntegrationTest extends ApiIntegrationTest {

    private static final int ROUNDS = 30;
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String DROP_STARTED = """
            subscription { dropStarted { startedAt drop { id creator { id } } } }""";

    @ParameterizedTest(name = "over {0}")
    @ValueSource(strings = {"tomcat", "edge"})
    void shouldTellEveryStartThatFollowsTheSubscribeExactlyOnce(String transport) {
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
                GraphQlWsClient socket = connected(transport, fan);
                sockets.add(socket);
                socket.subscribe("started", DROP_STARTED, Map.of());
                socket.sendRaw("{\"type\":\"ping\"}");
                assertThat(socket.next(WAIT)).as("answer to the ping").containsEntry("type", "pong");
                drops.add(startDrop(creator, product, 10));
            }

            // Then each follower is told of its creator's start
            for (int i = 0; i < ROUNDS; i++) {
                assertThat(dropId(sockets.get(i).next(WAIT))).as("round %d: its creator's start", i).isEqualTo(drops.get(i));
            }
            // once: the next message each gets is the start of a drop all of them follow, started after
            String last = startDrop(everyone, everyonesProduct, 10);
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
}
