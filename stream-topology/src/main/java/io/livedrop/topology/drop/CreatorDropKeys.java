package io.livedrop.topology.drop;

import java.time.Instant;
import java.util.regex.Pattern;

/**
 * Keys of the {@link io.livedrop.topology.config.Stores#DROPS_BY_CREATOR} index:
 * {@code <creator id>|<newest-first start key>|<drop id>}, where the start key is
 * {@code Long.MAX_VALUE - startsAt millis}, zero-padded to 19 digits. Keys of one creator sort by
 * start, latest first, then by drop id: a creator's page is one prefix range read, resumed strictly
 * after a cursor's sort key ({@link #sortKey}, which the API's cursors carry). Only creator ids of
 * the API's id alphabet (no {@code '|'}) are indexed, so one creator's prefix never covers another's.
 */
public final class CreatorDropKeys {

    public static final char SEPARATOR = '|';
    private static final Pattern INDEXABLE = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private CreatorDropKeys() {
    }

    /** Whether a creator id can be indexed (and asked for through the API at all). */
    public static boolean indexable(String creatorId) {
        return creatorId != null && INDEXABLE.matcher(creatorId).matches();
    }

    /** The order of a creator's drops: latest start first, then drop id. */
    public static String sortKey(Instant startsAt, String dropId) {
        return String.format("%019d", Long.MAX_VALUE - startsAt.toEpochMilli()) + SEPARATOR + dropId;
    }

    public static String key(String creatorId, Instant startsAt, String dropId) {
        return prefix(creatorId) + sortKey(startsAt, dropId);
    }

    /** Every index key of {@code creatorId} starts with this. */
    public static String prefix(String creatorId) {
        return creatorId + SEPARATOR;
    }

    /** The sort key part of an index key (what a cursor names). */
    public static String sortKeyOf(String key) {
        return key.substring(key.indexOf(SEPARATOR) + 1);
    }

    /** Just above every key of {@code creatorId}: the exclusive end of its range. */
    public static String end(String creatorId) {
        return creatorId + (char) (SEPARATOR + 1);
    }
}
