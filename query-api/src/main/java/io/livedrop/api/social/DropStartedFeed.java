package io.livedrop.api.social;

import io.livedrop.api.catalog.DropSource;
import io.livedrop.api.catalog.DropView;
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
import io.livedrop.api.feed.TopicTail;
import io.livedrop.api.security.Viewer;
import io.livedrop.events.drop.DropEvent;
import io.livedrop.events.drop.DropEventType;
import io.livedrop.topology.config.Topics;
import io.livedrop.topology.config.TopologySerdes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.concurrent.Queues;

/**
 * The online path of drop-start notifications ({@code dropStarted}): every instance follows the
 * committed drop-events topic and tells its own subscriptions whose viewer follows the drop's
 * creator, through an in-memory creator → subscriptions index. A subscription's creators come from
 * the viewer's following list ({@link FollowingView}, kept current from the follows topic, so an
 * unfollow anywhere stops delivery here). Nothing here is per follower on Kafka: a drop start costs
 * one read of the drop, then one emit per per-session subscriber, and one shared render per document
 * shape for the attached ones ({@link #attach}), written to all of them by {@link Fanout}.
 *
 * <p><b>Nothing missed, nothing twice.</b> A subscription is told of every start this instance
 * received at or after its stamp (when the server accepted its {@code subscribe}), even though its
 * following list is read later: every start is kept for {@code livedrop.notifications.online.catch-up}
 * (at most {@value #MAX_RECENT_STARTS}) with its receive time and a sequence number. Under one short
 * lock, a subscription is activated: the kept starts of its creators received since its stamp are
 * replayed to it, it records the last sequence number and is indexed; a start appended after that is
 * delivered live, only to subscriptions activated before it and stamped before it was received.
 * So each start is replayed or live, never both. Starts received before the stamp are not told.
 * A following-list read slower than the catch-up window loses the starts that left it: logged and
 * counted ({@code livedrop.notifications.catch-up.overflows}). Replayed starts may reach a
 * subscription after a live start received later (the order across drops is not kept).
 *
 * <p><b>Threads.</b> The tail thread only stamps a start and hands it to one dispatcher thread: the
 * drop read (maybe a hop to a peer), the renders and the emits run there, so a slow read or render
 * delays drop starts but never stalls the tail. Per-session subscribers execute their document on
 * the parallel scheduler; attached ones are written by their I/O loops.
 *
 * <p><b>Render failures.</b> A shared render that fails ({@link NotShareableException}, or any other
 * error) is logged and counted ({@code livedrop.notifications.render.failures}); the recipients of
 * that shape are not told of that start online (there is no {@code error} for one event of a shared
 * subscription; the inbox and push still have it).
 */
@Component
public class DropStartedFeed implements SmartLifecycle, DisposableBean {

    static final int MAX_RECENT_STARTS = 10_000;
    private static final Logger log = LoggerFactory.getLogger(DropStartedFeed.class);

    /** What the API's DropStartedEvent type shows. */
    public record DropStarted(DropView drop, Instant startedAt) {
    }

    private final DropSource catalog;
    private final FollowingView following;
    private final Supplier<SharedRenderer> renderer;
    private final long catchUpNanos;
    private final Scheduler dispatcher;
    private final Scheduler reads;
    private final LongSupplier nanoClock;
    private final Function<Consumer<DropEvent>, TopicTail<DropEvent>> tails;
    private final Counter renderFailures;
    private final Counter overflows;
    private final Map<String, Set<Subscription>> byCreator = new ConcurrentHashMap<>();
    private final Set<Subscription> subscriptions = ConcurrentHashMap.newKeySet();
    /** Guards {@link #recent}, {@link #lastSeq}, {@link #evictedUpTo} and every activation. */
    private final Object ring = new Object();
    private final ArrayDeque<RecentStart> recent = new ArrayDeque<>();
    private long lastSeq;
    private long evictedUpTo = Long.MIN_VALUE;
    private TopicTail<DropEvent> tail;
    private volatile boolean running;

    @Autowired
    public DropStartedFeed(DropSource catalog, FollowingView following, KafkaCluster cluster,
                           Topics topics, TopologySerdes serdes, NotificationProperties properties,
                           ObjectProvider<SharedRenderer> renderers, ObjectProvider<MeterRegistry> meters) {
        this(catalog, following, renderers::getIfAvailable, properties.online().catchUp(),
                Schedulers.newSingle("drop-started", true), Schedulers.boundedElastic(), System::nanoTime,
                meters.getIfAvailable(SimpleMeterRegistry::new),
                handler -> new TopicTail<>(cluster.bootstrapServers(), topics.dropEvents().name(),
                        serdes.dropEvent().deserializer(), record -> handler.accept(record.value())));
    }

