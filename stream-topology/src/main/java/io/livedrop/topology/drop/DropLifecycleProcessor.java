package io.livedrop.topology.drop;

import io.livedrop.events.catalog.Drop;
import io.livedrop.events.drop.DropEvent;
import io.livedrop.events.drop.DropEventType;
import io.livedrop.events.drop.DropState;
import io.livedrop.events.drop.DropStatus;
import io.livedrop.topology.config.Stores;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
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
 * Keeps each drop's state and moves it through its life on wall-clock time:
 * SCHEDULED → LIVE at {@code startsAt} → ENDED at {@code endsAt}, one DropEvent per transition.
 *
 * <p>Rules: a drop first seen is SCHEDULED with its full stock, and goes LIVE at once if its start
 * has passed. A later definition of the same drop replaces the definition but keeps status and
 * stock; while SCHEDULED a new {@code startsAt} reschedules the start, while LIVE a new
 * {@code endsAt} reschedules the end. Transitions fire from a wall-clock punctuation every
 * {@code drops.clock.interval.ms}, so a drop goes live on time with no record arriving, at most one
 * interval late (plus commit latency under exactly-once).
 *
 * <p>Known gaps: changing initialStock after the first definition is ignored (stock is owned by the
 * order decisions); a tombstone on the drops topic is ignored (drops are ended, not deleted).
 */
public final class DropLifecycleProcessor implements Processor<String, Drop, String, DropEvent> {

    private static final Logger log = LoggerFactory.getLogger(DropLifecycleProcessor.class);

    private final Duration clockInterval;
    private ProcessorContext<String, DropEvent> context;
    private KeyValueStore<String, DropState> states;
    private KeyValueStore<String, String> schedule;

    public DropLifecycleProcessor(Duration clockInterval) {
        this.clockInterval = clockInterval;
    }

    @Override
    public void init(ProcessorContext<String, DropEvent> context) {
        this.context = context;
        this.states = context.getStateStore(Stores.DROP_STATE);
        this.schedule = context.getStateStore(Stores.DROP_SCHEDULE);
        context.schedule(clockInterval, PunctuationType.WALL_CLOCK_TIME, now -> fireDue(Instant.ofEpochMilli(now)));
    }

    @Override
    public void process(Record<String, Drop> record) {
        Drop drop = record.value();
        if (drop == null) {
            log.debug("Ignoring tombstone for drop {}: drops end, they are not deleted", record.key());
            return;
        }
        if (!Objects.equals(record.key(), drop.getId())) {
            throw new IllegalArgumentException("Drop record key '" + record.key() + "' differs from its id '"
                    + drop.getId() + "'; drops must be keyed by id to be co-partitioned with their orders");
        }
        Instant now = now();
        DropState existing = states.get(drop.getId());
        if (existing == null) {
            states.put(drop.getId(), DropState.newBuilder().setDefinition(drop).setStatus(DropStatus.SCHEDULED)
                    .setRemainingStock(drop.getInitialStock()).setStartedAt(null).setUpdatedAt(now).build());
            schedule.put(DropSchedule.key(drop.getStartsAt(), DropSchedule.Kind.START, drop.getId()), drop.getId());
        } else {
            redefine(existing, drop, now);
        }
        fireDue(now);
    }

    private void redefine(DropState existing, Drop drop, Instant now) {
        Drop previous = existing.getDefinition();
        if (existing.getStatus() == DropStatus.SCHEDULED && !previous.getStartsAt().equals(drop.getStartsAt())) {
            schedule.delete(DropSchedule.key(previous.getStartsAt(), DropSchedule.Kind.START, drop.getId()));
            schedule.put(DropSchedule.key(drop.getStartsAt(), DropSchedule.Kind.START, drop.getId()), drop.getId());
        }
        if (existing.getStatus() == DropStatus.LIVE && !Objects.equals(previous.getEndsAt(), drop.getEndsAt())) {
            if (previous.getEndsAt() != null) {
                schedule.delete(DropSchedule.key(previous.getEndsAt(), DropSchedule.Kind.END, drop.getId()));
            }
            if (drop.getEndsAt() != null) {
                schedule.put(DropSchedule.key(drop.getEndsAt(), DropSchedule.Kind.END, drop.getId()), drop.getId());
            }
        }
        if (drop.getInitialStock() != previous.getInitialStock()) {
            log.warn("Drop {}: initialStock change {} -> {} ignored; stock is fixed once a drop is defined",
                    drop.getId(), previous.getInitialStock(), drop.getInitialStock());
            drop = Drop.newBuilder(drop).setInitialStock(previous.getInitialStock()).build();
        }
        states.put(drop.getId(), DropState.newBuilder(existing).setDefinition(drop).setUpdatedAt(now).build());
    }

    /** Fires every transition due by {@code now}, in time order; an END due at once fires in the same pass. */
    private void fireDue(Instant now) {
        List<String> due;
        while (!(due = dueKeys(now)).isEmpty()) {
            for (String key : due) {
                schedule.delete(key);
                DropSchedule.Entry entry = DropSchedule.parse(key);
                DropState state = states.get(entry.dropId());
                if (state == null) {
                    continue;
                }
                switch (entry.kind()) {
                    case START -> start(state, now);
                    case END -> end(state, now);
                }
            }
        }
    }

    private List<String> dueKeys(Instant now) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, String> it = schedule.range(null, DropSchedule.dueUpTo(now))) {
            it.forEachRemaining((KeyValue<String, String> kv) -> keys.add(kv.key));
        }
        return keys;
    }

    private void start(DropState state, Instant now) {
        if (state.getStatus() != DropStatus.SCHEDULED) {
            return;
        }
        DropState live = DropState.newBuilder(state).setStatus(DropStatus.LIVE).setStartedAt(now).setUpdatedAt(now).build();
        states.put(state.getDefinition().getId(), live);
        Instant endsAt = state.getDefinition().getEndsAt();
        if (endsAt != null) {
            schedule.put(DropSchedule.key(endsAt, DropSchedule.Kind.END, state.getDefinition().getId()),
                    state.getDefinition().getId());
        }
        emit(live, DropEventType.STARTED, now);
    }

    private void end(DropState state, Instant now) {
        if (state.getStatus() != DropStatus.LIVE) {
            return;
        }
        DropState ended = DropState.newBuilder(state).setStatus(DropStatus.ENDED).setUpdatedAt(now).build();
        states.put(state.getDefinition().getId(), ended);
        emit(ended, DropEventType.ENDED, now);
    }

    private void emit(DropState state, DropEventType type, Instant now) {
        Drop drop = state.getDefinition();
        log.info("Drop {} {} (remaining {}/{})", drop.getId(), type, state.getRemainingStock(), drop.getInitialStock());
        context.forward(new Record<>(drop.getId(), DropEvent.newBuilder()
                .setDropId(drop.getId()).setCreatorId(drop.getCreatorId()).setType(type).setStatus(state.getStatus())
                .setInitialStock(drop.getInitialStock()).setRemainingStock(state.getRemainingStock()).setAt(now)
                .build(), now.toEpochMilli()));
    }

    private Instant now() {
        return Instant.ofEpochMilli(context.currentSystemTimeMs());
    }
}
