package io.livedrop.bench.api;

import io.livedrop.bench.AppInstance;
import io.livedrop.bench.BenchRun;
import io.livedrop.bench.Cli;
import io.livedrop.bench.CpuWatch;
import io.livedrop.bench.Http;
import io.livedrop.bench.KafkaBroker;
import io.livedrop.bench.Ownership;
import io.livedrop.bench.ProcCpu;
import io.livedrop.bench.Progress;
import io.livedrop.bench.Tokens;
import io.livedrop.bench.Waits;
import io.livedrop.bench.api.LoadGenerator.Outcome;
import io.livedrop.bench.api.LoadGenerator.Run;
import io.livedrop.bench.api.LoadGenerator.Target;
import io.livedrop.topology.config.LivedropConfig;
import io.livedrop.topology.config.Topics;
import io.livedrop.topology.config.TopologySerdes;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The API benchmark (see {@link ApiOptions} and docs/benchmarks/api-method.md): one Kafka broker and two
 * livedrop instances (A, B) as child processes on this machine; reads and orders sent to A over HTTP by an
 * open-loop generator, each case against its baseline in the same run. Writes docs/benchmarks/NAME.md and
 * NAME-latency.png. Exit status 0 when every run got every answer and no error. An instance is one session.
 */
public final class ApiBenchmark {

    static final String READ_QUERY = "query($id: ID!) { drop(id: $id) { product { name } remainingStock status } }";
    static final String ORDER_MUTATION = "mutation($in: PlaceOrderInput!) { placeOrder(input: $in) { order { id"
            + " status } } }";
    static final int LOCAL = 0;
    static final int REMOTE = 1;

    private final ApiOptions o;
    private final CpuWatch cpuWatch;
    private final List<AppInstance> instances = new ArrayList<>();
    private final Http http = new Http();
    private final Tokens tokens = new Tokens(Tokens.SECRET);
    private final LivedropConfig config = new LivedropConfig(Map.of());
    private final Topics topics = Topics.from(config);
    private final Map<String, Long> pids = new LinkedHashMap<>();
    /** Each drop created -> the instance expected to own it. */
    private final Map<String, String> expectedOwners = new LinkedHashMap<>();
    private AppInstance a;
    private String[] users;
    private String[] userTokens;
    // what the run measured and the facts the report states
    final List<Measured> runs = new ArrayList<>();
    String ownershipBefore;
    String ownershipAfter;
    String groupCheck;
    String partitionMap;
    List<String> readKeysLocal = List.of();
    List<String> readKeysRemote = List.of();
    String[] orderDrops = {};
    int partitions;

    private ApiBenchmark(ApiOptions o, CpuWatch cpuWatch) {
        this.o = o;
        this.cpuWatch = cpuWatch;
    }

    public static void main(String[] args) throws Exception {
        System.exit(Cli.run(args, new ApiOptions(), o -> "livedrop API benchmark", ApiBenchmark::run));
    }

    /** Runs the benchmark and writes the report; the exit status (0 clean, 1 errors or failure). */
    private static int run(ApiOptions o, BenchRun run) throws Exception {
        Progress.say("plan: %s", plan(o));
        Path jar = run.snapshot(o.app.appJar);
        if (jar == null) {
            return 2;
        }
        ApiBenchmark bench = new ApiBenchmark(o, run.cpu);
        List<AppInstance> instances = bench.instances;
        try (run; KafkaBroker broker = run.startBroker(o.app.broker)) {
            Progress.say("starting livedrop instances A and B (%s)", o.app.appJar);
            for (String name : List.of("A", "B")) {
                instances.add(new AppInstance(name, jar, broker.bootstrapServers(), run.work.resolve("home-" + name),
                        run.logDir, o.streamsConfig, o.app.appArgs()));
            }
            for (AppInstance i : instances) {
                i.awaitReady(bench.http, Duration.ofSeconds(180));
                Progress.say("instance %s ready on %s (pid %d)", i.name, i.url(), i.pid());
            }
            run.appCommand = instances.get(0).commandForReport();
            try {
                bench.session(broker);
            } finally {
                Progress.say("stopping the instances");
                AppInstance.stopAll(instances);
            }
        } catch (Exception | Error e) {
            run.failed(e);
        }
        Path report = new ApiReport(o, run, bench).write();
        return run.exit(report, bench.runs.stream().allMatch(Measured::clean), "every run got all its answers, no"
                + " errors", "SOME RUNS HAD ERRORS OR UNANSWERED REQUESTS (see the report)");
    }

