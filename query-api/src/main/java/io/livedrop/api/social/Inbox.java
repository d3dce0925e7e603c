package io.livedrop.api.social;

import io.livedrop.events.drop.DropEvent;
import io.livedrop.topology.social.SocialKeys;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The inbox, computed on read in one follows partition: the viewer's following list joined with
 * the recent drop starts per creator (every partition holds all of them, so both sides are local).
 * While the recent starts are few (the usual case: they are drop starts, not follows), they are
 * walked newest first and each creator is looked up in the viewer's following list, stopping once
 * the page is full; otherwise the viewer's following list is scanned and each followed creator's
 * starts are found by prefix. Either way the work is bounded by the smaller side, never by the
 * number of followers.
 */
final class Inbox {

    private static final Serializer<String> KEYS = Serdes.String().serializer();
    /** Newest first, then by drop id: the order of {@link #sortKey}, without building strings. */
    static final Comparator<DropEvent> NEWEST_FIRST = Comparator.comparing(DropEvent::getAt).reversed()
            .thenComparing(DropEvent::getDropId);

    /** Up to this many recent starts (RocksDB's estimate), walk them rather than the following list. */
    static final long WALK_RECENT_UP_TO = 5_000;

    private Inbox() {
    }

    /** A sort key that orders newest first as a string, for cursors: inverted start millis (19 digits), '|', drop id. */
    static String sortKey(DropEvent start) {
        return String.format("%019d", Long.MAX_VALUE - start.getAt().toEpochMilli()) + '|' + start.getDropId();
    }

    /** Where a page resumes: strictly after this start (older, or as old with a greater drop id). */
    record After(long startedAtMillis, String dropId) {

        /** The position a {@link #sortKey} names; IllegalArgumentException if it is not one. */
        static After of(String sortKey) {
            if (sortKey.length() < 21 || sortKey.charAt(19) != '|') {
                throw new IllegalArgumentException("not an inbox sort key");
            }
            return new After(Long.MAX_VALUE - Long.parseLong(sortKey.substring(0, 19)), sortKey.substring(20));
        }

        boolean precedes(DropEvent start) {
            long at = start.getAt().toEpochMilli();
            return at < startedAtMillis || (at == startedAtMillis && start.getDropId().compareTo(dropId) > 0);
        }
    }

    /**
     * Up to {@code limit} drop starts of creators {@code userId} follows, newest first, started at or
     * after {@code horizonMillis}, strictly after {@code after} (null: from the newest).
     */
    static List<DropEvent> page(ReadOnlyKeyValueStore<String, ?> following, ReadOnlyKeyValueStore<String, DropEvent> recent,
                                String userId, After after, int limit, long horizonMillis) {
        return page(following, recent, userId, after, limit, horizonMillis, WALK_RECENT_UP_TO);
    }

    static List<DropEvent> page(ReadOnlyKeyValueStore<String, ?> following, ReadOnlyKeyValueStore<String, DropEvent> recent,
                                String userId, After after, int limit, long horizonMillis, long walkRecentUpTo) {
        return recent.approximateNumEntries() <= walkRecentUpTo
                ? byRecentStarts(following, recent, userId, after, limit, horizonMillis)
                : byFollowedCreators(following, recent, userId, after, limit, horizonMillis);
    }

    /** Recent starts newest first, each kept if the viewer follows its creator (one point lookup per creator). */
    private static List<DropEvent> byRecentStarts(ReadOnlyKeyValueStore<String, ?> following,
                                                  ReadOnlyKeyValueStore<String, DropEvent> recent, String userId,
                                                  After after, int limit, long horizonMillis) {
        List<DropEvent> candidates = new ArrayList<>();
        try (KeyValueIterator<String, DropEvent> it = recent.all()) {
            it.forEachRemaining(entry -> {
                if (inPage(entry.value, after, horizonMillis)) {
                    candidates.add(entry.value);
                }
            });
        }
        candidates.sort(NEWEST_FIRST);
        Map<String, Boolean> follows = new HashMap<>();
        List<DropEvent> page = new ArrayList<>(limit);
        for (DropEvent start : candidates) {
            if (follows.computeIfAbsent(start.getCreatorId(),
                    creator -> following.get(SocialKeys.following(userId, creator)) != null)) {
                page.add(start);
                if (page.size() == limit) {
                    break;
                }
            }
        }
        return page;
    }

    /** The viewer's followed creators, each creator's recent starts by prefix. */
    private static List<DropEvent> byFollowedCreators(ReadOnlyKeyValueStore<String, ?> following,
                                                      ReadOnlyKeyValueStore<String, DropEvent> recent, String userId,
                                                      After after, int limit, long horizonMillis) {
        List<String> creators = new ArrayList<>();
        String prefix = SocialKeys.followingPrefix(userId);
        try (KeyValueIterator<String, ?> it = following.prefixScan(prefix, KEYS)) {
            it.forEachRemaining(entry -> creators.add(entry.key.substring(prefix.length())));
        }
        List<DropEvent> starts = new ArrayList<>();
        for (String creator : creators) {
            try (KeyValueIterator<String, DropEvent> it = recent.prefixScan(SocialKeys.recentStartsPrefix(creator), KEYS)) {
                it.forEachRemaining(entry -> {
                    if (inPage(entry.value, after, horizonMillis)) {
                        starts.add(entry.value);
                    }
                });
            }
        }
        return starts.stream().sorted(NEWEST_FIRST).limit(limit).toList();
    }

    private static boolean inPage(DropEvent start, After after, long horizonMillis) {
        return start.getAt().toEpochMilli() >= horizonMillis && (after == null || after.precedes(start));
    }
}
