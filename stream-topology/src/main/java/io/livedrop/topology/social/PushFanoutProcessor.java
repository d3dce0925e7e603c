package io.livedrop.topology.social;

import io.livedrop.events.drop.DropEvent;
import io.livedrop.events.drop.DropEventType;
import io.livedrop.events.notification.PushBatch;
import io.livedrop.topology.config.Stores;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
import org.apache.kafka.common.metrics.stats.Rate;
import org.apache.kafka.common.metrics.stats.WindowedSum;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsMetrics;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells one follows partition's followers that a drop started. Every drop start reaches every
 * follows partition (the drop-starts topic is written to all of them); this task streams its own
 * followers of the creator from the followers store (a prefix scan, never all of them in memory)
 * into PushBatches of at most {@code batchSize} user ids, and marks its last one. The batches, the
 * inbox entry and the input offset commit in one exactly-once transaction: after a crash the task
 * starts over from the same followers and an aborted attempt's batches are never read by
 * read_committed consumers, so each follower is in exactly one committed batch per drop start.
 *
 * <p>The same start seen again (same creator, drop and time) is skipped. The start is also kept in
 * this partition's recent-drop-starts store for the inbox, and swept out after {@code retention}.
 *
 * <p>Metrics (Kafka Streams custom sensors, group {@value #METRIC_GROUP}, tags {@code thread-id} and
 * {@code livedrop-push-id=push-fanout}; exported through Micrometer's KafkaStreamsMetrics as
 * {@code kafka_stream_livedrop_push_*}): {@code batches-rate}/{@code batches-total} (push batches
 * forwarded) and {@code followers-rate}/{@code followers-total} (user ids named in them). They count
 * what this task forwarded, including attempts later aborted; the committed count is the topic's.
 */
public final class PushFanoutProcessor implements Processor<String, DropEvent, String, PushBatch> {

    private static final Logger log = LoggerFactory.getLogger(PushFanoutProcessor.class);
    private static final StringSerializer KEYS = new StringSerializer();
    /** Kafka Streams names a custom sensor's group {@code stream-<scope>-metrics}. */
    static final String METRIC_SCOPE = "livedrop-push";
    static final String METRIC_GROUP = "stream-" + METRIC_SCOPE + "-metrics";
    static final String METRIC_ENTITY = "push-fanout";

    private final int batchSize;
    private final Duration retention;
    private ProcessorContext<String, PushBatch> context;
    private KeyValueStore<String, Long> followers;
    private KeyValueStore<String, DropEvent> recentStarts;
    private Sensor batchesSensor;
    private Sensor followersSensor;

    public PushFanoutProcessor(int batchSize, Duration retention) {
        this.batchSize = batchSize;
        this.retention = retention;
    }

    @Override
    public void init(ProcessorContext<String, PushBatch> context) {
        this.context = context;
        this.followers = context.getStateStore(Stores.FOLLOWERS);
        this.recentStarts = context.getStateStore(Stores.RECENT_DROP_STARTS);
        registerSensors(context.metrics());
        Duration sweepEvery = retention.dividedBy(24).compareTo(Duration.ofHours(1)) < 0
                ? retention.dividedBy(24) : Duration.ofHours(1);
        context.schedule(sweepEvery, PunctuationType.WALL_CLOCK_TIME, this::forgetOldStarts);
    }

    /**
     * One pair of sensors per stream thread (the tasks of a thread share them: the sensor names and
     * metric names are the same, and Kafka returns the existing sensor and metric).
     */
    private void registerSensors(StreamsMetrics metrics) {
        batchesSensor = metrics.addRateTotalSensor(METRIC_SCOPE, METRIC_ENTITY, "batches", Sensor.RecordingLevel.INFO);
        String thread = Thread.currentThread().getName();
        Map<String, String> tags = Map.of("thread-id", thread, METRIC_SCOPE + "-id", METRIC_ENTITY);
        followersSensor = metrics.addSensor(thread + "." + METRIC_SCOPE + "." + METRIC_ENTITY + ".followers",
                Sensor.RecordingLevel.INFO);
        followersSensor.add(new MetricName("followers-rate", METRIC_GROUP,
                "Followers named in push batches per second", tags), new Rate(TimeUnit.SECONDS, new WindowedSum()));
        followersSensor.add(new MetricName("followers-total", METRIC_GROUP,
                "Followers named in push batches", tags), new CumulativeSum());
    }

    @Override
    public void process(Record<String, DropEvent> record) {
        DropEvent start = record.value();
        if (start == null || start.getType() != DropEventType.STARTED) {
            return;
        }
        String creator = start.getCreatorId();
        String dropId = start.getDropId();
        String recentKey = SocialKeys.recentStart(creator, start.getAt().toEpochMilli(), dropId);
        if (recentStarts.get(recentKey) != null) {
            log.atDebug().addKeyValue("dropId", dropId).log("Drop {} start at {} already fanned out", dropId, start.getAt());
            return;
        }
        recentStarts.put(recentKey, start);
        int partition = context.recordMetadata().map(m -> m.partition()).orElse(-1);
        int batch = 0;
        List<String> users = new ArrayList<>(batchSize);
        try (KeyValueIterator<String, Long> it = followers.prefixScan(SocialKeys.followersPrefix(creator), KEYS)) {
            while (it.hasNext()) {
                if (users.size() == batchSize) {
                    send(record, start, partition, batch++, users, false);
                    users = new ArrayList<>(batchSize);
                }
                users.add(SocialKeys.userOfFollower(it.next().key));
            }
        }
        // The last batch is sent even when empty, so that consumers know this partition is done.
        send(record, start, partition, batch, users, true);
        // INFO where there were followers to tell; a partition with none of them is routine
        (batch == 0 && users.isEmpty() ? log.atDebug() : log.atInfo()).addKeyValue("dropId", dropId).addKeyValue("creatorId", creator)
                .log("Drop {} start fanned out on follows partition {}: {} followers in {} batches",
                        dropId, partition, (long) batch * batchSize + users.size(), batch + 1);
    }

    private void send(Record<String, DropEvent> cause, DropEvent start, int partition, int batch, List<String> users,
                      boolean last) {
        PushBatch value = PushBatch.newBuilder().setDropId(start.getDropId()).setCreatorId(start.getCreatorId())
                .setStartedAt(start.getAt()).setFollowsPartition(partition).setBatchNumber(batch).setLastBatch(last)
                .setUserIds(users).build();
        context.forward(new Record<>(SocialKeys.pushBatch(start.getCreatorId(), start.getDropId(), partition, batch),
                value, cause.timestamp()));
        batchesSensor.record();
        followersSensor.record(users.size());
    }

    private void forgetOldStarts(long now) {
        long horizon = now - retention.toMillis();
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, DropEvent> it = recentStarts.all()) {
            while (it.hasNext()) {
                KeyValue<String, DropEvent> entry = it.next();
                if (entry.value == null || entry.value.getAt().toEpochMilli() < horizon) {
                    expired.add(entry.key);
                }
            }
        }
        expired.forEach(recentStarts::delete);
        if (!expired.isEmpty()) {
            log.info("Forgot {} drop starts older than {}", expired.size(), retention);
        }
    }
}
