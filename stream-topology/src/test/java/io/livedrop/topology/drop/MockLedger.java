package io.livedrop.topology.drop;

import io.livedrop.events.drop.DropState;
import io.livedrop.topology.TopologyFixture;
import io.livedrop.topology.config.Stores;
import java.time.Duration;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A drop ledger over a MockProcessorContext and in-memory stores that a test can write before the
 * ledger starts (stores left by an older version): {@link #start} runs {@code init}, {@link #tick}
 * its clock once.
 */
final class MockLedger {

    final MockProcessorContext<String, SpecificRecord> context = new MockProcessorContext<>();
    final KeyValueStore<String, DropState> states;
    final KeyValueStore<String, String> byCreator;
    final KeyValueStore<String, String> live;
    final DropLedgerProcessor ledger;

    MockLedger(TopologyFixture fixture, Instant now) {
        context.setCurrentSystemTimeMs(now.toEpochMilli());
        states = store(Stores.DROP_STATE, fixture.serdes.dropState());
        byCreator = store(Stores.DROPS_BY_CREATOR, Serdes.String());
        live = store(Stores.LIVE_DROPS, Serdes.String());
        store(Stores.DROP_SCHEDULE, Serdes.String());
        store(Stores.ORDER_DECISIONS, fixture.serdes.orderDecision());
        store(Stores.ORDER_DECISION_EXPIRY, Serdes.String());
        store(Stores.DROP_PURCHASES, Serdes.Integer());
        ledger = new DropLedgerProcessor(Duration.ofMillis(100), Duration.ofDays(1),
                fixture.topics.orderRequests().name(), "events", "decisions");
    }

    MockLedger start() {
        ledger.init(context);
        return this;
    }

    void tick(Instant at) {
        context.scheduledPunctuators().get(0).getPunctuator().punctuate(at.toEpochMilli());
    }

    private <V> KeyValueStore<String, V> store(String name, Serde<V> values) {
        KeyValueStore<String, V> store = org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
                org.apache.kafka.streams.state.Stores.inMemoryKeyValueStore(name), Serdes.String(), values)
                .withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        return store;
    }
}
