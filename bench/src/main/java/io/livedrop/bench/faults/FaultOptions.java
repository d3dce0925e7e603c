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
                    Duration freeze, Duration warmup, Duration brokerDown, Duration brokerLongDown, int hostile, int hostileSubscriptions, List<String> pillTopics,
                    Path out, String name, Path appJar) {

    static final List<String> PILL_TOPICS = List.of("orders", "drops", "follows", "creators", "products");

    static final List<Integer> IMPLEMENTED = List.of(1, 2, 3, 4, 5, 6, 7, 8);
    static final List<Integer> QUICK = List.of(1, 5, 6);

    static final String USAGE = """
            bench/faults [flags]: the fault suite. One Kafka broker and two livedrop instances (A, B) as child
            processes on loopback; each scenario runs under an order stampede spread over both instances and a
            verifier that reads the committed order decisions afterwards (lost, flipped, double-decided, oversold).

              --scenarios=1,3,..  which scenarios (default all, quick 1,5,6): 1 kill -9 + restart, 2 the broker
                                  stopped / killed / killed for longer than the delivery timeout, then restarted,
                                  3 SIGSTOP then SIGCONT, 4 an instance added and one removed while reads run,
                                  5 one idempotency key 100x concurrently and after a restart, 6 poison pills on every
                                  input topic (always run last), 7 state directory deleted while the instance is
                                  down, 8 hostile requests mixed into normal traffic
              --quick             the CI-sized run: scenarios 1,5,6, a lower rate and shorter phases; report in
                                  bench/target/faults-quick/
              --rate=N            orders per second during each scenario (default 150, quick 60)
              --stock=N           stock of each drop (default 4000, quick 600); two drops per scenario, one owned by
                                  each instance, so the stock sells out during the longer runs
              --before=S          seconds of load before the fault (default 15, quick 5)
              --after=S           seconds of load after the instance is back (default 20, quick 6)
              --freeze=S          scenario 3: seconds instance B stays stopped (default 310: past Kafka Streams'
                                  max.poll.interval.ms, 300 s; the group evicts it after session.timeout.ms, 10 s,
                                  its heartbeat thread being frozen too; quick 30)
              --warmup=S          seconds of unmeasured load before the first scenario (default 60, quick 20): on 2
                                  shared cores, freshly started JVMs decide orders seconds late for their first minute
              --broker-down=S     scenario 2a/2b: seconds the broker stays down (default 20)
              --broker-long-down=S  scenario 2c: seconds down (default 130: past the Streams producers'
                                  delivery.timeout.ms, 120 s, and the API producer's, 30 s)
              --hostile=N         scenario 8: hostile requests mixed into the load (default 1000)
              --hostile-subscriptions=N  scenario 8: per hostile window and instance, orderStatus subscriptions on
                                  malformed ids on one socket (default 2000); N/4 on unknown ids, N/2 dropUpdates
                                  on one anonymous socket, N/20 sessions of one user
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
        int freeze = integer(f.remove("freeze"), quick ? 30 : 310);
        int rate = integer(f.remove("rate"), quick ? 60 : 150);
        int stock = integer(f.remove("stock"), quick ? 600 : 4000);
        int before = integer(f.remove("before"), quick ? 5 : 15);
        int after = integer(f.remove("after"), quick ? 6 : 20);
        int warmup = integer(f.remove("warmup"), quick ? 20 : 60);
        int brokerDown = integer(f.remove("broker-down"), 20);
        int brokerLongDown = integer(f.remove("broker-long-down"), 130);
        int hostile = integer(f.remove("hostile"), 1000);
        int hostileSubscriptions = integer(f.remove("hostile-subscriptions"), 2000);
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
        if (scenarios.isEmpty() || rate < 1 || stock < 1 || before < 1 || after < 1 || brokerDown < 1
                || brokerLongDown < 1 || hostile < 1 || hostileSubscriptions < 20) {
            throw new UsageException("Out-of-range value: need scenarios, rate >= 1, stock >= 1, before/after >= 1,"
                    + " broker-down/broker-long-down >= 1, hostile >= 1, hostile-subscriptions >= 20");
        }
        // scenario 6 last: pills a release cannot handle may leave the instances broken for what follows
        scenarios = scenarios.stream().distinct().sorted((a, b) -> Boolean.compare(a == 6, b == 6)).toList();
        return new FaultOptions(scenarios, quick, rate, stock, Duration.ofSeconds(before), Duration.ofSeconds(after),
                Duration.ofSeconds(Math.max(1, freeze)), Duration.ofSeconds(Math.max(0, warmup)),
                Duration.ofSeconds(brokerDown),
                Duration.ofSeconds(brokerLongDown), hostile, hostileSubscriptions, pillTopics,
                Path.of(out != null ? out : quick ? "bench/target/faults-quick" : "docs"),
                name != null ? name : quick ? "reliability-quick" : "reliability",
                Path.of(jar != null ? jar : "query-api/target/livedrop.jar"));
    }

    /** Verdicts a complete run has: one per scenario, three for scenario 2 (clean stop, kill -9, long kill -9). */
    int expectedVerdicts() {
        return scenarios.size() + (scenarios.contains(2) ? 2 : 0);
    }
}
