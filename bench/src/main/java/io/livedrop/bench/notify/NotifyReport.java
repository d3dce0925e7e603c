package io.livedrop.bench.notify;

import static io.livedrop.bench.Formats.median;
import static io.livedrop.bench.Formats.ms;
import static io.livedrop.bench.Formats.n;
import static io.livedrop.bench.Formats.ratio;

import io.livedrop.bench.BenchRun;
import io.livedrop.bench.Markdown;
import io.livedrop.bench.ProcCpu;
import io.livedrop.bench.notify.NotifyBenchmark.Cohort;
import io.livedrop.bench.notify.NotifyBenchmark.InboxRun;
import io.livedrop.bench.notify.NotifyBenchmark.Results;
import io.livedrop.bench.notify.NotifyBenchmark.Round;
import io.livedrop.bench.notify.NotifyBenchmark.Variant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.DoubleStream;
import java.util.stream.IntStream;

/** docs/benchmarks/NAME.md of the notification benchmark. */
final class NotifyReport extends Markdown {

    static final int TARGET_SUBSCRIBERS = 100_000;
    static final double TARGET_LAST_DELIVERY_MS = 1_000;
    static final int TARGET_ONE_INSTANCE = 18_000;
    static final double TARGET_ONE_INSTANCE_MS = 300;
    static final double TARGET_US_PER_DELIVERY = 10;
    static final double TARGET_INBOX_P99_MS = 10;
    static final String METHOD = "[docs/benchmarks/methodology.md#notify-benchmark](methodology.md#notify-benchmark)";
    static final String INSTANCE = NotifyBenchmark.INSTANCE;
    static final double SATURATED = 0.9; // of the machine's cores busy in the baseline window: CPU per delivery unknown

    private final NotifyOptions o;
    private final Results r;

    NotifyReport(NotifyOptions o, BenchRun run, Results r) {
        super(run, o.out, o.name);
        this.o = o;
        this.r = r;
    }

    @Override
    protected void sections() {
        header();
        targets();
        sideBySide();
        online();
        inbox();
        bounds();
        profiles();
        setup();
        notes();
    }

    private void header() {
        paragraph("# Drop-start notifications: online path and inbox");
        line("```");
        line(env.command());
        line("```");
        line();
        paragraph(produced() + " Generated file: rerun the command to refresh it.");
        sharedMachine();
        failure();
        paragraph((r.servers > 1 ? "One Kafka broker and " + r.servers + " livedrop instances (members of one Kafka"
                + " Streams application, heap -Xmx" + r.apiXmx + " each; subscriber i on instance i mod " + r.servers
                + ")" : "One Kafka broker and ONE livedrop instance (heap -Xmx" + r.apiXmx + ")") + " per JDK, one"
                + " after the other, child processes on this machine" + (r.clients == 0 ? "" : "; the subscribers"
                + " held by " + r.clients + " client JVMs (-Xmx" + r.clientXmx + " each), counted as the bench JVM")
                + (r.servers == 1 ? "" : "; CPU and RSS of the instances summed") + ". Variants side by side: JDK ×"
                + " transport (" + String.join(", ", o.transports) + ") × document (" + String.join(", ", o.documents)
                + ") × permessage-deflate (" + String.join(", ", o.deflate) + "). Baselines: one subscriber (S=1) of"
                + " the same variant, a start nobody online follows (CPU), no session open (idle CPU),"
                + " `{ __typename }` (inbox); same run. Method: see " + METHOD + ".");
        if (r.edges > 0) {
            paragraph("**The sockets were served by " + r.edges + " edge role(s)** (`livedrop.jar edge`, heap -Xmx"
                    + r.appXmx + " each; subscriber i on edge role i mod " + r.edges + ") in front of the "
                    + r.servers + " instance(s): \"instance\" columns, RSS, threads and CPU per delivery below are the"
                    + " edge roles'; the API instances (one render per start and document) are shown apart as \""
                    + NotifyBenchmark.API + "\".");
        }
    }

