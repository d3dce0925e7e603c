package io.livedrop.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** CPU per kind of thread between two snapshots, of this JVM (ThreadMXBean) and the broker's (/proc): the bound. */
final class ThreadCpu {

    private static final Map<String, String> KINDS = Map.of("bench-reader-", "decision reader", "C1 Compiler",
            "JIT compiler", "C2 Compiler", "JIT compiler", "data-plane-kafk", "request handlers and network",
            "kafka-log-clean", "log cleaner");

    private final Map<String, Long> cpuNanos = new HashMap<>();
    private final long nanos;
    private final long machineBusyTicks;

    private ThreadCpu(long brokerPid) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        if (mx.isThreadCpuTimeSupported()) {
            long[] ids = mx.getAllThreadIds();
            ThreadInfo[] infos = mx.getThreadInfo(ids);
            for (int i = 0; i < ids.length; i++) {
                long t = mx.getThreadCpuTime(ids[i]);
                if (infos[i] != null && t > 0) {
                    cpuNanos.merge(group(infos[i].getThreadName()), t, Long::sum);
                }
            }
        }
        try (Stream<Path> tasks = brokerPid > 0 ? Files.list(Path.of("/proc/" + brokerPid + "/task")) : Stream.of()) {
            for (Path task : tasks.toList()) {
                try {
                    String comm = Files.readString(task.resolve("comm")).strip();
                    cpuNanos.merge("broker: " + group(comm), ProcCpu.ticks(task.resolve("stat")) * 10_000_000L,
                            Long::sum);
                } catch (IOException e) {
                    // thread gone
                }
            }
        } catch (IOException e) {
            // not Linux, or the broker is gone
        }
        nanos = System.nanoTime();
        machineBusyTicks = ProcCpu.machineBusyTicks();
    }

    static ThreadCpu snapshot(long brokerPid) {
        return new ThreadCpu(brokerPid);
    }

    /** The kind of a thread: its name without numbers and ids. */
    static String group(String name) {
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

    /** The {@code top} busiest kinds since {@code before} in cores, and the machine's total. */
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
        return cores.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(top)
                .map(e -> e.getKey() + String.format(Locale.ROOT, " %.2f, ", e.getValue()))
                .collect(Collectors.joining())
                + String.format(Locale.ROOT, "machine %.2f of %d cores", (machineBusyTicks - before.machineBusyTicks)
                / ProcCpu.TICKS_PER_SECOND / seconds, Runtime.getRuntime().availableProcessors());
    }
}
