package io.livedrop.bench.faults;

import io.livedrop.bench.AppInstance;
import io.livedrop.bench.Daemons;
import io.livedrop.bench.Tokens;
import io.livedrop.bench.Http;
import io.livedrop.bench.KafkaBroker;
import io.livedrop.bench.Ownership;
import io.livedrop.bench.Progress;
import io.livedrop.bench.Waits;
import io.livedrop.topology.config.LivedropConfig;
import io.livedrop.topology.config.Topics;
import io.livedrop.topology.config.TopologySerdes;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * What every scenario runs against: one restartable broker and livedrop instances A and B (child processes, each with
 * its own home and state directory, 4 partitions, the default standby replica), a creator with a product, and the
 * HTTP client of the load and the reader.
 */
final class Harness implements AutoCloseable {

    static final int PARTITIONS = 4;
    static final Duration READY_TIMEOUT = Duration.ofSeconds(240);

    final KafkaBroker.Child broker;
    final Path jar;
    final Path work;
    final Path logDir;
    final LivedropConfig config = new LivedropConfig(Map.of(LivedropConfig.PARTITIONS, PARTITIONS));
    final Topics topics = Topics.from(config);
    final TopologySerdes serdes = TopologySerdes.from(config);
    final Http setupClient = new Http();
    final Tokens tokens = new Tokens(Tokens.SECRET);
    final HttpClient http = Daemons.httpClient(4, "faults-http", Duration.ofSeconds(5));
    /** By name, in name order; scenario 4 adds and removes instances while the load iterates it. */
    final Map<String, Instance> instances = new java.util.concurrent.ConcurrentSkipListMap<>();
    String creatorToken;
    String product;
    String appCommand;

    /** One named instance; a restart replaces its process (same home and state directory). */
    final class Instance {
        final String name;
        final Path home;
        volatile AppInstance app;
        /** Whether the load and the reader send to it (as a load balancer's health check would decide). */
        volatile boolean inRotation;

        Instance(String name) {
            this.name = name;
            this.home = work.resolve("home-" + name);
        }

        void start() throws IOException {
            app = new AppInstance(name, jar, broker.bootstrapServers(), home, logDir, Map.of(), List.of(
                    "--livedrop.topology.topics.partitions=" + PARTITIONS, "--livedrop.demo-data=false"));
        }

        void awaitReady() {
            app.awaitReady(setupClient, READY_TIMEOUT);
            inRotation = true;
        }

        /** Starts it (again) and waits until it is ready, in rotation. */
        void startReady() throws IOException {
            start();
            awaitReady();
        }

        /** Takes it out of rotation, then stops it: SIGTERM, or kill -9 when {@code kill}. */
        void stop(boolean kill) {
            inRotation = false;
            if (kill) {
                app.kill();
            } else {
                app.close();
            }
        }

        String url() {
            return app.url();
        }

        /** The values of its /actuator/prometheus lines that {@code line} accepts; null when it does not answer. */
        List<Double> metric(Predicate<String> line) {
            try {
                HttpResponse<String> r = setupClient.get(app.peerUrl() + "/actuator/prometheus");
                return r.statusCode() != 200 ? null : r.body().lines().filter(line)
                        .map(l -> Double.valueOf(l.substring(l.lastIndexOf(' ') + 1))).toList();
            } catch (RuntimeException e) {
                return null;
            }
        }

        /** Its liveness probe: UP (true), DOWN (false), or no answer (null). */
        Boolean live() {
            try {
                return setupClient.get(url() + "/actuator/health/liveness").statusCode() == 200;
            } catch (IllegalStateException unreachable) {
                return null;
            }
        }
    }

    Harness(Path jar, Path work, Path logDir) throws IOException {
        this.jar = jar;
        this.work = work;
        this.logDir = logDir;
        Progress.say("starting the Kafka broker (child JVM)");
        broker = KafkaBroker.restartable(work.resolve("broker-data"), logDir);
        Progress.say("broker at %s; starting livedrop instances A and B", broker.bootstrapServers());
        for (String n : List.of("A", "B")) {
            add(n).start();
        }
        for (Instance i : instances.values()) {
            i.awaitReady();
            Progress.say("instance %s ready on %s (pid %d)", i.name, i.url(), i.app.pid());
        }
        appCommand = instances.get("A").app.commandForReport();
        creatorToken = tokens.mint("fault-creator", "CREATOR");
        product = setupClient.upsertProduct(a().url(), "Fault product", creatorToken);
        awaitBothOwnSomething();
    }

