package io.livedrop.topology.drop;

import static io.livedrop.schemas.testing.EventFixtures.drop;
import static org.assertj.core.api.Assertions.assertThat;

import io.livedrop.events.catalog.Drop;
import io.livedrop.events.drop.DropState;
import io.livedrop.events.drop.DropStatus;
import io.livedrop.events.order.OrderStatus;
import io.livedrop.topology.LedgerFixture;
import io.livedrop.topology.TopologyFixture;
import io.livedrop.topology.config.Stores;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The ledger's index of live drops ({@link Stores#LIVE_DROPS}): exactly the LIVE drops of the
 * partition, the most recently started first under the live list's own sort key, in when a drop
 * starts, out when it sells out or ends, and filled from drop-state when a store written before
 * the index existed is opened (in the same pass as the index by creator).
 */
class LiveDropsIndexTest {

    private static final Instant NOW = TopologyFixture.START;

    private final LedgerFixture ledger = new LedgerFixture();
    private final KeyValueStore<String, String> live = ledger.topology.driver.getKeyValueStore(Stores.LIVE_DROPS);

    @AfterEach
    void close() {
        ledger.close();
    }

    @Test
    void shouldListDropsAsTheyGoLiveTheMostRecentlyStartedFirst() {
        // Given drops starting in 10 s, in 20 s and in an hour
        ledger.drops.pipeInput("d1", drop("d1", "c1", "p1").setStartsAt(NOW.plusSeconds(10)).build());
        ledger.drops.pipeInput("d2", drop("d2", "c2", "p1").setStartsAt(NOW.plusSeconds(20)).build());
        ledger.drops.pipeInput("d3", drop("d3", "c1", "p1").setStartsAt(NOW.plusSeconds(3_600)).build());
        assertThat(entries(live)).isEmpty();

        // When the clock passes the first two starts
        ledger.topology.driver.advanceWallClockTime(Duration.ofMillis(10_100));
        assertThat(values(live)).containsExactly("d1");
        ledger.topology.driver.advanceWallClockTime(Duration.ofSeconds(10));

        // Then both are listed, the later start first, under the key of the live list's order; the scheduled one is not
        assertThat(values(live)).containsExactly("d2", "d1");
        assertThat(keys(live)).containsExactly(
                LiveDropKeys.key(ledger.states.get("d2").getStartedAt(), "d2"),
                LiveDropKeys.key(ledger.states.get("d1").getStartedAt(), "d1"));
        assertThat(keys(live).get(0)).isEqualTo(
                String.format("%019d|d2", Long.MAX_VALUE - ledger.states.get("d2").getStartedAt().toEpochMilli()));
    }

    @Test
    void shouldOrderByWhenADropWentLiveNotByItsPlannedStart() {
        // Given a drop live since now, then one defined 30 s later with a start planned an hour ago
        ledger.drops.pipeInput("d1", drop("d1", "c1", "p1").setStartsAt(NOW).build());
        ledger.topology.driver.advanceWallClockTime(Duration.ofSeconds(30));
        ledger.drops.pipeInput("d0", drop("d0", "c1", "p1").setStartsAt(NOW.minusSeconds(3_600)).build());

        // Then the one that went live last comes first, as the live list shows it
        assertThat(ledger.states.get("d0").getStatus()).isEqualTo(DropStatus.LIVE);
        assertThat(values(live)).containsExactly("d0", "d1");
    }

    @Test
    void shouldUnlistADropWhenItSellsOut() {
        // Given two live drops, one with 2 units
        ledger.liveDrop("d1", 2, null);
        ledger.liveDrop("d2", 5, null);
        assertThat(values(live)).containsExactlyInAnyOrder("d1", "d2");

        // When one unit sells, the drop stays listed once; when the last one sells, it goes
        assertThat(ledger.place(LedgerFixture.order("d1", "u1", "k1", 1)).getStatus()).isEqualTo(OrderStatus.CONFIRMED);
        assertThat(values(live)).containsExactlyInAnyOrder("d1", "d2");
        assertThat(ledger.place(LedgerFixture.order("d1", "u2", "k2", 1)).getStatus()).isEqualTo(OrderStatus.CONFIRMED);

        // Then only the drop with stock left is listed
        assertThat(ledger.states.get("d1").getStatus()).isEqualTo(DropStatus.SOLD_OUT);
        assertThat(values(live)).containsExactly("d2");
    }

    @Test
    void shouldUnlistADropWhenItEndsAndNotListASoldOutDropAgainWhenItEnds() {
        // Given two live drops ending in 30 s, one of them sold out
        ledger.drops.pipeInput("d1", drop("d1", "c1", "p1").setStartsAt(NOW).setEndsAt(NOW.plusSeconds(30)).build());
        ledger.drops.pipeInput("d2", drop("d2", "c1", "p1").setStartsAt(NOW).setEndsAt(NOW.plusSeconds(30))
                .setInitialStock(1).build());
        ledger.place(LedgerFixture.order("d2", "u1", "k1", 1));
        assertThat(values(live)).containsExactly("d1");

        // When their end passes
        ledger.topology.driver.advanceWallClockTime(Duration.ofSeconds(31));

        // Then both are ENDED and nothing is listed
        assertThat(ledger.states.get("d1").getStatus()).isEqualTo(DropStatus.ENDED);
        assertThat(ledger.states.get("d2").getStatus()).isEqualTo(DropStatus.ENDED);
        assertThat(entries(live)).isEmpty();
    }

