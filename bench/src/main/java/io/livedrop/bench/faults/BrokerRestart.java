package io.livedrop.bench.faults;

import static io.livedrop.bench.faults.FaultSuite.firstDecided;
import static io.livedrop.bench.faults.FaultSuite.secs;

import io.livedrop.bench.Http;
import io.livedrop.bench.Progress;
import io.livedrop.bench.Waits;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Scenario 2: the broker stopped mid-stampede and restarted on the same data and port, three ways: a clean stop, a
 * kill -9, and a kill -9 that stays down longer than the producers' delivery timeouts (the API's 30 s, Kafka
 * Streams' 120 s). Nothing restarts the instances: they must ride it out on their own.
 */
final class BrokerRestart {

    enum Variant { CLEAN, KILL, KILL_LONG }

    /** Log lines that say an instance lost a stream thread or a client gave up. */
    static final List<String> TROUBLE = List.of("Stream thread of the", "State transition from RUNNING to ERROR",
            "PENDING_ERROR", "not accepted by Kafka");

    /** A drop with no decision this long after the broker answers again has a stuck owner. */
    static final Duration STUCK_AFTER = Duration.ofSeconds(120);
    /** The app's livedrop.kafka.stuck-thread-after (180 s) and a few checks. */
    static final Duration LIVENESS_WITHIN = Duration.ofSeconds(240);

    private BrokerRestart() {
    }

