package io.livedrop.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark's HTTP client: the JDK's, HTTP/1.1 with kept-alive connections (a new one opens whenever every open
 * one is busy), asynchronous. Two executor threads complete the responses (the default cached pool, and a timer per
 * request, cost the load generator about a third more CPU, which it takes from the cores the instances run on);
 * measured requests carry no timeout of their own: the load generator's drain deadline bounds them. Also the few
 * synchronous calls of the set-up, which do time out.
 */
public final class Http {

    public static final Duration SETUP_TIMEOUT = Duration.ofSeconds(30);

    public final HttpClient client = Daemons.httpClient(2, "bench-http", Duration.ofSeconds(10));

    /** A GraphQL POST, ready to send (and to send again: the request and its body are immutable). */
    public static HttpRequest graphQl(String baseUrl, String body, String token) {
        return graphQlBuilder(baseUrl, body, token).build();
    }

    /** A GraphQL request body for a query whose quotes are already escaped for JSON. */
    public static String json(String escapedQuery) {
        return "{\"query\":\"" + escapedQuery + "\"}";
    }

    /** A GraphQL POST that times out. */
    public static HttpRequest graphQl(String baseUrl, String body, String token, Duration timeout) {
        return graphQlBuilder(baseUrl, body, token).timeout(timeout).build();
    }

    private static HttpRequest.Builder graphQlBuilder(String baseUrl, String body, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + "/graphql"))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    /** A synchronous GraphQL call of the set-up; its body, or an exception for HTTP errors and GraphQL errors. */
    public String call(String baseUrl, String body, String token) {
        HttpResponse<String> response = exchange(graphQlBuilder(baseUrl, body, token).timeout(SETUP_TIMEOUT).build());
        if (response.statusCode() != 200 || response.body().contains("\"errors\"")) {
            throw new IllegalStateException("GraphQL call to " + baseUrl + " failed: HTTP " + response.statusCode()
                    + " " + abbreviate(response.body()));
        }
        return response.body();
    }

    /** Creates (or updates) the product {@code name} of the creator whose token this is; its id. */
    public String upsertProduct(String baseUrl, String name, String creatorToken) {
        return Objects.requireNonNull(field(call(baseUrl, json("mutation { upsertProduct(input: {name: \\\"" + name
                + "\\\"}) { id } }"), creatorToken), "id"), "upsertProduct returned no id");
    }

    /** Schedules a drop of {@code product} that starts now; its id. */
    public String scheduleDrop(String baseUrl, String product, int stock, int priceCents, String creatorToken) {
        String body = call(baseUrl, json("mutation { scheduleDrop(input: {productId: \\\"" + product + "\\\", stock: "
                + stock + ", priceCents: " + priceCents + "}) { id } }"), creatorToken);
        return Objects.requireNonNull(field(body, "id"), "scheduleDrop returned no id: " + abbreviate(body));
    }

    /** Waits up to 60 s for each drop to be LIVE (a failed call is retried), else throws. */
    public void awaitLive(String baseUrl, java.util.Collection<String> dropIds) {
        for (String id : dropIds) {
            String query = json("{ drop(id: \\\"" + id + "\\\") { status } }");
            if (!Waits.await(() -> {
                try {
                    return "LIVE".equals(field(call(baseUrl, query, null), "status"));
                } catch (IllegalStateException e) {
                    return false;
                }
            }, Duration.ofSeconds(60))) {
                throw new IllegalStateException("drop " + id + " not LIVE within 60 s");
            }
        }
    }

    /** GET {@code url}: status and body; status -1 when nothing answered. */
    public HttpResponse<String> get(String url) {
        return exchange(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build());
    }

    private HttpResponse<String> exchange(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(request.uri() + " unreachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The first string value of {@code "field":"..."} in a JSON text, or null. Enough for our own small answers. */
    public static String field(String json, String field) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(field) + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : null;
    }

    /** How many times {@code needle} occurs in {@code text}. */
    public static int count(String text, String needle) {
        return text.split(Pattern.quote(needle), -1).length - 1;
    }

    public static String abbreviate(String s) {
        if (s == null) {
            return "";
        }
        String one = s.replace('\n', ' ');
        return one.length() <= 300 ? one : one.substring(0, 300) + "…";
    }
}
