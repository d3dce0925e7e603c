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
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** docs/benchmarks/NAME.md of the notification benchmark. */
final class NotifyReport extends Markdown {

    static final int TARGET_SUBSCRIBERS = 100_000;
    static final double TARGET_LAST_DELIVERY_MS = 1_000;
    static final double TARGET_INBOX_P99_MS = 10;

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
        if (o.online()) {
            online();
        }
        if (o.inbox()) {
            inbox();
        }
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
        paragraph("One Kafka broker and ONE livedrop instance (`livedrop.jar`, heap -Xmx" + r.appXmx + "), both child"
                + " processes of the benchmark JVM, all on this machine. The online path: S WebSocket subscribers"
                + " (graphql-transport-ws, one JDK `HttpClient` for all of them, each a distinct user with their own"
                + " token in `connection_init`) of `subscription { dropStarted { drop { id } startedAt } }`, each"
                + " following the drop's creator; the follows are produced straight to the follows topic (FollowEvents,"
                + " key = the user, the application's own Avro serde), and the run waits until"
                + " `creator(id:) { followerCount }` shows S. The creator then starts a drop"
                + " (`scheduleDrop(input: {…, startsAt: null})`, answered once LIVE), and each subscriber's message is"
                + " stamped with the wall clock as it arrives. Latency = arrival − the event's `startedAt` (the"
                + " topology's clock when it made the drop LIVE; same machine, same clock; `startedAt` has millisecond"
                + " precision, so each figure may be up to 1 ms high). So it covers the topology's transaction commit,"
                + " the instance's read_committed tail of the drop events, the drop read, and the per-subscriber GraphQL"
                + " execution and WebSocket write. Before the measured starts, each cohort gets probe drop starts by a"
                + " second creator all of its subscribers also follow, until every subscriber is told once (the server"
                + " does not acknowledge a subscribe, so this proves every subscription is indexed; it also warms the"
                + " path); probes are not in the tables. Baseline: one subscriber (S=1), measured the same way in the"
                + " same run.");
    }

    private Cohort baseline() {
        return r.cohorts.stream().filter(c -> c.requested == 1 && c.label.startsWith("baseline")).findFirst().orElse(null);
    }

    /** The baseline's figure: the median over its starts of its one delivery's latency. */
    private double baselineMs() {
        Cohort b = baseline();
        if (b == null) {
            return Double.NaN;
        }
        List<Double> v = b.rounds.stream().filter(x -> !x.probe() && x.told() > 0).map(Round::maxMs).sorted().toList();
        return v.isEmpty() ? Double.NaN : v.get(v.size() / 2);
    }

    private List<Cohort> measured() {
        return r.cohorts.stream().filter(c -> c != baseline()).toList();
    }

    private void targets() {
        paragraph("## Targets");
        table("| target | measured | met |");
        if (o.online()) {
            Cohort big = r.cohorts.stream().filter(c -> c.requested >= TARGET_SUBSCRIBERS).findFirst().orElse(null);
            Cohort largest = measured().stream().filter(c -> !c.rounds.isEmpty())
                    .max((a, b) -> Integer.compare(a.planned, b.planned)).orElse(null);
            String measuredText;
            String met;
            if (big != null && big.planned >= TARGET_SUBSCRIBERS && !big.rounds.isEmpty()) {
                double worst = big.rounds.stream().mapToDouble(Round::maxMs).max().orElse(Double.NaN);
                int missing = big.rounds.stream().mapToInt(Round::missing).max().orElse(0);
                measuredText = "last of " + n(big.planned) + " told " + ms(worst) + " ms after startedAt (worst of "
                        + big.rounds.size() + " starts)" + (missing > 0 ? ", " + n(missing) + " MISSING" : "");
                met = worst < TARGET_LAST_DELIVERY_MS && missing == 0 ? "yes" : "**no**";
            } else {
                String why = big != null && big.capReason != null ? big.capReason
                        : "not run at " + n(TARGET_SUBSCRIBERS) + " (pass --subscribers=10000,100000)";
                String instead = largest == null ? "" : "; largest measured: S=" + n(largest.planned) + ", last told "
                        + ms(largest.rounds.stream().mapToDouble(Round::maxMs).max().orElse(Double.NaN))
                        + " ms after startedAt (worst of its starts)";
                measuredText = "**not measurable on this machine**: " + why + instead;
                met = "not measured";
            }
            line("| " + n(TARGET_SUBSCRIBERS) + " online subscribers all told < " + ms(TARGET_LAST_DELIVERY_MS)
                    + " ms after the drop starts | " + measuredText + " | " + met + " |");
        }
        if (o.inbox()) {
            InboxRun inbox = inboxRun(false);
            if (inbox != null) {
                double p99 = inbox.ms(99);
                line("| inbox `me.notifications(first: 20)` p99 < " + ms(TARGET_INBOX_P99_MS) + " ms at "
                        + n(o.inboxRate) + " req/s (viewer following " + n(r.inboxFollows) + " creators, "
                        + r.inboxDrops + " recent starts) | " + ms(p99) + " ms" + (inbox.run().saturated()
                        ? " (saturated)" : "") + " | " + (p99 < TARGET_INBOX_P99_MS && inbox.run().errors() == 0
                        ? "yes" : "**no**") + " |");
            }
        }
        line();
    }

    private InboxRun inboxRun(boolean baseline) {
        return r.inbox.stream().filter(x -> x.system().startsWith("{ __typename }") == baseline).findFirst().orElse(null);
    }

    private void online() {
        paragraph("## Online path: `dropStarted` to S subscribers");
        double base = baselineMs();
        paragraph("Per drop start: subscribers told, and startedAt → arrival over all of them (HdrHistogram, ms);"
                + " max is the"
                + " time to the last delivery. Ratios divide by the baseline: the median over its starts of one"
                + " subscriber's delivery latency (" + ms(base) + " ms). \"scheduleDrop → startedAt\" is how long after the"
                + " creator's request the topology made the drop LIVE (not in the latency). Cores: CPU used by each process"
                + " from the request until the last delivery.");
        table("| subscribers | start | told | missing | p50 | p99 | max = last delivery | first delivery | p50 ÷ baseline"
                + " | max ÷ baseline | scheduleDrop → startedAt | cores: instance / bench JVM / broker / machine |");
        for (Cohort c : r.cohorts) {
            if (c.rounds.isEmpty()) {
                line("| " + c.label + " | — | — | — | — | — | — | — | | | | " + (c.capReason != null ? "not run: "
                        + c.capReason : "no subscriber connected") + " |");
                continue;
            }
            boolean isBase = c == baseline();
            for (Round x : c.rounds) {
                row(isBase ? c.label : "**" + c.label + "**" + (c.planned != c.requested ? " (of " + n(c.requested)
                        + " asked)" : ""), x.number(), n(x.told()), (x.missing() > 0 ? "**" + n(x.missing())
                        + " MISSING**" : "0") + (x.duplicates() > 0 ? " (" + x.duplicates() + " duplicates)" : ""),
                        ms(x.ms(50)), ms(x.ms(99)), isBase ? ms(x.maxMs()) : "**" + ms(x.maxMs()) + "**",
                        ms(x.firstMicros() / 1000.0), isBase ? "" : ratio(x.ms(50) / base),
                        isBase ? "" : ratio(x.maxMs() / base), ms(x.requestToStartMicros() / 1000.0), cores(x.cores()));
            }
        }
        line();
        paragraph("Connections (the subscribers' side and what they cost; RSS from /proc before connecting and"
                + " after the"
                + " probe):");
        table("| cohort | asked | ran | subscribed | failed to connect | connect time | handshakes/s | instance RSS before"
                + " → after (MiB) | per subscriber | bench JVM RSS before → after | per subscriber | instance fds /"
                + " threads | closed by server | protocol errors | probes |");
        for (Cohort c : r.cohorts) {
            row(c.label, n(c.requested), n(c.planned), n(c.acked),
                    c.failed > 0 ? "**" + n(c.failed) + "** " + c.failures : "0",
                    String.format(Locale.ROOT, "%.1f s", c.connectSeconds),
                    c.connectSeconds > 0 ? n(c.acked / c.connectSeconds) : "—", c.appRssBefore + " → " + c.appRssAfter,
                    perSubscriber(c.appRssAfter - c.appRssBefore, c.acked), c.benchRssBefore + " → " + c.benchRssAfter,
                    perSubscriber(c.benchRssAfter - c.benchRssBefore, c.acked), n(c.appFds) + " / " + n(c.appThreads)
                    + (c.appThreadNames == null ? "" : " (" + c.appThreadNames + ")"),
                    c.closedByServer > 0 ? "**" + n(c.closedByServer) + "** " + c.closes : "0",
                    c.protocolErrors > 0 ? "**" + c.protocolErrors + "** `" + c.firstProtocolError + "`" : "0",
                    c.probes + (c.probeComplete ? "" : " (**never all told**)"));
        }
        line();
    }

    private static String perSubscriber(long deltaMiB, int subscribers) {
        if (subscribers < 100 || deltaMiB <= 0) {
            return "—";
        }
        return String.format(Locale.ROOT, "%.0f KiB", deltaMiB * 1024.0 / subscribers);
    }

    private static String cores(Map<String, Double> c) {
        return String.format(Locale.ROOT, "%.2f / %.2f / %.2f / %.2f", c.getOrDefault("livedrop instance", Double.NaN),
                c.getOrDefault("bench JVM (clients)", Double.NaN), c.getOrDefault("broker", Double.NaN),
                c.getOrDefault("machine", Double.NaN));
    }

    private void inbox() {
        paragraph("## Inbox read: `me.notifications(first: 20)`");
        paragraph("A viewer following " + n(r.inboxFollows) + " creators (FollowEvents produced straight to the follows"
                + " topic), of which " + r.inboxDrops + " started a drop just before (each: `upsertProduct` +"
                + " `scheduleDrop(startsAt: null)` with that creator's token, 4 at a time, "
                + String.format(Locale.ROOT, "%.1f s", r.inboxCreateSeconds) + " for all); the page shows "
                + r.inboxEdges + " notifications. `POST /graphql` of `" + NotifyBenchmark.INBOX_QUERY + "` with the"
                + " viewer's token, open loop at " + n(o.inboxRate) + " req/s for " + o.duration.toSeconds()
                + " s after " + o.warmup.toSeconds() + " s of warm-up (and " + o.jitWarmup.toSeconds()
                + " s of closed-loop JIT warm-up of both requests first); an answer counts only with exactly "
                + Math.min(20, r.inboxDrops) + " DROP_STARTED nodes and no error. Baseline: `{ __typename }` with the"
                + " same token at the same rate (HTTP, token check, GraphQL execution, no store). Latency from each"
                + " request's intended send time (no coordinated omission), at most " + o.connections
                + " in flight; the API benchmark's load generator.");
        table("| request | rate/s | sent/s | served/s | answers | p50 | p99 | p99.9 | max | p50 ÷ baseline | p99 ÷ baseline"
                + " | errors | cores: instance / bench JVM / broker / machine |");
        InboxRun base = inboxRun(true);
        for (InboxRun x : r.inbox) {
            boolean isBase = x == base;
            boolean ratios = !isBase && base != null;
            row(isBase ? "`{ __typename }` (baseline)" : "**`me.notifications(first: 20)`**", n(o.inboxRate),
                    n(x.run().achievedRate()), n(x.run().servedRate()) + (x.run().saturated() ? " **saturated**" : ""),
                    n(x.histogram().getTotalCount()), ms(x.ms(50)), isBase ? ms(x.ms(99)) : "**" + ms(x.ms(99)) + "**",
                    ms(x.ms(99.9)), ms(x.histogram().getMaxValue() / 1000.0),
                    ratios ? ratio(x.ms(50) / base.ms(50)) : "", ratios ? ratio(x.ms(99) / base.ms(99)) : "",
                    x.run().errors() + x.run().unanswered() > 0 ? "**"
                    + n(x.run().errors()) + "** " + x.run().firstError() + (x.run().unanswered() > 0 ? ", "
                    + n(x.run().unanswered()) + " unanswered" : "") : "0", cores(x.cores()));
        }
        line();
    }

    private void bounds() {
        paragraph("## What bounds it");
        List<String> facts = new ArrayList<>();
        for (Cohort c : measured()) {
            for (Round x : c.rounds) {
                Map<String, Double> k = x.cores();
                double window = x.lastMicros() / 1e6;
                facts.add(String.format(Locale.ROOT, "%s start %d: the instance used %.2f cores, the bench JVM (all"
                                + " subscribers) %.2f, the broker %.2f, the machine %.2f of %d, over the %.2f s from the"
                                + " request to the last delivery; deliveries spread over %s ms (first %s ms, last %s ms"
                                + " after startedAt), i.e. %s deliveries/s once started.", c.label, x.number(),
                        k.getOrDefault("livedrop instance", Double.NaN), k.getOrDefault("bench JVM (clients)", Double.NaN),
                        k.getOrDefault("broker", Double.NaN), k.getOrDefault("machine", Double.NaN), env.cores(),
                        window + x.requestToStartMicros() / 1e6, ms((x.lastMicros() - x.firstMicros()) / 1000.0),
                        ms(x.firstMicros() / 1000.0), ms(x.lastMicros() / 1000.0),
                        x.lastMicros() > x.firstMicros() ? n(x.told() / ((x.lastMicros() - x.firstMicros()) / 1e6)) : "—"));
            }
        }
        for (InboxRun x : r.inbox) {
            facts.add(String.format(Locale.ROOT, "%s at %s/s: the instance used %.2f cores, the bench JVM (load"
                            + " generator) %.2f, the broker %.2f, the machine %.2f of %d.", x.system(), n(o.inboxRate),
                    x.cores().getOrDefault("livedrop instance", Double.NaN),
                    x.cores().getOrDefault("bench JVM (clients)", Double.NaN), x.cores().getOrDefault("broker", Double.NaN),
                    x.cores().getOrDefault("machine", Double.NaN), env.cores()));
        }
        facts.forEach(f -> line("- " + f));
        line();
        paragraph("Limits for many connections on this machine (what decides the largest S):");
        table("| limit | value |");
        line("| open files (RLIMIT_NOFILE) of the livedrop instance, soft / hard | " + r.appFdLimit[0] + " / "
                + r.appFdLimit[1] + " (" + r.appFdsIdle + " open before any subscriber: jars, RocksDB, Kafka clients) |");
        line("| open files of the benchmark JVM, soft / hard | " + r.benchFdLimit[0] + " / " + r.benchFdLimit[1] + " ("
                + r.benchFdsIdle + " open before any subscriber) |");
        line("| may this process raise the hard limit (CAP_SYS_RESOURCE) | " + (Limits.canRaiseLimits() ? "yes" : "no") + " |");
        line("| ephemeral ports (net.ipv4.ip_local_port_range) | " + Limits.range() + " = " + n(Limits.ephemeralPorts())
                + " per destination address; the benchmark spreads subscribers over 127.0.0.1, .2, … (" + n(Swarm.PER_ADDRESS)
                + " each) so ports do not bind first |");
        line("| listen backlog (net.core.somaxconn) | " + Limits.sysctl("/proc/sys/net/core/somaxconn") + " |");
        line("| Tomcat | `--server.tomcat.max-connections` raised to the largest S + 2,000 (default 8,192);"
                + " `server.tomcat.threads.max` left at 200: an idle WebSocket holds no request thread |");
        line("| threads: kernel.pid_max / kernel.threads-max / vm.max_map_count | "
                + Limits.sysctl("/proc/sys/kernel/pid_max") + " / " + Limits.sysctl("/proc/sys/kernel/threads-max") + " / "
                + Limits.sysctl("/proc/sys/vm/max_map_count") + " (every thread takes a pid, and its stack two memory"
                + " mappings) |");
        line("| memory available | " + n(Limits.availableMiB()) + " MiB at the end of the run; instance heap -Xmx"
                + r.appXmx + " |");
        line("| most subscribers one run can hold here | " + n(r.capacity) + " (" + r.capacityWhy + ") |");
        line();
    }

    private void setup() {
        machine(false);
        line("| livedrop instance | `" + run.appCommand + "` |");
        line("| subscribers' client | JDK `java.net.http.HttpClient` WebSocket, one client (1 selector thread, 2 executor"
                + " threads) for all subscribers; handshakes at most " + o.connectConcurrency + " in flight |");
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
                            + o.deliveryTimeout.toSeconds() + " s (or 15 s without a new delivery).");
                }
                if (x.duplicates() > 0) {
                    notes.add(c.label + ", start " + x.number() + ": " + x.duplicates() + " subscribers were told twice.");
                }
            }
            if (c.acked < c.planned) {
                notes.add("**" + c.label + ": only " + n(c.acked) + " of " + n(c.planned) + " subscribers got their"
                        + " connection_ack** (failures: " + c.failures + "; closed by the server: " + c.closes + ").");
            }
        }
        for (Cohort c : r.cohorts) {
            if (c.acked >= 1000 && c.appThreads >= 0.9 * c.acked) {
                notes.add("**The instance runs one thread per WebSocket session**: with " + n(c.acked) + " subscribers ("
                        + c.label + ") it had " + n(c.appThreads) + " threads (" + c.appThreadNames + "). The names are"
                        + " Spring GraphQL's: its WebMVC GraphQlWebSocketHandler gives each session a"
                        + " `Schedulers.newSingle(\"GraphQL-WsSession-<id>\")`. Every delivery therefore wakes one more"
                        + " thread, and 100,000 subscribers need 100,000 threads in one process: more than kernel.pid_max ("
                        + Limits.sysctl("/proc/sys/kernel/pid_max") + ") and, with two mappings per thread stack,"
                        + " vm.max_map_count (" + Limits.sysctl("/proc/sys/vm/max_map_count") + ") allow here, even with the"
                        + " open-files limit lifted.");
                break;
            }
        }
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
