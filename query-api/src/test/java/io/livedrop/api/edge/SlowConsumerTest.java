package io.livedrop.api.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import graphql.ExecutionResult;
import io.livedrop.api.fanout.Recipient;
import io.livedrop.api.limits.Refusals;
import io.livedrop.api.testing.GraphQlWsClient;
import io.livedrop.api.websocket.WebSocketSessions;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
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
 * The edge's high-water mark, on an edge with no application behind it (every subscribe attaches its recipient
 * and streams nothing): a client that stops reading is closed 1013 and counted once more than
 * {@code livedrop.edge.max-buffered} would queue for it; a latest-wins stream to such a client is refused instead,
 * and called back once the client has read what was queued. Also the init timeout (4408). Nothing is held for a
 * client once it has gone.
 */
class SlowConsumerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final byte[] PAYLOAD = payload(64 * 1024);

    private final BlockingQueue<Recipient> recipients = new LinkedBlockingQueue<>();
    private final List<RawClient> clients = new ArrayList<>();
    private Refusals refusals;
    private WebSocketSessions sessions;
    private EdgeServer edge;

    @BeforeEach
    void start() {
        refusals = StubEdges.refusals();
        sessions = new WebSocketSessions(StubEdges.LIMITS, refusals);
        edge = StubEdges.started(new AttachingHandler(), sessions, StubEdges.LIMITS, refusals, Duration.ofMinutes(5),
                Duration.ofSeconds(1));
    }

    @AfterEach
    void stop() {
        clients.forEach(RawClient::close);
        edge.stop();
    }

    @Test
    void shouldCloseAClientThatStopsReadingWith1013AndCountIt() throws Exception {
        // Given a client subscribed once, which then stops reading
        RawClient client = connect();
        Recipient recipient = subscribe(client, "s1");
        double before = refusals.refused(EdgeProperties.MAX_BUFFERED);

        // When broadcasts keep coming for it: each queued and flushed, as a fan-out does
        int queued = 0;
        while (send(recipient, false)) {
            queued++;
            assertThat(queued).as("messages queued before the bound bit").isLessThan(10_000);
        }

        // Then it is refused once, counted under the setting's name, and the connection is closed
        assertThat(refusals.refused(EdgeProperties.MAX_BUFFERED)).isEqualTo(before + 1);
        await().atMost(WAIT).until(() -> edge.connections() == 0);
        // And nothing is held for it any more
        assertThat(sessions.openSockets()).isZero();
        assertThat(sessions.openOperations()).isZero();
        // And what it reads ends with the close 1013, or the connection ends (closed after a second without it)
        assertThat(client.closeCodeAtEnd()).isIn(1013, -1);
    }

    @Test
    void shouldRefuseALatestWinsMessageWithoutClosingAndCallBackOnceDrained() throws Exception {
        RawClient client = connect();
        Recipient recipient = subscribe(client, "watch");
        double before = refusals.refused(EdgeProperties.MAX_BUFFERED);

        // Given a latest-wins stream to a client that does not read, until a message is refused
        int queued = 0;
        while (send(recipient, true)) {
            queued++;
            assertThat(queued).as("messages queued before the bound bit").isLessThan(10_000);
        }
        AtomicInteger calledBack = new AtomicInteger();
        recipient.loop().execute(() -> recipient.onWritable(calledBack::incrementAndGet));

        // Then it is not closed, nor counted
        assertThat(refusals.refused(EdgeProperties.MAX_BUFFERED)).isEqualTo(before);
        assertThat(edge.connections()).isEqualTo(1);
        assertThat(calledBack).hasValue(0);

        // When the client reads what was queued: each message the shared bytes framed with its id
        String expected = "{\"id\":\"watch\",\"type\":\"next\",\"payload\":" + new String(PAYLOAD, StandardCharsets.UTF_8) + "}";
        for (int i = 0; i < queued; i++) {
            assertThat(client.readText()).isEqualTo(expected);
        }

        // Then the stream is called back once, and the connection serves on
        await().atMost(WAIT).until(() -> calledBack.get() == 1);
        assertThat(send(recipient, true)).isTrue();
        assertThat(client.readText()).isEqualTo(expected);
        client.sendText("{\"type\":\"ping\"}");
        assertThat(client.readText()).contains("\"pong\"");
        assertThat(calledBack).hasValue(1);
    }

    @Test
    void shouldClose4408AConnectionThatDoesNotInitInTime() {
        try (GraphQlWsClient client = GraphQlWsClient.connect(URI.create("ws://localhost:" + edge.port() + "/graphql"))) {
            GraphQlWsClient.Closed closed = client.awaitClosed(WAIT);

            assertThat(closed.code()).isEqualTo(4408);
            assertThat(closed.reason()).isEqualTo("Connection initialisation timeout");
        }
        await().atMost(WAIT).until(() -> edge.connections() == 0 && sessions.openSockets() == 0);
    }

    @Test
    void shouldCloseAConnectionSilentForTheIdleTimeoutWith1001() throws Exception {
        EdgeServer impatient = StubEdges.started(new AttachingHandler(), sessions, StubEdges.LIMITS, refusals,
                Duration.ofMillis(400), Duration.ofSeconds(10));
        try (RawClient client = StubEdges.initialised(impatient.port())) {
            // When it then says nothing, it is closed 1001, and nothing is held for it
            assertThat(client.closeCodeAtEnd()).isEqualTo(1001);
            await().atMost(WAIT).until(() -> impatient.connections() == 0 && sessions.openSockets() == 0);
        } finally {
            impatient.stop();
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Queues one message for {@code recipient} and flushes, on its loop, as {@code Fanout.deliver} does. */
    private static boolean send(Recipient recipient, boolean latestWins) throws Exception {
        return StubEdges.send(recipient, PAYLOAD, latestWins);
    }

    private RawClient connect() throws IOException {
        RawClient client = new RawClient(edge.port());
        clients.add(client);
        return client;
    }

    private Recipient subscribe(RawClient client, String id) throws Exception {
        client.sendText("{\"type\":\"connection_init\"}");
        assertThat(client.readText()).contains("connection_ack");
        client.sendText("{\"type\":\"subscribe\",\"id\":\"" + id + "\",\"payload\":{\"query\":\"subscription { x }\"}}");
        Recipient recipient = recipients.poll(10, TimeUnit.SECONDS);
        assertThat(recipient).as("the subscription's recipient").isNotNull();
        return recipient;
    }

    private static byte[] payload(int size) {
        byte[] bytes = new byte[size];
        Arrays.fill(bytes, (byte) 'x');
        byte[] head = "{\"data\":\"".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(head, 0, bytes, 0, head.length);
        bytes[size - 2] = '"';
        bytes[size - 1] = '}';
        return bytes;
    }

    /** Every subscribe attaches: its recipient is handed to the test and its result stream never emits. */
    private final class AttachingHandler extends StubGraphQlHandler {

        @Override
        public Mono<WebGraphQlResponse> handleRequest(WebGraphQlRequest request) {
            var input = request.toExecutionInput();
            recipients.add(input.getGraphQLContext().get(Recipient.CONTEXT_KEY));
            ExecutionResult attached = ExecutionResult.newExecutionResult().data(Flux.never()).build();
            return Mono.just(new WebGraphQlResponse(new DefaultExecutionGraphQlResponse(input, attached)));
        }
    }

    /**
     * A WebSocket client over a plain socket with a small receive buffer, so that not reading means the server's
     * writes back up (a client library would read ahead into its own queue).
     */
    static final class RawClient implements AutoCloseable {

        private final Socket socket = new Socket();
        private final DataInputStream in;
        private final OutputStream out;

        RawClient(int port) throws IOException {
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress("localhost", port), 5_000);
            socket.setSoTimeout(10_000);
            in = new DataInputStream(socket.getInputStream());
            out = socket.getOutputStream();
            String key = Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
            out.write(("GET /graphql HTTP/1.1\r\nHost: localhost:" + port + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String status = readHeaders(in);
            if (!status.startsWith("HTTP/1.1 101")) {
                throw new IOException("no upgrade: " + status);
            }
        }

        private static String readHeaders(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("closed during the handshake");
                }
                head.write(b);
                matched = (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1) ? matched + 1 : 0;
            }
            return head.toString(StandardCharsets.US_ASCII);
        }

        /** One masked text frame. */
        void sendText(String text) throws IOException {
            sendFrame(0x1, text.getBytes(StandardCharsets.UTF_8));
        }

        /** One masked, final frame with {@code opcode}. */
        void sendFrame(int opcode, byte[] data) throws IOException {
            ByteArrayOutputStream frame = new ByteArrayOutputStream();
            frame.write(0x80 | opcode);
            if (data.length < 126) {
                frame.write(0x80 | data.length);
            } else {
                frame.write(0x80 | 126);
                frame.write(data.length >>> 8);
                frame.write(data.length & 0xff);
            }
            byte[] mask = {1, 2, 3, 4};
            frame.write(mask);
            for (int i = 0; i < data.length; i++) {
                frame.write(data[i] ^ mask[i % 4]);
            }
            out.write(frame.toByteArray());
            out.flush();
        }

        /** The next text message (unfragmented, as the edge sends them). */
        String readText() throws IOException {
            Frame frame = readFrame();
            if (frame.opcode() != 0x1) {
                throw new AssertionError("expected a text frame, got opcode " + frame.opcode());
            }
            return new String(frame.payload(), StandardCharsets.UTF_8);
        }

        /** Reads to the end: the close code the server sent last, or -1 if the connection ended without one. */
        int closeCodeAtEnd() {
            byte[] close = closePayloadAtEnd();
            return close == null ? -1 : ((close[0] & 0xff) << 8) | (close[1] & 0xff);
        }

        /** Reads to the end: the payload of the close frame the server sent, or null if it sent none. */
        byte[] closePayloadAtEnd() {
            try {
                while (true) {
                    Frame frame = readFrame();
                    if (frame.opcode() == 0x8) {
                        return frame.payload();
                    }
                }
            } catch (IOException ended) {
                return null;
            }
        }

        private Frame readFrame() throws IOException {
            int first = in.readUnsignedByte();
            int second = in.readUnsignedByte();
            long length = second & 0x7f;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            return new Frame(first & 0x0f, payload);
        }

        private record Frame(int opcode, byte[] payload) {
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // gone already
            }
        }
    }
}
