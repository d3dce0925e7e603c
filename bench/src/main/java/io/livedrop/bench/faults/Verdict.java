package io.livedrop.bench.faults;

import io.livedrop.bench.Formats;
import io.livedrop.bench.Progress;
import io.livedrop.bench.Waits;
import io.livedrop.events.order.OrderDecision;
import io.livedrop.events.order.OrderStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.LongToIntFunction;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * The verifier and the figures of one scenario. After the load it waits (at most 60 s) until every PENDING order is
 * decided and each drop's remainingStock is stock − Σ confirmed, then checks the committed decisions against every
 * answer the clients got.
 */
final class Verdict {

    final String scenario;
    final List<String> violations = new ArrayList<>();
    final List<String> notes = new ArrayList<>();
    final Map<String, String> figures = new LinkedHashMap<>();
    /** Markdown lines of a detail table (scenario 6: every pill). */
    final List<String> details = new ArrayList<>();
    long lost;
    long flipped;
    long doubleDecided;
    long oversold;

    Verdict(String scenario) {
        this.scenario = scenario;
        Progress.say("=== %s ===", scenario);
    }

    boolean clean() {
        return violations.isEmpty();
    }

    void violation(String format, Object... args) {
        String v = String.format(Locale.ROOT, format, args);
        violations.add(v);
        Progress.say("VIOLATION (%s): %s", scenario, v);
    }

    /** The decision checks of a stampede; returns the committed snapshot. */
    Decisions.Snapshot verifyOrders(Harness h, Stampede s, int stock, List<Stampede.Answer> extraAnswers) {
        List<Stampede.Answer> answers = Stream.concat(s.answers.stream(), extraAnswers.stream()).toList();
        Set<String> pendingIds = answers.stream().filter(Stampede.Answer::pending)
                .map(a -> a.order().orderId()).collect(Collectors.toSet());
        Map<String, Integer> remaining = new LinkedHashMap<>();
        Decisions.Snapshot[] last = new Decisions.Snapshot[1];
        Waits.await(() -> {
            last[0] = Decisions.read(h, new HashSet<>(s.drops));
            Map<String, Long> confirmed = confirmedUnits(last[0].byOrder());
            s.drops.forEach(d -> remaining.put(d, h.inRotation().stream().map(i -> h.remainingStock(i, d))
                    .filter(Objects::nonNull).findFirst().orElse(null)));
            boolean settled = last[0].byOrder().keySet().containsAll(pendingIds) && s.drops.stream().allMatch(d ->
                    remaining.get(d) != null && remaining.get(d) == stock - confirmed.getOrDefault(d, 0L));
            if (!settled) {
                Waits.pause(Duration.ofSeconds(1));
            }
            return settled;
        }, Duration.ofSeconds(60));
        Decisions.Snapshot snap = last[0];
        Map<String, List<OrderDecision>> by = snap.byOrder();
        Set<String> sentIds = Stream.concat(s.orders.stream(), extraAnswers.stream().map(Stampede.Answer::order))
                .map(Stampede.Order::orderId).collect(Collectors.toSet());
        by.forEach((id, ds) -> {
            if (ds.size() > 1 && ++doubleDecided <= 5) {
                violation("order %s has %d committed decisions: %s", id, ds.size(),
                        ds.stream().map(d -> d.getStatus().toString()).toList());
            }
            if (!sentIds.contains(id)) {
                violation("committed decision for order %s that the load never placed", id);
            }
        });
        Map<String, String> lostIds = new TreeMap<>();
        Set<String> flippedIds = new TreeSet<>();
        for (Stampede.Answer a : answers) {
            String id = a.order().orderId();
            if (a.returnedId() != null && !a.returnedId().equals(id)) {
                violation("answer names order %s, expected %s (user %s, key %s)", a.returnedId(), id,
                        a.order().user(), a.order().key());
            }
            List<OrderDecision> ds = by.getOrDefault(id, List.of());
            if ((a.decided() || a.pending()) && ds.isEmpty()) {
                lostIds.putIfAbsent(id, String.format(Locale.ROOT, "%s (%s via %s, sent at %.1f s%s)", id, a.status(),
                        a.instance(), s.at(a.intendedNanos()), a.retry() ? " (retry)" : ""));
            } else if (a.decided() && !ds.get(0).getStatus().toString().equals(a.status())) {
                flippedIds.add(id);
            }
        }
        long decidedAnswers = answers.stream().filter(Stampede.Answer::decided).count();
        long pendingAnswers = answers.stream().filter(Stampede.Answer::pending).count();
        Map<String, Long> errorCodes = answers.stream().filter(a -> !a.decided() && !a.pending())
                .collect(Collectors.groupingBy(Stampede.Answer::error, TreeMap::new, Collectors.counting()));
        Set<String> undecidedAnswered = answers.stream().filter(a -> !a.decided()).map(a -> a.order().orderId())
                .collect(Collectors.toSet());
        lost = lostIds.size();
        flipped = flippedIds.size();
        if (lost > 0) {
            violation("%d order(s) answered CONFIRMED/REJECTED/PENDING have no committed decision (LOST), e.g. %s",
                    lost, lostIds.values().stream().limit(5).toList());
        }
        if (flipped > 0) {
            violation("%d order(s) answered with a status other than their committed decision (FLIPPED), e.g. %s",
                    flipped, flippedIds.stream().limit(5).toList());
        }
        Map<String, Long> confirmed = confirmedUnits(by);
        for (String d : s.drops) {
            long c = confirmed.getOrDefault(d, 0L);
            if (c > stock) {
                oversold += c - stock;
                violation("drop %s: %d units confirmed, stock %d (OVERSOLD by %d)", d, c, stock, c - stock);
            }
            Integer r = remaining.get(d);
            if (r == null || r != stock - c) {
                violation("drop %s: remainingStock %s, expected stock − Σ confirmed = %d", d, r, stock - c);
            }
        }
        figures.put("orders placed (unique) / requests", Formats.n(sentIds.size()) + " / " + Formats.n(answers.size()));
        figures.put("answers decided / PENDING / error", decidedAnswers + " / " + pendingAnswers + " / "
                + (answers.size() - decidedAnswers - pendingAnswers) + (errorCodes.isEmpty() ? "" : " " + errorCodes));
        figures.put("committed decisions", Formats.n(by.values().stream().mapToLong(List::size).sum()) + " ("
                + Formats.n(snap.committed()) + " records; " + confirmed.values().stream().mapToLong(Long::longValue)
                .sum() + " units confirmed of " + stock + " × " + s.drops.size() + ")");
        figures.put("PENDING/error orders decided eventually", undecidedAnswered.stream().filter(by::containsKey)
                .count() + " of " + undecidedAnswered.size());
        figures.put("decision records aborted (rolled back, reprocessed)", Formats.n(snap.aborted()));
        Histogram topology = hist();
        by.values().stream().flatMap(List::stream).forEach(d -> topology.recordValue(Math.max(1, TimeUnit.MILLISECONDS
                .toMicros(Math.max(0, Duration.between(d.getRequestedAt(), d.getDecidedAt()).toMillis())))));
        figures.put("topology: requestedAt → decidedAt p50 / p99 / max (ms)", topology.getTotalCount() == 0 ? "—"
                : percentile(topology, 50) + " / " + percentile(topology, 99) + " / "
                + Formats.ms(topology.getMaxValue() / 1000.0));
        return snap;
    }

