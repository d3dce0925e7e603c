package io.livedrop.api.order;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.livedrop.api.config.KafkaCluster;
import io.livedrop.api.streams.StreamsRuntime;
import io.livedrop.api.feed.TopicFeed;
import io.livedrop.events.order.OrderDecision;
import io.livedrop.topology.config.TopologySerdes;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Committed order decisions as they happen, for the clients of this instance that wait for one
 * (placeOrder, orderStatus). Every instance follows the decisions topic read_committed: what it
 * hands out is committed output, never revoked.
 *
 * <p>A client waits through a {@link Waiter}: all clients waiting on one order share one future
 * (a placeOrder retry waits for the same decision as the first attempt), and the entry goes as soon
 * as its decision comes or the last of them {@linkplain Waiter#release() releases} it (answered,
 * timed out, cancelled, socket closed). So nothing is held for a client that has gone, whatever id
 * it asked about. The decisions of the last {@value #RECENT_SECONDS} s are kept (at most
 * {@value #RECENT_MAX}) for a client that looks just after a decision passed by and before the
 * user-order index has it (one repartition behind); beyond that bound such a client finds the order
 * in the index.
 *
 * <p>Since it sees every committed decision exactly once, it also feeds {@link OrderMetrics}
 * (decisions by status and reason, decision latency) and the listeners registered with
 * {@link #onDecision}: each instance sees all decisions.
 */
@Component
public class DecisionFeed extends TopicFeed<OrderDecision> {

    static final int RECENT_SECONDS = 30;
    static final int RECENT_MAX = 20_000;

    /** Orders someone here waits for, with how many wait. */
    private final Map<String, Entry> waiting = new ConcurrentHashMap<>();
    private final Cache<String, OrderDecision> recent = Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofSeconds(RECENT_SECONDS)).maximumSize(RECENT_MAX).build();
    private final List<Consumer<OrderDecision>> listeners = new CopyOnWriteArrayList<>();

    private final OrderMetrics metrics;

    public DecisionFeed(KafkaCluster cluster, StreamsRuntime runtime, TopologySerdes serdes,
                        ObjectProvider<MeterRegistry> meters) {
        super(cluster.bootstrapServers(), runtime.topics().orderDecisions().name(), serdes.orderDecision().deserializer());
        MeterRegistry registry = meters.getIfAvailable();
        this.metrics = registry == null ? null : new OrderMetrics(registry);
    }

    /** One client's wait for the next committed decision on an order. */
    public final class Waiter {

        private final String orderId;
        private final Entry entry;
        private final AtomicBoolean released = new AtomicBoolean();

        private Waiter(String orderId, Entry entry) {
            this.orderId = orderId;
            this.entry = entry;
        }

        /** Completes with the decision; shared by every waiter on the order: do not complete it. */
        public CompletableFuture<OrderDecision> decision() {
            return entry.decision;
        }

        /** This client no longer waits; the last one to go takes the entry with it. Idempotent. */
        public void release() {
            if (released.compareAndSet(false, true)) {
                waiting.computeIfPresent(orderId, (id, held) -> held == entry && --held.holders == 0 ? null : held);
            }
        }
    }

    /** Waits for the next committed decision on {@code orderId}: register before producing the request, or before looking. */
    public Waiter await(String orderId) {
        Entry entry = waiting.compute(orderId, (id, held) -> {
            Entry e = held == null ? new Entry() : held;
            e.holders++;
            return e;
        });
        return new Waiter(orderId, entry);
    }

    /** The order's decision if it passed by in the last {@value #RECENT_SECONDS} s. */
    public Optional<OrderDecision> recent(String orderId) {
        return Optional.ofNullable(recent.getIfPresent(orderId));
    }

    /** Calls {@code listener} on the feed's thread with every committed decision (keep it short). */
    public void onDecision(Consumer<OrderDecision> listener) {
        listeners.add(listener);
    }

    /** Orders some client here waits for (tests, diagnostics). */
    int waitingOrders() {
        return waiting.size();
    }

    @Override
    protected void onRecord(ConsumerRecord<String, OrderDecision> record) {
        OrderDecision decision = record.value();
        if (metrics != null) {
            metrics.record(decision);
        }
        recent.put(decision.getOrderId(), decision);
        listeners.forEach(listener -> listener.accept(decision));
        Entry entry = waiting.remove(decision.getOrderId());
        if (entry != null) {
            entry.decision.complete(decision);
        }
    }

    /** The shared future of one order and how many waiters hold it (changed only inside the map's compute). */
    private static final class Entry {
        final CompletableFuture<OrderDecision> decision = new CompletableFuture<>();
        int holders;
    }
}
