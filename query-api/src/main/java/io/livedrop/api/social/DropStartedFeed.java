package io.livedrop.api.social;

import io.livedrop.api.catalog.CatalogQueryService;
import io.livedrop.api.catalog.DropView;
import io.livedrop.api.config.KafkaCluster;
import io.livedrop.api.fanout.DocumentShape;
import io.livedrop.api.fanout.Recipient;
import io.livedrop.api.streams.StreamsRuntime;
import io.livedrop.api.feed.TopicTail;
import io.livedrop.api.security.Viewer;
import io.livedrop.events.drop.DropEvent;
import io.livedrop.events.drop.DropEventType;
import io.livedrop.events.social.FollowAction;
import io.livedrop.events.social.FollowEvent;
import io.livedrop.topology.config.TopologySerdes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.util.concurrent.Queues;

/**
 * The online path of drop-start notifications ({@code dropStarted}): every instance follows the
 * committed drop-events topic and tells its own subscribed sessions whose viewer follows the
 * drop's creator, through an in-memory creator → sessions index. A session's creators come from
 * the viewer's following list when it subscribes, and are kept current from the follows topic
 * (which every instance also follows), so a follow or unfollow made through any instance applies
 * to the viewer's sessions on every instance. Nothing here is per follower on Kafka: the cost of a
 * drop start is one read of the drop, then one emit per connected follower on this instance.
 */
