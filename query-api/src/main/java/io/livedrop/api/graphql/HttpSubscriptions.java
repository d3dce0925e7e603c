package io.livedrop.api.graphql;

import graphql.GraphqlErrorBuilder;
import java.util.List;
import java.util.Map;
import org.reactivestreams.Publisher;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.graphql.server.WebGraphQlInterceptor;
import org.springframework.graphql.server.WebGraphQlRequest;
import org.springframework.graphql.server.WebGraphQlResponse;
import org.springframework.graphql.server.WebSocketGraphQlRequest;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * A subscription sent as a plain HTTP request has no channel to stream on: it gets BAD_REQUEST
 * naming the WebSocket endpoint, instead of graphql-java's publisher object serialised as data.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
public class HttpSubscriptions implements WebGraphQlInterceptor {

    @Override
    public Mono<WebGraphQlResponse> intercept(WebGraphQlRequest request, Chain chain) {
        if (request instanceof WebSocketGraphQlRequest) {
            return chain.next(request);
        }
        return chain.next(request).map(response -> {
            if (!(response.getExecutionResult().getData() instanceof Publisher<?> publisher)) {
                return response;
            }
            if (publisher instanceof reactor.core.Disposable disposable) {
                disposable.dispose();
            }
            return response.transform(builder -> builder.data(null).errors(List.of(GraphqlErrorBuilder.newError()
                    .message("Subscriptions need a WebSocket: connect to /graphql with the graphql-transport-ws protocol")
                    .errorType(ErrorCode.BAD_REQUEST.classification())
                    .extensions(Map.of("code", ErrorCode.BAD_REQUEST.name())).build())));
        });
    }
}
