package io.livedrop.api.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.read.ListAppender;
import ch.qos.logback.core.spi.FilterReply;
import graphql.ExecutionResult;
import io.livedrop.api.edge.SlowConsumerTest.RawClient;
import io.livedrop.api.limits.Refusals;
import io.livedrop.api.websocket.WebSocketProperties;
import io.livedrop.api.websocket.WebSocketSessions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;
import org.springframework.graphql.server.WebGraphQlRequest;
import org.springframework.graphql.server.WebGraphQlResponse;
import org.springframework.graphql.support.DefaultExecutionGraphQlResponse;
import org.springframework.util.unit.DataSize;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What a hostile client can send to the edge, on an edge with no application behind it (a subscription attaches and
 * streams nothing, a query answers 8 KB): nothing it sends makes the server queue more than
 * {@code livedrop.edge.max-buffered} for it (answers to its own messages included: pongs, query results), every
 * close frame is a valid one whatever the client's ids, and a malformed upgrade gets a 4xx, with no ERROR logged.
 */
class HostileClientTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String ANSWER = "y".repeat(8 * 1024);

    private Refusals refusals;
    private WebSocketSessions sessions;
    private EdgeServer edge;

    private final ListAppender<ILoggingEvent> nettyErrors = new ListAppender<>();

    @BeforeEach
    void start() {
        nettyErrors.addFilter(new ThresholdFilter());
        nettyErrors.start();
        ((Logger) LoggerFactory.getLogger("reactor.netty")).addAppender(nettyErrors);
        refusals = StubEdges.refusals();
        // bounds on messages and operations far away: only the high-water mark may stop these clients
        WebSocketProperties limits = new WebSocketProperties(10, 20, 1_000_000, DataSize.ofKilobytes(16),
                1_000_000, 1_000_000);
        sessions = new WebSocketSessions(limits, refusals);
        edge = StubEdges.started(new QueryOrAttachHandler(), sessions, limits, refusals, Duration.ofMinutes(5),
                Duration.ofSeconds(10));
    }

    @AfterEach
    void stop() {
        ((Logger) LoggerFactory.getLogger("reactor.netty")).detachAppender(nettyErrors);
        edge.stop();
    }

    @Test
    void shouldClose1013AClientThatPingsWithoutReadingThePongs() throws Exception {
        try (RawClient client = initialised()) {
            double before = refusals.refused(EdgeProperties.MAX_BUFFERED);
            byte[] ping = new byte[125];
            Arrays.fill(ping, (byte) 'p');

            // When it sends control pings (12.5 MB of them at most) and reads none of the pongs
            sendUntilRefused(before, () -> client.sendFrame(0x9, ping), 100_000);

            // Then it is closed as a slow consumer, counted once, and nothing is held for it
            assertThat(refusals.refused(EdgeProperties.MAX_BUFFERED)).isEqualTo(before + 1);
            await().atMost(WAIT).until(() -> edge.connections() == 0 && sessions.openSockets() == 0);
            assertThat(client.closeCodeAtEnd()).isIn(1013, -1);
        }
    }

    @Test
    void shouldClose1013AClientThatQueriesWithoutReadingTheResults() throws Exception {
        try (RawClient client = initialised()) {
            double before = refusals.refused(EdgeProperties.MAX_BUFFERED);
            int[] next = {0};

            // When it sends queries (80 MB of answers at most), each under a new id, and reads none of the answers
            sendUntilRefused(before, () -> client.sendText("{\"type\":\"subscribe\",\"id\":\"q" + next[0]++
                    + "\",\"payload\":{\"query\":\"{ x }\"}}"), 10_000);

            // Then it is closed as a slow consumer, counted once, and nothing is held for it
            assertThat(refusals.refused(EdgeProperties.MAX_BUFFERED)).isEqualTo(before + 1);
            await().atMost(WAIT).until(() -> edge.connections() == 0 && sessions.openSockets() == 0
                    && sessions.openOperations() == 0);
            assertThat(client.closeCodeAtEnd()).isIn(1013, -1);
        }
    }

    @Test
    void shouldSendAValidCloseFrameWhateverTheLengthOfTheClientsId() throws Exception {
        try (RawClient client = initialised()) {
            String id = "é".repeat(150);   // 300 bytes of UTF-8
            String subscribe = "{\"type\":\"subscribe\",\"id\":\"" + id + "\",\"payload\":{\"query\":\"subscription { x }\"}}";
            client.sendText(subscribe);

            // When it subscribes again with that id, still open
            client.sendText(subscribe);

            // Then it is closed 4409 with a close frame a client accepts: at most 125 bytes (RFC 6455, 5.5), and a
            // reason that is whole UTF-8
            byte[] close = client.closePayloadAtEnd();
            assertThat(close).isNotNull();
            assertThat(close.length).isLessThanOrEqualTo(125);
            assertThat(((close[0] & 0xff) << 8) | (close[1] & 0xff)).isEqualTo(4409);
            String reason = StandardCharsets.UTF_8.newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(close, 2, close.length - 2)).toString();
            assertThat(reason).startsWith("Subscriber for ");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "POST /graphql HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: MDEyMzQ1Njc4OWFiY2RlZg==\r\nSec-WebSocket-Version: 13\r\n",
            "GET /graphql HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n",
            "GET /graphql HTTP/1.1\r\nUpgrade: websocket\r\nSec-WebSocket-Key: MDEyMzQ1Njc4OWFiY2RlZg==\r\nSec-WebSocket-Version: 13\r\n",
            "GET /graphql HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: MDEyMzQ1Njc4OWFiY2RlZg==\r\nSec-WebSocket-Version: 99\r\n",
            "GET /graphql HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: MDEyMzQ1Njc4OWFiY2RlZg==\r\nSec-WebSocket-Version: 13\r\nOrigin: null\r\n",
    })
    void shouldAnswerAMalformedUpgradeWithA4xx(String head) throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("localhost", edge.port()), 5_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write((head + "Host: localhost:" + edge.port() + "\r\nContent-Length: 0\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String status = statusLine(socket.getInputStream());
            assertThat(status).matches("HTTP/1\\.1 4\\d\\d.*");
        }
        edge.stop();   // whatever its loops were doing for this client is done and logged
        assertThat(nettyErrors.list).extracting(ILoggingEvent::getFormattedMessage).isEmpty();
    }

    @Test
    void shouldCloseConnectionsThatDoNotUpgradeWithinTheInitTimeoutButNotUpgradedOnes() throws Exception {
        EdgeServer quick = StubEdges.started(new QueryOrAttachHandler(), sessions, StubEdges.LIMITS, refusals,
                Duration.ofMinutes(5), Duration.ofMillis(500));
        try (Socket silent = new Socket(); Socket trickling = new Socket();
             RawClient upgraded = StubEdges.initialised(quick.port())) {
            silent.connect(new InetSocketAddress("localhost", quick.port()), 5_000);
            trickling.connect(new InetSocketAddress("localhost", quick.port()), 5_000);

            // When one client says nothing and another sends a request a byte at a time, never ending it
            trickling.setSoTimeout(100);
            byte[] request = ("GET /graphql HTTP/1.1\r\nHost: localhost\r\n" + "X-Slow: " + "s".repeat(200))
                    .getBytes(StandardCharsets.US_ASCII);
            boolean trickleClosed = false;
            for (int i = 0; i < request.length && !trickleClosed; i++) {
                try {
                    trickling.getOutputStream().write(request[i]);
                    trickleClosed = endsWithin(trickling);
                } catch (java.net.SocketException closed) {
                    trickleClosed = true;
                }
            }

            // Then the server ends both, as it ends a connection that upgrades but does not init
            silent.setSoTimeout(10_000);
            assertThat(endsWithin(silent)).as("the silent connection ended").isTrue();
            assertThat(trickleClosed).as("the trickling connection ended").isTrue();
            // And an upgraded connection lives on past that time
            upgraded.sendText("{\"type\":\"ping\"}");
            assertThat(upgraded.readText()).contains("pong");
        } finally {
            quick.stop();
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Whether the server ended the connection before the socket's read timeout (what it sent is skipped). */
    private static boolean endsWithin(Socket socket) throws IOException {
        try {
            while (socket.getInputStream().read() >= 0) {
                // an answer, if any: read on to the end
            }
            return true;
        } catch (java.net.SocketTimeoutException stillOpen) {
            return false;
        } catch (java.net.SocketException reset) {
            return true;
        }
    }

    private interface Send {
        void send() throws IOException;
    }

    /** Sends until the high-water mark refuses the client, the connection breaks, or {@code max} were sent. */
    private void sendUntilRefused(double before, Send send, int max) {
        for (int i = 0; i < max && refusals.refused(EdgeProperties.MAX_BUFFERED) == before; i++) {
            try {
                send.send();
            } catch (IOException closed) {
                return;
            }
        }
        await().atMost(WAIT).until(() -> refusals.refused(EdgeProperties.MAX_BUFFERED) > before);
    }

    private RawClient initialised() throws IOException {
        return StubEdges.initialised(edge.port());
    }

    private static String statusLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b >= 0 && b != '\r'; b = in.read()) {
            line.append((char) b);
        }
        return line.toString();
    }

    /** Keeps ERROR events only. */
    private static final class ThresholdFilter extends Filter<ILoggingEvent> {

        @Override
        public FilterReply decide(ILoggingEvent event) {
            return event.getLevel().isGreaterOrEqual(Level.ERROR) ? FilterReply.NEUTRAL : FilterReply.DENY;
        }
    }

    /** A subscription attaches (its result stream never emits); anything else answers {@link #ANSWER}. */
    private static final class QueryOrAttachHandler extends StubGraphQlHandler {

        @Override
        public Mono<WebGraphQlResponse> handleRequest(WebGraphQlRequest request) {
            var input = request.toExecutionInput();
            ExecutionResult result = request.getDocument().startsWith("subscription")
                    ? ExecutionResult.newExecutionResult().data(Flux.never()).build()
                    : ExecutionResult.newExecutionResult().data(Map.of("x", ANSWER)).build();
            return Mono.just(new WebGraphQlResponse(new DefaultExecutionGraphQlResponse(input, result)));
        }
    }
}
