package io.livedrop.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A benchmark's report, OUT/NAME.md: the lines its {@link #sections()} add, and the parts every report shares (who
 * produced it on which machine, the failure that ended the run early, the machine and software table, the load
 * the run shared the machine with).
 */
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

    /** Adds the report's sections, in order. */
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

    /** A paragraph or heading: the text, then the blank line that ends it. */
    protected void paragraph(String s) {
        line(s);
        line();
    }

    /** A table's header row {@code "| a | b |"} and the separator row under it. */
    protected void table(String header) {
        line(header);
        line("|" + "---|".repeat(header.split("\\|", -1).length - 2));
    }

    /** A table row of cells. */
    protected void row(Object... cells) {
        StringBuilder sb = new StringBuilder("|");
        for (Object c : cells) {
            sb.append(' ').append(c).append(" |");
        }
        line(sb.toString());
    }

    /** "Produced by `command` on date in N min, on C cores (model) and M of memory, Java J." */
    protected String produced() {
        return "Produced by `" + env.command() + "` on " + env.date() + " in " + Formats.minutes(Progress.elapsed())
                + ", on " + env.cores() + " cores (" + env.cpuModel() + ") and " + env.memory() + " of memory, " + env.java() + ".";
    }

    /** The failure that ended the run early, if there was one, as a quote. */
    protected void failure() {
        if (run.failure != null) {
            line("> **The run failed before it finished:** " + run.failure + ". The tables hold what was measured"
                    + " before the failure.");
            line();
        }
    }

    /** What other processes took of the machine while the run lasted, as a quote. */
    protected void sharedMachine() {
        line(String.format(Locale.ROOT, "> **Shared machine.** Other processes used %.2f cores on average and %.2f in"
                + " the worst second while this ran (%s). Absolute figures are this machine's on that day; the ratios"
                + " against the baselines of the same run are the portable part.", run.cpu.foreignCores(),
                run.cpu.worstForeignCores(), run.cpu.summary()));
        line();
    }

    /**
     * "## Machine, software, setup": the machine, the software versions (of this benchmark's libraries when
     * {@code withBaselineLibraries}, else without Jedis and RocksDB), the broker and the application when the run
     * had them; the caller adds its own rows.
     */
    protected void machine(boolean withBaselineLibraries) {
        line("## Machine, software, setup");
        line();
        env.setupRows().forEach(this::line);
        env.versions().forEach((k, v) -> {
            if (withBaselineLibraries || !(k.startsWith("Jedis") || k.startsWith("RocksDB"))) {
                row(k, v);
            }
        });
        if (run.broker != null) {
            row("broker", run.broker);
        }
        if (run.appJar != null) {
            row("application", run.appJar);
        }
    }

    /** The load averages at the start and at the end, with {@code note} on what they mean for the figures. */
    protected void loadAverages(String note) {
        row("load average (1/5/15 min) at the start / end", env.loadAtStart() + " / " + Environment.loadAverage()
                + " (" + note + ")");
    }

    /** The CPU watch's summary of the whole run. */
    protected void cpuLoad() {
        row("CPU load during the run", run.cpu.summary());
    }
}
