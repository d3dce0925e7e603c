package io.livedrop.api.order;

import static org.assertj.core.api.Assertions.assertThat;

import io.livedrop.events.order.OrderDecision;
import io.livedrop.events.order.OrderStatus;
import io.livedrop.events.order.RejectReason;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OrderMetricsTest {

    private static final Instant T = Instant.parse("2026-11-26T07:00:00Z");

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final OrderMetrics metrics = new OrderMetrics(registry);

    @Test
    void shouldCountDecisionsByStatusAndReasonAndTimeThem() {
        metrics.record(decision(OrderStatus.CONFIRMED, null, 12));
        metrics.record(decision(OrderStatus.CONFIRMED, null, 30));
        metrics.record(decision(OrderStatus.REJECTED, RejectReason.SOLD_OUT, 5));
        metrics.record(decision(OrderStatus.REJECTED, RejectReason.PER_USER_LIMIT, -3));   // clocks apart: counts as 0

        assertThat(count("CONFIRMED", "none")).isEqualTo(2.0);
        assertThat(count("REJECTED", "SOLD_OUT")).isEqualTo(1.0);
        assertThat(count("REJECTED", "PER_USER_LIMIT")).isEqualTo(1.0);
        Timer latency = registry.get(OrderMetrics.LATENCY).timer();
        assertThat(latency.count()).isEqualTo(4);
        assertThat(latency.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(47.0);
        assertThat(latency.max(TimeUnit.MILLISECONDS)).isEqualTo(30.0);
    }

    private double count(String status, String reason) {
        return registry.get(OrderMetrics.DECISIONS).tag("status", status).tag("reason", reason).counter().count();
    }

    private static OrderDecision decision(OrderStatus status, RejectReason reason, long millis) {
        return OrderDecision.newBuilder().setOrderId("o-" + millis).setDropId("d1").setUserId("u1").setIdempotencyKey("k")
                .setQuantity(1).setStatus(status).setRejectReason(reason).setRemainingStock(1)
                .setRequestedAt(T).setDecidedAt(T.plusMillis(millis)).build();
    }
}
