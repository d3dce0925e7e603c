package io.livedrop.api.websocket;

import io.livedrop.api.limits.Refusals;
import java.time.Duration;
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
 * before its message is even parsed. The time a {@code subscribe} is read is kept with its operation
 * ({@link WebSocketSessions#startOperation}) and reaches its GraphQL context as a
 * {@link io.livedrop.api.fanout.SubscribeStamp} ({@link SubscribeStamps}).
 */
public class BoundedGraphQlWebSocketHandler extends GraphQlWebSocketHandler {

    static final int INVALID_MESSAGE = ClientMessages.INVALID_MESSAGE;

    private static final Logger log = LoggerFactory.getLogger(BoundedGraphQlWebSocketHandler.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

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
        long readAt = System.nanoTime();   // the SubscribeStamp of a subscribe: taken before anything else can run
        JsonNode parsed;
        try {
            parsed = JSON.readTree(message.getPayload());
        } catch (JacksonException e) {
            refuse(session, "Invalid message: not JSON");
            return;
        }
        String problem = ClientMessages.problemWith(parsed);
        if (problem != null) {
            refuse(session, "Invalid message: " + problem);
            return;
        }
        String type = parsed.get("type").asString();
        if (type.equals("subscribe")) {
            String id = parsed.get("id").asString();
            if (!sessions.startOperation(session.getId(), id, readAt)) {
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

    private static void refuse(WebSocketSession session, String reason) {
        log.debug("WebSocket session {} closed {}: {}", session.getId(), INVALID_MESSAGE, reason);
        WebSocketSessions.close(session, new CloseStatus(INVALID_MESSAGE, reason));
    }

    private TextMessage tooManyOperations(String id) {
        return new TextMessage(ClientMessages.tooManyOperations(id, limits.maxSubscriptionsPerSession()));
    }
}