@Component
public class DropStartedFeed implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DropStartedFeed.class);

    /** What the API's DropStartedEvent type shows. */
    public record DropStarted(DropView drop, Instant startedAt) {
    }

    private final SocialService social;
    private final CatalogQueryService catalog;
    private final String bootstrapServers;
    private final StreamsRuntime runtime;
    private final TopologySerdes serdes;
    private final Map<String, Set<Session>> byCreator = new ConcurrentHashMap<>();
    private final Map<String, Set<Session>> byUser = new ConcurrentHashMap<>();
    private final List<TopicTail<?>> tails = new ArrayList<>();
    private volatile boolean running;

    public DropStartedFeed(SocialService social, CatalogQueryService catalog, KafkaCluster cluster,
                           StreamsRuntime runtime, TopologySerdes serdes, ObjectProvider<MeterRegistry> meters) {
        meters.ifAvailable(registry -> Gauge.builder("livedrop.subscriptions.drop.started", this, DropStartedFeed::sessions)
                .description("dropStarted subscriptions open on this instance").register(registry));
        this.social = social;
        this.catalog = catalog;
        this.bootstrapServers = cluster.bootstrapServers();
        this.runtime = runtime;
        this.serdes = serdes;
    }

    /** The drop starts of creators the viewer follows, from now until the subscription ends. */
    public Flux<DropStarted> subscribe(Viewer viewer) {
        Viewer.require(viewer);
        return Flux.defer(() -> {
            Session session = new Session(viewer.id());
            // Listen for the viewer's follow changes first, then read the list: a change made in
            // between is buffered and applied on top of the list, not lost.
            byUser.computeIfAbsent(viewer.id(), id -> ConcurrentHashMap.newKeySet()).add(session);
            try {
                session.load(social.followedCreators(viewer));
            } catch (RuntimeException e) {
                remove(session);
                throw e;
            }
            return session.sink.asFlux()
                    // GraphQL executes each event's selection per subscriber: spread that over the cores
                    .publishOn(Schedulers.parallel())
                    .doFinally(signal -> remove(session));
        }).subscribeOn(Schedulers.boundedElastic());
    }

    // --- fanout's compile stubs of CONTRACT-16 §3 (branch i16-fanout); the feeds branch implements these, its version wins at merge
    public Flux<DropStarted> subscribe(Viewer viewer, long stampNanos) {
        return subscribe(viewer);
    }

    public Flux<DropStarted> attach(Viewer viewer, long stampNanos, DocumentShape shape, Recipient recipient) {
        return subscribe(viewer);
    }
    // --- end of fanout's compile stubs

    /** Sessions on this instance (for metrics and tests). */
    public int sessions() {
        return byUser.values().stream().mapToInt(Set::size).sum();
    }

    /** Whether {@code userId} has a session here that is told of drop starts (its following list is loaded). */
    public boolean listening(String userId) {
        return byUser.getOrDefault(userId, Set.of()).stream().anyMatch(Session::loaded);
    }

    private void onDropEvent(DropEvent event) {
        if (event == null || event.getType() != DropEventType.STARTED) {
            return;
        }
        Set<Session> sessions = byCreator.get(event.getCreatorId());
        if (sessions == null || sessions.isEmpty()) {
            return;
        }
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
        DropStarted started = new DropStarted(drop.get(), event.getAt());
        for (Session session : sessions) {
            session.sink.tryEmitNext(started);
        }
    }

    private void onFollowEvent(FollowEvent event) {
        if (event == null) {
            return;
        }
        Set<Session> sessions = byUser.get(event.getUserId());
        if (sessions != null) {
            sessions.forEach(session -> session.apply(event));
        }
    }

    private void remove(Session session) {
        byUser.computeIfPresent(session.userId, (id, set) -> {
            set.remove(session);
            return set.isEmpty() ? null : set;
        });
        session.close().forEach(creator -> unindex(creator, session));
    }

    private void index(String creator, Session session) {
        byCreator.computeIfAbsent(creator, id -> ConcurrentHashMap.newKeySet()).add(session);
    }

    private void unindex(String creator, Session session) {
        byCreator.computeIfPresent(creator, (id, set) -> {
            set.remove(session);
            return set.isEmpty() ? null : set;
        });
    }

    /** One subscription: its viewer, its creators, and where its events go. */
    private final class Session {

        final String userId;
        /** A subscriber that does not read holds at most this many starts; later ones it misses (its inbox has them). */
        final Sinks.Many<DropStarted> sink = Sinks.many().unicast().onBackpressureBuffer(Queues.<DropStarted>get(256).get());
        private final Set<String> creators = ConcurrentHashMap.newKeySet();
        private List<FollowEvent> pending = new ArrayList<>();
        private boolean closed;

        Session(String userId) {
            this.userId = userId;
        }

        synchronized boolean loaded() {
            return pending == null;
        }

        synchronized void load(Set<String> followed) {
            followed.forEach(this::add);
            pending.forEach(this::applyNow);
            pending = null;
        }

        synchronized void apply(FollowEvent event) {
            if (pending != null) {
                pending.add(event);
            } else {
                applyNow(event);
            }
        }

        private void applyNow(FollowEvent event) {
            if (event.getAction() == FollowAction.FOLLOW) {
                add(event.getCreatorId());
            } else if (event.getAction() == FollowAction.UNFOLLOW && creators.remove(event.getCreatorId())) {
                unindex(event.getCreatorId(), this);
            }
        }

        private void add(String creator) {
            if (!closed && creators.add(creator)) {
                index(creator, this);
            }
        }

        /** Stops indexing this session; the creators it was indexed under. */
        synchronized Set<String> close() {
            closed = true;
            return Set.copyOf(creators);
        }
    }

    @Override
    public synchronized void start() {
        TopicTail<DropEvent> drops = new TopicTail<>(bootstrapServers, runtime.topics().dropEvents().name(),
                serdes.dropEvent().deserializer(), record -> onDropEvent(record.value()));
        TopicTail<FollowEvent> follows = new TopicTail<>(bootstrapServers, runtime.topics().follows().name(),
                serdes.followEvent().deserializer(), record -> onFollowEvent(record.value()));
        follows.start();
        drops.start();
        tails.add(follows);
        tails.add(drops);
        running = true;
    }

    @Override
    public synchronized void stop() {
        running = false;
        tails.forEach(TopicTail::close);
        tails.clear();
        byUser.values().forEach(sessions -> sessions.forEach(session -> session.sink.tryEmitComplete()));
        byUser.clear();
        byCreator.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
