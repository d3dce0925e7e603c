package io.livedrop.api.order;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.livedrop.api.kafka.KafkaCluster;
import io.livedrop.api.kafka.StreamsRuntime;
import io.livedrop.api.kafka.TopicFeed;
import io.livedrop.events.order.OrderDecision;
import io.livedrop.topology.config.TopologySerdes;
import java.time.Duration;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.CompletableFuture;
import org.springframework.beans.factory.ObjectProvider;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.stereotype.Component;

/**
 * Committed order decisions as they happen, for the clients of this instance that wait for one
 * (placeOrder, orderStatus). Every instance follows the decisions topic read_committed: what it
 * hands out is committed output, never revoked. Waiters are kept in a bounded, expiring cache, so
 * a decision that never comes costs nothing for long.
 *
 * <p>Since it sees every committed decision exactly once, it also feeds {@link OrderMetrics}
 * (decisions by status and reason, decision latency): each instance counts all decisions.
 */
@Component
public class DecisionFeed extends TopicFeed<OrderDecision> {

    private final Cache<String, CompletableFuture<OrderDecision>> waiting = Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofMinutes(10)).maximumSize(2_000_000).build();

    private final OrderMetrics metrics;

    public DecisionFeed(KafkaCluster cluster, StreamsRuntime runtime, TopologySerdes serdes,
                        ObjectProvider<MeterRegistry> meters) {
        super(cluster.bootstrapServers(), runtime.topics().orderDecisions().name(), serdes.orderDecision().deserializer());
        MeterRegistry registry = meters.getIfAvailable();
        this.metrics = registry == null ? null : new OrderMetrics(registry);
    }

    /** Completes with the next committed decision on {@code orderId}; register before producing the request. */
    public CompletableFuture<OrderDecision> next(String orderId) {
        return waiting.asMap().computeIfAbsent(orderId, id -> new CompletableFuture<>());
    }

    @Override
    protected void onRecord(ConsumerRecord<String, OrderDecision> record) {
        OrderDecision decision = record.value();
        if (metrics != null) {
            metrics.record(decision);
        }
        CompletableFuture<OrderDecision> waiter = waiting.asMap().remove(decision.getOrderId());
        if (waiter != null) {
            waiter.complete(decision);
        }
    }
}
