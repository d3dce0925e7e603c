package io.livedrop.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.livedrop.api.limits.Refusals;
import io.livedrop.api.testing.ApiIntegrationTest;
import io.livedrop.api.testing.GraphQlHttp;
import io.livedrop.api.web.HttpProperties;
import io.livedrop.api.web.PeerListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The HTTP edge of the running application (local profile): the peer endpoints answer peers only,
 * on their own listener, in their own content types, never echoing input; every answer says
 * nosniff, and the pages carry a Content-Security-Policy they can live with; bodies are bounded,
 * declared or chunked; an undecodable query string is a metered 400, not a 500. ADR 0010.
 */
class HttpEdgeIntegrationTest extends ApiIntegrationTest {

    private static final String SCRIPT = "<script>alert(1)</script>";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    PeerListener peers;

    @Autowired
    Refusals refusals;

    @Autowired
    HttpProperties properties;

    @Autowired
    MeterRegistry meters;

    @Test
    void shouldNeitherServeNorEchoAPeerEndpointToABrowser() throws Exception {
        for (String query : List.of("limit=1&kind=" + encode(SCRIPT), "limit=1&kind=creator&creatorId=" + encode(SCRIPT),
                "limit=" + encode(SCRIPT) + "&kind=live", "kind=live")) {
            // When a browser asks the public port for a peer endpoint with markup in its parameters
            HttpResponse<String> publicAnswer = get(port, "/internal/catalog/drops?" + query, "text/html");

            // Then the public port does not serve it at all: a JSON 404 that echoes nothing
            assertThat(publicAnswer.statusCode()).as(query).isEqualTo(404);
            assertThat(publicAnswer.headers().firstValue("Content-Type")).get().asString().startsWith("application/json");
            assertThat(publicAnswer.body()).doesNotContain("<script", "alert");
            assertThat(publicAnswer.headers().firstValue("X-Content-Type-Options")).contains("nosniff");

            // And on the peer listener it is refused in plain text with a fixed message, whatever Accept says
            HttpResponse<String> peerAnswer = get(peers.port(), "/internal/catalog/drops?" + query, "text/html");
            assertThat(peerAnswer.statusCode()).as(query).isEqualTo(400);
            assertThat(peerAnswer.headers().firstValue("Content-Type")).get().asString().startsWith("text/plain");
            assertThat(peerAnswer.body()).as(query).isEqualTo("bad request");
            assertThat(peerAnswer.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        }
        // And every other peer endpoint alike: mistyped or missing parameters, unknown stores and paths
        String markup = encode("<img src=x onerror=alert(1)>");
        for (String path : List.of("/internal/stores/drop-state/keys/" + markup + "?partition=x&stale=false",
                "/internal/stores/" + markup + "/keys/k?partition=0&stale=false",
                "/internal/stores/drop-state/prefix/p", "/internal/social/inbox/" + markup + "?partition=0&stale=false&limit=1",
                "/internal/" + markup)) {
            HttpResponse<String> answer = get(peers.port(), path, "text/html");
            assertThat(answer.statusCode()).as(path).isBetween(400, 499);
            assertThat(answer.headers().firstValue("Content-Type")).get().asString().as(path).startsWith("text/plain");
            assertThat(answer.body()).as(path).doesNotContain("<", "alert", "Exception");
        }
        // And what Tomcat refuses before any filter runs (an encoded '/' in a path) is JSON on both listeners, not its HTML page
        for (int listener : List.of(port, peers.port())) {
            HttpResponse<String> answer = get(listener, "/internal/stores/drop-state/keys/a%2F" + markup + "?partition=0&stale=false",
                    "text/html");
            assertThat(answer.statusCode()).isEqualTo(400);
            assertThat(answer.headers().firstValue("Content-Type")).get().asString().startsWith("application/json");
            assertThat(answer.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
            assertThat(answer.body()).doesNotContain("<", "alert", "Tomcat");
            assertThat(JSON.readTree(answer.body()).path("errors").path(0).path("extensions").path("code").asString())
                    .isEqualTo("BAD_REQUEST");
        }
        // While a good request to a peer endpoint is octet-stream even when HTML is asked for
        HttpResponse<String> good = get(peers.port(), "/internal/catalog/drops?limit=1&kind=live", "text/html");
        assertThat(good.statusCode()).isEqualTo(200);
        assertThat(good.headers().firstValue("Content-Type")).contains("application/octet-stream");
    }

    @Test
    void shouldServeOnlyPeerEndpointsAndTheActuatorOnThePeerListener() throws Exception {
        assertThat(peers.port()).isNotEqualTo(port);
        assertThat(get(peers.port(), "/", "text/html").statusCode()).isEqualTo(404);
        assertThat(get(peers.port(), "/graphiql", "text/html").statusCode()).isEqualTo(404);
        HttpResponse<String> graphQl = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + peers.port() + "/graphql"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        GraphQlHttp.body("{ __typename }", null))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(graphQl.statusCode()).isEqualTo(404);
        assertThat(get(peers.port(), "/actuator/prometheus", "text/plain").statusCode()).isEqualTo(200);
    }

    @Test
    void shouldSayNosniffEverywhereAndGiveThePagesAPolicyWithoutInlineScript() throws Exception {
        for (String path : List.of("/", "/app/livedrop.js", "/app/livedrop.css", "/graphiql", "/no-such-page", "/actuator/health")) {
            assertThat(get(port, path, "text/html").headers().firstValue("X-Content-Type-Options")).as(path).contains("nosniff");
        }
        assertThat(new GraphQlHttp(graphQlUrl()).post(null, "{ __typename }", null).headers()
                .firstValue("X-Content-Type-Options")).contains("nosniff");

        // The web page: scripts and styles from its own origin only, none inline (and the page has none)
        HttpResponse<String> page = get(port, "/", "text/html");
        String policy = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(directive(policy, "script-src")).isEqualTo("'self'");
        assertThat(directive(policy, "style-src")).isEqualTo("'self'");
        assertThat(directive(policy, "frame-ancestors")).isEqualTo("'none'");
        assertNoInlineScriptOrStyle(page.body());

        // GraphiQL: its own policy, no inline script either (its editor needs inline styles)
        HttpResponse<String> graphiql = get(port, "/graphiql", "text/html");
        assertThat(graphiql.statusCode()).isEqualTo(200);
        assertThat(directive(graphiql.headers().firstValue("Content-Security-Policy").orElseThrow(), "script-src"))
                .isEqualTo("'self'");
        assertNoInlineScriptOrStyle(graphiql.body());
        assertThat(get(port, "/graphiql/graphiql.js", "*/*").statusCode()).isEqualTo(200);
    }

    @Test
    void shouldRefuseABodyOverTheLimitBeforeReadingItWhenItsLengthIsDeclared() throws Exception {
        double refusedBefore = refusals.refused(HttpProperties.MAX_BODY_SIZE);

        // When a client declares a 100 MB body and sends only its first bytes
        String answer = raw("POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: 100000000\r\n\r\n{\"query\":\"", null);

        // Then it is refused at once with 413 and a GraphQL-shaped BAD_REQUEST, and counted
        assertThat(answer).startsWith("HTTP/1.1 413");
        assertBadRequestBody(answer);
        assertThat(refusals.refused(HttpProperties.MAX_BODY_SIZE)).isEqualTo(refusedBefore + 1);
    }

    @Test
    void shouldLetAnOrdinaryClientReadThe413OfABodyItIsStillSending() {
        // Given a client (the JDK's) that sends a whole 2 MB body with its length, as the fault suite's hostile mix does
        for (int i = 0; i < 5; i++) {
            GraphQlHttp.Answer answer = new GraphQlHttp(graphQlUrl()).send("POST", "application/json",
                    "{\"query\":\"{ __typename }\",\"pad\":\"" + "y".repeat(2 * 1024 * 1024) + "\"}", null);

            // Then it reads the refusal, not a reset connection
            assertThat(answer.status()).isEqualTo(413);
            assertThat(answer.codes()).containsExactly("BAD_REQUEST");
        }
    }

    @Test
    void shouldRefuseAChunkedBodyOnceItPassesTheLimit() throws Exception {
        double refusedBefore = refusals.refused(HttpProperties.MAX_BODY_SIZE);
        int limit = (int) properties.maxBodySize().toBytes();

        // When a client streams a chunked body twice the limit
        String answer = raw("POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n", chunked("{\"query\":\"{ __typename }\",\"x\":\"" + "x".repeat(2 * limit) + "\"}"));

        // Then it is refused with 413 and counted
        assertThat(answer).startsWith("HTTP/1.1 413");
        assertBadRequestBody(answer);
        assertThat(refusals.refused(HttpProperties.MAX_BODY_SIZE)).isEqualTo(refusedBefore + 1);

        // While a chunked body under the limit is answered as usual
        String small = raw("POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n", chunked(GraphQlHttp.body("{ __typename }", null)));
        assertThat(small).startsWith("HTTP/1.1 200").contains("\"__typename\":\"Query\"");
    }

    @Test
    void shouldAnswerAnUndecodableQueryStringWithAMetered400AndNoErrorLog() throws Exception {
        // (the actuator reads every parameter: there Tomcat threw from getParameterMap(), the servlet
        // logged "Servlet.service() ... threw exception" as an ERROR and the 400 was metered as a 500)
        for (String request : List.of("GET /actuator/health?probe=%zz", "POST /graphql?x=%zz")) {
            double failedBefore = served("500");
            double refusedBefore = served("400");
            ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                    org.slf4j.Logger.ROOT_LOGGER_NAME);
            ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged =
                    new ch.qos.logback.core.read.ListAppender<>();
            logged.start();
            root.addAppender(logged);
            try {
                // When a request's query string has a bad %-escape
                byte[] body = GraphQlHttp.body("{ __typename }", null).getBytes(StandardCharsets.UTF_8);
                String answer = raw(request + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n", body);

                // Then it is a 400 with a GraphQL-shaped BAD_REQUEST, metered as a 400, and nothing is logged as an error
                assertThat(answer).as(request).startsWith("HTTP/1.1 400");
                assertBadRequestBody(answer);
                // (metered once the filter chain has returned, which can be just after the answer arrived)
                await().atMost(Duration.ofSeconds(10)).until(() -> served("400") > refusedBefore);
                assertThat(served("500")).as(request).isEqualTo(failedBefore);
                assertThat(logged.list).as(request).noneMatch(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN)
                        && e.getLoggerName().startsWith("org.apache"));
            } finally {
                root.detachAppender(logged);
            }
        }
    }

