package io.livedrop.bench.notify;

import static io.livedrop.bench.Formats.ms;
import static io.livedrop.bench.Formats.n;
import static io.livedrop.bench.Formats.ratio;

import io.livedrop.bench.BenchRun;
import io.livedrop.bench.Markdown;
import io.livedrop.bench.notify.NotifyBenchmark.Cohort;
import io.livedrop.bench.notify.NotifyBenchmark.InboxRun;
import io.livedrop.bench.notify.NotifyBenchmark.Results;
import io.livedrop.bench.notify.NotifyBenchmark.Round;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** docs/benchmarks/NAME.md of the notification benchmark. */
final class NotifyReport extends Markdown {

    static final int TARGET_SUBSCRIBERS = 100_000;
    static final double TARGET_LAST_DELIVERY_MS = 1_000;
    static final double TARGET_INBOX_P99_MS = 10;
    static final String METHOD = "[docs/benchmarks/methodology.md#notify-benchmark](methodology.md#notify-benchmark)";

    private final NotifyOptions o;
    private final Results r;
    private final Cohort baseline;

    NotifyReport(NotifyOptions o, BenchRun run, Results r) {
        super(run, o.out, o.name);
        this.o = o;
        this.r = r;
        this.baseline = r.cohorts.stream().filter(c -> c.label.startsWith("baseline")).findFirst().orElse(null);
    }

    @Override
    protected void sections() {
        header();
        targets();
        online();
        inbox();
        bounds();
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
        paragraph("One Kafka broker and ONE livedrop instance (heap -Xmx" + r.appXmx + "), child processes on this"
                + " machine; baselines: one subscriber (S=1) and `{ __typename }`, same run. Method: see " + METHOD
                + ".");
    }

    /** The baseline's figure: the median over its starts of its one delivery's latency. */
    private double baselineMs() {
        double[] v = (baseline == null ? List.<Round>of() : baseline.rounds).stream().filter(x -> x.told() > 0)
                .mapToDouble(x -> x.ms(100)).sorted().toArray();
        return v.length == 0 ? Double.NaN : v[v.length / 2];
    }

