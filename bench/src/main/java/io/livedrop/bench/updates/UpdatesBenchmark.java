package io.livedrop.bench.updates;

import static io.livedrop.bench.Formats.median;
import static io.livedrop.bench.Formats.ms;
import static io.livedrop.bench.Formats.n;
import static java.util.concurrent.TimeUnit.NANOSECONDS;

import io.livedrop.bench.AppInstance;
import io.livedrop.bench.AppOptions;
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
import java.util.concurrent.CompletableFuture;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The dropUpdates stampede benchmark (issue 16, point 4; method: docs/benchmarks/updates-method.md): W watchers of one
 * drop on the edge of ONE livedrop instance while an order stampede ({@link OrderStampede}) sells it out, each watched
 * stampede after the same one unwatched. Exit status 0 when every watcher saw SOLD_OUT with 0 left and every stampede
 * passed its checks. Known gap: the watchers' JVM and the broker share the machine's cores with the instance.
 */
public record UpdatesBenchmark(Options o, AppInstance app, Http http, OrderStampede orders, String document,
                               String product, Map<String, Long> pids) {

    static final String INSTANCE = "livedrop instance";
    static final String BENCH = "bench JVM (orders, watchers)";
    private static final Tokens TOKENS = new Tokens(Tokens.SECRET);
    private static final Instant MINTED = Instant.now();

    @Command(name = "bench/run updates", description = {"dropUpdates stampede benchmark: W watchers of one drop on the"
            + " edge of ONE instance while an order stampede sells it out, against the same stampede unwatched.", ""})
    static final class Options extends Cli.Options {
        @Option(names = "--watchers", defaultValue = "10000", description = "watchers (default 10000; quick 1000)")
        int watchers;
        @Option(names = "--rate", defaultValue = "30000", description = "order requests/s (default 30000; quick 5000)")
        int rate;
        @Option(names = "--duration", defaultValue = "4", description = "seconds of orders per stampede (default 4)")
        Duration duration;
        @Option(names = "--stock", description = "units per drop (default rate x duration / 2)")
        Integer stock;
        @Option(names = "--runs", defaultValue = "3", description = "watched stampedes, each after one unwatched"
                + " (default 3; quick 1)")
        int runs;
        @Option(names = "--cpu-window", defaultValue = "15", description = "seconds from the first order over which CPU"
                + " is measured; to outlast the decisions and updates (default 15; quick 10)")
        Duration cpuWindow;
        @Mixin
        AppOptions app = new AppOptions();

        @Override
        protected Map<String, String> quickDefaults() {
            return Map.of("--watchers", "1000", "--rate", "5000", "--runs", "1", "--cpu-window", "10");
        }

        @Override
        protected void check() {
            Cli.requireBroker(app.broker);
            stock = stock != null ? stock : (int) Math.max(1, rate * duration.toMillis() / 2000);
            Cli.require(watchers >= 1 && rate >= 1 && duration.toMillis() >= 1000 && runs >= 1 && stock >= 1
                    && stock < rate * duration.toMillis() / 1000 * 0.95 && cpuWindow.compareTo(duration) > 0,
                    "Out-of-range value: counts >= 1, duration >= 1 s, cpu-window > duration, stock < 95 % of orders");
        }
    }

    /** One stampede, watched by {@code watchers} (0: no swarm); per watcher: messages per second, sorted. */
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

    public static void main(String[] args) throws Exception {
        System.exit(Cli.run(args, new Options(), o -> "livedrop dropUpdates stampede benchmark",
                UpdatesBenchmark::run));
    }

    private static int run(Options o, BenchRun run) throws Exception {
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
        Swarm swarm = watchers == 0 ? null : new Swarm(label, watchers, "ws://HOST:" + app.edgePort + "/graphql",
                document, "{\"id\":\"" + dropId + "\"}", false, i -> token("watcher-" + i), seen);
        try {
            if (swarm != null) {
                swarm.open(256, Duration.ofSeconds(120 + watchers / 100));
            }
            int accepted = swarm == null ? 0 : swarm.accepted();
            Waits.await(() -> seen.first.get() >= accepted, Duration.ofSeconds(60));
            Waits.pause(Duration.ofSeconds(2));
            ProcCpu before = ProcCpu.snapshot(pids);
            long t0 = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
            // at the window's end, however long the decisions and updates take, so that every window is the same
            CompletableFuture<ProcCpu> end = CompletableFuture.supplyAsync(() -> ProcCpu.snapshot(pids),
                    CompletableFuture.delayedExecutor(t0 + o.cpuWindow.toNanos() - System.nanoTime(), NANOSECONDS));
            seen.countFromMicros = micros(Instant.now()) + 20_000;
            Progress.say("%s: %,d orders/s for %s on %s (%,d units), %,d watchers", label, o.rate, o.duration, dropId,
                    o.stock, accepted);
            OrderStampede.Outcome out = orders.run(dropId, o.stock, o.rate, o.duration, t0, Duration.ofMinutes(2));
            Waits.await(() -> seen.soldOut.get() >= accepted, Duration.ofSeconds(30));
            ProcCpu after = end.join();
            Histogram h = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
            long at = seen.soldOutAt == null ? 0 : micros(seen.soldOutAt);
            double[] rates = IntStream.range(0, watchers).filter(i -> seen.soldOutMicros.get(i) > 0).mapToDouble(i -> {
                h.recordValue(Math.min(h.getHighestTrackableValue(), Math.max(0, seen.soldOutMicros.get(i) - at)));
                return seen.messages.get(i) / Math.max(1e-6, (seen.soldOutMicros.get(i) - seen.countFromMicros) / 1e6);
            }).sorted().toArray();
            Stampede s = new Stampede(label, watchers, swarm == null ? null : swarm.stats(), out, seen.soldOutAt == null
                    ? Double.NaN : (at - seen.countFromMicros) / 1e6, IntStream.range(0, watchers)
                    .mapToLong(seen.messages::get).sum(), rates, h, after.sinceWithIrq(before),
                    (after.nanos() - before.nanos()) / 1e9);
            Progress.say("%s: %,.0f decisions/s, %,d messages, %.1f/s per watcher; SOLD_OUT/0 − at max %.0f ms, %,d"
                    + " never saw it; %s; cores over %.1f s: %s", label, out.decisionsPerSecond(), s.messages(),
                    s.rate(0.5), h.getMaxValue() / 1e3, s.missed(), out.checks(), s.windowSeconds(),
                    ProcCpu.format(s.cores()));
            return s;
        } finally {
            close(swarm);
        }
    }

    /** On a loaded machine the swarm's event loops may take longer than its 5 s to stop: no measurement failed. */
    private static void close(Swarm swarm) {
        try {
            if (swarm != null) {
                swarm.close();
            }
        } catch (RuntimeException e) {
            Progress.say("closing the watchers: %s", e);
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

    /** The report: the targets, every stampede, what the updates cost (each watched stampede − its baseline). */
    static final class Report extends Markdown {
        private final Options o;
        private final List<Stampede> all;
        private final List<Stampede> watched;
        private final String document;

        Report(Options o, BenchRun run, List<Stampede> all, String document) {
            super(run, o.out, o.name);
            this.o = o;
            this.all = all;
            this.watched = all.stream().filter(s -> s.watchers() > 0).toList();
            this.document = document.replaceAll("\\s+", " ");
        }

        @Override
        protected void sections() {
            paragraph("# dropUpdates stampede benchmark");
            paragraph(produced() + " Method and columns: [updates-method.md](updates-method.md).");
            failure();
            sharedMachine();
            paragraph(String.format(Locale.ROOT, "%,d watchers of one drop, document `%s`; %,d order requests/s for"
                    + " %.0f s on %,d units; %d watched stampede(s), each after its baseline; CPU over %.0f s from the"
                    + " first order.", o.watchers, document, o.rate, o.duration.toMillis() / 1e3, o.stock, o.runs,
                    o.cpuWindow.toMillis() / 1e3));
            paragraph("**Targets** (each watched stampede): every watcher sees SOLD_OUT with 0 left ≤ 1 s after the"
                    + " sell-out: " + met(watched.stream().allMatch(s -> s.missed() == 0 && s.soldOutMicros()
                    .getMaxValue() <= 1e6)) + " (max " + each(s -> ms(s.soldOutMicros().getMaxValue() / 1e3)) + " ms;"
                    + " never saw it " + each(s -> n(s.missed())) + "); messages per watcher per second ≤ about 10"
                    + " (11): " + met(watched.stream().allMatch(s -> s.rate(1) <= 11)) + " (max " + each(s -> ms(s
                    .rate(1))) + ").");
            paragraph("## Stampedes");
            table("| stampede | watchers (accepted) | decisions/s | sold out after s | messages | per watcher /s p50 /"
                    + " max | SOLD_OUT/0 p50 / p99 / max ms | never saw SOLD_OUT/0 | instance CPU s | cores: instance"
                    + " / broker / bench / machine + irq | checks |");
            for (Stampede s : all) {
                Histogram h = s.soldOutMicros();
                row(s.label(), s.swarm() == null ? "0" : n(s.watchers()) + " (" + n(s.swarm().accepted()) + ")",
                        n(s.orders().decisionsPerSecond()), ms(s.sellingSeconds()), n(s.messages()), ms(s.rate(0.5))
                        + " / " + ms(s.rate(1)), s.swarm() == null ? "" : ms(h.getValueAtPercentile(50) / 1e3) + " / "
                        + ms(h.getValueAtPercentile(99) / 1e3) + " / " + ms(h.getMaxValue() / 1e3), n(s.missed()) + (s.swarm()
                        == null || s.swarm().closedByServer() == 0 ? "" : " (closed: " + s.swarm().closes() + ")"),
                        ms(s.instanceCpu()), String.format(Locale.ROOT, "%.2f / %.2f / %.2f / %.2f", s.cores()
                        .get(INSTANCE), s.cores().get("broker"), s.cores().get(BENCH), s.cores().get(ProcCpu.IRQ)),
                        s.orders().checks());
            }
            paragraph("\n## What the updates cost the instance");
            table("| stampedes | Δ instance CPU s | Δ cores while selling | messages | µs per message |");
            List<double[]> d = IntStream.range(0, Math.min(all.size() / 2, watched.size())).mapToObj(i -> {
                double delta = all.get(2 * i + 1).instanceCpu() - all.get(2 * i).instanceCpu();
                Stampede w = all.get(2 * i + 1);
                return new double[] {delta, delta / w.sellingSeconds(), w.messages(), delta * 1e6 / w.messages()};
            }).toList();
            for (int i = 0; i <= d.size(); i++) {
                int row = i;
                row(Stream.concat(Stream.of(i < d.size() ? "baseline → watched " + (i + 1) : "**median**"), IntStream
                        .range(0, 4).mapToObj(c -> ms(row < d.size() ? d.get(row)[c]
                        : median(d.stream().mapToDouble(x -> x[c]))))).toArray());
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

        private static String met(boolean met) {
            return met ? "**met**" : "**NOT met**";
        }
    }
}
