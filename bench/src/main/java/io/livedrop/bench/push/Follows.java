package io.livedrop.bench.push;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

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

    /** The other creators user {@code i} follows: on average {@code noise} of them per user. */
    static List<String> noiseOf(int i, double noise) {
        int k = (int) (Math.floor((i + 1) * noise) - Math.floor(i * noise));
        if (k <= 0) {
            return List.of();
        }
        long first = (long) Math.floor(i * noise); // the running number of this user's first noise follow
        List<String> out = new ArrayList<>(k);
        for (int j = 0; j < k; j++) {
            out.add(NOISE_CREATORS.get((int) ((first + j) % NOISE_CREATORS.size())));
        }
        return out;
    }

    /** Noise follows of users {@code [0, n)}. */
    static long noiseCount(int n, double noise) {
        return (long) Math.floor(n * noise);
    }
}
