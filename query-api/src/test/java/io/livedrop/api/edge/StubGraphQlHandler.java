package io.livedrop.api.edge;

import io.micrometer.context.ContextSnapshotFactory;
import org.springframework.graphql.server.WebGraphQlHandler;
import org.springframework.graphql.server.WebSocketGraphQlInterceptor;

/** A {@link WebGraphQlHandler} for an edge without Spring: no interceptor, no context propagation; tests answer requests. */
abstract class StubGraphQlHandler implements WebGraphQlHandler {

    @Override
    public WebSocketGraphQlInterceptor getWebSocketInterceptor() {
        return new WebSocketGraphQlInterceptor() {
        };
    }

    @Override
    public ContextSnapshotFactory contextSnapshotFactory() {
        return ContextSnapshotFactory.builder().build();
    }
}