    /** One benchmark session against the running instances. */
    private void session(KafkaBroker broker) throws Exception {
        a = instances.get(0);
        pids.put("bench JVM (load generator)", ProcessHandle.current().pid());
        pids.put("instance A", a.pid());
        pids.put("instance B", instances.get(1).pid());
        pids.put("broker", broker.pid());
        partitions = topics.drops().partitions();
        Map<Integer, String> owners = awaitBalancedOwnership();
        partitionMap = Ownership.describe(owners);
        groupCheck = Ownership.groupCrossCheck(broker.bootstrapServers(), "livedrop",
                topics.orderRequests().name(), owners);
        Progress.say("partition owners: %s; %s", partitionMap, groupCheck);

        String creatorToken = tokens.mint("bench-creator", "CREATOR");
        String product = http.upsertProduct(a.url(), "Bench product", creatorToken);
        Map<String, List<String>> readDrops = createDrops(creatorToken, product, o.reads() ? o.readKeys : 0, 1_000);
        Map<String, List<String>> orderDropsBy = createDrops(creatorToken, product, o.orders() ? o.orderDrops : 0,
                10_000_000);
        readKeysLocal = readDrops.get("A");
        readKeysRemote = readDrops.get("B");
        orderDrops = interleave(orderDropsBy.get("A"), orderDropsBy.get("B")).toArray(String[]::new);
        http.awaitLive(a.url(), expectedOwners.keySet());
        ownershipBefore = verifyOwnership();
        Progress.say("ownership verified: %s", ownershipBefore);
        users = IntStream.range(0, o.users).mapToObj(u -> "bench-u" + u).toArray(String[]::new);
        userTokens = Stream.of(users).map(tokens::mint).toArray(String[]::new);
        warmJit();

        for (int rep = 1; rep <= o.runs; rep++) {
            if (o.runs > 1) {
                Progress.say("=== repetition %d of %d ===", rep, o.runs);
            }
            boolean baselineFirst = rep % 2 == 1;
            if (o.reads()) {
                reads(rep, baselineFirst);
            }
            if (o.orders()) {
                orders(broker, rep, baselineFirst);
            }
        }
        ownershipAfter = verifyOwnership();
        Progress.say("ownership after the runs: %s", ownershipAfter);
        checkAlive();
    }

    /** Waits until each partition has exactly one active owner, both instances own some, and it holds for 2 s. */
    private Map<Integer, String> awaitBalancedOwnership() {
        Progress.say("waiting for the partitions to settle between A and B");
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        Map<Integer, String> last = null;
        while (System.nanoTime() < deadline) {
            Map<Integer, String> owners = Ownership.partitionOwners(http, instances, partitions);
            boolean complete = !owners.containsValue(null) && owners.containsValue("A") && owners.containsValue("B");
            if (complete && owners.equals(last)) {
                long ofA = owners.values().stream().filter("A"::equals).count();
                // an even split, or any split after the first minute
                if (Math.abs(2 * ofA - partitions) <= 1 || System.nanoTime() > deadline - 120_000_000_000L) {
                    return owners;
                }
            }
            last = complete ? owners : null;
            Waits.pause(Duration.ofSeconds(2));
        }
        throw new IllegalStateException("partitions did not settle between A and B within 180 s: "
                + Ownership.describe(Ownership.partitionOwners(http, instances, partitions)));
    }

    /** Creates drops through A until {@code count / 2} are owned by A and as many by B; owner -> drop ids. */
    private Map<String, List<String>> createDrops(String token, String product, int count, int stock) {
        Map<String, List<String>> by = Map.of("A", new ArrayList<>(), "B", new ArrayList<>());
        int made = 0;
        while (by.get("A").size() < count / 2 || by.get("B").size() < count / 2) {
            if (++made > 20 * count) {
                throw new IllegalStateException("could not get " + count / 2 + " drops on each instance in "
                        + made + " tries: " + by);
            }
            String id = http.scheduleDrop(a.url(), product, stock, 1999, token);
            AppInstance[] owner = {null};
            if (!Waits.await(() -> (owner[0] = Ownership.ownerOfExisting(http, instances, id, partitions)) != null,
                    Duration.ofSeconds(5))) {
                throw new IllegalStateException("no single owner answers for drop " + id);
            }
            List<String> list = by.get(owner[0].name);
            if (list.size() < count / 2) {
                list.add(id);
                expectedOwners.put(id, owner[0].name);
            }
        }
        Progress.say("drops (stock %,d): owned by A %s, by B %s (%d created)", stock, by.get("A"), by.get("B"), made);
        return by;
    }

