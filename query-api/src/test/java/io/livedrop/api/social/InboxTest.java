package io.livedrop.api.social;

import static org.assertj.core.api.Assertions.assertThat;

import io.livedrop.events.drop.DropEvent;
import io.livedrop.events.drop.DropEventType;
import io.livedrop.events.drop.DropStatus;
import io.livedrop.events.social.FollowAction;
import io.livedrop.events.social.FollowEvent;
import io.livedrop.topology.social.SocialKeys;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The inbox join, both ways round: walking the recent starts, and walking the followed creators. */
class InboxTest {

    private static final Instant T0 = Instant.parse("2026-11-20T12:00:00Z");
    private static final long HORIZON = T0.minusSeconds(1).toEpochMilli();

    private final Store<Object> following = new Store<>();
    private final Store<DropEvent> recent = new Store<>();

    /** 0: always walk the followed creators; a large bound: always walk the recent starts. */
    @ParameterizedTest(name = "walk recent starts up to {0}")
    @ValueSource(longs = {0, 1_000})
    void shouldListFollowedCreatorsStartsNewestFirstAndPageAfterTheCursor(long walkRecentUpTo) {
        // Given ann follows ava and bob (not "av", whose keys sort next to ava's), and five starts
        follow("ann", "ava");
        follow("ann", "bob");
        follow("zed", "av");
        start("ava", "d1", 10);
        start("bob", "d2", 20);
        start("av", "d3", 30);
        start("ava", "d4", 40);
        start("bob", "d0", -3_600);   // before the horizon

        // When ann reads pages of two
        List<DropEvent> first = Inbox.page(following, recent, "ann", null, 2, HORIZON, walkRecentUpTo);
        List<DropEvent> second = Inbox.page(following, recent, "ann", Inbox.After.of(Inbox.sortKey(first.get(1))), 2, HORIZON, walkRecentUpTo);

        // Then her followed creators' starts come newest first, each once, none before the horizon
        assertThat(first).extracting(DropEvent::getDropId).containsExactly("d4", "d2");
        assertThat(second).extracting(DropEvent::getDropId).containsExactly("d1");
        assertThat(Inbox.page(following, recent, "nobody", null, 20, HORIZON, walkRecentUpTo)).isEmpty();
    }

    @Test
    void shouldBreakTiesOfOneMillisecondByDropId() {
        follow("ann", "ava");
        start("ava", "b", 10);
        start("ava", "a", 10);
        assertThat(Inbox.page(following, recent, "ann", null, 20, HORIZON)).extracting(DropEvent::getDropId)
                .containsExactly("a", "b");
    }

    private void follow(String user, String creator) {
        following.map.put(SocialKeys.following(user, creator), FollowEvent.newBuilder().setUserId(user)
                .setCreatorId(creator).setAction(FollowAction.FOLLOW).setAt(T0).build());
    }

    private void start(String creator, String drop, long secondsAfterT0) {
        Instant at = T0.plusSeconds(secondsAfterT0);
        recent.map.put(SocialKeys.recentStart(creator, at.toEpochMilli(), drop), DropEvent.newBuilder().setDropId(drop)
                .setCreatorId(creator).setType(DropEventType.STARTED).setStatus(DropStatus.LIVE).setInitialStock(1)
                .setRemainingStock(1).setAt(at).build());
    }

    /** A sorted in-memory store: what RocksDB's key order gives the real one. */
    private static final class Store<V> implements ReadOnlyKeyValueStore<String, V> {

        final NavigableMap<String, V> map = new TreeMap<>();

        @Override
        public V get(String key) {
            return map.get(key);
        }

        @Override
        public KeyValueIterator<String, V> range(String from, String to) {
            return iterator(map.subMap(from, true, to, true));
        }

        @Override
        public KeyValueIterator<String, V> all() {
            return iterator(map);
        }

        @Override
        public <PS extends Serializer<P>, P> KeyValueIterator<String, V> prefixScan(P prefix, PS serializer) {
            String p = (String) prefix;
            return iterator(map.subMap(p, true, p + Character.MAX_VALUE, false));
        }

        @Override
        public long approximateNumEntries() {
            return map.size();
        }

        private static <V> KeyValueIterator<String, V> iterator(Map<String, V> entries) {
            Iterator<Map.Entry<String, V>> it = List.copyOf(entries.entrySet()).iterator();
            return new KeyValueIterator<>() {
                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public KeyValue<String, V> next() {
                    Map.Entry<String, V> e = it.next();
                    return KeyValue.pair(e.getKey(), e.getValue());
                }

                @Override
                public void close() {
                }

                @Override
                public String peekNextKey() {
                    throw new UnsupportedOperationException();
                }
            };
        }
    }
}
