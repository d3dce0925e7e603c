package io.livedrop.bench.api;

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

/** The API benchmark's flags, {@code --name=value} (and {@code --quick}). */
record ApiOptions(
        boolean quick,
        int runs,
        List<Integer> readRates,
        List<Integer> orderRates,
        boolean maxThroughput,
        int concurrency,
        int connections,
        Duration duration,
        Duration warmup,
        Duration jitWarmup,
        int readKeys,
        int orderDrops,
        int users,
        Path appJar,
        String broker,
        Map<String, String> streamsConfig,
        List<String> appArgs,
        Path out,
        String name,
        boolean onlyReads,
        boolean onlyOrders) {

    static final String USAGE = """
            API benchmark: two livedrop instances (A and B) on one Kafka broker, driven over HTTP by an open-loop
            load generator on this machine. Reads of drop state (half of the keys owned by B, so routed one hop) against
            the same server answering { __typename }; placeOrder end to end against the topology's own
            send -> committed-decision latency. Writes docs/benchmarks/NAME.md and NAME-latency.png.

              --quick                 smoke test: 5 s runs after 3 s warm-ups, reads at 2000/s, orders at 1000/s;
                                      the report goes to bench/target/api-quick/ unless --out is given
              --runs=N                repeat every case N times; the report quotes medians across runs (default 1)
              --read-rates=R,...      open-loop read rates, requests/s (default 1000,2000,5000)
              --order-rates=R,...     open-loop placeOrder rates, orders/s (default 250,500,1000)
              --max-throughput=true|false  the closed-loop read run (default true)
              --concurrency=N         requests in flight in the closed-loop (max-throughput) run (default 64)
              --connections=N         most requests in flight (= HTTP/1.1 connections) in open-loop runs; a request
                                      that finds them all busy waits, and its wait counts as latency (default 512)
              --duration=S            seconds per measured run (default 20; quick 5)
              --warmup=S              seconds of untimed load at the same rate before each measured run (default 10; quick 3)
              --jit-warmup=S          seconds of untimed closed-loop traffic (all request kinds) before the first
                                      measured case, for the instances' JIT (default 60; quick 20)
              --read-keys=N           drops read, half owned by A and half by B (default 16)
              --order-drops=N         drops ordered from, half owned by each instance (default 4)
              --users=N               distinct buyers, one pre-minted token each (default 20000)
              --app-jar=PATH          the application (default query-api/target/livedrop.jar)
              --broker=child|in-process  the Kafka broker in a child JVM (default) or in this JVM
              --streams-config=K=V,...  Kafka Streams settings for both instances (livedrop.streams.K=V), e.g.
                                      commit.interval.ms=20; default: none (the application's own settings)
              --app-args=K=V,...      extra Spring settings for both instances (--K=V), for experiments, e.g.
                                      management.observations.enable.spring.security=false; shown in the report
              --only=reads|orders     run one half only
              --out=DIR               where the report goes (default docs/benchmarks)
              --name=NAME             report file name without extension (default api)
            """;

    static ApiOptions parse(String[] args) {
        Map<String, String> f = FlagValues.flags(args);
        boolean quick = false;
        if (f.containsKey("quick")) {
            quick = Boolean.parseBoolean(f.remove("quick"));
        }
        int runs = integer(f.remove("runs"), 1);
        List<Integer> readRates = ints(f.remove("read-rates"), quick ? List.of(2000) : List.of(1000, 2000, 5000));
        List<Integer> orderRates = ints(f.remove("order-rates"), quick ? List.of(1000) : List.of(250, 500, 1000));
        boolean max = Boolean.parseBoolean(f.getOrDefault("max-throughput", "true"));
        f.remove("max-throughput");
        int concurrency = integer(f.remove("concurrency"), 64);
        int connections = integer(f.remove("connections"), 512);
        Duration duration = seconds(f.remove("duration"), quick ? 5 : 20);
        Duration warmup = seconds(f.remove("warmup"), quick ? 3 : 10);
        Duration jitWarmup = seconds(f.remove("jit-warmup"), quick ? 20 : 60);
        int readKeys = integer(f.remove("read-keys"), 16);
        int orderDrops = integer(f.remove("order-drops"), 4);
        int users = integer(f.remove("users"), 20_000);
        Path jar = Path.of(f.getOrDefault("app-jar", "query-api/target/livedrop.jar"));
        f.remove("app-jar");
        String broker = f.getOrDefault("broker", "child");
        f.remove("broker");
        Map<String, String> streams = FlagValues.keyValues(f.remove("streams-config"), "streams-config");
        List<String> appArgs = new ArrayList<>();
        for (String kv : strings(f.remove("app-args"), List.of())) {
            if (!kv.contains("=")) {
                throw new UsageException("--app-args takes key=value pairs, not " + kv);
            }
            appArgs.add(kv.startsWith("--") ? kv : "--" + kv);
        }
        String only = f.remove("only");
        Path out = Path.of(f.getOrDefault("out", quick ? "bench/target/api-quick" : "docs/benchmarks"));
        f.remove("out");
        String name = f.getOrDefault("name", "api");
        f.remove("name");
        if (!f.isEmpty()) {
            throw new UsageException("Unknown flag(s) " + f.keySet());
        }
        if (only != null && !only.equals("reads") && !only.equals("orders")) {
            throw new UsageException("--only is reads or orders");
        }
        if (!broker.equals("child") && !broker.equals("in-process")) {
            throw new UsageException("--broker is child or in-process");
        }
        if (runs < 1 || concurrency < 1 || connections < 1 || readKeys < 2 || readKeys % 2 != 0 || orderDrops < 2
                || orderDrops % 2 != 0 || users < 1 || duration.toMillis() < 1000 || warmup.isNegative() || jitWarmup.isNegative()
                || readRates.stream().anyMatch(r -> r < 1) || orderRates.stream().anyMatch(r -> r < 1)) {
            throw new UsageException("Out-of-range value: runs, concurrency, connections, users >= 1; read-keys and"
                    + " order-drops even and >= 2; duration >= 1 s; rates >= 1");
        }
        return new ApiOptions(quick, runs, readRates, orderRates, max, concurrency, connections, duration, warmup,
                jitWarmup, readKeys, orderDrops, users, jar, broker, Map.copyOf(streams), List.copyOf(appArgs), out, name,
                "reads".equals(only), "orders".equals(only));
    }

    boolean reads() {
        return !onlyOrders;
    }

    boolean orders() {
        return !onlyReads;
    }

    private static Duration seconds(String v, double dflt) {
        try {
            return Duration.ofMillis(Math.round(1000 * (v == null ? dflt : Double.parseDouble(v))));
        } catch (NumberFormatException e) {
            throw new UsageException("Not a number: " + v);
        }
    }




}
