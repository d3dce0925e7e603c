package io.livedrop.api.query;

import io.livedrop.topology.config.Stores;
import java.util.Optional;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The other end of a routed read: answers for the partitions this instance serves, 404 for an
 * absent key, 503 when it does not serve the partition (any more), so the caller asks again. Only
 * the partitioned stores the API reads are exposed; per-user data only to that user's token.
 * Served on the peer listener only (ADR 0010); answers are octet-stream, refusals plain text with a
 * fixed message per status ({@link #message}; {@code web.PeerErrors} answers failures the same way), whatever the
 * request's Accept says.
 */
@RestController
public class PeerEndpoint {

    private static final Set<String> PUBLIC_STORES = Set.of(Stores.DROP_STATE, Stores.FOLLOWER_COUNTS);
    private static final Set<String> PER_USER_STORES = Set.of(Stores.USER_ORDERS, Stores.FOLLOWING);

    private final InteractiveQueries queries;

    public PeerEndpoint(InteractiveQueries queries) {
        this.queries = queries;
    }

    @GetMapping(path = "/internal/stores/{store}/keys/{key}")
    public ResponseEntity<byte[]> key(@PathVariable String store, @PathVariable String key,
                                      @RequestParam int partition, @RequestParam boolean stale) {
        Optional<ResponseEntity<byte[]>> refused = refuse(store, key);
        if (refused.isPresent()) {
            return refused.get();
        }
        try {
            return queries.localGet(store, key, partition, stale).map(v -> bytes(RecordCodec.encode(v)))
                    .orElseGet(() -> ResponseEntity.notFound().build());
        } catch (InteractiveQueries.NotServedHere e) {
            return text(HttpStatus.SERVICE_UNAVAILABLE);
        }
    }

    @GetMapping(path = "/internal/stores/{store}/prefix/{prefix}")
    public ResponseEntity<byte[]> prefix(@PathVariable String store, @PathVariable String prefix,
                                         @RequestParam int partition, @RequestParam boolean stale) {
        Optional<ResponseEntity<byte[]>> refused = refuse(store, prefix);
        if (refused.isPresent()) {
            return refused.get();
        }
        try {
            return bytes(RecordCodec.encodeList(queries.localPrefix(store, prefix, partition, stale)));
        } catch (InteractiveQueries.NotServedHere e) {
            return text(HttpStatus.SERVICE_UNAVAILABLE);
        }
    }

    private static Optional<ResponseEntity<byte[]>> refuse(String store, String key) {
        if (PUBLIC_STORES.contains(store)) {
            return Optional.empty();
        }
        if (!PER_USER_STORES.contains(store)) {
            return Optional.of(text(HttpStatus.NOT_FOUND));
        }
        return refuseUnlessUser(key.substring(0, Math.max(0, key.indexOf('|'))));
    }

    /** Empty when the request carries {@code userId}'s own token, else a 403 to answer. */
    public static Optional<ResponseEntity<byte[]>> refuseUnlessUser(String userId) {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (!userId.isEmpty() && authentication != null && authentication.getPrincipal() instanceof Jwt jwt
                && userId.equals(jwt.getSubject())) {
            return Optional.empty();
        }
        return Optional.of(text(HttpStatus.FORBIDDEN));
    }

    /** A refusal to another instance: plain text, the fixed message of its status, nothing of the request. */
    public static ResponseEntity<byte[]> text(HttpStatus status) {
        return ResponseEntity.status(status).contentType(MediaType.TEXT_PLAIN)
                .body(message(status.value()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The one message of each status a peer endpoint answers: nothing of the request. */
    public static String message(int status) {
        return switch (status) {
            case 400 -> "bad request";
            case 403 -> "per-user data needs that user's token";
            case 404 -> "not found";
            case 503 -> "not served here (any more)";
            default -> status >= 500 ? "internal error" : "refused";
        };
    }

    /** An answer to another instance: the encoded records, as octet-stream whatever Accept says. */
    public static ResponseEntity<byte[]> bytes(byte[] body) {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM).body(body);
    }
}
