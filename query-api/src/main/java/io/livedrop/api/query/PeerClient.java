package io.livedrop.api.query;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The one hop to another livedrop instance that owns (or stands by for) a partition: HTTP/1.1 with
 * kept-alive connections to {@link PeerEndpoint}. The caller's bearer token travels along, so the
 * owner checks access to per-user data itself.
 */
public class PeerClient {

    /** The peer does not serve this partition (any more): ask the metadata again, or another host. */
    public static final class NotServedThere extends Exception {
        public NotServedThere(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }

    private final HttpClient http;
    private final Duration timeout;

    public PeerClient(Duration timeout) {
        this(timeout, timeout);
    }

    /** A connect timeout apart from the answer's: a dead peer is passed over quickly, a busy one waited for. */
    public PeerClient(Duration connectTimeout, Duration timeout) {
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout).build();
    }

    /** GET {@code path} on {@code host}; empty when the peer answers 404 (no such key). */
    public Optional<byte[]> get(HostInfo host, String path, Map<String, String> params, String bearerToken)
            throws NotServedThere {
        String query = params.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        URI uri = URI.create("http://" + host.host() + ":" + host.port() + path + (query.isEmpty() ? "" : "?" + query));
        try {
            HttpResponse<byte[]> response = exchange(uri, bearerToken, null);
            return switch (response.statusCode()) {
                case 200 -> Optional.of(response.body());
                case 404 -> Optional.empty();
                default -> throw new NotServedThere(host + " answered " + response.statusCode() + ": "
                        + new String(response.body(), StandardCharsets.UTF_8), null);
            };
        } catch (IOException e) {
            throw new NotServedThere(host + " unreachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotServedThere("interrupted", e);
        }
    }

    /** One request to a peer: a GET, or a POST of {@code json} if not null, with {@code bearerToken} if not null. */
    public HttpResponse<byte[]> exchange(URI uri, String bearerToken, byte[] json) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout);
        if (bearerToken != null) {
            request.header("Authorization", "Bearer " + bearerToken);
        }
        if (json != null) {
            request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(json));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    public static String encodePath(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
