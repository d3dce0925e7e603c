package io.livedrop.bench.push;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * Who follows whom in the benchmark, one definition for the topology's seeding and the RocksDB baseline: users
 * {@code fan-0 .. fan-(N-1)} follow {@link #CREATOR}, and some of them also follow other creators (the noise),
 * chosen so that some noise keys of the followers store sort just before and just after {@code famous|}.
 */
final class Follows {

    static final String CREATOR = "famous";
    private static final Pattern USER = Pattern.compile("fan-(0|[1-9][0-9]{0,8})");
    /** "famous-too|" and "famousa|" sort before "famous|", "famous~|" and "famou|" after it. */
    static final List<String> NOISE_CREATORS = List.of("famous-too", "famousa", "famous~", "famou", "other-1",
            "other-2", "other-3", "other-4");

    private Follows() {
    }

    static String user(int i) {
        return "fan-" + i;
    }

    /** The index of a user id of {@link #user}, or -1. */
    static int index(String user) {
        return user != null && USER.matcher(user).matches() ? Integer.parseInt(user, 4, user.length(), 10) : -1;
    }

    /** The creators user {@code i} follows: {@link #CREATOR}, then on average {@code noise} others per user. */
    static List<String> followedBy(int i, double noise) {
        // the others by the running numbers of this user's noise follows
        Stream<String> others = LongStream.range((long) Math.floor(i * noise), (long) Math.floor((i + 1) * noise))
                .mapToObj(j -> NOISE_CREATORS.get((int) (j % NOISE_CREATORS.size())));
        return Stream.concat(Stream.of(CREATOR), others).toList();
    }
}
