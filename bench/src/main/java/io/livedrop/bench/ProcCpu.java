package io.livedrop.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * CPU time of the benchmark's processes (this JVM, the broker, instance A, instance B) from /proc, so that each run
 * can say which process used how many cores: on 2 shared cores, that names what bounds the figures.
 */
public final class ProcCpu {

    private static final double TICKS_PER_SECOND = 100.0; // USER_HZ

    private final Map<String, Long> pids;
    private final Map<String, Long> ticks = new LinkedHashMap<>();
    private final long nanos;
    private final long machineBusy;

    private ProcCpu(Map<String, Long> pids) {
        this.pids = pids;
        pids.forEach((name, pid) -> ticks.put(name, pid < 0 ? 0 : processTicks(pid)));
        this.nanos = System.nanoTime();
        this.machineBusy = machineBusyTicks();
    }

    /** A snapshot of the named processes (a pid < 0 is skipped). */
    public static ProcCpu snapshot(Map<String, Long> pids) {
        return new ProcCpu(pids);
    }

    /** Cores each process used since {@code earlier}, and the whole machine's. */
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
        List<String> parts = new ArrayList<>();
        cores.forEach((k, v) -> parts.add(String.format(Locale.ROOT, "%s %.2f", k, v)));
        return String.join(", ", parts);
    }

    private static long processTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (Exception e) {
            return 0;
        }
    }

    private static long machineBusyTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i <= 3 && i < f.length; i++) { // user, nice, system
                busy += Long.parseLong(f[i]);
            }
            return busy;
        } catch (Exception e) {
            return 0;
        }
    }
}
