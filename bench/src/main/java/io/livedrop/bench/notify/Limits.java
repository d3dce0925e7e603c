package io.livedrop.bench.notify;

import io.livedrop.bench.Environment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** What this machine allows for many connections: open files per process, ephemeral ports, memory (Linux /proc). */
final class Limits {

    static final String PORT_RANGE = "/proc/sys/net/ipv4/ip_local_port_range";

    private Limits() {
    }

    /** The soft and hard RLIMIT_NOFILE of a process, {soft, hard}; -1 = unlimited or unknown. */
    static long[] openFiles(long pid) {
        String[] f = field("/proc/" + pid + "/limits", "Max open files").split("\\s+");
        return f.length < 2 ? new long[] {-1, -1} : Stream.of(f[0], f[1])
                .mapToLong(v -> v.equals("unlimited") ? -1 : Long.parseLong(v)).toArray();
    }

    /** File descriptors a process has open now; -1 if unknown. */
    static long openNow(long pid) {
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return fds.count();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Resident memory of a process, MiB; -1 if unknown. */
    static long rssMiB(long pid) {
        return Math.floorDiv(number(field("/proc/" + pid + "/status", "VmRSS:")), 1024);
    }

    /** Threads of a process; -1 if unknown. */
    static long threads(long pid) {
        return number(field("/proc/" + pid + "/status", "Threads:"));
    }

    /** The most common thread names of a process (digits as #), with counts: "10000 GraphQL-WsSessi…, 200 …". */
    static String threadNames(long pid) {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            return tasks.map(t -> field(t.resolve("comm").toString(), "")).filter(n -> !n.isEmpty())
                    .collect(Collectors.groupingBy(n -> n.replaceAll("\\d+", "#"), Collectors.counting()))
                    .entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(3)
                    .map(e -> String.format(Locale.ROOT, "%,d %s…", e.getValue(), e.getKey()))
                    .collect(Collectors.joining(", "));
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    /** Ephemeral ports per destination address (net.ipv4.ip_local_port_range); -1 if unknown. */
    static int ephemeralPorts() {
        String[] f = sysctl(PORT_RANGE).split("\\s+");
        return f.length < 2 ? -1 : Integer.parseInt(f[1]) - Integer.parseInt(f[0]) + 1;
    }

    static String sysctl(String path) {
        String value = field(path, "");
        return value.isEmpty() ? "?" : value;
    }

    /** MemAvailable, MiB; -1 if unknown. */
    static long availableMiB() {
        return Math.floorDiv(number(field("/proc/meminfo", "MemAvailable:")), 1024);
    }

    /** Whether this process may raise its hard limits (CAP_SYS_RESOURCE in its effective set). */
    static boolean canRaiseLimits() {
        String caps = field("/proc/self/status", "CapEff:");
        return !caps.isEmpty() && (Long.parseUnsignedLong(caps, 16) & (1L << 24)) != 0; // CAP_SYS_RESOURCE = 24
    }

    /** The rest of the first line of {@code file} that starts with {@code key}, stripped; "" if none or unreadable. */
    private static String field(String file, String key) {
        return Environment.field(file, key).map(String::strip).orElse("");
    }

    /** The digits of a field ("123 kB": 123); -1 if it has none. */
    private static long number(String field) {
        String digits = field.replaceAll("[^0-9]", "");
        return digits.isEmpty() ? -1 : Long.parseLong(digits);
    }
}
