package io.livedrop.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    /** Prints the problem (if any) and {@code usage} to stderr; the exit status: 0 for --help, 2 for a bad flag. */
    public static int reportUsage(UsageException e, String usage) {
        if (e.getMessage() != null) {
            System.err.println(e.getMessage());
            System.err.println();
        }
        System.err.print(usage);
        return e.getMessage() == null ? 0 : 2;
    }

    /**
     * The {@code --name=value} flags of a command line, in order, for the caller to take out one by
     * one; a bare {@code --quick} becomes {@code quick=true}. {@code --help} or {@code -h}: a
     * UsageException without message (print the usage).
     */
    public static Map<String, String> flags(String[] args) {
        Map<String, String> flags = new LinkedHashMap<>();
        for (String arg : args) {
            if (arg.equals("--help") || arg.equals("-h")) {
                throw new UsageException(null);
            }
            if (arg.equals("--quick")) {
                flags.put("quick", "true");
                continue;
            }
            if (!arg.startsWith("--") || !arg.contains("=")) {
                throw new UsageException("Unknown argument '" + arg + "' (flags are --name=value)");
            }
            int eq = arg.indexOf('=');
            flags.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        return flags;
    }

    /** A flag of comma-separated {@code key=value} pairs ({@code --streams-config=a=1,b=2}), in order. */
    public static Map<String, String> keyValues(String v, String flag) {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (String kv : strings(v, List.of())) {
            int eq = kv.indexOf('=');
            if (eq < 1) {
                throw new UsageException("--" + flag + " takes key=value pairs, not " + kv);
            }
            pairs.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return pairs;
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
