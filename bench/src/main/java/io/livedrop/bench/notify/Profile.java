package io.livedrop.bench.notify;

import io.livedrop.bench.ProcCpu;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * The top frames per thread group of an instance's JFR recording ({@code jdk.ExecutionSample}: threads running Java
 * code), within given windows. Read by a child JVM of the instance's own JDK ({@link #main}): a newer JDK's recording
 * may not parse on this one. Known gap: time in native code and the kernel (socket writes, deflate) is not sampled.
 */
final class Profile {

    private static final int GROUPS = 6;
    private static final int FRAMES = 3;

    private Profile() {
    }

    /** Markdown rows "| variant | thread group | samples | share | top frames |"; one row saying why if it failed. */
    static List<String> top(Path jdk, Path jfr, Map<String, List<Instant[]>> windows) {
        List<String> command = new ArrayList<>(List.of(jdk.resolve("bin").resolve("java").toString(), "-cp",
                System.getProperty("java.class.path"), Profile.class.getName(), jfr.toString()));
        windows.forEach((key, list) -> list.forEach(w -> command.add(key + "|" + w[0].toEpochMilli() + "|"
                + w[1].toEpochMilli())));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            List<String> rows = new String(p.getInputStream().readAllBytes()).lines().toList();
            return p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0 ? rows
                    : List.of("| — | reading " + jfr + " failed: " + String.join(" ", rows) + " | | | |");
        } catch (IOException | InterruptedException e) {
            return List.of("| — | reading " + jfr + " failed: " + e + " | | | |");
        }
    }

    /** Args: the recording, then windows "key|fromEpochMillis|toEpochMillis". */
    public static void main(String[] args) throws IOException {
        List<String[]> windows = Stream.of(args).skip(1).map(a -> a.split("\\|")).toList();
        Map<String, Map<String, Map<String, Integer>>> samples = new LinkedHashMap<>(); // key, group, frame
        windows.forEach(w -> samples.putIfAbsent(w[0], new LinkedHashMap<>()));
        try (RecordingFile file = new RecordingFile(Path.of(args[0]))) {
            while (file.hasMoreEvents()) {
                RecordedEvent e = file.readEvent();
                long t = e.getStartTime().toEpochMilli();
                String key = windows.stream().filter(w -> Long.parseLong(w[1]) <= t && t <= Long.parseLong(w[2]))
                        .map(w -> w[0]).findFirst().orElse(null);
                if (key == null || !e.getEventType().getName().equals("jdk.ExecutionSample")
                        || e.getStackTrace() == null || e.getStackTrace().getFrames().isEmpty()) {
                    continue;
                }
                String thread = e.getThread("sampledThread") == null ? null
                        : e.getThread("sampledThread").getJavaName();
                String group = thread == null || thread.isEmpty() ? "(virtual or unnamed threads)"
                        : ProcCpu.threadKind(thread);
                RecordedFrame top = e.getStackTrace().getFrames().get(0);
                String type = top.getMethod().getType().getName();
                samples.get(key).computeIfAbsent(group, g -> new LinkedHashMap<>()).merge(type.substring(
                        type.lastIndexOf('.') + 1) + "." + top.getMethod().getName(), 1, Integer::sum);
            }
        }
        samples.forEach((key, groups) -> {
            int all = groups.values().stream().flatMap(f -> f.values().stream()).mapToInt(Integer::intValue).sum();
            groups.entrySet().stream().sorted((a, b) -> Integer.compare(sum(b.getValue()), sum(a.getValue())))
                    .limit(GROUPS).forEach(g -> System.out.printf(Locale.ROOT, "| %s | %s | %,d | %.0f %% | %s |%n",
                            key, g.getKey(), sum(g.getValue()), 100.0 * sum(g.getValue()) / all, g.getValue()
                                    .entrySet().stream().sorted(Map.Entry.comparingByValue((a, b) -> b - a))
                                    .limit(FRAMES).map(f -> String.format(Locale.ROOT, "`%s` %.0f %%", f.getKey(),
                                            100.0 * f.getValue() / sum(g.getValue())))
                                    .collect(Collectors.joining(", "))));
        });
    }

    private static int sum(Map<String, Integer> counts) {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }
}
