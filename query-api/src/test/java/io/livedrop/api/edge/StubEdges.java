package io.livedrop.api.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.livedrop.api.edge.SlowConsumerTest.RawClient;
import io.livedrop.api.fanout.Recipient;
import io.livedrop.api.fanout.SharedPayload;
import io.livedrop.api.limits.Refusals;
import io.livedrop.api.websocket.WebSocketProperties;
import io.livedrop.api.websocket.WebSocketSessions;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.graphql.server.WebGraphQlHandler;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import org.springframework.util.unit.DataSize;

/** Edges without Spring for the edge's own tests: started on a free port over a stub handler, and their clients. */
final class StubEdges {

    /** The bounds the tests use unless they test one: 20 subscriptions, 16 KB messages, 50 messages a second. */
    static final WebSocketProperties LIMITS = new WebSocketProperties(10, 20, 100, DataSize.ofKilobytes(16), 50, 200);

    private StubEdges() {
    }

    /** Refusals counted into a registry of their own. */
    static Refusals refusals() {
        return new Refusals(new DefaultListableBeanFactory().getBeanProvider(MeterRegistry.class));
    }

    /** A started edge: 256 KB high-water mark, the given idle and init timeouts. */
    static EdgeServer started(WebGraphQlHandler handler, WebSocketSessions sessions, WebSocketProperties limits,
                              Refusals refusals, Duration idleTimeout, Duration initTimeout) {
        EdgeServer edge = new EdgeServer(handler, sessions, limits,
                new EdgeProperties(0, DataSize.ofKilobytes(256), idleTimeout, null), refusals,
                new JacksonJsonHttpMessageConverter(), initTimeout, null);
        edge.start();
        return edge;
    }

    /** A client past connection_init. */
    static RawClient initialised(int port) throws IOException {
        RawClient client = new RawClient(port);
        client.sendText("{\"type\":\"connection_init\"}");
        assertThat(client.readText()).contains("connection_ack");
        return client;
    }

    /** Queues one payload for {@code recipient} and flushes, on its loop, as {@code Fanout} does: whether taken. */
    static boolean send(Recipient recipient, byte[] payload, boolean latestWins) throws Exception {
        CompletableFuture<Boolean> queued = new CompletableFuture<>();
        recipient.loop().execute(() -> {
            boolean ok = recipient.next(new SharedPayload(payload), latestWins);
            recipient.flush();
            queued.complete(ok);
        });
        return queued.get(10, TimeUnit.SECONDS);
    }
}
