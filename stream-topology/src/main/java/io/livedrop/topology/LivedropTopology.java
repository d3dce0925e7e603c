package io.livedrop.topology;

import io.livedrop.events.catalog.Creator;
import io.livedrop.events.catalog.Product;
import io.livedrop.topology.config.LivedropConfig;
import io.livedrop.topology.config.Stores;
import io.livedrop.topology.config.Topics;
import io.livedrop.topology.config.TopologySerdes;
import io.livedrop.topology.drop.DropLifecycleProcessor;
import java.time.Duration;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Builds the livedrop topology from configuration and serdes alone: no I/O, no topic creation, no
 * cleanup, so that it can be tested without a broker and described for the snapshot test.
 *
 * <ul>
 *   <li>Catalog: creators and products as global stores, local on every instance, for reads.</li>
 *   <li>Drops: the drops topic (keyed and partitioned by drop id, like the orders) feeds
 *       {@link DropLifecycleProcessor}, which owns each drop's state and clock and writes
 *       DropEvents.</li>
 * </ul>
 * Every source, processor, sink and store is named explicitly.
 */
public final class LivedropTopology {

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

        builder.addStateStore(org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
                org.apache.kafka.streams.state.Stores.persistentKeyValueStore(Stores.DROP_STATE),
                serdes.key(), serdes.dropState()));
        builder.addStateStore(org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
                org.apache.kafka.streams.state.Stores.persistentKeyValueStore(Stores.DROP_SCHEDULE),
                serdes.key(), serdes.key()));

        Duration clock = Duration.ofMillis(config.dropClockIntervalMs());
        builder.stream(topics.drops().name(), Consumed.with(serdes.key(), serdes.drop()).withName("drops-source"))
                .process(() -> new DropLifecycleProcessor(clock), Named.as("drop-lifecycle"),
                        Stores.DROP_STATE, Stores.DROP_SCHEDULE)
                .to(topics.dropEvents().name(),
                        Produced.with(serdes.key(), serdes.dropEvent()).withName("drop-events-sink"));

        return builder.build();
    }
}
