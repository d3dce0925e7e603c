package io.livedrop.api.order;

import io.livedrop.events.order.OrderDecision;
import io.livedrop.events.order.OrderStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Metrics of committed order decisions, fed by {@link DecisionFeed} (every instance reads every
 * committed decision once, so every instance counts all of them: dashboards take one instance or
 * {@code max()}, never {@code sum()}).
 * <ul>
 *   <li>{@value #DECISIONS} (Prometheus {@code livedrop_orders_decisions_total}), tags
 *       {@code status} (CONFIRMED, REJECTED) and {@code reason} (the reject reason, {@code none}
 *       when confirmed);</li>
 *   <li>{@value #LATENCY} (Prometheus {@code livedrop_orders_decision_latency_seconds_*}, with a
 *       histogram for {@code histogram_quantile}): decidedAt − requestedAt of each decision, i.e.
 *       from the API stamping the request to the ledger deciding it (two clocks: the API
 *       instance's and the deciding stream thread's host; a negative difference counts as 0).
 *       It does not include the commit wait nor the way back to the client.</li>
 * </ul>
 */
public final class OrderMetrics {

    public static final String DECISIONS = "livedrop.orders.decisions";
    public static final String LATENCY = "livedrop.orders.decision.latency";
    static final String NO_REASON = "none";

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Timer latency;

    public OrderMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.latency = Timer.builder(LATENCY)
                .description("Order request stamped by the API to decided by the drop ledger")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
    }

    /** Counts one committed decision and records its latency. */
    public void record(OrderDecision decision) {
        String status = decision.getStatus() == null ? "UNKNOWN" : decision.getStatus().name();
        String reason = decision.getStatus() == OrderStatus.CONFIRMED || decision.getRejectReason() == null
                ? NO_REASON : decision.getRejectReason().toString();
        counters.computeIfAbsent(status + "|" + reason, k -> Counter.builder(DECISIONS)
                .description("Committed order decisions (each instance counts all of them)")
                .tag("status", status).tag("reason", reason).register(registry)).increment();
        Instant requested = decision.getRequestedAt();
        Instant decided = decision.getDecidedAt();
        if (requested != null && decided != null) {
            Duration took = Duration.between(requested, decided);
            latency.record(took.isNegative() ? Duration.ZERO : took);
        }
    }
}