    /** For tests: {@code tails} may be null (events are then handed to {@link #onDropEvent} directly). */
    DropStartedFeed(DropSource catalog, FollowingView following, Supplier<SharedRenderer> renderer,
                    Duration catchUp, Scheduler dispatcher, Scheduler reads, LongSupplier nanoClock,
                    MeterRegistry meters, Function<Consumer<DropEvent>, TopicTail<DropEvent>> tails) {
        this.catalog = catalog;
        this.following = following;
        this.renderer = renderer;
        this.catchUpNanos = catchUp.toNanos();
        this.dispatcher = dispatcher;
        this.reads = reads;
        this.nanoClock = nanoClock;
        this.tails = tails;
        Gauge.builder("livedrop.subscriptions.drop.started", this, DropStartedFeed::sessions)
                .description("dropStarted subscriptions open on this instance").register(meters);
        this.renderFailures = Counter.builder("livedrop.notifications.render.failures").tag("feed", "dropStarted")
                .description("shared renders that failed; their recipients were not told of that event online")
                .register(meters);
        this.overflows = Counter.builder("livedrop.notifications.catch-up.overflows")
                .description("dropStarted subscriptions activated after starts since their subscribe had left the catch-up window")
                .register(meters);
    }

    /**
     * The drop starts of creators the viewer follows, received from {@code stampNanos}
     * ({@link System#nanoTime()}) until the subscription ends; one emit per start, executed per session.
     */
    public Flux<DropStarted> subscribe(Viewer viewer, long stampNanos) {
        Viewer.require(viewer);
        return Flux.defer(() -> {
            Session session = new Session(viewer.id(), stampNanos);
            open(viewer, session);
            return session.sink.asFlux()
                    // GraphQL executes each event's selection per subscriber: spread that over the cores
                    .publishOn(Schedulers.parallel())
                    .doFinally(signal -> remove(session));
        }).subscribeOn(reads);
    }

    /**
     * As {@link #subscribe(Viewer, long)}, but the starts go to {@code recipient} as payloads rendered
     * once per shape key for all the attached subscriptions. The returned Flux never emits: it completes
     * once the recipient is attached if the recipient takes the subscription over ({@link Recipient#handOver},
     * so that the execution behind the Flux is not held for the subscription's life), else it ends when
     * the feed stops and detaches the recipient when cancelled.
     */
    public Flux<DropStarted> attach(Viewer viewer, long stampNanos, DocumentShape shape, Recipient recipient) {
        Viewer.require(viewer);
        return Flux.<DropStarted>create(sink -> {
            Attached attached = new Attached(viewer.id(), stampNanos, shape, sink, recipient);
            try {
                open(viewer, attached);
            } catch (RuntimeException e) {
                sink.error(e);
                return;
            }
            attached.attachment.handOver();
        }).subscribeOn(reads);
    }

    /** Subscriptions on this instance (for metrics and tests). */
    public int sessions() {
        return subscriptions.size();
    }

    /** Whether {@code userId} has a subscription here that is told of drop starts (its following list is loaded). */
    public boolean listening(String userId) {
        return subscriptions.stream().anyMatch(s -> s.userId.equals(userId) && s.activated());
    }

    /** Drop starts kept for catching up (tests, diagnostics). */
    int recentStarts() {
        synchronized (ring) {
            return recent.size();
        }
    }

    /** Creators indexed here (tests, diagnostics). */
    int indexedCreators() {
        return byCreator.size();
    }

    /** Called on the tail's thread: stamps the start's arrival and hands it to the dispatcher. */
    void onDropEvent(DropEvent event) {
        if (event == null || event.getType() != DropEventType.STARTED) {
            return;
        }
        long receivedNanos = nanoClock.getAsLong();
        dispatcher.schedule(() -> publish(event, receivedNanos));
    }

    private void publish(DropEvent event, long receivedNanos) {
        Optional<DropView> drop;
        try {
            drop = catalog.drop(event.getDropId());
        } catch (RuntimeException e) {
            log.warn("Drop {} started but cannot be read ({}); its online followers here are not told (inbox and push still are)",
                    event.getDropId(), e.getMessage());
            return;
        }
        if (drop.isEmpty()) {
            log.warn("Drop {} started but is unknown here; not telling its online followers", event.getDropId());
            return;
        }
        RecentStart start = new RecentStart(event.getCreatorId(), new DropStarted(drop.get(), event.getAt()), receivedNanos);
        synchronized (ring) {
            start.seq = ++lastSeq;
            recent.addLast(start);
            evict(nanoClock.getAsLong());
        }
        Set<Subscription> indexed = byCreator.get(start.creatorId);
        if (indexed == null) {
            return;
        }
        List<Subscription> live = new ArrayList<>();
        for (Subscription subscription : indexed) {
            if (subscription.takesLive(start)) {
                live.add(subscription);
            }
        }
        deliver(start, live);
    }

