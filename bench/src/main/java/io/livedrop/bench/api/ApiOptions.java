package io.livedrop.bench.api;

import io.livedrop.bench.AppOptions;
import io.livedrop.bench.Cli;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The API benchmark's options. */
@Command(name = "bench/run api", description = {"API benchmark: two livedrop instances (A, B) on one Kafka broker"
        + " under open-loop HTTP load: drop reads (half routed to B) against { __typename }, placeOrder against the"
        + " topology alone. Writes docs/benchmarks/NAME.md and NAME-latency.png.", ""})
final class ApiOptions extends Cli.Options {

    @Option(names = "--runs", description = "repeat every case N times; the report quotes medians across runs (default 1)")
    int runs = 1;
    @Option(names = "--read-rates", split = ",", defaultValue = "1000,2000,5000",
            description = "open-loop read rates, requests/s (default 1000,2000,5000; quick 2000)")
    List<Integer> readRates;
    @Option(names = "--order-rates", split = ",", defaultValue = "250,500,1000",
            description = "open-loop placeOrder rates, orders/s (default 250,500,1000; quick 1000)")
    List<Integer> orderRates;
    @Option(names = "--concurrency", description = "requests in flight in the closed-loop (max-throughput) run (default 64)")
    int concurrency = 64;
    @Option(names = "--connections", description = "most requests in flight (HTTP/1.1 connections) in open-loop runs;"
            + " a wait for one counts as latency (default 512)")
    int connections = 512;
    @Option(names = "--duration", defaultValue = "20", description = "seconds per measured run (default 20; quick 5)")
    Duration duration;
    @Option(names = "--warmup", defaultValue = "10", description = "seconds of untimed load at the same rate before"
            + " each measured run (default 10; quick 3)")
    Duration warmup;
    @Option(names = "--jit-warmup", defaultValue = "60", description = "seconds of untimed closed-loop traffic (all"
            + " request kinds) before the first measured case, for the instances' JIT (default 60; quick 20)")
    Duration jitWarmup;
    @Option(names = "--read-keys", description = "drops read, half owned by A and half by B (default 16)")
    int readKeys = 16;
    @Option(names = "--order-drops", description = "drops ordered from, half owned by each instance (default 4)")
    int orderDrops = 4;
    @Option(names = "--users", description = "distinct buyers, one pre-minted token each (default 20000)")
    int users = 20_000;
    @Mixin
    AppOptions app = new AppOptions();
    @Option(names = "--streams-config", split = ",", description = "K=V,...: Kafka Streams settings for both instances"
            + " (livedrop.streams.K=V), e.g. commit.interval.ms=20; default: none (the application's own settings)")
    Map<String, String> streamsConfig = new LinkedHashMap<>();
    @Option(names = "--only", description = "reads|orders: run one half only")
    String only;

    @Override
    protected Map<String, String> quickDefaults() {
        return Map.of("--read-rates", "2000", "--order-rates", "1000", "--duration", "5", "--warmup", "3",
                "--jit-warmup", "20");
    }

    @Override
    protected void check() {
        Cli.require(only == null || List.of("reads", "orders").contains(only), "--only is reads or orders");
        Cli.requireBroker(app.broker);
        Cli.require(runs >= 1 && concurrency >= 1 && connections >= 1 && readKeys >= 2 && readKeys % 2 == 0
                && orderDrops >= 2 && orderDrops % 2 == 0 && users >= 1 && duration.toMillis() >= 1000
                && !warmup.isNegative() && !jitWarmup.isNegative() && readRates.stream().allMatch(r -> r >= 1)
                && orderRates.stream().allMatch(r -> r >= 1), "Out-of-range value: runs, concurrency, connections,"
                + " users >= 1; read-keys and order-drops even and >= 2; duration >= 1 s; rates >= 1");
    }

    boolean reads() {
        return !"orders".equals(only);
    }

    boolean orders() {
        return !"reads".equals(only);
    }
}
