package io.livedrop.bench.hostile;

import io.livedrop.bench.AppOptions;
import io.livedrop.bench.Cli;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** bench/hostile's options; defaults are the sizes of issue 14. */
@Command(name = "bench/run hostile", description = {"What the hostile clients of issue 14 cost one livedrop instance"
        + " (CPU, heap, answers), one attack at a time; see docs/benchmarks/methodology.md. Writes"
        + " docs/benchmarks/NAME.md (quick: bench/target/hostile-quick/).", ""})
final class HostileOptions extends Cli.Options {

    static final List<Integer> ATTACKS = List.of(1, 3, 4, 6, 7);

    @Option(names = "--attacks", split = ",", defaultValue = "1,3,4,6,7", description = "issue 14's points, in order"
            + " (default all): 1 nested query, 3 malformed orderStatus ids, 4 dropUpdates flood, 6 unknown orderStatus"
            + " ids, held, 7 large bodies")
    List<Integer> attacks;
    @Option(names = "--drops", defaultValue = "110", description = "attack 1: live drops (default 110; quick 30)")
    int drops;
    @Option(names = "--creators", description = "attack 1: creators; one drop each, the rest by the first (default 3)")
    int creators = 3;
    @Option(names = "--malformed", defaultValue = "20000", description = "attack 3: subscriptions (default 20000; quick 2000)")
    int malformed;
    @Option(names = "--subscriptions", defaultValue = "5000", description = "attack 4: dropUpdates subscriptions on the"
            + " one socket (default 5000; quick 500)")
    int subscriptions;
    @Option(names = "--order-rate", defaultValue = "40", description = "attack 4: orders per second on the drop (default 40; quick 20)")
    int orderRate;
    @Option(names = "--update-seconds", defaultValue = "20", description = "attack 4: how long the orders run (default 20; quick 5)")
    int updateSeconds;
    @Option(names = "--unknown", defaultValue = "3000", description = "attack 6: subscriptions (default 3000; quick 300)")
    int unknown;
    @Option(names = "--unknown-seconds", defaultValue = "30", description = "attack 6: how long they are held (default 30; quick 5)")
    int unknownSeconds;
    @Option(names = "--bodies", defaultValue = "8", description = "attack 7: concurrent bodies (default 8; quick 2)")
    int bodies;
    @Option(names = "--body-mb", defaultValue = "100", description = "attack 7: size of each body in MB, sent with its"
            + " Content-Length (default 100; quick 10)")
    int bodyMb;
    @Mixin
    AppOptions app = new AppOptions();

    @Override
    protected Map<String, String> quickDefaults() {
        return Map.of("--drops", "30", "--malformed", "2000", "--subscriptions", "500", "--order-rate", "20",
                "--update-seconds", "5", "--unknown", "300", "--unknown-seconds", "5", "--bodies", "2", "--body-mb", "10");
    }

    @Override
    protected void check() {
        Cli.require(!attacks.isEmpty() && ATTACKS.containsAll(attacks), "--attacks takes some of " + ATTACKS);
        Cli.requireBroker(app.broker);
        Cli.require(drops >= 1 && creators >= 1 && creators <= drops && malformed >= 1
                && subscriptions >= 1 && orderRate >= 1 && updateSeconds >= 1 && unknown >= 1 && unknownSeconds >= 1
                && bodies >= 1 && bodyMb >= 1, "Out-of-range value: every size must be >= 1, and creators <= drops");
    }
}
