package io.livedrop.bench.push;

import io.livedrop.bench.KafkaAdmin;
import io.livedrop.bench.Progress;
import io.livedrop.bench.CommittedReader;
import io.livedrop.bench.Waits;
import io.livedrop.events.drop.DropEvent;
import io.livedrop.events.drop.DropEventType;
import io.livedrop.events.drop.DropStatus;
import io.livedrop.events.notification.PushBatch;
import io.livedrop.events.social.FollowAction;
import io.livedrop.events.social.FollowEvent;
import io.livedrop.events.social.FollowerCount;
import io.livedrop.schemas.serde.AvroSerdes;
import io.livedrop.topology.config.LivedropConfig;
import io.livedrop.topology.config.Stores;
import io.livedrop.topology.config.StreamsSettings;
import io.livedrop.topology.config.Topics;
import io.livedrop.topology.config.TopologySerdes;
import io.livedrop.topology.social.SocialTopology;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;

/** The social topology in one {@link KafkaStreams} of this JVM, with {@link StreamsSettings#of} as the app runs it. */
final class SocialUnderTest implements AutoCloseable {

    static final String PREFIX = "bench-push.";
    static final String APP = "bench-push";

    final LivedropConfig config;
    final Topics topics;
    final TopologySerdes serdes = TopologySerdes.from(AvroSerdes.singleObject());
    private final PushOptions options;
    private final String bootstrap;
    private final Path stateDir;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private KafkaStreams streams;
    private KafkaProducer<String, FollowEvent> follows;
    private KafkaProducer<String, DropEvent> drops;
    private int seeded;
    private Properties props;

    SocialUnderTest(PushOptions options, String bootstrap, Path workDir) {
        this.options = options;
        this.bootstrap = bootstrap;
        this.stateDir = workDir.resolve("state-social");
        this.config = new LivedropConfig(Map.of(LivedropConfig.TOPIC_PREFIX, PREFIX,
                LivedropConfig.PARTITIONS, String.valueOf(options.partitions)));
        this.topics = Topics.from(config);
    }

    String applicationId() {
        return SocialTopology.applicationId(APP);
    }

    /** The Streams settings that differ from Kafka Streams' defaults (for the report). */
    String settings() {
        return Stream.of(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.COMMIT_INTERVAL_MS_CONFIG,
                StreamsConfig.NUM_STREAM_THREADS_CONFIG, StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG,
                StreamsConfig.TRANSACTIONAL_STATE_STORES_CONFIG)
                .map(k -> k + "=" + (props.get(k) == null ? "(default)" : props.get(k)))
                .collect(Collectors.joining(", "));
    }

