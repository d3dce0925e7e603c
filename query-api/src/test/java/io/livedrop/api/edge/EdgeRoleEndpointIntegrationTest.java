package io.livedrop.api.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.livedrop.api.catalog.CatalogQueryService;
import io.livedrop.api.catalog.DropView;
import io.livedrop.api.testing.ApiIntegrationTest;
import io.livedrop.api.testing.Tokens;
import io.livedrop.api.web.PeerListener;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * The API end of the edge role's reads, as the wire shows it: JSON answers on the peer listener
 * only, instants in ISO-8601; refusals in plain text with the fixed message of their status, never
 * the input: 400 malformed, 403 another user's token, 404 no such drop, 422 not shareable.
 */
class EdgeRoleEndpointIntegrationTest extends ApiIntegrationTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String STARTED = "subscription { dropStarted { startedAt drop { id creator { id viewerFollows } } } }";

    @Autowired
    private PeerListener peers;
    @Autowired
    private CatalogQueryService catalog;

    @Test
    void shouldAnswerADropAsJsonWithIsoInstantsOnThePeerListenerOnly() throws Exception {
        String creator = "c-" + shortId();
        String dropId = startDrop(creator, createProduct(creator), 10);

        HttpResponse<String> answer = get(peers.port(), EdgeRoleEndpoint.DROPS_PATH + dropId, null);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type")).get().asString().startsWith("application/json");
        JsonNode drop = EdgeRoleEndpoint.WIRE.readTree(answer.body());
        assertThat(Instant.parse(drop.path("startsAt").asString())).isEqualTo(catalog.drop(dropId).orElseThrow().startsAt());
        assertThat(EdgeRoleEndpoint.WIRE.readValue(answer.body(), DropView.class)).isEqualTo(catalog.drop(dropId).orElseThrow());
        // the public port does not serve it
        assertThat(get(port, EdgeRoleEndpoint.DROPS_PATH + dropId, null).statusCode()).isEqualTo(404);
        assertRefused(get(peers.port(), EdgeRoleEndpoint.DROPS_PATH + "no-such-" + shortId(), null), 404, "not found");
        assertRefused(get(peers.port(), EdgeRoleEndpoint.DROPS_PATH + "%3Cscript%3E", null), 400, "bad request");
    }

    @Test
    void shouldAnswerAFollowingListOnlyToItsUsersToken() throws Exception {
        String creator = "c-" + shortId();
        createProduct(creator);
        String fan = "fan-" + shortId();
        follow(fan, creator);
        String path = EdgeRoleEndpoint.FOLLOWING_PATH + fan;

        HttpResponse<String> own = get(peers.port(), path, Tokens.user(fan));
        assertThat(own.statusCode()).isEqualTo(200);
        assertThat(EdgeRoleEndpoint.WIRE.readValue(own.body(), String[].class)).containsExactly(creator);

        assertRefused(get(peers.port(), path, Tokens.user("other-" + shortId())), 403, "per-user data needs that user's token");
        assertRefused(get(peers.port(), path, null), 403, "per-user data needs that user's token");
        assertThat(get(peers.port(), path, Tokens.forged(fan)).statusCode()).isEqualTo(401);
    }

    @Test
    void shouldRefuseRenderRequestsItCannotRender() throws Exception {
        String creator = "c-" + shortId();
        String dropId = startDrop(creator, createProduct(creator), 10);
        DropView drop = catalog.drop(dropId).orElseThrow();
        Map<String, Boolean> follows = Map.of(creator, true);

        // the good request renders
        HttpResponse<String> rendered = post(request("dropStarted", STARTED, drop, follows));
        assertThat(rendered.statusCode()).as(rendered.body()).isEqualTo(200);
        assertThat(rendered.body()).contains("\"viewerFollows\":true").contains(dropId);

        // malformed: not JSON, no body, an unknown field, a document that is not valid or selects another field
        assertRefused(post("<html>".getBytes(StandardCharsets.UTF_8)), 400, "bad request");
        assertRefused(post(new byte[0]), 400, "bad request");
        assertRefused(post(request("orderStatus", STARTED, drop, follows)), 400, "bad request");
        assertRefused(post(request("dropStarted", "subscription { dropStarted { nope } }", drop, follows)), 400, "bad request");
        assertRefused(post(request("dropStarted", "subscription { dropStarted { drop { id } }", drop, follows)), 400, "bad request");
        assertRefused(post(request("dropUpdates", STARTED, drop, follows)), 400, "bad request");
        assertRefused(post(request("dropStarted", "query { drop(id: \"" + dropId + "\") { id } }", drop, follows)), 400,
                "bad request");
        // not shareable: facts about another creator than the one the selection asks about
        assertRefused(post(request("dropStarted", STARTED, drop, Map.of("c-other-" + shortId(), true))), 422, "refused");
    }

    private static byte[] request(String field, String document, DropView drop, Map<String, Boolean> follows) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("field", field);
        body.put("key", document);
        body.put("document", document);
        body.put("operationName", null);
        body.put("variables", Map.of());
        body.put("drop", drop);
        body.put("at", drop.startedAt());
        body.put("follows", follows);
        return EdgeRoleEndpoint.WIRE.writeValueAsBytes(body);
    }

    private static void assertRefused(HttpResponse<String> answer, int status, String message) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
        assertThat(answer.headers().firstValue("Content-Type")).get().asString().startsWith("text/plain");
        assertThat(answer.body()).isEqualTo(message);
    }

    private HttpResponse<String> post(byte[] body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + peers.port() + EdgeRoleEndpoint.RENDER_PATH))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(int port, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
