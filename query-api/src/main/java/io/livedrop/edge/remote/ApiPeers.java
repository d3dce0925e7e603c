package io.livedrop.edge.remote;

import io.livedrop.api.query.PeerClient;
import io.livedrop.api.query.StoreUnavailableException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The API instances an edge reads from, by their peer listeners ({@code host:port}, ADR 0010): one
 * {@link PeerClient} (HTTP/1.1, connections kept alive), each request to the next host in turn, and on
 * to the one after when a host is unreachable, times out or answers 5xx (503: it cannot read that
 * now). Any other answer is the answer. When every host failed, {@link StoreUnavailableException}
 * (GraphQL's retryable UNAVAILABLE). Requests are idempotent reads, so asking again elsewhere is safe.
 *
 * <p>Known gap: a dead host stays in the turn, so while it is down every other request starts with a
 * failed connect (or a timeout, if its packets are dropped) before it goes on.
 */
public class ApiPeers {

    /** A host's answer: its status and body (JSON, or the plain-text refusal of its status). */
    public record Answer(int status, byte[] body) {

        /** An answer the caller has no meaning for: a bug on one end or the other, not the client's. */
        public IllegalStateException unexpected(String what) {
            return new IllegalStateException("An API instance answered " + status + " to " + what);
        }
    }

    private final List<URI> hosts;
    private final PeerClient http;
    private final AtomicInteger next = new AtomicInteger();

    /** {@code hosts}: the API instances' peer listeners as {@code host:port}; {@code timeout}: connect and answer, per host. */
    public ApiPeers(List<String> hosts, Duration timeout) {
        this(hosts, timeout, timeout);
    }

    /** As above, with a connect timeout apart: a dead host is passed over quickly, a busy one is waited for. */
    public ApiPeers(List<String> hosts, Duration connectTimeout, Duration timeout) {
        if (hosts == null || hosts.isEmpty()) {
            throw new IllegalArgumentException("An edge needs at least one API instance (host:port of its peer listener)");
        }
        List<URI> uris = new ArrayList<>();
        for (String host : hosts) {
            uris.add(base(host));
        }
        this.hosts = List.copyOf(uris);
        this.http = new PeerClient(connectTimeout, timeout);
    }

    /** GET {@code path}, with {@code bearerToken} if not null. */
    public Answer get(String path, String bearerToken) {
        return send(path, bearerToken, null);
    }

    /** POST {@code json} to {@code path}. */
    public Answer post(String path, byte[] json) {
        return send(path, null, json);
    }

    private Answer send(String path, String bearerToken, byte[] json) {
        StringJoiner failures = new StringJoiner("; ");
        Exception last = null;
        int first = Math.floorMod(next.getAndIncrement(), hosts.size());
        for (int i = 0; i < hosts.size(); i++) {
            URI host = hosts.get((first + i) % hosts.size());
            try {
                HttpResponse<byte[]> response = http.exchange(host.resolve(path), bearerToken, json);
                if (response.statusCode() < 500) {
                    return new Answer(response.statusCode(), response.body());
                }
                failures.add(host.getAuthority() + " answered " + response.statusCode());
            } catch (IOException e) {   // refused, reset, HttpTimeoutException
                failures.add(host.getAuthority() + " unreachable (" + e.getClass().getSimpleName() + ")");
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreUnavailableException("Interrupted while asking an API instance; retry", e);
            }
        }
        throw new StoreUnavailableException("No API instance could answer (" + failures + "); retry shortly", last);
    }

    private static URI base(String host) {
        try {
            URI uri = new URI("http://" + host + "/");
            if (uri.getHost() != null && uri.getPort() > 0 && "/".equals(uri.getPath())) {
                return uri;
            }
        } catch (java.net.URISyntaxException e) {
            // refused below
        }
        throw new IllegalArgumentException("An API instance must be given as host:port, not '" + host + "'");
    }
}
