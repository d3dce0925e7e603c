package io.livedrop.topology.drop;

import io.livedrop.events.catalog.Drop;
import io.livedrop.events.drop.DropEvent;
import io.livedrop.events.drop.DropEventType;
import io.livedrop.events.drop.DropState;
import io.livedrop.events.drop.DropStatus;
import io.livedrop.events.order.OrderDecision;
import io.livedrop.events.order.OrderRequest;
import io.livedrop.events.order.OrderStatus;
import io.livedrop.topology.config.Stores;
import io.livedrop.topology.order.InvalidOrderException;
import io.livedrop.topology.order.OrderIds;
import io.livedrop.topology.order.OrderRules;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.StringSerializer;
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
 * The ledger of the drops of one partition: their definitions, their clock and every order placed
 * on them, decided one at a time in partition order. One instance per task; no locks.
 *
 * <p>Drops (from the drops topic): a drop first seen is SCHEDULED with its full stock; it goes LIVE
 * at {@code startsAt}, SOLD_OUT when its stock reaches 0 and ENDED at {@code endsAt} (from LIVE or
 * SOLD_OUT), one DropEvent per transition. A later definition replaces the definition, keeps status
 * and stock, and reschedules the start (while SCHEDULED) or the end (while LIVE). The clock is a
 * wall-clock punctuation every {@code drops.clock.interval.ms} over the drop-schedule index, so a
 * drop goes live on time with no record arriving. Stock changes are published as STOCK_CHANGED
 * events at most once per drop per clock tick.
 *
 * <p>Orders (from the order-requests topic, same key and partitioning): each request gets exactly
 * one OrderDecision, CONFIRMED or REJECTED with a reason ({@link OrderRules}). The decision is also
 * the idempotency record, under the order id (a name-based UUID of user id and idempotency key);
 * a repeat of the same order yields no second decision, and a different payload under the same key
 * yields none either (the API reports the conflict from the first decision). Per-user purchases
 * are kept per drop when the drop has a per-user limit. The stock change, the purchase, the
 * idempotency record and the decision commit in one exactly-once transaction.
 *
 * <p>Index by creator ({@link Stores#DROPS_BY_CREATOR}, keys {@link CreatorDropKeys}): one entry per
 * drop, written with its definition and moved when its creator or start changes, so the API reads a
 * creator's page as a prefix range instead of scanning every drop. A creator id outside the API's id
 * alphabet is not indexed (no query could name it).
 *
 * <p>Index of live drops ({@link Stores#LIVE_DROPS}, keys {@link LiveDropKeys}, the live list's
 * sort key): one entry per LIVE drop, kept in step with its status by {@link #putState}, through
 * which every drop-state write goes: in when the drop starts, out when it sells out or ends. The
 * API reads a page of live drops as a range of at most a page, however many drops have ended.
 *
 * <p>Filling the indexes: an index that is empty while drop-state is not (stores written before
 * the index existed) is filled from drop-state in one pass for both, at the task's first record or
 * clock tick: not in {@code init}, where Kafka Streams has no record context to log the writes
 * with. Until then (one clock interval at most) that partition's pages read empty. A partition
 * with no live drop has an empty live index by right, so it pays that pass (which finds nothing)
 * once per task start.
 *
 * <p>Bounded state: idempotency records expire {@code orders.idempotency.retention.ms} (24 h)
 * after their decision, through a time index swept every minute; purchases of a drop are deleted
 * when it ends. Records no rule can decide throw, and Kafka Streams' handlers send them to the
 * dead-letter topic.
 *
 * <p>Known gaps: STOCK_CHANGED marks are kept in memory, so a crash may skip one (the next decision
 * or SOLD_OUT publishes the stock again); changing initialStock after the first definition is
 * ignored; a drops-topic tombstone is ignored (drops end, they are not deleted).
 */
public final class DropLedgerProcessor implements Processor<String, Object, String, SpecificRecord> {

    private static final Logger log = LoggerFactory.getLogger(DropLedgerProcessor.class);
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Duration EXPIRY_SWEEP_INTERVAL = Duration.ofMinutes(1);
    private static final int MAX_EXPIRED_PER_SWEEP = 50_000;

    private final Duration clockInterval;
    private final Duration idempotencyRetention;
    private final String orderRequestsTopic;
    private final String dropEventsSink;
    private final String orderDecisionsSink;
    private final Set<String> stockChanged = new LinkedHashSet<>();

    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, DropState> states;
    private KeyValueStore<String, String> schedule;
    private KeyValueStore<String, String> byCreator;
    private KeyValueStore<String, String> liveIndex;
    private boolean fillByCreator;
    private boolean fillLive;
    private KeyValueStore<String, OrderDecision> decisions;
    private KeyValueStore<String, String> decisionExpiry;
    private KeyValueStore<String, Integer> purchases;

    public DropLedgerProcessor(Duration clockInterval, Duration idempotencyRetention, String orderRequestsTopic,
                               String dropEventsSink, String orderDecisionsSink) {
        this.clockInterval = clockInterval;
        this.idempotencyRetention = idempotencyRetention;
        this.orderRequestsTopic = orderRequestsTopic;
        this.dropEventsSink = dropEventsSink;
        this.orderDecisionsSink = orderDecisionsSink;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.states = context.getStateStore(Stores.DROP_STATE);
        this.schedule = context.getStateStore(Stores.DROP_SCHEDULE);
        this.byCreator = context.getStateStore(Stores.DROPS_BY_CREATOR);
        this.liveIndex = context.getStateStore(Stores.LIVE_DROPS);
        boolean anyDrop = !isEmpty(states);
        this.fillByCreator = anyDrop && isEmpty(byCreator);
        this.fillLive = anyDrop && isEmpty(liveIndex);
        this.decisions = context.getStateStore(Stores.ORDER_DECISIONS);
        this.decisionExpiry = context.getStateStore(Stores.ORDER_DECISION_EXPIRY);
        this.purchases = context.getStateStore(Stores.DROP_PURCHASES);
        context.schedule(clockInterval, PunctuationType.WALL_CLOCK_TIME, now -> {
            fillIndexesIfPending();
            fireDue(Instant.ofEpochMilli(now));
            publishStockChanges(Instant.ofEpochMilli(now));
        });
        context.schedule(EXPIRY_SWEEP_INTERVAL, PunctuationType.WALL_CLOCK_TIME,
                now -> expireDecisions(Instant.ofEpochMilli(now)));
    }

    @Override
    public void process(Record<String, Object> record) {
        fillIndexesIfPending();
        Object value = record.value();
        try {
            dispatch(record, value);
        } catch (InvalidOrderException | InvalidDropException e) {
            // Kafka Streams' handler logs the exception and dead-letters the record; this line carries
            // the ids as structured fields (dropId = the record key, orderId when it is an order)
            var line = log.atWarn().addKeyValue("dropId", record.key());
            if (value instanceof OrderRequest request) {
                line = line.addKeyValue("orderId", request.getOrderId());
            }
            line.log("Invalid record on drop {} goes to the dead-letter topic: {}", record.key(), e.getMessage());
            throw e;
        }
    }

    private void dispatch(Record<String, Object> record, Object value) {
        if (value instanceof OrderRequest request) {
            decide(record.key(), request);
        } else if (value instanceof Drop drop) {
            define(record.key(), drop);
        } else if (value == null) {
            String topic = context.recordMetadata().map(m -> m.topic()).orElse("");
            if (topic.equals(orderRequestsTopic)) {
                throw new InvalidOrderException("Order request with key '" + record.key() + "' has no value");
            }
            log.debug("Ignoring tombstone for drop {}: drops end, they are not deleted", record.key());
        } else {
            throw new IllegalStateException("Unexpected record type " + value.getClass().getName());
        }
    }

    // ---------------------------------------------------------------- drops

    private void define(String key, Drop drop) {
        validate(key, drop);
        Instant now = now();
        DropState existing = states.get(drop.getId());
        if (existing == null) {
            putState(null, DropState.newBuilder().setDefinition(drop).setStatus(DropStatus.SCHEDULED)
                    .setRemainingStock(drop.getInitialStock()).setStartedAt(null).setUpdatedAt(now).build());
            schedule.put(DropSchedule.key(drop.getStartsAt(), DropSchedule.Kind.START, drop.getId()), drop.getId());
            index(drop);
        } else {
            redefine(existing, drop, now);
        }
        fireDue(now);
    }

    private static void validate(String key, Drop drop) {
        if (!Objects.equals(key, drop.getId())) {
            throw new InvalidDropException("Drop record key '" + key + "' differs from its id '" + drop.getId()
                    + "'; drops must be keyed by id to be co-partitioned with their orders");
        }
        if (!ID.matcher(drop.getId()).matches()) {
            throw new InvalidDropException("Drop id '" + drop.getId() + "' is not 1-64 letters, digits, '-' or '_'");
        }
        if (drop.getInitialStock() < 1) {
            throw new InvalidDropException("Drop " + drop.getId() + " has initialStock " + drop.getInitialStock() + " (< 1)");
        }
        if (drop.getEndsAt() != null && !drop.getEndsAt().isAfter(drop.getStartsAt())) {
            throw new InvalidDropException("Drop " + drop.getId() + " ends at " + drop.getEndsAt() + ", not after its start "
                    + drop.getStartsAt());
        }
        if (drop.getPerUserLimit() != null && drop.getPerUserLimit() < 1) {
            throw new InvalidDropException("Drop " + drop.getId() + " has perUserLimit " + drop.getPerUserLimit() + " (< 1)");
        }
    }

    private void redefine(DropState existing, Drop drop, Instant now) {
        Drop previous = existing.getDefinition();
        if (existing.getStatus() == DropStatus.SCHEDULED && !previous.getStartsAt().equals(drop.getStartsAt())) {
            schedule.delete(DropSchedule.key(previous.getStartsAt(), DropSchedule.Kind.START, drop.getId()));
            schedule.put(DropSchedule.key(drop.getStartsAt(), DropSchedule.Kind.START, drop.getId()), drop.getId());
        }
        boolean running = existing.getStatus() == DropStatus.LIVE || existing.getStatus() == DropStatus.SOLD_OUT;
        if (running && !Objects.equals(previous.getEndsAt(), drop.getEndsAt())) {
            if (previous.getEndsAt() != null) {
                schedule.delete(DropSchedule.key(previous.getEndsAt(), DropSchedule.Kind.END, drop.getId()));
            }
            if (drop.getEndsAt() != null) {
                schedule.put(DropSchedule.key(drop.getEndsAt(), DropSchedule.Kind.END, drop.getId()), drop.getId());
            }
        }
        if (drop.getInitialStock() != previous.getInitialStock()) {
            log.atWarn().addKeyValue("dropId", drop.getId())
                    .log("Drop {}: initialStock change {} -> {} ignored; stock is fixed once a drop is defined",
                            drop.getId(), previous.getInitialStock(), drop.getInitialStock());
            drop = Drop.newBuilder(drop).setInitialStock(previous.getInitialStock()).build();
        }
        if (!previous.getStartsAt().equals(drop.getStartsAt()) || !Objects.equals(previous.getCreatorId(), drop.getCreatorId())) {
            unindex(previous);
            index(drop);
        }
        putState(existing, DropState.newBuilder(existing).setDefinition(drop).setUpdatedAt(now).build());
    }

    // ---------------------------------------------------------------- index by creator

    private void index(Drop drop) {
        if (CreatorDropKeys.indexable(drop.getCreatorId())) {
            byCreator.put(CreatorDropKeys.key(drop.getCreatorId(), drop.getStartsAt(), drop.getId()), drop.getId());
        } else {
            log.atWarn().addKeyValue("dropId", drop.getId())
                    .log("Drop {} not indexed by creator: creator id '{}' is not 1-64 letters, digits, '-' or '_'",
                            drop.getId(), drop.getCreatorId());
        }
    }

    private void unindex(Drop drop) {
        if (CreatorDropKeys.indexable(drop.getCreatorId())) {
            byCreator.delete(CreatorDropKeys.key(drop.getCreatorId(), drop.getStartsAt(), drop.getId()));
        }
    }

    // ---------------------------------------------------------------- index of live drops

    /** Writes a drop's state, and keeps the live index in step with it (the one place drop-state is written). */
    private void putState(DropState before, DropState after) {
        states.put(after.getDefinition().getId(), after);
        boolean wasLive = before != null && before.getStatus() == DropStatus.LIVE;
        boolean isLive = after.getStatus() == DropStatus.LIVE;
        if (wasLive && isLive && Objects.equals(before.getStartedAt(), after.getStartedAt())
                && before.getDefinition().getStartsAt().equals(after.getDefinition().getStartsAt())) {
            return; // the order path: same entry, no index write
        }
        if (wasLive) {
            liveIndex.delete(LiveDropKeys.key(before));
        }
        if (isLive) {
            liveIndex.put(LiveDropKeys.key(after), after.getDefinition().getId());
        }
    }

    // ---------------------------------------------------------------- filling the indexes

    /** Fills the indexes created after their drops (see the class comment): one pass over drop-state for both. */
    private void fillIndexesIfPending() {
        if (!fillByCreator && !fillLive) {
            return;
        }
        int byCreatorFilled = 0;
        int liveFilled = 0;
        try (KeyValueIterator<String, DropState> it = states.all()) {
            while (it.hasNext()) {
                DropState state = it.next().value;
                if (fillByCreator) {
                    index(state.getDefinition());
                    byCreatorFilled++;
                }
                if (fillLive && state.getStatus() == DropStatus.LIVE) {
                    liveIndex.put(LiveDropKeys.key(state), state.getDefinition().getId());
                    liveFilled++;
                }
            }
        }
        if (fillByCreator) {
            log.info("Index {} filled from {}: {} drops", Stores.DROPS_BY_CREATOR, Stores.DROP_STATE, byCreatorFilled);
        }
        if (fillLive) {
            log.info("Index {} filled from {}: {} live drops", Stores.LIVE_DROPS, Stores.DROP_STATE, liveFilled);
        }
        fillByCreator = false;
        fillLive = false;
    }

    private static boolean isEmpty(KeyValueStore<String, ?> store) {
        try (KeyValueIterator<String, ?> it = store.all()) {
            return !it.hasNext();
        }
    }

    /**
     * Fires every transition due by {@code now}, in time order, from one scan of the index (a drop
     * whose end is also due ends in the same pass, without a second scan).
     */
    private void fireDue(Instant now) {
        for (String key : dueKeys(now)) {
            schedule.delete(key);
            DropSchedule.Entry entry = DropSchedule.parse(key);
            DropState state = states.get(entry.dropId());
            if (state == null) {
                continue;
            }
            switch (entry.kind()) {
                case START -> start(state, now);
                case END -> end(state, now);
                case EXPIRE -> { }
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
        String id = state.getDefinition().getId();
        putState(state, live);
        emit(live, DropEventType.STARTED, now);
        Instant endsAt = state.getDefinition().getEndsAt();
        if (endsAt != null && !endsAt.isAfter(now)) {
            end(live, now);
        } else if (endsAt != null) {
            schedule.put(DropSchedule.key(endsAt, DropSchedule.Kind.END, id), id);
        }
    }

    private void end(DropState state, Instant now) {
        if (state.getStatus() != DropStatus.LIVE && state.getStatus() != DropStatus.SOLD_OUT) {
            return;
        }
        String id = state.getDefinition().getId();
        DropState ended = DropState.newBuilder(state).setStatus(DropStatus.ENDED).setUpdatedAt(now).build();
        putState(state, ended);
        stockChanged.remove(id);
        forgetPurchases(id);
        emit(ended, DropEventType.ENDED, now);
    }

    private void forgetPurchases(String dropId) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, Integer> it = purchases.prefixScan(dropId + "|", new StringSerializer())) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        keys.forEach(purchases::delete);
    }

    private void publishStockChanges(Instant now) {
        if (stockChanged.isEmpty()) {
            return;
        }
        for (String dropId : stockChanged) {
            DropState state = states.get(dropId);
            if (state != null && state.getStatus() == DropStatus.LIVE) {
                emit(state, DropEventType.STOCK_CHANGED, now);
            }
        }
        stockChanged.clear();
    }

    private void emit(DropState state, DropEventType type, Instant now) {
        Drop drop = state.getDefinition();
        if (type != DropEventType.STOCK_CHANGED) {
            log.atInfo().addKeyValue("dropId", drop.getId()).addKeyValue("dropEvent", type)
                    .log("Drop {} {} (remaining {}/{})", drop.getId(), type, state.getRemainingStock(), drop.getInitialStock());
        }
        context.forward(new Record<String, SpecificRecord>(drop.getId(), DropEvent.newBuilder()
                .setDropId(drop.getId()).setCreatorId(drop.getCreatorId()).setType(type).setStatus(state.getStatus())
                .setInitialStock(drop.getInitialStock()).setRemainingStock(state.getRemainingStock()).setAt(now)
                .build(), now.toEpochMilli()), dropEventsSink);
    }

    // ---------------------------------------------------------------- orders

    private void decide(String key, OrderRequest request) {
        DropState drop = validate(key, request);
        Instant now = now();
        if (transitionDue(drop, now)) {
            // its start or end passed since the last clock tick: apply it before deciding
            fireDue(now);
            drop = states.get(key);
        }
        OrderDecision first = decisions.get(request.getOrderId());
        if (first != null) {
            if (first.getDropId().equals(request.getDropId()) && first.getQuantity() == request.getQuantity()) {
                log.debug("Order {} repeated; its decision stands ({})", request.getOrderId(), first.getStatus());
            } else {
                log.atInfo().addKeyValue("dropId", request.getDropId()).addKeyValue("orderId", request.getOrderId())
                        .log("Order {}: idempotency key reused with another payload (drop {}, quantity {}); "
                                + "the first decision stands", request.getOrderId(), request.getDropId(), request.getQuantity());
            }
            return;
        }
        Integer limit = drop.getDefinition().getPerUserLimit();
        String purchaseKey = request.getDropId() + "|" + request.getUserId();
        int purchased = 0;
        if (limit != null) {
            Integer stored = purchases.get(purchaseKey);
            purchased = stored == null ? 0 : stored;
        }
        OrderRules.Outcome outcome = OrderRules.decide(drop, purchased, request.getQuantity());
        DropState after = drop;
        if (outcome.confirmed()) {
            int remaining = drop.getRemainingStock() - request.getQuantity();
            after = DropState.newBuilder(drop).setRemainingStock(remaining)
                    .setStatus(remaining == 0 ? DropStatus.SOLD_OUT : drop.getStatus()).setUpdatedAt(now).build();
            putState(drop, after);
            if (limit != null) {
                purchases.put(purchaseKey, purchased + request.getQuantity());
            }
        }
        OrderDecision decision = OrderDecision.newBuilder()
                .setOrderId(request.getOrderId()).setDropId(request.getDropId()).setUserId(request.getUserId())
                .setIdempotencyKey(request.getIdempotencyKey()).setQuantity(request.getQuantity())
                .setStatus(outcome.confirmed() ? OrderStatus.CONFIRMED : OrderStatus.REJECTED)
                .setRejectReason(outcome.rejectReason()).setRemainingStock(after.getRemainingStock())
                .setRequestedAt(request.getRequestedAt()).setDecidedAt(now).build();
        decisions.put(decision.getOrderId(), decision);
        decisionExpiry.put(DropSchedule.key(now, DropSchedule.Kind.EXPIRE, decision.getOrderId()), decision.getOrderId());
        context.forward(new Record<String, SpecificRecord>(request.getDropId(), decision, now.toEpochMilli()), orderDecisionsSink);
        if (after.getStatus() == DropStatus.SOLD_OUT && drop.getStatus() != DropStatus.SOLD_OUT) {
            stockChanged.remove(request.getDropId());
            emit(after, DropEventType.SOLD_OUT, now);
        } else if (outcome.confirmed()) {
            stockChanged.add(request.getDropId());
        }
    }

    private static boolean transitionDue(DropState drop, Instant now) {
        Drop definition = drop.getDefinition();
        return switch (drop.getStatus()) {
            case SCHEDULED -> !definition.getStartsAt().isAfter(now);
            case LIVE, SOLD_OUT -> definition.getEndsAt() != null && !definition.getEndsAt().isAfter(now);
            default -> false;
        };
    }

    /** Checks what no rule can decide, before any state changes; returns the drop's state. */
    private DropState validate(String key, OrderRequest request) {
        if (key == null) {
            throw new InvalidOrderException("Order request " + request.getOrderId() + " has a null key; orders are keyed by drop id");
        }
        if (!key.equals(request.getDropId())) {
            throw new InvalidOrderException("Order request " + request.getOrderId() + " is keyed '" + key
                    + "' but names drop '" + request.getDropId() + "'");
        }
        if (request.getQuantity() < 1) {
            throw new InvalidOrderException("Order request " + request.getOrderId() + " has quantity "
                    + request.getQuantity() + " (< 1)");
        }
        if (request.getUserId().isBlank() || request.getIdempotencyKey().isBlank()) {
            throw new InvalidOrderException("Order request " + request.getOrderId() + " has an empty user id or idempotency key");
        }
        if (!request.getOrderId().equals(OrderIds.of(request.getUserId(), request.getIdempotencyKey()))) {
            throw new InvalidOrderException("Order request " + request.getOrderId()
                    + " does not carry the order id of its user and idempotency key");
        }
        DropState drop = states.get(key);
        if (drop == null) {
            throw new InvalidOrderException("Order request " + request.getOrderId() + " names unknown drop '" + key + "'");
        }
        return drop;
    }

    private void expireDecisions(Instant now) {
        Instant cutoff = now.minus(idempotencyRetention);
        List<KeyValue<String, String>> expired = new ArrayList<>();
        try (KeyValueIterator<String, String> it = decisionExpiry.range(null, DropSchedule.dueUpTo(cutoff))) {
            while (it.hasNext() && expired.size() < MAX_EXPIRED_PER_SWEEP) {
                expired.add(it.next());
            }
        }
        for (KeyValue<String, String> entry : expired) {
            decisions.delete(entry.value);
            decisionExpiry.delete(entry.key);
        }
        if (!expired.isEmpty()) {
            log.debug("Expired {} idempotency records decided before {}", expired.size(), cutoff);
        }
    }

    private Instant now() {
        return Instant.ofEpochMilli(context.currentSystemTimeMs());
    }
}
