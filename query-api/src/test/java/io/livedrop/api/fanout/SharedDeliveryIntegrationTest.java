package io.livedrop.api.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import io.livedrop.api.testing.ApiIntegrationTest;
import io.livedrop.api.testing.GraphQlHttp;
import io.livedrop.api.testing.GraphQlWsClient;
import io.livedrop.api.testing.Tokens;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The shared path end to end, over the edge's socket: a drop start is rendered once for all the
 * followers subscribed with one document, and each gets the message Tomcat's per-session path sends
 * the same viewer; live stock (dropUpdates, whose page document asks viewerFollows) tells a follower
 * true and a viewer who follows nobody false, on the first message and on a stock change.
 */
@SuppressWarnings("unchecked")
class SharedDeliveryIntegrationTest extends ApiIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @Autowired
    private LocalRenderer renderer;

    @Test
    void shouldSendEveryFollowerOnTheEdgeWhatTomcatSendsTheSameViewerFromOneRender() {
        // Given three followers of a creator on the edge with the page's document, and the first also on Tomcat
        String creator = "c-" + shortId();
        String productId = createProduct(creator);
        String[] fans = {"fan-a-" + shortId(), "fan-b-" + shortId(), "fan-c-" + shortId()};
        for (String fan : fans) {
            follow(fan, creator);
        }
        try (GraphQlWsClient a = subscribed("edge", fans[0], LocalRendererIntegrationTest.PAGE_STARTED);
             GraphQlWsClient b = subscribed("edge", fans[1], LocalRendererIntegrationTest.PAGE_STARTED);
             GraphQlWsClient c = subscribed("edge", fans[2], LocalRendererIntegrationTest.PAGE_STARTED);
             GraphQlWsClient bench = subscribed("edge", fans[0], LocalRendererIntegrationTest.BENCH_STARTED);
             GraphQlWsClient tomcat = subscribed("tomcat", fans[0], LocalRendererIntegrationTest.PAGE_STARTED)) {
            long rendersBefore = renderer.executions();

            // When the creator's drop starts
            String dropId = startDrop(creator, productId, 10);

            // Then each is told, with what the per-session path sends the same viewer
            Map<String, Object> perSession = tomcat.next(WAIT);
            assertThat(startedDropId(perSession)).isEqualTo(dropId);
            assertThat(a.next(WAIT)).isEqualTo(perSession);
            assertThat(b.next(WAIT)).isEqualTo(perSession);
            assertThat(c.next(WAIT)).isEqualTo(perSession);
            assertThat(startedDropId(bench.next(WAIT))).isEqualTo(dropId);
            // from one render per document: the page's for three recipients, the benchmark's for one
            assertThat(renderer.executions() - rendersBefore).isEqualTo(2);
        }
    }

    @Test
    void shouldTellEachWatcherOnTheEdgeOnlyWhatIsTrueOfItsOwnViewer() {
        // Given a live drop, a follower of its creator and a viewer who follows nobody, both watching it on the edge
        String creator = "c-" + shortId();
        String dropId = startDrop(creator, createProduct(creator), 5);
        String fan = "fan-" + shortId();
        String stranger = "stranger-" + shortId();
        follow(fan, creator);
        Map<String, Object> variables = Map.of("id", dropId);
        try (GraphQlWsClient fanSocket = connected("edge", fan); GraphQlWsClient strangerSocket = connected("edge", stranger)) {
            fanSocket.subscribe("u", LocalRendererIntegrationTest.PAGE_UPDATES, variables);
            strangerSocket.subscribe("u", LocalRendererIntegrationTest.PAGE_UPDATES, variables);

            // Then the first message tells each the truth about itself
            assertThat(creatorSeenBy(fanSocket.next(WAIT))).containsEntry("viewerFollows", true);
            assertThat(creatorSeenBy(strangerSocket.next(WAIT))).containsEntry("viewerFollows", false);

            // And so does the update after an order takes one
            GraphQlHttp.Answer order = new GraphQlHttp(graphQlUrl()).post(Tokens.user("buyer-" + shortId()),
                    "mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { order { status } } }",
                    Map.of("input", Map.of("dropId", dropId, "quantity", 1, "idempotencyKey", shortId())));
            assertThat(order.errors()).as(order.abbreviated()).isEmpty();
            assertThat(nextWithStock(fanSocket, 4)).containsEntry("viewerFollows", true);
            assertThat(nextWithStock(strangerSocket, 4)).containsEntry("viewerFollows", false);
        }
    }

    private GraphQlWsClient subscribed(String transport, String user, String document) {
        GraphQlWsClient socket = connected(transport, user);
        socket.subscribe("started", document, Map.of());
        socket.sendRaw("{\"type\":\"ping\"}");   // answered once the subscribe was accepted
        assertThat(socket.next(WAIT)).containsEntry("type", "pong");
        return socket;
    }

    /** The drop's creator as the next message with {@code remaining} left shows it. */
    private static Map<String, Object> nextWithStock(GraphQlWsClient socket, int remaining) {
        while (true) {
            Map<String, Object> drop = drop(socket.next(WAIT), "dropUpdates");
            if (((Number) drop.get("remainingStock")).intValue() == remaining) {
                return (Map<String, Object>) drop.get("creator");
            }
        }
    }

    private static Map<String, Object> creatorSeenBy(Map<String, Object> message) {
        return (Map<String, Object>) drop(message, "dropUpdates").get("creator");
    }

    private static String startedDropId(Map<String, Object> message) {
        return (String) drop(message, "dropStarted").get("id");
    }

    private static Map<String, Object> drop(Map<String, Object> message, String field) {
        assertThat(message).containsEntry("type", "next");
        Map<String, Object> payload = (Map<String, Object>) message.get("payload");
        assertThat(payload.get("errors")).as("errors in %s", payload).isNull();
        return (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) payload.get("data")).get(field)).get("drop");
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