    /** Each drop's owner asked again (200 from it, 503 from the other). */
    private String verifyOwnership() {
        List<String> wrong = new ArrayList<>();
        expectedOwners.forEach((id, expected) -> {
            AppInstance owner = Ownership.ownerOfExisting(http, instances, id, partitions);
            if (owner == null || !owner.name.equals(expected)) {
                wrong.add(id + " (expected " + expected + ", found " + (owner == null ? "none" : owner.name) + ")");
            }
        });
        int ok = expectedOwners.size() - wrong.size();
        return wrong.isEmpty() ? "all " + ok + " drops answered by their expected owner (200) and refused by the"
                + " other instance (503)" : ok + " drops as expected; MOVED: " + wrong;
    }

    /** Request i reads key i mod 2K of A's and B's keys interleaved: even = owned by A, odd = owned by B. */
    private Target readTarget() {
        HttpRequest[] reads = interleave(readKeysLocal, readKeysRemote).stream()
                .map(k -> Http.graphQl(a.url(), "{\"query\":\"" + READ_QUERY + "\",\"variables\":{\"id\":\"" + k
                        + "\"}}", null)).toArray(HttpRequest[]::new);
        return i -> LoadGenerator.send(http, reads[i % reads.length], ApiBenchmark::readOutcome);
    }

    /** Request i is order PREFIX-i of buyer i mod users on order drop i mod drops. */
    private Target orderTarget(String prefix) {
        return i -> {
            String body = "{\"query\":\"" + ORDER_MUTATION + "\",\"variables\":{\"in\":{\"dropId\":\""
                    + orderDrops[i % orderDrops.length] + "\",\"quantity\":1,\"idempotencyKey\":\"" + prefix
                    + "-" + i + "\"}}}";
            return LoadGenerator.send(http, Http.graphQl(a.url(), body, userTokens[i % users.length]),
                    ApiBenchmark::orderOutcome);
        };
    }

    /** Untimed closed-loop traffic of everything the runs will send, for the instances' JIT. */
    private void warmJit() {
        Map<String, Target> targets = new LinkedHashMap<>();
        if (o.reads()) {
            targets.put("__typename", LoadGenerator.typename(http, a.url(), null));
            targets.put("drop reads", readTarget());
        }
        if (o.orders()) {
            targets.put("orders", orderTarget("jit"));
        }
        LoadGenerator.jitWarmup(List.copyOf(targets.values()), String.join(", ", targets.keySet()), 32, o.jitWarmup);
    }

    private void reads(int rep, boolean baselineFirst) {
        Target read = readTarget();
        Target base = LoadGenerator.typename(http, a.url(), null);
        for (int rate : o.readRates) {
            inOrder(baselineFirst, () -> openLoop(Measured.READ, Measured.TYPENAME, rate, rep, base, base, 1),
                    () -> openLoop(Measured.READ, Measured.DROP_READ, rate, rep, read, read, 2));
        }
        closedLoop(Measured.TYPENAME, rep, base, 1);
        closedLoop(Measured.DROP_READ, rep, read, 2);
    }

    private void orders(KafkaBroker broker, int rep, boolean baselineFirst) {
        try (TopologyOnly topology = TopologyOnly.start(broker.bootstrapServers(), topics, TopologySerdes.from(config),
                users, orderDrops)) {
            for (int rate : o.orderRates) {
                String api = "api-r" + rep + "-" + rate;
                inOrder(baselineFirst, () -> topologyOnly(topology, rate, rep), () -> openLoop(Measured.ORDER,
                        Measured.PLACE_ORDER, rate, rep, orderTarget(api + "-w"), orderTarget(api + "-m"), 1));
            }
        }
    }

    /** Baseline and system in the order given (alternating between repetitions). */
    private static void inOrder(boolean baselineFirst, Runnable baseline, Runnable system) {
        (baselineFirst ? List.of(baseline, system) : List.of(system, baseline)).forEach(Runnable::run);
    }

    /** The warm-up and the measured run, each with a decision reader of its own (closing it checks it). */
    private void topologyOnly(TopologyOnly topology, int rate, int rep) {
        String prefix = "tb-r" + rep + "-" + rate;
        if (!o.warmup.isZero()) {
            try (TopologyOnly.RunTarget warm = topology.new RunTarget(prefix + "-w", rate, o.warmup, drain())) {
                LoadGenerator.warmup(Measured.TOPOLOGY_ONLY, rate, o.warmup, Integer.MAX_VALUE, warm);
            }
        }
        try (TopologyOnly.RunTarget t = topology.new RunTarget(prefix + "-m", rate, o.duration, drain())) {
            measure(Measured.ORDER, Measured.TOPOLOGY_ONLY, rate, rep, t, 1);
        }
    }

