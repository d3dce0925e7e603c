package io.livedrop.bench.hostile;

import static io.livedrop.bench.FlagValues.integer;
import static io.livedrop.bench.FlagValues.ints;

import io.livedrop.bench.FlagValues;
import io.livedrop.bench.FlagValues.UsageException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** bench/hostile's flags, {@code --name=value} (and {@code --quick}); defaults are the sizes of issue 14. */
record HostileOptions(boolean quick, List<Integer> attacks, int drops, int creators, int malformed,
                      int malformedIdChars, int subscriptions, int orderRate, int updateSeconds, int unknown,
                      int unknownSeconds, int bodies, int bodyMb, Path appJar, String broker, List<String> appArgs,
                      Path out, String name) {

    static final List<Integer> ATTACKS = List.of(1, 3, 4, 6, 7);

    static final String USAGE = """
            bench/hostile [flags]: what the hostile clients of issue 14 cost one livedrop instance. One Kafka broker
            and ONE instance (child processes on loopback); the attacks run one at a time, and for each the report
            gives the instance's CPU seconds during it (/proc), its heap used after a full GC (jcmd GC.run, then
            GC.heap_info) before it, with the clients still connected and after they have gone, its highest heap
            during it (GC log), the bytes and status of the answers, and what was refused and how. Writes
            docs/benchmarks/NAME.md (quick: bench/target/hostile-quick/).

              --quick                  a smoke run (~2 min): small sizes, report in bench/target/hostile-quick/
              --attacks=1,3,4,6,7      which attacks (issue 14's points), in order (default all):
                                       1 the 119-byte anonymous nested liveDrops/creator.drops query over live drops
                                       3 orderStatus subscriptions on malformed ids, then the socket closed
                                       4 dropUpdates subscriptions on one anonymous socket to a drop taking orders
                                       6 orderStatus subscriptions on unknown well-formed order ids, held
                                       7 concurrent anonymous bodies of many MB
              --drops=N                attack 1: live drops (default 110; quick 30)
              --creators=N             attack 1: creators; one drop each, the rest by the first (default 3)
              --malformed=N            attack 3: subscriptions (default 20000; quick 2000)
              --malformed-id-chars=N   attack 3: length of each malformed id (default 8000: the message fits the
                                       server's 8 KB WebSocket message buffer)
              --subscriptions=N        attack 4: dropUpdates subscriptions on the one socket (default 5000; quick 500)
              --order-rate=R           attack 4: orders per second on the drop (default 40; quick 20)
              --update-seconds=S       attack 4: how long the orders run (default 20; quick 5)
              --unknown=N              attack 6: subscriptions (default 3000; quick 300)
              --unknown-seconds=S      attack 6: how long they are held (default 30; quick 5)
              --bodies=N               attack 7: concurrent bodies (default 8; quick 2)
              --body-mb=N              attack 7: size of each body in MB, sent with its Content-Length (default 100;
                                       quick 10)
              --app-jar=PATH           the application (default query-api/target/livedrop.jar)
              --broker=child|in-process  the Kafka broker in a child JVM (default) or in this JVM
              --app-args=K=V,...       extra Spring settings for the instance (--K=V)
              --out=DIR                where the report goes (default docs/benchmarks; quick bench/target/hostile-quick)
              --name=NAME              report file name without extension (default hostile)
            """;

    static HostileOptions parse(String[] args) {
        Map<String, String> f = FlagValues.flags(args);
        boolean quick = f.containsKey("quick") && Boolean.parseBoolean(f.remove("quick"));
        List<Integer> attacks = ints(f.remove("attacks"), ATTACKS);
        int drops = integer(f.remove("drops"), quick ? 30 : 110);
        int creators = integer(f.remove("creators"), 3);
        int malformed = integer(f.remove("malformed"), quick ? 2_000 : 20_000);
        int malformedIdChars = integer(f.remove("malformed-id-chars"), 8_000);
        int subscriptions = integer(f.remove("subscriptions"), quick ? 500 : 5_000);
        int orderRate = integer(f.remove("order-rate"), quick ? 20 : 40);
        int updateSeconds = integer(f.remove("update-seconds"), quick ? 5 : 20);
        int unknown = integer(f.remove("unknown"), quick ? 300 : 3_000);
        int unknownSeconds = integer(f.remove("unknown-seconds"), quick ? 5 : 30);
        int bodies = integer(f.remove("bodies"), quick ? 2 : 8);
        int bodyMb = integer(f.remove("body-mb"), quick ? 10 : 100);
        String jar = f.remove("app-jar");
        String broker = f.getOrDefault("broker", "child");
        f.remove("broker");
        List<String> appArgs = FlagValues.keyValues(f.remove("app-args"), "app-args").entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue()).toList();
        String out = f.remove("out");
        String name = f.remove("name");
        if (!f.isEmpty()) {
            throw new UsageException("Unknown flag(s) " + f.keySet());
        }
        if (!ATTACKS.containsAll(attacks) || attacks.isEmpty()) {
            throw new UsageException("--attacks takes some of " + ATTACKS);
        }
        if (!List.of("child", "in-process").contains(broker)) {
            throw new UsageException("--broker is child or in-process");
        }
        if (drops < 1 || creators < 1 || creators > drops || malformed < 1 || malformedIdChars < 1
                || subscriptions < 1 || orderRate < 1 || updateSeconds < 1 || unknown < 1 || unknownSeconds < 1
                || bodies < 1 || bodyMb < 1) {
            throw new UsageException("Out-of-range value: every size must be >= 1, and creators <= drops");
        }
        return new HostileOptions(quick, attacks, drops, creators, malformed, malformedIdChars, subscriptions,
                orderRate, updateSeconds, unknown, unknownSeconds, bodies, bodyMb,
                Path.of(jar != null ? jar : "query-api/target/livedrop.jar"), broker, appArgs,
                Path.of(out != null ? out : quick ? "bench/target/hostile-quick" : "docs/benchmarks"),
                name != null ? name : "hostile");
    }
}
