package io.livedrop.topology;

import io.livedrop.events.catalog.Creator;
import io.livedrop.events.catalog.Product;
import io.livedrop.events.order.OrderDecision;
import io.livedrop.topology.config.LivedropConfig;
import io.livedrop.topology.config.Stores;
import io.livedrop.topology.config.Topics;
import io.livedrop.topology.config.TopologySerdes;
import io.livedrop.topology.drop.DropLedgerProcessor;
import io.livedrop.topology.order.UserOrderKeys;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the livedrop topology from configuration and serdes alone: no I/O, no topic creation, no
 * cleanup, so that it can be tested without a broker and described for the snapshot test.
 *
 * <ul>
 *   <li>Catalog: creators and products as global stores, local on every instance, for reads.</li>
 *   <li>The drop ledger: the drops and order-requests topics (both keyed and partitioned by drop
 *       id) feed one {@link DropLedgerProcessor} per partition, which owns each drop's state,
 *       clock, indexes (by creator, live), purchases and order decisions, and writes OrderDecisions and DropEvents. Orders are
 *       never re-keyed: no repartition topic on the order path.</li>
 *   <li>The per-user order index ({@link Stores#USER_ORDERS}), for the API's {@code order(id)} and
 *       {@code myOrders}: the order-decisions topic, the ledger's own output, re-keyed to
 *       {@code "<user id>|<order id>"} ({@link UserOrderKeys}), repartitioned by user id only
 *       ({@code orders-by-user}) and materialized as a table. It is built from the topic rather than
 *       written by the ledger because Kafka Streams reads its sources read_committed under
 *       exactly_once_v2: the index only ever holds committed decisions, so an order the API shows
 *       is never revoked by an aborted transaction. A decision whose user id is blank or contains
 *       {@code '|'} is skipped with a log line (it would corrupt another user's prefix). Known gaps:
 *       on first deployment the index holds only the decisions still in the topic's retention; a
 *       retry after the 24 h idempotency window is decided again and its decision replaces the
 *       first one in the index.</li>
 * </ul>
 * Every source, processor, sink and store is named explicitly.
 */
public final class LivedropTopology {

    public static final String DROPS_SOURCE = "drops-source";
    public static final String ORDER_REQUESTS_SOURCE = "order-requests-source";
    public static final String DROP_LEDGER = "drop-ledger";
    public static final String ORDER_DECISIONS_SINK = "order-decisions-sink";
    public static final String DROP_EVENTS_SINK = "drop-events-sink";
    public static final String ORDER_DECISIONS_SOURCE = "order-decisions-source";
    public static final String USER_ORDERS_FILTER = "user-orders-indexable";
    public static final String USER_ORDERS_REKEY = "user-orders-by-user-key";
    /** Repartition name: the internal topic is {@code <application.id>-orders-by-user-repartition}. */
    public static final String USER_ORDERS_REPARTITION = "orders-by-user";
    public static final String USER_ORDERS_TABLE = "user-orders-table";

    private static final Logger log = LoggerFactory.getLogger(LivedropTopology.class);

    private LivedropTopology() {
    }

    public static Topology build(LivedropConfig config, TopologySerdes serdes) {
        Topics topics = Topics.from(config);
        StreamsBuilder builder = new StreamsBuilder();
        builder.globalTable(topics.creators().name(),
                Consumed.with(serdes.key(), serdes.creator()).withName("catalog-creators"),
                Materialized.<String, Creator, KeyValueStore<Bytes, byte[]>>as(Stores.CATALOG_CREATORS)
                        .withKeySerde(serdes.key()).withValueSerde(serdes.creator()));
        builder.globalTable(topics.products().name(),
                Consumed.with(serdes.key(), serdes.product()).withName("catalog-products"),
                Materialized.<String, Product, KeyValueStore<Bytes, byte[]>>as(Stores.CATALOG_PRODUCTS)
                        .withKeySerde(serdes.key()).withValueSerde(serdes.product()));
        userOrderIndex(builder, topics, serdes);
        Topology topology = builder.build();

        Duration clock = Duration.ofMillis(config.dropClockIntervalMs());
        Duration retention = Duration.ofMillis(config.idempotencyRetentionMs());
        topology.addSource(DROPS_SOURCE, serdes.key().deserializer(), serdes.drop().deserializer(), topics.drops().name())
                .addSource(ORDER_REQUESTS_SOURCE, serdes.key().deserializer(), serdes.orderRequest().deserializer(),
                        topics.orderRequests().name())
                .addProcessor(DROP_LEDGER, () -> new DropLedgerProcessor(clock, retention,
                                topics.orderRequests().name(), DROP_EVENTS_SINK, ORDER_DECISIONS_SINK),
                        DROPS_SOURCE, ORDER_REQUESTS_SOURCE)
                // Cached: a hot drop's state changes with every order; the cache turns those into one
                // changelog record per commit instead of one per order.
                .addStateStore(Stores.persistent(Stores.DROP_STATE, serdes.key(), serdes.dropState()).withCachingEnabled(), DROP_LEDGER)
                .addStateStore(Stores.persistent(Stores.DROP_SCHEDULE, serdes.key(), serdes.key()), DROP_LEDGER)
                .addStateStore(Stores.persistent(Stores.DROPS_BY_CREATOR, serdes.key(), serdes.key()), DROP_LEDGER)
                .addStateStore(Stores.persistent(Stores.LIVE_DROPS, serdes.key(), serdes.key()), DROP_LEDGER)
                .addStateStore(Stores.persistent(Stores.ORDER_DECISIONS, serdes.key(), serdes.orderDecision()), DROP_LEDGER)
                .addStateStore(Stores.persistent(Stores.ORDER_DECISION_EXPIRY, serdes.key(), serdes.key()), DROP_LEDGER)
                .addStateStore(Stores.persistent(Stores.DROP_PURCHASES, serdes.key(), Serdes.Integer()).withCachingEnabled(), DROP_LEDGER)
                .addSink(ORDER_DECISIONS_SINK, topics.orderDecisions().name(), serdes.key().serializer(),
                        serdes.orderDecision().serializer(), DROP_LEDGER)
                .addSink(DROP_EVENTS_SINK, topics.dropEvents().name(), serdes.key().serializer(),
                        serdes.dropEvent().serializer(), DROP_LEDGER);
        return topology;
    }

    /** order-decisions (committed only) → re-keyed by user and order → repartitioned by user → user-orders. */
    private static void userOrderIndex(StreamsBuilder builder, Topics topics, TopologySerdes serdes) {
        builder.stream(topics.orderDecisions().name(),
                        Consumed.with(serdes.key(), serdes.orderDecision()).withName(ORDER_DECISIONS_SOURCE))
                .filter((dropId, decision) -> indexable(decision), Named.as(USER_ORDERS_FILTER))
                .selectKey((dropId, decision) -> UserOrderKeys.key(decision.getUserId(), decision.getOrderId()),
                        Named.as(USER_ORDERS_REKEY))
                .repartition(Repartitioned.<String, OrderDecision>as(USER_ORDERS_REPARTITION)
                        .withKeySerde(serdes.key()).withValueSerde(serdes.orderDecision())
                        .withStreamPartitioner(UserOrderKeys.partitioner()))
                .toTable(Named.as(USER_ORDERS_TABLE),
                        Materialized.<String, OrderDecision, KeyValueStore<Bytes, byte[]>>as(Stores.USER_ORDERS)
                                .withKeySerde(serdes.key()).withValueSerde(serdes.orderDecision()));
    }

    private static boolean indexable(OrderDecision decision) {
        if (decision == null) {
            log.warn("Skipping a tombstone on the order-decisions topic: decisions are never deleted");
            return false;
        }
        if (!UserOrderKeys.usable(decision.getUserId())) {
            log.warn("Order {} not indexed by user: user id '{}' is blank or contains '{}'",
                    decision.getOrderId(), decision.getUserId(), UserOrderKeys.SEPARATOR);
            return false;
        }
        return true;
    }
}
