package io.livedrop.bench.hostile;

import static io.livedrop.bench.Formats.n;
import static io.livedrop.bench.hostile.HostileQueries.NESTED;

import io.livedrop.bench.AppInstance;
import io.livedrop.bench.Daemons;
import io.livedrop.bench.Formats;
import io.livedrop.bench.Http;
import io.livedrop.bench.ProcCpu;
import io.livedrop.bench.Progress;
import io.livedrop.bench.Tokens;
import io.livedrop.bench.Waits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/** The attacks of issue 14 against one instance, one at a time, each measured the same way ({@link Attack}). */
final class Attacks {

    private static final Duration SETTLE = Duration.ofSeconds(3);

    private final HostileOptions o;
    private final AppInstance app;
    private final Http setup = new Http();
    private final Tokens tokens = new Tokens(Tokens.SECRET);
    private final Heap.GcLog gcLog;
    private final HttpClient http = Daemons.httpClient(4, "hostile-http", Duration.ofSeconds(10));
    private final Map<Integer, String[]> creators = new TreeMap<>();

    Attacks(HostileOptions o, AppInstance app, Heap.GcLog gcLog) {
        this.o = o;
        this.app = app;
        this.gcLog = gcLog;
    }

    Attack run(int attack) throws Exception {
        return switch (attack) {
            case 1 -> nestedQuery();
            case 3 -> malformedOrderStatus();
            case 4 -> dropUpdatesFlood();
            case 6 -> unknownOrderStatus();
            case 7 -> largeBodies();
            default -> throw new IllegalArgumentException("attack " + attack);
        };
    }

    /**
     * One attack, announced, then measured from a full GC on: the instance's CPU, its heap in bytes after full GCs
     * (before; held, with the clients connected; after they went; -1: not measured), its highest heap in MB; what the
     * clients got.
     */
    final class Attack {
        final String title;
        final String issue;
        final long heapBefore;
        private final int mark;
        private final ProcCpu cpu0;
        private final long t0;
        double cpuSeconds = -1;
        double seconds;
        long peakMb = -1;
        long heapHeld = -1;
        long heapAfter;
        String answers;
        String refused;

        /** {@code issue}: the figure issue 14 gave. */
        Attack(String title, String issue) {
            this.title = title;
            this.issue = issue;
            Progress.say("=== %s ===", title);
            Waits.pause(SETTLE);
            heapBefore = Heap.usedAfterFullGc(app.pid());
            mark = gcLog.mark();
            cpu0 = ProcCpu.snapshot(Map.of("app", app.pid()));
            t0 = System.nanoTime();
        }

        /** CPU and highest heap so far (before the collections a measurement forces). */
        void end() {
            if (cpuSeconds >= 0) {
                return;
            }
            seconds = (System.nanoTime() - t0) / 1e9;
            cpuSeconds = ProcCpu.snapshot(Map.of("app", app.pid())).since(cpu0).getOrDefault("app", 0.0) * seconds;
            peakMb = Math.max(gcLog.peakMbSince(mark), Heap.used(app.pid()) / 1048576);
        }

        Attack result(String answers, String refused) {
            end();
            Waits.pause(SETTLE);
            heapAfter = Heap.usedAfterFullGc(app.pid());
            this.answers = answers;
            this.refused = refused;
            Progress.say("  CPU %.1f s in %.1f s; heap %s → %s → %s (peak %s MB); %s; refused: %s", cpuSeconds,
                    seconds, Heap.mb(heapBefore), Heap.mb(heapHeld), Heap.mb(heapAfter), peakMb, answers, refused);
            return this;
        }

        /** Heap held with the socket open, then what it got and its refusals (before we close it), then heap after. */
        Attack socketResult(GraphQlSocket s, int sent, int wanted, String more) {
            end();
            heapHeld = Heap.usedAfterFullGc(app.pid());
            String state = s.closeState();
            String got = n(sent) + " of " + n(wanted) + " subscribe messages sent" + (s.acked() ? ""
                    : " (connection never acknowledged)") + ", " + n(s.answeredIds()) + " subscriptions answered;"
                    + " received " + counts(s.received()) + " (" + n(s.bytesReceived()) + " characters)" + more;
            Stream<String> errors = s.received().entrySet().stream().filter(e -> e.getKey().startsWith("error")
                    || e.getKey().startsWith("next with errors")).map(e -> e.getKey() + " × " + n(e.getValue()));
            String refusals = Stream.concat(errors, Stream.of("socket " + state + " by the server")
                    .filter(x -> !state.equals("open"))).collect(Collectors.joining(", "));
            s.close();
            return result(got, refusals.isEmpty() ? "nothing refused" : refusals);
        }
    }

