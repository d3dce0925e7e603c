package io.livedrop.bench.hostile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A child JVM's heap: used after a full GC ({@code jcmd <pid> GC.run}, {@code GC.heap_info}: the application need
 * expose nothing), and the highest heap before a collection, from its GC log ({@code -Xlog:gc:file=...}).
 */
public final class Heap {

    private static final Pattern USED = Pattern.compile("used (\\d+)K");
    private static final Pattern GC_LINE = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    private Heap() {
    }

    /** Heap used in bytes after a full GC of {@code pid} (G1: System.gc() is a full collection), or -1. */
    public static long usedAfterFullGc(long pid) {
        return jcmd(pid, "GC.run") == null ? -1 : used(pid);
    }

    /** Heap used in bytes now, without collecting, or -1. */
    public static long used(long pid) {
        Matcher m = USED.matcher(Objects.requireNonNullElse(jcmd(pid, "GC.heap_info"), ""));
        return m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
    }

    /** {@code jcmd}'s answer, or null when it failed. */
    private static String jcmd(long pid, String command) {
        try {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(pid), command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** "1,234 MB" (-1: "?"). */
    public static String mb(long bytes) {
        return bytes < 0 ? "?" : String.format(java.util.Locale.ROOT, "%,d MB", Math.round(bytes / 1048576.0));
    }

    /** A GC log ({@code -Xlog:gc}) read from a mark on: the highest heap before a collection since then. */
    public record GcLog(Path file) {

        public int mark() {
            return lines().size();
        }

        /** The highest heap in MB before any collection logged since {@code mark} (-1: none logged, or no log). */
        public long peakMbSince(int mark) {
            List<String> lines = lines();
            return lines.subList(Math.min(mark, lines.size()), lines.size()).stream().map(GC_LINE::matcher)
                    .filter(Matcher::find).mapToLong(m -> Long.parseLong(m.group(1))).max().orElse(-1);
        }

        private List<String> lines() {
            try {
                return Files.exists(file) ? Files.readAllLines(file) : List.of();
            } catch (IOException | java.io.UncheckedIOException e) {
                return List.of();
            }
        }
    }
}
