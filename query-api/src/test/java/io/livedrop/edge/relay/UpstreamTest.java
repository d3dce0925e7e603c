package io.livedrop.edge.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.WebsocketServerSpec;
import tools.jackson.databind.json.JsonMapper;

/**
 * The relay's side of graphql-transport-ws against a stub API instance whose every message the test writes: pings
 * are answered, a quiet link is kept alive, operations wait for the ack within their bound, a late answer of a
 * cancelled operation never reaches a new one with the same client id, an unread operation cannot queue without
 * bound, {@code error} payloads pass on as sent, and a link lost otherwise than by a refusal is opened anew.
 */
class UpstreamTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Map<String, Object> QUERY = Map.of("query", "{ __typename }");

    private final Stub stub = new Stub();
    private Upstream upstream;

    @AfterEach
    void close() {
        if (upstream != null) {
            upstream.close();
        }
        // nothing of the link outlives close(): the stub sees its socket go
        await().atMost(WAIT).until(() -> stub.channels.isEmpty());
        stub.server.disposeNow();
    }

    @Test
    void shouldAnswerTheUpstreamsPingWithPong() {
        upstream = upstream(UpstreamLimits.DEFAULTS);
        upstream.operation("q", QUERY).subscribe();
        assertThat(stub.next("connection_init")).containsEntry("payload", Map.of("Authorization", "Bearer t"));
        stub.send("{\"type\":\"connection_ack\"}");
        stub.next("subscribe");

        stub.send("{\"type\":\"ping\"}");

        assertThat(stub.next("pong")).isEqualTo(Map.of("type", "pong"));
    }

    @Test
    void shouldPingAQuietLinkToKeepItOpen() {
        upstream = upstream(new UpstreamLimits(WAIT, UpstreamLimits.DEFAULT_MAX_MESSAGE_SIZE, 10, Duration.ofMillis(50)));
        upstream.operation("q", QUERY).subscribe();
        stub.next("connection_init");
        stub.send("{\"type\":\"connection_ack\"}");

        await().atMost(WAIT).until(() -> stub.pings.get() > 0);
    }

    @Test
    void shouldHoldOperationsUntilTheAckAndRefuseThoseBeyondTheBound() {
        upstream = upstream(new UpstreamLimits(WAIT, UpstreamLimits.DEFAULT_MAX_MESSAGE_SIZE, 2));
        upstream.operation("a", Map.of("query", "{ a: __typename }")).subscribe();
        upstream.operation("b", Map.of("query", "{ b: __typename }")).subscribe();
        stub.next("connection_init");

        // a third while two wait for the ack: refused
        assertThatThrownBy(() -> upstream.operation("c", QUERY).blockLast(WAIT))
                .isInstanceOfSatisfying(UpstreamErrors.class, refused -> assertThat(refused.errors().get(0))
                        .extractingByKey("extensions").isEqualTo(Map.of("code", "RATE_LIMITED")));
        assertThat(stub.received.poll()).as("nothing sent before the ack").isNull();

        // once acknowledged, the two go, in order
        stub.send("{\"type\":\"connection_ack\"}");
        assertThat(stub.next("subscribe").get("payload")).isEqualTo(Map.of("query", "{ a: __typename }"));
        assertThat(stub.next("subscribe").get("payload")).isEqualTo(Map.of("query", "{ b: __typename }"));
    }

    @Test
    void shouldNotDeliverALateAnswerOfACancelledOperationToANewOneWithTheSameId() {
        upstream = acknowledged(UpstreamLimits.DEFAULTS);
        Disposable first = upstream.operation("same", QUERY).subscribe();
        String firstId = (String) stub.next("subscribe").get("id");

        // When the client completes "same" and reuses the id at once
        first.dispose();
        assertThat(stub.next("complete")).containsEntry("id", firstId);
        BlockingQueue<Map<String, Object>> told = new LinkedBlockingQueue<>();
        upstream.operation("same", QUERY).subscribe(told::add);
        String secondId = (String) stub.next("subscribe").get("id");

        // Then an answer the upstream sent the first before it read the complete reaches nobody
        assertThat(secondId).isNotEqualTo(firstId);
        stub.send(next(firstId, "stale"));
        stub.send(next(secondId, "fresh"));
        assertThat(poll(told)).isEqualTo(Map.of("data", "fresh"));
        assertThat(told).isEmpty();
    }

    @Test
    void shouldEndAnOperationWhoseAnswersAreNotReadBeyondTheQueue() {
        upstream = acknowledged(UpstreamLimits.DEFAULTS);
        List<Object> told = new CopyOnWriteArrayList<>();
        BaseSubscriber<Map<String, Object>> unread = new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(Subscription subscription) {
                // asks for nothing: a consumer that does not read
            }

            @Override
            protected void hookOnNext(Map<String, Object> answer) {
                told.add(answer);
            }

            @Override
            protected void hookOnError(Throwable error) {
                told.add(error);
            }
        };
        upstream.operation("unread", QUERY).subscribe(unread);
        String id = (String) stub.next("subscribe").get("id");

        // When the API instance sends one answer more than may wait for the consumer
        for (int i = 0; i <= Upstream.MAX_QUEUED_PER_OPERATION; i++) {
            stub.send(next(id, "answer " + i));
        }

        // Then the operation is ended upstream, and the consumer gets what was queued, then the refusal
        assertThat(stub.next("complete")).containsEntry("id", id);
        unread.request(Long.MAX_VALUE);
        await().atMost(WAIT).until(() -> told.size() == Upstream.MAX_QUEUED_PER_OPERATION + 1);
        assertThat(told.get(Upstream.MAX_QUEUED_PER_OPERATION)).isInstanceOf(UpstreamErrors.class);
    }

    @Test
    void shouldPassAnErrorMessageOnAsUpstreamErrors() {
        upstream = acknowledged(UpstreamLimits.DEFAULTS);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        upstream.operation("q", QUERY).subscribe(null, failed::set);
        String id = (String) stub.next("subscribe").get("id");

        stub.send("{\"id\":\"" + id + "\",\"type\":\"error\",\"payload\":[{\"message\":\"No drop x\",\"extensions\":{\"code\":\"NOT_FOUND\"}}]}");

        await().atMost(WAIT).until(() -> failed.get() != null);
        assertThat(failed.get()).isInstanceOfSatisfying(UpstreamErrors.class, errors -> assertThat(errors.errors())
                .isEqualTo(List.of(Map.of("message", "No drop x", "extensions", Map.of("code", "NOT_FOUND")))));
    }

    @Test
    void shouldFailOpenOperationsOnALossAndOpenANewLinkForTheNext() {
        upstream = acknowledged(UpstreamLimits.DEFAULTS);
        AtomicReference<String> refused = new AtomicReference<>();
        upstream.onClosed((code, reason) -> refused.set(code + " " + reason));
        AtomicReference<Throwable> failed = new AtomicReference<>();
        upstream.operation("watch", QUERY).subscribe(null, failed::set);
        stub.next("subscribe");

        // When the API instance goes away (not a refusal of the client)
        stub.closeAll(1001, "Server stopping");

        // Then the open operation fails as retryable, and the next one runs on a new link
        await().atMost(WAIT).until(() -> failed.get() != null);
        assertThat(failed.get()).isInstanceOf(UpstreamUnavailable.class).hasMessageContaining("retry");
        assertThat(refused.get()).isNull();
        BlockingQueue<Map<String, Object>> told = new LinkedBlockingQueue<>();
        upstream.operation("again", QUERY).subscribe(told::add);
        stub.next("connection_init");
        stub.send("{\"type\":\"connection_ack\"}");
        stub.send(next((String) stub.next("subscribe").get("id"), "again"));
        assertThat(poll(told)).isEqualTo(Map.of("data", "again"));
        assertThat(stub.connections.get()).isEqualTo(2);
    }

    @Test
    void shouldTellARefusalOnceAndFailEveryOperationFromThen() {
        upstream = acknowledged(UpstreamLimits.DEFAULTS);
        List<String> refused = new CopyOnWriteArrayList<>();
        upstream.onClosed((code, reason) -> refused.add(code + " " + reason));
        AtomicReference<Throwable> failed = new AtomicReference<>();
        upstream.operation("watch", QUERY).subscribe(null, failed::set);
        stub.next("subscribe");

        stub.closeAll(4429, "Too many messages");

        await().atMost(WAIT).until(() -> failed.get() != null);
        assertThat(failed.get()).isInstanceOf(UpstreamUnavailable.class).hasMessageContaining("4429");
        assertThat(refused).containsExactly("4429 Too many messages");
        assertThatThrownBy(() -> upstream.operation("later", QUERY).blockLast(WAIT)).isInstanceOf(UpstreamUnavailable.class);
        assertThat(stub.connections.get()).as("no new link for a refused client").isEqualTo(1);
    }

    // ------------------------------------------------------------------ helpers

    private Upstream upstream(UpstreamLimits limits) {
        return new Upstream(URI.create("ws://localhost:" + stub.server.port() + "/graphql"),
                Map.of("Authorization", "Bearer t"), limits);
    }

    /** An Upstream whose link is open and acknowledged (a first query answered). */
    private Upstream acknowledged(UpstreamLimits limits) {
        Upstream opened = upstream(limits);
        BlockingQueue<Map<String, Object>> told = new LinkedBlockingQueue<>();
        opened.operation("first", QUERY).subscribe(told::add);
        stub.next("connection_init");
        stub.send("{\"type\":\"connection_ack\"}");
        String id = (String) stub.next("subscribe").get("id");
        stub.send(next(id, "first"));
        stub.send("{\"id\":\"" + id + "\",\"type\":\"complete\"}");
        assertThat(poll(told)).isEqualTo(Map.of("data", "first"));
        return opened;
    }

    private static String next(String id, String data) {
        return JSON.writeValueAsString(Map.of("id", id, "type", "next", "payload", Map.of("data", data)));
    }

    private static Map<String, Object> poll(BlockingQueue<Map<String, Object>> queue) {
        try {
            Map<String, Object> next = queue.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(next).as("a message within " + WAIT).isNotNull();
            return next;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A graphql-transport-ws server that says only what the test tells it to, and keeps what it is sent. */
    private static final class Stub {

        final BlockingQueue<Map<String, Object>> received = new LinkedBlockingQueue<>();
        final Set<Channel> channels = ConcurrentHashMap.newKeySet();
        final AtomicInteger connections = new AtomicInteger();
        final AtomicInteger pings = new AtomicInteger();
        final DisposableServer server = HttpServer.create().port(0)
                .handle((request, response) -> response.sendWebsocket((in, out) -> {
                    in.withConnection(connection -> {
                        connections.incrementAndGet();
                        channels.add(connection.channel());
                        connection.channel().closeFuture().addListener(closed -> channels.remove(connection.channel()));
                    });
                    return in.receiveFrames().doOnNext(frame -> {
                        if (frame instanceof PingWebSocketFrame) {
                            pings.incrementAndGet();
                        } else if (frame instanceof TextWebSocketFrame text) {
                            @SuppressWarnings("unchecked")
                            Map<String, Object> message = JSON.readValue(text.text(), Map.class);
                            received.add(message);
                        }
                    }).then();
                }, WebsocketServerSpec.builder().protocols("graphql-transport-ws").handlePing(true).build()))
                .bindNow();

        /** The next message received, which must be of {@code type}. */
        Map<String, Object> next(String type) {
            Map<String, Object> message = poll(received);
            assertThat(message).containsEntry("type", type);
            return message;
        }

        void send(String text) {
            channels.forEach(channel -> channel.writeAndFlush(new TextWebSocketFrame(text)));
        }

        void closeAll(int code, String reason) {
            channels.forEach(channel -> channel.writeAndFlush(new CloseWebSocketFrame(code, reason)));
        }
    }
}
