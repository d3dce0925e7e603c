package io.livedrop.api.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import graphql.ExecutionResult;
import io.livedrop.api.edge.SlowConsumerTest.RawClient;
import io.livedrop.api.fanout.Recipient;
import io.livedrop.api.limits.Refusals;
import io.livedrop.api.websocket.WebSocketSessions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.graphql.server.WebGraphQlRequest;
import org.springframework.graphql.server.WebGraphQlResponse;
import org.springframework.graphql.support.DefaultExecutionGraphQlResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A subscription a feed takes over ({@link Recipient#handOver}), on an edge with no application behind it: its
 * result stream ends without a {@code complete} to the client, it is still delivered to, it still counts as an open
 * operation of its connection (its id cannot be reused: 4409), and completing it or closing the connection detaches
 * it once, leaving nothing held.
 */
class EdgeHandOverTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /** Each subscribe's recipient, once it has taken the subscription over and its stream has ended. */
    private final BlockingQueue<Recipient> handedOver = new LinkedBlockingQueue<>();
    private final AtomicInteger detached = new AtomicInteger();
    private final List<RawClient> clients = new ArrayList<>();
    private WebSocketSessions sessions;
    private EdgeServer edge;

    @BeforeEach
    void start() {
        Refusals refusals = StubEdges.refusals();
        sessions = new WebSocketSessions(StubEdges.LIMITS, refusals);
        edge = StubEdges.started(new HandingOverHandler(), sessions, StubEdges.LIMITS, refusals, Duration.ofMinutes(5),
                Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        clients.forEach(RawClient::close);
        edge.stop();
    }

    @Test
    void shouldKeepDeliveringASubscriptionAFeedTookOverAndDetachItOnceWhenTheClientCompletesIt() throws Exception {
        RawClient client = connect();
        Recipient recipient = subscribe(client, "s1");

        // Then its stream's end says nothing to the client: the next message is the feed's
        assertThat(send(recipient, "{\"data\":{\"n\":1}}")).isTrue();
        assertThat(client.readText()).isEqualTo("{\"id\":\"s1\",\"type\":\"next\",\"payload\":{\"data\":{\"n\":1}}}");
        // and it still counts as open: its id cannot be reused
        assertThat(sessions.openOperations()).isEqualTo(1);
        assertThat(detached.get()).isZero();

        // When the client completes it
        client.sendText("{\"type\":\"complete\",\"id\":\"s1\"}");
        client.sendText("{\"type\":\"ping\"}");
        assertThat(client.readText()).contains("pong");

        // Then the feed let it go, once, and nothing is held for it
        assertThat(detached.get()).isEqualTo(1);
        assertThat(sessions.openOperations()).isZero();
        assertThat(send(recipient, "{\"data\":{\"n\":2}}")).isFalse();
    }

    @Test
    void shouldRefuseAnIdStillHeldByAFeedWith4409() throws Exception {
        RawClient client = connect();
        subscribe(client, "same");

        client.sendText("{\"type\":\"subscribe\",\"id\":\"same\",\"payload\":{\"query\":\"subscription { x }\"}}");

        assertThat(client.closeCodeAtEnd()).isEqualTo(4409);
    }

    @Test
    void shouldDetachWhatAFeedHoldsWhenTheConnectionCloses() throws Exception {
        RawClient client = connect();
        subscribe(client, "a");
        subscribe(client, "b");
        assertThat(sessions.openOperations()).isEqualTo(2);

        client.close();

        await().atMost(WAIT).until(() -> edge.connections() == 0 && sessions.openSockets() == 0);
        assertThat(detached.get()).isEqualTo(2);
        assertThat(sessions.openOperations()).isZero();
    }

    @Test
    void shouldTellTheClientCompleteWhenTheFeedEndsASubscriptionItHolds() throws Exception {
        RawClient client = connect();
        Recipient recipient = subscribe(client, "s1");

        recipient.complete();

        assertThat(client.readText()).contains("\"type\":\"complete\"").contains("\"id\":\"s1\"");
        await().atMost(WAIT).until(() -> sessions.openOperations() == 0);
        assertThat(send(recipient, "{\"data\":{\"n\":1}}")).isFalse();
    }

    private RawClient connect() throws Exception {
        RawClient client = StubEdges.initialised(edge.port());
        clients.add(client);
        return client;
    }

    /** Subscribes and returns the recipient once the feed has it and its stream has ended. */
    private Recipient subscribe(RawClient client, String id) throws Exception {
        client.sendText("{\"type\":\"subscribe\",\"id\":\"" + id + "\",\"payload\":{\"query\":\"subscription { x }\"}}");
        Recipient recipient = handedOver.poll(10, TimeUnit.SECONDS);
        assertThat(recipient).as("the subscription's recipient").isNotNull();
        return recipient;
    }

    private static boolean send(Recipient recipient, String json) throws Exception {
        return StubEdges.send(recipient, json.getBytes(StandardCharsets.UTF_8), false);
    }

    /** Every subscribe is taken over by a "feed" (detaching counts), its result stream ending empty as feeds do. */
    private final class HandingOverHandler extends StubGraphQlHandler {

        @Override
        public Mono<WebGraphQlResponse> handleRequest(WebGraphQlRequest request) {
            var input = request.toExecutionInput();
            Recipient recipient = input.getGraphQLContext().get(Recipient.CONTEXT_KEY);
            boolean[] once = {false};
            Flux<Object> stream = Flux.defer(() -> {
                recipient.handOver(() -> {
                    synchronized (once) {
                        if (!once[0]) {
                            once[0] = true;
                            detached.incrementAndGet();
                        }
                    }
                });
                return Flux.empty();
            }).doOnComplete(() -> recipient.loop().execute(() -> handedOver.add(recipient)));
            ExecutionResult result = ExecutionResult.newExecutionResult().data(stream).build();
            return Mono.just(new WebGraphQlResponse(new DefaultExecutionGraphQlResponse(input, result)));
        }
    }
}