    static Map<String, Long> confirmedUnits(Map<String, List<OrderDecision>> by) {
        return by.values().stream().flatMap(List::stream).filter(d -> d.getStatus() == OrderStatus.CONFIRMED)
                .collect(Collectors.groupingBy(OrderDecision::getDropId, Collectors.summingLong(d -> d.getQuantity())));
    }

    /**
     * Availability and latency around a fault at {@code faultNanos}, restored at {@code restoredNanos}: seconds (of
     * the load) with an error answer, p99 before / during / after.
     */
    void availability(Stampede s, long faultNanos, long restoredNanos) {
        LongToIntFunction phase = t -> t < faultNanos ? 0 : t < restoredNanos ? 1 : 2;
        Histogram[] orders = byPhase(s.answers.stream().filter(a -> a.status() != null), 3, phase,
                Stampede.Answer::intendedNanos, Stampede.Answer::answeredNanos);
        Histogram[] reads = byPhase(s.reads.stream().filter(Stampede.Read::ok), 3, phase, Stampede.Read::sentNanos,
                Stampede.Read::answeredNanos);
        Map<String, Long> readErrors = s.reads.stream().filter(r -> !r.ok()).collect(Collectors.groupingBy(r ->
                r.instance() + ":" + r.error(), TreeMap::new, Collectors.counting()));
        figures.put("seconds unavailable: reads", seconds(s, s.reads.stream().filter(r -> !r.ok())
                .map(Stampede.Read::sentNanos)) + (readErrors.isEmpty() ? "" : " " + readErrors));
        figures.put("seconds unavailable: orders (error answers)", String.valueOf(seconds(s, s.answers.stream()
                .filter(a -> a.status() == null).map(Stampede.Answer::intendedNanos))));
        figures.put("seconds with PENDING order answers", String.valueOf(seconds(s, s.answers.stream()
                .filter(Stampede.Answer::pending).map(Stampede.Answer::intendedNanos))));
        figures.put("order p99 before / during / after (ms)", p99(orders));
        figures.put("read p99 before / during / after (ms)", p99(reads));
        figures.put("fault at / restored at (s of the load)", String.format(Locale.ROOT, "%.1f / %.1f",
                s.at(faultNanos), s.at(restoredNanos)));
    }

    /** How many distinct seconds of the load these times fall in. */
    private static long seconds(Stampede s, Stream<Long> nanos) {
        return nanos.map(t -> (long) s.at(t)).distinct().count();
    }

    /** Latencies (µs) in {@code n} histograms by the phase of their send time; a phase outside 0..n-1 is left out. */
    static <T> Histogram[] byPhase(Stream<T> xs, int n, LongToIntFunction phase, ToLongFunction<T> sent,
                                   ToLongFunction<T> answered) {
        Histogram[] h = Stream.generate(Verdict::hist).limit(n).toArray(Histogram[]::new);
        xs.forEach(x -> {
            int p = phase.applyAsInt(sent.applyAsLong(x));
            if (p >= 0 && p < n) {
                h[p].recordValue(Math.max(1, (answered.applyAsLong(x) - sent.applyAsLong(x)) / 1000));
            }
        });
        return h;
    }

    static Histogram hist() {
        return new Histogram(TimeUnit.HOURS.toMicros(1), 3);
    }

    private static String p99(Histogram[] h) {
        return Stream.of(h).map(x -> percentile(x, 99)).collect(Collectors.joining(" / "));
    }

    /** A percentile of a microsecond histogram in ms, or "—" when it is empty. */
    static String percentile(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? "—" : Formats.ms(h.getValueAtPercentile(percentile) / 1000.0);
    }
}
