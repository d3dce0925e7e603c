package io.livedrop.api.limits;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Counts every request, message or session refused because a per-client bound was reached
 * ({@value #REFUSED}, Prometheus {@code livedrop_limits_refused_total}), tagged {@code limit} with
 * the name of the setting that refused it (e.g. {@code livedrop.graphql.max-cost}), so an operator
 * sees which bound bites and can tell an attack from a default set too low.
 */
@Component
public class Refusals {

    public static final String REFUSED = "livedrop.limits.refused";

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public Refusals(ObjectProvider<MeterRegistry> meters) {
        this.registry = meters.getIfAvailable(SimpleMeterRegistry::new);
    }

    /** One refusal by the bound named {@code limit} (the setting's name). */
    public void count(String limit) {
        counters.computeIfAbsent(limit, l -> Counter.builder(REFUSED)
                .description("Requests, messages or sessions refused by a per-client bound, by setting")
                .tag("limit", l).register(registry)).increment();
    }

    /** How many refusals {@code limit} has counted on this instance (tests, diagnostics). */
    public double refused(String limit) {
        Counter counter = counters.get(limit);
        return counter == null ? 0 : counter.count();
    }
}
