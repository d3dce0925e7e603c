package io.livedrop.api.edge;

import graphql.GraphQLError;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.springframework.graphql.server.support.GraphQlWebSocketMessage;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpOutputMessage;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageConverter;

/**
 * The server's graphql-transport-ws messages, encoded as Spring's WebSocket transport encodes them (the same JSON
 * converter, the same message class): the edge and Tomcat send the same bytes. The answers that never change are
 * encoded once.
 */
final class EdgeMessages {

    private final HttpMessageConverter<Object> converter;
    final byte[] pong;

    EdgeMessages(HttpMessageConverter<Object> converter) {
        this.converter = converter;
        this.pong = encode(GraphQlWebSocketMessage.pong(null));
    }

    byte[] connectionAck(Object payload) {
        return encode(GraphQlWebSocketMessage.connectionAck(payload));
    }

    byte[] next(String id, Map<String, Object> result) {
        return encode(GraphQlWebSocketMessage.next(id, result));
    }

    byte[] error(String id, List<GraphQLError> errors) {
        return encode(GraphQlWebSocketMessage.error(id, errors));
    }

    byte[] complete(String id) {
        return encode(GraphQlWebSocketMessage.complete(id));
    }

    private byte[] encode(GraphQlWebSocketMessage message) {
        Output output = new Output();
        try {
            converter.write(message, MediaType.APPLICATION_JSON, output);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not encode " + message.getType(), e);
        }
        return output.body.toByteArray();
    }

    private static final class Output implements HttpOutputMessage {

        final ByteArrayOutputStream body = new ByteArrayOutputStream(256);
        private final HttpHeaders headers = new HttpHeaders();

        @Override
        public OutputStream getBody() {
            return body;
        }

        @Override
        public HttpHeaders getHeaders() {
            return headers;
        }
    }
}
