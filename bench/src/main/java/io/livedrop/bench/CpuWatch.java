package io.livedrop.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Watches the machine's CPU once a second (Linux /proc): how busy it is in total, and how much of that is not this
 * benchmark (its JVM, the broker JVM, redis-server: this process and its descendants). A benchmark on 2 shared
 * cores is only as good as the quiet around it, so the report states the foreign load, and the progress lines warn
 * when another process takes more than a fifth of a core.
 */
public final class CpuWatch implements AutoCloseable {

    private static final double WARN_CORES = 0.2;

    private final Thread thread;
    private final AtomicBoolean stop = new AtomicBoolean();
    private double seconds;
    private double foreignCoreSeconds;
    private double totalCoreSeconds;
    private double worstForeign;
    private long lastWarnNanos;
    /** One entry per sample: end time (nanoTime), seconds covered, foreign cores in it. */
    private final java.util.List<double[]> samples = new java.util.ArrayList<>();

    public CpuWatch() {
        thread = new Thread(this::run, "bench-cpu-watch");
        thread.setDaemon(true);
    }

    static boolean available() {
        return Files.isReadable(Path.of("/proc/stat")) && Files.isReadable(Path.of("/proc/self/stat"));
    }

    public CpuWatch start() {
        if (available()) {
            thread.start();
        }
        return this;
    }

    private void run() {
        long lastBusy = ProcCpu.machineBusyTicks();
        java.util.Map<Long, Long> lastOurs = ourTicks();
        long lastNanos = System.nanoTime();
        while (!stop.get()) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            long busy = ProcCpu.machineBusyTicks();
            java.util.Map<Long, Long> ours = ourTicks();
            long now = System.nanoTime();
            double dt = (now - lastNanos) / 1e9;
            double total = (busy - lastBusy) / ProcCpu.TICKS_PER_SECOND;
            boolean oneOfOursExited = !ours.keySet().containsAll(lastOurs.keySet());
            long oursDelta = 0;
            for (var e : ours.entrySet()) {
                oursDelta += e.getValue() - lastOurs.getOrDefault(e.getKey(), 0L);
            }
            // A process of ours that exited took its last ticks with it: that second cannot be attributed.
            double foreign = oneOfOursExited ? 0 : Math.max(0, total - Math.max(0, oursDelta) / ProcCpu.TICKS_PER_SECOND);
            synchronized (this) {
                seconds += dt;
                totalCoreSeconds += total;
                foreignCoreSeconds += foreign;
                worstForeign = Math.max(worstForeign, foreign / dt);
                samples.add(new double[] {now, dt, foreign / dt});
            }
            if (foreign / dt > WARN_CORES && now - lastWarnNanos > 30e9) {
                lastWarnNanos = now;
                Progress.say("  WARNING: other processes use %.0f%% of a core right now; figures will be disturbed",
                        100 * foreign / dt);
            }
            lastBusy = busy;
            lastOurs = ours;
            lastNanos = now;
        }
    }

    /** For the report: average total and foreign load in cores, and the worst foreign second. */
    public synchronized String summary() {
        if (!available()) {
            return "not measured (no /proc)";
        }
        if (seconds == 0) {
            return "not measured";
        }
        return String.format(Locale.ROOT, "machine busy %.2f of %d cores on average; other processes (not this"
                        + " benchmark's JVMs or redis-server) %.2f cores on average, %.2f at worst (1 s samples)",
                totalCoreSeconds / seconds, Runtime.getRuntime().availableProcessors(), foreignCoreSeconds / seconds,
                worstForeign);
    }

    /** Average and worst foreign cores over the samples that ended between the two nanoTimes. */
    public synchronized double[] foreignBetween(long fromNanos, long toNanos) {
        double secs = 0;
        double coreSecs = 0;
        double worst = 0;
        for (double[] s : samples) {
            if (s[0] > fromNanos && s[0] <= toNanos + 1e9) {
                secs += s[1];
                coreSecs += s[2] * s[1];
                worst = Math.max(worst, s[2]);
            }
        }
        return new double[] {secs == 0 ? 0 : coreSecs / secs, worst};
    }

    public synchronized double foreignCores() {
        return seconds == 0 ? 0 : foreignCoreSeconds / seconds;
    }

    public synchronized double worstForeignCores() {
        return worstForeign;
    }

    /** pid -> CPU ticks of this process and each of its descendants. */
    private static java.util.Map<Long, Long> ourTicks() {
        java.util.Map<Long, Long> ticks = new java.util.HashMap<>();
        ticks.put(ProcessHandle.current().pid(), ProcCpu.processTicks(ProcessHandle.current().pid()));
        List<ProcessHandle> descendants = ProcessHandle.current().descendants().toList();
        for (ProcessHandle p : descendants) {
            ticks.put(p.pid(), ProcCpu.processTicks(p.pid()));
        }
        return ticks;
    }

    @Override
    public void close() {
        stop.set(true);
        thread.interrupt();
    }
}
