package io.livedrop.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * CPU time by name between two snapshots, of the benchmark's processes (/proc) or of kinds of threads (this JVM's from
 * ThreadMXBean, the broker's from /proc): which one used how many cores names what bounds a figure.
 */
public record ProcCpu(Map<String, Long> cpuNanos, long nanos, long machineBusy, long machineIrq) {

    private static final long NANOS_PER_TICK = 10_000_000L; // USER_HZ is 100 on Linux

    public static final String IRQ = "machine incl. irq+softirq";

    private static final Map<String, String> KINDS = Map.of("bench-reader-", "decision reader", "C1 Compiler",
            "JIT compiler", "C2 Compiler", "JIT compiler", "data-plane-kafk", "request handlers and network",
            "kafka-log-clean", "log cleaner");

    /** A pid < 0 is skipped. */
    public static ProcCpu snapshot(Map<String, Long> pids) {
        return snapshotGroups(pids.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                e -> List.of(e.getValue()), (a, b) -> a, LinkedHashMap::new)));
    }

    /** Several processes under one name (a fleet of instances): their CPU summed; a name of no pid >= 0 skipped. */
    public static ProcCpu snapshotGroups(Map<String, List<Long>> groups) {
        Map<String, Long> cpu = new LinkedHashMap<>();
        groups.forEach((name, pids) -> pids.stream().filter(pid -> pid >= 0).forEach(pid -> cpu.merge(name,
                ticks(Path.of("/proc/" + pid + "/stat")) * NANOS_PER_TICK, Long::sum)));
        return new ProcCpu(cpu, System.nanoTime(), machineBusyTicks(), machineIrqTicks());
    }

    /** This JVM's threads and the broker's (none for a pid <= 0), by {@link #threadKind}. */
    static ProcCpu threads(long brokerPid) {
        Map<String, Long> cpu = new HashMap<>();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        if (mx.isThreadCpuTimeSupported()) {
            for (ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
                long t = info == null ? 0 : mx.getThreadCpuTime(info.getThreadId());
                if (t > 0) {
                    cpu.merge(threadKind(info.getThreadName()), t, Long::sum);
                }
            }
        }
        try (Stream<Path> tasks = brokerPid > 0 ? Files.list(Path.of("/proc/" + brokerPid + "/task")) : Stream.of()) {
            for (Path task : tasks.toList()) {
                try {
                    String comm = Files.readString(task.resolve("comm")).strip();
                    cpu.merge("broker: " + threadKind(comm), ticks(task.resolve("stat")) * NANOS_PER_TICK, Long::sum);
                } catch (IOException e) {
                    // thread gone
                }
            }
        } catch (IOException e) {
            // not Linux, or the broker is gone
        }
        return new ProcCpu(cpu, System.nanoTime(), machineBusyTicks(), machineIrqTicks());
    }

    /** Cores by name since {@code earlier} (a name new since then counts whole), then the machine's. */
    public Map<String, Double> since(ProcCpu earlier) {
        double seconds = Math.max(1e-9, (nanos - earlier.nanos) / 1e9);
        Map<String, Double> cores = new LinkedHashMap<>();
        cpuNanos.forEach((name, t) -> cores.put(name, (t - earlier.cpuNanos.getOrDefault(name, 0L)) / 1e9 / seconds));
        cores.put("machine", (machineBusy - earlier.machineBusy) * NANOS_PER_TICK / 1e9 / seconds);
        return cores;
    }

    /** {@link #since} and the machine's cores with irq + softirq (loopback TCP receive lands there) as {@link #IRQ}. */
    public Map<String, Double> sinceWithIrq(ProcCpu earlier) {
        Map<String, Double> cores = since(earlier);
        cores.put(IRQ, cores.get("machine") + (machineIrq - earlier.machineIrq) * NANOS_PER_TICK / 1e9
                / Math.max(1e-9, (nanos - earlier.nanos) / 1e9));
        return cores;
    }

    public static String format(Map<String, Double> cores) {
        return cores.entrySet().stream().map(e -> String.format(Locale.ROOT, "%s %.2f", e.getKey(), e.getValue()))
                .collect(Collectors.joining(", "));
    }

    /** The {@code top} busiest names since {@code earlier} in cores, and the machine's total. */
    String busiest(ProcCpu earlier, int top) {
        Map<String, Double> cores = since(earlier);
        double machine = cores.remove("machine");
        return cores.entrySet().stream().filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(top)
                .map(e -> String.format(Locale.ROOT, "%s %.2f, ", e.getKey(), e.getValue()))
                .collect(Collectors.joining()) + String.format(Locale.ROOT, "machine %.2f of %d cores", machine,
                Runtime.getRuntime().availableProcessors());
    }

    /** The kind of a thread: its name without numbers and ids. */
    public static String threadKind(String name) {
        String kind = KINDS.entrySet().stream().filter(k -> name.startsWith(k.getKey())).map(Map.Entry::getValue)
                .findFirst().orElse(null);
        if (kind != null) {
            return kind;
        } else if (name.equals("main")) {
            return "load generator (main)";
        } else if (name.contains("StreamThread") && name.contains("producer")) {
            return "Streams producer I/O";
        } else if (name.startsWith("kafka-producer-network-thread")) {
            return "producer I/O (" + name.substring(name.indexOf('|') + 1).strip().replaceAll("-[ae]\\d+$", "") + ")";
        }
        String g = name.replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "")
                .replaceAll("[0-9a-f]{8}-[0-9a-f-]{0,27}$", "").replaceAll("bench-[ae][0-9]+-+", "")
                .replaceAll("[-#]?\\d+", "").replaceAll("\\s*\\|.*", "").strip();
        return g.isEmpty() ? name : g;
    }

    /** utime + stime of a /proc stat file (process or thread) in ticks; 0 if unreadable. */
    static long ticks(Path stat) {
        try {
            String s = Files.readString(stat);
            // utime is field 14, stime 15
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** User, nice and system ticks (irq time, our loopback traffic, is no process's). */
    static long machineBusyTicks() {
        return machineTicks(1, 2, 3);
    }

    /** Irq and softirq ticks. */
    static long machineIrqTicks() {
        return machineTicks(6, 7);
    }

    /** The sum of fields of /proc/stat's first line ("cpu user nice system idle iowait irq softirq ..."). */
    private static long machineTicks(int... fields) {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            return IntStream.of(fields).mapToLong(i -> Long.parseLong(f[i])).sum();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
