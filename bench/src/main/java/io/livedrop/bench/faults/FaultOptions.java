package io.livedrop.bench.faults;

import io.livedrop.bench.Cli;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The fault suite's options. */
@Command(name = "bench/run faults", description = {"The fault suite: one broker and two livedrop instances (A, B) as"
        + " child processes; each scenario under an order stampede, then a verifier of the committed decisions.", ""})
final class FaultOptions extends Cli.Options {

    @Option(names = "--scenarios", split = ",", defaultValue = "1,2,3,4,5,6,7,8", description = "which scenarios"
            + " (default all, quick 1,5,6): 1 kill -9 + restart, 2 broker stopped / killed / killed past the delivery"
            + " timeout, 3 SIGSTOP + SIGCONT, 4 an instance added and one removed, 5 one idempotency key 100x, 6 poison"
            + " pills (always last), 7 state directory deleted, 8 hostile requests mixed into the load")
    List<Integer> scenarios;
    @Option(names = "--rate", defaultValue = "150", description = "orders per second (default 150, quick 60)")
    int rate;
    @Option(names = "--stock", defaultValue = "4000", description = "stock of each of a scenario's two drops (default"
            + " 4000, quick 600)")
    int stock;
    @Option(names = "--before", defaultValue = "15", description = "seconds of load before the fault (default 15,"
            + " quick 5)")
    Duration before;
    @Option(names = "--after", defaultValue = "20", description =
            "seconds of load after recovery (default 20, quick 6)")
    Duration after;
    @Option(names = "--freeze", defaultValue = "310", description = "scenario 3: seconds B stays stopped (default 310,"
            + " past max.poll.interval.ms; quick 30)")
    Duration freeze;
    @Option(names = "--warmup", defaultValue = "60", description = "seconds of unmeasured load before the first"
            + " scenario (default 60, quick 20)")
    Duration warmup;
    @Option(names = "--broker-down", defaultValue = "20", description = "scenario 2a/2b: seconds the broker is down"
            + " (default 20)")
    Duration brokerDown;
    @Option(names = "--broker-long-down", defaultValue = "130", description = "scenario 2c: seconds down (default 130,"
            + " past the producers' delivery.timeout.ms)")
    Duration brokerLongDown;
    @Option(names = "--hostile", description = "scenario 8: hostile requests (default 1000)")
    int hostile = 1000;
    @Option(names = "--hostile-subscriptions", description = "scenario 8: malformed orderStatus subscriptions per"
            + " hostile window and instance (default 2000; other kinds scale with it)")
    int hostileSubscriptions = 2000;
    @Option(names = "--app-jar", description = "the application jar (default query-api/target/livedrop.jar)")
    Path appJar = Path.of("query-api/target/livedrop.jar");

    @Override
    protected Map<String, String> quickDefaults() {
        return Map.of("--scenarios", "1,5,6", "--freeze", "30", "--rate", "60", "--stock", "600", "--before", "5",
                "--after", "6", "--warmup", "20", "--name", "reliability-quick");
    }

    @Override
    protected void check() {
        name = name == null ? "reliability" : name;
        Cli.require(scenarios.stream().allMatch(s -> s >= 1 && s <= 8), "Scenarios are 1 to 8, not " + scenarios);
        Cli.require(!scenarios.isEmpty() && rate >= 1 && stock >= 1 && before.toSeconds() >= 1 && after.toSeconds() >= 1
                && brokerDown.toSeconds() >= 1 && brokerLongDown.toSeconds() >= 1 && hostile >= 1
                && hostileSubscriptions >= 20, "Out-of-range value: need scenarios, rate >= 1, stock >= 1, before/after"
                + " >= 1, broker-down/broker-long-down >= 1, hostile >= 1, hostile-subscriptions >= 20");
        freeze = freeze.toSeconds() < 1 ? Duration.ofSeconds(1) : freeze;
        warmup = warmup.isNegative() ? Duration.ZERO : warmup;
        // 6 last: pills may leave the instances broken
        scenarios = scenarios.stream().distinct().sorted((a, b) -> Boolean.compare(a == 6, b == 6)).toList();
    }

    @Override
    protected String defaultOut() {
        return "docs";
    }

    /** Verdicts a complete run has: one per scenario, three for scenario 2 (clean stop, kill -9, long kill -9). */
    int expectedVerdicts() {
        return scenarios.size() + (scenarios.contains(2) ? 2 : 0);
    }
}
