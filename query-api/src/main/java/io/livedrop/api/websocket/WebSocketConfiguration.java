package io.livedrop.api.websocket;

import io.livedrop.api.graphql.WebSocketJson;
import io.livedrop.api.limits.Refusals;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.graphql.autoconfigure.GraphQlCorsProperties;
import org.springframework.boot.graphql.autoconfigure.GraphQlProperties;
import org.springframework.boot.http.converter.autoconfigure.ServerHttpMessageConvertersCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.graphql.server.WebGraphQlHandler;
import org.springframework.graphql.server.webmvc.GraphQlWebSocketHandler;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.converter.HttpMessageConverters;
import org.springframework.web.cors.CorsConfiguration;

/**
 * The GraphQL WebSocket handler: Spring's, bounded ({@link BoundedGraphQlWebSocketHandler}). Spring
 * Boot maps whatever {@link GraphQlWebSocketHandler} bean there is at {@code spring.graphql.websocket.path}
 * and makes its own only if there is none; this one is built from the same settings Boot would use
 * (init timeout, keep-alive, CORS: same origin only unless {@code spring.graphql.cors} allows more,
 * the server's JSON converter).
 */
@Configuration(proxyBeanMethods = false)
public class WebSocketConfiguration {

    @Bean
    WebSocketJson webSocketJson(ObjectProvider<ServerHttpMessageConvertersCustomizer> customizers) {
        return new WebSocketJson(jsonConverter(customizers));
    }

    @Bean
    GraphQlWebSocketHandler graphQlWebSocketHandler(WebGraphQlHandler webGraphQlHandler, GraphQlProperties properties,
                                                    GraphQlCorsProperties corsProperties, WebSocketJson json,
                                                    WebSocketSessions sessions, WebSocketProperties limits,
                                                    Refusals refusals) {
        CorsConfiguration cors = corsProperties.toCorsConfiguration();
        return new BoundedGraphQlWebSocketHandler(webGraphQlHandler, json.converter(),
                properties.getWebsocket().getConnectionInitTimeout(), properties.getWebsocket().getKeepAlive(),
                cors == null ? new CorsConfiguration() : cors, sessions, limits, refusals);
    }

    @SuppressWarnings("unchecked")
    public static HttpMessageConverter<Object> jsonConverter(ObjectProvider<ServerHttpMessageConvertersCustomizer> customizers) {
        HttpMessageConverters.ServerBuilder builder = HttpMessageConverters.forServer().registerDefaults();
        customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
        for (HttpMessageConverter<?> converter : builder.build()) {
            if (converter.canRead(java.util.Map.class, MediaType.APPLICATION_JSON)) {
                return (HttpMessageConverter<Object>) converter;
            }
        }
        throw new IllegalStateException("No JSON message converter for the GraphQL WebSocket handler");
    }
}
