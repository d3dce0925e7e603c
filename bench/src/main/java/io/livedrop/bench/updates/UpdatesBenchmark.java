package io.livedrop.bench.updates;

import io.livedrop.bench.AppInstance;
import io.livedrop.bench.BenchRun;
import io.livedrop.bench.Cli;
import io.livedrop.bench.Http;
import io.livedrop.bench.KafkaBroker;
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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
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
public final class UpdatesBenchmark {

    static final String INSTANCE = "livedrop instance";
    static final String BENCH = "bench JVM (orders, watchers)";

    /** One stampede, watched by {@code watchers} (0: the baseline, no swarm); per watcher: messages per second. */
    record Stampede(String label, int watchers, Swarm.Stats swarm, OrderStampede.Outcome orders, double sellingSeconds,
                    long messages, double[] rates, Histogram soldOutMicros, Map<String, Double> cores,
                    double windowSeconds) {
        int missed() {
            return watchers - (int) soldOutMicros.getTotalCount();
        }

        /** CPU seconds of the instance over the window. */
        double instanceCpu() {
            return cores.get(INSTANCE) * windowSeconds;
        }

        double rate(double percentile) {
            return rates.length == 0 ? Double.NaN : rates[(int) Math.min(rates.length - 1, rates.length * percentile)];
        }
    }

    private final UpdatesOptions o;
    private final AppInstance app;
    private final Http http = new Http();
    private final OrderStampede orders;
    private final String document;
    private final Map<String, Long> pids;
    private final Tokens tokens = new Tokens(Tokens.SECRET);
    private final Instant minted = Instant.now();
    private String product;

    private UpdatesBenchmark(UpdatesOptions o, AppInstance app, OrderStampede orders, String document,
                             Map<String, Long> pids) {
        this.o = o;
        this.app = app;
        this.orders = orders;
        this.document = document;
        this.pids = pids;
    }

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
            UpdatesBenchmark bench = new UpdatesBenchmark(o, app, orders, document, Map.of(INSTANCE, app.pid(),
                    "broker", broker.pid(), BENCH, ProcessHandle.current().pid()));
            app.awaitReady(bench.http, Duration.ofSeconds(180));
            run.appCommand = app.commandForReport();
            bench.product = bench.http.upsertProduct(app.url(), "Stampede product", bench.token("creator", "CREATOR"));
            bench.stampede("warm-up", o.watchers);
            for (int r = 1; r <= o.runs; r++) {
                results.add(bench.stampede("baseline " + r, 0));
                results.add(bench.stampede("watched " + r, o.watchers));
            }
        } catch (Exception | Error e) {
            run.failed(e);
        }
        Path report = new UpdatesReport(o, run, results, document).write();
        return run.exit(report, !results.isEmpty() && results.stream().allMatch(s -> s.missed() == 0
                && s.orders().ok() && s.orders().soldOutAt() != null), "every watcher saw SOLD_OUT with 0 left; every"
                + " stampede passed its checks", "SOME WATCHERS NEVER SAW SOLD_OUT/0, OR A STAMPEDE FAILED ITS CHECKS");
    }

    private String token(String user, String... roles) {
        return tokens.mint(user, List.of(roles), Duration.ofHours(3), minted);
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
            OrderStampede.Outcome out = orders.run(dropId, o.stock, o.rate, o.duration, t0, o.cpuWindow);
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
                    out.soldOutAt() == null ? Double.NaN : (micros(out.soldOutAt()) - t0Micros) / 1e6,
                    IntStream.range(0, watchers).mapToLong(seen.messages::get).sum(), rates, h,
                    after.sinceWithIrq(before), (after.nanos() - before.nanos()) / 1e9);
            Progress.say("%s: %,.0f decisions/s, sold out %.2f s in; %,d messages, %.1f/s per watcher (max %.1f);"
                    + " SOLD_OUT/0 − at p50 %.0f, max %.0f ms; %,d never saw it; %s; cores over %.1f s: %s", label,
                    out.decisionsPerSecond(), s.sellingSeconds(), s.messages(), s.rate(0.5), s.rate(1),
                    h.getValueAtPercentile(50) / 1000.0, h.getMaxValue() / 1000.0, s.missed(), out.checks(),
                    s.windowSeconds(), ProcCpu.format(s.cores()));
            return s;
        }
    }

    static long micros(Instant t) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, t);
    }

    /**
     * What the watchers saw (the swarm's {@code next} frames): the first message (the drop as it is), the messages
     * since the stampede began, the arrival of the first SOLD_OUT with 0 left and its {@code at}. The pattern follows
     * the page's selection order ({@code at drop { id status ... remainingStock ...} }).
     */
    static final class Watchers implements Swarm.NextFrames {
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
                first.incrementAndGet();
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
}
