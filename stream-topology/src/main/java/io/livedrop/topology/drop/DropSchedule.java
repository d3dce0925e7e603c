package io.livedrop.topology.drop;

import java.time.Instant;

/**
 * Time-index keys ({@code <epoch millis, 13 digits>|<kind>|<id>}) of the drop-schedule store and
 * of the order-decision expiry index. Zero-padded
 * millis sort lexicographically as time, so "everything due by now" is one range scan from the
 * start of the store to {@link #dueUpTo(Instant)}.
 */
final class DropSchedule {

    enum Kind { START, END, EXPIRE }

    record Entry(Instant at, Kind kind, String dropId) {
    }

    private DropSchedule() {
    }

    static String key(Instant at, Kind kind, String dropId) {
        // on the hot path (one expiry key per order): no String.format
        return padded(at.toEpochMilli()) + '|' + kind.name() + '|' + dropId;
    }

    private static String padded(long millis) {
        String digits = Long.toString(millis);
        return digits.length() >= 13 ? digits : "0".repeat(13 - digits.length()) + digits;
    }

    /** Upper bound (inclusive) of the keys due at or before {@code now}. */
    static String dueUpTo(Instant now) {
        return padded(now.toEpochMilli()) + "|~";
    }

    static Entry parse(String key) {
        String[] parts = key.split("\\|", 3);
        return new Entry(Instant.ofEpochMilli(Long.parseLong(parts[0])), Kind.valueOf(parts[1]), parts[2]);
    }
}