    Attack nestedQuery() throws Exception {
        for (int d = 0; d < o.drops; d++) {
            String[] creator = creator(d < o.creators ? d : 0);
            setup.scheduleDrop(app.url(), creator[1], 1000, 100, creator[0]);
            if ((d + 1) % 25 == 0) {
                Progress.say("  %d of %d drops scheduled", d + 1, o.drops);
            }
        }
        boolean live = Waits.await(() -> Http.count(setup.call(app.url(), Http.json("{liveDrops(first:100){edges{node"
                + "{id}}}}"), null), "\"id\"") >= Math.min(100, o.drops), Duration.ofSeconds(60));
        Progress.say("  %d drops LIVE over %d creators%s", o.drops, o.creators, live ? "" : " (NOT ALL LIVE in 60 s)");
        setup.call(app.url(), Http.json("{liveDrops(first:1){edges{node{id creator{drops(first:1){edges{node{id}}}}"
                + "}}}}"), null);
        Attack attack = new Attack("1. anonymous `liveDrops → creator → drops → creator → drops` query ("
                + NESTED.length() + " bytes) over " + o.drops + " live drops, " + (o.drops - o.creators + 1)
                + " of them by one of " + o.creators + " creators",
                "18 s of CPU, 2.5 GB of heap, 28 MB answer (~110 live drops)");
        Duration timeout = Duration.ofMinutes(10);
        Answer a = send(Http.graphQl(app.url(), Http.json(NESTED), null, timeout))
                .get(timeout.toMillis() + 10_000, TimeUnit.MILLISECONDS);
        return attack.result(a.outcome() + String.format(Locale.ROOT, a.status() < 0 ? " after %2$.1f s"
                : ", %s bytes in %.1f s", n(a.bytes()), a.seconds()), a.status() < 0 || a.status() >= 400
                || a.code() != null ? a.outcome() : "nothing refused");
    }

    Attack malformedOrderStatus() {
        String token = tokens.mint("hostile-user-3");
        Attack attack = new Attack("3. " + n(o.malformed) + " `orderStatus` subscriptions with malformed "
                + n(GraphQlSocket.MALFORMED_ID_CHARS) + "-character ids on one socket (with a token), then the socket"
                + " closed", "+138 MB of heap after the socket closed and a full GC (20,000 ids of ~8 KB)");
        GraphQlSocket s = GraphQlSocket.open(http, app.url(), token, Duration.ofSeconds(30));
        int sent = s.subscribeMalformedIds(o.malformed);
        s.awaitAnswers(sent, Duration.ofSeconds(120));
        return attack.socketResult(s, sent, o.malformed, "");
    }

    Attack dropUpdatesFlood() throws Exception {
        String drop = setup.scheduleDrop(app.url(), creator(0)[1], 1_000_000, 100, creator(0)[0]);
        List<String> buyers = IntStream.range(0, 200).mapToObj(u -> tokens.mint("hostile-buyer-" + u)).toList();
        Attack attack = new Attack("4. " + n(o.subscriptions) + " `dropUpdates` subscriptions on one anonymous socket"
                + " to a drop taking " + o.orderRate + " orders/s for " + o.updateSeconds + " s",
                "heap from 0.3 to 1.29 GB in 20 s (5,000 subscriptions, ~40 orders/s)");
        GraphQlSocket s = GraphQlSocket.open(http, app.url(), null, Duration.ofSeconds(30));
        int sent = s.subscribeDropUpdates(o.subscriptions, drop);
        Progress.say("  %,d subscribed (%s); placing orders", sent, s.closeState());
        Map<String, Long> orders = new ConcurrentHashMap<>();
        ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor();
        AtomicLong placed = new AtomicLong();
        load.scheduleAtFixedRate(() -> {
            long k = placed.getAndIncrement();
            String body = "{\"query\":\"mutation($in: PlaceOrderInput!) { placeOrder(input: $in) { order { status } }"
                    + " }\",\"variables\":{\"in\":{\"dropId\":\"" + drop + "\",\"quantity\":1,\"idempotencyKey\":\"h4-"
                    + k + "\"}}}";
            http.sendAsync(Http.graphQl(app.url(), body, buyers.get((int) (k % buyers.size())),
                    Duration.ofSeconds(30)), HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> orders.merge(
                    e != null ? "no answer" : "HTTP " + r.statusCode() + HostileQueries.code(r.body(), ""), 1L,
                    Long::sum));
        }, 0, 1_000_000 / o.orderRate, TimeUnit.MICROSECONDS);
        Waits.pause(Duration.ofSeconds(o.updateSeconds));
        load.shutdownNow();
        // every order answered (each has a 30 s timeout)
        Waits.await(() -> orders.values().stream().mapToLong(x -> x).sum() == placed.get(), Duration.ofSeconds(60));
        return attack.socketResult(s, sent, o.subscriptions, "; orders placed: " + counts(orders));
    }

