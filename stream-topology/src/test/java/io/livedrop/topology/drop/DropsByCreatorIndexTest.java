package io.livedrop.topology.drop;

import static io.livedrop.schemas.testing.EventFixtures.drop;
import static org.assertj.core.api.Assertions.assertThat;

import io.livedrop.events.catalog.Drop;
import io.livedrop.events.drop.DropState;
import io.livedrop.events.drop.DropStatus;
import io.livedrop.topology.TopologyFixture;
import io.livedrop.topology.config.Stores;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The ledger's index of drops by creator ({@link Stores#DROPS_BY_CREATOR}): one entry per drop,
 * latest start first, moved when the drop's start or creator changes, and filled from drop-state
 * when a store written before the index existed is opened.
 */
class DropsByCreatorIndexTest {

    private static final Instant NOW = TopologyFixture.START;

    private final TopologyFixture fixture = new TopologyFixture();
    private final TestInputTopic<String, Drop> drops = fixture.driver.createInputTopic(
            fixture.topics.drops().name(), fixture.serdes.key().serializer(), fixture.serdes.drop().serializer());
    private final KeyValueStore<String, String> index = fixture.driver.getKeyValueStore(Stores.DROPS_BY_CREATOR);

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void shouldIndexScheduledDropsUnderTheirCreatorLatestStartFirst() {
        // Given three drops of c1 (two starting later) and one of c2
        drops.pipeInput("d1", drop("d1", "c1", "p1").setStartsAt(NOW.plusSeconds(60)).build());
        drops.pipeInput("d2", drop("d2", "c1", "p1").setStartsAt(NOW.plusSeconds(3_600)).build());
        drops.pipeInput("d3", drop("d3", "c2", "p2").setStartsAt(NOW.plusSeconds(120)).build());
        drops.pipeInput("d4", drop("d4", "c1", "p1").setStartsAt(NOW.plusSeconds(60)).build());

        // Then c1's prefix holds its drops, latest start first, ties by id, and nothing of c2
        assertThat(values(prefix(index, "c1"))).containsExactly("d2", "d1", "d4");
        assertThat(values(prefix(index, "c2"))).containsExactly("d3");
        assertThat(keys(prefix(index, "c1")).get(0))
                .isEqualTo(CreatorDropKeys.key("c1", NOW.plusSeconds(3_600), "d2"))
                .isEqualTo("c1|" + (Long.MAX_VALUE - NOW.plusSeconds(3_600).toEpochMilli()) + "|d2");
    }

    @Test
    void shouldMoveTheEntryWhenADropIsRescheduled() {
        // Given d1 starting after d2, then rescheduled to start before it
        drops.pipeInput("d1", drop("d1", "c1", "p1").setStartsAt(NOW.plusSeconds(600)).build());
        drops.pipeInput("d2", drop("d2", "c1", "p1").setStartsAt(NOW.plusSeconds(300)).build());
        assertThat(values(prefix(index, "c1"))).containsExactly("d1", "d2");
        drops.pipeInput("d1", drop("d1", "c1", "p1").setStartsAt(NOW.plusSeconds(60)).build());

        // Then d1 has exactly one entry, under its new start
        assertThat(keys(prefix(index, "c1"))).containsExactly(
                CreatorDropKeys.key("c1", NOW.plusSeconds(300), "d2"),
                CreatorDropKeys.key("c1", NOW.plusSeconds(60), "d1"));
    }

    @Test
    void shouldKeepOneEntryThroughARedefinitionWithTheSameStartAndThroughItsLife() {
        // Given a drop going live, redefined with a new price, then ended
        drops.pipeInput("d1", drop("d1", "c1", "p1").setStartsAt(NOW).setEndsAt(NOW.plusSeconds(30)).build());
        drops.pipeInput("d1", drop("d1", "c1", "p1").setStartsAt(NOW).setEndsAt(NOW.plusSeconds(30)).setPriceCents(1).build());
        fixture.driver.advanceWallClockTime(Duration.ofSeconds(31));

        // Then it is ENDED and still listed once under its creator
        assertThat(fixture.driver.<String, DropState>getKeyValueStore(Stores.DROP_STATE).get("d1").getStatus())
                .isEqualTo(DropStatus.ENDED);
        assertThat(keys(prefix(index, "c1"))).containsExactly(CreatorDropKeys.key("c1", NOW, "d1"));
    }