    /** A new instance, not started yet. */
    Instance add(String name) {
        Instance i = new Instance(name);
        instances.put(name, i);
        return i;
    }

    Instance a() {
        return instances.get("A");
    }

    Instance b() {
        return instances.get("B");
    }

    List<Instance> inRotation() {
        return instances.values().stream().filter(i -> i.inRotation).toList();
    }

    String token(String user) {
        return tokens.mint(user);
    }

    /** A scenario's order stampede on two new drops, after its {@code --before} seconds. */
    Stampede load(String label, FaultOptions o) {
        Stampede s = new Stampede(this, label, createDrops(o.stock), o.rate).start();
        Waits.pause(o.before);
        return s;
    }

    CompletableFuture<HttpResponse<String>> send(HttpRequest request) {
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    /** A placeOrder body; {@code quantity} and {@code key} as JSON values (a hostile client's may be wrong). */
    static String placeOrderBody(String dropId, String quantity, String key) {
        return "{\"query\":\"mutation($in: PlaceOrderInput!) { placeOrder(input: $in) { order { id status } } }\","
                + "\"variables\":{\"in\":{\"dropId\":\"" + dropId + "\",\"quantity\":" + quantity
                + ",\"idempotencyKey\":" + key + "}}}";
    }

    static String dropQueryBody(String dropId) {
        return "{\"query\":\"query($id: ID!) { drop(id: $id) { remainingStock status } }\",\"variables\":{\"id\":\""
                + dropId + "\"}}";
    }

    /** {@code remainingStock} of a drop as the instance answers it, or null. */
    Integer remainingStock(Instance via, String dropId) {
        try {
            return Stampede.remaining(setupClient.call(via.url(), dropQueryBody(dropId), null));
        } catch (IllegalStateException e) {
            return null;
        }
    }

    /** The name of the one instance active for {@code key}'s partition (owner endpoint 200 or 404), or null. */
    String owner(String key) {
        List<String> active = instances.values().stream().filter(i -> List.of(200, 404).contains(Ownership.probe(
                setupClient, i.app, key, Ownership.partition(key, PARTITIONS)))).map(i -> i.name).toList();
        return active.size() == 1 ? active.get(0) : null;
    }

    private void awaitBothOwnSomething() {
        Progress.say("waiting for both instances to own partitions");
        List<AppInstance> apps = List.of(a().app, b().app);
        if (!Waits.await(() -> {
            Collection<String> owners = Ownership.partitionOwners(setupClient, apps, PARTITIONS).values();
            boolean both = owners.contains("A") && owners.contains("B") && !owners.contains(null);
            if (!both) {
                Waits.pause(Duration.ofSeconds(1));
            }
            return both;
        }, Duration.ofSeconds(180))) {
            throw new IllegalStateException("partitions not shared by A and B within 180 s");
        }
    }

    /** Two LIVE drops of {@code stock}, one active on A and one on B when that can be had in 40 tries. */
    List<String> createDrops(int stock) {
        Map<String, String> by = new LinkedHashMap<>();
        String extra = null;
        for (int t = 0; t < 40 && by.size() < 2; t++) {
            String id = setupClient.scheduleDrop(a().url(), product, stock, 1999, creatorToken);
            String[] owner = new String[1];
            Waits.await(() -> (owner[0] = owner(id)) != null, Duration.ofSeconds(10));
            if (owner[0] != null && !by.containsKey(owner[0])) {
                by.put(owner[0], id);
            } else if (extra == null) {
                extra = id;
            }
        }
        List<String> drops = new ArrayList<>(Stream.of("A", "B").filter(by::containsKey).map(by::get).toList());
        if (drops.size() < 2) {
            drops.add(Objects.requireNonNull(extra));
        }
        setupClient.awaitLive(a().url(), drops);
        Progress.say("drops (stock %,d each): %s owned by A, %s owned by B", stock, by.get("A"), by.get("B"));
        return drops;
    }

    @Override
    public void close() {
        AppInstance.stopAll(instances.values().stream().map(i -> i.app).filter(Objects::nonNull).toList());
        broker.close();
    }
}
