package io.livedrop.bench.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.livedrop.bench.Waits;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.WebsocketServerSpec;

/** The swarm against a minimal graphql-transport-ws server: accepted by pong, deflate negotiated, doubles counted. */
class SwarmTest {

    private static final int N = 5;
    private final Sinks.Many<String> broadcast = Sinks.many().multicast().directBestEffort();
    private DisposableServer server;

    @AfterEach
    void stop() {
        server.disposeNow();
    }

    private String start(boolean compress) {
        server = HttpServer.create().host("127.0.0.1").port(0).route(r -> r.ws("/graphql", (in, out) ->
                out.sendString(Flux.merge(in.receive().asString().mapNotNull(SwarmTest::reply), broadcast.asFlux())),
                WebsocketServerSpec.builder().protocols("graphql-transport-ws").compress(compress).build())).bindNow();
        return "ws://HOST:" + server.port() + "/graphql";
    }

    private static String reply(String message) {
        return message.contains("connection_init") ? "{\"type\":\"connection_ack\"}"
                : message.contains("\"ping\"") ? "{\"type\":\"pong\"}" : null;
    }

    private static String next(String dropId) {
        return "{\"id\":\"1\",\"type\":\"next\",\"payload\":{\"data\":{\"dropStarted\":{\"drop\":{\"id\":\"" + dropId
                + "\"},\"startedAt\":\"2026-12-05T10:00:00Z\"}}}}";
    }

    @Test
    void countsEachSubscriberOnceAndATellingTwiceAsDoubled() {
        try (Swarm swarm = new Swarm("test", N, start(true), Documents.BENCH, true, i -> "token-" + i)) {
            swarm.open(2, Duration.ofSeconds(30));
            broadcast.tryEmitNext(next("d1"));
            broadcast.tryEmitNext(next("d2"));
            broadcast.tryEmitNext(next("d2"));
            Waits.await(() -> swarm.delivery("d2").duplicates.get() == N, Duration.ofSeconds(30));

            assertThat(swarm.stats().accepted()).isEqualTo(N);
            assertThat(swarm.stats().deflated()).isEqualTo(N);
            assertThat(swarm.delivery("d1").told.get()).isEqualTo(N);
            assertThat(swarm.delivery("d1").duplicates.get()).isZero();
            assertThat(swarm.delivery("d2").told.get()).isEqualTo(N);
            assertThat(swarm.delivery("d2").duplicates.get()).isEqualTo(N);
            assertThat(swarm.delivery("d1").startedAt).isEqualTo("2026-12-05T10:00:00Z");
        }
    }

    @Test
    void withoutTheOfferNoDeflateIsNegotiated() {
        try (Swarm swarm = new Swarm("test", N, start(true), Documents.BENCH, false, i -> "token-" + i)) {
            swarm.open(2, Duration.ofSeconds(30));

            assertThat(swarm.stats().accepted()).isEqualTo(N);
            assertThat(swarm.stats().deflated()).isZero();
        }
    }

    @Test
    void aServerThatNeverAnswersThePingAcceptsNoOne() {
        server = HttpServer.create().host("127.0.0.1").port(0).route(r -> r.ws("/graphql", (in, out) ->
                out.sendString(in.receive().asString().filter(m -> m.contains("connection_init"))
                        .map(m -> "{\"type\":\"connection_ack\"}")),
                WebsocketServerSpec.builder().protocols("graphql-transport-ws").build())).bindNow();
        try (Swarm swarm = new Swarm("test", N, "ws://HOST:" + server.port() + "/graphql", Documents.BENCH, false,
                i -> "token-" + i)) {
            swarm.open(N, Duration.ofSeconds(3));

            assertThat(swarm.stats().accepted()).isZero();
        }
    }
}
