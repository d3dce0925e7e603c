package io.livedrop.api.ops;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code java -jar livedrop.jar replay-dead-letters [options]} ({@code ./livedrop replay-dead-letters}):
 * after the fix for what sent records to the dead-letter topic is deployed, writes each dead letter's
 * original key and value bytes back to its source topic (header {@code __streams.errors.topic}), on
 * its original partition ({@code __streams.errors.partition}) when that partition exists, with its
 * original headers minus the {@code __streams.errors.*} ones plus {@code livedrop.replayed-from}
 * (dead-letter partition@offset).
 *
 * <p>Reads the dead-letter topic up to its end as of the start, read_committed. Progress is kept as
 * the committed offsets of consumer group {@code --group} (default
 * {@value #DEFAULT_GROUP}): a second run replays only what arrived since, unless {@code --from-beginning}
 * or {@code --since}. Records from other source topics than {@code --source-topic} are skipped and
 * their offsets passed too. {@code --dry-run} lists what would be replayed and commits nothing.
 */
public final class DeadLetterReplay {

    public static final String DEFAULT_GROUP = "livedrop-dead-letter-replay";
    public static final String REPLAYED_FROM = "livedrop.replayed-from";
    static final String USAGE = "usage: replay-dead-letters [--bootstrap-server host:port] [--topic livedrop.dead-letters]"
            + " [--source-topic <topic>] [--group " + DEFAULT_GROUP + "] [--from-beginning | --since <2h | 2026-11-26T07:00:00Z>]"
            + " [--max <records>] [--dry-run]";

    /** What to replay. */
    record Options(String bootstrapServers, String topic, String sourceTopic, String group, boolean fromBeginning,
                   Instant since, long max, boolean dryRun) {

        static Options parse(List<String> args, Instant now) {
            String bootstrap = System.getenv().getOrDefault("LIVEDROP_KAFKA_BOOTSTRAP_SERVERS", "");
            if (bootstrap.isBlank()) {
                bootstrap = "127.0.0.1:9092";
            }
            String topic = "livedrop.dead-letters";
            String source = null;
            String group = DEFAULT_GROUP;
            boolean fromBeginning = false;
            Instant since = null;
            long max = Long.MAX_VALUE;
            boolean dryRun = false;
            for (int i = 0; i < args.size(); i++) {
                String option = args.get(i);
                if (option.equals("--dry-run")) {
                    dryRun = true;
                    continue;
                }
                if (option.equals("--from-beginning")) {
                    fromBeginning = true;
                    continue;
                }
                String value = i + 1 < args.size() ? args.get(++i) : null;
                if (value == null || value.startsWith("--")) {
                    throw new IllegalArgumentException(option + " needs a value");
                }
                switch (option) {
                    case "--bootstrap-server", "--bootstrap-servers" -> bootstrap = value;
                    case "--topic" -> topic = value;
                    case "--source-topic" -> source = value;
                    case "--group" -> group = value;
                    case "--since" -> since = parseSince(value, now);
                    case "--max" -> max = Long.parseLong(value);
                    default -> throw new IllegalArgumentException("unknown option " + option);
                }
            }
            if (fromBeginning && since != null) {
                throw new IllegalArgumentException("--from-beginning and --since exclude each other");
            }
            if (max < 1) {
                throw new IllegalArgumentException("--max must be at least 1");
            }
            return new Options(bootstrap, topic, source, group, fromBeginning, since, max, dryRun);
        }

        private static Instant parseSince(String value, Instant now) {
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException e) {
                return now.minus(Duration.parse("PT" + value.toUpperCase()));
            }
        }
    }

    /** What one run did. */
    record Outcome(long replayed, long skipped, Map<String, Long> byTopic) {
    }

    private DeadLetterReplay() {
    }

    public static int run(List<String> args, PrintStream out, PrintStream err) {
        Options options;
        try {
            options = Options.parse(args, Instant.now());
        } catch (IllegalArgumentException | DateTimeParseException e) {
            err.println("replay-dead-letters: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        quietKafkaClients();
        try (Consumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrapServers(),
                     ConsumerConfig.GROUP_ID_CONFIG, options.group(),
                     ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                     ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                     ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                     ConsumerConfig.CLIENT_ID_CONFIG, "livedrop-dead-letter-replay"),
                     new ByteArrayDeserializer(), new ByteArrayDeserializer());
             Producer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrapServers(),
                     ProducerConfig.ACKS_CONFIG, "all",
                     ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                     ProducerConfig.CLIENT_ID_CONFIG, "livedrop-dead-letter-replay"),
                     new ByteArraySerializer(), new ByteArraySerializer())) {
            Outcome outcome = replay(consumer, producer, options, out);
            return outcome == null ? 1 : 0;
        } catch (RuntimeException e) {
            err.println("replay-dead-letters: " + e);
            return 1;
        }
    }

    /** Replays what {@code options} select; null when the dead-letter topic does not exist. */
    static Outcome replay(Consumer<byte[], byte[]> consumer, Producer<byte[], byte[]> producer, Options options,
                          PrintStream out) {
        var infos = consumer.partitionsFor(options.topic(), Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            out.println("No topic " + options.topic() + " (or no partitions): nothing to replay");
            return null;
        }
        List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        position(consumer, partitions, options);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
        Map<TopicPartition, Long> next = new HashMap<>();
        partitions.forEach(tp -> next.put(tp, consumer.position(tp, Duration.ofSeconds(30))));
        out.printf("%s %s from %s (end %s)%n", options.dryRun() ? "Dry run: listing" : "Replaying", options.topic(),
                describe(next), describe(end));
        Map<String, Integer> partitionCounts = new HashMap<>();
        Map<String, Long> byTopic = new TreeMap<>();
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        long replayed = 0;
        long skipped = 0;
        int idlePolls = 0;
        while (replayed < options.max() && partitions.stream().anyMatch(tp -> next.get(tp) < end.get(tp)) && idlePolls < 20) {
            var records = consumer.poll(Duration.ofMillis(500));
            idlePolls = records.isEmpty() ? idlePolls + 1 : 0;
            for (ConsumerRecord<byte[], byte[]> letter : records) {
                TopicPartition from = new TopicPartition(letter.topic(), letter.partition());
                if (letter.offset() >= end.get(from) || replayed >= options.max()) {
                    continue;
                }
                next.put(from, letter.offset() + 1);
                String source = DeadLetters.header(letter.headers(), DeadLetters.TOPIC);
                String where = letter.topic() + "-" + letter.partition() + "@" + letter.offset();
                if (source == null || source.isBlank()) {
                    out.println("skip " + where + ": no " + DeadLetters.TOPIC + " header");
                    skipped++;
                    continue;
                }
                if (options.sourceTopic() != null && !options.sourceTopic().equals(source)) {
                    skipped++;
                    continue;
                }
                Integer partition = originalPartition(letter, partitionCounts.computeIfAbsent(source,
                        t -> consumer.partitionsFor(t, Duration.ofSeconds(30)).size()));
                out.printf("%s %s -> %s-%s key=%s (%s: %s)%n", options.dryRun() ? "would replay" : "replay", where, source,
                        partition == null ? "?" : partition, text(letter.key()),
                        DeadLetters.header(letter.headers(), DeadLetters.EXCEPTION),
                        DeadLetters.header(letter.headers(), DeadLetters.MESSAGE));
                if (!options.dryRun()) {
                    RecordHeaders headers = new RecordHeaders();
                    for (Header h : letter.headers()) {
                        if (!h.key().startsWith(DeadLetters.HEADER_PREFIX)) {
                            headers.add(h);
                        }
                    }
                    headers.add(REPLAYED_FROM, where.getBytes(StandardCharsets.UTF_8));
                    sent.add(producer.send(new ProducerRecord<>(source, partition, null, letter.key(), letter.value(), headers)));
                }
                replayed++;
                byTopic.merge(source, 1L, Long::sum);
            }
            if (replayed < options.max()) {
                // every record returned was handled: progress is the position (past transaction markers
                // too), but never beyond the end fixed at the start (what came later is for the next run)
                for (TopicPartition tp : partitions) {
                    next.put(tp, Math.max(next.get(tp), Math.min(consumer.position(tp), end.get(tp))));
                }
            }
        }
        if (!options.dryRun()) {
            producer.flush();
            for (Future<RecordMetadata> f : sent) {
                try {
                    f.get();
                } catch (Exception e) {
                    throw new IllegalStateException("a replayed record was not written; progress not committed", e);
                }
            }
            Map<TopicPartition, OffsetAndMetadata> progress = new HashMap<>();
            next.forEach((tp, offset) -> progress.put(tp, new OffsetAndMetadata(offset)));
            consumer.commitSync(progress);
        }
        out.printf("%s %d record(s) %s, skipped %d%s%n", options.dryRun() ? "Would replay" : "Replayed", replayed, byTopic,
                skipped, options.dryRun() ? " (dry run: nothing written, progress not committed)"
                        : "; progress committed to group " + options.group());
        return new Outcome(replayed, skipped, byTopic);
    }

    /** Outside Spring, logback's default is DEBUG on the console: keep the clients' chatter out of the listing. */
    private static void quietKafkaClients() {
        if (org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
            root.setLevel(ch.qos.logback.classic.Level.WARN);
        }
    }

    private static void position(Consumer<byte[], byte[]> consumer, List<TopicPartition> partitions, Options options) {
        if (options.fromBeginning()) {
            consumer.seekToBeginning(partitions);
        } else if (options.since() != null) {
            Map<TopicPartition, Long> query = new HashMap<>();
            partitions.forEach(tp -> query.put(tp, options.since().toEpochMilli()));
            Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, Duration.ofSeconds(30));
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            for (TopicPartition tp : partitions) {
                OffsetAndTimestamp at = found.get(tp);
                consumer.seek(tp, at == null ? ends.get(tp) : at.offset());
            }
        } else {
            // the group's committed progress, or the beginning for a group that never ran
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.copyOf(partitions), Duration.ofSeconds(30));
            List<TopicPartition> fresh = new ArrayList<>();
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata at = committed.get(tp);
                if (at == null) {
                    fresh.add(tp);
                } else {
                    consumer.seek(tp, at.offset());
                }
            }
            if (!fresh.isEmpty()) {   // (an empty list would mean every assigned partition)
                consumer.seekToBeginning(fresh);
            }
        }
    }

    private static Integer originalPartition(ConsumerRecord<byte[], byte[]> letter, int partitions) {
        String value = DeadLetters.header(letter.headers(), DeadLetters.PARTITION);
        try {
            int partition = Integer.parseInt(value);
            return partition >= 0 && partition < partitions ? partition : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String text(byte[] bytes) {
        return bytes == null ? "null" : new String(bytes, StandardCharsets.UTF_8);
    }

    private static String describe(Map<TopicPartition, Long> offsets) {
        Map<Integer, Long> sorted = new TreeMap<>();
        offsets.forEach((tp, o) -> sorted.put(tp.partition(), o));
        return sorted.toString();
    }
}
