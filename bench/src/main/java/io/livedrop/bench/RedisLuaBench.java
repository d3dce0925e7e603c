package io.livedrop.bench;

import io.livedrop.bench.DecisionTracker.Schedule;
import io.livedrop.bench.Results.LatencyRun;
import io.livedrop.bench.Results.ThroughputRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.stream.IntStream;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.embedded.core.ExecutableProvider;

/**
 * Baseline 2, the design livedrop replaces: one Lua script per request checks the idempotency record and decrements
 * the stock atomically, on a redis-server of its own (AOF, appendfsync everysec: a crash may lose a second). The
 * server: the binary embedded-redis bundles for this platform (on linux-amd64 it needs glibc and libssl3), else an
 * installed {@code redis-server}, or none.
 */
final class RedisLuaBench implements AutoCloseable {

    /** The topology's steps: idempotency record, stock rule, record. */
    static final String SCRIPT = """
            -- KEYS[1] stock of the drop, KEYS[2] idempotency record of the order
            -- ARGV[1] quantity, ARGV[2] record TTL in seconds, ARGV[3] drop id
            local prior = redis.call('GET', KEYS[2])
            if prior then
              local sep = string.find(prior, '|', 1, true)
              if string.sub(prior, sep + 1) ~= ARGV[3] .. ':' .. ARGV[1] then return 'E:IDEMPOTENCY_CONFLICT' end
              return string.sub(prior, 1, sep - 1)
            end
            local qty = tonumber(ARGV[1])
            local stock = tonumber(redis.call('GET', KEYS[1]))
            local decision
            if stock == nil then decision = 'R:DROP_NOT_LIVE'
            elseif stock <= 0 then decision = 'R:SOLD_OUT'
            elseif stock < qty then decision = 'R:INSUFFICIENT_STOCK'
            else decision = 'C:' .. redis.call('DECRBY', KEYS[1], qty) end
            redis.call('SET', KEYS[2], decision .. '|' .. ARGV[3] .. ':' .. ARGV[1], 'EX', ARGV[2])
            return decision
            """;

    private static final String TTL_SECONDS = String.valueOf(TimeUnit.HOURS.toSeconds(24));
    private static final String HOST = "127.0.0.1";

    static final int PIPELINE_DEPTH = 100;
    static final int PIPELINED_CONNECTIONS = 2;
    static final int CONNECTIONS = 16; // one call in flight each

    private final Process process;
    private final int port;
    private final String sha;
    private final String version;
    private final Path dir;

    private RedisLuaBench(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
        try (Jedis j = connect()) {
            this.sha = j.scriptLoad(SCRIPT);
            String info = j.info("server");
            this.version = info.lines().filter(l -> l.startsWith("redis_version:")).findFirst()
                    .map(l -> l.substring("redis_version:".length()).strip()).orElse("?");
        }
    }

    static RedisLuaBench start(Path server, Path workDir) throws IOException {
        Path dir = Files.createDirectories(workDir.resolve("redis"));
        int port = AppInstance.freePort();
        List<String> command = List.of(server.toString(), "--port", String.valueOf(port), "--bind", HOST,
                "--dir", dir.toString(), "--appendonly", "yes", "--appendfsync", "everysec", "--save", "",
                "--daemonize", "no", "--protected-mode", "yes", "--logfile", dir.resolve("redis.log").toString());
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.stdout").toFile()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroy, "redis-stop"));
        boolean up = Waits.await(() -> {
            if (!p.isAlive()) {
                return true;
            }
            try (Jedis j = new Jedis(HOST, port)) {
                return "PONG".equals(j.ping());
            } catch (RuntimeException e) {
                return false;
            }
        }, Duration.ofSeconds(20));
        if (!up || !p.isAlive()) {
            p.destroyForcibly();
            throw new IOException("redis-server did not start on " + HOST + ":" + port + "; see " + dir);
        }
        return new RedisLuaBench(p, port, dir);
    }

    /** The redis-server embedded-redis bundles for this platform (extracted, deleted at exit), else one on PATH. */
    static Optional<Path> server() {
        try {
            return Optional.of(ExecutableProvider.newJarResourceProvider().get().toPath());
        } catch (IOException | RuntimeException notBundled) {
            try {
                return Optional.of(ExecutableProvider.newExecutableInPath("redis-server").get().toPath());
            } catch (IOException notInstalled) {
                return Optional.empty();
            }
        }
    }

    String description() {
        return "redis-server " + version + " on " + HOST + ":" + port + ", appendonly yes, appendfsync everysec, "
                + "no RDB snapshots";
    }

    private Jedis connect() {
        return new Jedis(HOST, port, 60_000);
    }

    private static String stockKey(String dropId) {
        return "stock:{" + dropId + "}";
    }

    private static List<String> keys(Workload w, int order) {
        return List.of(stockKey(w.dropId(order)), "order:" + w.orderId(order));
    }

    private static List<String> args(Workload w, int order) {
        return List.of("1", TTL_SECONDS, w.dropId(order));
    }

