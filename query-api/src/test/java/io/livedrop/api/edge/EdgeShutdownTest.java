package io.livedrop.api.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.livedrop.api.edge.SlowConsumerTest.RawClient;
import io.livedrop.api.limits.Refusals;
import io.livedrop.api.websocket.WebSocketProperties;
import io.livedrop.api.websocket.WebSocketSessions;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.graphql.server.WebGraphQlRequest;
import org.springframework.graphql.server.WebGraphQlResponse;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import org.springframework.util.unit.DataSize;
import reactor.core.publisher.Mono;

/** An edge that stops tells its clients, as Tomcat does: close 1001 (going away), so that they reconnect elsewhere. */
class EdgeShutdownTest {

    @Test
    void shouldClose1001EveryConnectionWhenTheEdgeStops() throws Exception {
        Refusals refusals = new Refusals(new DefaultListableBeanFactory().getBeanProvider(MeterRegistry.class));
        WebSocketProperties limits = new WebSocketProperties(10, 20, 100, DataSize.ofKilobytes(16), 50, 200);
        EdgeServer edge = new EdgeServer(new NoOperations(), new WebSocketSessions(limits, refusals), limits,
                new EdgeProperties(0, DataSize.ofKilobytes(256), Duration.ofMinutes(5), null), refusals,
                new JacksonJsonHttpMessageConverter(), Duration.ofSeconds(10), null);
        edge.start();
        try (RawClient initialised = new RawClient(edge.port()); RawClient notInitialised = new RawClient(edge.port())) {
            initialised.sendText("{\"type\":\"connection_init\"}");
            assertThat(initialised.readText()).contains("connection_ack");
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
