package io.livedrop.api.catalog;

import static io.livedrop.schemas.testing.EventFixtures.drop;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.lenient;
import static org.mockito.Mockito.mock;

import io.livedrop.api.graphql.Connection;
import io.livedrop.api.query.InteractiveQueries;
import io.livedrop.api.streams.StreamsRuntime;
import io.livedrop.events.drop.DropState;
import io.livedrop.events.drop.DropStatus;
import io.livedrop.topology.config.LivedropConfig;
import io.livedrop.topology.config.Stores;
import io.livedrop.topology.config.Topics;
import io.livedrop.topology.drop.LiveDropKeys;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * This instance's share of a page of live drops (one partition, owned here, holding the states and
 * the live index as the ledger writes them; the ledger's side is LiveDropsIndexTest): it is read
 * from the live index, at most a page of index entries and drop states, however many drops have
 * ended; pages and cursors are those of the live list (the most recently started first). Every
 * store read is counted, a scan included.
 */
class LiveDropsReadTest {

    private static final Instant NOW = Instant.parse("2026-11-25T18:00:00Z");
    private static final int ENDED = 300;

    private final Topics topics = Topics.from(new LivedropConfig(Map.of()));
    private final Counting<DropState> states = new Counting<>();
    private final Counting<String> live = new Counting<>();
    private CatalogQueryService catalog;

    @BeforeEach
    void setUp() throws Exception {
        // one partition of the drops topic, active here
        String dropsTopic = topics.drops().name();
        TaskMetadata task = mock(TaskMetadata.class);
        given(task.topicPartitions()).willReturn(Set.of(new TopicPartition(dropsTopic, 0)));
        ThreadMetadata thread = mock(ThreadMetadata.class);
        given(thread.activeTasks()).willReturn(Set.of(task));
        KafkaStreams streams = mock(KafkaStreams.class);
        given(streams.metadataForLocalThreads()).willReturn(Set.of(thread));
        StreamsRuntime runtime = mock(StreamsRuntime.class);
        given(runtime.topics()).willReturn(topics);
        given(runtime.streamsFor(anyString())).willReturn(streams);

        // the stores as Interactive Queries serve them here; the gather is this instance alone
        InteractiveQueries queries = mock(InteractiveQueries.class);
        lenient().when(queries.localStore(Stores.DROP_STATE, 0, false)).thenAnswer(call -> states);
        lenient().when(queries.localStore(Stores.LIVE_DROPS, 0, false)).thenAnswer(call -> live);
        lenient().when(queries.withStore(anyString(), any()))
                .thenAnswer(call -> call.<Function<ReadOnlyKeyValueStore<String, DropState>, ?>>getArgument(1).apply(states));
        given(queries.gather(anyString(), anyString(), anyInt(), anyString(), any(), any(), any()))
                .willAnswer(call -> call.<Supplier<List<DropState>>>getArgument(6).get());
        catalog = new CatalogQueryService(queries, runtime);

        // Given many drops of the past, live once and ended since (the most recent started last), and
        // five live drops started a minute apart, indexed as the ledger indexes them
        for (int i = 0; i < ENDED; i++) {
            states.map.put("ended-" + i, state("ended-" + i, DropStatus.ENDED, NOW.minusSeconds(600 - i)));
        }
        for (int i = 1; i <= 5; i++) {
            DropState live = state("live-" + i, DropStatus.LIVE, NOW.plusSeconds(60L * i));
            states.map.put("live-" + i, live);
            this.live.map.put(LiveDropKeys.key(live), "live-" + i);
        }
    }

    @Test
    void shouldReadAPageOfLiveDropsFromTheIndexNotEveryDropEver() {
        // When the first page of two live drops is read
        Connection<DropView> page = catalog.liveDrops(2, null);

        // Then it holds the two most recently started, and cost at most a page and one (the look-ahead) of each store
        assertThat(ids(page)).containsExactly("live-5", "live-4");
        assertThat(page.pageInfo().hasNextPage()).isTrue();
        assertThat(states.reads).as("drop states read for a page of 2 among %d drops", ENDED + 5).hasValueLessThanOrEqualTo(3);
        assertThat(live.reads).hasValueLessThanOrEqualTo(3);
    }

