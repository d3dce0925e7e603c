package io.livedrop.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * The benchmarks' command skeleton and option parser (picocli): {@code --help}, {@code --quick} for smoke-sized
 * defaults, {@code --out}/{@code --name} for the report, integers with '_' (1_000_000), durations in seconds
 * (fractions allowed).
 */
public final class Cli {

    private Cli() {
    }

    /** What every benchmark's options have: where its report goes, and the quick switch. */
    public abstract static class Options {
        @Option(names = "--quick", description = "a smoke-sized run: the defaults marked quick; the report goes to"
                + " bench/target/<benchmark>-quick/ unless --out is given")
        public boolean quick;
        @Option(names = "--out", description = "where the report goes (default docs/benchmarks;"
                + " the fault suite's: docs)")
        public Path out;
        @Option(names = "--name", description = "report file name without .md (default: the benchmark's name)")
        public String name;

        /** Option name -> its default under {@code --quick}. */
        protected Map<String, String> quickDefaults() {
            return Map.of();
        }

        /** Checks the values (throw {@link IllegalArgumentException}) and derives what depends on several. */
        protected void check() {
        }

        protected String defaultOut() {
            return "docs/benchmarks";
        }
    }

    /** A benchmark's body, given its options and its run: the exit status. */
    public interface Body<T extends Options> {
        int run(T options, BenchRun run) throws Exception;
    }

    /**
     * Parses {@code args} into {@code options} and runs {@code body} in a {@link BenchRun} titled by {@code title}: the
     * exit status (0 for --help, 2 for a bad command line, else the body's).
     */
    public static <T extends Options> int run(String[] args, T options, Function<T, String> title, Body<T> body)
            throws Exception {
        boolean quick = Arrays.asList(args).contains("--quick");
        CommandLine cl = new CommandLine(options);
        String benchmark = cl.getCommandName().substring(cl.getCommandName().lastIndexOf(' ') + 1);
        cl.setUsageHelpWidth(120).getCommandSpec().usageMessage().abbreviateSynopsis(true);
        cl.getCommandSpec().addOption(OptionSpec.builder("-h", "--help").usageHelp(true).description("this text").build());
        cl.setDefaultValueProvider(arg -> quick && arg instanceof OptionSpec o ? options.quickDefaults().get(o.longestName()) : null);
        CommandLine.ITypeConverter<Integer> integer = s -> Integer.valueOf(s.replace("_", ""));
        cl.registerConverter(Integer.class, integer).registerConverter(int.class, integer);
        cl.registerConverter(Duration.class, s -> Duration.ofMillis(Math.round(1000 * Double.parseDouble(s))));
        try {
            if (cl.parseArgs(args).isUsageHelpRequested()) {
                cl.usage(System.err);
                return 0;
            }
            options.check();
        } catch (CommandLine.ParameterException | IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println();
            cl.usage(System.err);
            return 2;
        }
        if (options.out == null) {
            options.out = Path.of(quick ? "bench/target/" + benchmark + "-quick" : options.defaultOut());
        }
        options.name = options.name == null ? benchmark : options.name;
        return body.run(options, new BenchRun(title.apply(options), args, options.out.resolve(options.name + ".md")));
    }

    public static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    public static void requireBroker(String broker) {
        require(List.of("child", "in-process").contains(broker), "--broker is child or in-process");
    }
}