    @Test
    void shouldMoveTheEntryWhenADropChangesCreator() {
        drops.pipeInput("d1", drop("d1", "c1", "p1").setStartsAt(NOW.plusSeconds(60)).build());
        drops.pipeInput("d1", drop("d1", "c2", "p1").setStartsAt(NOW.plusSeconds(60)).build());

        assertThat(values(prefix(index, "c1"))).isEmpty();
        assertThat(values(prefix(index, "c2"))).containsExactly("d1");
    }

    @Test
    void shouldFillAnEmptyIndexFromExistingDropStateAtTheFirstClockTick() {
        // Given stores written before the index existed: two drops in drop-state, an empty index
        MockLedger mock = new MockLedger(fixture, NOW);
        KeyValueStore<String, String> emptyIndex = mock.byCreator;
        mock.states.put("d1", scheduled(drop("d1", "c1", "p1").setStartsAt(NOW.plusSeconds(60)).build()));
        mock.states.put("d2", scheduled(drop("d2", "c1", "p1").setStartsAt(NOW.plusSeconds(120)).build()));

        // When the ledger starts on them and its clock ticks once
        mock.start().tick(NOW);

        // Then the index holds both drops, as if they had been defined with it
        assertThat(keys(prefix(emptyIndex, "c1"))).containsExactly(
                CreatorDropKeys.key("c1", NOW.plusSeconds(120), "d2"),
                CreatorDropKeys.key("c1", NOW.plusSeconds(60), "d1"));

        // And a drop defined afterwards is indexed once, alongside them
        mock.ledger.process(new Record<>("d3", drop("d3", "c1", "p1").setStartsAt(NOW.plusSeconds(90)).build(), NOW.toEpochMilli()));
        assertThat(values(prefix(emptyIndex, "c1"))).containsExactly("d2", "d3", "d1");
    }

    @Test
    void shouldFillAnEmptyIndexAtTheFirstRecordWhenItComesBeforeAClockTick() {
        MockLedger mock = new MockLedger(fixture, NOW);
        KeyValueStore<String, String> emptyIndex = mock.byCreator;
        mock.states.put("d1", scheduled(drop("d1", "c1", "p1").setStartsAt(NOW.plusSeconds(60)).build()));

        mock.start().ledger.process(new Record<>("d2", drop("d2", "c2", "p1").setStartsAt(NOW.plusSeconds(90)).build(), NOW.toEpochMilli()));

        assertThat(values(prefix(emptyIndex, "c1"))).containsExactly("d1");
        assertThat(values(prefix(emptyIndex, "c2"))).containsExactly("d2");
    }

    private static DropState scheduled(Drop definition) {
        return DropState.newBuilder().setDefinition(definition).setStatus(DropStatus.SCHEDULED)
                .setRemainingStock(definition.getInitialStock()).setStartedAt(null).setUpdatedAt(NOW).build();
    }

    private static List<org.apache.kafka.streams.KeyValue<String, String>> prefix(KeyValueStore<String, String> store,
                                                                                  String creatorId) {
        List<org.apache.kafka.streams.KeyValue<String, String>> entries = new ArrayList<>();
        try (KeyValueIterator<String, String> it = store.prefixScan(CreatorDropKeys.prefix(creatorId), new StringSerializer())) {
            it.forEachRemaining(entries::add);
        }
        return entries;
    }

    private static List<String> keys(List<org.apache.kafka.streams.KeyValue<String, String>> entries) {
        return entries.stream().map(kv -> kv.key).toList();
    }

    private static List<String> values(List<org.apache.kafka.streams.KeyValue<String, String>> entries) {
        return entries.stream().map(kv -> kv.value).toList();
    }
}
