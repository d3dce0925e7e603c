package io.livedrop.api.graphql;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.function.RequestPredicates;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Requests to /graphql that are not GraphQL over HTTP (a GET, a PUT, a body that is not JSON),
 * taken before Spring GraphQL's routes would refuse them with an empty body: 405 or 415 with a GraphQL error body (code BAD_REQUEST) saying
 * what to send, instead of an empty one. WebSocket upgrades are left alone.
 */
@Configuration(proxyBeanMethods = false)
public class NotGraphQlOverHttp {

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    RouterFunction<ServerResponse> notGraphQlOverHttpRoute() {
        return RouterFunctions.route(RequestPredicates.path("/graphql")
                .and(request -> !"websocket".equalsIgnoreCase(request.headers().firstHeader("Upgrade")))
                .and(request -> !request.method().equals(HttpMethod.POST) || request.headers().contentType()
                        .map(type -> !type.isCompatibleWith(MediaType.APPLICATION_JSON)
                                && !type.isCompatibleWith(MediaType.valueOf("application/*+json")))
                        .orElse(true)), request -> {
            boolean post = request.method().equals(HttpMethod.POST);
            String message = post ? "Send the request as Content-Type: application/json"
                    : "Use POST for GraphQL over HTTP (subscriptions: a WebSocket with graphql-transport-ws)";
            return ServerResponse.status(post ? 415 : 405).contentType(MediaType.APPLICATION_JSON)
                    .body(ErrorCode.BAD_REQUEST.body(message));
        });
    }
}