    Attack unknownOrderStatus() {
        String token = tokens.mint("hostile-user-6");
        GraphQlSocket s = GraphQlSocket.open(http, app.url(), token, Duration.ofSeconds(30));
        Attack attack = new Attack("6. " + n(o.unknown) + " `orderStatus` subscriptions on unknown (well-formed)"
                + " order ids on one socket, held " + o.unknownSeconds + " s",
                "0.71 of the 2 cores for 30 s (3,000 subscriptions)");
        int sent = s.subscribeUnknownIds(o.unknown);
        Waits.await(s::isClosed, Duration.ofSeconds(o.unknownSeconds));
        return attack.socketResult(s, sent, o.unknown, "");
    }

    Attack largeBodies() throws Exception {
        long length = o.bodyMb * 1024L * 1024L;
        Attack attack = new Attack("7. " + o.bodies + " concurrent anonymous " + o.bodyMb + " MB bodies (a `variables`"
                + " value; Content-Length set)", "all read: heap ≥ 1.36 GB (8 × 100 MB)");
        HttpRequest request = Http.graphQl(app.url(), "", null, Duration.ofMinutes(5));
        List<CompletableFuture<Answer>> answers = new ArrayList<>();
        for (int i = 0; i < o.bodies; i++) {
            answers.add(send(HttpRequest.newBuilder(request, (k, v) -> true).POST(padded(length)).build()));
        }
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(6, TimeUnit.MINUTES);
        Map<String, Long> outcomes = answers.stream().map(CompletableFuture::join)
                .collect(Collectors.groupingBy(Answer::outcome, Collectors.counting()));
        long bytes = answers.stream().mapToLong(f -> Math.max(0, f.join().bytes())).sum();
        return attack.result(counts(outcomes) + ", " + n(bytes) + " bytes of answers", outcomes.keySet().stream()
                .anyMatch(k -> k.startsWith("HTTP 4") || k.startsWith("no answer")) ? counts(outcomes)
                : "nothing refused");
    }

    /** Creator {@code c}'s token and product, made on first use. */
    private String[] creator(int c) {
        return creators.computeIfAbsent(c, k -> {
            String token = tokens.mint("hostile-creator-" + k, "CREATOR");
            return new String[] {token, setup.upsertProduct(app.url(), "Hostile tee " + k, token)};
        });
    }

    /** An answer: status (-1: none), bytes, the first error code, seconds. */
    record Answer(int status, long bytes, String code, double seconds, String error) {
        String outcome() {
            return status < 0 ? "no answer (" + error + ")" : "HTTP " + status + (code == null ? "" : code);
        }
    }

    /** Sends; counts the answer's bytes as they come, keeping only the first 64 KB (for the error code). */
    private CompletableFuture<Answer> send(HttpRequest request) {
        long t0 = System.nanoTime();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream()).thenApply(r -> {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            long total = 0;
            try (InputStream in = r.body()) {
                byte[] buf = new byte[64 * 1024];
                for (int n; (n = in.read(buf)) > 0; total += n) {
                    head.write(buf, 0, Math.min(n, buf.length - head.size()));
                }
            } catch (IOException e) {
                return new Answer(r.statusCode(), total, " (body cut: " + e.getClass().getSimpleName() + ")",
                        (System.nanoTime() - t0) / 1e9, null);
            }
            return new Answer(r.statusCode(), total, HostileQueries.code(head.toString(StandardCharsets.UTF_8), null),
                    (System.nanoTime() - t0) / 1e9, null);
        }).exceptionally(e -> new Answer(-1, -1, null, (System.nanoTime() - t0) / 1e9, Formats.rootCause(e)));
    }

    private static String counts(Map<String, Long> m) {
        return m.isEmpty() ? "none" : new TreeMap<>(m).entrySet().stream()
                .map(e -> e.getKey() + " × " + n(e.getValue())).collect(Collectors.joining(", "));
    }

    /**
     * A {@code { __typename }} body of exactly {@code length} bytes, generated as sent; the padding is a variable,
     * which the server holds (an unknown top-level field would be skipped unread).
     */
    static HttpRequest.BodyPublisher padded(long length) {
        byte[] head = "{\"query\":\"{ __typename }\",\"variables\":{\"pad\":\"".getBytes(StandardCharsets.UTF_8);
        byte[] tail = "\"}}".getBytes(StandardCharsets.UTF_8);
        long pad = Math.max(0, length - head.length - tail.length);
        byte[] chunk = "y".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
        List<byte[]> parts = new ArrayList<>(List.of(head));
        parts.addAll(Collections.nCopies((int) (pad / chunk.length), chunk));
        parts.addAll(List.of(Arrays.copyOf(chunk, (int) (pad % chunk.length)), tail));
        return HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofByteArrays(parts),
                head.length + pad + tail.length);
    }
}