    private List<Cohort> measured() {
        return r.cohorts.stream().filter(c -> c != baseline).toList();
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
            double worst = worstMs(big);
            int missing = big.rounds.stream().mapToInt(Round::missing).max().orElse(0);
            row(target, "last of " + n(big.planned) + " told " + ms(worst) + " ms after startedAt (worst of "
                    + big.rounds.size() + " starts)" + (missing > 0 ? ", " + n(missing) + " MISSING" : ""),
                    worst < TARGET_LAST_DELIVERY_MS && missing == 0 ? "yes" : "**no**");
        } else {
            String why = big != null && big.capReason != null ? big.capReason
                    : "not run at " + n(TARGET_SUBSCRIBERS) + " (pass --subscribers=10000,100000)";
            String instead = largest == null ? "" : "; largest measured: S=" + n(largest.planned) + ", last told "
                    + ms(worstMs(largest)) + " ms after startedAt (worst of its starts)";
            row(target, "**not measurable on this machine**: " + why + instead, "not measured");
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

    /** The cohort's last delivery, the worst over its starts. */
    private static double worstMs(Cohort c) {
        return c.rounds.stream().mapToDouble(x -> x.ms(100)).max().orElse(Double.NaN);
    }

    private InboxRun inboxRun(boolean baseline) {
        return r.inbox.stream().filter(x -> x.system().startsWith("{ __typename }") == baseline).findFirst()
                .orElse(null);
    }

    private void online() {
        paragraph("## Online path: `dropStarted` to S subscribers");
        double base = baselineMs();
        paragraph("Per drop start, over its subscribers: startedAt → arrival (ms); ratios divide by the baseline, the"
                + " median of one subscriber's latency (" + ms(base) + " ms).");
        table("| subscribers | start | told | missing | p50 | p99 | max = last delivery | first delivery"
                + " | p50 ÷ baseline | max ÷ baseline | scheduleDrop → startedAt | cores: instance / bench JVM / broker"
                + " / machine |");
        for (Cohort c : r.cohorts) {
            if (c.rounds.isEmpty()) {
                line("| " + c.label + " | — | — | — | — | — | — | — | | | | " + (c.capReason != null ? "not run: "
                        + c.capReason : "no subscriber connected") + " |");
                continue;
            }
            boolean isBase = c == baseline;
            for (Round x : c.rounds) {
                row(isBase ? c.label : "**" + c.label + "**" + (c.planned != c.requested ? " (of " + n(c.requested)
                        + " asked)" : ""), x.number(), n(x.told()), (x.missing() > 0 ? "**" + n(x.missing())
                        + " MISSING**" : "0") + (x.duplicates() > 0 ? " (" + x.duplicates() + " duplicates)" : ""),
                        ms(x.ms(50)), ms(x.ms(99)), isBase ? ms(x.ms(100)) : "**" + ms(x.ms(100)) + "**",
                        ms(x.firstMicros() / 1000.0), isBase ? "" : ratio(x.ms(50) / base),
                        isBase ? "" : ratio(x.ms(100) / base), ms(x.requestToStartMicros() / 1000.0), cores(x.cores()));
            }
        }
        line();
        paragraph("Connections (RSS before connecting and after the probes):");
        table("| cohort | asked | ran | subscribed | failed to connect | connect time | handshakes/s | instance RSS"
                + " before → after (MiB) | per subscriber | bench JVM RSS before → after | per subscriber | instance"
                + " fds / threads | closed by server | protocol errors | probes |");
        for (Cohort c : r.cohorts) {
            Swarm.Stats w = c.swarm;
            row(c.label, n(c.requested), n(c.planned), n(w.acked()), w.failed() > 0 ? "**" + n(w.failed()) + "** "
                    + w.failures() : "0", String.format(Locale.ROOT, "%.1f s", c.connectSeconds),
                    c.connectSeconds > 0 ? n(w.acked() / c.connectSeconds) : "—",
                    c.appRssBefore + " → " + c.appRssAfter, perSubscriber(c.appRssAfter - c.appRssBefore, w.acked()),
                    c.benchRssBefore + " → " + c.benchRssAfter, perSubscriber(c.benchRssAfter - c.benchRssBefore,
                    w.acked()), n(c.appFds) + " / " + n(c.appThreads) + (c.appThreadNames == null ? ""
                    : " (" + c.appThreadNames + ")"),
                    w.closedByServer() > 0 ? "**" + n(w.closedByServer()) + "** " + w.closes() : "0",
                    w.protocolErrors() > 0 ? "**" + w.protocolErrors() + "** `" + w.firstProtocolError() + "`" : "0",
                    c.probes + (c.probeComplete ? "" : " (**never all told**)"));
        }
        line();
    }

    private static String perSubscriber(long deltaMiB, int subscribers) {
        return subscribers < 100 || deltaMiB <= 0 ? "—"
                : String.format(Locale.ROOT, "%.0f KiB", deltaMiB * 1024.0 / subscribers);
    }

    private static String cores(Map<String, Double> c) {
        return String.format(Locale.ROOT, "%.2f / %.2f / %.2f / %.2f", c.getOrDefault("livedrop instance", Double.NaN),
                c.getOrDefault("bench JVM (clients)", Double.NaN), c.getOrDefault("broker", Double.NaN),
                c.getOrDefault("machine", Double.NaN));
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
                    x.run().errors() + x.run().unanswered() > 0 ? "**"
                    + n(x.run().errors()) + "** " + x.run().firstError() + (x.run().unanswered() > 0 ? ", "
                    + n(x.run().unanswered()) + " unanswered" : "") : "0", cores(x.cores()));
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
                line("- " + String.format(Locale.ROOT, "%s start %d: cores %s over the %.2f s from the request to the"
                        + " last delivery; deliveries spread over %s ms (first %s, last %s), %s deliveries/s.", c.label,
                        x.number(), cores(x.cores()), (x.lastMicros() + x.requestToStartMicros()) / 1e6,
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
        row("memory available", n(Limits.availableMiB()) + " MiB at the end of the run; instance heap -Xmx" + r.appXmx);
        line("| most subscribers one run can hold here | " + n(r.capacity) + " (" + r.capacityWhy + ") |");
        line();
    }

    private void setup() {
        machine(false);
        line("| livedrop instance | `" + run.appCommand + "` |");
        line("| subscribers' client | JDK `java.net.http.HttpClient` WebSocket, one client (1 selector thread, 2"
                + " executor threads) for all subscribers; handshakes at most " + NotifyBenchmark.CONNECT_CONCURRENCY
                + " in flight |");
        line("| inbox load | the API benchmark's `LoadGenerator` (open loop) over the JDK HttpClient, HTTP/1.1 |");
        cpuLoad();
        line();
    }

    private void notes() {
        List<String> notes = new ArrayList<>(r.notes);
        for (Cohort c : r.cohorts) {
            for (Round x : c.rounds) {
                if (x.missing() > 0) {
                    notes.add("**" + c.label + ", start " + x.number() + " (drop " + x.dropId() + "): " + n(x.missing())
                            + " of " + n(x.subscribers()) + " subscribers were NOT told** within "
                            + NotifyBenchmark.DELIVERY_TIMEOUT.toSeconds() + " s (or "
                            + NotifyBenchmark.STALL.toSeconds() + " s without a new delivery).");
                }
                if (x.duplicates() > 0) {
                    notes.add(c.label + ", start " + x.number() + ": " + x.duplicates()
                            + " subscribers were told twice.");
                }
            }
            if (c.swarm.acked() < c.planned) {
                notes.add("**" + c.label + ": only " + n(c.swarm.acked()) + " of " + n(c.planned) + " subscribers got"
                        + " their connection_ack** (failures: " + c.swarm.failures() + "; closed by the server: "
                        + c.swarm.closes() + ").");
            }
        }
        r.cohorts.stream().filter(c -> c.swarm.acked() >= 1000 && c.appThreads >= 0.9 * c.swarm.acked()).findFirst()
                .ifPresent(c -> notes.add("**The instance runs one thread per WebSocket session** (see " + METHOD
                        + "): " + n(c.appThreads) + " threads with " + n(c.swarm.acked()) + " subscribers (" + c.label
                        + "; " + c.appThreadNames + "). Even with no open-files limit, 100,000 threads are more than"
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
