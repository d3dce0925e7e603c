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
 * The benchmarks' HTTP client: the JDK's, HTTP/1.1 kept alive, two completion threads (the default pool and a timer
 * per request cost a third more CPU). Measured requests have no timeout (the drain deadline bounds them); the
 * set-up's synchronous calls do.
 */
public final class Http {

    public static final Duration SETUP_TIMEOUT = Duration.ofSeconds(30);

    public final HttpClient client = Daemons.httpClient(2, "bench-http", Duration.ofSeconds(10));

    /** A GraphQL POST (immutable: it may be sent again). */
    public static HttpRequest graphQl(String baseUrl, String body, String token) {
        return graphQlBuilder(baseUrl, body, token).build();
    }

    /** A GraphQL body of a query already escaped for JSON. */
    public static String json(String escapedQuery) {
        return "{\"query\":\"" + escapedQuery + "\"}";
    }

    public static HttpRequest graphQl(String baseUrl, String body, String token, Duration timeout) {
        return graphQlBuilder(baseUrl, body, token).timeout(timeout).build();
    }

    private static HttpRequest.Builder graphQlBuilder(String baseUrl, String body, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + "/graphql"))
                .headers("Content-Type", "application/json", "Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    /** A set-up call: its body; throws on an HTTP or GraphQL error. */
    public String call(String baseUrl, String body, String token) {
        HttpResponse<String> response = exchange(graphQlBuilder(baseUrl, body, token).timeout(SETUP_TIMEOUT).build());
        if (response.statusCode() != 200 || response.body().contains("\"errors\"")) {
            throw new IllegalStateException("GraphQL call to " + baseUrl + " failed: HTTP " + response.statusCode()
                    + " " + abbreviate(response.body()));
        }
        return response.body();
    }

    /** The id of the creator's product {@code name}, created or updated. */
    public String upsertProduct(String baseUrl, String name, String creatorToken) {
        return Objects.requireNonNull(field(call(baseUrl, json("mutation { upsertProduct(input: {name: \\\"" + name
                + "\\\"}) { id } }"), creatorToken), "id"), "upsertProduct returned no id");
    }

    /** The id of a drop of {@code product} starting now. */
    public String scheduleDrop(String baseUrl, String product, int stock, int priceCents, String creatorToken) {
        String body = call(baseUrl, json("mutation { scheduleDrop(input: {productId: \\\"" + product + "\\\", stock: "
                + stock + ", priceCents: " + priceCents + "}) { id } }"), creatorToken);
        return Objects.requireNonNull(field(body, "id"), "scheduleDrop returned no id: " + abbreviate(body));
    }

    /** Waits up to 60 s for each drop to be LIVE, else throws. */
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

    /** The first string value of {@code "field"} in our own small JSON answers, or null. */
    public static String field(String json, String field) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(field) + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : null;
    }

    public static int count(String text, String needle) {
        return text.split(Pattern.quote(needle), -1).length - 1;
    }

    public static String abbreviate(String s) {
        String one = s == null ? "" : s.replace('\n', ' ');
        return one.length() <= 300 ? one : one.substring(0, 300) + "…";
    }
}