    @Test
    void shouldNotListADropWhoseStartAndEndHavePassedWhenDefined() {
        ledger.drops.pipeInput("d1", drop("d1", "c1", "p1").setStartsAt(NOW.minusSeconds(60)).setEndsAt(NOW.minusSeconds(30)).build());

        assertThat(ledger.states.get("d1").getStatus()).isEqualTo(DropStatus.ENDED);
        assertThat(entries(live)).isEmpty();
    }

    @Test
    void shouldKeepOneUnchangedEntryWhenALiveDropIsRedefined() {
        // Given a live drop
        ledger.drops.pipeInput("d1", drop("d1", "c1", "p1").setStartsAt(NOW).build());
        List<String> before = keys(live);

        // When it is redefined with another price, end, creator and planned start
        ledger.topology.driver.advanceWallClockTime(Duration.ofSeconds(5));
        ledger.drops.pipeInput("d1", drop("d1", "c2", "p1").setStartsAt(NOW.plusSeconds(1)).setEndsAt(NOW.plusSeconds(600))
                .setPriceCents(1).build());

        // Then it is still listed once, where it was: it went live when it did
        assertThat(ledger.states.get("d1").getStatus()).isEqualTo(DropStatus.LIVE);
        assertThat(keys(live)).hasSize(1).isEqualTo(before);
    }

    @Test
    void shouldFillBothEmptyIndexesFromExistingDropStateInOnePass() {
        // Given stores written before either index existed: two live drops, an ended and a scheduled one
        MockLedger mock = new MockLedger(ledger.topology, NOW);
        mock.states.put("d1", state(drop("d1", "c1", "p1").setStartsAt(NOW.minusSeconds(600)).build(), DropStatus.LIVE,
                NOW.minusSeconds(300)));
        mock.states.put("d2", state(drop("d2", "c2", "p1").setStartsAt(NOW.minusSeconds(900)).build(), DropStatus.LIVE,
                NOW.minusSeconds(60)));
        mock.states.put("d3", state(drop("d3", "c1", "p1").setStartsAt(NOW.minusSeconds(7_200)).build(), DropStatus.ENDED,
                NOW.minusSeconds(7_200)));
        mock.states.put("d4", state(drop("d4", "c1", "p1").setStartsAt(NOW.plusSeconds(600)).build(), DropStatus.SCHEDULED, null));

        // When the ledger starts on them and its clock ticks once
        mock.start().tick(NOW);

        // Then the live index holds the live drops, the most recently started first, and the creator index every drop
        assertThat(keys(mock.live)).containsExactly(
                LiveDropKeys.key(NOW.minusSeconds(60), "d2"), LiveDropKeys.key(NOW.minusSeconds(300), "d1"));
        assertThat(values(mock.byCreator)).containsExactlyInAnyOrder("d1", "d2", "d3", "d4");
    }

    @Test
    void shouldFillOnlyTheLiveIndexWhenTheCreatorIndexIsAlreadyThere() {
        // Given a store with its creator index but no live index (the version before this one)
        MockLedger mock = new MockLedger(ledger.topology, NOW);
        mock.states.put("d1", state(drop("d1", "c1", "p1").setStartsAt(NOW.minusSeconds(600)).build(), DropStatus.LIVE,
                NOW.minusSeconds(600)));
        mock.byCreator.put(CreatorDropKeys.key("c1", NOW.minusSeconds(600), "d1"), "d1");

        // When the ledger starts and its first record arrives: a drop going live at once
        mock.start().ledger.process(new org.apache.kafka.streams.processor.api.Record<>("d2",
                drop("d2", "c1", "p1").setStartsAt(NOW.minusSeconds(1)).build(), NOW.toEpochMilli()));

        // Then both live drops are listed, and the creator index holds each drop once
        assertThat(values(mock.live)).containsExactly("d2", "d1");
        assertThat(keys(mock.byCreator)).containsExactly(
                CreatorDropKeys.key("c1", NOW.minusSeconds(1), "d2"), CreatorDropKeys.key("c1", NOW.minusSeconds(600), "d1"));
    }

    private static DropState state(Drop definition, DropStatus status, Instant startedAt) {
        return DropState.newBuilder().setDefinition(definition).setStatus(status)
                .setRemainingStock(definition.getInitialStock()).setStartedAt(startedAt).setUpdatedAt(NOW).build();
    }

    private static List<KeyValue<String, String>> entries(KeyValueStore<String, String> store) {
        List<KeyValue<String, String>> entries = new ArrayList<>();
        try (KeyValueIterator<String, String> it = store.all()) {
            it.forEachRemaining(entries::add);
        }
        return entries;
    }

    private static List<String> keys(KeyValueStore<String, String> store) {
        return entries(store).stream().map(kv -> kv.key).toList();
    }

    private static List<String> values(KeyValueStore<String, String> store) {
        return entries(store).stream().map(kv -> kv.value).toList();
    }
}
