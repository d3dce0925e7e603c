package io.livedrop.api.catalog;

import io.livedrop.api.graphql.ApiException;
import io.livedrop.api.graphql.ErrorCode;
import io.livedrop.api.config.KafkaCluster;
import io.livedrop.api.fanout.DocumentShape;
import io.livedrop.api.fanout.Recipient;
import io.livedrop.api.security.Viewer;
import io.livedrop.api.streams.StreamsRuntime;
import io.livedrop.api.feed.TopicFeed;
import io.livedrop.events.drop.DropEvent;
import io.livedrop.events.drop.DropEventType;
import io.livedrop.events.drop.DropStatus;
import io.livedrop.topology.config.TopologySerdes;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.scheduler.Schedulers;

/**
 * Live stock and status of drops for {@code dropUpdates} subscribers on this instance. Every
 * instance follows the committed drop-events topic (small: a start, a sell-out, an end and at most
 * one stock change per drop per clock tick) and hands each event to the subscribers of its drop.
 * A subscription first gets the drop as it is now, then every later change; events older than
 * what it was last shown are skipped, so a subscriber never sees the drop go back in time.
 *
 * <p>Memory per subscription is constant: it listens before it reads the drop, buffering the
 * events that arrive during that read (at most {@value #MAX_BUFFERED_DURING_READ}; each event
 * carries the drop's whole stock and status, so the newest ones are what counts), applies them to
 * what it read and answers with the result; from then on each event is applied to the latest state
 * and passed on. A subscriber that does not keep up gets the latest state when it next reads
 * (latest wins), never a queue. A drop's entry goes with its last subscriber.
 *
 * <p>Known gap: between this feed and the socket, Spring's WebSocket handler queues up to 256
 * messages per subscription (its prefetch) for a client that reads slower than the drop changes;
 * latest-wins applies beyond that. What bounds it per client is the number of subscriptions
 * ({@code livedrop.websocket.*}).
 */
@Component
public class DropUpdatesFeed extends TopicFeed<DropEvent> {

    static final int MAX_BUFFERED_DURING_READ = 64;

    /** What the API's DropUpdate type shows: the drop as of {@code at}. */
    public record DropUpdate(DropView drop, Instant at) {
    }

    private final Map<String, Set<Follower>> byDrop = new ConcurrentHashMap<>();
    private final CatalogQueryService catalog;

    public DropUpdatesFeed(CatalogQueryService catalog, KafkaCluster cluster, StreamsRuntime runtime,
                           TopologySerdes serdes) {
        super(cluster.bootstrapServers(), runtime.topics().dropEvents().name(), serdes.dropEvent().deserializer());
        this.catalog = catalog;
    }

    public Flux<DropUpdate> updates(String dropId) {
        CatalogQueryService.requireValidId(dropId);
        return Flux.<DropUpdate>create(sink -> {
            // listen first, then read: a change between the two is buffered, not lost
            Follower follower = new Follower(sink);
            follow(dropId, follower);
            sink.onDispose(() -> unfollow(dropId, follower));
            DropView now;
            try {
                now = catalog.drop(dropId).orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND, "No drop " + dropId));
            } catch (RuntimeException e) {
                sink.error(e);
                return;
            }
            follower.start(new DropUpdate(now, now.updatedAt()));
        }, FluxSink.OverflowStrategy.LATEST).subscribeOn(Schedulers.boundedElastic());
    }

    // --- fanout's compile stub of CONTRACT-16 §3 (branch i16-fanout); the feeds branch implements it, its version wins at merge
    public Flux<DropUpdate> attach(String dropId, Viewer viewer, DocumentShape shape, Recipient recipient) {
        return updates(dropId);
    }
    // --- end of fanout's compile stub

    /** Subscriptions following a drop here (tests, diagnostics). */
    int followers() {
        return byDrop.values().stream().mapToInt(Set::size).sum();
    }

    /** Drops with an entry here (tests, diagnostics). */
    int followedDrops() {
        return byDrop.size();
    }

    private void follow(String dropId, Follower follower) {
        byDrop.compute(dropId, (id, set) -> {
            Set<Follower> followers = set == null ? ConcurrentHashMap.newKeySet() : set;
            followers.add(follower);
            return followers;
        });
    }

    private void unfollow(String dropId, Follower follower) {
        byDrop.computeIfPresent(dropId, (id, set) -> {
            set.remove(follower);
            return set.isEmpty() ? null : set;
        });
    }

    private static DropView apply(DropView drop, DropEvent event) {
        return new DropView(drop.id(), drop.creatorId(), drop.productId(), event.getStatus(), drop.startsAt(),
                drop.endsAt(), drop.initialStock(), event.getRemainingStock(), drop.perUserLimit(), drop.priceCents(),
                drop.currency(), event.getType() == DropEventType.STARTED ? event.getAt() : drop.startedAt(), event.getAt());
    }

    @Override
    protected void onRecord(ConsumerRecord<String, DropEvent> record) {
        DropEvent event = record.value();
        Set<Follower> followers = byDrop.get(event.getDropId());
        if (followers != null) {
            followers.forEach(follower -> follower.offer(event));
        }
    }

    @Override
    public synchronized void stop() {
        super.stop();
        byDrop.values().forEach(followers -> followers.forEach(Follower::complete));
        byDrop.clear();
    }

    /** One subscription: the events heard while its first read runs, then the latest state it was shown. */
    private static final class Follower {

        private final FluxSink<DropUpdate> sink;
        private ArrayDeque<DropEvent> heardDuringRead = new ArrayDeque<>();
        private DropUpdate latest;

        Follower(FluxSink<DropUpdate> sink) {
            this.sink = sink;
        }

        /** The first answer: what was read, brought up to date with what was heard meanwhile. */
        synchronized void start(DropUpdate read) {
            latest = read;
            heardDuringRead.forEach(this::applyToLatest);
            heardDuringRead = null;
            sink.next(latest);
        }

        synchronized void offer(DropEvent event) {
            if (heardDuringRead != null) {
                if (heardDuringRead.size() == MAX_BUFFERED_DURING_READ) {
                    heardDuringRead.removeFirst();
                }
                heardDuringRead.addLast(event);
            } else if (applyToLatest(event)) {
                sink.next(latest);
            }
        }

        synchronized void complete() {
            sink.complete();
        }

        private boolean applyToLatest(DropEvent event) {
            if (event.getStatus() == DropStatus.UNKNOWN || event.getAt().isBefore(latest.at())) {
                return false;
            }
            latest = new DropUpdate(apply(latest.drop(), event), event.getAt());
            return true;
        }
    }
}
