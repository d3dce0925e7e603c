package io.livedrop.bench.notify;

import io.livedrop.bench.FlagValues;
import static io.livedrop.bench.FlagValues.integer;
import static io.livedrop.bench.FlagValues.ints;
import static io.livedrop.bench.FlagValues.strings;

import io.livedrop.bench.FlagValues.UsageException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The notification benchmark's flags, {@code --name=value} (and {@code --quick}). */
record NotifyOptions(
        boolean quick,
        List<Integer> subscribers,
        int starts,
        int baselineStarts,
        int connectConcurrency,
        String overLimit,
        Duration deliveryTimeout,
        int inboxFollows,
        int inboxDrops,
        int inboxRate,
        Duration duration,
        Duration warmup,
        Duration jitWarmup,
        int connections,
        Path appJar,
        String broker,
        List<String> appArgs,
        Path out,
        String name,
        boolean online,
        boolean inbox) {

    static final String USAGE = """
            Drop-start notification benchmark: one Kafka broker and ONE livedrop instance (child processes).
            Online path: S WebSocket subscribers of dropStarted (graphql-transport-ws), each a distinct user following
            creator "famous"; the creator starts a drop; every subscriber's delivery is timed from the event's
            startedAt. Baseline: one subscriber (S=1), same run. Inbox: a viewer following 1,000 creators, some with
            recent drop starts, reads me.notifications(first: 20) at a fixed open-loop rate against { __typename }.
            Writes docs/benchmarks/NAME.md.

              --quick                 smoke test (~3 min): 2,000 subscribers, 2 drop starts, inbox with 20 drops,
                                      10 s runs; report in bench/target/notify-quick/ unless --out is given
              --subscribers=S,...     online subscriber counts, one after the other (default 10000; quick 2000).
                                      Counts above what this machine's limits allow (open files per process,
                                      ephemeral ports) are capped to the most that fits, and the report says why
              --over-limit=cap|try|skip  what to do with a count above the limits (default cap)
              --starts=N              measured drop starts per subscriber count (default 3; quick 2)
              --baseline-starts=N     drop starts measured with one subscriber (default 5; quick 3)
              --connect-concurrency=N WebSocket handshakes in flight while connecting (default 256)
              --delivery-timeout=S    seconds to wait for every subscriber to be told of one start (default 60)
              --inbox-follows=N       creators the inbox viewer follows (default 1000)
              --inbox-drops=N         of those, creators that start a drop (default 100; quick 20)
              --inbox-rate=R          open-loop rate of inbox reads and of the baseline, requests/s (default 1000)
              --duration=S            seconds per measured inbox run (default 20; quick 10)
              --warmup=S              seconds of untimed load at the same rate before each run (default 10; quick 5)
              --jit-warmup=S          seconds of untimed closed-loop inbox + baseline traffic first (default 20; quick 10)
              --connections=N         most HTTP requests in flight in the open-loop runs (default 512)
              --only=online|inbox     run one half only
              --app-jar=PATH          the application (default query-api/target/livedrop.jar)
              --broker=child|in-process  the Kafka broker in a child JVM (default) or in this JVM
              --app-args=K=V,...      extra Spring settings for the instance (--K=V)
              --out=DIR               where the report goes (default docs/benchmarks)
              --name=NAME             report file name without extension (default notify)
            """;

    static NotifyOptions parse(String[] args) {
        Map<String, String> f = FlagValues.flags(args);
        boolean quick = false;
        if (f.containsKey("quick")) {
            quick = Boolean.parseBoolean(f.remove("quick"));
        }
        List<Integer> subscribers = ints(f.remove("subscribers"), quick ? List.of(2000) : List.of(10_000));
        int starts = integer(f.remove("starts"), quick ? 2 : 3);
        int baselineStarts = integer(f.remove("baseline-starts"), quick ? 3 : 5);
        int connect = integer(f.remove("connect-concurrency"), 256);
        String overLimit = f.getOrDefault("over-limit", "cap");
        f.remove("over-limit");
        Duration deliveryTimeout = seconds(f.remove("delivery-timeout"), 60);
        int inboxFollows = integer(f.remove("inbox-follows"), 1000);
        int inboxDrops = integer(f.remove("inbox-drops"), quick ? 20 : 100);
        int inboxRate = integer(f.remove("inbox-rate"), 1000);
        Duration duration = seconds(f.remove("duration"), quick ? 10 : 20);
        Duration warmup = seconds(f.remove("warmup"), quick ? 5 : 10);
        Duration jitWarmup = seconds(f.remove("jit-warmup"), quick ? 10 : 20);
        int connections = integer(f.remove("connections"), 512);
        String only = f.remove("only");
        Path jar = Path.of(f.getOrDefault("app-jar", "query-api/target/livedrop.jar"));
        f.remove("app-jar");
        String broker = f.getOrDefault("broker", "child");
        f.remove("broker");
        List<String> appArgs = new ArrayList<>();
        for (String kv : strings(f.remove("app-args"), List.of())) {
            if (!kv.contains("=")) {
                throw new UsageException("--app-args takes key=value pairs, not " + kv);
            }
            appArgs.add(kv.startsWith("--") ? kv : "--" + kv);
        }
        Path out = Path.of(f.getOrDefault("out", quick ? "bench/target/notify-quick" : "docs/benchmarks"));
        f.remove("out");
        String name = f.getOrDefault("name", "notify");
        f.remove("name");
        if (!f.isEmpty()) {
            throw new UsageException("Unknown flag(s) " + f.keySet());
        }
        if (only != null && !only.equals("online") && !only.equals("inbox")) {
            throw new UsageException("--only is online or inbox");
        }
        if (!List.of("cap", "try", "skip").contains(overLimit)) {
            throw new UsageException("--over-limit is cap, try or skip");
        }
        if (!broker.equals("child") && !broker.equals("in-process")) {
            throw new UsageException("--broker is child or in-process");
        }
        if (subscribers.isEmpty() || subscribers.stream().anyMatch(s -> s < 1) || starts < 1 || baselineStarts < 1
                || connect < 1 || inboxFollows < 1 || inboxDrops < 0 || inboxDrops > inboxFollows || inboxRate < 1
                || duration.toMillis() < 1000 || warmup.isNegative() || jitWarmup.isNegative() || connections < 1) {
            throw new UsageException("Out-of-range value: counts >= 1, inbox-drops <= inbox-follows, duration >= 1 s");
        }
        return new NotifyOptions(quick, subscribers, starts, baselineStarts, connect, overLimit, deliveryTimeout,
                inboxFollows, inboxDrops, inboxRate, duration, warmup, jitWarmup, connections, jar, broker,
                List.copyOf(appArgs), out, name, !"inbox".equals(only), !"online".equals(only));
    }

    private static Duration seconds(String v, double dflt) {
        try {
            return Duration.ofMillis(Math.round(1000 * (v == null ? dflt : Double.parseDouble(v))));
        } catch (NumberFormatException e) {
            throw new UsageException("Not a number: " + v);
        }
    }
}