    /** Registers, reads the following list (on {@link #reads}), then activates. */
    private void open(Viewer viewer, Subscription subscription) {
        subscriptions.add(subscription);
        if (subscription.isClosed()) {
            // removed before it was added (an attach cancelled as its set-up began)
            subscriptions.remove(subscription);
            return;
        }
        try {
            subscription.listening(following.open(viewer, subscription));
        } catch (RuntimeException e) {
            remove(subscription);
            throw e;
        }
        activate(subscription);
    }

    private void activate(Subscription subscription) {
        List<RecentStart> replay = new ArrayList<>();
        synchronized (ring) {
            evict(nanoClock.getAsLong());
            synchronized (subscription) {
                if (subscription.closed) {
                    return;
                }
                if (evictedUpTo != Long.MIN_VALUE && evictedUpTo - subscription.stampNanos >= 0) {
                    overflows.increment();
                    log.warn("A dropStarted subscription of {} loaded its following list after drop starts since its "
                            + "subscribe left the catch-up window; those are not told online", subscription.userId);
                }
                for (RecentStart start : recent) {
                    if (start.receivedNanos - subscription.stampNanos >= 0 && subscription.creators.contains(start.creatorId)) {
                        replay.add(start);
                    }
                }
                subscription.activatedSeq = lastSeq;
                subscription.creators.forEach(creator -> index(creator, subscription));
            }
        }
        if (!replay.isEmpty()) {
            dispatcher.schedule(() -> replay.forEach(start -> deliver(start, List.of(subscription))));
        }
    }

    /**
     * Emits to the per-session subscribers; renders once per shape key for the attached ones, whose writes start
     * while the rest are still being walked ({@link Fanout.Batch}).
     */
    private void deliver(RecentStart start, List<Subscription> to) {
        // shapes of one document are one instance (DocumentShapes), so a key's lookup is a cached hash and ==
        Map<String, Fanout.Batch> byKey = new HashMap<>();
        Fanout.Batch none = new Fanout.Batch(null);   // a shape whose render failed: nobody of it is told
        for (Subscription subscription : to) {
            if (subscription instanceof Session session) {
                session.sink.tryEmitNext(start.started);
            } else if (subscription instanceof Attached attached) {
                // a lookup per recipient, no lambda: the render and its batch are made once per shape
                Fanout.Batch batch = byKey.get(attached.shape.key());
                if (batch == null) {
                    SharedPayload payload = render(start, attached.shape);
                    batch = payload == null ? none : new Fanout.Batch(payload);
                    byKey.put(attached.shape.key(), batch);
                }
                if (batch != none) {
                    batch.add(attached.attachment.recipient());
                }
            }
        }
        byKey.values().forEach(batch -> {
            if (batch != none) {
                batch.finish();
            }
        });
    }

    /** The start's payload for a shape, rendered once while the start is kept; null if it cannot be. */
    private SharedPayload render(RecentStart start, DocumentShape shape) {
        SharedPayload cached = start.rendered.get(shape.key());
        if (cached != null) {
            return cached;
        }
        SharedRenderer shared = renderer.get();
        try {
            if (shared == null) {
                throw new IllegalStateException("no SharedRenderer in this application");
            }
            SharedPayload payload = shared.render(shape, start.started,
                    ViewerFacts.following(start.creatorId, true));
            start.rendered.put(shape.key(), payload);
            return payload;
        } catch (RuntimeException e) {
            renderFailures.increment();
            log.warn("dropStarted of drop {}: the shared render of document {} failed ({}); its recipients here are "
                    + "not told online (inbox and push still are)", start.started.drop().id(), shape.key(), e.toString());
            return null;
        }
    }

    /** Drops kept starts older than the catch-up window or beyond the cap. Under {@link #ring}. */
    private void evict(long nowNanos) {
        while (!recent.isEmpty() && (recent.size() > MAX_RECENT_STARTS
                || nowNanos - recent.peekFirst().receivedNanos > catchUpNanos)) {
            evictedUpTo = recent.removeFirst().receivedNanos;
        }
    }