    private static boolean confirmed(Object reply) {
        String s = reply instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(reply);
        if (s.startsWith("E:")) {
            throw new IllegalStateException("Redis script answered " + s);
        }
        return s.startsWith("C:");
    }

    ThroughputRun pipelined(Workload w, String scenario) throws InterruptedException {
        return throughput(w, PIPELINED_CONNECTIONS, PIPELINE_DEPTH, scenario);
    }

    /** Closed loop: {@code connections} connections sending pipelines of {@code depth} calls. */
    ThroughputRun throughput(Workload w, int connections, int depth, String scenario) throws InterruptedException {
        DecisionTracker tracker = prepare(w);
        AtomicInteger next = new AtomicInteger();
        String how = depth > 1 ? connections + " connections x pipelines of " + depth
                : connections + " connections, one call in flight each";
        long t0 = System.nanoTime();
        long deadline = t0 + TimeUnit.SECONDS.toNanos(Math.max(120, w.requests() / 2000));
        clients(w, tracker, how, connections, (j, c) -> {
                    for (int start; System.nanoTime() < deadline && (start = next.getAndAdd(depth)) < w.requests(); ) {
                        int end = Math.min(start + depth, w.requests());
                        if (depth == 1) {
                            int order = w.slotOrder()[start];
                            Object reply = j.evalsha(sha, keys(w, order), args(w, order));
                            tracker.decision(order, confirmed(reply), 1, System.nanoTime(), true);
                        } else {
                            Pipeline p = j.pipelined();
                            List<Response<Object>> replies = IntStream.range(start, end)
                                    .map(slot -> w.slotOrder()[slot])
                                    .mapToObj(order -> p.evalsha(sha, keys(w, order), args(w, order))).toList();
                            p.sync();
                            long now = System.nanoTime();
                            for (int i = 0; i < replies.size(); i++) {
                                boolean confirmed = confirmed(replies.get(i).get());
                                tracker.decision(w.slotOrder()[start + i], confirmed, 1, now, true);
                            }
                        }
                    }
                });
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new ThroughputRun(Results.System.REDIS_LUA, how, scenario, w.requests(), w.orders(), seconds, seconds,
                tracker.verification(), String.format(Locale.ROOT, "%,.0f script calls/s (retries included)",
                w.requests() / seconds), Double.NaN, "").say();
    }

    /** Open loop: slot i is sent when due by connection i mod {@code connections}. */
    LatencyRun openLoop(Workload w, int rate, int connections) throws InterruptedException {
        DecisionTracker tracker = prepare(w);
        long t0 = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
        Schedule schedule = Schedule.of(t0, rate);
        tracker.schedule(schedule);
        long deadline = schedule.intended(w.requests()) + TimeUnit.SECONDS.toNanos(60);
        clients(w, tracker, "open loop " + rate + "/s", connections, (j, c) -> {
                    for (int slot = c; slot < w.requests() && System.nanoTime() < deadline; slot += connections) {
                        Waits.until(schedule.intended(slot));
                        int order = w.slotOrder()[slot];
                        Object reply = j.evalsha(sha, keys(w, order), args(w, order));
                        long now = System.nanoTime();
                        tracker.decision(order, confirmed(reply), 1, now, true);
                        tracker.latencySample(slot, now);
                    }
                });
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new LatencyRun(Results.System.REDIS_LUA, connections + " connections, one call in flight each",
                rate, seconds, w.requests() / seconds, tracker.latency(), tracker.verification(),
                "request to reply, retries included").say();
    }

    private DecisionTracker prepare(Workload w) {
        try (Jedis j = connect()) {
            j.flushAll();
            for (String d : w.dropIds()) {
                j.set(stockKey(d), String.valueOf(w.stockPerDrop()));
            }
        }
        return new DecisionTracker(w);
    }

    /** Runs {@code client} on a thread and connection per number, then checks that no stock went negative. */
    private void clients(Workload w, DecisionTracker tracker, String what, int connections,
                         BiConsumer<Jedis, Integer> client) throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = IntStream.range(0, connections).mapToObj(c -> new Thread(() -> {
            try (Jedis j = connect()) {
                client.accept(j, c);
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        }, "redis-client-" + c)).toList();
        try (var ticker = Progress.every(Duration.ofSeconds(5), () -> String.format(Locale.ROOT,
                "Redis Lua (%s): %,d/%,d orders decided", what, tracker.decided(), w.orders()))) {
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join();
            }
        }
        if (failure.get() != null) {
            throw new IllegalStateException("Redis client failed: " + failure.get(), failure.get());
        }
        try (Jedis j = connect()) {
            for (String d : w.dropIds()) {
                long left = Long.parseLong(j.get(stockKey(d)));
                if (left < 0) {
                    throw new IllegalStateException("Redis stock of " + d + " went negative: " + left);
                }
            }
        }
    }

    @Override
    public void close() {
        ChildJvm.stop(process, 20); // on SIGTERM redis-server shuts down as on SHUTDOWN
        Dirs.deleteRecursively(dir);
    }
}
