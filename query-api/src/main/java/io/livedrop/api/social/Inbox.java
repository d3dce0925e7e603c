package io.livedrop.api.social;

import io.livedrop.events.drop.DropEvent;
import io.livedrop.topology.social.SocialKeys;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The inbox, computed on read in one follows partition: the viewer's following list joined with
 * the recent drop starts per creator (every partition holds all of them, so both sides are local).
 * The join walks the smaller side: one prefix seek per followed creator when the viewer follows
 * fewer creators than there are recent starts, else one pass over the recent starts; both are
 * bounded by {@code min(following, recent starts)} reads, never by the number of followers.
 */
final class Inbox {

    private static final Serializer<String> KEYS = Serdes.String().serializer();
    /** Newest first: inverted start time, then drop id. */
    static final Comparator<DropEvent> NEWEST_FIRST = Comparator.comparing(Inbox::sortKey);

    private Inbox() {
    }

    /** A sort key that orders newest first as a string, for cursors. */
    static String sortKey(DropEvent start) {
        return String.format("%019d", Long.MAX_VALUE - start.getAt().toEpochMilli()) + '|' + start.getDropId();
    }

    /**
     * Up to {@code limit} drop starts of creators {@code userId} follows, newest first, started at or
     * after {@code horizonMillis}, strictly after the sort key {@code afterKey} (null: from the newest).
     */
    static List<DropEvent> page(ReadOnlyKeyValueStore<String, ?> following, ReadOnlyKeyValueStore<String, DropEvent> recent,
                                String userId, String afterKey, int limit, long horizonMillis) {
        Set<String> creators = new HashSet<>();
        String prefix = SocialKeys.followingPrefix(userId);
        try (KeyValueIterator<String, ?> it = following.prefixScan(prefix, KEYS)) {
            it.forEachRemaining(entry -> creators.add(entry.key.substring(prefix.length())));
        }
        List<DropEvent> starts = new ArrayList<>();
        if (creators.isEmpty()) {
            return starts;
        }
        if (creators.size() <= recent.approximateNumEntries()) {
            for (String creator : creators) {
                try (KeyValueIterator<String, DropEvent> it = recent.prefixScan(SocialKeys.recentStartsPrefix(creator), KEYS)) {
                    it.forEachRemaining(entry -> starts.add(entry.value));
                }
            }
        } else {
            try (KeyValueIterator<String, DropEvent> it = recent.all()) {
                it.forEachRemaining(entry -> {
                    if (creators.contains(entry.value.getCreatorId())) {
                        starts.add(entry.value);
                    }
                });
            }
        }
        return starts.stream()
                .filter(start -> start.getAt().toEpochMilli() >= horizonMillis)
                .filter(start -> afterKey == null || sortKey(start).compareTo(afterKey) > 0)
                .sorted(NEWEST_FIRST)
                .limit(limit)
                .toList();
    }
}
