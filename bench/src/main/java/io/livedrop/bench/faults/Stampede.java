package io.livedrop.bench.faults;

import io.livedrop.bench.Daemons;
import io.livedrop.bench.Http;
import io.livedrop.bench.Waits;
import io.livedrop.topology.order.OrderIds;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The order stampede of one scenario, open loop at a fixed rate: request i is due at t0 + i / rate and goes to the
 * instances in rotation in turn; 90 % are new orders (one of {@code users} buyers, a unique idempotency key, one of
 * the scenario's drops, quantity 1 or every fifth 2), 10 % a retry of an earlier order with the same key and payload
 * (possibly through the other instance). Every answer is kept: order id, status, error code, times. Alongside, a
 * reader asks each instance in rotation for each drop every 100 ms.
 */
final class Stampede {

    static final Duration ORDER_TIMEOUT = Duration.ofSeconds(15);
    static final Duration READ_TIMEOUT = Duration.ofSeconds(5);
    static final int MAX_IN_FLIGHT = 400;
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern STATUS = Pattern.compile("\"status\"\\s*:\\s*\"([A-Z_]+)\"");
    private static final Pattern CODE = Pattern.compile("\"code\"\\s*:\\s*\"([A-Z_]+)\"");
    private static final Pattern REMAINING = Pattern.compile("\"remainingStock\"\\s*:\\s*(-?\\d+)");
    private static final Pattern MESSAGE = Pattern.compile("\"message\"\\s*:\\s*\"([^\"]{0,60})");

    /** One order the load generator placed (its first request). */
    record Order(String user, String key, String dropId, int quantity, String orderId) {
    }

    /**
     * One answer to one placeOrder request. {@code status} CONFIRMED/REJECTED/PENDING or null for an error;
     * {@code error} the GraphQL code, "HTTP nnn" or the exception; times are System.nanoTime().
     */
    record Answer(Order order, String instance, boolean retry, long intendedNanos, long answeredNanos, String status,
                  String returnedId, String error) {
        boolean decided() {
            return "CONFIRMED".equals(status) || "REJECTED".equals(status);
        }
    }

    /** One read of a drop through one instance: its remainingStock when it answered, else the error. */
    record Read(String instance, String drop, long sentNanos, long answeredNanos, Integer remainingStock,
                String error) {
        boolean ok() {
            return error == null;
        }
    }

    final Harness h;
    final String label;
    final List<String> drops;
    final int rate;
    final int users;
    final List<Order> orders = new ArrayList<>();
    final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<Read> reads = new ConcurrentLinkedQueue<>();
    private final Map<String, String> userTokens = new ConcurrentHashMap<>();
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    private final SplittableRandom random = new SplittableRandom(42);
    private volatile boolean stop;
    private Thread sender;
    private final List<Thread> readers = new ArrayList<>();
    long startNanos;
    volatile long sent;

    Stampede(Harness h, String label, List<String> drops, int rate, int users) {
        this.h = h;
        this.label = label;
        this.drops = drops;
        this.rate = rate;
        this.users = users;
    }

    String tokenOf(String user) {
        return userTokens.computeIfAbsent(user, h::token);
    }

    Stampede start() {
        startNanos = System.nanoTime();
        sender = Daemons.start("faults-load-" + label, this::sendLoop);
        h.instances.keySet().forEach(this::addReader);
        return this;
    }

    /** Starts reading through instance {@code name} too (one added while the load runs). */
    synchronized void addReader(String name) {
        readers.add(Daemons.start("faults-reader-" + name, () -> readLoop(name)));
    }

    private void sendLoop() {
        long interval = TimeUnit.SECONDS.toNanos(1) / rate;
        for (long i = 0; !stop; i++) {
            long due = startNanos + i * interval;
            Waits.until(due);
            if (stop) {
                break;
            }
            List<Harness.Instance> targets = h.inRotation();
            if (targets.isEmpty()) {
                continue;
            }
            Harness.Instance via = targets.get((int) (i % targets.size()));
            Order order;
            boolean retry = !orders.isEmpty() && random.nextInt(10) == 0;
            if (retry) {
                order = orders.get(orders.size() - 1 - random.nextInt(Math.min(orders.size(), 200)));
            } else {
                String user = label + "-u" + random.nextInt(users);
                String key = label + "-k" + i;
                order = new Order(user, key, drops.get((int) (i % drops.size())), i % 5 == 4 ? 2 : 1,
                        OrderIds.of(user, key));
                orders.add(order);
            }
            place(order, via, retry, due);
        }
    }

    /** Sends one placeOrder and records its answer (waits for a slot when MAX_IN_FLIGHT are out). */
    void place(Order order, Harness.Instance via, boolean retry, long intendedNanos) {
        inFlight.acquireUninterruptibly();
        sent++;
        HttpRequest request = Http.graphQl(via.url(), Harness.placeOrderBody(order.dropId(), order.quantity(),
                order.key()), tokenOf(order.user()), ORDER_TIMEOUT);
        h.send(request).whenComplete((r, e) -> {
            long at = System.nanoTime();
            inFlight.release();
            answers.add(classify(order, via.name, retry, intendedNanos, at, r == null ? -1 : r.statusCode(),
                    r == null ? null : r.body(), e));
        });
    }

    static Answer classify(Order order, String via, boolean retry, long intended, long at, int httpStatus, String body,
                           Throwable error) {
        if (error != null) {
            Throwable root = error;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            return new Answer(order, via, retry, intended, at, null, null, root.getClass().getSimpleName());
        }
        if (httpStatus != 200) {
            return new Answer(order, via, retry, intended, at, null, null, "HTTP " + httpStatus);
        }
        if (body.contains("\"errors\"")) {
            return new Answer(order, via, retry, intended, at, null, null, match(CODE, body).orElse("GraphQL error"));
        }
        String status = match(STATUS, body).orElse(null);
        return new Answer(order, via, retry, intended, at, status, match(ID, body).orElse(null),
                status == null ? "no status" : null);
    }

    private void readLoop(String name) {
        for (int n = 0; !stop; ) {
            Harness.Instance i = h.instances.get(name);
            if (i == null || !i.inRotation) {
                Waits.pause(Duration.ofMillis(100));
                continue;
            }
            String drop = drops.get(n++ % drops.size());
            long t0 = System.nanoTime();
            String error;
            try {
                HttpResponse<String> r = h.http.send(Http.graphQl(i.url(), Harness.dropQueryBody(drop), null,
                        READ_TIMEOUT), HttpResponse.BodyHandlers.ofString());
                String body = r.body();
                error = r.statusCode() != 200 ? "HTTP " + r.statusCode() : body.contains("\"errors\"")
                        ? match(CODE, body).orElse(match(MESSAGE, body).map(m -> "GraphQL error without code: " + m)
                        .orElse("GraphQL error")) : body.contains("\"remainingStock\"") ? null
                        : "no error, but no drop (null)";
                if (error == null) {
                    reads.add(new Read(name, drop, t0, System.nanoTime(), remaining(body), null));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                error = e.getClass().getSimpleName();
            }
            if (error != null && i.inRotation) {
                reads.add(new Read(name, drop, t0, System.nanoTime(), null, error));
            }
            Waits.until(t0 + TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    /** The first group of {@code pattern} in {@code body}. */
    private static Optional<String> match(Pattern pattern, String body) {
        Matcher m = pattern.matcher(body);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** {@code remainingStock} in a drop query's answer, or null. */
    static Integer remaining(String body) {
        return match(REMAINING, body).map(Integer::valueOf).orElse(null);
    }

    /** Stops sending, then waits (at most the order timeout and a bit) for every answer. */
    void stop() {
        stop = true;
        try {
            sender.join(5_000);
            for (Thread t : List.copyOf(readers)) {
                t.join(READ_TIMEOUT.toMillis() + 1_000);
            }
            if (inFlight.tryAcquire(MAX_IN_FLIGHT, ORDER_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS)) {
                inFlight.release(MAX_IN_FLIGHT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Seconds since the start of the load. */
    double at(long nanos) {
        return (nanos - startNanos) / 1e9;
    }
}
