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
import java.util.stream.Stream;

/**
 * CPU time per thread between two snapshots: this JVM's threads by name (ThreadMXBean), and, on Linux, the broker
 * JVM's threads by their (15-character) /proc names. Says which thread a throughput run is bound by.
 */
final class ThreadCpu {

    private final long nanos;
    private final Map<String, Long> cpuNanos;
    private final long machineBusyTicks;

    private ThreadCpu(long nanos, Map<String, Long> cpuNanos, long machineBusyTicks) {
        this.nanos = nanos;
        this.cpuNanos = cpuNanos;
        this.machineBusyTicks = machineBusyTicks;
    }

    static ThreadCpu snapshot(long brokerPid) {
        Map<String, Long> cpu = new HashMap<>();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        if (mx.isThreadCpuTimeSupported()) {
            long[] ids = mx.getAllThreadIds();
            ThreadInfo[] infos = mx.getThreadInfo(ids);
            for (int i = 0; i < ids.length; i++) {
                long t = mx.getThreadCpuTime(ids[i]);
                if (infos[i] != null && t > 0) {
                    cpu.merge(group(infos[i].getThreadName()), t, Long::sum);
                }
            }
        }
        if (brokerPid > 0) {
            Path tasks = Path.of("/proc/" + brokerPid + "/task");
            try (Stream<Path> list = Files.list(tasks)) {
                for (Path task : list.toList()) {
                    try {
                        String comm = Files.readString(task.resolve("comm")).strip();
                        cpu.merge("broker: " + group(comm), ProcCpu.ticks(task.resolve("stat")) * 10_000_000L, Long::sum);
                    } catch (IOException e) {
                        // thread gone
                    }
                }
            } catch (IOException e) {
                // not Linux, or the broker is gone
            }
        }
        return new ThreadCpu(System.nanoTime(), cpu, ProcCpu.machineBusyTicks());
    }

    /** Threads of one kind count together: numbers and ids are dropped from the name. */
    static String group(String name) {
        String g = name.replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "")
                .replaceAll("[0-9a-f]{8}-[0-9a-f-]{0,27}$", "")
                .replaceAll("bench-[ae][0-9]+-+", "")
                .replaceAll("[-#]?\\d+", "")
                .replaceAll("\\s*\\|.*", "")
                .strip();
        if (name.startsWith("bench-reader-")) {
            return "decision reader";
        }
        if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
            return "JIT compiler";
        }
        if (name.startsWith("data-plane-kafk")) {
            return "request handlers and network";
        }
        if (name.startsWith("kafka-log-clean")) {
            return "log cleaner";
        }
        if (name.equals("main")) {
            return "load generator (main)";
        }
        if (name.contains("StreamThread") && name.contains("producer")) {
            return "Streams producer I/O";
        }
        if (name.startsWith("kafka-producer-network-thread")) {
            return "producer I/O (" + name.substring(name.indexOf('|') + 1).strip().replaceAll("-[ae]\\d+$", "") + ")";
        }
        return g.isEmpty() ? name : g;
    }

    /** The busiest thread groups from {@code before} to this snapshot, in cores, and the machine's total. */
    String since(ThreadCpu before, int top) {
        double seconds = (nanos - before.nanos) / 1e9;
        if (seconds <= 0) {
            return "";
        }
        Map<String, Double> cores = new HashMap<>();
        cpuNanos.forEach((k, v) -> {
            long d = v - before.cpuNanos.getOrDefault(k, 0L);
            if (d > 0) {
                cores.put(k, d / 1e9 / seconds);
            }
        });
        List<Map.Entry<String, Double>> sorted = cores.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(top).toList();
        Map<String, Double> shown = new LinkedHashMap<>();
        sorted.forEach(e -> shown.put(e.getKey(), e.getValue()));
        StringBuilder sb = new StringBuilder();
        shown.forEach((k, v) -> sb.append(k).append(' ').append(String.format(Locale.ROOT, "%.2f", v)).append(", "));
        double machine = (machineBusyTicks - before.machineBusyTicks) / 100.0 / seconds;
        sb.append(String.format(Locale.ROOT, "machine %.2f of %d cores", machine, Runtime.getRuntime().availableProcessors()));
        return sb.toString();
    }
}
