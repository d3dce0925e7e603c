package io.livedrop.bench.faults;

import io.livedrop.bench.Http;
import io.livedrop.bench.Progress;
import io.livedrop.bench.Waits;
import io.livedrop.events.catalog.Drop;
import io.livedrop.events.order.OrderRequest;
import io.livedrop.events.social.FollowAction;
import io.livedrop.events.social.FollowEvent;
import io.livedrop.topology.order.OrderIds;
import java.nio.charset.StandardCharsets;
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
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Scenario 6: poison pills produced straight to every input topic mid-stampede; then the orders are still decided
 * (the usual verifier), both instances still healthy, and each pill the broker accepted is found in the dead-letter
 * topic by its source topic, partition and offset ({@code __streams.errors.*} headers).
 */
final class PoisonPills {

    /** Just under the broker's default message.max.bytes (1,048,588) once key, headers and batch overhead are added. */
    static final int OVERSIZE_BYTES = 1_000_000;

    /** One pill: where it went and what became of it. */
    record Pill(String topic, String kind, byte[] key, byte[] value) {
    }

    private PoisonPills() {
    }

    static Verdict run(Harness h, FaultOptions o) throws Exception {
        Verdict v = new Verdict("6. poison pills on every input topic" + (o.pillTopics.containsAll(
                FaultOptions.PILL_TOPICS) ? "" : " (only: " + String.join(", ", o.pillTopics) + ")"));
        List<String> drops = h.createDrops(o.stock);
        Stampede s = new Stampede(h, "s6", drops, o.rate, FaultSuite.USERS).start();
        Waits.pause(o.before);
        List<Pill> pills = pills(h, drops.get(0)).stream().filter(p -> o.pillTopics.contains(shortName(h, p.topic())))
                .toList();
        Map<Pill, String> produced = new LinkedHashMap<>();  // pill -> "topic:partition:offset" or "refused: ..."
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
        Progress.say("%d pills produced (%d refused by the broker)", pills.size(),
                produced.values().stream().filter(x -> x.startsWith("refused")).count());
        Waits.pause(o.after);
        s.stop();
        v.verifyOrders(h, s, o.stock, List.of());
        v.availability(s, fault, fault);

        // every accepted pill in the dead-letter topic
        Map<String, Pill> wanted = new HashMap<>();
        produced.forEach((p, where) -> {
            if (!where.startsWith("refused")) {
                wanted.put(where, p);
            }
        });
        Map<String, String> found = deadLetters(h, wanted.keySet(), Duration.ofSeconds(30));
        List<String> rows = new ArrayList<>();
        int missing = 0;
        for (Map.Entry<Pill, String> e : produced.entrySet()) {
            Pill p = e.getKey();
            String where = e.getValue();
            String fate;
            if (where.startsWith("refused")) {
                fate = where;
            } else if (found.containsKey(where)) {
                fate = "dead-lettered (" + found.get(where) + ")";
            } else if (p.topic().equals(h.topics.creators().name()) || p.topic().equals(h.topics.products().name())) {
                // the catalog's global thread logs and skips (Kafka Streams 4.4 cannot dead-letter from it:
                // DeadLetterHandlers); that nothing stopped is checked below (follows, health)
                fate = "skipped and logged by the catalog's global thread (not a dead letter)";
            } else {
                fate = "NOT in the dead-letter topic";
                missing++;
            }
            rows.add("| `" + p.topic() + "` | " + p.kind() + " | " + (where.startsWith("refused") ? "—" : where
                    .substring(where.indexOf(':') + 1)) + " | " + fate.replace("|", "\\|") + " |");
        }
        if (missing > 0) {
            v.violation("%d accepted pill(s) not found in %s within 30 s (see the table)", missing,
                    h.topics.deadLetters().name());
        }
        // nothing stopped: a follow (answered once the instance's own follows tail shows it) through each instance
        List<String> follows = new ArrayList<>();
        for (Harness.Instance i : h.instances.values()) {
            String user = "s6-follower-" + i.name;
            String result;
            try {
                var r = h.http.send(Http.graphQl(i.url(), "{\"query\":\"mutation { follow(creatorId: \\\"fault-creator\\\")"
                        + " { creator { id } } }\"}", h.token(user), Duration.ofSeconds(20)),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                result = r.statusCode() == 200 && r.body().contains("\"fault-creator\"") && !r.body().contains("\"errors\"")
                        ? "ok" : "HTTP " + r.statusCode() + " " + abbreviate(r.body());
            } catch (Exception e) {
                result = e.getClass().getSimpleName() + " " + e.getMessage();
            }
            follows.add(i.name + ": " + result);
            if (!result.equals("ok")) {
                v.violation("follow through %s after the pills failed: %s", i.name, result);
            }
        }
        v.figures.put("follow through each instance after the pills", follows.toString());
        Map<String, String> health = new LinkedHashMap<>();
        h.instances.values().forEach(i -> health.put(i.name, FaultSuite.health(h, i)));
        health.forEach((name, body) -> {
            if (!body.startsWith("200") || !body.contains("\"UP\"")) {
                v.violation("instance %s not healthy after the pills: %s", name, body.length() > 300
                        ? body.substring(0, 300) : body);
            }
        });
        v.figures.put("pills produced / refused by the broker / dead-lettered / missing", pills.size() + " / "
                + produced.values().stream().filter(x -> x.startsWith("refused")).count() + " / " + found.size()
                + " / " + missing);
        v.figures.put("health after", health.entrySet().stream().map(e -> e.getKey() + " " + (e.getValue()
                .startsWith("200") && e.getValue().contains("\"UP\"") ? "UP" : "NOT UP")).toList().toString());
        logEvidence(h, fault, v);
        v.details.add("| topic | pill | partition:offset | fate |");
        v.details.add("|---|---|---|---|");
        v.details.addAll(rows);
        return v;
    }

    /**
     * Lines of the instances' logs (emptied at the start of a run) that say something stopped, quoted as evidence
     * (the log message and its error); a consumer's tail or the global thread stopping is a violation of "nothing
     * stops".
     */
    static void logEvidence(Harness h, long sinceNanos, Verdict v) {
        List<String> patterns = List.of("Global thread has died", "Tail of ", "Skipping an undecodable",
                "Error happened while maintaining global"
                + " state store", "to ERROR", "Stream thread of the orders application failed");
        java.util.regex.Pattern msg = java.util.regex.Pattern.compile("\"message\":\"([^\"]{0,200})");
        java.util.regex.Pattern err = java.util.regex.Pattern.compile("\"error\":\\{\"type\":\"([^\"]*)\","
                + "\"message\":\"([^\"]{0,240})");
        for (Harness.Instance i : h.instances.values()) {
            Map<String, Integer> seen = new LinkedHashMap<>();
            Map<String, String> cause = new HashMap<>();
            try {
                for (String line : java.nio.file.Files.readAllLines(i.app.log)) {
                    java.util.regex.Matcher m = msg.matcher(line);
                    if (!m.find()) {
                        continue;
                    }
                    String message = m.group(1);
                    if (patterns.stream().noneMatch(message::contains)) {
                        continue;
                    }
                    String key = message.replaceAll("[0-9a-f]{8}-[0-9a-f-]{27}", "…");
                    seen.merge(key, 1, Integer::sum);
                    java.util.regex.Matcher e = err.matcher(line);
                    if (e.find()) {
                        cause.putIfAbsent(key, e.group(1) + ": " + e.group(2));
                    }
                }
            } catch (java.io.IOException e) {
                continue;
            }
            seen.forEach((k, n) -> v.notes.add("app-" + i.name + ".log: \"" + k + "\" (" + n + "×)"
                    + (cause.containsKey(k) ? " — " + cause.get(k) : "")));
            // a tail that skips a pill ("skipping an undecodable record") goes on; one that stops does not
            seen.keySet().stream().filter(k -> (k.contains("Tail of ") && k.contains(" stopped"))
                            || k.contains("Global thread has died") || k.contains("Error happened while maintaining global"))
                    .forEach(k -> v.violation("instance %s: something stopped after the pills (its log: \"%s\")",
                            i.name, k));
        }
    }

    static String shortName(Harness h, String topic) {
        return topic.equals(h.topics.orderRequests().name()) ? "orders" : topic.equals(h.topics.drops().name()) ? "drops"
                : topic.equals(h.topics.follows().name()) ? "follows" : topic.equals(h.topics.creators().name())
                ? "creators" : "products";
    }

    static List<Pill> pills(Harness h, String liveDrop) {
        String orders = h.topics.orderRequests().name();
        String dropsTopic = h.topics.drops().name();
        String follows = h.topics.follows().name();
        String creators = h.topics.creators().name();
        String products = h.topics.products().name();
        byte[] junk = {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef, 1, 2, 3};
        byte[] big = new byte[OVERSIZE_BYTES];
        Arrays.fill(big, (byte) 'x');
        Instant now = Instant.now();
        byte[] follow = h.serdes.followEvent().serializer().serialize(follows, FollowEvent.newBuilder()
                .setUserId("poison-user").setCreatorId("poison-creator").setAction(FollowAction.FOLLOW).setAt(now).build());
        byte[] anOrder = order(h, orders, liveDrop, "poison-user", "poison-wrong-schema", 1, now);
        byte[] noStock = h.serdes.drop().serializer().serialize(dropsTopic, Drop.newBuilder().setId("poison-drop-0")
                .setCreatorId("fault-creator").setProductId(h.product).setInitialStock(0).setPriceCents(100)
                .setCurrency("USD").setStartsAt(now).setEndsAt(null).setPerUserLimit(null).setCreatedAt(now).build());
        List<Pill> p = new ArrayList<>();
        // orders.requests (the ledger)
        p.add(new Pill(orders, "bad bytes", b(liveDrop), junk));
        p.add(new Pill(orders, "wrong schema (a FollowEvent)", b(liveDrop), follow));
        p.add(new Pill(orders, "null key (a valid order)", null,
                order(h, orders, liveDrop, "poison-user", "poison-null-key", 1, now)));
        p.add(new Pill(orders, "negative quantity (-3)", b(liveDrop),
                order(h, orders, liveDrop, "poison-user", "poison-negative", -3, now)));
        p.add(new Pill(orders, "unknown drop", b("no-such-drop"),
                order(h, orders, "no-such-drop", "poison-user", "poison-unknown", 1, now)));
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
        for (String t : List.of(creators, products)) {
            p.add(new Pill(t, "bad bytes", b("poison-" + t), junk));
            p.add(new Pill(t, "wrong schema (an OrderRequest)", b("poison-" + t), anOrder));
            p.add(new Pill(t, "null key", null, anOrder));
            p.add(new Pill(t, "oversize (" + OVERSIZE_BYTES + " bytes of junk)", b("poison-" + t + "-big"), big));
        }
        return p;
    }

    private static byte[] order(Harness h, String topic, String drop, String user, String key, int quantity,
                                Instant now) {
        return h.serdes.orderRequest().serializer().serialize(topic, OrderRequest.newBuilder()
                .setOrderId(OrderIds.of(user, key)).setDropId(drop).setUserId(user).setIdempotencyKey(key)
                .setQuantity(quantity).setRequestedAt(now).build());
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads the dead-letter topic from the beginning until every wanted "topic:partition:offset" is found or the
     * timeout passes; found key → "source-topic exception class (application)".
     */
    static Map<String, String> deadLetters(Harness h, Set<String> wanted, Duration timeout) {
        String topic = h.topics.deadLetters().name();
        Map<String, String> found = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, h.broker.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * OVERSIZE_BYTES,
                ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 16 * OVERSIZE_BYTES), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline && !found.keySet().containsAll(wanted)) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    String where = header(r, "__streams.errors.topic") + ":" + header(r, "__streams.errors.partition")
                            + ":" + header(r, "__streams.errors.offset");
                    String exception = header(r, "__streams.errors.exception");
                    String message = header(r, "__streams.errors.message");
                    found.put(where, header(r, "__streams.errors.topic") + " " + simple(exception)
                            + (message.isEmpty() ? "" : ": " + abbreviate(message)));
                }
            }
        }
        found.keySet().retainAll(wanted);
        return found;
    }

    private static String simple(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    private static String abbreviate(String s) {
        String one = s.replace('\n', ' ');
        return one.length() <= 120 ? one : one.substring(0, 120) + "…";
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        Header x = r.headers().lastHeader(name);
        return x == null ? "" : new String(x.value(), StandardCharsets.UTF_8);
    }
}
