package io.livedrop.api.kafka;

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
 */
@RestController
public class PeerEndpoint {

    private static final Set<String> PUBLIC_STORES = Set.of(Stores.DROP_STATE, Stores.FOLLOWER_COUNTS);
    private static final Set<String> PER_USER_STORES = Set.of(Stores.USER_ORDERS, Stores.FOLLOWING);

    private final InteractiveQueries queries;

    public PeerEndpoint(InteractiveQueries queries) {
        this.queries = queries;
    }

    @GetMapping(path = "/internal/stores/{store}/keys/{key}", produces = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    public ResponseEntity<byte[]> key(@PathVariable String store, @PathVariable String key,
                                      @RequestParam int partition, @RequestParam boolean stale) {
        Optional<ResponseEntity<byte[]>> refused = refuse(store, key);
        if (refused.isPresent()) {
            return refused.get();
        }
        try {
            return queries.localGet(store, key, partition, stale).map(v -> ResponseEntity.ok(RecordCodec.encode(v)))
                    .orElseGet(() -> ResponseEntity.notFound().build());
        } catch (InteractiveQueries.NotServedHere e) {
            return text(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
        }
    }

    @GetMapping(path = "/internal/stores/{store}/prefix/{prefix}", produces = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    public ResponseEntity<byte[]> prefix(@PathVariable String store, @PathVariable String prefix,
                                         @RequestParam int partition, @RequestParam boolean stale) {
        Optional<ResponseEntity<byte[]>> refused = refuse(store, prefix);
        if (refused.isPresent()) {
            return refused.get();
        }
        try {
            return ResponseEntity.ok(RecordCodec.encodeList(queries.localPrefix(store, prefix, partition, stale)));
        } catch (InteractiveQueries.NotServedHere e) {
            return text(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
        }
    }

    private static Optional<ResponseEntity<byte[]>> refuse(String store, String key) {
        if (PUBLIC_STORES.contains(store)) {
            return Optional.empty();
        }
        if (!PER_USER_STORES.contains(store)) {
            return Optional.of(text(HttpStatus.NOT_FOUND, "no such store"));
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
        return Optional.of(text(HttpStatus.FORBIDDEN, "per-user data needs that user's token"));
    }

    /** A plain-text answer to another instance. */
    public static ResponseEntity<byte[]> text(HttpStatus status, String message) {
        return ResponseEntity.status(status).contentType(MediaType.TEXT_PLAIN)
                .body(message.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
