package io.livedrop.bench.faults;

import static io.livedrop.bench.faults.Harness.placeOrderBody;
import static io.livedrop.bench.faults.Verdict.percentile;
import static io.livedrop.bench.hostile.HostileQueries.NESTED;

import io.livedrop.bench.Daemons;
import io.livedrop.bench.Formats;
import io.livedrop.bench.Http;
import io.livedrop.bench.Progress;
import io.livedrop.bench.Waits;
import io.livedrop.bench.hostile.GraphQlSocket;
import io.livedrop.bench.hostile.Heap;
import io.livedrop.bench.hostile.HostileQueries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongToIntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.HdrHistogram.Histogram;

/**
 * Scenario 8 (docs/benchmarks/methodology.md#fault-scenario-8-hostile-clients): hostile requests of every bad-input
 * kind mixed into the normal load. No hostile request may get a 5xx (nor a close 1011, nor a metered HTTP 500) or go
 * unanswered; some kinds have a check of their own; the heap after a full GC stays within {@link #HEAP_FACTOR} of the
 * start's; the normal p99 in the hostile windows within 2× the clean windows'; the orders are verified as usual.
 */
final class HostileClients {

    static final int WINDOWS = 6;
    static final Duration WINDOW = Duration.ofSeconds(10);
    static final double P99_BOUND = 2.0;
    /** Heap after a full GC at the end within start × 1.1 + 32 MB: why, in docs/benchmarks/methodology.md. */
    static final double HEAP_FACTOR = 1.1;
    static final int HEAP_SLACK_MB = 32;
    static final String XSS = "<script>alert(1)</script>";
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    /**
     * One kind of bad request for an instance's base URL, or with {@code rawTarget} a GET the JDK's client refuses to
     * send (a bad %-escape), over a plain socket. {@code problem}: what is wrong with an answer beyond a 5xx, or null.
     */
    record Kind(String name, Function<String, HttpRequest> build, Function<Reply, String> problem, String rawTarget) {
        /** A GraphQL POST of {@code body} with {@code token} (null: anonymous). */
        static Kind post(String name, String body, String token) {
            return post(name, body, token, r -> null);
        }

        static Kind post(String name, String body, String token, Function<Reply, String> problem) {
            return new Kind(name, url -> Http.graphQl(url, body, token, TIMEOUT), problem, null);
        }
    }

    /** What a hostile request got: status, Content-Type and body. */
    record Reply(int status, String contentType, String body) {
    }

    private HostileClients() {
    }

