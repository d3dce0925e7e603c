package io.livedrop.bench.updates;

import static io.livedrop.bench.Formats.ms;
import static io.livedrop.bench.Formats.n;

import io.livedrop.bench.AppInstance;
import io.livedrop.bench.BenchRun;
import io.livedrop.bench.Cli;
import io.livedrop.bench.Http;
import io.livedrop.bench.KafkaBroker;
import io.livedrop.bench.Markdown;
import io.livedrop.bench.OrderStampede;
import io.livedrop.bench.ProcCpu;
import io.livedrop.bench.Progress;
import io.livedrop.bench.Tokens;
import io.livedrop.bench.Waits;
import io.livedrop.bench.notify.Documents;
import io.livedrop.bench.notify.Swarm;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * The dropUpdates stampede benchmark (issue 16, point 4): one broker and ONE livedrop instance as child processes; W
 * watchers subscribe to {@code dropUpdates} of one drop on the instance's edge socket with the web page's own document
 * (read from the jar), then an open-loop order stampede ({@link OrderStampede}) sells the drop out. Each stampede with
 * W watchers follows the same stampede on a drop nobody watches: the difference of the instance's CPU (utime + stime
 * over the same window from the first order) is what the updates cost. Each watcher's SOLD_OUT with 0 left is timed
 * from that update's {@code at} (the ledger's decidedAt of the order that took the last unit). Exit status 0 when every
 * watcher saw it and every stampede passed its checks. Known gap: the watchers' JVM and the broker share the
 * machine's cores with the instance.
 */
