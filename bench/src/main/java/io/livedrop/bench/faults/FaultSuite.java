package io.livedrop.bench.faults;

import io.livedrop.bench.BenchRun;
import io.livedrop.bench.Cli;
import io.livedrop.bench.Daemons;
import io.livedrop.bench.Dirs;
import io.livedrop.bench.Formats;
import io.livedrop.bench.Progress;
import io.livedrop.bench.Waits;
import io.livedrop.events.order.OrderDecision;
import io.livedrop.topology.order.OrderIds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.LongSummaryStatistics;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The fault suite (see {@link FaultOptions} and docs/reliability.md): the guarantees of API.md ("Semantics")
 * checked under faults, each scenario under an order stampede over two livedrop instances. Writes OUT/NAME.md; exit
 * status 0 when every scenario ran and no invariant was violated, 1 otherwise, 2 for a bad command line.
 */
public final class FaultSuite {


    private FaultSuite() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args));
    }

    public static int run(String[] args) throws Exception {
        return Cli.run(args, new FaultOptions(), o -> "livedrop fault suite, scenarios " + o.scenarios, FaultSuite::run);
    }

    private static int run(FaultOptions o, BenchRun run) throws Exception {
        Path jar = run.snapshot(o.appJar);
        if (jar == null) {
            return 2;
        }
        List<Verdict> verdicts = new ArrayList<>();
        String warmup = "none";
        try (run; Harness h = new Harness(jar, run.work, run.logDir)) {
            run.appCommand = h.appCommand;
            run.broker = h.broker.description();
            warmup = warmUp(h, o);
            for (int s : o.scenarios) {
                List<Verdict> vs = switch (s) {
                    case 1 -> killAndRestart(h, o, o.scenarios.contains(5));
                    case 2 -> List.of(BrokerRestart.run(h, o, BrokerRestart.Variant.CLEAN),
                            BrokerRestart.run(h, o, BrokerRestart.Variant.KILL),
                            BrokerRestart.run(h, o, BrokerRestart.Variant.KILL_LONG));
                    case 3 -> List.of(freezeAndResume(h, o));
                    case 4 -> List.of(Rescaling.run(h, o));
                    case 5 -> o.scenarios.contains(1) ? List.<Verdict>of() : killAndRestart(h, o, true).subList(1, 2);
                    case 7 -> List.of(stateDirectoryDeleted(h, o));
                    case 8 -> List.of(HostileClients.run(h, o));
                    case 6 -> List.of(PoisonPills.run(h, o));
                    default -> throw new IllegalStateException("scenario " + s);
                };
                for (Verdict v : vs) {
                    verdicts.add(v);
                    Progress.say("scenario %s: %s", v.scenario, v.clean() ? "no violation"
                            : v.violations.size() + " VIOLATION(S)");
                }
            }
        } catch (Exception | Error e) {
            run.failed(e);
        }
        FaultReport report = new FaultReport(o, run, verdicts, warmup);
        return run.exit(report.write(), report.clean(), "every scenario ran; no invariant violated",
                "VIOLATIONS OR FAILURES (see the report)");
    }

    /** Unmeasured load before the first scenario, so that scenarios meet warm JVMs; the p99 of its first/last 10 s. */
    static String warmUp(Harness h, FaultOptions o) {
        if (o.warmup.isZero()) {
            return "none";
        }
        Progress.say("warm-up: %d s of load at %d orders/s (not measured)", o.warmup.toSeconds(), o.rate);
        List<String> drops = h.createDrops(o.stock * 10);
        Instant start = Instant.now();
        Stampede s = new Stampede(h, "warmup", drops, o.rate).start();
        Waits.pause(o.warmup);
        s.stop();
        Instant end = Instant.now();
        Waits.pause(Duration.ofSeconds(5));
        Decisions.Snapshot snap = Decisions.read(h, new HashSet<>(drops));
        Histogram first = new Histogram(3);
        Histogram last = new Histogram(3);
        snap.byOrder().values().stream().flatMap(List::stream).forEach(d -> {
            long ms = Math.max(1, Duration.between(d.getRequestedAt(), d.getDecidedAt()).toMillis());
            if (d.getRequestedAt().isBefore(start.plusSeconds(10))) {
                first.recordValue(ms);
            } else if (d.getRequestedAt().isAfter(end.minusSeconds(10))) {
                last.recordValue(ms);
            }
        });
        String figure = String.format(Locale.ROOT, "%d s at %d orders/s, %,d orders decided; the topology's"
                        + " requestedAt → decidedAt p99 %,d ms in its first 10 s, %,d ms in its last 10 s",
                o.warmup.toSeconds(), o.rate, snap.byOrder().size(), first.getValueAtPercentile(99),
                last.getValueAtPercentile(99));
        Progress.say("warm-up done: %s", figure);
        return figure;
    }

    /**
     * Scenario 1, and with {@code oneKey} scenario 5 on the same restart: one key 100× at once via A and B before the
     * kill, 10× more once B is ready (the key on B's drop); one order id, one decision.
     */
    static List<Verdict> killAndRestart(Harness h, FaultOptions o, boolean oneKey) throws IOException {
        Verdict v = new Verdict("1. kill -9 one instance mid-stampede, restart it");
        Verdict v5 = oneKey ? new Verdict("5. one idempotency key 100× concurrently, and again after a restart") : null;
        Stampede s = h.load("s1", o);
        String victimOwner = h.owner(s.drops.get(1));
        Stampede.Order order = new Stampede.Order("s5-same-user", "s5-the-one-key", s.drops.get(1), 1,
                OrderIds.of("s5-same-user", "s5-the-one-key"));
        List<Stampede.Answer> first = oneKey ? burst(h, s, order, 100) : List.of();
        Harness.Instance b = h.b();
        Progress.say("kill -9 instance B (pid %d) after %,d requests; restarting it on the same state", b.app.pid(),
                s.sent);
        long fault = System.nanoTime();
        Instant faultWall = Instant.now();
        b.stop(true);
        b.startReady();
        long ready = System.nanoTime();
        Progress.say("B ready again after %.1f s", (ready - fault) / 1e9);
        List<Stampede.Answer> second = oneKey ? burst(h, s, order, 10) : List.of();
        Waits.pause(o.after);
        s.stop();
        long firstThroughB = firstDecided(s, ready, null, "B");
        List<Stampede.Answer> burst = Stream.concat(first.stream(), second.stream()).toList();
        verifyFault(h, o, v, s, burst, "fault", fault, faultWall, ready, victimOwner);
        v.figures.put("recovery: fault → B ready (Kafka Streams RUNNING, stores queryable)", secs(ready - fault));
        v.figures.put("recovery: fault → first order decided through the restarted B",
                secs(firstThroughB < 0 ? -1 : firstThroughB + (ready - fault)));
        return oneKey ? List.of(v, oneKeyVerdict(h, o, v5, s, order, first, second, fault, ready)) : List.of(v);
    }

    /** Verifies a fault on B: restored once B is ready and its drop decides again; when each happened. */
    static void verifyFault(Harness h, FaultOptions o, Verdict v, Stampede s, List<Stampede.Answer> extraAnswers,
                            String fault, long faultNanos, Instant faultWall, long ready, String victimOwner) {
        String drop = s.drops.get(1);
        long throughA = firstDecided(s, faultNanos, drop, "A");
        long resumed = firstCommittedAfter(v.verifyOrders(h, s, o.stock, extraAnswers), drop, faultWall);
        v.availability(s, faultNanos, Math.max(ready, resumed < 0 ? ready : faultNanos + resumed));
        v.figures.put("recovery: " + fault + " → first committed decision on B's drop (" + drop + ", owner before: "
                + victimOwner + ") of an order placed after the " + fault, secs(resumed));
        v.figures.put(fault + " → first such order answered CONFIRMED/REJECTED through A (within the 2 s wait)",
                secs(throughA));
    }

    /**
     * Nanoseconds from {@code from} to the first decided answer to a new order (not a retry: that may be answered
     * from the index) sent since, through {@code via} on {@code drop} (null: any); -1 if none.
     */
    static long firstDecided(Stampede s, long from, String drop, String via) {
        return s.answers.stream().filter(a -> a.decided() && !a.retry() && a.intendedNanos() >= from
                        && (via == null || a.instance().equals(via))
                        && (drop == null || a.order().dropId().equals(drop)))
                .mapToLong(a -> a.answeredNanos() - from).min().orElse(-1);
    }

    /** From {@code faultWall} to the decidedAt of the first order on {@code drop} requested since; -1 if none. */
    static long firstCommittedAfter(Decisions.Snapshot snap, String drop, Instant faultWall) {
        return snap.byOrder().values().stream().flatMap(List::stream)
                .filter(d -> d.getDropId().equals(drop) && !d.getRequestedAt().isBefore(faultWall))
                .mapToLong(d -> Duration.between(faultWall, d.getDecidedAt()).toNanos()).min().orElse(-1);
    }

    static String secs(long nanos) {
        return nanos < 0 ? "— (none)" : String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }

    static final List<String> FENCING = List.of("ProducerFencedException", "InvalidProducerEpochException",
            "TaskMigratedException", "fenced", "Fenced");

    static long countLog(Path log, List<String> needles) {
        try (Stream<String> lines = Files.lines(log)) {
            return lines.filter(l -> needles.stream().anyMatch(l::contains)).count();
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
    }

    static void signal(long pid, String sig) throws IOException, InterruptedException {
        if (new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).inheritIO().start().waitFor() != 0) {
            throw new IllegalStateException("kill -" + sig + " " + pid + " failed");
        }
    }

    /** SIGSTOP B past its eviction, then SIGCONT: its stale transaction must be fenced, no order decided twice. */
    static Verdict freezeAndResume(Harness h, FaultOptions o) throws Exception {
        Verdict v = new Verdict("3. an instance frozen (SIGSTOP " + o.freeze.toSeconds() + " s), then resumed");
        Harness.Instance b = h.b();
        long fencingBefore = countLog(b.app.log, FENCING);
        Stampede s = h.load("s3", o);
        String victimOwner = h.owner(s.drops.get(1));
        Progress.say("SIGSTOP instance B (pid %d) for %d s", b.app.pid(), o.freeze.toSeconds());
        b.inRotation = false;
        long fault = System.nanoTime();
        Instant faultWall = Instant.now();
        signal(b.app.pid(), "STOP");
        Waits.pause(o.freeze);
        signal(b.app.pid(), "CONT");
        long resumed = System.nanoTime();
        // a pause is not a stuck thread: liveness DOWN would have an orchestrator restart a healthy instance
        Sampler<Boolean> liveness = new Sampler<>("faults-liveness-watch", b::live);
        Progress.say("SIGCONT instance B; waiting for it to be ready");
        try {
            b.awaitReady();
        } catch (RuntimeException e) {
            v.violation("instance B did not recover after SIGCONT: %s", e.getMessage().lines().findFirst().orElse(""));
        }
        long ready = System.nanoTime();
        Progress.say("B ready again %.1f s after the SIGCONT", (ready - resumed) / 1e9);
        Waits.pause(o.after);
        liveness.close();
        s.stop();
        List<Sampler.Sample<Boolean>> answers = liveness.samples;
        long down = answers.stream().filter(a -> !a.value()).count();
        v.figures.put("B's /actuator/health/liveness after the SIGCONT: answers / not UP", answers.size() + " / "
                + down);
        if (down > 0) {
            v.violation("B's liveness was DOWN %d times after the SIGCONT: a pause taken for a stuck stream thread",
                    down);
        }
        verifyFault(h, o, v, s, List.of(), "SIGSTOP", fault, faultWall, ready, victimOwner);
        v.figures.put("recovery: SIGCONT → B ready (readiness UP: RUNNING or REBALANCING)", secs(ready - resumed));
        v.figures.put("recovery: SIGCONT → first order decided through B", secs(firstDecided(s, resumed, null, "B")));
        v.figures.put("log lines of B naming fencing or task migration (ProducerFenced, InvalidProducerEpoch,"
                + " TaskMigrated, fenced)", String.valueOf(countLog(b.app.log, FENCING) - fencingBefore));
        v.figures.put("B alive at the end", String.valueOf(b.app.alive()));
        return v;
    }

    /** B stopped, its state directory deleted, B started: it restores from the changelogs; how fast. */
    static Verdict stateDirectoryDeleted(Harness h, FaultOptions o) throws Exception {
        Verdict v = new Verdict("7. state directory deleted while an instance is down");
        Harness.Instance b = h.b();
        Stampede s = h.load("s7", o);
        long fault = System.nanoTime();
        Progress.say("stopping instance B (SIGTERM)");
        b.stop(false);
        Path state = b.home.resolve("state");
        String size = sizeOf(state);
        Dirs.deleteRecursively(state);
        Progress.say("deleted B's state directory (%s); starting B", size);
        long[] changelog = changelogRecords(h);
        long started = System.nanoTime();
        Sampler<Double> restored = new Sampler<>("faults-restore-watch", () -> restoredRecords(b));
        b.startReady();
        long ready = System.nanoTime();
        Progress.say("B ready %.1f s after its start", (ready - started) / 1e9);
        Waits.pause(o.after);
        restored.close();
        s.stop();
        v.verifyOrders(h, s, o.stock, List.of());
        v.availability(s, fault, ready);
        v.figures.put("state directory deleted", size + "; " + sizeOf(state) + " at the end");
        v.figures.put("changelog offsets (end − beginning; records and transaction markers) orders / social",
                Formats.n(changelog[0]) + " / " + Formats.n(changelog[1]));
        v.figures.put("recovery: B start → ready (RUNNING, stores queryable)", secs(ready - started));
        v.figures.put("restore rate: B's records restored into active tasks + applied to standby/warm-up tasks"
                + " (livedrop_state_restore_records_total, from Kafka Streams' restore listeners)",
                restoreRate(restored.samples, started));
        return v;
    }

    /** The sum of an instance's {@code livedrop_state_restore_records_total}, or null while it does not answer. */
    static Double restoredRecords(Harness.Instance i) {
        List<Double> values = i.metric(l -> l.startsWith("livedrop_state_restore_records_total{"));
        return values == null || values.isEmpty() ? null : values.stream().mapToDouble(Double::doubleValue).sum();
    }

    /**
     * The restore phase: from the start to the first second after the peak that applied at most twice the live rate
     * (that of the last 5 s, new traffic only); its records and rate.
     */
    static String restoreRate(List<Sampler.Sample<Double>> s, long startNanos) {
        if (s.size() < 12) {
            return "too few samples (" + s.size() + ")";
        }
        Sampler.Sample<Double> last = s.get(s.size() - 1);
        Sampler.Sample<Double> fiveBefore = s.stream().filter(x -> x.nanos() <= last.nanos() - 5_000_000_000L)
                .reduce((a, b) -> b).orElse(s.get(0));
        double live = (last.value() - fiveBefore.value()) / ((last.nanos() - fiveBefore.nanos()) / 1e9);
        // the rate over 1 s (two samples) ending at each sample
        double[] rate = IntStream.range(0, s.size()).mapToDouble(i -> i < 2 ? 0 : (s.get(i).value()
                - s.get(i - 2).value()) / ((s.get(i).nanos() - s.get(i - 2).nanos()) / 1e9)).toArray();
        int peak = IntStream.range(0, s.size()).reduce((a, b) -> rate[b] > rate[a] ? b : a).orElse(0);
        int end = IntStream.range(peak, s.size()).filter(i -> rate[i] <= 2 * Math.max(live, 1)).findFirst()
                .orElse(s.size() - 1);
        Sampler.Sample<Double> done = s.get(end);
        double seconds = (done.nanos() - startNanos) / 1e9;
        return String.format(Locale.ROOT, "%,.0f records in %.1f s from the start of the JVM = %,.0f records/s"
                        + " (peak %,.0f records/s over 1 s; afterwards %,.0f records/s of live traffic; %,.0f records"
                        + " by the end)", done.value(), seconds, done.value() / seconds, rate[peak], live,
                last.value());
    }

    /** "N files, M bytes" under {@code dir} (none if it does not exist), -1 of each when it cannot be read. */
    static String sizeOf(Path dir) {
        try (Stream<Path> files = Files.isDirectory(dir) ? Files.walk(dir) : Stream.empty()) {
            LongSummaryStatistics sizes = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length())
                    .summaryStatistics();
            return Formats.n(sizes.getCount()) + " files, " + Formats.n(sizes.getSum()) + " bytes";
        } catch (IOException | UncheckedIOException e) {
            return "-1 files, -1 bytes";
        }
    }

    /** Changelog records (end − beginning offsets): of the orders application, of the social one. */
    static long[] changelogRecords(Harness h) {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                h.broker.bootstrapServers()), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            long[] out = new long[2];
            c.listTopics(Duration.ofSeconds(30)).forEach((topic, partitions) -> {
                if (topic.endsWith("-changelog")) {
                    List<TopicPartition> parts = partitions.stream()
                            .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                    Map<TopicPartition, Long> begin = c.beginningOffsets(parts, Duration.ofSeconds(30));
                    out[topic.startsWith("livedrop-social-") ? 1 : 0] += c.endOffsets(parts, Duration.ofSeconds(30))
                            .entrySet().stream().mapToLong(e -> e.getValue() - begin.get(e.getKey())).sum();
                }
            });
            return out;
        }
    }

    /** Scenario 5's checks: the answers to the one key name one order id, which has one committed decision. */
    static Verdict oneKeyVerdict(Harness h, FaultOptions o, Verdict v, Stampede s, Stampede.Order order,
                                 List<Stampede.Answer> first, List<Stampede.Answer> second, long fault, long ready) {
        List<Stampede.Answer> all = Stream.concat(first.stream(), second.stream()).toList();
        Decisions.Snapshot snap = v.verifyOrders(h, s, o.stock, all);
        v.availability(s, fault, ready);
        List<OrderDecision> ds = snap.byOrder().getOrDefault(order.orderId(), List.of());
        String committed = ds.size() == 1 ? ds.get(0).getStatus().toString() : null;
        if (committed == null) {
            v.violation("the one key has %d committed decisions (expected exactly 1)", ds.size());
        }
        Set<String> ids = all.stream().map(Stampede.Answer::returnedId).filter(Objects::nonNull)
                .collect(Collectors.toSet());
        long decided = all.stream().filter(Stampede.Answer::decided).count();
        long pending = all.stream().filter(Stampede.Answer::pending).count();
        List<String> errors = all.stream().filter(x -> !x.decided() && !x.pending())
                .map(x -> x.instance() + ":" + x.error()).toList();
        if (ids.size() != 1 || !ids.contains(order.orderId())) {
            v.violation("the answers name %d order id(s) %s, expected exactly %s", ids.size(), ids, order.orderId());
        }
        v.figures.put("the one key: answers (before restart + after)", first.size() + " + " + second.size());
        v.figures.put("the one key: order ids named / committed decisions", ids.size() + " / " + ds.size()
                + (committed == null ? "" : " (" + committed + ")"));
        v.figures.put("the one key: answers decided / PENDING / error", decided + " / " + pending + " / "
                + errors.size() + (errors.isEmpty() ? "" : " " + errors.stream().distinct().toList()));
        v.figures.put("recovery: kill -9 of B (scenario 1's) → B ready", secs(ready - fault));
        return v;
    }

    /** Sends {@code order} {@code n} times at once (requests built first), via A and B in turn; the answers. */
    static List<Stampede.Answer> burst(Harness h, Stampede s, Stampede.Order order, int n) {
        List<Harness.Instance> via = List.of(h.a(), h.b());
        Progress.say("sending (%s, %s) %d times at once through A and B", order.user(), order.key(), n);
        List<HttpRequest> requests = IntStream.range(0, n).mapToObj(k -> s.request(order, via.get(k % 2))).toList();
        long t0 = System.nanoTime();
        // each request times out, and handle() turns a failure into an answer: join() returns
        return IntStream.range(0, n).mapToObj(k -> h.send(requests.get(k)).handle((r, e) -> Stampede.classify(order,
                via.get(k % 2).name, true, t0, System.nanoTime(), r, e))).toList().stream()
                .map(CompletableFuture::join).toList();
    }

    /** Reads {@code read} every 500 ms on a daemon thread until closed; a null answer (none yet) is not kept. */
    static final class Sampler<T> implements AutoCloseable {
        record Sample<T>(long nanos, T value) {
        }

        /** The samples so far, oldest first. */
        final List<Sample<T>> samples = new CopyOnWriteArrayList<>();
        private final Thread thread;
        private volatile boolean stop;

        Sampler(String name, Supplier<T> read) {
            thread = Daemons.start(name, () -> {
                while (!stop) {
                    long t = System.nanoTime();
                    Optional.ofNullable(read.get()).ifPresent(value -> samples.add(new Sample<>(t, value)));
                    Waits.until(t + 500_000_000L);
                }
            });
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join(5_000);
        }
    }

    /** Health of an instance: "HTTP-status body" of its /actuator/health, or "unreachable: why". */
    static String health(Harness h, Harness.Instance i) {
        try {
            HttpResponse<String> r = h.setupClient.get(i.url() + "/actuator/health");
            return r.statusCode() + " " + r.body();
        } catch (RuntimeException e) {
            return "unreachable: " + e.getMessage();
        }
    }
}
