package io.livedrop.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Values of the benchmarks' {@code --name=value} flags, parsed one way for every benchmark. */
public final class FlagValues {

    private FlagValues() {
    }

    /** A bad command line: the message, then the usage. */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }

    public static double dbl(String v, double dflt) {
        try {
            return v == null ? dflt : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new UsageException("Not a number: " + v);
        }
    }

    /** An integer; '_' may group digits (1_000_000). */
    public static int integer(String v, int dflt) {
        try {
            return v == null ? dflt : Integer.parseInt(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new UsageException("Not an integer: " + v);
        }
    }

    public static List<Integer> ints(String v, List<Integer> dflt) {
        if (v == null) {
            return dflt;
        }
        List<Integer> out = new ArrayList<>();
        for (String s : strings(v, List.of())) {
            out.add(integer(s, 0));
        }
        return List.copyOf(out);
    }

    /** Comma-separated values, blanks dropped. */
    public static List<String> strings(String v, List<String> dflt) {
        return v == null ? dflt : Arrays.stream(v.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
