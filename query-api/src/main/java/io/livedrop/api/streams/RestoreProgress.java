package io.livedrop.api.streams;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StandbyUpdateListener;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.apache.kafka.streams.processor.TaskId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far an instance has rebuilt its state from the changelogs: records restored into active tasks and applied to
 * standby (and warm-up) tasks, as {@code livedrop_state_restore_records_total{application, replica}}, registered at
 * startup so a freshly started instance shows its restore from the first second (Kafka Streams' own task metrics
 * appear only once the meter binder next looks, up to a minute later). Each finished restore is logged with its rate.
 */
final class RestoreProgress implements StateRestoreListener, StandbyUpdateListener {

    private static final Logger log = LoggerFactory.getLogger(RestoreProgress.class);

    private final String application;
    private final Counter active;
    private final Counter standby;
    private final Map<TopicPartition, Long> startedNanos = new ConcurrentHashMap<>();

    RestoreProgress(String application, MeterRegistry meters) {
        this.application = application;
        this.active = counter(meters, application, "active");
        this.standby = counter(meters, application, "standby");
    }

    private static Counter counter(MeterRegistry meters, String application, String replica) {
        return Counter.builder("livedrop.state.restore.records")
                .description("Changelog records restored into active tasks or applied to standby tasks")
                .tag("application", application).tag("replica", replica).register(meters);
    }

    @Override
    public void onRestoreStart(TopicPartition partition, String store, long startingOffset, long endingOffset) {
        startedNanos.put(partition, System.nanoTime());
    }

    @Override
    public void onBatchRestored(TopicPartition partition, String store, long batchEndOffset, long numRestored) {
        active.increment(numRestored);
    }

    @Override
    public void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
        Long started = startedNanos.remove(partition);
        long millis = started == null ? 0 : (System.nanoTime() - started) / 1_000_000;
        if (totalRestored > 0) {
            log.info("Restored store {} of the {} application from {}: {} records in {} ms", store, application,
                    partition, totalRestored, millis);
        }
    }

    @Override
    public void onUpdateStart(TopicPartition partition, String store, long startingOffset) {
        // counted per batch
    }

    @Override
    public void onBatchLoaded(TopicPartition partition, String store, TaskId task, long batchEndOffset, long batchSize,
                              long currentEndOffset) {
        standby.increment(batchSize);
    }

    @Override
    public void onUpdateSuspended(TopicPartition partition, String store, long storeOffset, long currentEndOffset,
                                  SuspendReason reason) {
        // nothing to count
    }
}
