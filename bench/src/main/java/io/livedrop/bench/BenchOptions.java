package io.livedrop.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The stampede benchmark's options; sizes scale with {@code --scale} (--quick: 0.1). */
@Command(name = "bench/run stampede", description = {"Stampede benchmark: the livedrop order-decision topology under"
        + " open-loop load, against a raw Kafka transactional round trip and a Redis Lua script, in one run on this"
        + " machine.", ""})
final class BenchOptions extends Cli.Options {

    static final Set<String> ALL_PHASES = Set.of("raw", "redis", "streams", "spread", "latency", "throughput");
    static final int STREAM_THREADS = 1;
    static final int PRODUCER_LINGER_MS = 5; // the Kafka 4 default

    /** Sizes from the scale, and fixed settings; the report states them. */
    int requests;
    int users;
    int stock;
    final double retryFraction = 0.05;
    final long seed = 42;
    final int partitions = 12; // as in production

    @Option(names = "--scale", description = "size factor (1 = stock 100,000, 1,000,000 requests, 200,000 users);"
            + " default 1, quick 0.1")
    double scale = 1;
    @Option(names = "--spread-drops", description = "drops of the spread case (default 100)")
    int spreadDrops = 100;
    @Option(names = "--rates", split = ",", description = "open-loop arrival rates, requests/s (default 2000,5000)")
    List<Integer> rates = List.of(2000, 5000);
    @Option(names = "--duration", description = "seconds per open-loop run (default 20 x scale, at least 5)")
    Duration duration;
    @Option(names = "--warmup", description = "seconds of untimed load before each configuration (default 10 x scale, at least 3)")
    Duration warmup;
    @Option(names = "--guarantees", split = ",", description = "processing.guarantee values (default exactly_once_v2,at_least_once)")
    List<String> guarantees = List.of("exactly_once_v2", "at_least_once");
    @Option(names = "--commit-intervals", split = ",", description = "commit.interval.ms values (default 20,100)")
    List<Integer> commitIntervals = List.of(20, 100);
    @Option(names = "--phases", split = ",", description = "any of raw,redis,streams,spread,latency,throughput (default all)")
    Set<String> phases = ALL_PHASES;
    @Option(names = "--broker", description = "child|in-process: the Kafka broker in a child JVM (default) or in this JVM")
    String broker = "child";

    @Override
    protected Map<String, String> quickDefaults() {
        return Map.of("--scale", "0.1");
    }

    @Override
    protected void check() {
        Cli.require(scale > 0 && scale <= 10, "--scale must be in (0, 10]");
        requests = (int) Math.round(1_000_000 * scale);
        users = Math.max(1, (int) Math.round(200_000 * scale));
        stock = Math.max(1, (int) Math.round(100_000 * scale));
        duration = duration != null ? duration : Duration.ofMillis(Math.round(1000 * Math.max(5, 20 * scale)));
        warmup = warmup != null ? warmup : Duration.ofMillis(Math.round(1000 * Math.max(3, 10 * scale)));
        name = name != null ? name : scale == 1.0 ? "stampede" : "stampede-scale-" + Report.trim(scale);
        Cli.require(ALL_PHASES.containsAll(phases), "Unknown phase in " + phases + "; phases are " + ALL_PHASES);
        Cli.require(List.of("exactly_once_v2", "at_least_once").containsAll(guarantees),
                "--guarantees takes exactly_once_v2 and/or at_least_once, not " + guarantees);
        Cli.requireBroker(broker);
        Cli.require(requests >= 10 && spreadDrops >= 1 && !rates.isEmpty() && rates.stream().allMatch(r -> r >= 1)
                && duration.toMillis() >= 1000 && stock >= spreadDrops,
                "Out-of-range value: need scale >= 0.00001, rates >= 1, duration >= 1 s, stock >= spread-drops");
    }

    boolean runs(String phase) {
        return phases.contains(phase);
    }
}
