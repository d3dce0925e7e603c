package io.livedrop.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** A benchmark's report, OUT/NAME.md: its {@link #sections()}, and the parts every report shares. */
public abstract class Markdown {

    protected final BenchRun run;
    protected final Environment env;
    private final Path file;
    private final StringBuilder md = new StringBuilder();

    protected Markdown(BenchRun run, Path out, String name) {
        this.run = run;
        this.env = run.env;
        this.file = out.resolve(name + ".md");
    }

    protected abstract void sections() throws IOException;

    public Path write() throws IOException {
        Files.createDirectories(file.getParent());
        sections();
        Files.writeString(file, md.toString());
        return file;
    }

    protected void line(String s) {
        md.append(s).append('\n');
    }

    protected void line() {
        md.append('\n');
    }

    /** The text, then a blank line. */
    protected void paragraph(String s) {
        line(s);
        line();
    }

    /** A header row {@code "| a | b |"} and its separator row. */
    protected void table(String header) {
        line(header);
        line("|" + "---|".repeat(header.split("\\|", -1).length - 2));
    }

    protected void row(Object... cells) {
        line(Stream.of(cells).map(String::valueOf).collect(Collectors.joining(" | ", "| ", " |")));
    }

    protected String produced() {
        return "Produced by `" + env.command() + "` on " + env.date() + " in " + Formats.minutes(Progress.elapsed())
                + ", on " + env.cores() + " cores (" + env.cpuModel() + ") and " + env.memory() + " of memory, " + env.java() + ".";
    }

    protected void failure() {
        if (run.failure != null) {
            paragraph("> **The run failed before it finished:** " + run.failure + ". The tables hold what was measured"
                    + " before the failure.");
        }
    }

    protected void sharedMachine() {
        CpuWatch.Foreign foreign = run.cpu.foreign();
        paragraph(String.format(Locale.ROOT, "> **Shared machine.** Other processes used %.2f cores on average and %.2f"
                + " in the worst second while this ran (%s). Absolute figures are this machine's on that day; the ratios"
                + " against the baselines of the same run are the portable part.", foreign.average(),
                foreign.worst(), run.cpu.summary()));
    }

    /** "## Machine, software, setup" (Jedis and RocksDB only {@code withBaselineLibraries}); callers add rows. */
    protected void machine(boolean withBaselineLibraries) {
        paragraph("## Machine, software, setup");
        env.setupRows().forEach(this::line);
        env.versions().entrySet().stream()
                .filter(v -> withBaselineLibraries || !v.getKey().matches("(Jedis|RocksDB).*"))
                .forEach(v -> row(v.getKey(), v.getValue()));
        if (run.broker != null) {
            row("broker", run.broker);
        }
        if (run.appJar != null) {
            row("application", run.appJar);
        }
    }

    protected void loadAverages(String note) {
        row("load average (1/5/15 min) at the start / end", env.loadAtStart() + " / " + Environment.loadAverage()
                + " (" + note + ")");
    }

    protected void cpuLoad() {
        row("CPU load during the run", run.cpu.summary());
    }
}
