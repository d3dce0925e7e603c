package io.livedrop.bench.faults;

import io.livedrop.bench.Daemons;
import io.livedrop.bench.Formats;
import io.livedrop.bench.Http;
import io.livedrop.bench.Waits;
import io.livedrop.topology.order.OrderIds;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The order stampede of one scenario, open loop: request i is due at t0 + i / rate, through the instances in rotation
 * in turn; 90 % new orders (one of {@link #USERS} buyers, a unique key, the scenario's drops in turn, every fifth for 2
 * units), 10 % a retry of one of the last 200 orders (same key and payload, maybe through the other instance). Every
 * answer is kept. Alongside, a reader per instance asks for each drop in turn every 100 ms.
 */
final class Stampede {

    static final int USERS = 2_000;
    static final Duration ORDER_TIMEOUT = Duration.ofSeconds(15);
    static final Duration READ_TIMEOUT = Duration.ofSeconds(5);
    static final int MAX_IN_FLIGHT = 400;
    private static final Pattern REMAINING = Pattern.compile("\"remainingStock\"\\s*:\\s*(-?\\d+)");

    record Order(String user, String key, String dropId, int quantity, String orderId) {
    }

    /** {@code status} CONFIRMED/REJECTED/PENDING, else null and {@code error} says why; times from nanoTime(). */
    record Answer(Order order, String instance, boolean retry, long intendedNanos, long answeredNanos, String status,
                  String returnedId, String error) {
        boolean decided() {
            return "CONFIRMED".equals(status) || "REJECTED".equals(status);
        }

        boolean pending() {
            return "PENDING".equals(status);
        }
    }

    /** One read of a drop: its remainingStock, or the error. */
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

    Stampede(Harness h, String label, List<String> drops, int rate) {
        this.h = h;
        this.label = label;
        this.drops = drops;
        this.rate = rate;
    }

    /** The placeOrder request of {@code order} through {@code via}, with its buyer's token. */
    HttpRequest request(Order order, Harness.Instance via) {
        return Http.graphQl(via.url(), Harness.placeOrderBody(order.dropId(), String.valueOf(order.quantity()),
                "\"" + order.key() + "\""), userTokens.computeIfAbsent(order.user(), h::token), ORDER_TIMEOUT);
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
            List<Harness.Instance> targets = h.inRotation();
            if (stop || targets.isEmpty()) {
                continue;
            }
            Harness.Instance via = targets.get((int) (i % targets.size()));
            boolean retry = !orders.isEmpty() && random.nextInt(10) == 0;
            Order order = retry ? orders.get(orders.size() - 1 - random.nextInt(Math.min(orders.size(), 200)))
                    : newOrder(i);
            inFlight.acquireUninterruptibly(); // at most MAX_IN_FLIGHT out: the client's connection limit
            sent++;
            h.send(request(order, via)).whenComplete((r, e) -> {
                        long at = System.nanoTime();
                        inFlight.release();
                        answers.add(classify(order, via.name, retry, due, at, r, e));
                    });
        }
    }

    private Order newOrder(long i) {
        String user = label + "-u" + random.nextInt(USERS);
        String key = label + "-k" + i;
        Order order = new Order(user, key, drops.get((int) (i % drops.size())), i % 5 == 4 ? 2 : 1,
                OrderIds.of(user, key));
        orders.add(order);
        return order;
    }

    static Answer classify(Order order, String via, boolean retry, long intended, long at, HttpResponse<String> r,
                           Throwable e) {
        String why = e != null ? rootName(e) : error(r.statusCode(), r.body());
        if (why != null) {
            return new Answer(order, via, retry, intended, at, null, null, why);
        }
        String status = Http.field(r.body(), "status");
        return new Answer(order, via, retry, intended, at, status, Http.field(r.body(), "id"),
                status == null ? "no status" : null);
    }

    /** The simple class name of {@code e}'s root cause (a counting key: no message). */
    static String rootName(Throwable e) {
        return Formats.root(e).getClass().getSimpleName();
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
            Integer remaining = null;
            String error;
            try {
                HttpResponse<String> r = h.http.send(Http.graphQl(i.url(), Harness.dropQueryBody(drop), null,
                        READ_TIMEOUT), HttpResponse.BodyHandlers.ofString());
                remaining = remaining(r.body());
                String why = error(r.statusCode(), r.body());
                error = why != null || r.body().contains("\"remainingStock\"") ? why : "no error, but no drop (null)";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                error = e.getClass().getSimpleName();
            }
            // an error of an instance taken out of rotation meanwhile is not counted
            if (error == null || i.inRotation) {
                reads.add(new Read(name, drop, t0, System.nanoTime(), error == null ? remaining : null, error));
            }
            Waits.until(t0 + TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    /** Why an answer is an error: "HTTP n", its error code, or "GraphQL error [without code: ...]"; null if none. */
    static String error(int httpStatus, String body) {
        if (httpStatus != 200 || !body.contains("\"errors\"")) {
            return httpStatus != 200 ? "HTTP " + httpStatus : null;
        }
        String code = Http.field(body, "code");
        String message = Http.field(body, "message");
        return code != null ? code : message == null ? "GraphQL error"
                : "GraphQL error without code: " + message.substring(0, Math.min(60, message.length()));
    }

    /** {@code remainingStock} in a drop query's answer, or null. */
    static Integer remaining(String body) {
        Matcher m = REMAINING.matcher(body);
        return m.find() ? Integer.valueOf(m.group(1)) : null;
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
