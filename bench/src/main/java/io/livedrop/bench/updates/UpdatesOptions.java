package io.livedrop.bench.updates;

import io.livedrop.bench.AppOptions;
import io.livedrop.bench.Cli;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The dropUpdates stampede benchmark's options. */
@Command(name = "bench/run updates", description = {"dropUpdates stampede benchmark: W watchers of one drop on the edge"
        + " of ONE instance while an order stampede sells it out, against the same stampede unwatched.", ""})
final class UpdatesOptions extends Cli.Options {

    @Option(names = "--watchers", defaultValue = "10000", description = "watchers (default 10000; quick 1000)")
    int watchers;
    @Option(names = "--rate", defaultValue = "30000", description = "order requests/s (default 30000; quick 5000)")
    int rate;
    @Option(names = "--duration", defaultValue = "4", description = "seconds of orders per stampede (default 4)")
    Duration duration;
    @Option(names = "--stock", description = "units per drop (default rate x duration / 2)")
    Integer stock;
    @Option(names = "--runs", defaultValue = "3", description = "watched stampedes, each after one"
            + " unwatched (default 3; quick 1)")
    int runs;
    @Option(names = "--cpu-window", defaultValue = "15", description = "seconds from the first order over which CPU is"
            + " measured in every stampede; to outlast the decisions and updates (default 15; quick 10)")
    Duration cpuWindow;
    @Mixin
    AppOptions app = new AppOptions();

    @Override
    protected Map<String, String> quickDefaults() {
        return Map.of("--watchers", "1000", "--rate", "5000", "--runs", "1", "--cpu-window", "10");
    }

    @Override
    protected void check() {
        Cli.requireBroker(app.broker);
        stock = stock != null ? stock : (int) Math.max(1, rate * duration.toMillis() / 2000);
        Cli.require(watchers >= 1 && rate >= 1 && duration.toMillis() >= 1000 && runs >= 1 && stock >= 1
                && stock < rate * duration.toMillis() / 1000 * 0.95 && cpuWindow.compareTo(duration) > 0,
                "Out-of-range value: counts >= 1, duration >= 1 s, cpu-window > duration, stock < 95 % of the orders");
    }
}
