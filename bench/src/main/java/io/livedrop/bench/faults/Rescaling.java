package io.livedrop.bench.faults;

import static io.livedrop.bench.faults.FaultSuite.secs;

import io.livedrop.bench.Formats;
import io.livedrop.bench.Progress;
import io.livedrop.bench.Waits;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Scenario 4: while the stampede and the readers run, instance C joins (a scale-out), then A leaves (a scale-in: the
 * load balancer drains it, then SIGTERM, so it leaves the group at once). Every read must answer with a value the
 * drop really had (a standby's may be a little behind, never invented) or a retryable UNAVAILABLE; any other error
 * is a violation. Afterwards A comes back and C goes, outside the measured window, for the scenarios that follow.
 */
final class Rescaling {

    private Rescaling() {
    }

    static Verdict run(Harness h, FaultOptions o) throws Exception {
        Verdict v = new Verdict("4. an instance added and one removed while reads run");
        Stampede s = h.load("s4", o);

        long added = System.nanoTime();
        Harness.Instance c = h.add("C");
        Progress.say("starting instance C while the load runs");
        c.startReady();
        long cReady = System.nanoTime();
        s.addReader("C");
        Progress.say("C ready after %.1f s, in rotation; A's drop owner now %s", (cReady - added) / 1e9,
                h.owner(s.drops.get(0)));
        Waits.pause(o.after);

        Harness.Instance a = h.a();
        long removing = System.nanoTime();
        Progress.say("removing instance A: out of rotation, then SIGTERM (it leaves the group)");
        a.inRotation = false;
        Waits.pause(Duration.ofSeconds(1));
        a.stop(false);
        long removed = System.nanoTime();
        Progress.say("A stopped after %.1f s; owner of A's drop now %s", (removed - removing) / 1e9,
                h.owner(s.drops.get(0)));
        Waits.pause(o.after);
        s.stop();

        Decisions.Snapshot snap = v.verifyOrders(h, s, o.stock, List.of());
        v.availability(s, added, removed);
        checkReads(v, s, snap, o.stock);
        v.figures.put("recovery: C start → ready (RUNNING, stores queryable)", secs(cReady - added));
        v.figures.put("A out of rotation → stopped (closed, left the group)", secs(removed - removing));
        v.figures.put("first order decided on A's drop after A stopped (through B or C)",
                secs(FaultSuite.firstDecided(s, removed, s.drops.get(0), null)));

        Progress.say("restoring the harness: A back, C stopped");
        a.startReady();
        c.stop(false);
        h.instances.remove("C");
        return v;
    }

    /** Every read answered a level the drop had (its stock, or one in a committed decision) or UNAVAILABLE. */
    static void checkReads(Verdict v, Stampede s, Decisions.Snapshot snap, int stock) {
        Map<String, Set<Integer>> levels = new HashMap<>();
        s.drops.forEach(d -> levels.put(d, new HashSet<>(Set.of(stock))));
        snap.byOrder().values().stream().flatMap(List::stream)
                .forEach(x -> levels.get(x.getDropId()).add(x.getRemainingStock()));
        List<Stampede.Read> wrong = s.reads.stream().filter(r -> r.ok() && (r.remainingStock() == null
                || !levels.get(r.drop()).contains(r.remainingStock()))).toList();
        wrong.stream().limit(5).forEach(r -> v.violation("a read through %s answered remainingStock %s for %s, a level"
                + " the drop never had", r.instance(), r.remainingStock(), r.drop()));
        s.reads.stream().filter(r -> !r.ok() && !"UNAVAILABLE".equals(r.error())).forEach(r -> v.violation("a read"
                + " through %s failed with %s (only a retryable UNAVAILABLE is allowed)", r.instance(), r.error()));
        Map<String, Long> errors = s.reads.stream().filter(r -> !r.ok()).collect(Collectors.groupingBy(
                Stampede.Read::error, TreeMap::new, Collectors.counting()));
        long ok = s.reads.stream().filter(Stampede.Read::ok).count() - wrong.size();
        v.figures.put("reads: with a true remainingStock / wrong / UNAVAILABLE or other error", Formats.n(ok) + " / "
                + wrong.size() + " / " + (errors.isEmpty() ? "0" : errors.toString()));
        v.figures.put("reads per instance", s.reads.stream().collect(Collectors.groupingBy(Stampede.Read::instance,
                TreeMap::new, Collectors.counting())).toString());
    }
}
