package io.livedrop.topology;

import io.livedrop.events.catalog.Drop;
import io.livedrop.events.drop.DropEvent;
import io.livedrop.events.drop.DropState;
import io.livedrop.events.order.OrderDecision;
import io.livedrop.events.order.OrderRequest;
import io.livedrop.schemas.testing.EventFixtures;
import io.livedrop.topology.config.Stores;
import io.livedrop.topology.order.OrderIds;
import io.livedrop.topology.order.UserOrderKeys;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/** The drop ledger's topics and stores over a TopologyTestDriver, with order builders. */
public class LedgerFixture implements AutoCloseable {

    public final TopologyFixture topology;
    public final TestInputTopic<String, Drop> drops;
    public final TestInputTopic<String, OrderRequest> orders;
    public final TestInputTopic<byte[], byte[]> rawOrders;
    public final TestOutputTopic<String, OrderDecision> decisions;
    /** The order-decisions topic as an input, to replay or forge decisions for the user order index. */
    public final TestInputTopic<String, OrderDecision> decisionsIn;
    public final TestOutputTopic<String, DropEvent> events;
    public final TestOutputTopic<byte[], byte[]> deadLetters;
    public final KeyValueStore<String, DropState> states;
    public final KeyValueStore<String, OrderDecision> decisionStore;
    public final KeyValueStore<String, String> decisionExpiry;
    public final KeyValueStore<String, Integer> purchases;

    public LedgerFixture() {
        this(Map.of());
    }

    public LedgerFixture(Map<String, ?> config) {
        topology = new TopologyFixture(config);
        var d = topology.driver;
        var s = topology.serdes;
        var t = topology.topics;
        drops = d.createInputTopic(t.drops().name(), s.key().serializer(), s.drop().serializer());
        orders = d.createInputTopic(t.orderRequests().name(), s.key().serializer(), s.orderRequest().serializer());
        rawOrders = d.createInputTopic(t.orderRequests().name(), new ByteArraySerializer(), new ByteArraySerializer());
        decisions = d.createOutputTopic(t.orderDecisions().name(), s.key().deserializer(), s.orderDecision().deserializer());
        decisionsIn = d.createInputTopic(t.orderDecisions().name(), s.key().serializer(), s.orderDecision().serializer());
        events = d.createOutputTopic(t.dropEvents().name(), s.key().deserializer(), s.dropEvent().deserializer());
        deadLetters = d.createOutputTopic(t.deadLetters().name(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        states = d.getKeyValueStore(Stores.DROP_STATE);
        decisionStore = d.getKeyValueStore(Stores.ORDER_DECISIONS);
        decisionExpiry = d.getKeyValueStore(Stores.ORDER_DECISION_EXPIRY);
        purchases = d.getKeyValueStore(Stores.DROP_PURCHASES);
    }

    /** A live drop with the given stock, started now. */
    public void liveDrop(String dropId, int stock, Integer perUserLimit) {
        drops.pipeInput(dropId, EventFixtures.drop(dropId, "c1", "p1").setStartsAt(TopologyFixture.START)
                .setInitialStock(stock).setPerUserLimit(perUserLimit).build());
    }

    /** An order request whose id is the real one of (user, key). */
    public static OrderRequest order(String dropId, String userId, String key, int quantity) {
        return OrderRequest.newBuilder().setOrderId(OrderIds.of(userId, key)).setDropId(dropId).setUserId(userId)
                .setIdempotencyKey(key).setQuantity(quantity).setRequestedAt(TopologyFixture.START).build();
    }

    public OrderDecision place(OrderRequest request) {
        orders.pipeInput(request.getDropId(), request);
        return decisions.isEmpty() ? null : decisions.readValue();
    }

    /** The per-user order index as the API reads it (values without their timestamps). */
    public KeyValueStore<String, OrderDecision> userOrders() {
        return topology.driver.getKeyValueStore(Stores.USER_ORDERS);
    }

    /** One user's entries of the index, found as the API finds them: a prefix scan of "<user id>|". */
    public Map<String, OrderDecision> ordersOf(String userId) {
        Map<String, OrderDecision> found = new LinkedHashMap<>();
        try (KeyValueIterator<String, OrderDecision> it = userOrders().prefixScan(UserOrderKeys.prefix(userId),
                new StringSerializer())) {
            it.forEachRemaining(kv -> found.put(kv.key, kv.value));
        }
        return found;
    }

    @Override
    public void close() {
        topology.close();
    }
}
