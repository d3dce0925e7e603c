package io.livedrop.api.websocket;

import io.livedrop.api.graphql.ErrorCode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a graphql-transport-ws client may send, and the answers both transports give to a client
 * that sends what it may not: one rule for Tomcat's handler and the edge.
 */
public final class ClientMessages {

    /** Close code of a malformed client message (graphql-transport-ws "Invalid message"). */
    public static final int INVALID_MESSAGE = 4400;

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Set<String> CLIENT_TYPES = Set.of("connection_init", "ping", "pong", "subscribe", "complete");

    private ClientMessages() {
    }

    /** What is wrong with a client message, or null if it is one the protocol handler can take. */
    public static String problemWith(JsonNode message) {
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

    /** The {@code error} message that refuses a subscribe beyond {@code max-subscriptions-per-session}. */
    public static String tooManyOperations(String id, int max) {
        Map<String, Object> error = Map.of(
                "message", "Too many operations open on this connection (at most " + max + "); complete one first",
                "extensions", Map.of("code", ErrorCode.RATE_LIMITED.name(),
                        "limit", WebSocketProperties.MAX_SUBSCRIPTIONS_PER_SESSION));
        return JSON.writeValueAsString(Map.of("id", id, "type", "error", "payload", List.of(error)));
    }

    private static boolean nullOr(JsonNode node, Predicate<JsonNode> test) {
        return node == null || node.isNull() || test.test(node);
    }
}