    void start() {
        KafkaAdmin.provision(bootstrap, topics);
        props = StreamsSettings.of(config, applicationId(), bootstrap, stateDir, options.streamThreads == 1 ? Map.of()
                : Map.of(StreamsConfig.NUM_STREAM_THREADS_CONFIG, options.streamThreads));
        streams = new KafkaStreams(SocialTopology.build(config, serdes), props);
        KafkaAdmin.start(streams, failure, "Kafka Streams");
        check();
        follows = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024,
                ProducerConfig.CLIENT_ID_CONFIG, "bench-push-follows"),
                serdes.key().serializer(), serdes.followEvent().serializer());
        drops = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 0, ProducerConfig.CLIENT_ID_CONFIG, "bench-push-drops"),
                serdes.key().serializer(), serdes.dropEvent().serializer());
    }

    void check() {
        Throwable t = failure.get();
        if (t != null) {
            throw new IllegalStateException("Kafka Streams failed: " + t, t);
        }
        if (streams != null && !streams.state().isRunningOrRebalancing()) {
            throw new IllegalStateException("Kafka Streams is " + streams.state());
        }
    }

    /** Seeding of one size: follows of the creator added, noise follows added, seconds until all applied. */
    record Seed(int added, long noise, double seconds, double produceSeconds) {
        double followsPerSecond() {
            return (added + noise) / seconds;
        }
    }

    /**
     * Adds followers {@code seeded .. n-1} of the creator (and their noise follows), then waits until the
     * follower-counts store answers {@code n} for the creator: every follow applied and committed.
     */
    Seed seedTo(int n) {
        int from = seeded;
        AtomicLong sent = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        Instant at = Instant.now();
        long t0 = System.nanoTime();
        Duration limit = Duration.ofSeconds(120 + (n - from) / 1000);
        try (var ticker = Progress.every(Duration.ofSeconds(5), () -> String.format(Locale.ROOT, "seeding %,d"
                + " followers: produced %,d follows, applied %,d (count of %s)", n, sent.get(), count(),
                Follows.CREATOR))) {
            for (int i = from; i < n; i++) {
                String user = Follows.user(i);
                for (String creator : Follows.followedBy(i, options.noise)) {
                    follows.send(new ProducerRecord<>(topics.follows().name(), user, FollowEvent.newBuilder()
                            .setUserId(user).setCreatorId(creator).setAction(FollowAction.FOLLOW).setAt(at).build()),
                            (md, e) -> errors.addAndGet(e == null ? 0 : 1));
                    sent.incrementAndGet();
                }
            }
            follows.flush();
            double produceSeconds = (System.nanoTime() - t0) / 1e9;
            if (errors.get() > 0) {
                throw new IllegalStateException(errors.get() + " follows could not be produced");
            }
            if (!Waits.await(() -> {
                check();
                return count() == n;
            }, limit)) {
                throw new IllegalStateException("follower count of " + Follows.CREATOR + " is " + count() + " after "
                        + limit.toSeconds() + " s, expected " + n);
            }
            seeded = n;
            return new Seed(n - from, sent.get() - (n - from), (System.nanoTime() - t0) / 1e9, produceSeconds);
        }
    }

    /** The creator's follower count from the follower-counts store (interactive query); -1 while unavailable. */
    long count() {
        try {
            FollowerCount c = streams.store(StoreQueryParameters.fromNameAndType(Stores.FOLLOWER_COUNTS,
                    QueryableStoreTypes.<String, FollowerCount>keyValueStore())).get(Follows.CREATOR);
            return c == null ? 0 : c.getFollowers();
        } catch (InvalidStateStoreException e) {
            return -1;
        }
    }

    /**
     * One fan-out: readers of push-batches and drop-starts at their ends, then one STARTED drop event; waits until
     * every follows partition's batches have arrived, then a second more for anything extra.
     */
    FanoutCheck.FanoutRun fanout(int run, String dropId, FanoutCheck check) throws Exception {
        int n = seeded;
        Duration limit = Duration.ofSeconds(60 + n / 10_000);
        Set<Integer> startPartitions = ConcurrentHashMap.newKeySet();
        AtomicLong startsFirst = new AtomicLong();
        AtomicLong startsLast = new AtomicLong();
        long t0;
        long acked;
        String failed = null;
        try (CommittedReader<PushBatch> batches = new CommittedReader<>(bootstrap, topics.pushBatches().name(),
                serdes.pushBatch().deserializer(), check::accept, limit.plusSeconds(30),
                CommittedReader.TAIL_FETCH_WAIT_MS).start();
             CommittedReader<DropEvent> dropStarts = new CommittedReader<>(bootstrap, topics.dropStarts().name(),
                     serdes.dropEvent().deserializer(), (r, now) -> {
                         if (r.value() != null && dropId.equals(r.value().getDropId())) {
                             startsFirst.compareAndSet(0, now);
                             if (startPartitions.add(r.partition())) {
                                 startsLast.set(now);
                             }
                         }
                     }, limit.plusSeconds(30), CommittedReader.TAIL_FETCH_WAIT_MS).start()) {
            Instant now = Instant.now();
            t0 = System.nanoTime();
            drops.send(new ProducerRecord<>(topics.dropEvents().name(), dropId, DropEvent.newBuilder()
                    .setDropId(dropId).setCreatorId(Follows.CREATOR).setType(DropEventType.STARTED)
                    .setStatus(DropStatus.LIVE).setInitialStock(100).setRemainingStock(100).setAt(now).build()))
                    .get(30, TimeUnit.SECONDS);
            acked = System.nanoTime();
            try (var ticker = Progress.every(Duration.ofSeconds(5), () -> String.format(Locale.ROOT,
                    "fan-out %s: %d/%d follows partitions done, %,d/%,d user ids received", dropId,
                    check.partitionsDone(), options.partitions, check.ids(), n))) {
                if (!Waits.await(() -> check.complete() || failure.get() != null || batches.failure() != null, limit)) {
                    failed = "gave up after " + limit.toSeconds() + " s";
                }
            }
            if (batches.failure() != null) {
                failed = "push-batches reader failed: " + batches.failure();
            }
            Waits.pause(Duration.ofSeconds(1));
        }
        check();
        return check.result(run, t0, acked, startsFirst.get(),
                startPartitions.size() == options.partitions ? startsLast.get() : 0, failed);
    }

    @Override
    public void close() {
        Stream.of(follows, drops).filter(Objects::nonNull).forEach(p -> p.close(Duration.ofSeconds(10)));
        if (streams != null) {
            streams.close(Duration.ofSeconds(60));
            streams.cleanUp();
        }
    }
}
