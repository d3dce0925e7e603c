package io.livedrop.api.order;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code livedrop.orders.*}: how {@code placeOrder} behaves.
 *
 * @param decisionWait        how long placeOrder waits for the committed decision before answering PENDING
 * @param maxQuantity         most units one order may ask for
 * @param maxKeyLength        longest idempotency key accepted
 * @param ratePerSecond       sustained placeOrder calls per user per second (per instance)
 * @param rateBurst           placeOrder calls a user may make at once before the rate applies
 * @param unknownOrderWait    how long an orderStatus subscription on an order unknown here waits for its decision
 */
@ConfigurationProperties("livedrop.orders")
public record OrderProperties(
        @DefaultValue("2s") Duration decisionWait,
        @DefaultValue("100") int maxQuantity,
        @DefaultValue("200") int maxKeyLength,
        @DefaultValue("10") double ratePerSecond,
        @DefaultValue("20") int rateBurst,
        @DefaultValue("30s") Duration unknownOrderWait) {
}
