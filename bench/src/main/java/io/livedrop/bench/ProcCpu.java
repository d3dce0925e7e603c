package io.livedrop.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** CPU time of the benchmark's processes from /proc: which process used how many cores names what bounds a figure. */
public record ProcCpu(Map<String, Long> pids, Map<String, Long> ticks, long nanos, long machineBusy) {

    static final double TICKS_PER_SECOND = 100.0; // USER_HZ on Linux

    /** A pid < 0 is skipped. */
    public static ProcCpu snapshot(Map<String, Long> pids) {
        Map<String, Long> ticks = new LinkedHashMap<>();
        pids.forEach((name, pid) -> ticks.put(name, pid < 0 ? 0 : processTicks(pid)));
        return new ProcCpu(pids, ticks, System.nanoTime(), machineBusyTicks());
    }

    public Map<String, Double> since(ProcCpu earlier) {
        double seconds = Math.max(1e-9, (nanos - earlier.nanos) / 1e9);
        Map<String, Double> cores = new LinkedHashMap<>();
        ticks.forEach((name, t) -> {
            if (pids.get(name) >= 0) {
                cores.put(name, (t - earlier.ticks.getOrDefault(name, t)) / TICKS_PER_SECOND / seconds);
            }
        });
        cores.put("machine", (machineBusy - earlier.machineBusy) / TICKS_PER_SECOND / seconds);
        return cores;
    }

    public static String format(Map<String, Double> cores) {
        return cores.entrySet().stream().map(e -> String.format(Locale.ROOT, "%s %.2f", e.getKey(), e.getValue()))
                .collect(Collectors.joining(", "));
    }

    static long processTicks(long pid) {
        return ticks(Path.of("/proc/" + pid + "/stat"));
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
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            return Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
