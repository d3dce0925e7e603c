package io.livedrop.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The benchmarks' option parser (picocli): {@code --help}, {@code --quick} for smoke-sized defaults, integers with
 * '_' (1_000_000), durations in seconds (fractions allowed).
 */
public final class Cli {

    private Cli() {
    }

    public interface Options {
        /** Option name -> its default under {@code --quick}. */
        default Map<String, String> quickDefaults() {
            return Map.of();
        }

        /** Checks the values (throw {@link IllegalArgumentException}) and derives what depends on several. */
        default void check() {
        }
    }

    /** --help (status 0) or a bad command line (status 2), the usage printed. */
    public static final class Exit extends Exception {
        public final int status;

        Exit(int status) {
            super(null, null, false, false);
            this.status = status;
        }
    }

    public static <T extends Options> T parse(T options, String[] args) throws Exit {
        boolean quick = Arrays.asList(args).contains("--quick");
        CommandLine cl = new CommandLine(options);
        cl.setUsageHelpWidth(120).getCommandSpec().usageMessage().abbreviateSynopsis(true);
        cl.getCommandSpec().addOption(OptionSpec.builder("-h", "--help").usageHelp(true).description("this text").build());
        cl.setDefaultValueProvider(arg -> quick && arg instanceof OptionSpec o ? options.quickDefaults().get(o.longestName()) : null);
        CommandLine.ITypeConverter<Integer> integer = s -> Integer.valueOf(s.replace("_", ""));
        cl.registerConverter(Integer.class, integer).registerConverter(int.class, integer);
        cl.registerConverter(Duration.class, s -> Duration.ofMillis(Math.round(1000 * Double.parseDouble(s))));
        try {
            if (cl.parseArgs(args).isUsageHelpRequested()) {
                cl.usage(System.err);
                throw new Exit(0);
            }
            options.check();
            return options;
        } catch (CommandLine.ParameterException | IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println();
            cl.usage(System.err);
            throw new Exit(2);
        }
    }

    public static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    public static void requireBroker(String broker) {
        require(List.of("child", "in-process").contains(broker), "--broker is child or in-process");
    }

    public static List<String> springArgs(Map<String, String> appArgs) {
        return appArgs.entrySet().stream()
                .map(e -> (e.getKey().startsWith("--") ? "" : "--") + e.getKey() + "=" + e.getValue()).toList();
    }
}