    /** The warm-up on {@code warm}, then the measured run on {@code target}; request i is of class i mod classes. */
    private void openLoop(String kind, String system, int rate, int rep, Target warm, Target target, int classes) {
        LoadGenerator.warmup(system, rate, o.warmup, o.connections, warm);
        measure(kind, system, rate, rep, target, classes);
    }

    private void measure(String kind, String system, int rate, int rep, Target target, int classes) {
        // produced orders awaiting their decision are not capped
        int limit = system.equals(Measured.TOPOLOGY_ONLY) ? Integer.MAX_VALUE : o.connections;
        record(kind, system, rate, rep, classes, () -> LoadGenerator.openLoop(system + " @ " + String.format("%,d",
                rate) + "/s", rate, o.duration, limit, target, i -> i % classes, classes, drain(), true));
    }

    private void closedLoop(String system, int rep, Target target, int classes) {
        int n = o.concurrency;
        if (!o.warmup.isZero()) {
            Progress.say("%s, closed loop, %d in flight: warm-up %d s (discarded)", system, n, o.warmup.toSeconds());
            LoadGenerator.closedLoop(system + " warm-up", n, o.warmup, target, i -> 0, 1, Duration.ofSeconds(5), false);
        }
        record(Measured.MAX, system, n, rep, classes, () -> LoadGenerator.closedLoop(system + ", closed loop, " + n
                + " in flight", n, o.duration, target, i -> i % classes, classes, drain(), true));
    }

    /** Runs {@code measured} (the instances alive), with the cores each process used and the foreign load. */
    private void record(String kind, String system, double rate, int rep, int classes, Supplier<Run> measured) {
        checkAlive();
        ProcCpu before = ProcCpu.snapshot(pids);
        long start = System.nanoTime();
        Run run = measured.get();
        Map<String, Double> cores = ProcCpu.snapshot(pids).since(before);
        Measured m = new Measured(kind, system, rate, rep, run, cores, cpuWatch.foreignBetween(start,
                System.nanoTime()));
        runs.add(m);
        Progress.say("%s; cores: %s", run.summaryLine(), ProcCpu.format(cores));
        if (classes == 2) {
            Progress.say("  local keys (A): p50 %.2f ms, p99 %.2f ms; remote (B, one hop): p50 %.2f ms, p99 %.2f ms",
                    m.ms(LOCAL, 50), m.ms(LOCAL, 99), m.ms(REMOTE, 50), m.ms(REMOTE, 99));
        }
    }

    private void checkAlive() {
        for (AppInstance i : instances) {
            if (!i.alive()) {
                throw new IllegalStateException("instance " + i.name + " is not running; see " + i.log + ":\n"
                        + i.tail());
            }
        }
    }

    private Duration drain() {
        return o.duration.compareTo(Duration.ofSeconds(30)) > 0 ? o.duration : Duration.ofSeconds(30);
    }

    /** a0, b0, a1, b1, ...: A's and B's drops alternating. */
    private static List<String> interleave(List<String> a, List<String> b) {
        return IntStream.range(0, a.size()).boxed().flatMap(i -> Stream.of(a.get(i), b.get(i))).toList();
    }

    static Outcome readOutcome(String body) {
        return body.contains("\"remainingStock\":") && body.contains("\"name\":") && !body.contains("\"errors\"")
                ? Outcome.OK : Outcome.ERROR;
    }

    static Outcome orderOutcome(String body) {
        return body.contains("\"errors\"") ? Outcome.ERROR
                : body.contains("\"status\":\"CONFIRMED\"") ? Outcome.OK
                : body.contains("\"status\":\"REJECTED\"") ? Outcome.REJECTED
                : body.contains("\"status\":\"PENDING\"") ? Outcome.PENDING : Outcome.ERROR;
    }

    private static String plan(ApiOptions o) {
        return String.format("%d s JIT warm-up; reads at %s/s vs { __typename }, then closed loop with %d in flight;"
                + " placeOrder at %s/s vs topology only; each run %d s after %d s of warm-up, %d repetition(s)",
                o.jitWarmup.toSeconds(), o.reads() ? o.readRates : "[]", o.concurrency, o.orders() ? o.orderRates
                : "[]", o.duration.toSeconds(), o.warmup.toSeconds(), o.runs);
    }
}
