package io.livedrop.bench.notify;

import io.livedrop.bench.AppOptions;
import io.livedrop.bench.Cli;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The notification benchmark's options. */
@Command(name = "bench/run notify", description = {"Drop-start notification benchmark: dropStarted to S WebSocket"
        + " subscribers of one livedrop instance (baseline S=1), and the inbox me.notifications(first: 20) against"
        + " { __typename }. Method: docs/benchmarks/methodology.md. Writes docs/benchmarks/NAME.md.", ""})
final class NotifyOptions extends Cli.Options {

    @Option(names = "--subscribers", split = ",", defaultValue = "10000", description = "online subscriber counts, one"
            + " after the other (default 10000; quick 2000). Counts above what this machine's limits allow (open files"
            + " per process, ephemeral ports) are capped to the most that fits, and the report says why")
    List<Integer> subscribers;
    @Option(names = "--starts", defaultValue = "3", description = "measured drop starts per subscriber count (default 3; quick 2)")
    int starts;
    @Option(names = "--baseline-starts", defaultValue = "5", description = "drop starts measured with one subscriber (default 5; quick 3)")
    int baselineStarts;
    @Option(names = "--inbox-follows", description = "creators the inbox viewer follows (default 1000)")
    int inboxFollows = 1000;
    @Option(names = "--inbox-drops", defaultValue = "100", description = "of those, creators that start a drop (default 100; quick 20)")
    int inboxDrops;
    @Option(names = "--inbox-rate", description = "open-loop rate of inbox reads and of the baseline, requests/s (default 1000)")
    int inboxRate = 1000;
    @Option(names = "--duration", defaultValue = "20", description = "seconds per measured inbox run (default 20; quick 10)")
    Duration duration;
    @Option(names = "--warmup", defaultValue = "10", description = "seconds of untimed load at the same rate before each"
            + " run (default 10; quick 5)")
    Duration warmup;
    @Option(names = "--jit-warmup", defaultValue = "20", description = "seconds of untimed closed-loop inbox + baseline"
            + " traffic first (default 20; quick 10)")
    Duration jitWarmup;
    @Option(names = "--documents", split = ",", defaultValue = "bench,page", description = "subscription documents,"
            + " side by side: bench = `drop { id } startedAt`, page = the web page's own (read from the jar's"
            + " livedrop.js) (default bench,page)")
    List<String> documents;
    @Option(names = "--deflate", split = ",", defaultValue = "offer,none", description = "offer = the subscribers offer"
            + " permessage-deflate as browsers do, none = they do not (default offer,none)")
    List<String> deflate;
    @Option(names = "--transports", split = ",", defaultValue = "tomcat", description = "tomcat = the socket on the"
            + " app's HTTP port, edge = on livedrop.edge.port (each instance gets a free one) (default tomcat)")
    List<String> transports;
    @Option(names = "--cpu-window", defaultValue = "15", description = "seconds after scheduleDrop over which CPU per"
            + " delivery is measured, the same for a start nobody online follows; it should outlast the last delivery"
            + " (default 15)")
    Duration cpuWindow;
    @Option(names = "--idle", defaultValue = "30", description = "seconds of idle CPU measured with each cohort's"
            + " sessions open and pinging, and once with none (0 = skip; default 30)")
    Duration idle;
    @Option(names = "--jfr", description = "record the instances with JFR (profile) and report the top frames per"
            + " thread group during the measured starts of the largest cohort")
    boolean jfr;
    @Option(names = "--servers", defaultValue = "1", description = "livedrop instances, subscribers spread evenly over"
            + " them; auto = as many as keep each under " + PER_PROCESS + " sockets and its open files (default 1)")
    String servers;
    @Option(names = "--edges", defaultValue = "0", description = "edge-role processes (java -jar livedrop.jar edge)"
            + " in front of the instances, holding the subscribers' sockets in even shares (0 = the instances' own"
            + " edges; auto: as --servers; the transport is then edge) (default 0)")
    String edges;
    @Option(names = "--client-processes", defaultValue = "0", description = "client JVMs holding the subscribers in"
            + " even shares (0 = this JVM; auto: as --servers) (default 0)")
    String clientProcesses;
    @Mixin
    AppOptions app = new AppOptions();

    static final int PER_PROCESS = 18_000;

    /** {@code value}, or for auto the processes that keep each under PER_PROCESS and its open-files room. */
    static int processes(String value, int largest, long softLimit, long idleFds) {
        if (!value.equals("auto")) {
            return Integer.parseInt(value);
        }
        long room = Math.min(PER_PROCESS, (softLimit < 0 ? Integer.MAX_VALUE : softLimit) - idleFds
                - NotifyBenchmark.FD_MARGIN);
        return (int) Math.max(1, (largest + room - 1) / Math.max(1, room));
    }

    @Override
    protected Map<String, String> quickDefaults() {
        return Map.of("--subscribers", "2000", "--starts", "2", "--baseline-starts", "3", "--inbox-drops", "20",
                "--duration", "10", "--warmup", "5", "--jit-warmup", "10", "--idle", "10");
    }

    @Override
    protected void check() {
        Cli.requireBroker(app.broker);
        Cli.require(!subscribers.isEmpty() && subscribers.stream().allMatch(s -> s >= 1) && starts >= 1
                && baselineStarts >= 1 && inboxFollows >= 1 && inboxDrops >= 0
                && inboxDrops <= inboxFollows && inboxRate >= 1 && duration.toMillis() >= 1000
                && !warmup.isNegative() && !jitWarmup.isNegative() && !idle.isNegative() && !cpuWindow.isNegative()
                && List.of("bench", "page").containsAll(documents) && List.of("offer", "none").containsAll(deflate)
                && List.of("tomcat", "edge").containsAll(transports) && servers.matches("auto|[1-9]\\d{0,2}")
                && clientProcesses.matches("auto|\\d{1,3}") && edges.matches("auto|\\d{1,3}"),
                "Out-of-range value: counts >= 1, inbox-drops <= inbox-follows, duration >= 1 s; documents bench,page;"
                        + " deflate offer,none; transports tomcat,edge; servers auto or >= 1; client-processes, edges"
                        + " auto or >= 0");
        if (!edges.equals("0")) {
            transports = List.of("edge"); // an edge role's sockets are its edge
        }
    }
}
