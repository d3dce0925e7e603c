package io.livedrop.api.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * GraphQL over plain HTTP as any client sends it, raw status and headers included: for tests that
 * assert on what the wire shows (401s, error bodies), where Spring's GraphQL client would hide it.
 */
public final class GraphQlHttp {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final URI url;

    public GraphQlHttp(String url) {
        this.url = URI.create(url);
    }

    /** An answer as the client got it. */
    public record Answer(int status, HttpHeaders headers, String body) {

        /** The body as JSON, or null when it is not JSON. */
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (RuntimeException e) {
                return null;
            }
        }

        public JsonNode data() {
            return json().path("data");
        }

        public List<JsonNode> errors() {
            return List.copyOf(json().path("errors").values());
        }

        public List<String> codes() {
            return errors().stream().map(e -> e.path("extensions").path("code").asString("")).toList();
        }

        public String abbreviated() {
            String shown = body.length() <= 600 ? body : body.substring(0, 600) + "…";
            return "HTTP " + status + " " + headers.allValues("content-type") + " body '" + shown + "'";
        }
    }

    /** The JSON body of a GraphQL request. */
    public static String body(String document, Map<String, Object> variables) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("query", document);
        if (variables != null) {
            request.put("variables", variables);
        }
        return JSON.writeValueAsString(request);
    }

    public Answer post(String token, String document, Map<String, Object> variables) {
        return send("POST", "application/json", body(document, variables), token);
    }

    /** Any request to the endpoint: a method, a content type and a body of the caller's choosing (null: none). */
    public Answer send(String method, String contentType, String body, String token) {
        return send(method, contentType, body, token, null);
    }

    /** {@link #send(String, String, String, String)} with an {@code Authorization} value of the caller's choosing (null: none). */
    public Answer send(String method, String contentType, String body, String token, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