    private void remove(Subscription subscription) {
        subscriptions.remove(subscription);
        subscription.close().forEach(creator -> unindex(creator, subscription));
    }

    private void index(String creator, Subscription subscription) {
        // added inside compute: an unindex that empties the set removes it under the same bin lock
        byCreator.compute(creator, (id, set) -> {
            Set<Subscription> indexed = set != null ? set : ConcurrentHashMap.newKeySet();
            indexed.add(subscription);
            return indexed;
        });
    }

    private void unindex(String creator, Subscription subscription) {
        byCreator.computeIfPresent(creator, (id, set) -> {
            set.remove(subscription);
            return set.isEmpty() ? null : set;
        });
    }

    /** A kept start: its creator, what it shows, when it was received, its place, its shared renders. */
    private static final class RecentStart {

        final String creatorId;
        final DropStarted started;
        final long receivedNanos;
        /** Set under {@link #ring} before anyone can see the start. */
        long seq;
        /** By shape key; only the dispatcher thread reads and writes it. */
        final Map<String, SharedPayload> rendered = new ConcurrentHashMap<>();

        RecentStart(String creatorId, DropStarted started, long receivedNanos) {
            this.creatorId = creatorId;
            this.started = started;
            this.receivedNanos = receivedNanos;
        }
    }

    /** One subscription: its viewer, its stamp, its creators (kept current by {@link FollowingView}). */
    private abstract class Subscription implements FollowingView.Listener {

        final String userId;
        final long stampNanos;
        /** Guarded by this. */
        final Set<String> creators = new HashSet<>();
        /** The last sequence number when it was activated; until then none is taken live. */
        volatile long activatedSeq = Long.MAX_VALUE;
        boolean closed;
        private Runnable stopListening;

        Subscription(String userId, long stampNanos) {
            this.userId = userId;
            this.stampNanos = stampNanos;
        }

        boolean activated() {
            return activatedSeq != Long.MAX_VALUE;
        }

        synchronized boolean isClosed() {
            return closed;
        }

        boolean takesLive(RecentStart start) {
            return start.seq > activatedSeq && start.receivedNanos - stampNanos >= 0;
        }

        @Override
        public synchronized void following(Set<String> followed) {
            creators.addAll(followed);
        }

        @Override
        public synchronized void changed(String creatorId, boolean follows) {
            if (closed || !(follows ? creators.add(creatorId) : creators.remove(creatorId)) || !activated()) {
                return;
            }
            if (follows) {
                index(creatorId, this);
            } else {
                unindex(creatorId, this);
            }
        }

        void listening(Runnable stop) {
            boolean alreadyClosed;
            synchronized (this) {
                alreadyClosed = closed;
                stopListening = stop;
            }
            if (alreadyClosed) {
                stop.run();
            }
        }

        /** Stops it; the creators it may be indexed under. */
        Set<String> close() {
            Runnable stop;
            Set<String> indexed;
            synchronized (this) {
                closed = true;
                stop = stopListening;
                stopListening = null;
                indexed = Set.copyOf(creators);
            }
            if (stop != null) {
                stop.run();
            }
            return indexed;
        }

        abstract void end();
    }

    /** A per-session subscription: its events go through a sink, executed per subscriber. */
    private final class Session extends Subscription {

        /** A subscriber that does not read holds at most this many starts; later ones it misses (its inbox has them). */
        final Sinks.Many<DropStarted> sink = Sinks.many().unicast().onBackpressureBuffer(Queues.<DropStarted>get(256).get());

        Session(String userId, long stampNanos) {
            super(userId, stampNanos);
        }

        @Override
        void end() {
            sink.tryEmitComplete();
        }
    }

    /** A subscription of an edge connection: its events go as shared payloads. */
    private final class Attached extends Subscription {

        final DocumentShape shape;
        final Attachment<DropStarted> attachment;

        Attached(String userId, long stampNanos, DocumentShape shape, FluxSink<DropStarted> stream, Recipient recipient) {
            super(userId, stampNanos);
            this.shape = shape;
            this.attachment = new Attachment<>(stream, recipient);
            attachment.detachWith(() -> remove(this));
        }

        @Override
        void end() {
            attachment.end();
        }
    }

    @Override
    public synchronized void start() {
        tail = tails != null ? tails.apply(this::onDropEvent) : null;
        if (tail != null) {
            tail.start();
        }
        running = true;
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (tail != null) {
            tail.close();
            tail = null;
        }
        List<Subscription> open = List.copyOf(subscriptions);
        open.forEach(this::remove);
        open.forEach(Subscription::end);
        byCreator.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public void destroy() {
        dispatcher.dispose();
    }
}
