package io.livedrop.api.feed;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code livedrop.notifications.*}: how the online subscriptions of this instance are told
 * ({@code dropStarted}, {@code dropUpdates}).
 *
 * @param online          the dropStarted feed
 * @param updatesInterval at most one {@code dropUpdates} message per subscription per interval for stock
 *                        changes (the latest state wins); status changes (started, sold out, ended) go at once
 * @param updatesMaxRate  at most this many stock-change {@code dropUpdates} messages per second from this instance,
 *                        across drops: beyond it the interval stretches to (watchers here ÷ rate), so that live stock
 *                        during a stampede cannot take the CPU the ledger decides with; status changes go at once
 */
@ConfigurationProperties("livedrop.notifications")
public record NotificationProperties(@DefaultValue Online online, @DefaultValue("100ms") Duration updatesInterval,
                                     @DefaultValue("20000") int updatesMaxRate) {

    public NotificationProperties {
        if (updatesInterval.isNegative()) {
            throw new IllegalArgumentException("livedrop.notifications.updates-interval must be >= 0");
        }
        if (updatesMaxRate < 1) {
            throw new IllegalArgumentException("livedrop.notifications.updates-max-rate must be >= 1");
        }
    }

    /**
     * @param catchUp how long the drop starts this instance received are kept, so that a subscription whose
     *                following list is still loading is told of the starts received since it subscribed
     */
    public record Online(@DefaultValue("60s") Duration catchUp) {

        public Online {
            if (catchUp.isNegative()) {
                throw new IllegalArgumentException("livedrop.notifications.online.catch-up must be >= 0");
            }
        }
    }
}
