package io.livedrop.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Samples /proc once a second: the machine's load, and the part that is not this benchmark (this process and its
 * descendants). On 2 shared cores the figures are only as good as the quiet around them, so reports state it.
 */
public final class CpuWatch implements AutoCloseable {

    private static final double WARN_CORES = 0.2;

    /** One sample: its end (nanoTime), its length, the cores others and everyone used. */
    private record Sample(double endNanos, double seconds, double foreignCores, double totalCores) {
    }

    private final List<Sample> samples = new ArrayList<>();
    private Thread thread;

    static boolean available() {
        return Files.isReadable(Path.of("/proc/stat")) && Files.isReadable(Path.of("/proc/self/stat"));
    }

    public CpuWatch start() {
        if (available()) {
            thread = Daemons.start("bench-cpu-watch", this::run);
        }
        return this;
    }

    private void run() {
        ProcCpu last = ours();
        long lastWarnNanos = 0;
        while (true) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            ProcCpu now = ours();
            Map<String, Double> cores = now.since(last);
            double total = cores.remove("machine");
            // a process of ours that exited took its last ticks with it
            double foreign = !now.cpuNanos().keySet().containsAll(last.cpuNanos().keySet()) ? 0
                    : Math.max(0, total - Math.max(0, cores.values().stream().mapToDouble(c -> c).sum()));
            synchronized (this) {
                samples.add(new Sample(now.nanos(), (now.nanos() - last.nanos()) / 1e9, foreign, total));
            }
            if (foreign > WARN_CORES && now.nanos() - lastWarnNanos > 30e9) {
                lastWarnNanos = now.nanos();
                Progress.say("  WARNING: other processes use %.0f%% of a core right now; figures will be disturbed",
                        100 * foreign);
            }
            last = now;
        }
    }

    public synchronized String summary() {
        if (!available()) {
            return "not measured (no /proc)";
        }
        double seconds = samples.stream().mapToDouble(Sample::seconds).sum();
        if (seconds == 0) {
            return "not measured";
        }
        Foreign foreign = foreign();
        return String.format(Locale.ROOT, "machine busy %.2f of %d cores on average; other processes (not this"
                        + " benchmark's JVMs or redis-server) %.2f cores on average, %.2f at worst (1 s samples)",
                samples.stream().mapToDouble(s -> s.totalCores() * s.seconds()).sum() / seconds,
                Runtime.getRuntime().availableProcessors(), foreign.average(), foreign.worst());
    }

    /** Cores other processes used beside a run: on average, and in its worst second. */
    public record Foreign(double average, double worst) {
        /** Beside more than 0.1 core on average or 0.5 in a second: the run's figures may understate this machine. */
        public boolean disturbed() {
            return average > 0.1 || worst > 0.5;
        }
    }

    /** Other processes' cores between the two nanoTimes. */
    public synchronized Foreign foreignBetween(long fromNanos, long toNanos) {
        List<Sample> in = samples.stream().filter(s -> s.endNanos() > fromNanos && s.endNanos() <= toNanos + 1e9)
                .toList();
        double secs = in.stream().mapToDouble(Sample::seconds).sum();
        return new Foreign(secs == 0 ? 0 : in.stream().mapToDouble(s -> s.foreignCores() * s.seconds()).sum() / secs,
                in.stream().mapToDouble(Sample::foreignCores).max().orElse(0));
    }

    /** Other processes' cores over the whole run. */
    public Foreign foreign() {
        return foreignBetween(Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** This process and its descendants. */
    private static ProcCpu ours() {
        return ProcCpu.snapshot(Stream.concat(Stream.of(ProcessHandle.current()), ProcessHandle.current().descendants())
                .collect(Collectors.toMap(p -> String.valueOf(p.pid()), ProcessHandle::pid)));
    }

    @Override
    public void close() {
        if (thread != null) {
            thread.interrupt();
        }
    }
}
