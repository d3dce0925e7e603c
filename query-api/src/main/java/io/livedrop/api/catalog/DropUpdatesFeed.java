package io.livedrop.api.catalog;

import io.livedrop.api.graphql.ApiException;
import io.livedrop.api.graphql.ErrorCode;
import io.livedrop.api.kafka.KafkaCluster;
import io.livedrop.api.kafka.StreamsRuntime;
import io.livedrop.api.kafka.TopicFeed;
import io.livedrop.events.drop.DropEvent;
import io.livedrop.events.drop.DropStatus;
import io.livedrop.topology.config.TopologySerdes;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.ConnectableFlux;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * Live stock and status of drops for {@code dropUpdates} subscribers on this instance. Every
 * instance follows the committed drop-events topic (small: a start, a sell-out, an end and at most
 * one stock change per drop per clock tick) and hands each event to the subscribers of its drop.
 * A subscription first gets the drop as it is now, then every later change; events older than
 * that first answer are skipped, so a subscriber never sees the drop go back in time.
 */
@Component
public class DropUpdatesFeed extends TopicFeed<DropEvent> {

    /** What the API's DropUpdate type shows: the drop as of {@code at}. */
    public record DropUpdate(DropView drop, Instant at) {
    }

    private final Map<String, Sinks.Many<DropEvent>> byDrop = new ConcurrentHashMap<>();
    private final CatalogQueryService catalog;

    public DropUpdatesFeed(CatalogQueryService catalog, KafkaCluster cluster, StreamsRuntime runtime,
                           TopologySerdes serdes) {
        super(cluster.bootstrapServers(), runtime.topics().dropEvents().name(), serdes.dropEvent().deserializer());
        this.catalog = catalog;
    }

    public Flux<DropUpdate> updates(String dropId) {
        CatalogQueryService.requireValidId(dropId);
        return Flux.defer(() -> {
            // listen first, then read: a change between the two is buffered, not lost
            ConnectableFlux<DropEvent> changes = sinkFor(dropId).asFlux().replay(256);
            Disposable listening = changes.connect();
            DropView now = catalog.drop(dropId)
                    .orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND, "No drop " + dropId));
            Instant asOf = now.updatedAt();
            return Flux.concat(Flux.just(new DropUpdate(now, asOf)),
                            changes.filter(event -> !event.getAt().isBefore(asOf))
                                    .filter(event -> event.getStatus() != DropStatus.UNKNOWN)
                                    .map(event -> new DropUpdate(apply(now, event), event.getAt())))
                    .doFinally(signal -> {
                        listening.dispose();
                        release(dropId);
                    });
        }).subscribeOn(Schedulers.boundedElastic());
    }

    private static DropView apply(DropView drop, DropEvent event) {
        return new DropView(drop.id(), drop.creatorId(), drop.productId(), event.getStatus(), drop.startsAt(),
                drop.endsAt(), drop.initialStock(), event.getRemainingStock(), drop.perUserLimit(), drop.priceCents(),
                drop.currency(), event.getType() == io.livedrop.events.drop.DropEventType.STARTED ? event.getAt()
                        : drop.startedAt(), event.getAt());
    }

    private Sinks.Many<DropEvent> sinkFor(String dropId) {
        return byDrop.computeIfAbsent(dropId, id -> Sinks.many().multicast().directBestEffort());
    }

    private void release(String dropId) {
        byDrop.computeIfPresent(dropId, (id, sink) -> sink.currentSubscriberCount() == 0 ? null : sink);
    }

    @Override
    protected void onRecord(ConsumerRecord<String, DropEvent> record) {
        DropEvent event = record.value();
        Sinks.Many<DropEvent> sink = byDrop.get(event.getDropId());
        if (sink != null) {
            sink.tryEmitNext(event);
        }
    }

    @Override
    public synchronized void stop() {
        super.stop();
        byDrop.values().forEach(Sinks.Many::tryEmitComplete);
        byDrop.clear();
    }
}