    /** The baseline of a variant: the median over its starts of its one delivery's latency. */
    private double baselineMs(Variant v) {
        return median(r.cohorts.stream().filter(c -> c.label.startsWith("baseline") && c.variant.equals(v))
                .flatMap(c -> c.rounds.stream()).filter(y -> y.told() > 0).mapToDouble(y -> y.ms(100)));
    }

    private List<Cohort> measured() {
        return r.cohorts.stream().filter(c -> !c.label.startsWith("baseline")).toList();
    }

    /** Microseconds of {@code name}'s CPU per delivery: the window minus the same window with nobody online. */
    private static double usPerDelivery(Cohort c, Round x, String name) {
        return c.quiet == null || x.told() == 0 ? Double.NaN : (x.cpu(name) - c.quiet.cpu(name)) * 1e6 / x.told();
    }

    /** The median over a cohort's starts of {@link #usPerDelivery}. */
    private static double usPerDelivery(Cohort c, String name) {
        return median(c.rounds.stream().mapToDouble(y -> usPerDelivery(c, y, name)));
    }

    /** Microseconds of instance CPU per open session per minute while idle, over no session open. */
    private static double idleUs(Cohort c, String name) {
        return c.idle == null || c.swarm.accepted() == 0 ? Double.NaN
                : (c.idle.get(name) - c.idleNone.get(name)) * 60e6 / c.swarm.accepted();
    }

    /** The start nobody online follows used {@link #SATURATED} of the cores: CPU per delivery is not measurable. */
    static boolean baselineSaturated(Cohort c, int cores) {
        return c.quiet != null && c.quiet.cores().getOrDefault("machine", 0.0) >= SATURATED * cores;
    }