    static Verdict run(Harness h, FaultOptions o, Variant variant) throws Exception {
        Duration down = variant == Variant.KILL_LONG ? o.brokerLongDown : o.brokerDown;
        Verdict v = new Verdict(switch (variant) {
            case CLEAN -> "2a. broker stopped cleanly mid-stampede, restarted";
            case KILL -> "2b. broker killed (kill -9) mid-stampede, restarted";
            case KILL_LONG -> "2c. broker killed (kill -9), down past the producers' delivery timeout, restarted";
        } + " (down " + down.toSeconds() + " s)");
        Map<String, Long> troubleBefore = h.instances.values().stream().collect(Collectors.toMap(i -> i.name,
                i -> FaultSuite.countLog(i.app.log, TROUBLE)));
        Stampede s = h.load("s2" + variant.name().toLowerCase(Locale.ROOT), o);
        long fault = System.nanoTime();
        if (variant == Variant.CLEAN) {
            Progress.say("stopping the broker (clean shutdown) for %d s", down.toSeconds());
            h.broker.close();
        } else {
            Progress.say("kill -9 the broker (pid %d) for %d s", h.broker.pid(), down.toSeconds());
            h.broker.kill();
        }
        Waits.pause(down.minusNanos(System.nanoTime() - fault));
        long restarting = System.nanoTime();
        Progress.say("restarting the broker on the same data directory and port");
        h.broker.restart();
        long back = System.nanoTime();
        Progress.say("broker answering again %.1f s after its restart began", (back - restarting) / 1e9);
        // a stuck owner is restarted (as a liveness probe would) and counted as a violation, so the run goes on
        Map<String, String> owners = new LinkedHashMap<>();
        s.drops.forEach(d -> owners.put(d, h.owner(d)));
        List<String> stuck = s.drops.stream().filter(drop -> !Waits.await(() -> firstDecided(s, back, drop, null) >= 0,
                STUCK_AFTER.minusNanos(System.nanoTime() - back))).toList();
        Map<String, Long> downAt = new LinkedHashMap<>();
        for (String drop : stuck) {
            String owner = owners.get(drop);
            v.violation("liveness: drop %s (owner %s) decided no order within %d s of the broker's return; the suite"
                    + " restarted %s", drop, owner, STUCK_AFTER.toSeconds(), owner);
            if (owner != null && h.instances.containsKey(owner) && h.instances.get(owner).app.alive()) {
                downAt.put(owner, -1L);
            }
        }
        // each stuck owner's stream-thread watchdog should turn its liveness DOWN (what an orchestrator restarts on)
        Waits.await(() -> {
            downAt.replaceAll((owner, at) -> at < 0 && Boolean.FALSE.equals(h.instances.get(owner).live())
                    ? System.nanoTime() : at);
            return downAt.values().stream().allMatch(at -> at >= 0);
        }, LIVENESS_WITHIN.minusNanos(System.nanoTime() - back));
        for (Map.Entry<String, Long> e : downAt.entrySet()) {
            String owner = e.getKey();
            v.figures.put("broker back → " + owner + "'s liveness DOWN (stuck stream thread)", e.getValue() >= 0
                    ? secs(e.getValue() - back) : "not within " + LIVENESS_WITHIN.toSeconds() + " s");
            if (e.getValue() < 0) {
                v.violation("%s's drop made no progress but its liveness stayed UP", owner);
            }
            v.notes.add("What " + owner + " looked like before its restart (threads, health, last poll): "
                    + diagnose(h, h.instances.get(owner), variant.name().toLowerCase(Locale.ROOT)));
            Progress.say("restarting %s", owner);
            h.instances.get(owner).stop(false);
            h.instances.get(owner).startReady();
        }
        for (String drop : stuck) {
            Waits.await(() -> firstDecided(s, back, drop, null) >= 0, Duration.ofMinutes(2));
        }
        v.figures.put("drops undecided " + STUCK_AFTER.toSeconds() + " s after the broker's return (owner restarted)",
                stuck.isEmpty() ? "none" : stuck.size() + " " + stuck);
        Waits.pause(o.after);
        s.stop();
        v.verifyOrders(h, s, o.stock, List.of());
        long first = firstDecided(s, back, null, null);
        v.availability(s, fault, first < 0 ? back : back + first);
        v.figures.put("broker down (stop/kill → restart begins) / restart → answering",
                secs(restarting - fault) + " / " + secs(back - restarting));
        v.figures.put("recovery: broker answering → first new order decided (through A / through B)",
                secs(firstDecided(s, back, null, "A")) + " / " + secs(firstDecided(s, back, null, "B")));
        for (Harness.Instance i : h.instances.values()) {
            long lines = FaultSuite.countLog(i.app.log, TROUBLE) - troubleBefore.get(i.name);
            String health = FaultSuite.health(h, i);
            v.figures.put("instance " + i.name + ": alive / health at the end / log lines of a lost stream thread or"
                    + " unaccepted order", i.app.alive() + " / " + (health.startsWith("unreachable") ? "unreachable"
                    : health.substring(0, health.indexOf(' ')) + " " + Http.field(health, "status")) + " / " + lines);
            if (!i.app.alive()) {
                v.violation("instance %s died during the broker outage", i.name);
            }
        }
        return v;
    }

    /** Saves a stuck instance's health, its consumers' last poll and restore metrics, and a thread dump; the path. */
    static Path diagnose(Harness h, Harness.Instance i, String label) throws InterruptedException {
        Path out = h.logDir.resolve("stuck-" + i.name + "-" + label + ".txt");
        List<String> text = new ArrayList<>();
        for (String path : List.of("/actuator/health", "/actuator/prometheus")) {
            text.add("== " + path);
            try {
                h.setupClient.get(i.app.peerUrl() + path).body().lines().filter(l -> path.endsWith("health")
                        || l.matches(".*(last_poll|commit_total|poll_total|restor|records_lag).*")).forEach(text::add);
            } catch (IllegalStateException unreachable) {
                text.add(unreachable.getMessage());
            }
        }
        text.add("== jcmd Thread.print");
        try {
            Files.write(out, text);
            new ProcessBuilder("jcmd", String.valueOf(i.app.pid()), "Thread.print").redirectErrorStream(true)
                    .redirectOutput(Redirect.appendTo(out.toFile())).start().waitFor(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            Progress.say("could not save %s: %s", out, e); // diagnostics must not end the run
        }
        return out;
    }
}
