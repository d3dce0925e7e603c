package io.livedrop.api.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.livedrop.api.fanout.SubscribeStamp;
import io.livedrop.api.limits.Refusals;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.Principal;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.graphql.server.WebGraphQlRequest;
import org.springframework.graphql.server.WebSocketGraphQlRequest;
import org.springframework.graphql.server.WebSocketSessionInfo;
import org.springframework.http.HttpHeaders;
import org.springframework.util.unit.DataSize;
import org.springframework.web.socket.WebSocketSession;
import reactor.core.publisher.Mono;

/**
 * The time a {@code subscribe} was read reaches that operation's GraphQL context as a {@link SubscribeStamp}, on
 * Tomcat's path and on any other transport that counts its operations in {@link WebSocketSessions}.
 */
class SubscribeStampsTest {

    private final WebSocketSessions sessions = new WebSocketSessions(
            new WebSocketProperties(10, 20, 100, DataSize.ofKilobytes(16), 50, 200),
            new Refusals(new DefaultListableBeanFactory().getBeanProvider(MeterRegistry.class)));
    private final SubscribeStamps stamps = new SubscribeStamps(sessions);

    @Test
    void shouldPutTheStampOfATomcatSubscribeIntoItsContext() {
        WebSocketSession socket = mock(WebSocketSession.class);
        when(socket.getId()).thenReturn("tomcat-1");
        sessions.opened(socket);
        sessions.startOperation("tomcat-1", "op-1", 42L);

        assertThat(stampOf(operation("tomcat-1", "op-1"))).isEqualTo(new SubscribeStamp(42L));
    }

    @Test
    void shouldPutTheStampOfAnotherTransportsSubscribeIntoItsContext() {
        sessions.opened(new SocketHandle() {
            @Override
            public String id() {
                return "edge-1";
            }

            @Override
            public InetSocketAddress remoteAddress() {
                return null;
            }

            @Override
            public void close(int code, String reason) {
            }
        });
        sessions.startOperation("edge-1", "op-1", 7L);

        assertThat(stampOf(operation("edge-1", "op-1"))).isEqualTo(new SubscribeStamp(7L));
    }

    @Test
    void shouldLeaveOperationsItDoesNotKnowWithoutAStamp() {
        assertThat(stampOf(operation("nobody", "op-1"))).isNull();
        assertThat(stampOf(new WebGraphQlRequest(URI.create("http://localhost/graphql"), new HttpHeaders(), null, null,
                Map.of(), Map.of("query", "{ __typename }"), "1", null))).isNull();
    }

    private Object stampOf(WebGraphQlRequest request) {
        stamps.intercept(request, next -> Mono.empty()).block();
        return request.toExecutionInput().getGraphQLContext().get(SubscribeStamp.CONTEXT_KEY);
    }

    private static WebSocketGraphQlRequest operation(String sessionId, String operationId) {
        WebSocketSessionInfo info = new WebSocketSessionInfo() {
            private final Map<String, Object> attributes = new HashMap<>();

            @Override
            public String getId() {
                return sessionId;
            }

            @Override
            public Map<String, Object> getAttributes() {
                return attributes;
            }

            @Override
            public URI getUri() {
                return URI.create("http://localhost/graphql");
            }

            @Override
            public HttpHeaders getHeaders() {
                return new HttpHeaders();
            }

            @Override
            public Mono<Principal> getPrincipal() {
                return Mono.empty();
            }

            @Override
            public InetSocketAddress getRemoteAddress() {
                return null;
            }
        };
        return new WebSocketGraphQlRequest(info.getUri(), info.getHeaders(), null, null, info.getAttributes(),
                Map.of("query", "subscription { dropStarted { startedAt } }"), operationId, null, info);
    }
}
