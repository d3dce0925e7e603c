package io.livedrop.api.graphql;

import org.springframework.http.converter.AbstractJacksonHttpMessageConverter;
import org.springframework.http.converter.HttpMessageConverter;
import tools.jackson.databind.ObjectMapper;

/**
 * The JSON converter GraphQL WebSocket messages are encoded with, built once from the server's converters
 * ({@code websocket.WebSocketConfiguration}) and shared by Tomcat's handler, the edge and the shared renderer, so all three
 * write the same bytes for the same message.
 */
public record WebSocketJson(HttpMessageConverter<Object> converter) {

    /** The converter's Jackson mapper (a shared render encodes a payload with it). */
    public ObjectMapper mapper() {
        if (converter instanceof AbstractJacksonHttpMessageConverter<?> jackson) {
            return jackson.getMapper();
        }
        throw new IllegalStateException("The GraphQL WebSocket's JSON converter is not Jackson's: " + converter);
    }
}
