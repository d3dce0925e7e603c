package io.livedrop.edge.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.livedrop.api.query.StoreUnavailableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * ApiPeers against stub hosts: a host that refuses connections, answers 503, or never answers is
 * passed over for the next; any other answer is the answer; when none answers, UNAVAILABLE.
 */
class ApiPeersTest {

    private static final Duration TIMEOUT = Duration.ofMillis(500);

    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeStubs() throws Exception {
        for (AutoCloseable stub : opened) {
            stub.close();
        }
    }

    @Test
    void shouldAskTheNextHostWhenOneIsDownAnswers503OrNeverAnswers() {
        // Given a live host behind a dead one, one answering 503 and one that accepts connections but never answers
        Stub live = stub(200, "live");
        Stub busy = stub(503, "not served here (any more)");
        ApiPeers peers = new ApiPeers(List.of(deadHost(), busy.host(), silentHost(), live.host()), TIMEOUT);

        // When it is asked once for every host it could start with
        for (int i = 0; i < 4; i++) {
            ApiPeers.Answer answer = peers.get("/internal/edge/drops/d1", null);

            // Then every time the live host answers
            assertThat(answer.status()).isEqualTo(200);
            assertThat(new String(answer.body(), StandardCharsets.UTF_8)).isEqualTo("live");
        }
        assertThat(live.requests.get()).isEqualTo(4);
    }

    @Test
    void shouldTakeARefusalAsTheAnswerAndTakeHostsInTurn() {
        Stub first = stub(404, "not found");
        Stub second = stub(404, "not found");
        ApiPeers peers = new ApiPeers(List.of(first.host(), second.host()), TIMEOUT);

        for (int i = 0; i < 4; i++) {
            assertThat(peers.get("/internal/edge/drops/d1", null).status()).isEqualTo(404);
        }

        // each was asked twice: a 404 is an answer, not a reason to ask the other
        assertThat(first.requests.get()).isEqualTo(2);
        assertThat(second.requests.get()).isEqualTo(2);
    }

    @Test
    void shouldBeUnavailableWhenNoHostAnswers() {
        ApiPeers peers = new ApiPeers(List.of(deadHost(), stub(503, "busy").host()), TIMEOUT);

        assertThatThrownBy(() -> peers.post("/internal/edge/render", "{}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("retry");
    }

    @Test
    void shouldRefuseHostsThatAreNotHostAndPort() {
        assertThatThrownBy(() -> new ApiPeers(List.of(), TIMEOUT)).isInstanceOf(IllegalArgumentException.class);
        for (String host : List.of("api-1", "http://api-1:8090", "api-1:8090/x", "api 1:8090")) {
            assertThatThrownBy(() -> new ApiPeers(List.of(host), TIMEOUT)).as(host)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    // ------------------------------------------------------------------ stubs

    private record Stub(HttpServer server, AtomicInteger requests) implements AutoCloseable {

        String host() {
            return "127.0.0.1:" + server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    private Stub stub(int status, String body) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            AtomicInteger requests = new AtomicInteger();
            server.createContext("/", exchange -> {
                requests.incrementAndGet();
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(status, bytes.length);
                exchange.getResponseBody().write(bytes);
                exchange.close();
            });
            server.start();
            Stub stub = new Stub(server, requests);
            opened.add(stub);
            return stub;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A port nothing listens on: connections are refused. */
    private static String deadHost() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return "127.0.0.1:" + socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A socket that listens but never accepts: connections complete in its backlog, requests are never answered. */
    private String silentHost() {
        try {
            ServerSocket socket = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
            opened.add(socket);
            return "127.0.0.1:" + socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
