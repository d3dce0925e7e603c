package io.livedrop.edge.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.livedrop.api.LivedropApplication;
import io.livedrop.api.edge.EdgeServer;
import io.livedrop.api.testing.ApiIntegrationTest;
import io.livedrop.api.testing.Tokens;
import io.livedrop.api.websocket.WebSocketSessions;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * The relay against the whole application: an {@link Upstream} to the in-process instance's own edge runs queries,
 * mutations and subscriptions with the client's token, completes a cancelled subscription upstream, and leaves
 * nothing open upstream once closed; the API instance's refusal (4401) and an upstream that is down or silent fail
 * the operations as the contract says.
 */
// the application lives in io.livedrop.api, which a search from this package would not find
@SpringBootTest(classes = LivedropApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class UpstreamIntegrationTest extends ApiIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String DROP = "query($id: ID!) { drop(id: $id) { id } }";
    private static final String DROP_UPDATES = "subscription($dropId: ID!) { dropUpdates(dropId: $dropId) { drop { id remainingStock } } }";
    private static final String LIVE_DROP = "drop-hoodie-live";

    @Autowired
    EdgeServer edge;

    @Autowired
    WebSocketSessions sessions;

    private final List<Upstream> upstreams = new ArrayList<>();

    @AfterEach
    void closeUpstreams() {
        upstreams.forEach(Upstream::close);
        upstreams.clear();
        // nothing is held upstream for a client once its link is closed
        await().atMost(WAIT).until(() -> edge.connections() == 0 && sessions.openSockets() == 0);
        assertThat(sessions.openOperations()).isZero();
    }

    @Test
    void shouldRelayAQueryAsOneAnswerThenComplete() {
        Upstream upstream = upstream(Tokens.user("u-" + UUID.randomUUID()), UpstreamLimits.DEFAULTS);

        List<Map<String, Object>> answers = upstream.operation("q", query(DROP, Map.of("id", LIVE_DROP)))
                .collectList().block(WAIT);

        assertThat(answers).hasSize(1);
        assertThat(answers.get(0)).containsEntry("data", Map.of("drop", Map.of("id", LIVE_DROP)))
                .doesNotContainKey("errors");
    }

    @Test
    void shouldRunOperationsSentBeforeTheAckOnceAcknowledged() {
        Upstream upstream = upstream(Tokens.user("u-" + UUID.randomUUID()), UpstreamLimits.DEFAULTS);

        // three operations at once, the same client id for all: the link is not even open when they are sent
        List<Map<String, Object>> answers = Flux.merge(
                        upstream.operation("same", query(DROP, Map.of("id", LIVE_DROP))),
                        upstream.operation("same", query(DROP, Map.of("id", LIVE_DROP))),
                        upstream.operation("same", query("{ __typename }", Map.of())))
                .collectList().block(WAIT);

        assertThat(answers).hasSize(3).allSatisfy(answer -> assertThat(answer).containsKey("data"));
        assertThat(edge.connections()).as("one link for all").isEqualTo(1);
    }

    @Test
    void shouldRelayAMutationWithTheClientsToken() {
        // upsertProduct takes a creator's token: the product is the token subject's
        String creator = "c-" + UUID.randomUUID();
        Upstream upstream = upstream(Tokens.creator(creator), UpstreamLimits.DEFAULTS);

        Map<String, Object> answer = upstream.operation("product",
                        query("mutation($input: ProductInput!) { upsertProduct(input: $input) { name creator { id } } }",
                                Map.of("input", Map.of("name", "Relayed tee"))))
                .single().block(WAIT);

        assertThat(answer).doesNotContainKey("errors").containsEntry("data",
                Map.of("upsertProduct", Map.of("name", "Relayed tee", "creator", Map.of("id", creator))));
    }

    @Test
    void shouldCompleteACancelledSubscriptionUpstreamAndLeaveNothingOnceClosed() {
        Upstream upstream = upstream(Tokens.user("u-" + UUID.randomUUID()), UpstreamLimits.DEFAULTS);
        BlockingQueue<Map<String, Object>> told = new LinkedBlockingQueue<>();
        AtomicReference<Throwable> keptFailed = new AtomicReference<>();

        // Given two subscriptions relayed, each told the drop's state
        Disposable cancelled = upstream.operation("cancelled", query(DROP_UPDATES, Map.of("dropId", LIVE_DROP)))
                .subscribe(told::add);
        upstream.operation("kept", query(DROP_UPDATES, Map.of("dropId", LIVE_DROP)))
                .subscribe(told::add, keptFailed::set);
        assertThat(poll(told)).containsKey("data");
        assertThat(poll(told)).containsKey("data");
        await().atMost(WAIT).until(() -> sessions.openOperations() == 2);

        // When the consumer cancels one, the API instance no longer holds it, and the link stays
        cancelled.dispose();
        await().atMost(WAIT).until(() -> sessions.openOperations() == 1);
        assertThat(edge.connections()).isEqualTo(1);

        // When the upstream is closed, the other fails, and the API instance holds nothing for the client
        upstream.close();
        await().atMost(WAIT).until(() -> keptFailed.get() != null);
        assertThat(keptFailed.get()).isInstanceOf(UpstreamUnavailable.class);
        await().atMost(WAIT).until(() -> edge.connections() == 0 && sessions.openSockets() == 0);
        assertThat(sessions.openOperations()).isZero();
        assertThatThrownBy(() -> upstream.operation("late", query("{ __typename }", Map.of())).blockLast(WAIT))
                .isInstanceOf(UpstreamUnavailable.class);
    }

    @Test
    void shouldTellA4401AndFailTheOperationOnABadToken() {
        Upstream upstream = upstream(Tokens.forged("u-" + UUID.randomUUID()), UpstreamLimits.DEFAULTS);
        AtomicReference<String> closed = new AtomicReference<>();
        upstream.onClosed((code, reason) -> closed.set(code + " " + reason));

        assertThatThrownBy(() -> upstream.operation("q", query("{ __typename }", Map.of())).blockLast(WAIT))
                .isInstanceOf(UpstreamUnavailable.class).hasMessageContaining("4401");

        assertThat(closed.get()).isEqualTo("4401 Unauthorized");
        // and every later operation fails at once, without a new link
        assertThatThrownBy(() -> upstream.operation("q2", query("{ __typename }", Map.of())).blockLast(WAIT))
                .isInstanceOf(UpstreamUnavailable.class);
        AtomicReference<String> toldLate = new AtomicReference<>();
        upstream.onClosed((code, reason) -> toldLate.set(code + " " + reason));
        assertThat(toldLate.get()).isEqualTo("4401 Unauthorized");
    }

    @Test
    void shouldFailWithUpstreamUnavailableWhenTheUpstreamIsDown() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Upstream upstream = new Upstream(URI.create("ws://localhost:" + port + "/graphql"), Map.of(), UpstreamLimits.DEFAULTS);
        upstreams.add(upstream);

        assertThatThrownBy(() -> upstream.operation("q", query("{ __typename }", Map.of())).blockLast(WAIT))
                .isInstanceOf(UpstreamUnavailable.class).hasMessageContaining("retry");
    }

    @Test
    void shouldFailWithUpstreamUnavailableWhenTheUpstreamDoesNotAcknowledge() throws IOException {
        // a socket that accepts connections and never answers the upgrade
        try (ServerSocket silent = new ServerSocket(0)) {
            UpstreamLimits limits = new UpstreamLimits(Duration.ofMillis(300), UpstreamLimits.DEFAULT_MAX_MESSAGE_SIZE, 10);
            Upstream upstream = new Upstream(URI.create("ws://localhost:" + silent.getLocalPort() + "/graphql"), Map.of(), limits);
            upstreams.add(upstream);

            assertThatThrownBy(() -> upstream.operation("q", query("{ __typename }", Map.of())).blockLast(WAIT))
                    .isInstanceOf(UpstreamUnavailable.class).hasMessageContaining("did not acknowledge");
        }
    }

    // ------------------------------------------------------------------ helpers

    private Upstream upstream(String token, UpstreamLimits limits) {
        Upstream upstream = new Upstream(edgeUri(), Map.of("Authorization", "Bearer " + token), limits);
        upstreams.add(upstream);
        return upstream;
    }

    private static Map<String, Object> query(String document, Map<String, Object> variables) {
        return Map.of("query", document, "variables", variables);
    }

    private static Map<String, Object> poll(BlockingQueue<Map<String, Object>> queue) {
        try {
            Map<String, Object> next = queue.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(next).as("an answer within " + WAIT).isNotNull();
            return next;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