public record UpdatesBenchmark(UpdatesOptions o, AppInstance app, Http http, OrderStampede orders, String document,
                               String product, Map<String, Long> pids) {

    static final String INSTANCE = "livedrop instance";
    static final String BENCH = "bench JVM (orders, watchers)";

    /** One stampede, watched by {@code watchers} (0: the baseline, no swarm); per watcher: messages per second. */
    record Stampede(String label, int watchers, Swarm.Stats swarm, OrderStampede.Outcome orders, double sellingSeconds,
                    long messages, double[] rates, Histogram soldOutMicros, Map<String, Double> cores,
                    double windowSeconds) {
        int missed() {
            return watchers - (int) soldOutMicros.getTotalCount();
        }

        double instanceCpu() {
            return cores.get(INSTANCE) * windowSeconds;
        }

        double rate(double percentile) {
            return rates.length == 0 ? Double.NaN : rates[(int) Math.min(rates.length - 1, rates.length * percentile)];
        }
    }

    private static final Tokens TOKENS = new Tokens(Tokens.SECRET);
    private static final Instant MINTED = Instant.now();

    public static void main(String[] args) throws Exception {
        System.exit(Cli.run(args, new UpdatesOptions(), o -> "livedrop dropUpdates stampede benchmark",
                UpdatesBenchmark::run));
    }

    private static int run(UpdatesOptions o, BenchRun run) throws Exception {
        Path jar = run.snapshot(o.app.appJar);
        if (jar == null) {
            return 2;
        }
        String document = Documents.page(jar, "dropUpdates");
        List<Stampede> results = new ArrayList<>();
        // closed in reverse: the instance before the broker, whose absence would hold up its shutdown
        try (run; KafkaBroker broker = run.startBroker(o.app.broker);
             AppInstance app = new AppInstance("U", jar, broker.bootstrapServers(), run.work.resolve("home-U"),
                     run.logDir, Map.of(), o.app.appArgs());
             OrderStampede orders = new OrderStampede(broker.bootstrapServers())) {
            Http http = new Http();
            app.awaitReady(http, Duration.ofSeconds(180));
            run.appCommand = app.commandForReport();
            UpdatesBenchmark bench = new UpdatesBenchmark(o, app, http, orders, document, http.upsertProduct(app.url(),
                    "Stampede product", token("creator", "CREATOR")), Map.of(INSTANCE, app.pid(), "broker",
                    broker.pid(), BENCH, ProcessHandle.current().pid()));
            bench.stampede("warm-up", o.watchers);
            for (int r = 1; r <= o.runs; r++) {
                results.add(bench.stampede("baseline " + r, 0));
                results.add(bench.stampede("watched " + r, o.watchers));
            }
        } catch (Exception | Error e) {
            run.failed(e);
        }
        Path report = new Report(o, run, results, document).write();
        return run.exit(report, !results.isEmpty() && results.stream().allMatch(s -> s.missed() == 0
                && s.orders().ok()), "every watcher saw SOLD_OUT with 0 left; every stampede sold out, passed its"
                + " checks", "SOME WATCHERS NEVER SAW SOLD_OUT/0, OR A STAMPEDE FAILED ITS CHECKS");
    }

    private static String token(String user, String... roles) {
        return TOKENS.mint(user, List.of(roles), Duration.ofHours(3), MINTED);
    }

    /** A new drop, its watchers subscribed (each got the drop as it is), the stampede, every watcher's SOLD_OUT. */
    private Stampede stampede(String label, int watchers) {
        String dropId = http.scheduleDrop(app.url(), product, o.stock, 1999, token("creator", "CREATOR"));
        http.awaitLive(app.url(), List.of(dropId));
        Watchers seen = new Watchers(watchers);
        try (Swarm swarm = watchers == 0 ? null : new Swarm(label, watchers, "ws://HOST:" + app.edgePort + "/graphql",
                document, "{\"id\":\"" + dropId + "\"}", false, i -> token("watcher-" + i), seen)) {
            if (swarm != null) {
                swarm.open(256, Duration.ofSeconds(120 + watchers / 100));
            }
            int accepted = swarm == null ? 0 : swarm.accepted();
            Waits.await(() -> seen.first.get() >= accepted, Duration.ofSeconds(60));
            Waits.pause(Duration.ofSeconds(2));
            ProcCpu before = ProcCpu.snapshot(pids);
            long t0 = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
            long t0Micros = micros(Instant.now()) + 20_000;
            seen.countFromMicros = t0Micros;
            Progress.say("%s: %,d orders/s for %s on drop %s of %,d units, %,d watchers", label, o.rate, o.duration,
                    dropId, o.stock, accepted);
            OrderStampede.Outcome out = orders.run(dropId, o.stock, o.rate, o.duration, t0, Duration.ofMinutes(2));
            Waits.await(() -> seen.soldOut.get() >= accepted, Duration.ofSeconds(30));
            Waits.until(t0 + o.cpuWindow.toNanos());
            ProcCpu after = ProcCpu.snapshot(pids);
            Histogram h = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
            long at = seen.soldOutAt == null ? 0 : micros(seen.soldOutAt);
            double[] rates = IntStream.range(0, watchers).filter(i -> seen.soldOutMicros.get(i) > 0).mapToDouble(i -> {
                h.recordValue(Math.min(h.getHighestTrackableValue(), Math.max(0, seen.soldOutMicros.get(i) - at)));
                return seen.messages.get(i) / Math.max(1e-6, (seen.soldOutMicros.get(i) - t0Micros) / 1e6);
            }).sorted().toArray();
            Stampede s = new Stampede(label, watchers, swarm == null ? null : swarm.stats(), out,
                    seen.soldOutAt == null ? Double.NaN : (at - t0Micros) / 1e6,
                    IntStream.range(0, watchers).mapToLong(seen.messages::get).sum(), rates, h,
                    after.sinceWithIrq(before), (after.nanos() - before.nanos()) / 1e9);
            Progress.say("%s: %,.0f decisions/s, %,d messages, %.1f/s per watcher; SOLD_OUT/0 − at max %.0f ms, %,d"
                    + " never saw it; %s; cores over %.1f s: %s", label, out.decisionsPerSecond(), s.messages(),
                    s.rate(0.5), h.getMaxValue() / 1e3, s.missed(), out.checks(), s.windowSeconds(),
                    ProcCpu.format(s.cores()));
            return s;
        }
    }

    static long micros(Instant t) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, t);
    }

    /** Per watcher (the swarm's next frames): messages since the stampede began, the first SOLD_OUT/0 and its at. */
    static final class Watchers implements Swarm.NextFrames {
        // in the page's selection order: at drop { id status ... remainingStock ... }
        static final Pattern SOLD_OUT = Pattern.compile("\"at\":\"([^\"]+)\",\"drop\":\\{\"id\":\"[^\"]+\","
                + "\"status\":\"SOLD_OUT\"[^{}]*\"remainingStock\":0[,}]");
        final AtomicIntegerArray messages;
        final AtomicLongArray soldOutMicros;
        final AtomicInteger first = new AtomicInteger();
        final AtomicInteger soldOut = new AtomicInteger();
        volatile long countFromMicros = Long.MAX_VALUE;
        volatile Instant soldOutAt;

        Watchers(int size) {
            messages = new AtomicIntegerArray(size);
            soldOutMicros = new AtomicLongArray(size);
        }

        @Override
        public void frame(int watcher, long receivedMicros, String text) {
            if (receivedMicros < countFromMicros) {
                first.incrementAndGet(); // the drop as it is
                return;
            }
            messages.incrementAndGet(watcher);
            Matcher m = text.contains("SOLD_OUT") ? SOLD_OUT.matcher(text) : null; // the others are only counted
            if (m != null && m.find() && soldOutMicros.compareAndSet(watcher, 0, receivedMicros)) {
                soldOutAt = Instant.parse(m.group(1));
                soldOut.incrementAndGet();
            }
        }
    }

    /** The report: the targets, every stampede, and what the updates cost (each watched stampede − its baseline). */
    static final class Report extends Markdown {
        private final UpdatesOptions o;
        private final List<Stampede> all;
        private final List<Stampede> watched;
        private final String document;

        Report(UpdatesOptions o, BenchRun run, List<Stampede> all, String document) {
            super(run, o.out, o.name);
            this.o = o;
            this.all = all;
            this.watched = all.stream().filter(s -> s.watchers() > 0).toList();
            this.document = document.replaceAll("\\s+", " ");
        }

        @Override
        protected void sections() {
            paragraph("# dropUpdates stampede benchmark");
            line(produced());
            line();
            failure();
            sharedMachine();
            paragraph(String.format(Locale.ROOT, "ONE livedrop instance. %,d watchers subscribe to one drop on its edge"
                    + " socket with the page's document `%s` (`{\"id\": <drop>}`); then %,d order requests/s (open"
                    + " loop, 5 %% retries) go to the requests topic for %.0f s, on %,d units. Each of the %d watched"
                    + " stampede(s) follows its baseline, the same stampede on a drop nobody watches; an unreported"
                    + " watched warm-up comes first. CPU: utime + stime (/proc) over %.0f s from the first order."
                    + " Sell-out: the `at` of the SOLD_OUT update (the ledger's decidedAt of the last unit).",
                    o.watchers, document, o.rate, o.duration.toMillis() / 1e3, o.stock, o.runs,
                    o.cpuWindow.toMillis() / 1e3));
            paragraph("## Targets");
            table("| target | measured (each watched stampede) | met |");
            row("every watcher sees SOLD_OUT with 0 left ≤ 1 s after the sell-out", "max " + each(s -> ms(s
                    .soldOutMicros().getMaxValue() / 1e3)) + " ms; never saw it " + each(s -> n(s.missed())),
                    watched.stream().allMatch(s -> s.missed() == 0 && s.soldOutMicros().getMaxValue() <= 1e6));
            row("messages per watcher per second ≤ about 10 (11: the final SOLD_OUT comes at once)", "p50 " + each(s
                    -> ms(s.rate(0.5))) + ", max " + each(s -> ms(s.rate(1))), watched.stream().allMatch(s -> s.rate(1)
                    <= 11));
            paragraph("\n## Stampedes");
            paragraph("Per watcher: messages from the first order to its SOLD_OUT/0 over that time; that SOLD_OUT/0's"
                    + " arrival − its `at`. Cores over the window: instance / broker / benchmark JVM / machine + irq.");
            table("| stampede | watchers (accepted) | decisions/s | sold out after s | messages | per watcher /s p50 /"
                    + " max | SOLD_OUT/0 p50 / p99 / max ms | never saw SOLD_OUT/0 | instance CPU s | cores | checks"
                    + " |");
            for (Stampede s : all) {
                Histogram h = s.soldOutMicros();
                row(s.label(), s.swarm() == null ? "0" : n(s.watchers()) + " (" + n(s.swarm().accepted()) + ")",
                        n(s.orders().decisionsPerSecond()), ms(s.sellingSeconds()), n(s.messages()), ms(s.rate(0.5))
                        + " / " + ms(s.rate(1)), ms(h.getValueAtPercentile(50) / 1e3) + " / " + ms(h
                        .getValueAtPercentile(99) / 1e3) + " / " + ms(h.getMaxValue() / 1e3), n(s.missed()) + (s.swarm()
                        == null || s.swarm().closedByServer() == 0 ? "" : " (closed: " + s.swarm().closes() + ")"),
                        ms(s.instanceCpu()), String.format(Locale.ROOT, "%.2f / %.2f / %.2f / %.2f", s.cores()
                        .get(INSTANCE), s.cores().get("broker"), s.cores().get(BENCH), s.cores().get(ProcCpu.IRQ)),
                        s.orders().checks());
            }
            paragraph("\n## What the updates cost the instance");
            paragraph("Each watched stampede's instance CPU over the window minus its baseline's: in all, as cores over"
                    + " the selling time (first order to sell-out), and per message (the sessions' pings included).");
            table("| stampedes | Δ instance CPU s | Δ cores while selling | messages | µs per message |");
            List<double[]> d = IntStream.range(0, Math.min(all.size() / 2, watched.size())).mapToObj(i -> {
                double delta = all.get(2 * i + 1).instanceCpu() - all.get(2 * i).instanceCpu();
                Stampede w = all.get(2 * i + 1);
                return new double[] {delta, delta / w.sellingSeconds(), w.messages(), delta * 1e6 / w.messages()};
            }).toList();
            for (int i = 0; i <= d.size(); i++) {
                int row = i;
                row(Stream.concat(Stream.of(i < d.size() ? "baseline → watched " + (i + 1) : "**median**"), IntStream
                        .range(0, 4).mapToObj(c -> ms(row < d.size() ? d.get(row)[c] : median(d, c)))).toArray());
            }
            line();
            machine(false);
            row("livedrop instance", "`" + run.appCommand + "`");
            loadAverages("the machine is shared");
            cpuLoad();
            line();
        }

        private String each(Function<Stampede, String> f) {
            return watched.stream().map(f).toList().toString();
        }

        private void row(String target, String measured, boolean met) {
            row(target, measured, met ? "yes" : "**no**");
        }

        private static double median(List<double[]> rows, int column) {
            double[] v = rows.stream().mapToDouble(r -> r[column]).sorted().toArray();
            return v.length == 0 ? Double.NaN : (v[(v.length - 1) / 2] + v[v.length / 2]) / 2;
        }
    }
}
