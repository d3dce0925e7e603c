package io.livedrop.api.web;

import io.livedrop.api.security.SecurityProperties;
import io.livedrop.api.security.TokenCommand;
import io.livedrop.api.security.Viewer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.context.annotation.Profile;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The web page's sign-in on this machine: {@code POST /local/token {"user": "u1", "creator": true}} answers a bearer
 * token minted with the local secret, as {@code ./livedrop token} prints one. Only in the local profile: anywhere
 * else tokens come from the identity provider.
 */
@RestController
@Profile("local")
class LocalSignIn {

    private static final Duration TTL = Duration.ofHours(12);

    record Request(String user, Boolean creator) {
    }

    private final SecurityProperties security;

    LocalSignIn(SecurityProperties security) {
        this.security = security;
    }

    @PostMapping("/local/token")
    ResponseEntity<Map<String, Object>> token(@RequestBody Request request) {
        if (request == null || !Viewer.isValidId(request.user())) {
            return ResponseEntity.badRequest().body(Map.of("error", "user: 1-64 letters, digits, '_' or '-'"));
        }
        List<String> roles = Boolean.TRUE.equals(request.creator()) ? List.of("CREATOR") : List.of();
        String token = TokenCommand.mint(request.user(), roles, TTL, security.jwtSecret(), Instant.now());
        return ResponseEntity.ok(Map.of("user", request.user(), "roles", roles, "token", token));
    }
}