    private static String us(double v) {
        return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, Math.abs(v) < 100 ? "%.1f" : "%,.0f", v);
    }

    private void targets() {
        paragraph("## Targets");
        table("| target | measured | met |");
        Cohort big = r.cohorts.stream().filter(c -> c.requested >= TARGET_SUBSCRIBERS).findFirst().orElse(null);
        Cohort largest = measured().stream().filter(c -> !c.rounds.isEmpty())
                .max(Comparator.comparingInt(c -> c.planned)).orElse(null);
        String target = n(TARGET_SUBSCRIBERS) + " online subscribers all told < " + ms(TARGET_LAST_DELIVERY_MS)
                + " ms after the drop starts";
        if (big != null && big.planned >= TARGET_SUBSCRIBERS && !big.rounds.isEmpty()) {
            lastTold(target, big.planned, TARGET_LAST_DELIVERY_MS);
        } else {
            String why = big != null && big.capReason != null ? big.capReason
                    : "not run at " + n(TARGET_SUBSCRIBERS) + " (pass --subscribers=10000,100000)";
            String instead = largest == null ? "" : "; largest measured: S=" + n(largest.planned) + ", last told "
                    + ms(worstMs(largest)) + " ms after startedAt (worst of its starts, " + largest.variant + ")";
            row(target, "**not measurable on this machine**: " + why + instead, "not measured");
        }
        String one = n(TARGET_ONE_INSTANCE) + " subscribers on one instance: the last told ≤ "
                + ms(TARGET_ONE_INSTANCE_MS) + " ms after startedAt";
        if (r.holders() > 1) {
            row(one, "not run on one instance (this run: " + r.holders() + (r.edges > 0 ? " edge roles)"
                    : " instances)"), "not measured");
        } else if (largest != null && largest.planned >= TARGET_ONE_INSTANCE) {
            lastTold(one, largest.planned, TARGET_ONE_INSTANCE_MS);
        } else {
            row(one, "not run at " + n(TARGET_ONE_INSTANCE) + (largest == null ? "" : "; largest: S="
                    + n(largest.planned)), "not measured");
        }
        if (largest != null) {
            List<Cohort> at = measured().stream().filter(c -> c.planned == largest.planned).toList();
            String cpu = r.edges > 0 ? "CPU of the " + r.edges + " edge role(s)" : r.servers == 1 ? "instance CPU"
                    : "CPU of the " + r.servers + " instances";
            int cores = Runtime.getRuntime().availableProcessors();
            List<Cohort> saturated = at.stream().filter(c -> baselineSaturated(c, cores)).toList();
            row("≤ " + ms(TARGET_US_PER_DELIVERY) + " µs of " + cpu + " per delivery", at.stream().map(c ->
                    us(usPerDelivery(c, INSTANCE)) + " µs (" + c.variant + (r.edges == 0 ? "" : "; " + NotifyBenchmark
                    .API + " " + us(usPerDelivery(c, NotifyBenchmark.API)) + " µs") + ")").collect(Collectors
                    .joining("; ")) + " at S=" + n(largest.planned) + " (median of its starts)" + saturated.stream()
                    .map(c -> String.format(Locale.ROOT, "; baseline window of %s saturated the machine (%.2f of %d"
                    + " cores)", c.variant, c.quiet.cores().get("machine"), cores)).collect(Collectors.joining()),
                    !saturated.isEmpty() ? "not measurable" : at.stream().allMatch(c ->
                    usPerDelivery(c, INSTANCE) <= TARGET_US_PER_DELIVERY) ? "yes" : "**no**");
            row("idle: " + cpu + " per open session per minute (near zero)", at.stream().map(c -> us(idleUs(c,
                    INSTANCE)) + " µs (" + c.variant + ")").collect(Collectors.joining("; ")) + " with S="
                    + n(largest.planned) + " sessions pinging every " + Swarm.PING_EVERY.toSeconds() + " s", "report");
        }
        InboxRun inbox = inboxRun(false);
        if (inbox != null) {
            double p99 = inbox.ms(99);
            row("inbox `me.notifications(first: 20)` p99 < " + ms(TARGET_INBOX_P99_MS) + " ms at " + n(o.inboxRate)
                    + " req/s (viewer following " + n(o.inboxFollows) + " creators, " + o.inboxDrops
                    + " recent starts)", ms(p99) + " ms" + (inbox.run().saturated() ? " (saturated)" : ""),
                    p99 < TARGET_INBOX_P99_MS && inbox.run().errors() == 0 ? "yes" : "**no**");
        }
        line();
    }

    /** A target row on the last delivery of every variant's cohort of {@code planned} subscribers. */
    private void lastTold(String target, int planned, double limitMs) {
        List<Cohort> at = measured().stream().filter(c -> c.planned == planned && !c.rounds.isEmpty()).toList();
        row(target, at.stream().map(c -> ms(worstMs(c)) + " ms (" + c.variant + (c.rounds.stream().anyMatch(x ->
                x.missing() > 0) ? ", **MISSED**" : "") + ")").collect(Collectors.joining("; ")) + ": last of "
                + n(planned) + " told, worst of its starts", at.stream().allMatch(c -> worstMs(c) <= limitMs
                && c.rounds.stream().allMatch(x -> x.missing() == 0)) ? "yes" : "**no**");
    }

    /** The cohort's last delivery, the worst over its starts. */
    private static double worstMs(Cohort c) {
        return c.rounds.stream().mapToDouble(x -> x.ms(100)).max().orElse(Double.NaN);
    }

    private InboxRun inboxRun(boolean baseline) {
        return r.inbox.stream().filter(x -> x.system().startsWith("{ __typename }") == baseline).findFirst()
                .orElse(null);
    }

    private void sideBySide() {
        paragraph("## Side by side");
        paragraph("Per cohort: last told (worst start, ms after startedAt); CPU per delivery (median start, µs);"
                + " threads and RSS per session once connected; idle CPU per session per minute (µs).");
        table("| subscribers | variant | last told | instance µs/delivery | machine incl. irq+softirq µs/delivery"
                + " | instance threads | instance RSS per session | idle µs/session/min: instance / machine incl."
                + " irq+softirq | missed / doubled |");
        for (Cohort c : measured()) {
            row(c.label, c.variant, ms(worstMs(c)), us(usPerDelivery(c, INSTANCE)), us(usPerDelivery(c, ProcCpu.IRQ)),
                    n(c.appThreads), perSubscriber(c.appRssAfter - c.appRssBefore, c.swarm.accepted()),
                    us(idleUs(c, INSTANCE)) + " / " + us(idleUs(c, ProcCpu.IRQ)), c.rounds.stream()
                    .mapToInt(Round::missing).sum() + " / " + c.rounds.stream().mapToInt(Round::duplicates).sum());
        }
        line();
    }

    private void online() {
        paragraph("## Online path: `dropStarted` to S subscribers");
        paragraph("Per measured start: startedAt → arrival (ms); ratios ÷ the S=1 baseline of the variant. CPU per"
                + " delivery over the " + o.cpuWindow.toSeconds() + " s from the request, minus a start nobody online"
                + " follows (\"window short\": the last delivery came after it). Method: see " + METHOD + ".");
        table("| subscribers | variant | start | told | missed | doubled | p50 | p99 | max = last told | first"
                + " | p50 ÷ baseline | max ÷ baseline | scheduleDrop → startedAt | instance µs/delivery | machine incl."
                + " irq+softirq µs/delivery | cores: instance / bench JVM / broker / machine |");
        for (Cohort c : r.cohorts) {
            if (c.rounds.isEmpty()) {
                line("| " + c.label + " | " + c.variant + " | — | — | — | — | — | — | — | — | | | | | | "
                        + (c.capReason != null ? "not run: " + c.capReason : "no subscriber accepted") + " |");
                continue;
            }
            boolean isBase = c.label.startsWith("baseline");
            double base = baselineMs(c.variant);
            for (Round x : c.rounds) {
                boolean shortWindow = !isBase && (x.lastMicros() + x.requestToStartMicros()) / 1e6 > x.windowSeconds();
                row(isBase ? c.label : "**" + c.label + "**" + (c.planned != c.requested ? " (of " + n(c.requested)
                        + " asked)" : ""), c.variant, x.number(), n(x.told()), x.missing() > 0 ? "**" + n(x.missing())
                        + " MISSED**" : "0", x.duplicates() > 0 ? "**" + n(x.duplicates()) + "**" : "0",
                        ms(x.ms(50)), ms(x.ms(99)), isBase ? ms(x.ms(100)) : "**" + ms(x.ms(100)) + "**",
                        ms(x.firstMicros() / 1000.0), isBase ? "" : ratio(x.ms(50) / base),
                        isBase ? "" : ratio(x.ms(100) / base), ms(x.requestToStartMicros() / 1000.0),
                        us(usPerDelivery(c, x, INSTANCE)) + (shortWindow ? " (window short)" : ""),
                        us(usPerDelivery(c, x, ProcCpu.IRQ)), cores(x.cores()));
            }
        }
        line();
        paragraph("Connections (RSS before connecting and after the warm-up start); idle: cores over " + o.idle
                .toSeconds() + " s with the sessions open and pinging, and with none open:");
        table("| cohort | variant | asked | ran | accepted | permessage-deflate negotiated | failed to connect"
                + " | connect time | accepted/s | instance RSS before → after (MiB) | per subscriber | bench JVM RSS"
                + " before → after | per subscriber | instance fds / threads | closed by server | protocol errors"
                + " | warm-up told | idle cores: instance (none open) / machine incl. irq+softirq (none open) |");
        for (Cohort c : r.cohorts) {
            Swarm.Stats w = c.swarm;
            row(c.label, c.variant, n(c.requested), n(c.planned), n(w.accepted()), n(w.deflated()),
                    flagged(w.failed(), w.failures()), String.format(Locale.ROOT, "%.1f s", c.connectSeconds),
                    c.connectSeconds > 0 ? n(w.accepted() / c.connectSeconds) : "—",
                    c.appRssBefore + " → " + c.appRssAfter, perSubscriber(c.appRssAfter - c.appRssBefore,
                    w.accepted()), c.benchRssBefore + " → " + c.benchRssAfter, perSubscriber(c.benchRssAfter
                    - c.benchRssBefore, w.accepted()), n(c.appFds) + " / " + n(c.appThreads) + (c.appThreadNames
                    == null ? "" : " (" + c.appThreadNames + ")"), flagged(w.closedByServer(), w.closes()),
                    flagged(w.protocolErrors(), "`" + w.firstProtocolError() + "`"), c.warmupTold < 0 ? "—"
                    : n(c.warmupTold), c.idle == null ? "—" : String.format(Locale.ROOT, "%.3f (%.3f) / %.3f (%.3f)",
                    c.idle.get(INSTANCE), c.idleNone.get(INSTANCE), c.idle.get(ProcCpu.IRQ),
                    c.idleNone.get(ProcCpu.IRQ)));
        }
        line();
        if (r.holders() > 1) {
            table("| cohort | variant | per instance 1, 2, …: RSS before → after the warm-up start (MiB): per"
                    + " connection × connections |");
            for (Cohort c : r.cohorts) {
                int[] each = SwarmProcess.perServer(c.swarm.accepted(), r.holders());
                row(c.label, c.variant, IntStream.range(0, r.holders()).mapToObj(k -> c.serverRssBefore[k] + " → "
                        + c.serverRssAfter[k] + ": " + perSubscriber(c.serverRssAfter[k] - c.serverRssBefore[k],
                        each[k]) + " × " + n(each[k])).collect(Collectors.joining("; ")));
            }
            line();
        }
    }

    /** "0", or the count in bold and what it was. */
    private static String flagged(long count, String what) {
        return count > 0 ? "**" + n(count) + "** " + what : "0";
    }

    private static String perSubscriber(long deltaMiB, int subscribers) {
        return subscribers < 100 || deltaMiB <= 0 ? "—"
                : String.format(Locale.ROOT, "%.0f KiB", deltaMiB * 1024.0 / subscribers);
    }

    private static String cores(Map<String, Double> c) {
        return String.format(Locale.ROOT, "%.2f / %.2f / %.2f / %.2f", c.getOrDefault("livedrop instance", Double.NaN),
                c.getOrDefault("bench JVM (clients)", Double.NaN), c.getOrDefault("broker", Double.NaN),
                c.getOrDefault("machine", Double.NaN)) + (c.containsKey(NotifyBenchmark.API) ? String.format(
                Locale.ROOT, " (%s %.2f)", NotifyBenchmark.API, c.get(NotifyBenchmark.API)) : "");
    }

    private void inbox() {
        paragraph("## Inbox read: `me.notifications(first: 20)`");
        paragraph(String.format(Locale.ROOT, "A viewer following %s creators, %d of which started a drop just before"
                + " (%.1f s for all); the page shows %d notifications, an answer counts with exactly %d. `%s`, open"
                + " loop at %s req/s for %d s after %d s of warm-up (and %d s of JIT warm-up), at most %d in flight.",
                n(o.inboxFollows), o.inboxDrops, r.inboxCreateSeconds, r.inboxEdges, Math.min(20, o.inboxDrops),
                NotifyBenchmark.INBOX_QUERY, n(o.inboxRate), o.duration.toSeconds(), o.warmup.toSeconds(),
                o.jitWarmup.toSeconds(), NotifyBenchmark.CONNECTIONS));
        table("| request | rate/s | sent/s | served/s | answers | p50 | p99 | p99.9 | max | p50 ÷ baseline"
                + " | p99 ÷ baseline | errors | cores: instance / bench JVM / broker / machine |");
        InboxRun base = inboxRun(true);
        for (InboxRun x : r.inbox) {
            boolean isBase = x == base;
            boolean ratios = !isBase && base != null;
            row(isBase ? "`{ __typename }` (baseline)" : "**`me.notifications(first: 20)`**", n(o.inboxRate),
                    n(x.run().achievedRate()), n(x.run().servedRate()) + (x.run().saturated() ? " **saturated**" : ""),
                    n(x.run().histogram().getTotalCount()), ms(x.ms(50)), isBase ? ms(x.ms(99)) : "**" + ms(x.ms(99))
                    + "**", ms(x.ms(99.9)), ms(x.run().histogram().getMaxValue() / 1000.0),
                    ratios ? ratio(x.ms(50) / base.ms(50)) : "", ratios ? ratio(x.ms(99) / base.ms(99)) : "",
                    x.run().errors() + x.run().unanswered() > 0 ? "**" + n(x.run().errors()) + "** "
                    + x.run().firstError() + (x.run().unanswered() > 0 ? ", " + n(x.run().unanswered())
                    + " unanswered" : "") : "0", cores(x.cores()));
        }
        line();
    }

    private void bounds() {
        paragraph("## What bounds it");
        paragraph("Cores: instance / bench JVM (all subscribers, or the load generator) / broker / machine of "
                + env.cores() + "; deliveries in ms after startedAt.");
        for (Cohort c : measured()) {
            for (Round x : c.rounds) {
                long spread = x.lastMicros() - x.firstMicros();
                line("- " + String.format(Locale.ROOT, "%s %s start %d: cores %s over the %.2f s from the request;"
                        + " deliveries spread over %s ms (first %s, last %s), %s deliveries/s.", c.label, c.variant,
                        x.number(), cores(x.cores()), x.windowSeconds(),
                        ms(spread / 1000.0), ms(x.firstMicros() / 1000.0), ms(x.lastMicros() / 1000.0),
                        spread > 0 ? n(x.told() / (spread / 1e6)) : "—"));
            }
        }
        r.inbox.forEach(x -> line("- " + x.system() + " at " + n(o.inboxRate) + "/s: cores " + cores(x.cores()) + "."));
        line();
        paragraph("Limits for many connections on this machine (what decides the largest S):");
        table("| limit | value |");
        row("open files (RLIMIT_NOFILE) of the livedrop instance, soft / hard", r.appFdLimit[0] + " / "
                + r.appFdLimit[1] + " (" + r.appFdsIdle + " open before any subscriber: jars, RocksDB, Kafka clients)");
        row("open files of the benchmark JVM, soft / hard", r.benchFdLimit[0] + " / " + r.benchFdLimit[1] + " ("
                + r.benchFdsIdle + " open before any subscriber)");
        row("may this process raise the hard limit (CAP_SYS_RESOURCE)", Limits.canRaiseLimits() ? "yes" : "no");
        row("ephemeral ports (net.ipv4.ip_local_port_range)", Limits.sysctl(Limits.PORT_RANGE).replaceAll("\\s+", "-")
                + " = " + n(Limits.ephemeralPorts()) + " per destination address; subscribers spread over 127.0.0.1,"
                + " .2, … (" + n(Swarm.PER_ADDRESS) + " each) so ports do not bind first");
        row("listen backlog (net.core.somaxconn)", Limits.sysctl("/proc/sys/net/core/somaxconn"));
        row("Tomcat", "`--server.tomcat.max-connections` raised to the largest S + 2,000 (default 8,192);"
                + " `server.tomcat.threads.max` left at 200: an idle WebSocket holds no request thread");
        row("threads: kernel.pid_max / kernel.threads-max / vm.max_map_count", Limits.sysctl("/proc/sys/kernel/pid_max")
                + " / " + Limits.sysctl("/proc/sys/kernel/threads-max") + " / "
                + Limits.sysctl("/proc/sys/vm/max_map_count") + " (every thread takes a pid, its stack two mappings)");
        row("memory available", n(Limits.availableMiB()) + " MiB at the end of the run; " + (r.edges > 0
                ? "edge role" : "instance") + " heap -Xmx" + r.appXmx
                + (r.clients == 0 ? "" : "; client JVM heap -Xmx" + r.clientXmx));
        line("| most subscribers one run can hold here | " + n(r.capacity) + " (" + r.capacityWhy + ") |");
        line();
    }

    private void profiles() {
        if (r.profiles.isEmpty()) {
            return;
        }
        paragraph("## Profile (JFR)");
        paragraph("JFR `jdk.ExecutionSample` (Java code only) during the largest cohorts' measured starts, by thread"
                + " group: the most sampled top frames. Method: see " + METHOD + ".");
        table("| variant | thread group | samples | share | top frames |");
        r.profiles.values().forEach(rows -> rows.forEach(this::line));
        line();
    }

    private void setup() {
        machine(false);
        line("| livedrop instance | `" + run.appCommand + "` |");
        if (r.edgeCommand != null) {
            line("| edge role | `" + r.edgeCommand + "` |");
        }
        line("| subscribers' client | " + (r.clients == 0 ? "" : r.clients + " client JVMs (`SwarmProcess`, -Xmx"
                + r.clientXmx + "), each: ") + "Reactor Netty `HttpClient.websocket` on " + Swarm.LOOPS + " event loops"
                + " for all" + (r.clients == 0 ? "" : " its") + " subscribers (with deflate: Netty's permessage-deflate"
                + " offer); at most " + NotifyBenchmark.CONNECT_CONCURRENCY + " connections in flight until accepted;"
                + " pings every "
                + Swarm.PING_EVERY.toSeconds() + " s |");
        line("| inbox load | the API benchmark's `LoadGenerator` (open loop) over the JDK HttpClient, HTTP/1.1 |");
        cpuLoad();
        line();
    }

    private void notes() {
        List<String> notes = new ArrayList<>(r.notes);
        for (Cohort c : r.cohorts) {
            for (Round x : c.rounds) {
                if (x.missing() > 0) {
                    notes.add("**" + c.label + " " + c.variant + ", start " + x.number() + " (drop " + x.dropId()
                            + "): " + n(x.missing()) + " of " + n(x.subscribers()) + " accepted subscribers were NOT"
                            + " told** within " + NotifyBenchmark.DELIVERY_TIMEOUT.toSeconds() + " s (or "
                            + NotifyBenchmark.STALL.toSeconds() + " s without a new delivery).");
                }
                if (x.duplicates() > 0) {
                    notes.add("**" + c.label + " " + c.variant + ", start " + x.number() + ": " + x.duplicates()
                            + " subscribers were told twice.**");
                }
            }
            if (c.swarm.accepted() < c.planned) {
                notes.add("**" + c.label + " " + c.variant + ": only " + n(c.swarm.accepted()) + " of " + n(c.planned)
                        + " subscriptions were accepted** (failures: " + c.swarm.failures() + "; closed by the server: "
                        + c.swarm.closes() + ").");
            }
        }
        r.cohorts.stream().filter(c -> c.swarm.accepted() >= 1000 && c.appThreads >= 0.9 * c.swarm.accepted())
                .findFirst().ifPresent(c -> notes.add("**The instance runs one thread per WebSocket session** (see "
                        + METHOD + "): " + n(c.appThreads) + " threads with " + n(c.swarm.accepted()) + " subscribers ("
                        + c.label + " " + c.variant + "; " + c.appThreadNames + "). Even with no open-files limit,"
                        + " 100,000 threads are more than"
                        + " kernel.pid_max (" + Limits.sysctl("/proc/sys/kernel/pid_max") + ") and vm.max_map_count ("
                        + Limits.sysctl("/proc/sys/vm/max_map_count") + ") allow here."));
        if (r.appLogWarnings != null) {
            notes.add("Warnings and errors in the instance's log (most frequent, digits as #):\n\n```\n"
                    + r.appLogWarnings.strip() + "\n```");
        }
        if (notes.isEmpty()) {
            return;
        }
        paragraph("## Notes");
        notes.forEach(x -> line("- " + x));
        line();
    }
}