    @Test
    void shouldPageThroughEveryLiveDropExactlyOnceWithTheListsCursors() {
        // When the live drops are paged two at a time
        Connection<DropView> first = catalog.liveDrops(2, null);
        Connection<DropView> second = catalog.liveDrops(2, first.pageInfo().endCursor());
        Connection<DropView> third = catalog.liveDrops(2, second.pageInfo().endCursor());

        // Then each live drop comes once, the most recently started first, and nothing ended
        assertThat(ids(first)).containsExactly("live-5", "live-4");
        assertThat(ids(second)).containsExactly("live-3", "live-2");
        assertThat(ids(third)).containsExactly("live-1");
        assertThat(third.pageInfo().hasNextPage()).isFalse();

        // And a cursor names the live list's sort key: when the drop went live, then its id
        DropState live4 = states.map.get("live-4");
        assertThat(first.edges().get(1).cursor())
                .isEqualTo(io.livedrop.api.graphql.Pages.cursor(LiveDropKeys.key(live4.getStartedAt(), "live-4")));
        // (a page resumes after its cursor: at most a page and the cursor's own entry are read)
        assertThat(states.reads).hasValueLessThanOrEqualTo(3 * 3);
    }

    @Test
    void shouldSkipAnIndexEntryWhoseDropLeftTheListAndStillFillThePage() {
        // Given an index entry, newest of all, naming a drop that is ENDED by the time it is read
        live.map.put(LiveDropKeys.key(NOW.plusSeconds(86_400), "ended-0"), "ended-0");

        // When the first page is read
        Connection<DropView> page = catalog.liveDrops(2, null);

        // Then the ended drop is not shown and the page is still full
        assertThat(ids(page)).containsExactly("live-5", "live-4");
        assertThat(page.pageInfo().hasNextPage()).isTrue();
    }

    private static DropState state(String id, DropStatus status, Instant startedAt) {
        return DropState.newBuilder().setDefinition(drop(id, "c1", "p1").setStartsAt(startedAt).build()).setStatus(status)
                .setRemainingStock(status == DropStatus.LIVE ? 10 : 0).setStartedAt(startedAt).setUpdatedAt(startedAt).build();
    }

    private static List<String> ids(Connection<DropView> page) {
        return page.edges().stream().map(edge -> edge.node().id()).toList();
    }

    /** A partition's store, sorted like RocksDB's (keys are ASCII), that counts every value it hands out. */
    private static final class Counting<V> implements ReadOnlyKeyValueStore<String, V> {

        final AtomicInteger reads = new AtomicInteger();
        final NavigableMap<String, V> map = new TreeMap<>();

        @Override
        public V get(String key) {
            reads.incrementAndGet();
            return map.get(key);
        }

        @Override
        public KeyValueIterator<String, V> range(String from, String to) {
            NavigableMap<String, V> range = from == null ? map : map.tailMap(from, true);
            return counted(to == null ? range : range.headMap(to, true));
        }

        @Override
        public KeyValueIterator<String, V> all() {
            return counted(map);
        }

        @Override
        public long approximateNumEntries() {
            return map.size();
        }

        private KeyValueIterator<String, V> counted(NavigableMap<String, V> entries) {
            Iterator<Map.Entry<String, V>> it = new ArrayList<>(entries.entrySet()).iterator();
            return new KeyValueIterator<>() {
                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public KeyValue<String, V> next() {
                    reads.incrementAndGet();
                    Map.Entry<String, V> next = it.next();
                    return KeyValue.pair(next.getKey(), next.getValue());
                }

                @Override
                public String peekNextKey() {
                    throw new UnsupportedOperationException();
                }

                @Override
                public void close() {
                }
            };
        }
    }
}
