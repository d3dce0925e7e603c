package io.livedrop.bench.faults;

import io.livedrop.bench.Http;
import io.livedrop.bench.Progress;
import io.livedrop.bench.Waits;
import io.livedrop.events.catalog.Drop;
import io.livedrop.events.order.OrderRequest;
import io.livedrop.events.social.FollowAction;
import io.livedrop.events.social.FollowEvent;
import io.livedrop.topology.order.OrderIds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Scenario 6: poison pills produced to every input topic mid-stampede; the orders are still decided, both instances
 * stay healthy, and each pill the broker accepted is in the dead-letter topic ({@code __streams.errors.*} headers
 * name its topic, partition and offset), except the global stores' pills, which can only be logged and skipped.
 */
final class PoisonPills {

    /** Just under the broker's default message.max.bytes (1,048,588) with key, headers and batch overhead. */
    static final int OVERSIZE_BYTES = 1_000_000;

    record Pill(String topic, String kind, byte[] key, byte[] value) {
    }

    private PoisonPills() {
    }

    static Verdict run(Harness h, FaultOptions o) throws Exception {
        Verdict v = new Verdict("6. poison pills on every input topic");
        Stampede s = h.load("s6", o);
        List<Pill> pills = pills(h, s.drops.get(0));
        Map<Pill, String> produced = new LinkedHashMap<>(); // "topic:partition:offset" or "refused ..."
        long fault = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, h.broker.bootstrapServers(),
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * OVERSIZE_BYTES,
                ProducerConfig.LINGER_MS_CONFIG, 0), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (Pill p : pills) {
                try {
                    RecordMetadata m = producer.send(new ProducerRecord<>(p.topic(), p.key(), p.value()))
                            .get(30, TimeUnit.SECONDS);
                    produced.put(p, m.topic() + ":" + m.partition() + ":" + m.offset());
                } catch (ExecutionException e) {
                    produced.put(p, "refused by the broker: " + e.getCause().getClass().getSimpleName() + " "
                            + e.getCause().getMessage());
                }
            }
        }
        long refused = produced.values().stream().filter(x -> x.startsWith("refused")).count();
        Progress.say("%d pills produced (%d refused by the broker)", pills.size(), refused);
        Waits.pause(o.after);
        s.stop();
        v.verifyOrders(h, s, o.stock, List.of());
        v.availability(s, fault, fault);

        Set<String> accepted = produced.values().stream().filter(w -> !w.startsWith("refused")).collect(Collectors
                .toSet());
        // no waiting for the global stores' pills: never dead-lettered
        Map<String, String> found = deadLetters(h, accepted, produced.keySet().stream().filter(p -> !global(h, p))
                .map(produced::get).filter(accepted::contains).toList(), Duration.ofSeconds(30));
        v.details.add("| topic | pill | partition:offset | fate |");
        v.details.add("|---|---|---|---|");
        int missing = 0;
        for (Map.Entry<Pill, String> e : produced.entrySet()) {
            Pill p = e.getKey();
            String where = e.getValue();
            String fate = where.startsWith("refused") ? where : found.containsKey(where) ? "dead-lettered ("
                    + found.get(where) + ")" : global(h, p) ? "skipped and logged by the catalog's global thread"
                    + " (not a dead letter)" : "NOT in the dead-letter topic";
            missing += fate.startsWith("NOT") ? 1 : 0;
            v.details.add("| `" + p.topic() + "` | " + p.kind() + " | " + (where.startsWith("refused") ? "—" : where
                    .substring(where.indexOf(':') + 1)) + " | " + fate.replace("|", "\\|") + " |");
        }
        if (missing > 0) {
            v.violation("%d accepted pill(s) not found in %s within 30 s (see the table)", missing,
                    h.topics.deadLetters().name());
        }
        // nothing stopped: a follow through each instance (answered once its own follows tail shows it)
        List<String> follows = new ArrayList<>();
        List<String> health = new ArrayList<>();
        for (Harness.Instance i : h.instances.values()) {
            String result = follow(h, i);
            follows.add(i.name + ": " + result);
            if (!result.equals("ok")) {
                v.violation("follow through %s after the pills failed: %s", i.name, result);
            }
            String body = FaultSuite.health(h, i);
            boolean up = body.startsWith("200") && body.contains("\"UP\"");
            health.add(i.name + " " + (up ? "UP" : "NOT UP"));
            if (!up) {
                v.violation("instance %s not healthy after the pills: %s", i.name, Http.abbreviate(body));
            }
        }
        v.figures.put("follow through each instance after the pills", follows.toString());
        v.figures.put("pills produced / refused by the broker / dead-lettered / missing", pills.size() + " / "
                + refused + " / " + found.size() + " / " + missing);
        v.figures.put("health after", health.toString());
        logEvidence(h, v);
        return v;
    }

    /** A follow through {@code i}: "ok", or what it answered. */
    private static String follow(Harness h, Harness.Instance i) {
        try {
            String body = h.setupClient.call(i.url(), Http.json("mutation { follow(creatorId: \\\"fault-creator\\\")"
                    + " { creator { id } } }"), h.token("s6-follower-" + i.name));
            return body.contains("\"fault-creator\"") ? "ok" : "no creator in " + abbreviate(body);
        } catch (RuntimeException e) {
            return e.getClass().getSimpleName() + " " + e.getMessage();
        }
    }

    /** Quotes the instances' log lines about pills or stopping; a tail or the global thread that stopped violates. */
    static void logEvidence(Harness h, Verdict v) {
        List<String> patterns = List.of("Global thread has died", "Tail of ", "Skipping an undecodable",
                "Error happened while maintaining global state store", "to ERROR",
                "Stream thread of the orders application failed");
        Pattern msg = Pattern.compile("\"message\":\"([^\"]{0,200})");
        Pattern err = Pattern.compile("\"error\":\\{\"type\":\"([^\"]*)\",\"message\":\"([^\"]{0,240})");
        for (Harness.Instance i : h.instances.values()) {
            Map<String, Integer> seen = new LinkedHashMap<>();
            Map<String, String> cause = new HashMap<>();
            try (Stream<String> lines = Files.lines(i.app.log)) {
                lines.forEach(line -> {
                    Matcher m = msg.matcher(line);
                    if (m.find() && patterns.stream().anyMatch(m.group(1)::contains)) {
                        String key = m.group(1).replaceAll("[0-9a-f]{8}-[0-9a-f-]{27}", "…");
                        seen.merge(key, 1, Integer::sum);
                        Matcher e = err.matcher(line);
                        if (e.find()) {
                            cause.putIfAbsent(key, e.group(1) + ": " + e.group(2));
                        }
                    }
                });
            } catch (IOException | UncheckedIOException e) {
                continue;
            }
            seen.forEach((k, n) -> v.notes.add("app-" + i.name + ".log: \"" + k + "\" (" + n + "×)"
                    + (cause.containsKey(k) ? " — " + cause.get(k) : "")));
            seen.keySet().stream().filter(k -> k.contains("Tail of ") && k.contains(" stopped") || k.contains(
                    "Global thread has died") || k.contains("Error happened while maintaining global")).forEach(k ->
                    v.violation("instance %s: something stopped after the pills (its log: \"%s\")", i.name, k));
        }
    }

    static List<Pill> pills(Harness h, String liveDrop) {
        String orders = h.topics.orderRequests().name();
        String dropsTopic = h.topics.drops().name();
        String follows = h.topics.follows().name();
        byte[] junk = {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef, 1, 2, 3};
        byte[] big = new byte[OVERSIZE_BYTES];
        Arrays.fill(big, (byte) 'x');
        Instant now = Instant.now();
        byte[] follow = h.serdes.followEvent().serializer().serialize(follows, FollowEvent.newBuilder()
                .setUserId("poison-user").setCreatorId("poison-creator").setAction(FollowAction.FOLLOW).setAt(now)
                .build());
        byte[] anOrder = order(h, liveDrop, "poison-wrong-schema", 1, now);
        byte[] noStock = h.serdes.drop().serializer().serialize(dropsTopic, Drop.newBuilder().setId("poison-drop-0")
                .setCreatorId("fault-creator").setProductId(h.product).setInitialStock(0).setPriceCents(100)
                .setCurrency("USD").setStartsAt(now).setEndsAt(null).setPerUserLimit(null).setCreatedAt(now).build());
        List<Pill> p = new ArrayList<>();
        // orders.requests (the ledger)
        p.add(new Pill(orders, "bad bytes", b(liveDrop), junk));
        p.add(new Pill(orders, "wrong schema (a FollowEvent)", b(liveDrop), follow));
        p.add(new Pill(orders, "null key (a valid order)", null, order(h, liveDrop, "poison-null-key", 1, now)));
        p.add(new Pill(orders, "negative quantity (-3)", b(liveDrop), order(h, liveDrop, "poison-negative", -3, now)));
        p.add(new Pill(orders, "unknown drop", b("no-such-drop"), order(h, "no-such-drop", "poison-unknown", 1, now)));
        p.add(new Pill(orders, "oversize (" + OVERSIZE_BYTES + " bytes of junk)", b(liveDrop), big));
        // catalog.drops (the ledger; compacted)
        p.add(new Pill(dropsTopic, "bad bytes", b("poison-drop-1"), junk));
        p.add(new Pill(dropsTopic, "wrong schema (an OrderRequest)", b("poison-drop-2"), anOrder));
        p.add(new Pill(dropsTopic, "null key (a valid drop)", null, noStock));
        p.add(new Pill(dropsTopic, "initialStock 0", b("poison-drop-0"), noStock));
        p.add(new Pill(dropsTopic, "oversize (" + OVERSIZE_BYTES + " bytes of junk)", b("poison-drop-3"), big));
        // social.follows (the social application, and every instance's drop-started index)
        p.add(new Pill(follows, "bad bytes", b("poison-user"), junk));
        p.add(new Pill(follows, "wrong schema (an OrderRequest)", b("poison-user"), anOrder));
        p.add(new Pill(follows, "null key (a valid follow)", null, follow));
        p.add(new Pill(follows, "oversize (" + OVERSIZE_BYTES + " bytes of junk)", b("poison-user"), big));
        // catalog.creators and catalog.products (global stores; compacted)
        for (String t : List.of(h.topics.creators().name(), h.topics.products().name())) {
            p.add(new Pill(t, "bad bytes", b("poison-" + t), junk));
            p.add(new Pill(t, "wrong schema (an OrderRequest)", b("poison-" + t), anOrder));
            p.add(new Pill(t, "null key", null, anOrder));
            p.add(new Pill(t, "oversize (" + OVERSIZE_BYTES + " bytes of junk)", b("poison-" + t + "-big"), big));
        }
        return p;
    }

    /** A valid OrderRequest of "poison-user" (but for a bad quantity or drop). */
    private static byte[] order(Harness h, String drop, String key, int quantity, Instant now) {
        return h.serdes.orderRequest().serializer().serialize(h.topics.orderRequests().name(), OrderRequest.newBuilder()
                .setOrderId(OrderIds.of("poison-user", key)).setDropId(drop).setUserId("poison-user")
                .setIdempotencyKey(key).setQuantity(quantity).setRequestedAt(now).build());
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Kafka Streams 4.4's global thread (creators, products) cannot dead-letter a pill: it logs and skips it. */
    static boolean global(Harness h, Pill p) {
        return p.topic().equals(h.topics.creators().name()) || p.topic().equals(h.topics.products().name());
    }

    /** Dead letters among {@code wanted} ("topic:partition:offset" → "topic exception: message") until all awaited. */
    static Map<String, String> deadLetters(Harness h, Set<String> wanted, List<String> awaited, Duration timeout) {
        String topic = h.topics.deadLetters().name();
        Map<String, String> found = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> c = Decisions.fromBeginning(h, topic, Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * OVERSIZE_BYTES,
                ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 16 * OVERSIZE_BYTES))) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline && !found.keySet().containsAll(awaited)) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    String source = header(r, "topic");
                    String exception = header(r, "exception");
                    String message = header(r, "message");
                    found.put(source + ":" + header(r, "partition") + ":" + header(r, "offset"), source + " "
                            + exception.substring(exception.lastIndexOf('.') + 1)
                            + (message.isEmpty() ? "" : ": " + abbreviate(message)));
                }
            }
        }
        found.keySet().retainAll(wanted);
        return found;
    }

    private static String abbreviate(String s) {
        return s.length() <= 120 ? s.replace('\n', ' ') : s.replace('\n', ' ').substring(0, 120) + "…";
    }

    /** A dead letter's {@code __streams.errors.<name>} header, or "". */
    private static String header(ConsumerRecord<?, ?> r, String name) {
        Header x = r.headers().lastHeader("__streams.errors." + name);
        return x == null ? "" : new String(x.value(), StandardCharsets.UTF_8);
    }
}
