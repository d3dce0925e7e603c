package io.livedrop.bench.faults;

import io.livedrop.bench.Formats;
import io.livedrop.bench.Progress;
import io.livedrop.bench.Waits;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Scenario 8: hostile requests of every bad-input kind mixed into the normal load. The load runs six windows;
 * in the 2nd, 4th and 6th the hostile requests go out at an even rate through the instances in turn, the 1st, 3rd and
 * 5th are the clean run it is compared with (alternating, so drift on a shared machine hits both alike). No hostile
 * request may get a 5xx or go unanswered; the normal traffic's p99 in the hostile windows must stay within 2× of the
 * clean windows'; and the orders are verified as in every scenario.
 */
final class HostileClients {

    static final int WINDOWS = 6;
    static final Duration WINDOW = Duration.ofSeconds(10);
    static final double P99_BOUND = 2.0;

    /** One kind of bad request. */
    record Kind(String name, java.util.function.BiFunction<Harness, String, HttpRequest> build) {
    }

    private HostileClients() {
    }

    static List<Kind> kinds(Harness h, String drop) {
        String token = h.token("hostile-user");
        String expired = h.tokens.mint("hostile-user", List.of(), Duration.ofMinutes(5),
                Instant.now().minus(Duration.ofHours(2)));
        String forged = token.substring(0, token.length() - 4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
        String big = "x".repeat(10_000);
        List<Kind> k = new ArrayList<>();
        k.add(new Kind("malformed JSON", (x, url) -> post(url, "{\"query\": \"mutation {", token)));
        k.add(new Kind("not JSON (binary)", (x, url) -> post(url, "\u0000\u00ff\u0001garbage\u0002", token)));
        k.add(new Kind("GraphQL syntax error", (x, url) -> post(url, q("{ drop(id: }"), token)));
        k.add(new Kind("unknown field", (x, url) -> post(url, q("{ dropz { id } }"), token)));
        k.add(new Kind("placeOrder quantity -5", (x, url) -> post(url, order(drop, "-5", "\"h-neg\""), token)));
        k.add(new Kind("placeOrder quantity 0", (x, url) -> post(url, order(drop, "0", "\"h-zero\""), token)));
        k.add(new Kind("placeOrder quantity 2^31-1", (x, url) -> post(url, order(drop, "2147483647", "\"h-max\""),
                token)));
        k.add(new Kind("placeOrder quantity not a number", (x, url) -> post(url, order(drop, "\"abc\"", "\"h-nan\""),
                token)));
        k.add(new Kind("placeOrder unknown drop", (x, url) -> post(url, order("d-doesnotexist0", "1", "\"h-unknown\""),
                token)));
        k.add(new Kind("placeOrder malformed drop id", (x, url) -> post(url, order("../../etc/passwd\\u0000", "1",
                "\"h-path\""), token)));
        k.add(new Kind("placeOrder 10 KB idempotency key", (x, url) -> post(url, order(drop, "1", "\"" + big + "\""),
                token)));
        k.add(new Kind("placeOrder without a token", (x, url) -> post(url, order(drop, "1", "\"h-anon\""), null)));
        k.add(new Kind("placeOrder with a forged token", (x, url) -> post(url, order(drop, "1", "\"h-forged\""),
                forged)));
        k.add(new Kind("placeOrder with an expired token", (x, url) -> post(url, order(drop, "1", "\"h-expired\""),
                expired)));
        k.add(new Kind("2 MB body", (x, url) -> post(url, "{\"query\":\"{ __typename }\",\"pad\":\""
                + "y".repeat(2 * 1024 * 1024) + "\"}", token)));
        k.add(new Kind("nesting bomb (depth 200)", (x, url) -> post(url, q("{ __schema { types { "
                + "fields { type { ofType { ".repeat(40) + "name" + " } } } }".repeat(40) + " } } }"), token)));
        k.add(new Kind("alias bomb (1,000 aliases)", (x, url) -> {
            StringBuilder b = new StringBuilder("{ ");
            for (int i = 0; i < 1000; i++) {
                b.append("a").append(i).append(": drop(id: \\\"").append(drop).append("\\\") { id } ");
            }
            return post(url, q(b.append("}").toString()), token);
        }));
        k.add(new Kind("wrong content type", (x, url) -> HttpRequest.newBuilder(URI.create(url + "/graphql"))
                .header("Content-Type", "text/plain").timeout(Duration.ofSeconds(15))
                .POST(HttpRequest.BodyPublishers.ofString("{ __typename }")).build()));
        k.add(new Kind("GET with a garbage query", (x, url) -> HttpRequest.newBuilder(URI.create(url
                + "/graphql?query=%7B%20drop(id%3A%20%7D%7D%7D")).timeout(Duration.ofSeconds(15)).GET().build()));
        k.add(new Kind("variables of the wrong shape", (x, url) -> post(url, "{\"query\":\"query($id: ID!) { drop(id:"
                + " $id) { id } }\",\"variables\":[1,2,3]}", token)));
        return k;
    }

    static String q(String query) {
        return "{\"query\":\"" + query + "\"}";
    }

    static String order(String drop, String quantity, String key) {
        return "{\"query\":\"mutation($in: PlaceOrderInput!) { placeOrder(input: $in) { order { id status } } }\","
                + "\"variables\":{\"in\":{\"dropId\":\"" + drop + "\",\"quantity\":" + quantity
                + ",\"idempotencyKey\":" + key + "}}}";
    }

    static HttpRequest post(String url, String body, String token) {
        return Harness.request(url, body, token, Duration.ofSeconds(15));
    }

    static Verdict run(Harness h, FaultOptions o) throws Exception {
        Verdict v = new Verdict("8. hostile clients: " + Progress.n(o.hostile()) + " bad requests mixed into the load");
        Progress.say("=== %s ===", v.scenario);
        int stock = o.stock() * 2; // not sold out before the last window: sold-out answers are quicker
        List<String> drops = h.createDrops(stock);
        List<Kind> kinds = kinds(h, drops.get(0));
        HttpClient hostileHttp = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(2, r -> {
                    Thread t = new Thread(r, "faults-hostile");
                    t.setDaemon(true);
                    return t;
                })).connectTimeout(Duration.ofSeconds(5)).build();
        Map<String, Map<String, Long>> outcomes = new ConcurrentHashMap<>();
        AtomicLong serverErrors = new AtomicLong();
        AtomicLong unanswered = new AtomicLong();
        List<CompletableFuture<?>> inFlight = new ArrayList<>();

        Stampede s = new Stampede(h, "s8", drops, o.rate(), FaultSuite.USERS).start();
        long t0 = s.startNanos;
        int hostileWindows = WINDOWS / 2;
        long interval = WINDOW.toNanos() * hostileWindows / o.hostile();
        int sent = 0;
        for (int w = 0; w < WINDOWS; w++) {
            long windowStart = t0 + w * WINDOW.toNanos();
            boolean hostile = w % 2 == 1;
            Progress.say("window %d of %d (%s)", w + 1, WINDOWS, hostile ? "hostile requests mixed in" : "clean");
            if (!hostile) {
                Waits.until(windowStart + WINDOW.toNanos());
                continue;
            }
            int quota = (o.hostile() * (w / 2 + 1)) / hostileWindows - sent;
            for (int i = 0; i < quota; i++) {
                Waits.until(windowStart + i * interval);
                Kind kind = kinds.get(sent % kinds.size());
                List<Harness.Instance> targets = h.inRotation();
                Harness.Instance via = targets.get(sent % targets.size());
                sent++;
                inFlight.add(hostileHttp.sendAsync(kind.build().apply(h, via.url()),
                        HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
                            String outcome;
                            if (e != null) {
                                unanswered.incrementAndGet();
                                outcome = "no answer: " + rootName(e);
                            } else {
                                if (r.statusCode() >= 500) {
                                    serverErrors.incrementAndGet();
                                }
                                outcome = "HTTP " + r.statusCode() + codeOf(r.body());
                            }
                            outcomes.computeIfAbsent(kind.name(), x -> new ConcurrentHashMap<>())
                                    .merge(outcome, 1L, Long::sum);
                        }));
            }
            Waits.until(windowStart + WINDOW.toNanos());
        }
        s.stop();
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).exceptionally(e -> null)
                .get(30, TimeUnit.SECONDS);

        v.verifyOrders(h, s, stock, List.of());
        Histogram[] orders = {Verdict.hist(), Verdict.hist()};
        Histogram[] reads = {Verdict.hist(), Verdict.hist()};
        for (Stampede.Answer a : s.answers) {
            int w = (int) ((a.intendedNanos() - t0) / WINDOW.toNanos());
            if (a.status() != null && w < WINDOWS) {
                orders[w % 2].recordValue(Math.max(1, (a.answeredNanos() - a.intendedNanos()) / 1000));
            }
        }
        for (Stampede.Read r : s.reads) {
            int w = (int) ((r.sentNanos() - t0) / WINDOW.toNanos());
            if (r.ok() && w < WINDOWS) {
                reads[w % 2].recordValue(Math.max(1, (r.answeredNanos() - r.sentNanos()) / 1000));
            }
        }
        double orderRatio = ratio(orders);
        double readRatio = ratio(reads);
        long errorAnswers = s.answers.stream().filter(a -> a.status() == null).count();
        long readErrors = s.reads.stream().filter(r -> !r.ok()).count();
        v.figures.put("seconds unavailable: reads", readErrors == 0 ? "0" : readErrors + " failed reads");
        v.figures.put("seconds unavailable: orders (error answers)", errorAnswers == 0 ? "0" : errorAnswers
                + " error answers");
        v.figures.put("order p99 before / during / after (ms)", "— / " + Verdict.percentile(orders[1], 99) + " / —");
        v.figures.put("read p99 before / during / after (ms)", "— / " + Verdict.percentile(reads[1], 99) + " / —");
        v.figures.put("hostile requests sent / answered 5xx / unanswered", Progress.n(sent) + " / "
                + serverErrors.get() + " / " + unanswered.get());
        v.figures.put("normal orders p99: clean windows / hostile windows (ratio)", Verdict.percentile(orders[0], 99) + " / "
                + Verdict.percentile(orders[1], 99) + " ms (" + Formats.ratio(orderRatio) + ")");
        v.figures.put("normal reads p99: clean windows / hostile windows (ratio)", Verdict.percentile(reads[0], 99) + " / "
                + Verdict.percentile(reads[1], 99) + " ms (" + Formats.ratio(readRatio) + ")");
        v.figures.put("normal orders p50: clean / hostile windows (ms)", Verdict.percentile(orders[0], 50) + " / " + Verdict.percentile(orders[1], 50));
        if (serverErrors.get() > 0) {
            v.violation("%d hostile request(s) answered with a 5xx", serverErrors.get());
        }
        if (unanswered.get() > 0) {
            v.violation("%d hostile request(s) got no answer", unanswered.get());
        }
        if (orderRatio > P99_BOUND || readRatio > P99_BOUND) {
            v.violation("the normal traffic's p99 in the hostile windows is more than %.0f× the clean windows'"
                    + " (orders %s, reads %s)", P99_BOUND, Formats.ratio(orderRatio), Formats.ratio(readRatio));
        }
        v.details.add("| hostile request kind | answers |");
        v.details.add("|---|---|");
        new TreeMap<>(outcomes).forEach((k, m) -> v.details.add("| " + k + " | " + new TreeMap<>(m) + " |"));
        v.notes.add("Six windows of " + WINDOW.toSeconds() + " s; hostile requests in windows 2, 4 and 6 at "
                + Math.round(o.hostile() / (double) (hostileWindows * WINDOW.toSeconds())) + "/s, each kind in turn"
                + " through the instances in rotation; windows 1, 3 and 5 are the clean run. A GraphQL error answer"
                + " is HTTP 200 or 4xx with the error's code shown.");
        return v;
    }

    static String codeOf(String body) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"(?:code|classification)\"\\s*:\\s*\"([A-Z_]+)\"")
                .matcher(body == null ? "" : body);
        return m.find() ? " " + m.group(1) : body != null && body.contains("\"errors\"") ? " (error, no code)" : "";
    }

    static String rootName(Throwable e) {
        Throwable r = e;
        while (r.getCause() != null) {
            r = r.getCause();
        }
        return r.getClass().getSimpleName();
    }

    private static double ratio(Histogram[] h) {
        return h[0].getTotalCount() == 0 || h[1].getTotalCount() == 0 ? Double.NaN
                : h[1].getValueAtPercentile(99) / (double) h[0].getValueAtPercentile(99);
    }
}
