package io.livedrop.api.websocket;

import io.livedrop.api.fanout.SubscribeStamp;
import java.util.Map;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.graphql.server.WebGraphQlInterceptor;
import org.springframework.graphql.server.WebGraphQlRequest;
import org.springframework.graphql.server.WebGraphQlResponse;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Puts the time the server read a WebSocket {@code subscribe} ({@link WebSocketSessions#startOperation}, on either
 * transport) into its GraphQL context as a {@link SubscribeStamp}, so that a feed tells the subscription of every
 * event it received after that moment, even if the execution itself starts later. HTTP requests pass through.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
public class SubscribeStamps implements WebGraphQlInterceptor {

    private final WebSocketSessions sessions;

    public SubscribeStamps(WebSocketSessions sessions) {
        this.sessions = sessions;
    }

    @Override
    public Mono<WebGraphQlResponse> intercept(WebGraphQlRequest request, Chain chain) {
        Long stamp = sessions.stamp(request);
        if (stamp != null) {
            SubscribeStamp value = new SubscribeStamp(stamp);
            request.configureExecutionInput((input, builder) ->
                    builder.graphQLContext(Map.of(SubscribeStamp.CONTEXT_KEY, value)).build());
        }
        return chain.next(request);
    }
}
