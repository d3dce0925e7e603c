package io.livedrop.api.security;

import io.livedrop.api.websocket.WebSocketSessions;
import java.util.Map;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.graphql.server.WebGraphQlRequest;
import org.springframework.graphql.server.WebGraphQlResponse;
import org.springframework.graphql.server.WebSocketGraphQlInterceptor;
import org.springframework.graphql.server.WebSocketGraphQlRequest;
import org.springframework.graphql.server.WebSocketSessionInfo;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Puts the {@link Viewer} into the GraphQL context of every request. Over HTTP it comes from the
 * token Spring Security already validated; over WebSocket from the token in the graphql-transport-ws
 * {@code connection_init} payload ({@code {"Authorization": "Bearer …"}}), checked by the same
 * decoder, kept for the session. A bad token in {@code connection_init} refuses the connection
 * (close code 4401); no token means an anonymous session. A session is then admitted by
 * {@link WebSocketSessions} (sessions per user or anonymous address; over the bound: close 4429), and
 * each WebSocket operation is counted there until its result ends: Spring allows only one
 * WebSocketGraphQlInterceptor, this one.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 2)   // before StartupGate, which may continue the request on another thread
public class ViewerInterceptor implements WebSocketGraphQlInterceptor {

    private final JwtDecoder decoder;
    private final WebSocketSessions sessions;

    public ViewerInterceptor(JwtDecoder decoder, WebSocketSessions sessions) {
        this.decoder = decoder;
        this.sessions = sessions;
    }

    @Override
    public Mono<WebGraphQlResponse> intercept(WebGraphQlRequest request, Chain chain) {
        Viewer viewer = request instanceof WebSocketGraphQlRequest socket
                ? (Viewer) socket.getSessionInfo().getAttributes().get(Viewer.CONTEXT_KEY)
                : httpViewer();
        if (viewer != null) {
            request.configureExecutionInput((input, builder) ->
                    builder.graphQLContext(Map.of(Viewer.CONTEXT_KEY, viewer)).build());
        }
        return sessions.track(request, chain.next(request));
    }

    private static Viewer httpViewer() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication != null && authentication.getPrincipal() instanceof Jwt jwt ? Viewer.of(jwt) : null;
    }

    @Override
    public Mono<Object> handleConnectionInitialization(WebSocketSessionInfo session, Map<String, Object> payload) {
        return authenticate(session, payload).then(Mono.defer(() -> admit(session)));
    }

    private Mono<Object> admit(WebSocketSessionInfo session) {
        Viewer viewer = (Viewer) session.getAttributes().get(Viewer.CONTEXT_KEY);
        return sessions.admit(session.getId(), viewer == null ? null : viewer.id()) ? Mono.empty()
                : Mono.error(new IllegalStateException("Too many sessions"));   // closed 4429 already
    }

    private Mono<Object> authenticate(WebSocketSessionInfo session, Map<String, Object> payload) {
        Object header = payload.getOrDefault("Authorization", payload.get("authorization"));
        if (header == null) {
            return Mono.empty();
        }
        if (!(header instanceof String value) || BearerTokens.wellFormed(value).isEmpty()) {
            return Mono.error(new IllegalArgumentException("connection_init Authorization must be 'Bearer <token>'"));
        }
        try {
            Viewer viewer = Viewer.of(decoder.decode(BearerTokens.wellFormed(value).orElseThrow()));
            session.getAttributes().put(Viewer.CONTEXT_KEY, viewer);
            return Mono.empty();
        } catch (JwtException e) {
            return Mono.error(new IllegalArgumentException("Invalid bearer token: " + e.getMessage(), e));
        }
    }
}
