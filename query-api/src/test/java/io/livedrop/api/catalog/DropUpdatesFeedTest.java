package io.livedrop.api.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.RETURNS_DEEP_STUBS;
import static org.mockito.Mockito.mock;

import io.livedrop.api.config.KafkaCluster;
import io.livedrop.api.streams.StreamsRuntime;
import io.livedrop.events.drop.DropEvent;
import io.livedrop.events.drop.DropEventType;
import io.livedrop.events.drop.DropStatus;
import io.livedrop.topology.config.TopologySerdes;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;

/**
 * {@link DropUpdatesFeed} alone, fed by hand: a subscriber first gets the drop as read, brought up to
 * date with what happened during the read; then every change, never one older than what it was
 * shown; one that does not keep up gets the latest state, not a queue of everything since; nothing
 * is held for it once it goes.
 */
class DropUpdatesFeedTest {

    private static final Instant T0 = Instant.parse("2026-12-04T18:00:00Z");

    private final CatalogQueryService catalog = mock(CatalogQueryService.class);
    private final DropUpdatesFeed feed = new DropUpdatesFeed(catalog, mock(KafkaCluster.class),
            mock(StreamsRuntime.class, RETURNS_DEEP_STUBS), mock(TopologySerdes.class, RETURNS_DEEP_STUBS));

    @Test
    void shouldGiveASlowSubscriberTheLatestStateNotEveryChangeSince() throws Exception {
        given(catalog.drop("drop-1")).willReturn(Optional.of(drop(T0, 1000)));
        // Given a subscriber that read the first answer and then stops reading
        Reader reader = new Reader();
        feed.updates("drop-1").subscribe(reader);
        assertThat(reader.next().drop().remainingStock()).isEqualTo(1000);

        // When a thousand changes happen before it reads again
        for (int i = 1; i <= 1000; i++) {
            feed.onRecord(record(stockChanged(T0.plusMillis(i), 1000 - i)));
        }

        // Then its next read is the latest state
        reader.request(1);
        DropUpdatesFeed.DropUpdate next = reader.next();
        assertThat(next.drop().remainingStock()).isZero();
        assertThat(next.at()).isEqualTo(T0.plusMillis(1000));
        reader.dispose();
    }

    @Test
    void shouldNeverGoBackInTime() throws Exception {
        given(catalog.drop("drop-1")).willReturn(Optional.of(drop(T0.plusSeconds(5), 60)));
        Reader reader = new Reader();
        feed.updates("drop-1").subscribe(reader);
        assertThat(reader.next().drop().remainingStock()).isEqualTo(60);

        // When, while it waits, a change older than the first answer arrives, then a newer one
        reader.request(1);
        feed.onRecord(record(stockChanged(T0.plusSeconds(1), 90)));
        feed.onRecord(record(stockChanged(T0.plusSeconds(6), 55)));

        // Then it sees only the newer one
        assertThat(reader.next().drop().remainingStock()).isEqualTo(55);
        reader.dispose();
    }

    @Test
    void shouldAnswerFirstWithWhatHappenedDuringTheRead() throws Exception {
        // Given a change committed while the subscription reads the drop (after it started listening)
        given(catalog.drop("drop-1")).willAnswer(invocation -> {
            feed.onRecord(record(stockChanged(T0.plusSeconds(1), 80)));
            return Optional.of(drop(T0, 100));
        });
        Reader reader = new Reader();
        feed.updates("drop-1").subscribe(reader);

        // Then the first answer includes it: nothing between the read and the stream is lost
        DropUpdatesFeed.DropUpdate first = reader.next();
        assertThat(first.drop().remainingStock()).isEqualTo(80);
        assertThat(first.at()).isEqualTo(T0.plusSeconds(1));
        reader.dispose();
    }

    @Test
    void shouldHoldNothingForSubscribersThatHaveGone() throws Exception {
        given(catalog.drop("drop-1")).willReturn(Optional.of(drop(T0, 10)));
        Reader first = new Reader();
        Reader second = new Reader();
        feed.updates("drop-1").subscribe(first);
        feed.updates("drop-1").subscribe(second);
        first.next();
        second.next();
        assertThat(feed.followers()).isEqualTo(2);
        assertThat(feed.followedDrops()).isEqualTo(1);

        first.dispose();
        second.dispose();

        assertThat(feed.followers()).isZero();
        assertThat(feed.followedDrops()).isZero();
    }

    private static DropView drop(Instant updatedAt, int remaining) {
        return new DropView("drop-1", "creator-1", "product-1", DropStatus.LIVE, T0.minusSeconds(60), null, 1000,
                remaining, null, 100, "USD", T0.minusSeconds(60), updatedAt);
    }

    private static DropEvent stockChanged(Instant at, int remaining) {
        return DropEvent.newBuilder().setDropId("drop-1").setCreatorId("creator-1").setType(DropEventType.STOCK_CHANGED)
                .setStatus(DropStatus.LIVE).setInitialStock(1000).setRemainingStock(remaining).setAt(at).build();
    }

    private static ConsumerRecord<String, DropEvent> record(DropEvent event) {
        return new ConsumerRecord<>("drop-events", 0, 0L, event.getDropId(), event);
    }

    /** Reads one update at first, then one more per {@link #request}. */
    private static final class Reader extends BaseSubscriber<DropUpdatesFeed.DropUpdate> {

        private final BlockingQueue<DropUpdatesFeed.DropUpdate> received = new LinkedBlockingQueue<>();

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            subscription.request(1);
        }

        @Override
        protected void hookOnNext(DropUpdatesFeed.DropUpdate update) {
            received.add(update);
        }

        DropUpdatesFeed.DropUpdate next() throws InterruptedException {
            DropUpdatesFeed.DropUpdate update = received.poll(Duration.ofSeconds(5).toMillis(), TimeUnit.MILLISECONDS);
            assertThat(update).as("an update within 5 s").isNotNull();
            return update;
        }
    }
}
