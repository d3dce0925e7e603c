package io.livedrop.topology;

import io.livedrop.events.catalog.Creator;
import io.livedrop.events.catalog.Product;
import io.livedrop.topology.config.LivedropConfig;
import io.livedrop.topology.config.Stores;
import io.livedrop.topology.config.Topics;
import io.livedrop.topology.config.TopologySerdes;
import io.livedrop.topology.drop.DropLedgerProcessor;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Builds the livedrop topology from configuration and serdes alone: no I/O, no topic creation, no
 * cleanup, so that it can be tested without a broker and described for the snapshot test.
 *
 * <ul>
 *   <li>Catalog: creators and products as global stores, local on every instance, for reads.</li>
 *   <li>The drop ledger: the drops and order-requests topics (both keyed and partitioned by drop
 *       id) feed one {@link DropLedgerProcessor} per partition, which owns each drop's state,
 *       clock, purchases and order decisions, and writes OrderDecisions and DropEvents. Orders are
 *       never re-keyed: no repartition topic.</li>
 * </ul>
 * Every source, processor, sink and store is named explicitly.
 */
public final class LivedropTopology {

    public static final String DROPS_SOURCE = "drops-source";
    public static final String ORDER_REQUESTS_SOURCE = "order-requests-source";
    public static final String DROP_LEDGER = "drop-ledger";
    public static final String ORDER_DECISIONS_SINK = "order-decisions-sink";
    public static final String DROP_EVENTS_SINK = "drop-events-sink";

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
                .addStateStore(store(Stores.DROP_STATE, serdes.key(), serdes.dropState()).withCachingEnabled(), DROP_LEDGER)
                .addStateStore(store(Stores.DROP_SCHEDULE, serdes.key(), serdes.key()), DROP_LEDGER)
                .addStateStore(store(Stores.ORDER_DECISIONS, serdes.key(), serdes.orderDecision()), DROP_LEDGER)
                .addStateStore(store(Stores.ORDER_DECISION_EXPIRY, serdes.key(), serdes.key()), DROP_LEDGER)
                .addStateStore(store(Stores.DROP_PURCHASES, serdes.key(), Serdes.Integer()).withCachingEnabled(), DROP_LEDGER)
                .addSink(ORDER_DECISIONS_SINK, topics.orderDecisions().name(), serdes.key().serializer(),
                        serdes.orderDecision().serializer(), DROP_LEDGER)
                .addSink(DROP_EVENTS_SINK, topics.dropEvents().name(), serdes.key().serializer(),
                        serdes.dropEvent().serializer(), DROP_LEDGER);
        return topology;
    }

    /** A persistent (RocksDB), changelogged key-value store. */
    private static <V> StoreBuilder<KeyValueStore<String, V>> store(String name, Serde<String> keys, Serde<V> values) {
        return org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
                org.apache.kafka.streams.state.Stores.persistentKeyValueStore(name), keys, values);
    }
}
