package io.livedrop.bench.notify;

import io.livedrop.bench.AppInstance;
import io.livedrop.bench.ChildJvm;
import io.livedrop.bench.EdgeRoleInstance;
import io.livedrop.bench.Http;
import io.livedrop.bench.Tokens;
import io.livedrop.bench.ProcCpu;
import io.livedrop.bench.BenchRun;
import io.livedrop.bench.Cli;
import io.livedrop.bench.Daemons;
import io.livedrop.bench.KafkaBroker;
import io.livedrop.bench.Progress;
import io.livedrop.bench.Waits;
import io.livedrop.bench.api.LoadGenerator;
import io.livedrop.bench.api.LoadGenerator.Outcome;
import io.livedrop.bench.api.LoadGenerator.Run;
import io.livedrop.bench.api.LoadGenerator.Target;
import io.livedrop.events.social.FollowAction;
import io.livedrop.events.social.FollowEvent;
import io.livedrop.topology.config.LivedropConfig;
import io.livedrop.topology.config.Topics;
import io.livedrop.topology.config.TopologySerdes;
import io.livedrop.bench.Environment;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The drop-start notification benchmark (method: docs/benchmarks/methodology.md#notify-benchmark): one broker and
 * ONE livedrop instance per JDK of {@code --app-java} as child processes, one after the other; S WebSocket subscribers
 * of {@code dropStarted} per variant (transport, document, deflate offered or not) timed from the event's
 * {@code startedAt} against S=1; CPU per delivery over a fixed window after {@code scheduleDrop} minus the same window
 * of a start nobody online follows (sessions open); idle CPU with the sessions open; the inbox read against
 * {@code { __typename }}.
 * Exit status 0 when every accepted subscriber was told of every measured start exactly once and every inbox request
 * was answered without error. Known gap: the largest S is bounded by this machine's open files (the report says so).
 */
public final class NotifyBenchmark {

    static final String INBOX_QUERY = "{ me { notifications(first: 20) { edges { node { id kind createdAt } } } } }";
    static final String FAMOUS = "famous";
    static final int FD_MARGIN = 600;
    static final int CONNECT_CONCURRENCY = 256; // connections in flight until accepted
    static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(60); // for every subscriber to be told of a start
    static final Duration STALL = Duration.ofSeconds(15); // no new delivery for this long: the rest are not coming
    static final int CONNECTIONS = 512; // HTTP requests in flight in the open-loop inbox runs
    static final String INSTANCE = "livedrop instance"; // the processes holding the sockets: instances or edge roles
    static final String API = "API instances"; // apart when edge roles hold the sockets
    static final String CLIENTS = "bench JVM (clients)";
    static final int APP_FDS_IDLE = 1_200; // an instance before any subscriber (jars, RocksDB, Kafka clients)
    static final int CLIENT_FDS_IDLE = 100;

    public static void main(String[] args) throws Exception {
        System.exit(Cli.run(args, new NotifyOptions(), o -> "livedrop notification benchmark", NotifyBenchmark::run));
    }

    private static int run(NotifyOptions o, BenchRun run) throws Exception {
        Path jar = run.snapshot(o.app.appJar);
        if (jar == null) {
            return 2;
        }
        Results results = new Results();
        int maxSubscribers = o.subscribers.stream().mapToInt(Integer::intValue).max().orElse(1);
        long fdLimit = Limits.openFiles(ProcessHandle.current().pid())[0];
        results.servers = NotifyOptions.processes(o.servers, maxSubscribers, fdLimit, APP_FDS_IDLE);
        results.clients = NotifyOptions.processes(o.clientProcesses, maxSubscribers, fdLimit, CLIENT_FDS_IDLE);
        results.edges = NotifyOptions.processes(o.edges, maxSubscribers, fdLimit, APP_FDS_IDLE);
        int servers = results.servers;
        int holders = results.holders();
        // a fleet's heaps from its largest share (NOTIFY_APP_HEAP, if set, wins as for one instance)
        List<String> heap = holders > 1 && System.getenv("NOTIFY_APP_HEAP") == null ? List.of("-Xmx" + Math.max(1024,
                SwarmProcess.heapMiB(512, 72, (maxSubscribers + holders - 1) / holders)) + "m") : List.of();
        List<String> apiHeap = results.edges > 0 ? List.of() : heap; // behind edge roles they hold no socket
        // Tomcat's default max-connections (8,192) would queue the rest of the subscribers in the accept backlog.
        List<String> appArgs = Stream.concat(Stream.of("--server.tomcat.max-connections=" + (maxSubscribers + 2_000),
                "--server.tomcat.accept-count=1000"), o.app.appArgs().stream()).toList();
        try (run; KafkaBroker broker = run.startBroker(o.app.broker)) {
            for (Path jdk : o.app.javaHomes()) {
                String java = "Java " + Environment.field(jdk.resolve("release").toString(), "JAVA_VERSION=")
                        .map(v -> v.replace("\"", "")).orElse(jdk.getFileName().toString());
                String name = o.app.javaHomes().size() == 1 ? "N" : "N-" + java.replaceAll("\\W+", "");
                Path jfr = run.logDir.resolve("app-" + name + ".jfr"); // the first instance's
                List<String> jvm = Stream.concat(heap.stream(), o.jfr ? Stream.of("-XX:StartFlightRecording=filename="
                        + jfr + ",settings=profile,dumponexit=true") : Stream.of()).toList();
                Progress.say("starting %d livedrop instance(s) on %s (%s)", servers, java, jdk);
                // the instances before the broker: without it, their shutdown waits on the broker's absence
                NotifyBenchmark bench;
                List<AppInstance> apps = new ArrayList<>();
                List<EdgeRoleInstance> edges = new ArrayList<>();
                try (AutoCloseable stop = () -> AppInstance.stopAll(Stream.concat(edges.stream(), apps.stream())
                        .toList()); SwarmProcess.Fleet fleet = results.clients
                        == 0 ? null : new SwarmProcess.Fleet(results.clients, SwarmProcess.shares(maxSubscribers,
                        results.clients)[0], run.logDir)) {
                    for (int k = 1; k <= servers; k++) {
                        String n = servers == 1 ? name : name + k;
                        apps.add(new AppInstance(n, jdk, k == 1 && results.edges == 0 ? jvm : apiHeap, jar,
                                broker.bootstrapServers(), run.work.resolve("home-" + n), run.logDir, Map.of(),
                                appArgs));
                    }
                    Http http = new Http();
                    for (AppInstance app : apps) {
                        app.awaitReady(http, Duration.ofSeconds(180L * servers)); // they start at once
                        Progress.say("instance %s ready on %s (pid %d)", app.name, app.url(), app.pid());
                    }
                    for (int k = 1; k <= results.edges; k++) { // the JFR profile is then the first edge role's
                        edges.add(new EdgeRoleInstance(name + "-edge" + k, jdk, k == 1 ? jvm : heap, jar,
                                broker.bootstrapServers(), apps, run.logDir));
                    }
                    for (EdgeRoleInstance e : edges) {
                        e.awaitReady(http, Duration.ofSeconds(120L * edges.size()));
                        Progress.say("edge role %s ready on ws port %d (pid %d)", e.name, e.edgePort, e.pid());
                    }
                    run.appCommand = apps.get(0).commandForReport();
                    results.edgeCommand = edges.isEmpty() ? null : edges.get(0).commandForReport();
                    List<ChildJvm> holding = edges.isEmpty() ? List.copyOf(apps) : List.copyOf(edges);
                    results.appXmx = lastXmx(holding.get(0).command);
                    results.apiXmx = lastXmx(apps.get(0).command);
                    results.clientXmx = fleet == null ? null : fleet.heapMiB + "m";
                    bench = new NotifyBenchmark(o, broker, apps, holding, fleet, http, results, java, jar);
                    bench.measure();
                    Progress.say("stopping the instances");
                }
                if (o.jfr) {
                    results.profiles.put(java, Profile.top(jdk, jfr, bench.profiled));
                }
            }
        } catch (Exception | Error e) {
            run.failed(e);
        }
        Path report = new NotifyReport(o, run, results).write();
        return run.exit(report, results.clean(), "every accepted subscriber was told of every measured start exactly"
                + " once; every inbox request answered", "SOME SUBSCRIBERS WERE MISSED OR TOLD TWICE, OR SOME"
                + " CONNECTIONS OR REQUESTS FAILED (see the report)");
    }

    /** The instance's heap: the last -Xmx before -jar. */
    private static String lastXmx(List<String> command) {
        return command.subList(0, Math.max(0, command.indexOf("-jar"))).stream().filter(c -> c.startsWith("-Xmx"))
                .reduce((a, b) -> b).map(c -> c.substring(4)).orElse("?");
    }

    /** What a cohort's subscribers run: on which JDK's instance, over which socket, which document, deflate. */
    record Variant(String java, String transport, String document, boolean deflate) {
        @Override
        public String toString() {
            return java + " · " + transport + " · " + document + " · " + (deflate ? "deflate" : "no deflate");
        }
    }

    /** One drop start as a cohort saw it (0: the warm-up; -1: nobody online told), and the cores over its window. */
    record Round(int subscribers, int number, String dropId, int told, int duplicates, Histogram micros,
                 long firstMicros, long lastMicros, long requestToStartMicros, Map<String, Double> cores,
                 double windowSeconds, Instant from, Instant to) {
        int missing() {
            return subscribers - told;
        }

        /** ms(100) is the last delivery (HdrHistogram's max). */
        double ms(double percentile) {
            return micros.getTotalCount() == 0 ? Double.NaN : micros.getValueAtPercentile(percentile) / 1000.0;
        }

        /** CPU seconds of {@code name} over the window. */
        double cpu(String name) {
            return cores.getOrDefault(name, Double.NaN) * windowSeconds;
        }
    }

    /** One cohort of subscribers: how many were asked for, opened, why capped, what it cost. */
    static final class Cohort {
        Variant variant;
        String label;
        int requested;
        int planned;
        String capReason;
        Swarm.Stats swarm = Swarm.Stats.NONE;
        double connectSeconds;
        long appRssBefore;
        long appRssAfter;
        long benchRssBefore;
        long benchRssAfter;
        long[] serverRssBefore; // per instance
        long[] serverRssAfter;
        long appFds;
        long appThreads;
        String appThreadNames;
        int warmupTold = -1;
        Round quiet; // the same window, the same sessions open, a start by a creator nobody online follows
        Map<String, Double> idle; // cores with the sessions open and pinging
        Map<String, Double> idleNone; // the same with no session open
        double idleSeconds;
        final List<Round> rounds = new ArrayList<>();
    }

    /** One open-loop inbox run. */
    record InboxRun(String system, Run run, Map<String, Double> cores) {
        double ms(double percentile) {
            return run.histogram().getValueAtPercentile(percentile) / 1000.0;
        }
    }

    /** Everything the run measured and the facts the report states. */
    static final class Results {
        final List<Cohort> cohorts = new ArrayList<>();
        final List<InboxRun> inbox = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        final Set<String> seeded = new HashSet<>();
        final Map<String, List<String>> profiles = new LinkedHashMap<>();
        String appXmx; // of the processes holding the sockets
        String apiXmx;
        int servers = 1;
        int edges;
        String edgeCommand;
        int clients;
        String clientXmx;
        long[] appFdLimit = {-1, -1};
        long[] benchFdLimit = {-1, -1};
        long appFdsIdle = -1;
        long benchFdsIdle = -1;
        int capacity = -1;
        String capacityWhy;
        double inboxCreateSeconds;
        int inboxEdges;
        String appLogWarnings;

        /** The processes holding the subscribers' sockets. */
        int holders() {
            return edges > 0 ? edges : servers;
        }

        boolean clean() {
            return cohorts.stream().allMatch(c -> c.swarm.failed() == 0 && c.swarm.accepted() == c.planned
                    && c.rounds.stream().allMatch(r -> r.missing() == 0 && r.duplicates() == 0))
                    && inbox.stream().allMatch(r -> r.run().errors() == 0 && r.run().unanswered() == 0);
        }
    }

    private final NotifyOptions o;
    private final AppInstance app; // the first: set-up and inbox requests go to it
    private final List<AppInstance> apps;
    private final List<ChildJvm> servers; // holding the sockets: the instances, or the edge roles in front of them
    private final boolean edgeRoles;
    private final SwarmProcess.Fleet fleet; // null: the subscribers are in this JVM
    private final Http http;
    private final Results results;
    private final String java;
    private final Path jar;
    /** The windows of the measured starts of the largest cohorts, by variant: what the JFR profile covers. */
    final Map<String, List<Instant[]>> profiled = new LinkedHashMap<>();
    private final Tokens tokens = new Tokens(Tokens.SECRET);
    private final Topics topics = Topics.from(new LivedropConfig(Map.of()));
    private final Map<String, List<Long>> pids = new LinkedHashMap<>();
    private final Map<String, String> products = new ConcurrentHashMap<>();
    private final Instant minted = Instant.now();
    private final KafkaProducer<String, FollowEvent> follows;

    private NotifyBenchmark(NotifyOptions o, KafkaBroker broker, List<AppInstance> apps, List<ChildJvm> servers,
                            SwarmProcess.Fleet fleet, Http http, Results results, String java, Path jar) {
        this.o = o;
        this.app = apps.get(0);
        this.apps = apps;
        this.servers = servers;
        this.edgeRoles = servers.get(0) instanceof EdgeRoleInstance;
        this.fleet = fleet;
        this.http = http;
        this.results = results;
        this.java = java;
        this.jar = jar;
        pids.put(CLIENTS, Stream.concat(Stream.of(ProcessHandle.current().pid()), fleet == null ? Stream.of()
                : fleet.pids.stream()).toList());
        pids.put(INSTANCE, servers.stream().map(ChildJvm::pid).toList());
        if (edgeRoles) {
            pids.put(API, apps.stream().map(AppInstance::pid).toList());
        }
        pids.put("broker", List.of(broker.pid()));
        follows = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024, ProducerConfig.CLIENT_ID_CONFIG, "bench-notify-follows"),
                new StringSerializer(), TopologySerdes.from(new LivedropConfig(Map.of())).followEvent().serializer());
    }

    void measure() throws Exception {
        results.appFdLimit = Limits.openFiles(servers.get(0).pid());
        long client = fleet == null ? ProcessHandle.current().pid() : fleet.pids.get(0);
        results.benchFdLimit = Limits.openFiles(client);
        results.appFdsIdle = Limits.openNow(servers.get(0).pid());
        results.benchFdsIdle = Limits.openNow(client);
        capacity();
        try (follows) {
            if (results.inbox.isEmpty()) {
                inbox(); // once, on the first JDK: it does not depend on the socket
            }
            online();
        }
        for (ChildJvm a : Stream.concat(servers.stream(), apps.stream()).distinct().toList()) {
            String warnings = logWarnings(a);
            if (warnings != null) {
                results.appLogWarnings = (results.appLogWarnings == null ? "" : results.appLogWarnings) + java
                        + (servers.size() == 1 && !edgeRoles ? "" : " " + a.name) + ":\n" + warnings;
            }
        }
    }

    /** The most subscribers one run can hold: open files of the instances and of the clients (one socket each). */
    private void capacity() {
        long appRoom = room(results.appFdLimit, results.appFdsIdle) * servers.size();
        long benchRoom = room(results.benchFdLimit, results.benchFdsIdle) * Math.max(1, results.clients);
        long ports = (long) Math.max(0, Limits.ephemeralPorts()) * 250; // 127.0.0.1-250 as destinations
        long cap = Math.min(Math.min(appRoom, benchRoom), ports);
        results.capacity = (int) Math.min(Integer.MAX_VALUE, cap);
        results.capacityWhy = cap == appRoom ? "open files of " + (servers.size() == 1 ? "the livedrop instance"
                : "each of " + servers.size() + (edgeRoles ? " edge roles" : " instances")) + ": hard limit "
                + results.appFdLimit[1] + ", " + results.appFdsIdle + " already open, " + FD_MARGIN + " kept spare"
                : cap == benchRoom ? "open files"
                + (fleet == null ? " of this JVM" : " of each of " + results.clients + " client processes")
                + ": hard limit " + results.benchFdLimit[1] + ", " + results.benchFdsIdle + " already open, "
                + FD_MARGIN + " kept spare" : "ephemeral ports";
    }

    private static long room(long[] limit, long open) {
        long soft = limit[0] < 0 ? Long.MAX_VALUE / 4 : limit[0];
        return Math.max(0, soft - Math.max(0, open) - FD_MARGIN);
    }

    /** FollowEvents straight to the follows topic (key = the follower), as the follow mutation writes them. */
    private void seedFollows(int users, IntFunction<String> user, List<String> creators) {
        Instant at = Instant.now();
        String topic = topics.follows().name();
        AtomicInteger failures = new AtomicInteger();
        for (int i = 0; i < users; i++) {
            String u = user.apply(i);
            for (String c : creators) {
                follows.send(new ProducerRecord<>(topic, u, FollowEvent.newBuilder().setUserId(u).setCreatorId(c)
                        .setAction(FollowAction.FOLLOW).setAt(at).build()),
                        (m, e) -> failures.addAndGet(e == null ? 0 : 1));
            }
        }
        follows.flush();
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " follow events could not be produced");
        }
    }

    private String token(String user, String... roles) {
        return tokens.mint(user, List.of(roles), Duration.ofHours(3), minted);
    }

    /** The creator's product (created with its catalog entry on first use). */
    private String product(String creator) {
        return products.computeIfAbsent(creator, c -> http.upsertProduct(app.url(), "Bench product of " + c,
                token(c, "CREATOR")));
    }

    /** Schedules a drop of the creator starting now; its id (answered once LIVE). */
    private String startDrop(String creator) {
        return http.scheduleDrop(app.url(), product(creator), 100, 1999, token(creator, "CREATOR"));
    }

    /** Polls {@code creator(id:) { followerCount }} until it shows {@code expected}, else throws. */
    private void awaitFollowers(String creator, long expected, Duration timeout) {
        String query = Http.json("{ creator(id: \\\"" + creator + "\\\") { followerCount } }");
        String want = "\"followerCount\":" + expected + "}";
        String[] last = {""};
        boolean ok = Waits.await(() -> {
            try { // a fleet may still be rebalancing
                last[0] = http.call(app.url(), query, null);
            } catch (IllegalStateException e) {
                last[0] = e.getMessage();
            }
            Waits.pause(Duration.ofMillis(last[0].contains(want) ? 0 : 200));
            return last[0].contains(want);
        }, timeout);
        if (!ok) {
            throw new IllegalStateException("creator(id: \"" + creator + "\") has not " + expected + " followers after "
                    + timeout.toSeconds() + " s: " + Http.abbreviate(last[0]));
        }
    }

    private void online() throws Exception {
        Map<String, Double> idleNone = o.idle.isZero() ? null : idle("no session open");
        List<Variant> variants = o.transports.stream().flatMap(t -> o.documents.stream().flatMap(d -> o.deflate
                .stream().map(z -> new Variant(java, t, d, z.equals("offer"))))).toList();
        int largest = o.subscribers.stream().mapToInt(Integer::intValue).max().orElse(1);
        seed("solo", "solo-u", 1);
        for (Variant v : variants) {
            cohort(v, "baseline (S=1)", "solo", "solo-u", 1, 1, o.baselineStarts, null, null, false);
        }
        for (int n = 1; n <= o.subscribers.size(); n++) {
            int requested = o.subscribers.get(n - 1);
            int s = Math.min(requested, results.capacity);
            String creator = n == 1 ? FAMOUS : FAMOUS + n;
            seed(creator, "s" + n + "-u", s);
            seed("quiet" + n, "q" + n + "-u", s); // as many followers, none online: the CPU baseline's start
            for (Variant v : variants) {
                cohort(v, "S=" + String.format("%,d", s), creator, "s" + n + "-u", requested, s, o.starts,
                        "quiet" + n, idleNone, requested == largest);
            }
        }
    }

    /** The creator's followers: produced once per run (every instance reads the same topic), then awaited. */
    private void seed(String creator, String userPrefix, int s) {
        product(creator);
        long t = System.nanoTime();
        if (results.seeded.add(creator)) {
            Progress.say("seeding %,d followers of \"%s\"", s, creator);
            seedFollows(s, i -> userPrefix + i, List.of(creator));
        }
        awaitFollowers(creator, s, Duration.ofSeconds(120 + s / 100));
        Progress.say("followerCount of \"%s\" = %,d after %.1f s", creator, s, (System.nanoTime() - t) / 1e9);
    }

    /** The cores used over {@code --idle} seconds as they are now. */
    private Map<String, Double> idle(String what) {
        ProcCpu before = ProcCpu.snapshotGroups(pids);
        Waits.pause(o.idle);
        Map<String, Double> cores = ProcCpu.snapshotGroups(pids).sinceWithIrq(before);
        Progress.say("%s idle, %s: cores %s", java, what, ProcCpu.format(cores));
        return cores;
    }

    /** {@code quietCreator}: followed by as many users, none online (null: no CPU window, as the baselines). */
    private void cohort(Variant v, String label, String creator, String userPrefix, int requested, int s, int starts,
                        String quietCreator, Map<String, Double> idleNone, boolean profile) throws Exception {
        Cohort c = new Cohort();
        c.variant = v;
        c.label = label;
        c.requested = requested;
        c.planned = s;
        c.idleNone = idleNone;
        results.cohorts.add(c);
        String tag = label + " " + v;
        if (s < requested) {
            c.capReason = String.format("%,d subscribers need %,d open sockets in the livedrop instance and as"
                            + " many in this JVM; the most that fits is %,d (%s)%s: ran %,d instead", requested,
                    requested, results.capacity, results.capacityWhy, Limits.canRaiseLimits() ? ""
                            : "; this process cannot raise the hard limit (no CAP_SYS_RESOURCE)", s);
            Progress.say("%s: %s", tag, c.capReason);
        }
        c.serverRssBefore = servers.stream().mapToLong(a -> Limits.rssMiB(a.pid())).toArray();
        c.appRssBefore = LongStream.of(c.serverRssBefore).sum();
        c.benchRssBefore = pids.get(CLIENTS).stream().mapToLong(Limits::rssMiB).sum();
        List<String> sockets = !edgeRoles ? apps.stream().map(a -> "ws://HOST:" + (v.transport().equals("edge")
                ? a.edgePort : a.port) + "/graphql").toList() : servers.stream().map(e -> "ws://HOST:"
                + ((EdgeRoleInstance) e).edgePort + "/graphql").toList();
        try (Subscribers swarm = fleet != null ? fleet.cohort(tag, s, sockets, v.document(), jar, v.deflate(),
                userPrefix) : new Swarm(tag, s, 0, sockets, Documents.of(v.document(), jar), v.deflate(),
                i -> token(userPrefix + i))) {
            long t = System.nanoTime();
            swarm.open(CONNECT_CONCURRENCY, Duration.ofSeconds(120 + s / 200));
            c.connectSeconds = (System.nanoTime() - t) / 1e9;
            c.swarm = swarm.stats();
            if (swarm.accepted() > 0) {
                c.warmupTold = round(swarm, tag, creator, s, 0, false).told();
            }
            Waits.pause(Duration.ofSeconds(1));
            c.serverRssAfter = servers.stream().mapToLong(a -> Limits.rssMiB(a.pid())).toArray();
            c.appRssAfter = LongStream.of(c.serverRssAfter).sum();
            c.benchRssAfter = pids.get(CLIENTS).stream().mapToLong(Limits::rssMiB).sum();
            c.appFds = servers.stream().mapToLong(a -> Limits.openNow(a.pid())).max().orElse(-1);
            c.appThreads = servers.stream().mapToLong(a -> Limits.threads(a.pid())).max().orElse(-1);
            c.appThreadNames = Limits.threadNames(servers.get(0).pid());
            Progress.say("%s: instance RSS %,d -> %,d MiB, %,d fds, %,d threads (%s)", tag, c.appRssBefore,
                    c.appRssAfter, c.appFds, c.appThreads, c.appThreadNames);
            if (idleNone != null && swarm.accepted() > 0) {
                c.idle = idle(String.format("%,d sessions open (%s)", swarm.accepted(), v));
            }
            if (quietCreator != null && swarm.accepted() > 0) {
                c.quiet = round(null, tag, quietCreator, 0, -1, true);
            }
            for (int r = 1; r <= starts && swarm.accepted() > 0; r++) {
                Round round = round(swarm, tag, creator, s, r, quietCreator != null);
                c.rounds.add(round);
                if (profile) {
                    profiled.computeIfAbsent(v.toString(), k -> new ArrayList<>()).add(new Instant[] {round.from(),
                            round.to()});
                }
                Waits.pause(Duration.ofSeconds(2));
            }
            c.swarm = swarm.stats();
            Progress.say("%s: closing %,d connections", tag, s);
        }
        for (ChildJvm a : Stream.concat(servers.stream(), apps.stream()).toList()) {
            if (!a.alive()) {
                throw new IllegalStateException("instance " + a.name + " died; see " + a.log + ":\n" + a.tail());
            }
        }
        Waits.pause(Duration.ofSeconds(2));
    }

    /** A drop start: waits for every accepted subscriber (or a stall), and with {@code windowed} for the window. */
    private Round round(Subscribers swarm, String label, String creator, int size, int number,
                        boolean windowed) {
        ProcCpu before = ProcCpu.snapshotGroups(pids);
        Instant from = Instant.now();
        long requestMicros = Swarm.nowMicros();
        long t0 = System.nanoTime();
        String dropId = startDrop(creator);
        long requestMillis = (System.nanoTime() - t0) / 1_000_000;
        int expected = swarm == null ? 0 : swarm.accepted();
        Swarm.Delivery d = swarm == null ? new Swarm.Delivery(0) : swarm.await(dropId, label, STALL, DELIVERY_TIMEOUT);
        if (windowed) {
            Waits.pause(Duration.ofNanos(Math.max(0, t0 + o.cpuWindow.toNanos() - System.nanoTime())));
        }
        ProcCpu after = ProcCpu.snapshotGroups(pids);
        Map<String, Double> cores = after.sinceWithIrq(before);
        long startedMicros = d.startedAt == null ? requestMicros
                : ChronoUnit.MICROS.between(Instant.EPOCH, Instant.parse(d.startedAt));
        long[] at = IntStream.range(0, d.receivedMicros.length()).mapToLong(d.receivedMicros::get).filter(x -> x != 0)
                .sorted().toArray();
        Histogram h = new Histogram(LoadGenerator.HIGHEST_TRACKABLE_MICROS, 3);
        LongStream.of(at).forEach(a -> h.recordValue(Math.min(LoadGenerator.HIGHEST_TRACKABLE_MICROS,
                Math.max(0, a - startedMicros))));
        int told = d.told.get();
        long first = at.length == 0 ? -1 : at[0] - startedMicros;
        long last = at.length == 0 ? -1 : at[at.length - 1] - startedMicros;
        Round r = new Round(expected, number, dropId, told, d.duplicates.get(), h, first, last,
                startedMicros - requestMicros, cores, (after.nanos() - before.nanos()) / 1e9, from, Instant.now());
        Progress.say("%s %s %s: told %,d of %,d, %,d twice; p50 %.1f, max %.1f, first %.1f ms after startedAt;"
                + " scheduleDrop %d ms; cores over %.1f s: %s", label, number < 0 ? "nobody online follows" : number
                == 0 ? "warm-up" : "start " + number, dropId, told, expected, r.duplicates(), r.ms(50), r.ms(100),
                first / 1000.0, requestMillis, r.windowSeconds(), ProcCpu.format(cores));
        return r;
    }

    private void inbox() throws Exception {
        String viewer = "inbox-viewer";
        String token = token(viewer);
        int drops = o.inboxDrops;
        // ic0 last: it gets a catalog entry (so creator(id:) answers) and, the viewer's follows being one
        // partition processed in order, its followerCount showing 1 means every earlier follow is applied.
        List<String> creators = IntStream.range(0, o.inboxFollows).mapToObj(k -> "ic" + k).toList();
        seedFollows(1, i -> viewer, Stream.concat(creators.stream().skip(1), Stream.of("ic0")).toList());
        long t = System.nanoTime();
        ExecutorService pool = Daemons.pool(4, "bench-inbox-drops"); // exactly 4 at a time, as the report says
        try {
            for (Future<String> started : pool.invokeAll(creators.subList(0, drops).stream()
                    .map(c -> (Callable<String>) () -> startDrop(c)).toList())) {
                started.get();
            }
        } finally {
            pool.shutdown();
        }
        results.inboxCreateSeconds = (System.nanoTime() - t) / 1e9;
        Progress.say("inbox: %s follows %,d creators, %d of which started a drop (4 at a time) in %.1f s", viewer,
                o.inboxFollows, drops, results.inboxCreateSeconds);
        if (drops > 0) {
            awaitFollowers(creators.get(0), 1, Duration.ofSeconds(120));
        }
        int expected = Math.min(20, drops);
        String body = Http.json(INBOX_QUERY);
        boolean ok = Waits.await(() -> {
            results.inboxEdges = Http.count(http.call(app.url(), body, token), "\"kind\":\"DROP_STARTED\"");
            return results.inboxEdges == expected;
        }, Duration.ofSeconds(60));
        if (!ok) {
            results.notes.add("The inbox showed " + results.inboxEdges + " notifications, not " + expected
                    + ", within 60 s of the drops starting.");
            Progress.say("inbox: WARNING: %d notifications shown, expected %d", results.inboxEdges, expected);
        }
        HttpRequest inboxRequest = Http.graphQl(app.url(), body, token);
        Target inbox = i -> LoadGenerator.send(http, inboxRequest, b -> !b.contains("\"errors\"")
                && Http.count(b, "\"kind\":\"DROP_STARTED\"") == expected ? Outcome.OK : Outcome.ERROR);
        Target typename = LoadGenerator.typename(http, app.url(), token);
        LoadGenerator.jitWarmup(List.of(inbox, typename), "inbox and __typename", 16, o.jitWarmup);
        openLoop("{ __typename } (baseline)", typename);
        openLoop("me.notifications(first: 20)", inbox);
    }

    private void openLoop(String system, Target target) {
        LoadGenerator.warmup(system, o.inboxRate, o.warmup, CONNECTIONS, target);
        ProcCpu before = ProcCpu.snapshotGroups(pids);
        Run run = LoadGenerator.openLoop(system + " @ " + String.format("%,d", o.inboxRate) + "/s", o.inboxRate,
                o.duration, CONNECTIONS, target, i -> 0, 1, Duration.ofSeconds(30), true);
        Map<String, Double> cores = ProcCpu.snapshotGroups(pids).since(before);
        results.inbox.add(new InboxRun(system, run, cores));
        Progress.say("%s; cores: %s", run.summaryLine(), ProcCpu.format(cores));
    }

    /** The 8 most frequent kinds among an instance's first 2,000 warnings and errors (digits as #); or null. */
    private static String logWarnings(ChildJvm app) {
        try (Stream<String> lines = Files.lines(app.log)) {
            Map<String, Long> kinds = lines.filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")
                    || l.contains("Exception")).limit(2000)
                    .map(l -> l.replaceAll("^\\S+\\s+\\S+\\s+", "").replaceAll("[0-9a-f]{8,}|\\d+", "#"))
                    .map(k -> k.length() > 200 ? k.substring(0, 200) : k)
                    .collect(Collectors.groupingBy(k -> k, LinkedHashMap::new, Collectors.counting()));
            return kinds.isEmpty() ? null : kinds.entrySet().stream()
                    .sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(8)
                    .map(e -> e.getValue() + "× " + e.getKey() + "\n").collect(Collectors.joining());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
