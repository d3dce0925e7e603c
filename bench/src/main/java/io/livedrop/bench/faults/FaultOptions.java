package io.livedrop.bench.faults;

import static io.livedrop.bench.FlagValues.integer;
import static io.livedrop.bench.FlagValues.ints;

import io.livedrop.bench.FlagValues;
import io.livedrop.bench.FlagValues.UsageException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The fault suite's flags. */
record FaultOptions(List<Integer> scenarios, boolean quick, int rate, int stock, Duration before, Duration after,
                    Duration freeze, List<String> pillTopics, Path out, String name, Path appJar) {

    static final List<String> PILL_TOPICS = List.of("orders", "drops", "follows", "creators", "products");

    static final List<Integer> IMPLEMENTED = List.of(1, 3, 5, 6, 7);
    static final List<Integer> QUICK = List.of(1, 5, 6);

    static final String USAGE = """
            bench/faults [flags]: the fault suite. One Kafka broker and two livedrop instances (A, B) as child
            processes on loopback; each scenario runs under an order stampede spread over both instances and a
            verifier that reads the committed order decisions afterwards (lost, flipped, double-decided, oversold).

              --scenarios=1,3,..  which scenarios (default every implemented one, quick 1,5,6): 1 kill -9 + restart,
                                  3 SIGSTOP then SIGCONT, 5 one idempotency key 100x concurrently and after a restart,
                                  6 poison pills on every input topic (always run last), 7 state directory deleted
                                  while the instance is down
              --quick             the CI-sized run: scenarios 1,5,6, a lower rate and shorter phases; report in
                                  bench/target/faults-quick/
              --rate=N            orders per second during each scenario (default 150, quick 60)
              --stock=N           stock of each drop (default 4000, quick 600); two drops per scenario, one owned by
                                  each instance, so the stock sells out during the longer runs
              --before=S          seconds of load before the fault (default 15, quick 5)
              --after=S           seconds of load after the instance is back (default 20, quick 6)
              --freeze=S          scenario 3: seconds instance B stays stopped (default 60: past session.timeout.ms,
                                  45 s, which evicts it, its heartbeat thread being frozen too; Kafka Streams'
                                  max.poll.interval.ms is 300 s, so --freeze=310 goes past that too)
              --pill-topics=T,..  scenario 6: the input topics that get pills (default all: orders,drops,follows,
                                  creators,products; the CI test uses orders,drops, see docs/reliability.md)
              --out=DIR           where the report goes (default docs)
              --name=NAME         report file name without .md (default reliability, quick reliability-quick)
              --app-jar=PATH      the application jar (default query-api/target/livedrop.jar)
              --help              this text
            """;

    static FaultOptions parse(String[] args) {
        Map<String, String> f = FlagValues.flags(args);
        boolean quick = Boolean.parseBoolean(f.remove("quick"));
        List<Integer> scenarios = ints(f.remove("scenarios"), quick ? QUICK : IMPLEMENTED);
        int freeze = integer(f.remove("freeze"), 60);
        int rate = integer(f.remove("rate"), quick ? 60 : 150);
        int stock = integer(f.remove("stock"), quick ? 600 : 4000);
        int before = integer(f.remove("before"), quick ? 5 : 15);
        int after = integer(f.remove("after"), quick ? 6 : 20);
        List<String> pillTopics = FlagValues.strings(f.remove("pill-topics"), PILL_TOPICS);
        if (!PILL_TOPICS.containsAll(pillTopics) || pillTopics.isEmpty()) {
            throw new UsageException("--pill-topics takes some of " + PILL_TOPICS);
        }
        String out = f.remove("out");
        String name = f.remove("name");
        String jar = f.remove("app-jar");
        if (!f.isEmpty()) {
            throw new UsageException("Unknown flag(s) " + f.keySet());
        }
        for (int s : scenarios) {
            if (!IMPLEMENTED.contains(s)) {
                throw new UsageException("Scenario " + s + " is not implemented yet (implemented: " + IMPLEMENTED + ")");
            }
        }
        if (scenarios.isEmpty() || rate < 1 || stock < 1 || before < 1 || after < 1) {
            throw new UsageException("Out-of-range value: need scenarios, rate >= 1, stock >= 1, before/after >= 1");
        }
        // scenario 6 last: pills a release cannot handle may leave the instances broken for what follows
        scenarios = scenarios.stream().distinct().sorted((a, b) -> Boolean.compare(a == 6, b == 6)).toList();
        return new FaultOptions(scenarios, quick, rate, stock, Duration.ofSeconds(before), Duration.ofSeconds(after),
                Duration.ofSeconds(Math.max(1, freeze)), pillTopics,
                Path.of(out != null ? out : quick ? "bench/target/faults-quick" : "docs"),
                name != null ? name : quick ? "reliability-quick" : "reliability",
                Path.of(jar != null ? jar : "query-api/target/livedrop.jar"));
    }
}
