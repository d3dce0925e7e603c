package io.livedrop.bench;

import io.livedrop.bench.DecisionTracker.Schedule;
import io.livedrop.events.order.OrderDecision;
import io.livedrop.events.order.OrderRequest;
import io.livedrop.topology.config.LivedropConfig;
import io.livedrop.topology.config.Topics;
import io.livedrop.topology.config.TopologySerdes;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The stampede benchmark's open-loop order stampede (its {@link Workload}, producer settings, {@link DecisionTracker})
 * on one drop of running livedrop instances: OrderRequests straight to their requests topic, decisions read back.
 */
public final class OrderStampede implements AutoCloseable {

    private static final LivedropConfig CONFIG = new LivedropConfig(Map.of());

    private final String bootstrap;
    private final Topics topics = Topics.from(CONFIG);
    private final TopologySerdes serdes = TopologySerdes.from(CONFIG);
    private final KafkaProducer<String, OrderRequest> producer;

    /** Decisions/s from the first send to the last decision; ok: none missing or twice, the stock sold, no more. */
    public record Outcome(double decisionsPerSecond, boolean ok, String checks) {
    }

    public OrderStampede(String bootstrap) {
        this.bootstrap = bootstrap;
        producer = KafkaAdmin.producer(bootstrap, "bench-stampede-orders", serdes.key().serializer(),
                serdes.orderRequest().serializer());
    }

    /** {@code rate}/s for {@code duration} from {@code t0Nanos}, then waits at most {@code drain} for the decisions. */
    public Outcome run(String dropId, int stock, int rate, Duration duration, long t0Nanos, Duration drain) {
        int requests = (int) Math.max(1, Math.round(rate * duration.toMillis() / 1000.0));
        Workload w = Workload.hot(dropId, requests, 0.05, Math.max(1, requests / 5), dropId, stock, 42);
        DecisionTracker tracker = new DecisionTracker(w);
        Schedule schedule = Schedule.of(t0Nanos, rate);
        String topic = topics.orderRequests().name();
        try (var reader = new CommittedReader<OrderDecision>(bootstrap, topics.orderDecisions().name(),
                serdes.orderDecision().deserializer(), (r, now) -> {
                    if (r.value() != null && r.value().getDropId().equals(dropId)) {   // the app's other drops too
                        tracker.decision(r.value(), now);
                    }
                }, duration.plus(drain).plusSeconds(30), CommittedReader.TAIL_FETCH_WAIT_MS).start()) {
            for (int slot = 0; slot < requests; slot++) {
                Waits.until(schedule.intended(slot));
                producer.send(new ProducerRecord<>(topic, dropId, w.request(w.slotOrder()[slot])), tracker::sent);
            }
            producer.flush();
            Waits.await(() -> tracker.complete() || reader.failure() != null, drain);
            if (reader.failure() != null) {
                throw new IllegalStateException("the decision reader failed: " + reader.failure(), reader.failure());
            }
        }
        var v = tracker.verification();
        return new Outcome(v.decided() / Math.max(1e-9, (tracker.lastDecisionNanos() - t0Nanos) / 1e9), v.ok(),
                v.problems());
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
