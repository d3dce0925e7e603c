package io.livedrop.bench.faults;

import io.livedrop.bench.Progress;
import io.livedrop.bench.Waits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.TransactionListing;

/**
 * Scenario 2: the broker stopped mid-stampede and restarted on the same data and port, three ways: a clean stop, a
 * kill -9, and a kill -9 that stays down longer than the producers' delivery timeouts (the API's 30 s, Kafka
 * Streams' 120 s). Nothing restarts the instances: they must ride it out on their own.
 */
final class BrokerRestart {

    enum Variant {
        CLEAN("2a. broker stopped cleanly mid-stampede, restarted"),
        KILL("2b. broker killed (kill -9) mid-stampede, restarted"),
        KILL_LONG("2c. broker killed (kill -9), down past the producers' delivery timeout, restarted");

        final String title;

        Variant(String title) {
            this.title = title;
        }
    }

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
        Verdict v = new Verdict(variant.title + " (down " + down.toSeconds() + " s)");
        Map<String, Long> troubleBefore = troubleLines(h);
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
        Progress.say("broker answering again %.1f s after its restart began; load continues", (back - restarting) / 1e9);
        // the after-phase starts once every drop decides orders again; a drop that does not within STUCK_AFTER has
        // an owner whose stream thread is stuck: the suite restarts that instance (what an operator or a liveness
        // probe would do) and counts it as a violation, so that the run can go on
        Map<String, String> owners = new LinkedHashMap<>();
        s.drops.forEach(d -> owners.put(d, h.owner(d)));
        List<String> stuck = s.drops.stream().filter(drop -> !Waits.await(() -> FaultSuite.firstDecided(s, back, drop,
                null) >= 0, STUCK_AFTER.minusNanos(System.nanoTime() - back))).toList();
        if (stuck.isEmpty()) {
            Progress.say("orders decided again on both drops");
        }
        // every stuck owner's stream-thread watchdog should say so: liveness DOWN (an orchestrator restarts on it);
        // the suite waits for that (all owners at once), keeps what each looked like, then restarts them
        Map<String, Long> downAt = new LinkedHashMap<>();
        for (String drop : stuck) {
            String owner = owners.get(drop);
            v.violation("liveness: drop %s (owner %s) decided no order within %d s of the broker's return; the suite"
                    + " restarted %s", drop, owner, STUCK_AFTER.toSeconds(), owner);
            if (owner != null && h.instances.containsKey(owner) && h.instances.get(owner).app.alive()) {
                downAt.put(owner, -1L);
            }
        }
        if (!downAt.isEmpty()) {
            Progress.say("drops %s undecided %d s after the broker's return: waiting for %s's liveness to turn DOWN",
                    stuck, STUCK_AFTER.toSeconds(), downAt.keySet());
            Waits.await(() -> {
                downAt.replaceAll((owner, at) -> at < 0 && Boolean.FALSE.equals(h.instances.get(owner).live())
                        ? System.nanoTime() : at);
                return downAt.values().stream().allMatch(at -> at >= 0);
            }, LIVENESS_WITHIN.minusNanos(System.nanoTime() - back));
        }
        for (Map.Entry<String, Long> e : downAt.entrySet()) {
            String owner = e.getKey();
            Harness.Instance i = h.instances.get(owner);
            v.figures.put("broker back → " + owner + "'s liveness DOWN (stuck stream thread)", e.getValue() >= 0
                    ? FaultSuite.secs(e.getValue() - back) : "not within " + LIVENESS_WITHIN.toSeconds() + " s");
            if (e.getValue() < 0) {
                v.violation("%s's drop made no progress but its liveness stayed UP", owner);
            }
            v.notes.add("What " + owner + " looked like before its restart (threads, health, last poll): "
                    + diagnose(h, i, variant.name().toLowerCase(Locale.ROOT)));
        }
        for (String owner : downAt.keySet()) {
            Progress.say("restarting %s", owner);
            h.instances.get(owner).stop(false);
            h.instances.get(owner).startReady();
        }
        for (String drop : stuck) {
            Waits.await(() -> FaultSuite.firstDecided(s, back, drop, null) >= 0, Duration.ofMinutes(2));
        }
        v.figures.put("drops undecided " + STUCK_AFTER.toSeconds() + " s after the broker's return (owner restarted)",
                stuck.isEmpty() ? "none" : stuck.size() + " " + stuck);
        Waits.pause(o.after);
        s.stop();
        v.verifyOrders(h, s, o.stock, List.of());
        long firstA = FaultSuite.firstDecided(s, back, null, "A");
        long firstB = FaultSuite.firstDecided(s, back, null, "B");
        long first = FaultSuite.firstDecided(s, back, null, null);
        v.availability(s, fault, first < 0 ? back : back + first);
        v.figures.put("broker down (stop/kill → restart begins) / restart → answering",
                FaultSuite.secs(restarting - fault) + " / " + FaultSuite.secs(back - restarting));
        v.figures.put("recovery: broker answering → first new order decided (through A / through B)",
                FaultSuite.secs(firstA) + " / " + FaultSuite.secs(firstB));
        Map<String, Long> troubleAfter = troubleLines(h);
        for (Harness.Instance i : h.instances.values()) {
            long lines = troubleAfter.get(i.name) - troubleBefore.get(i.name);
            v.figures.put("instance " + i.name + ": alive / health at the end / log lines of a lost stream thread or"
                    + " unaccepted order", i.app.alive() + " / " + FaultSuite.healthStatus(h, i) + " / " + lines);
            if (!i.app.alive()) {
                v.violation("instance %s died during the broker outage", i.name);
            }
        }
        v.notes.add("The instances are not restarted: the API answers orders it cannot hand to Kafka with UNAVAILABLE"
                + " (retry with the same idempotencyKey) once its producer's delivery timeout (30 s) passes; the load's"
                + " client gives up after " + Stampede.ORDER_TIMEOUT.toSeconds() + " s. Reads are served from the"
                + " instances' local state while the broker is away.");
        return v;
    }

    private static Map<String, Long> troubleLines(Harness h) {
        Map<String, Long> out = new LinkedHashMap<>();
        h.instances.values().forEach(i -> out.put(i.name, FaultSuite.countLog(i.app.log, TROUBLE)));
        return out;
    }

    /** Saves what a stuck instance looks like (health, its consumers' last poll, a thread dump); the file's path. */
    static Path diagnose(Harness h, Harness.Instance i, String label) {
        Path out = h.logDir.resolve("stuck-" + i.name + "-" + label + ".txt");
        StringBuilder text = new StringBuilder();
        for (String path : List.of("/actuator/health", "/actuator/prometheus")) {
            text.append("== ").append(path).append('\n');
            try {
                h.setupClient.get(i.app.peerUrl() + path).body().lines().filter(l -> path.endsWith("health")
                        || l.contains("last_poll") || l.contains("commit_total") || l.contains("poll_total")
                        || l.contains("restor") || l.contains("records_lag")).forEach(l -> text.append(l).append('\n'));
            } catch (IllegalStateException unreachable) {
                text.append(unreachable.getMessage()).append('\n');
            }
        }
        try {
            text.append(transactions(h.broker.bootstrapServers()));
        } catch (RuntimeException e) {
            // diagnostics must not end the run
            text.append("== transactions: ").append(e).append('\n');
        }
        try {
            Process jcmd = new ProcessBuilder("jcmd", String.valueOf(i.app.pid()), "Thread.print")
                    .redirectErrorStream(true).start();
            String dump = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            jcmd.waitFor(30, TimeUnit.SECONDS);
            text.append("== jcmd Thread.print\n").append(dump);
        } catch (IOException e) {
            text.append("== jcmd: ").append(e).append('\n');
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Files.writeString(out, text);
        } catch (IOException e) {
            Progress.say("could not write %s: %s", out, e);
        }
        return out;
    }

    /**
     * The cluster's side of a stall: every transaction and its state, and whether each application's committed
     * offsets can be read as a stable read (what a restarted instance does; a pending transactional offset commit
     * makes it wait).
     */
    static String transactions(String bootstrapServers) {
        StringBuilder text = new StringBuilder("== transactions (Admin.listTransactions, describeTransactions)\n");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000))) {
            try {
                List<String> ids = admin.listTransactions().all().get(20, TimeUnit.SECONDS).stream()
                        .map(TransactionListing::transactionalId).toList();
                admin.describeTransactions(ids).all().get(20, TimeUnit.SECONDS).forEach((id, t) ->
                        text.append(id).append(' ').append(t.state()).append(" producer ").append(t.producerId())
                                .append('/').append(t.producerEpoch()).append(" partitions ").append(t.topicPartitions())
                                .append('\n'));
            } catch (ExecutionException | TimeoutException e) {
                text.append("could not list them: ").append(e).append('\n');
            }
            for (String group : List.of("livedrop", "livedrop-social")) {
                text.append("== committed offsets of group ").append(group).append(", read as stable\n");
                long start = System.nanoTime();
                try {
                    int partitions = admin.listConsumerGroupOffsets(group, new ListConsumerGroupOffsetsOptions()
                            .requireStable(true)).partitionsToOffsetAndMetadata().get(20, TimeUnit.SECONDS).size();
                    text.append("read: ").append(partitions).append(" partitions in ")
                            .append(FaultSuite.secs(System.nanoTime() - start)).append('\n');
                } catch (ExecutionException | TimeoutException e) {
                    text.append("not readable as stable within 20 s: ").append(e).append('\n');
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return text.toString();
    }
}