    static List<Kind> kinds(Harness h, String drop) {
        String token = h.token("hostile-user");
        Instant now = Instant.now();
        String expired = h.tokens.mint("hostile-user", List.of(), Duration.ofMinutes(5),
                now.minus(Duration.ofHours(2)));
        String forged = token.substring(0, token.length() - 4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
        String numericRoles = h.tokens.sign("{\"sub\":\"hostile-roles\",\"roles\":[1,2],\"iat\":" + now.getEpochSecond()
                + ",\"exp\":" + now.plus(Duration.ofHours(3)).getEpochSecond() + "}");
        String noExp = h.tokens.sign("{\"sub\":\"hostile-no-exp\",\"roles\":[],\"iat\":" + now.getEpochSecond() + "}");
        String aliases = IntStream.range(0, 1000).mapToObj(i -> "a" + i + ": drop(id: \\\"" + drop + "\\\") { id } ")
                .collect(Collectors.joining());
        String amplified = IntStream.range(0, 20)
                .mapToObj(i -> " a" + i + ":" + NESTED.substring(1, NESTED.length() - 1)).collect(Collectors.joining());
        List<Kind> k = new ArrayList<>(List.of(
                Kind.post("malformed JSON", "{\"query\": \"mutation {", token),
                Kind.post("not JSON (binary)", "\u0000\u00ff\u0001garbage\u0002", token),
                Kind.post("GraphQL syntax error", Http.json("{ drop(id: }"), token),
                Kind.post("unknown field", Http.json("{ dropz { id } }"), token),
                Kind.post("placeOrder quantity -5", placeOrderBody(drop, "-5", "\"h-neg\""), token),
                Kind.post("placeOrder quantity 0", placeOrderBody(drop, "0", "\"h-zero\""), token),
                Kind.post("placeOrder quantity 2^31-1", placeOrderBody(drop, "2147483647", "\"h-max\""), token),
                Kind.post("placeOrder quantity not a number", placeOrderBody(drop, "\"abc\"", "\"h-nan\""), token),
                Kind.post("placeOrder unknown drop", placeOrderBody("d-doesnotexist0", "1", "\"h-unknown\""), token),
                Kind.post("placeOrder malformed drop id", placeOrderBody("../../etc/passwd\\u0000", "1", "\"h-path\""),
                        token),
                Kind.post("placeOrder 10 KB idempotency key", placeOrderBody(drop, "1", "\"" + "x".repeat(10_000)
                        + "\""), token),
                Kind.post("placeOrder without a token", placeOrderBody(drop, "1", "\"h-anon\""), null),
                Kind.post("placeOrder with a forged token", placeOrderBody(drop, "1", "\"h-forged\""), forged),
                Kind.post("placeOrder with an expired token", placeOrderBody(drop, "1", "\"h-expired\""), expired),
                Kind.post("2 MB body", "{\"query\":\"{ __typename }\",\"pad\":\"" + "y".repeat(2 * 1024 * 1024) + "\"}",
                        token),
                Kind.post("nesting bomb (depth 200)", Http.json("{ __schema { types { "
                        + "fields { type { ofType { ".repeat(40) + "name" + " } } } }".repeat(40) + " } } }"), token),
                Kind.post("alias bomb (1,000 aliases)", Http.json("{ " + aliases + "}"), token),
                new Kind("wrong content type", url -> HttpRequest.newBuilder(URI.create(url + "/graphql"))
                        .header("Content-Type", "text/plain").timeout(TIMEOUT)
                        .POST(HttpRequest.BodyPublishers.ofString("{ __typename }")).build(), r -> null, null),
                new Kind("GET with a garbage query", url -> HttpRequest.newBuilder(URI.create(url
                        + "/graphql?query=%7B%20drop(id%3A%20%7D%7D%7D")).timeout(TIMEOUT).GET().build(), r -> null,
                        null),
                Kind.post("variables of the wrong shape", "{\"query\":\"query($id: ID!) { drop(id: $id) { id } }\","
                        + "\"variables\":[1,2,3]}", token),
                // issue 14's kinds
                Kind.post("cost amplification: liveDrops → creator.drops → creator.drops (first: 100 each)",
                        Http.json(NESTED), null, HostileClients::notRefused),
                Kind.post("cost amplification × 20 aliases", Http.json("{" + amplified + " }"), null,
                        HostileClients::notRefused)));
        for (String param : List.of("kind", "creatorId")) {
            k.add(new Kind("reflected-XSS probe: /internal/catalog/drops?" + param + "=<script>, Accept: text/html",
                    url -> HttpRequest.newBuilder(URI.create(url + "/internal/catalog/drops?limit=1&" + param + "="
                                    + URLEncoder.encode(XSS, StandardCharsets.UTF_8)))
                            .header("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
                            .timeout(TIMEOUT).GET().build(), HostileClients::htmlOrEcho, null));
        }
        k.add(Kind.post("oversize body (3 MB in a variable, anonymous)", "{\"query\":\"{ __typename }\",\"variables\":"
                + "{\"pad\":\"" + "z".repeat(3 * 1024 * 1024) + "\"}}", null));
        k.add(Kind.post("token whose roles claim is [1,2]", Http.json("{ me { id } }"), numericRoles));
        k.add(Kind.post("token without exp", Http.json("{ me { id } }"), noExp, r -> r.status() == 200
                && !r.body().contains("\"errors\"") ? "a token without exp was accepted" : null));
        k.add(new Kind("bad %-escape in a query parameter (/graphql?query=%zz)", null, r -> null,
                "/graphql?query=%zz"));
        k.add(new Kind("bad %-escape in a query parameter (/internal/catalog/drops?kind=%zz)", null, r -> null,
                "/internal/catalog/drops?limit=1&kind=%zz"));
        return k;
    }

    /** What the hostile requests and sockets got: answers by kind, 5xx (or close 1011), unanswered, failed checks. */
    record Tally(Map<String, Map<String, Long>> outcomes, AtomicLong serverErrors, AtomicLong unanswered,
                 Map<String, Long> problems) {
        Tally() {
            this(new ConcurrentHashMap<>(), new AtomicLong(), new AtomicLong(), new ConcurrentHashMap<>());
        }

        void add(String kind, String outcome, long n) {
            outcomes.computeIfAbsent(kind, x -> new ConcurrentHashMap<>()).merge(outcome, n, Long::sum);
        }

        /** A hostile HTTP request's answer (or its failure): a 5xx, no answer, or what its kind's check found. */
        void reply(Kind kind, Reply r, Throwable e) {
            if (e != null) {
                unanswered.incrementAndGet();
                add(kind.name(), "no answer: " + Stampede.rootName(e), 1);
                return;
            }
            if (r.status() >= 500) {
                serverErrors.incrementAndGet();
            }
            String problem = kind.problem().apply(r);
            if (problem != null) {
                problems.merge(kind.name() + ": " + problem, 1L, Long::sum);
            }
            add(kind.name(), "HTTP " + r.status() + HostileQueries.code(r.body(), r.body() != null
                    && r.body().contains("\"errors\"") ? " (error, no code)" : ""), 1);
        }

        /** One socket's end: a close 1011 counts as a 5xx; with {@code expectAnswers}, silence as unanswered. */
        void socket(String kind, GraphQlSocket s, int sent, boolean expectAnswers) {
            String state = s.closeState();
            s.received().forEach((type, n) -> {
                if (!type.equals("connection_ack")) {
                    add(kind, type, n);
                }
            });
            if (!state.equals("open")) {
                add(kind, "socket " + state + " by the server", 1);
                if (state.contains("1011") || state.startsWith("error")) {
                    serverErrors.incrementAndGet();
                }
            } else if (!s.acked()) {
                unanswered.incrementAndGet();
                add(kind, "no answer to connection_init", 1);
            } else if (expectAnswers && s.answeredIds() < sent) {
                unanswered.addAndGet(sent - s.answeredIds());
                add(kind, "no answer", sent - s.answeredIds());
            }
            s.close();
        }
    }

    /** The WebSocket kinds, each on its own socket(s) to {@code via} (8,000-character ids fit the 8 KB buffer). */
    static List<Runnable> socketKinds(Harness h, HttpClient client, Harness.Instance via, String drop, int n,
                                      Tally tally) {
        String token = h.token("hostile-ws-user");
        String sessionsKind = "WebSocket: " + n / 20 + " sessions of one user";
        return List.of(() -> {
            GraphQlSocket s = GraphQlSocket.open(client, via.url(), token, Duration.ofSeconds(10));
            int sent = s.subscribeMalformedIds(n);
            s.awaitAnswers(sent, Duration.ofSeconds(30));
            tally.socket("WebSocket: orderStatus on malformed 8,000-character ids, " + n + " on one socket", s, sent,
                    true);
        }, () -> {
            GraphQlSocket s = GraphQlSocket.open(client, via.url(), token, Duration.ofSeconds(10));
            s.subscribeUnknownIds(n / 4);
            Waits.await(s::isClosed, Duration.ofSeconds(5));
            tally.socket("WebSocket: orderStatus on unknown order ids, " + n / 4 + " on one socket, held 5 s", s, 0,
                    false);
        }, () -> {
            GraphQlSocket s = GraphQlSocket.open(client, via.url(), null, Duration.ofSeconds(10));
            int sent = s.subscribeDropUpdates(n / 2, drop);
            Waits.await(s::isClosed, Duration.ofSeconds(5));
            // each first answer is the drop as it is now: 10 s more on a busy machine
            s.awaitAnswers(sent, Duration.ofSeconds(10));
            tally.socket("WebSocket: dropUpdates flood, " + n / 2 + " on one anonymous socket, held 5 s", s, sent,
                    true);
        }, () -> {
            List<GraphQlSocket> sockets = new ArrayList<>();
            String user = h.token("hostile-many-sessions");
            for (int i = 0; i < n / 20; i++) {
                try {
                    sockets.add(GraphQlSocket.open(client, via.url(), user, Duration.ofSeconds(10)));
                } catch (RuntimeException e) {
                    tally.add(sessionsKind, "connection failed: " + Stampede.rootName(e), 1);
                }
            }
            for (GraphQlSocket s : sockets) {
                if (s.acked() && s.closeState().equals("open")) {
                    tally.add(sessionsKind, "acknowledged", 1);
                }
                tally.socket(sessionsKind, s, 0, false);
            }
        });
    }

    /** Each instance's heap after a full GC, by name. */
    static Map<String, Long> heaps(Harness h) {
        Map<String, Long> heaps = new TreeMap<>();
        h.instances.values().forEach(i -> heaps.put(i.name, Heap.usedAfterFullGc(i.app.pid())));
        return heaps;
    }

    /** HTTP 500s each instance has metered (http_server_requests, status="500"), by name; absent if unreadable. */
    static Map<String, Double> metered500(Harness h) {
        Map<String, Double> counts = new TreeMap<>();
        for (Harness.Instance i : h.instances.values()) {
            List<Double> values = i.metric(l -> l.startsWith("http_server_requests_seconds_count{")
                    && l.contains("status=\"500\""));
            if (values != null) {
                counts.put(i.name, values.stream().mapToDouble(Double::doubleValue).sum());
            }
        }
        return counts;
    }

    /** A cost-amplifying query must be refused (an error code), not answered in full. */
    static String notRefused(Reply r) {
        return r.status() == 200 && !r.body().contains("\"errors\"")
                ? "answered in full (" + Formats.n(r.body().length()) + " characters), not refused" : null;
    }

    /** A peer endpoint never answers HTML, nor echoes markup it was sent. */
    static String htmlOrEcho(Reply r) {
        String type = r.contentType();
        if (type.toLowerCase(Locale.ROOT).contains("text/html")) {
            return "answered as " + type + (r.body().contains(XSS) ? ", the payload echoed unescaped" : "");
        }
        return r.body().contains(XSS) ? "echoed the payload unescaped (" + type + ")" : null;
    }

    /** GET {@code target} as it is (no client-side check of its escapes), HTTP/1.1 over a plain socket. */
    static Reply rawGet(String baseUrl, String target) {
        URI base = URI.create(baseUrl);
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(15_000);
            socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: " + base.getHost() + ":"
                    + base.getPort() + "\r\nAccept: */*\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int headEnd = answer.indexOf("\r\n\r\n");
            String head = headEnd < 0 ? answer : answer.substring(0, headEnd);
            Matcher status = Pattern.compile("^HTTP/1\\.[01] (\\d{3})").matcher(head);
            Matcher type = Pattern.compile("(?im)^content-type:\\s*(.*)$").matcher(head);
            if (!status.find()) {
                throw new IOException("no HTTP status line");
            }
            return new Reply(Integer.parseInt(status.group(1)), type.find() ? type.group(1).strip() : "",
                    headEnd < 0 ? "" : answer.substring(headEnd + 4));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Verdict run(Harness h, FaultOptions o) throws Exception {
        Verdict v = new Verdict("8. hostile clients: " + Formats.n(o.hostile) + " bad requests mixed into the load");
        int stock = o.stock * 2; // not sold out before the last window: sold-out answers are quicker
        List<String> drops = h.createDrops(stock);
        List<Kind> kinds = kinds(h, drops.get(0));
        HttpClient hostileHttp = Daemons.httpClient(2, "faults-hostile", Duration.ofSeconds(5));
        List<CompletableFuture<?>> inFlight = new ArrayList<>();
        Tally tally = new Tally();
        HttpClient socketHttp = Daemons.httpClient(2, "faults-hostile-ws", Duration.ofSeconds(5));
        ExecutorService socketWork = Daemons.pool(8, "faults-hostile-sockets");
        List<Future<?>> sockets = new ArrayList<>();
        ExecutorService rawWork = Daemons.pool(2, "faults-hostile-raw");
        Map<String, Long> heapAtStart = heaps(h);
        Map<String, Double> metered500AtStart = metered500(h);
        Progress.say("heap after a full GC at the start: %s", heapAtStart);

        Stampede s = new Stampede(h, "s8", drops, o.rate).start();
        long t0 = s.startNanos;
        int hostileWindows = WINDOWS / 2;
        long interval = WINDOW.toNanos() * hostileWindows / o.hostile;
        int sent = 0;
        for (int w = 0; w < WINDOWS; w++) {
            long windowStart = t0 + w * WINDOW.toNanos();
            boolean hostile = w % 2 == 1;
            Progress.say("window %d of %d (%s)", w + 1, WINDOWS, hostile ? "hostile requests mixed in" : "clean");
            if (hostile) {
                h.inRotation().forEach(via -> socketKinds(h, socketHttp, via, drops.get(0), o.hostileSubscriptions,
                        tally).forEach(r -> sockets.add(socketWork.submit(r))));
                int quota = (o.hostile * (w / 2 + 1)) / hostileWindows - sent;
                for (int i = 0; i < quota; i++) {
                    Waits.until(windowStart + i * interval);
                    Kind kind = kinds.get(sent % kinds.size());
                    List<Harness.Instance> targets = h.inRotation();
                    Harness.Instance via = targets.get(sent % targets.size());
                    sent++;
                    CompletableFuture<Reply> reply = kind.rawTarget() != null
                            ? CompletableFuture.supplyAsync(() -> rawGet(via.url(), kind.rawTarget()), rawWork)
                            : hostileHttp.sendAsync(kind.build().apply(via.url()), HttpResponse.BodyHandlers.ofString())
                                    .thenApply(r -> new Reply(r.statusCode(), r.headers().firstValue("Content-Type")
                                            .orElse(""), r.body()));
                    inFlight.add(reply.whenComplete((r, e) -> tally.reply(kind, r, e)));
                }
            }
            Waits.until(windowStart + WINDOW.toNanos());
        }
        s.stop();
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).exceptionally(e -> null)
                .get(30, TimeUnit.SECONDS);
        for (Future<?> f : sockets) {
            try {
                f.get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                tally.add("WebSocket kinds", "failed: " + Stampede.rootName(e), 1);
            }
        }
        socketWork.shutdownNow();
        rawWork.shutdownNow();

        v.verifyOrders(h, s, stock, List.of());
        // [0] the clean windows', [1] the hostile windows'
        LongToIntFunction window = t -> (t - t0) / WINDOW.toNanos() < WINDOWS ? (int) ((t - t0) / WINDOW.toNanos()) % 2
                : -1;
        Histogram[] orders = Verdict.byPhase(s.answers.stream().filter(a -> a.status() != null), 2, window,
                Stampede.Answer::intendedNanos, Stampede.Answer::answeredNanos);
        Histogram[] reads = Verdict.byPhase(s.reads.stream().filter(Stampede.Read::ok), 2, window,
                Stampede.Read::sentNanos, Stampede.Read::answeredNanos);
        double orderRatio = ratio(orders);
        double readRatio = ratio(reads);
        long errorAnswers = s.answers.stream().filter(a -> a.status() == null).count();
        long readErrors = s.reads.stream().filter(r -> !r.ok()).count();
        v.figures.put("seconds unavailable: reads", readErrors == 0 ? "0" : readErrors + " failed reads");
        v.figures.put("seconds unavailable: orders (error answers)", errorAnswers == 0 ? "0" : errorAnswers
                + " error answers");
        v.figures.put("order p99 before / during / after (ms)", "— / " + percentile(orders[1], 99) + " / —");
        v.figures.put("read p99 before / during / after (ms)", "— / " + percentile(reads[1], 99) + " / —");
        v.figures.put("hostile requests sent / answered 5xx / unanswered", Formats.n(sent) + " / "
                + tally.serverErrors().get() + " / " + tally.unanswered().get());
        v.figures.put("normal orders p99: clean windows / hostile windows (ratio)", percentile(orders[0], 99) + " / "
                + percentile(orders[1], 99) + " ms (" + Formats.ratio(orderRatio) + ")");
        v.figures.put("normal reads p99: clean windows / hostile windows (ratio)", percentile(reads[0], 99) + " / "
                + percentile(reads[1], 99) + " ms (" + Formats.ratio(readRatio) + ")");
        v.figures.put("normal orders p50: clean / hostile windows (ms)", percentile(orders[0], 50) + " / "
                + percentile(orders[1], 50));
        Map<String, Long> heapAtEnd = heaps(h);
        Map<String, Double> added500 = metered500(h);
        added500.replaceAll((n, end) -> end - metered500AtStart.getOrDefault(n, 0.0));
        v.figures.put("heap after a full GC, start → end of the scenario (bound: start × " + HEAP_FACTOR + " + "
                + HEAP_SLACK_MB + " MB)", heapAtStart.keySet().stream().map(n -> n + " " + Heap.mb(heapAtStart.get(n))
                + " → " + Heap.mb(heapAtEnd.getOrDefault(n, -1L))).collect(Collectors.joining(", ")));
        heapAtStart.forEach((n, start) -> {
            long end = heapAtEnd.getOrDefault(n, -1L);
            if (start >= 0 && end >= 0 && end > start * HEAP_FACTOR + HEAP_SLACK_MB * 1048576L) {
                v.violation("instance %s kept %s more heap after a full GC at the end than at the start (%s → %s;"
                        + " bound %.2f× + %d MB)", n, Heap.mb(end - start), Heap.mb(start), Heap.mb(end), HEAP_FACTOR,
                        HEAP_SLACK_MB);
            }
        });
        v.figures.put("HTTP 500s metered by the instances during the scenario (http_server_requests)",
                added500.isEmpty() ? "not readable (/actuator/prometheus on the peer listener)" : added500.entrySet()
                        .stream().map(e -> e.getKey() + " " + Math.round(e.getValue()))
                        .collect(Collectors.joining(", ")));
        added500.forEach((n, added) -> {
            if (added > 0) {
                v.violation("instance %s metered %.0f HTTP 500(s) during the scenario", n, added);
            }
        });
        new TreeMap<>(tally.problems()).forEach((p, n) -> v.violation("%d × %s", n, p));
        if (tally.serverErrors().get() > 0) {
            v.violation("%d hostile request(s) answered with a 5xx (or a WebSocket close 1011)",
                    tally.serverErrors().get());
        }
        if (tally.unanswered().get() > 0) {
            v.violation("%d hostile request(s) or subscription(s) got no answer", tally.unanswered().get());
        }
        if (orderRatio > P99_BOUND || readRatio > P99_BOUND) {
            v.violation("the normal traffic's p99 in the hostile windows is more than %.0f× the clean windows'"
                    + " (orders %s, reads %s)", P99_BOUND, Formats.ratio(orderRatio), Formats.ratio(readRatio));
        }
        v.details.add("| hostile request kind | answers |");
        v.details.add("|---|---|");
        new TreeMap<>(tally.outcomes()).forEach((k, m) -> v.details.add("| " + k + " | " + new TreeMap<>(m) + " |"));
        v.notes.add("Six windows of " + WINDOW.toSeconds() + " s; hostile requests in windows 2, 4 and 6 at "
                + Math.round(o.hostile / (double) (hostileWindows * WINDOW.toSeconds())) + "/s, and the WebSocket"
                + " kinds of the table at the start of each on every instance in rotation; heap bound start × "
                + HEAP_FACTOR + " + " + HEAP_SLACK_MB + " MB. Method and bound: see"
                + " docs/benchmarks/methodology.md#fault-scenario-8-hostile-clients.");
        return v;
    }

    private static double ratio(Histogram[] h) {
        return h[0].getTotalCount() == 0 || h[1].getTotalCount() == 0 ? Double.NaN
                : h[1].getValueAtPercentile(99) / (double) h[0].getValueAtPercentile(99);
    }
}
