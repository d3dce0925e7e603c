package io.livedrop.api.websocket;

import io.livedrop.api.graphql.ErrorCode;
import io.livedrop.api.limits.Refusals;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.graphql.server.WebGraphQlHandler;
import org.springframework.graphql.server.webmvc.GraphQlWebSocketHandler;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Spring's graphql-transport-ws handler behind the checks it lacks. Every client message is read
 * first: one that is not a JSON object of a type a client may send, with the fields that type needs
 * ({@code id} and a {@code payload} with a {@code query} for {@code subscribe}, an object or no
 * payload otherwise), closes the socket 4400 with a short reason, logged at DEBUG (the protocol's
 * answer; Spring's own answer to these was 1011 and an ERROR with a stack trace). A message longer
 * than {@code max-message-size} closes it 1009 (the container's answer, RFC 6455 "message too
 * big"). A {@code subscribe} beyond {@code max-subscriptions-per-session} gets an {@code error}
 * message with code RATE_LIMITED and the socket stays open. Sessions per client are admitted at
 * {@code connection_init} ({@link WebSocketSessions#admit}, called by the one
 * WebSocketGraphQlInterceptor Spring allows). A session sending more than
 * {@code max-messages-per-second} (after a burst of {@code max-message-burst}) is closed 4429,
 * before its message is even parsed.
 */
public class BoundedGraphQlWebSocketHandler extends GraphQlWebSocketHandler {

    static final int INVALID_MESSAGE = 4400;

    private static final Logger log = LoggerFactory.getLogger(BoundedGraphQlWebSocketHandler.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Set<String> CLIENT_TYPES = Set.of("connection_init", "ping", "pong", "subscribe", "complete");

    private final WebSocketSessions sessions;
    private final WebSocketProperties limits;
    private final Refusals refusals;

    public BoundedGraphQlWebSocketHandler(WebGraphQlHandler graphQlHandler, HttpMessageConverter<Object> converter,
                                          Duration connectionInitTimeout, Duration keepAlive, CorsConfiguration cors,
                                          WebSocketSessions sessions, WebSocketProperties limits, Refusals refusals) {
        super(graphQlHandler, converter, connectionInitTimeout, keepAlive, cors);
        this.sessions = sessions;
        this.limits = limits;
        this.refusals = refusals;
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession socket) {
        socket.setTextMessageSizeLimit((int) limits.maxMessageSize().toBytes());
        super.afterConnectionEstablished(sessions.opened(socket));
    }

    @Override
    protected void handleTextMessage(WebSocketSession socket, TextMessage message) throws Exception {
        WebSocketSession session = sessions.socket(socket);
        if (!session.isOpen()) {
            // already closing here (a refusal), while the client's queued messages still arrive: Spring's handler
            // no longer knows the session and would log each as an ERROR with a stack trace
            return;
        }
        if (!sessions.tryMessage(session)) {
            return;
        }
        JsonNode parsed;
        try {
            parsed = JSON.readTree(message.getPayload());
        } catch (JacksonException e) {
            refuse(session, "Invalid message: not JSON");
            return;
        }
        String problem = problemWith(parsed);
        if (problem != null) {
            refuse(session, "Invalid message: " + problem);
            return;
        }
        String type = parsed.get("type").asString();
        if (type.equals("subscribe")) {
            String id = parsed.get("id").asString();
            if (!sessions.startOperation(session.getId(), id)) {
                session.sendMessage(tooManyOperations(id));
                return;
            }
        } else if (type.equals("complete")) {
            sessions.endOperation(session.getId(), parsed.get("id").asString());
        }
        super.handleTextMessage(session, message);
    }

    @Override
    public void afterConnectionClosed(WebSocketSession socket, CloseStatus status) {
        if (status.getCode() == CloseStatus.TOO_BIG_TO_PROCESS.getCode()) {
            refusals.count(WebSocketProperties.MAX_MESSAGE_SIZE);
            log.atDebug().addKeyValue("limit", WebSocketProperties.MAX_MESSAGE_SIZE)
                    .log("WebSocket session closed 1009: a message over {}", limits.maxMessageSize());
        }
        sessions.closed(socket.getId());
        super.afterConnectionClosed(socket, status);
    }

    /** What is wrong with a client message, or null if it is one Spring's handler can take. */
    static String problemWith(JsonNode message) {
        if (message == null || !message.isObject()) {
            return "not a JSON object";
        }
        JsonNode type = message.get("type");
        if (type == null || !type.isString() || !CLIENT_TYPES.contains(type.asString())) {
            return "no type a client may send";
        }
        JsonNode payload = message.get("payload");
        if (payload != null && !payload.isNull() && !payload.isObject()) {
            return "payload is not an object";
        }
        JsonNode id = message.get("id");
        boolean hasId = id != null && id.isString() && !id.asString().isEmpty();
        switch (type.asString()) {
            case "subscribe" -> {
                if (!hasId) {
                    return "subscribe without an id";
                }
                if (payload == null || payload.isNull()) {
                    return "subscribe without a payload";
                }
                JsonNode query = payload.get("query");
                if (query == null || !query.isString() || query.asString().isBlank()) {
                    return "subscribe without a query";
                }
                if (!nullOr(payload.get("operationName"), JsonNode::isString)
                        || !nullOr(payload.get("variables"), JsonNode::isObject)
                        || !nullOr(payload.get("extensions"), JsonNode::isObject)) {
                    return "subscribe payload of the wrong shape";
                }
            }
            case "complete" -> {
                if (!hasId) {
                    return "complete without an id";
                }
            }
            default -> {
            }
        }
        return null;
    }

    private static boolean nullOr(JsonNode node, java.util.function.Predicate<JsonNode> test) {
        return node == null || node.isNull() || test.test(node);
    }

    private static void refuse(WebSocketSession session, String reason) {
        log.debug("WebSocket session {} closed {}: {}", session.getId(), INVALID_MESSAGE, reason);
        WebSocketSessions.close(session, new CloseStatus(INVALID_MESSAGE, reason));
    }

    private TextMessage tooManyOperations(String id) {
        Map<String, Object> error = Map.of(
                "message", "Too many operations open on this connection (at most " + limits.maxSubscriptionsPerSession()
                        + "); complete one first",
                "extensions", Map.of("code", ErrorCode.RATE_LIMITED.name(),
                        "limit", WebSocketProperties.MAX_SUBSCRIPTIONS_PER_SESSION));
        return new TextMessage(JSON.writeValueAsString(Map.of("id", id, "type", "error", "payload", List.of(error))));
    }
}
