package io.livedrop.bench.faults;

import io.livedrop.bench.Cli;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The fault suite's options. */
@Command(name = "bench/run faults", description = {"The fault suite. One Kafka broker and two livedrop instances (A, B)"
        + " as child processes on loopback; each scenario runs under an order stampede spread over both instances and"
        + " a verifier that reads the committed order decisions afterwards (lost, flipped, double-decided, oversold).",
        ""})
final class FaultOptions implements Cli.Options {

    static final List<String> PILL_TOPICS = List.of("orders", "drops", "follows", "creators", "products");

    @Option(names = "--scenarios", split = ",", defaultValue = "1,2,3,4,5,6,7,8", description = "which scenarios"
            + " (default all, quick 1,5,6): 1 kill -9 + restart, 2 the broker stopped / killed / killed for longer than"
            + " the delivery timeout, then restarted, 3 SIGSTOP then SIGCONT, 4 an instance added and one removed while"
            + " reads run, 5 one idempotency key 100x concurrently and after a restart, 6 poison pills on every input"
            + " topic (always run last), 7 state directory deleted while the instance is down, 8 hostile requests mixed"
            + " into normal traffic")
    List<Integer> scenarios;
    @Option(names = "--quick", description = "the CI-sized run: scenarios 1,5,6, a lower rate and shorter phases;"
            + " report in bench/target/faults-quick/")
    boolean quick;
    @Option(names = "--rate", defaultValue = "150", description = "orders per second during each scenario (default 150, quick 60)")
    int rate;
    @Option(names = "--stock", defaultValue = "4000", description = "stock of each drop (default 4000, quick 600); two"
            + " drops per scenario, one owned by each instance, so the stock sells out during the longer runs")
    int stock;
    @Option(names = "--before", defaultValue = "15", description = "seconds of load before the fault (default 15, quick 5)")
    Duration before;
    @Option(names = "--after", defaultValue = "20", description = "seconds of load after the instance is back (default 20, quick 6)")
    Duration after;
    @Option(names = "--freeze", defaultValue = "310", description = "scenario 3: seconds instance B stays stopped"
            + " (default 310: past Kafka Streams' max.poll.interval.ms, 300 s; the group evicts it after"
            + " session.timeout.ms, 10 s, its heartbeat thread being frozen too; quick 30)")
    Duration freeze;
    @Option(names = "--warmup", defaultValue = "60", description = "seconds of unmeasured load before the first scenario"
            + " (default 60, quick 20): on 2 shared cores, freshly started JVMs decide orders seconds late for their"
            + " first minute")
    Duration warmup;
    @Option(names = "--broker-down", defaultValue = "20", description = "scenario 2a/2b: seconds the broker stays down (default 20)")
    Duration brokerDown;
    @Option(names = "--broker-long-down", defaultValue = "130", description = "scenario 2c: seconds down (default 130:"
            + " past the Streams producers' delivery.timeout.ms, 120 s, and the API producer's, 30 s)")
    Duration brokerLongDown;
    @Option(names = "--hostile", description = "scenario 8: hostile requests mixed into the load (default 1000)")
    int hostile = 1000;
    @Option(names = "--hostile-subscriptions", description = "scenario 8: per hostile window and instance, orderStatus"
            + " subscriptions on malformed ids on one socket (default 2000); N/4 on unknown ids, N/2 dropUpdates on one"
            + " anonymous socket, N/20 sessions of one user")
    int hostileSubscriptions = 2000;
    @Option(names = "--pill-topics", split = ",", defaultValue = "orders,drops,follows,creators,products",
            description = "scenario 6: the input topics that get pills (default all: orders,drops,follows,creators,"
                    + "products; the CI test uses orders,drops, see docs/reliability.md)")
    List<String> pillTopics;
    @Option(names = "--out", defaultValue = "docs", description = "where the report goes (default docs)")
    Path out;
    @Option(names = "--name", defaultValue = "reliability", description = "report file name without .md (default"
            + " reliability, quick reliability-quick)")
    String name;
    @Option(names = "--app-jar", description = "the application jar (default query-api/target/livedrop.jar)")
    Path appJar = Path.of("query-api/target/livedrop.jar");

    @Override
    public Map<String, String> quickDefaults() {
        return Map.of("--scenarios", "1,5,6", "--freeze", "30", "--rate", "60", "--stock", "600", "--before", "5",
                "--after", "6", "--warmup", "20", "--out", "bench/target/faults-quick", "--name", "reliability-quick");
    }

    @Override
    public void check() {
        Cli.require(!pillTopics.isEmpty() && PILL_TOPICS.containsAll(pillTopics),
                "--pill-topics takes some of " + PILL_TOPICS);
        Cli.require(scenarios.stream().allMatch(s -> s >= 1 && s <= 8), "Scenarios are 1 to 8, not " + scenarios);
        Cli.require(!scenarios.isEmpty() && rate >= 1 && stock >= 1 && before.toSeconds() >= 1 && after.toSeconds() >= 1
                && brokerDown.toSeconds() >= 1 && brokerLongDown.toSeconds() >= 1 && hostile >= 1
                && hostileSubscriptions >= 20, "Out-of-range value: need scenarios, rate >= 1, stock >= 1, before/after"
                + " >= 1, broker-down/broker-long-down >= 1, hostile >= 1, hostile-subscriptions >= 20");
        freeze = freeze.toSeconds() < 1 ? Duration.ofSeconds(1) : freeze;
        warmup = warmup.isNegative() ? Duration.ZERO : warmup;
        // scenario 6 last: pills a release cannot handle may leave the instances broken for what follows
        scenarios = scenarios.stream().distinct().sorted((a, b) -> Boolean.compare(a == 6, b == 6)).toList();
    }

    /** Verdicts a complete run has: one per scenario, three for scenario 2 (clean stop, kill -9, long kill -9). */
    int expectedVerdicts() {
        return scenarios.size() + (scenarios.contains(2) ? 2 : 0);
    }
}