    // ---- helpers

    private double served(String status) {
        return meters.find("http.server.requests").tag("status", status).timers().stream().mapToLong(Timer::count).sum();
    }

    private static HttpResponse<String> get(int port, String path, String accept) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Accept", accept).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String directive(String policy, String name) {
        Matcher matcher = Pattern.compile("(?:^|;)\\s*" + Pattern.quote(name) + "\\s+([^;]*)").matcher(policy);
        assertThat(matcher.find()).as("%s in %s", name, policy).isTrue();
        return matcher.group(1).strip();
    }

    private static void assertNoInlineScriptOrStyle(String html) {
        assertThat(Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>", Pattern.CASE_INSENSITIVE).matcher(html).find())
                .as("an inline script in %s", html).isFalse();
        assertThat(html).doesNotContainIgnoringCase("<style").doesNotContainIgnoringCase(" style=")
                .doesNotContainIgnoringCase("javascript:").doesNotContainPattern("(?i)\\son[a-z]+=");
    }

    private static void assertBadRequestBody(String answer) {
        String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
        assertThat(answer).containsIgnoringCase("Content-Type: application/json");
        assertThat(JSON.readTree(body).path("errors").path(0).path("extensions").path("code").asString()).isEqualTo("BAD_REQUEST");
    }

    private static byte[] chunked(String body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        for (int at = 0; at < bytes.length; at += 8192) {
            int n = Math.min(8192, bytes.length - at);
            out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes, at, n);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /** Writes a request on a fresh socket and reads the answer until the server closes or a response is complete. */
    private String raw(String head, byte[] body) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            try {
                if (body != null) {
                    out.write(body);
                }
                out.flush();
            } catch (IOException e) {
                // the server answered and closed before taking the whole body: read what it said
            }
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    answer.write(buffer, 0, n);
                    if (complete(answer.toString(StandardCharsets.UTF_8))) {
                        break;
                    }
                }
            } catch (IOException e) {
                // a reset after the answer: what came is the answer
            }
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    /** Whether a response with a Content-Length or chunked body has all arrived. */
    private static boolean complete(String response) {
        int end = response.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        Matcher length = Pattern.compile("(?i)content-length: *(\\d+)").matcher(response.substring(0, end));
        if (length.find()) {
            return response.getBytes(StandardCharsets.UTF_8).length >= end + 4 + Integer.parseInt(length.group(1));
        }
        return response.endsWith("0\r\n\r\n");
    }
}
