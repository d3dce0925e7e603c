package io.livedrop.api.websocket;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code livedrop.websocket.*}: what one client may hold over GraphQL WebSockets, per instance.
 *
 * @param maxSessionsPerUser         acknowledged sessions one user (token subject) may hold; more: close 4429
 * @param maxSessionsPerAddress      acknowledged anonymous sessions one remote address may hold; more: close 4429
 * @param maxSubscriptionsPerSession operations (subscriptions, and queries or mutations still running) one session
 *                                   may have open; more: that subscribe gets an {@code error} RATE_LIMITED
 * @param maxMessageSize             largest message a client may send (characters); larger: close 1009
 * @param maxMessagesPerSecond       messages one session may send per second, sustained; more: close 4429
 * @param maxMessageBurst            messages one session may send at once before that rate applies (the web page
 *                                   subscribes to a few dozen on connect)
 */
@ConfigurationProperties("livedrop.websocket")
public record WebSocketProperties(
        @DefaultValue("10") int maxSessionsPerUser,
        @DefaultValue("20") int maxSessionsPerAddress,
        @DefaultValue("100") int maxSubscriptionsPerSession,
        @DefaultValue("16KB") DataSize maxMessageSize,
        @DefaultValue("50") double maxMessagesPerSecond,
        @DefaultValue("200") int maxMessageBurst) {

    public static final String MAX_SESSIONS_PER_USER = "livedrop.websocket.max-sessions-per-user";
    public static final String MAX_SESSIONS_PER_ADDRESS = "livedrop.websocket.max-sessions-per-address";
    public static final String MAX_SUBSCRIPTIONS_PER_SESSION = "livedrop.websocket.max-subscriptions-per-session";
    public static final String MAX_MESSAGE_SIZE = "livedrop.websocket.max-message-size";
    public static final String MAX_MESSAGES_PER_SECOND = "livedrop.websocket.max-messages-per-second";

    public WebSocketProperties {
        if (maxSessionsPerUser < 1 || maxSessionsPerAddress < 1 || maxSubscriptionsPerSession < 1
                || maxMessagesPerSecond <= 0 || maxMessageBurst < 1) {
            throw new IllegalArgumentException("livedrop.websocket.max-* must be at least 1");
        }
        if (maxMessageSize.toBytes() < 1024 || maxMessageSize.toBytes() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(MAX_MESSAGE_SIZE + " must be between 1KB and 2GB, was " + maxMessageSize);
        }
    }
}
