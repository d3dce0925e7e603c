package io.livedrop.api.catalog;

import io.livedrop.api.config.KafkaCluster;
import io.livedrop.api.fanout.Attachment;
import io.livedrop.api.fanout.DocumentShape;
import io.livedrop.api.fanout.Fanout;
import io.livedrop.api.fanout.NotShareableException;
import io.livedrop.api.fanout.Recipient;
import io.livedrop.api.fanout.SharedPayload;
import io.livedrop.api.fanout.SharedRenderer;
import io.livedrop.api.fanout.ViewerFacts;
import io.livedrop.api.feed.NotificationProperties;
import io.livedrop.api.feed.TopicFeed;
import io.livedrop.api.graphql.ApiException;
import io.livedrop.api.graphql.ErrorCode;
import io.livedrop.api.security.Viewer;
import io.livedrop.events.drop.DropEvent;
import io.livedrop.events.drop.DropEventType;
import io.livedrop.events.drop.DropStatus;
import io.livedrop.topology.config.Topics;
import io.livedrop.topology.config.TopologySerdes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Live stock and status of drops for {@code dropUpdates} subscribers on this instance. Every
 * instance follows the committed drop-events topic and keeps one watch per watched drop: the drop's
 * latest state, which every event brings up to date (events older than it are skipped, so a
 * subscriber never sees the drop go back in time), and the drop's watchers, per session
 * ({@link #updates}) or attached ({@link #attach}).
 *
 * <p><b>Conflation.</b> What a watcher is sent is the latest state, never a queue: a stock change
 * is flushed at most once per {@code livedrop.notifications.updates-interval} per drop (so at most
 * about one message per subscription per interval), a status change (started, sold out, ended) at
 * once. So the last state, SOLD_OUT with 0 left, always arrives, however many decisions a stampede
 * makes. Stock messages from the instance as a whole are bounded too
 * ({@code livedrop.notifications.updates-max-rate} a second): with many watchers here each drop's interval
 * stretches to watchers ÷ rate, because thousands of watchers at ten messages a second would otherwise take
 * the cores the ledger needs to decide the stampede they watch (docs/benchmarks/updates.md). A flush costs one render per (document shape, viewer facts) group of the attached watchers
 * (at most two facts: whether the viewer follows the drop's creator, kept current by
 * {@link FollowingFacts}; anonymous false) and one write per watcher, not a render per watcher. An
 * attached watcher whose connection is over its high-water mark is skipped and, once it drains, sent
 * the newest state then ({@link Recipient#onWritable}). A per-session watcher (executed per session
 * by Spring) gets the latest state on a parallel worker; one that does not read gets the latest
 * when it next reads.
 *
 * <p>A subscription first gets the drop as it is now: it listens before the drop is read (one read
 * shared by the watchers that arrive during it), and the events heard meanwhile (at most
 * {@value #MAX_BUFFERED_DURING_READ}; each carries the drop's whole stock and status) are applied to
 * what was read. A drop's watch goes with its last watcher.
 *
 * <p><b>Threads.</b> The tail thread only updates the latest state and schedules a flush; flushes,
 * renders and the first message and catch-up of attached watchers run on one flush thread, in order,
 * so a watcher's messages never go back in time. A shared render that fails is logged and counted
 * ({@code livedrop.notifications.render.failures}); its group is not sent that state (there is no
 * {@code error} for one event of a shared subscription) and gets the next one, or the latest state
 * again after a wait (from the interval, doubling up to {@value #MAX_RETRY_SECONDS} s) if no change
 * comes, so a failed final SOLD_OUT is still delivered.
 *
 * <p>Known gap: on the per-session path, Spring's WebSocket handler queues up to 256 messages per
 * subscription (its prefetch) for a client that reads slower than the flushes; what bounds it per
 * client is the number of subscriptions ({@code livedrop.websocket.*}).
 */
@Component
public class DropUpdatesFeed extends TopicFeed<DropEvent> implements DisposableBean {

    static final int MAX_BUFFERED_DURING_READ = 64;
    /** The longest wait before a failed render is tried again (the wait doubles from the interval). */
    static final int MAX_RETRY_SECONDS = 30;
    private static final Logger log = LoggerFactory.getLogger(DropUpdatesFeed.class);

    /** What the API's DropUpdate type shows: the drop as of {@code at}. */
    public record DropUpdate(DropView drop, Instant at) {
    }

    private final Map<String, DropWatch> byDrop = new ConcurrentHashMap<>();
    private final DropSource catalog;
    private final FollowingFacts following;
    private final Supplier<SharedRenderer> renderer;
    private final long intervalNanos;
    private final long maxRate;
    /** Watchers of every drop here: what the instance-wide rate is shared by. */
    private final AtomicInteger watcherCount = new AtomicInteger();
    private final Scheduler flushes;
    private final Scheduler emits;
    private final Scheduler reads;
    private final Counter renderFailures;

    @Autowired
    public DropUpdatesFeed(DropSource catalog, FollowingFacts following, KafkaCluster cluster,
                           Topics topics, TopologySerdes serdes, NotificationProperties properties,
                           ObjectProvider<SharedRenderer> renderers, ObjectProvider<MeterRegistry> meters) {
        this(catalog, following, renderers::getIfAvailable, properties.updatesInterval(), properties.updatesMaxRate(),
                Schedulers.newSingle("drop-updates", true), Schedulers.parallel(), Schedulers.boundedElastic(),
                meters.getIfAvailable(SimpleMeterRegistry::new), cluster.bootstrapServers(),
                topics.dropEvents().name(), serdes.dropEvent().deserializer());
    }

    /**
     * For tests: {@code flushes} runs flushes and tells the time, {@code emits} makes the per-session
     * workers, {@code reads} runs the first read of each subscription.
     */
    DropUpdatesFeed(DropSource catalog, FollowingFacts following, Supplier<SharedRenderer> renderer,
                    Duration interval, int maxRate, Scheduler flushes, Scheduler emits, Scheduler reads, MeterRegistry meters,
                    String bootstrapServers, String topic, Deserializer<DropEvent> values) {
        super(bootstrapServers, topic, values);
        this.catalog = catalog;
        this.following = following;
        this.renderer = renderer;
        this.intervalNanos = interval.toNanos();
        this.maxRate = maxRate;
        this.flushes = flushes;
        this.emits = emits;
        this.reads = reads;
        this.renderFailures = Counter.builder("livedrop.notifications.render.failures").tag("feed", "dropUpdates")
                .description("shared renders that failed; their recipients were not told of that event online")
                .register(meters);
    }

    /** The drop now, then its changes, conflated (the latest state wins); executed per session. */
    public Flux<DropUpdate> updates(String dropId) {
        CatalogQueryService.requireValidId(dropId);
        return Flux.<DropUpdate>create(sink -> {
            SessionWatcher watcher = new SessionWatcher(sink, emits.createWorker());
            DropWatch watch = watch(dropId, watcher);
            sink.onDispose(() -> unwatch(watch, watcher));
            try {
                watch.current();
            } catch (RuntimeException e) {
                sink.error(e);
                return;
            }
            watcher.ready = true;
            watcher.offer(watch);
        }, FluxSink.OverflowStrategy.LATEST).subscribeOn(reads);
    }

    /**
     * As {@link #updates}, but the states go to {@code recipient} as payloads rendered once per (shape key,
     * whether the viewer follows the drop's creator, read only if the document may ask it). The returned Flux
     * never emits: it completes once the recipient is attached if the recipient takes the subscription over
     * ({@link Recipient#handOver}: the execution behind it goes), else it ends when the feed stops and detaches the
     * recipient when cancelled. {@code viewer} may be null (anonymous).
     */
    public Flux<DropUpdate> attach(String dropId, Viewer viewer, DocumentShape shape, Recipient recipient) {
        CatalogQueryService.requireValidId(dropId);
        return Flux.<DropUpdate>create(sink -> {
            AttachedWatcher watcher = new AttachedWatcher(shape, recipient, sink);
            DropWatch watch = watch(dropId, watcher);
            watcher.attachment.detachWith(() -> unwatch(watch, watcher));
            try {
                DropUpdate now = watch.current();
                if (viewer != null && shape.mayAskFacts()) {
                    watcher.following(following.watch(viewer, now.drop().creatorId(), follows -> watcher.follows = follows));
                }
            } catch (RuntimeException e) {
                sink.error(e);
                return;
            }
            watcher.ready = true;
            schedule(() -> watch.sendLatest(watcher, false));
            watcher.attachment.handOver();
        }).subscribeOn(reads);
    }

    /** Subscriptions following a drop here (tests, diagnostics). */
    int followers() {
        return byDrop.values().stream().mapToInt(watch -> watch.watchers.size()).sum();
    }

    /** Drops with an entry here (tests, diagnostics). */
    int followedDrops() {
        return byDrop.size();
    }

    private DropWatch watch(String dropId, Watcher watcher) {
        return byDrop.compute(dropId, (id, existing) -> {
            DropWatch watch = existing == null ? new DropWatch(id) : existing;
            if (watch.watchers.add(watcher)) {
                watcherCount.incrementAndGet();
            }
            return watch;
        });
    }

    private void unwatch(DropWatch watch, Watcher watcher) {
        watcher.close();
        if (watch.watchers.remove(watcher)) {
            watcherCount.decrementAndGet();
        }
        byDrop.computeIfPresent(watch.dropId, (id, current) -> current == watch && watch.watchers.isEmpty() ? null : current);
    }

    private void schedule(Runnable task) {
        try {
            flushes.schedule(task);
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }

    private static DropView apply(DropView drop, DropEvent event) {
        return new DropView(drop.id(), drop.creatorId(), drop.productId(), event.getStatus(), drop.startsAt(),
                drop.endsAt(), drop.initialStock(), event.getRemainingStock(), drop.perUserLimit(), drop.priceCents(),
                drop.currency(), event.getType() == DropEventType.STARTED ? event.getAt() : drop.startedAt(), event.getAt());
    }

    @Override
    protected void onRecord(ConsumerRecord<String, DropEvent> record) {
        DropEvent event = record.value();
        DropWatch watch = byDrop.get(event.getDropId());
        if (watch != null) {
            watch.offer(event);
        }
    }

    @Override
    public synchronized void stop() {
        super.stop();
        byDrop.values().forEach(watch -> watch.watchers.forEach(Watcher::complete));
        byDrop.clear();
        watcherCount.set(0);
    }

    /** The least time between two stock flushes of a drop: the interval, stretched so that the instance stays under its rate. */
    private long flushGapNanos() {
        return Math.max(intervalNanos, watcherCount.get() * 1_000_000_000L / maxRate);
    }

    @Override
    public void destroy() {
        flushes.dispose();
    }

    /** The latest state and a version number that counts its changes. */
    private record Snapshot(DropUpdate update, long version) {
    }

    /** Attached watchers that share a render. */
    private record Group(String shapeKey, boolean follows) {
    }

    /** One watched drop: its latest state, its watchers, when it was last flushed. */
    private final class DropWatch {

        final String dropId;
        final Set<Watcher> watchers = ConcurrentHashMap.newKeySet();
        // guarded by this
        private DropUpdate latest;
        private long version;
        private ArrayDeque<DropEvent> heard;
        private CompletableFuture<DropUpdate> reading;
        private long flushedVersion;
        private long lastFlushNanos;
        private boolean flushedOnce;
        private boolean flushScheduled;
        // flush thread only
        private long renderedVersion = -1;
        private final Map<Group, SharedPayload> rendered = new HashMap<>();
        private boolean retryScheduled;
        private long retryWaitNanos;

        DropWatch(String dropId) {
            this.dropId = dropId;
        }

        /** The latest state, read once (shared by the watchers that wait for the same read) if not known yet. */
        DropUpdate current() {
            CompletableFuture<DropUpdate> read;
            boolean reader = false;
            synchronized (this) {
                if (latest != null) {
                    return latest;
                }
                if (reading == null) {
                    reading = new CompletableFuture<>();
                    heard = new ArrayDeque<>();
                    reader = true;
                }
                read = reading;
            }
            if (reader) {
                try {
                    DropView now = catalog.drop(dropId)
                            .orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND, "No drop " + dropId));
                    DropUpdate first;
                    synchronized (this) {
                        latest = new DropUpdate(now, now.updatedAt());
                        heard.forEach(this::applyToLatest);
                        heard = null;
                        reading = null;
                        version = 1;
                        first = latest;
                    }
                    read.complete(first);
                } catch (RuntimeException e) {
                    synchronized (this) {
                        heard = null;
                        reading = null;
                    }
                    read.completeExceptionally(e);
                }
            }
            try {
                return read.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
        }

        synchronized Snapshot snapshot() {
            return new Snapshot(latest, version);
        }

        /** On the tail thread: brings the latest state up to date and schedules a flush. */
        void offer(DropEvent event) {
            long delayNanos;
            synchronized (this) {
                if (latest == null) {
                    if (heard != null) {
                        if (heard.size() == MAX_BUFFERED_DURING_READ) {
                            heard.removeFirst();
                        }
                        heard.addLast(event);
                    }
                    return;
                }
                DropStatus before = latest.drop().status();
                if (!applyToLatest(event)) {
                    return;
                }
                version++;
                boolean statusChange = event.getType() != DropEventType.STOCK_CHANGED || latest.drop().status() != before;
                long now = flushes.now(TimeUnit.NANOSECONDS);
                if (statusChange) {
                    delayNanos = 0;
                } else if (flushScheduled) {
                    return;
                } else {
                    // at most the gap: a scheduler's now() is the wall clock, which may be stepped back
                    long gap = flushGapNanos();
                    delayNanos = flushedOnce ? Math.min(gap, Math.max(0, lastFlushNanos + gap - now)) : 0;
                }
                flushScheduled = true;
            }
            try {
                if (delayNanos == 0) {
                    flushes.schedule(this::flush);
                } else {
                    flushes.schedule(this::flush, delayNanos, TimeUnit.NANOSECONDS);
                }
            } catch (RejectedExecutionException e) {
                // stopping
            }
        }

        /** On the flush thread: the latest state to every watcher that has not had it. */
        void flush() {
            Snapshot snapshot;
            synchronized (this) {
                flushScheduled = false;
                if (version == flushedVersion) {
                    return;
                }
                snapshot = new Snapshot(latest, version);
                flushedVersion = version;
                flushedOnce = true;
                lastFlushNanos = flushes.now(TimeUnit.NANOSECONDS);
            }
            sendToWatchers(snapshot, true);
        }

        /** On the flush thread, after a failed render: the latest state to the attached watchers still behind it. */
        void retry() {
            retryScheduled = false;
            sendToWatchers(snapshot(), false);
        }

        private void sendToWatchers(Snapshot snapshot, boolean sessionsToo) {
            Map<Group, List<AttachedWatcher>> groups = new LinkedHashMap<>();
            for (Watcher watcher : watchers) {
                if (watcher instanceof SessionWatcher session) {
                    if (sessionsToo) {
                        session.offer(this);
                    }
                } else if (watcher instanceof AttachedWatcher attached && attached.ready
                        && !attached.awaitingWritable.get() && attached.sentVersion < snapshot.version()) {
                    groups.computeIfAbsent(attached.group(), group -> new ArrayList<>()).add(attached);
                }
            }
            groups.forEach((group, members) -> send(group, members, snapshot));
        }

        /**
         * On the flush thread: the newest state to one attached watcher: its first (unless a flush was
         * quicker), or again after it drained ({@code refused}: what it was last sent never left).
         */
        void sendLatest(AttachedWatcher watcher, boolean refused) {
            Snapshot snapshot = snapshot();
            if (watchers.contains(watcher) && (refused || watcher.sentVersion < snapshot.version())) {
                send(watcher.group(), List.of(watcher), snapshot);
            }
        }

        private void send(Group group, List<AttachedWatcher> members, Snapshot snapshot) {
            SharedPayload payload = render(group, members.get(0).shape, snapshot);
            if (payload == null) {
                retryLater();
                return;
            }
            Map<Recipient, AttachedWatcher> byRecipient = new IdentityHashMap<>();
            for (AttachedWatcher member : members) {
                member.sentVersion = snapshot.version();
                byRecipient.put(member.recipient, member);
            }
            Fanout.deliver(byRecipient.keySet(), payload, true, refused -> refused(byRecipient.get(refused)));
        }

        /** On the recipient's loop: nothing was queued; send the newest state once it drains. */
        private void refused(AttachedWatcher watcher) {
            if (watcher != null && watcher.awaitingWritable.compareAndSet(false, true)) {
                watcher.recipient.onWritable(() -> schedule(() -> {
                    watcher.awaitingWritable.set(false);
                    sendLatest(watcher, true);
                }));
            }
        }

        private SharedPayload render(Group group, DocumentShape shape, Snapshot snapshot) {
            if (renderedVersion != snapshot.version()) {
                rendered.clear();
                renderedVersion = snapshot.version();
            }
            SharedPayload cached = rendered.get(group);
            if (cached != null) {
                return cached;
            }
            try {
                SharedRenderer shared = renderer.get();
                if (shared == null) {
                    throw new IllegalStateException("no SharedRenderer in this application");
                }
                SharedPayload payload = shared.render(shape, snapshot.update(),
                        ViewerFacts.following(snapshot.update().drop().creatorId(), group.follows()));
                rendered.put(group, payload);
                retryWaitNanos = 0;
                return payload;
            } catch (RuntimeException e) {
                renderFailures.increment();
                log.warn("dropUpdates of drop {}: the shared render of document {} failed ({}); its watchers here get "
                        + "the next state", dropId, shape.key(), e instanceof NotShareableException ? e.getMessage() : e.toString());
                return null;
            }
        }

        /**
         * A failed state may be the last one (SOLD_OUT with 0 left): its watchers are not left behind
         * it, whether or not another change comes. The wait doubles from the interval, so a render that
         * keeps failing costs little.
         */
        private void retryLater() {
            if (retryScheduled) {
                return;
            }
            retryWaitNanos = Math.min(TimeUnit.SECONDS.toNanos(MAX_RETRY_SECONDS),
                    retryWaitNanos == 0 ? Math.max(intervalNanos, TimeUnit.MILLISECONDS.toNanos(1)) : retryWaitNanos * 2);
            retryScheduled = true;
            try {
                flushes.schedule(this::retry, retryWaitNanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                // stopping
            }
        }

        private boolean applyToLatest(DropEvent event) {
            if (event.getStatus() == DropStatus.UNKNOWN || event.getAt().isBefore(latest.at())) {
                return false;
            }
            latest = new DropUpdate(apply(latest.drop(), event), event.getAt());
            return true;
        }
    }

    private abstract static class Watcher {

        volatile boolean ready;

        abstract void complete();

        abstract void close();
    }

    /** A per-session subscription: the latest state through its sink, on its own worker (in order). */
    private static final class SessionWatcher extends Watcher {

        private final FluxSink<DropUpdate> sink;
        private final Scheduler.Worker worker;
        private final AtomicBoolean scheduled = new AtomicBoolean();
        /** Worker only. */
        private long sentVersion;

        SessionWatcher(FluxSink<DropUpdate> sink, Scheduler.Worker worker) {
            this.sink = sink;
            this.worker = worker;
        }

        void offer(DropWatch watch) {
            if (!ready || !scheduled.compareAndSet(false, true)) {
                return;
            }
            try {
                worker.schedule(() -> {
                    scheduled.set(false);
                    Snapshot snapshot = watch.snapshot();
                    if (snapshot.version() > sentVersion) {
                        sentVersion = snapshot.version();
                        sink.next(snapshot.update());
                    }
                });
            } catch (RejectedExecutionException e) {
                // gone
            }
        }

        @Override
        void complete() {
            sink.complete();
        }

        @Override
        void close() {
            worker.dispose();
        }
    }

    /** A subscription of an edge connection: shared payloads, grouped by shape and facts. */
    private static final class AttachedWatcher extends Watcher {

        final DocumentShape shape;
        final Recipient recipient;
        final Attachment<DropUpdate> attachment;
        final AtomicBoolean awaitingWritable = new AtomicBoolean();
        volatile boolean follows;
        volatile long sentVersion;
        private Runnable stopFollowing;
        private boolean closed;

        AttachedWatcher(DocumentShape shape, Recipient recipient, FluxSink<DropUpdate> sink) {
            this.shape = shape;
            this.recipient = recipient;
            this.attachment = new Attachment<>(sink, recipient);
        }

        Group group() {
            return new Group(shape.key(), follows);
        }

        void following(Runnable stop) {
            boolean alreadyClosed;
            synchronized (this) {
                alreadyClosed = closed;
                stopFollowing = stop;
            }
            if (alreadyClosed) {
                stop.run();
            }
        }

        @Override
        void complete() {
            close();   // a stream that completes unwatches it too; a handed-over one has only this
            attachment.end();
        }

        @Override
        void close() {
            Runnable stop;
            synchronized (this) {
                closed = true;
                stop = stopFollowing;
                stopFollowing = null;
            }
            if (stop != null) {
                stop.run();
            }
        }
    }
}
