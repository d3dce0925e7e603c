package io.livedrop.api.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.livedrop.api.edge.SlowConsumerTest.RawClient;
import io.livedrop.api.limits.Refusals;
import io.livedrop.api.websocket.WebSocketSessions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.graphql.server.WebGraphQlRequest;
import org.springframework.graphql.server.WebGraphQlResponse;
import reactor.core.publisher.Mono;

/** An edge that stops tells its clients, as Tomcat does: close 1001 (going away), so that they reconnect elsewhere. */
class EdgeShutdownTest {

    @Test
    void shouldClose1001EveryConnectionWhenTheEdgeStops() throws Exception {
        Refusals refusals = StubEdges.refusals();
        EdgeServer edge = StubEdges.started(new NoOperations(), new WebSocketSessions(StubEdges.LIMITS, refusals),
                StubEdges.LIMITS, refusals, Duration.ofMinutes(5), Duration.ofSeconds(10));
        try (RawClient initialised = StubEdges.initialised(edge.port());
             RawClient notInitialised = new RawClient(edge.port())) {
            notInitialised.sendText("{\"type\":\"ping\"}");
            assertThat(notInitialised.readText()).contains("pong");

            // When the edge stops
            edge.stop();

            // Then each of its connections ends with a close 1001
            assertThat(initialised.closeCodeAtEnd()).isEqualTo(1001);
            assertThat(notInitialised.closeCodeAtEnd()).isEqualTo(1001);
        } finally {
            edge.stop();
        }
    }

    /** No operation is sent in this test. */
    private static final class NoOperations extends StubGraphQlHandler {

        @Override
        public Mono<WebGraphQlResponse> handleRequest(WebGraphQlRequest request) {
            return Mono.error(new UnsupportedOperationException());
        }
    }
}
