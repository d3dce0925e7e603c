package io.livedrop.bench.notify;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** What this machine allows for many connections: open files per process, ephemeral ports, memory (Linux /proc). */
final class Limits {

    private Limits() {
    }

    /** The soft and hard RLIMIT_NOFILE of a process, {soft, hard}; -1 = unlimited or unknown. */
    static long[] openFiles(long pid) {
        String[] f = field("/proc/" + pid + "/limits", "Max open files").split("\\s+");
        return f.length < 2 ? new long[] {-1, -1} : new long[] {parse(f[0]), parse(f[1])};
    }

    private static long parse(String v) {
        return v.equals("unlimited") ? -1 : Long.parseLong(v);
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
        long kb = number(field("/proc/" + pid + "/status", "VmRSS:"));
        return kb < 0 ? -1 : kb / 1024;
    }

    /** Threads of a process; -1 if unknown. */
    static long threads(long pid) {
        return number(field("/proc/" + pid + "/status", "Threads:"));
    }

    /** The most common thread names of a process (digits as #), with counts: "10000 GraphQL-WsSessi…, 200 …". */
    static String threadNames(long pid) {
        java.util.Map<String, Integer> names = new java.util.HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            tasks.forEach(t -> {
                try {
                    names.merge(Files.readAllLines(t.resolve("comm")).get(0).replaceAll("\\d+", "#"), 1, Integer::sum);
                } catch (IOException | RuntimeException e) {
                    // the thread ended
                }
            });
        } catch (IOException | RuntimeException e) {
            return "?";
        }
        StringBuilder sb = new StringBuilder();
        names.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(3).forEach(e ->
                sb.append(sb.length() == 0 ? "" : ", ").append(String.format("%,d", e.getValue())).append(" ")
                        .append(e.getKey()).append("…"));
        return sb.toString();
    }

    /** Ephemeral ports per destination address (net.ipv4.ip_local_port_range); -1 if unknown. */
    static int ephemeralPorts() {
        String r = read("/proc/sys/net/ipv4/ip_local_port_range");
        if (r == null) {
            return -1;
        }
        String[] f = r.trim().split("\\s+");
        return Integer.parseInt(f[1]) - Integer.parseInt(f[0]) + 1;
    }

    static String range() {
        String r = read("/proc/sys/net/ipv4/ip_local_port_range");
        return r == null ? "?" : r.trim().replaceAll("\\s+", "-");
    }

    static String sysctl(String path) {
        String r = read(path);
        return r == null ? "?" : r.trim();
    }

    /** MemAvailable, MiB; -1 if unknown. */
    static long availableMiB() {
        long kb = number(field("/proc/meminfo", "MemAvailable:"));
        return kb < 0 ? -1 : kb / 1024;
    }

    /** Whether this process may raise its hard limits (CAP_SYS_RESOURCE in its effective set). */
    static boolean canRaiseLimits() {
        String caps = field("/proc/self/status", "CapEff:");
        return !caps.isEmpty() && (Long.parseUnsignedLong(caps, 16) & (1L << 24)) != 0; // CAP_SYS_RESOURCE = 24
    }

    /** The rest of the line of {@code file} that starts with {@code key}, stripped; "" if none or unreadable. */
    private static String field(String file, String key) {
        String all = read(file);
        return all == null ? "" : all.lines().filter(l -> l.startsWith(key)).findFirst()
                .map(l -> l.substring(key.length()).strip()).orElse("");
    }

    /** The digits of a field ("123 kB": 123); -1 if it has none. */
    private static long number(String field) {
        String digits = field.replaceAll("[^0-9]", "");
        return digits.isEmpty() ? -1 : Long.parseLong(digits);
    }

    private static String read(String file) {
        try {
            // not Files.readString: /proc files report size 0 and it reads one byte of them
            return String.join("\n", Files.readAllLines(Path.of(file)));
        } catch (IOException e) {
            return null;
        }
    }
}
