package io.livedrop.api.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

import io.livedrop.api.fanout.DocumentShape;
import io.livedrop.api.security.Viewer;
import io.livedrop.api.testing.CountingRenderer;
import io.livedrop.api.testing.ManualScheduler;
import io.livedrop.api.testing.RecordingRecipient;
import io.livedrop.events.drop.DropEvent;
import io.livedrop.events.drop.DropEventType;
import io.livedrop.events.drop.DropStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * {@link DropUpdatesFeed} alone, fed by hand on a clock the test drives: a subscriber first gets the
 * drop as read, brought up to date with what happened during the read; then the latest state, at most
 * once per interval for stock changes and at once for a status change, never one older than what it
 * was shown; one that does not keep up gets the latest state, not a queue; attached watchers cost one
 * render per (shape, facts) group per flush; nothing is held for watchers once they go.
 */
class DropUpdatesFeedTest {

    private static final Instant T0 = Instant.parse("2026-12-04T18:00:00Z");
    private static final Duration INTERVAL = Duration.ofMillis(100);
    private static final int UNBOUNDED = Integer.MAX_VALUE;

    private final CatalogQueryService catalog = mock(CatalogQueryService.class);
    private final ManualScheduler clock = new ManualScheduler();
    private final Facts facts = new Facts();
    private final CountingRenderer renderer = new CountingRenderer(event -> {
        DropView drop = ((DropUpdatesFeed.DropUpdate) event).drop();
        return drop.status() + "/" + drop.remainingStock();
    });
    private final DropUpdatesFeed feed = new DropUpdatesFeed(catalog, facts, () -> renderer, INTERVAL, UNBOUNDED, clock, clock,
            Schedulers.immediate(), new SimpleMeterRegistry(), "localhost:0", "drop-events", null);
    private final List<Disposable> subscriptions = new ArrayList<>();

    @AfterEach
    void cancel() {
        subscriptions.forEach(Disposable::dispose);
    }

    @Test
    void shouldGiveASlowSubscriberTheLatestStateNotEveryChangeSince() throws Exception {
        given(catalog.drop("drop-1")).willReturn(Optional.of(drop(T0, 1000)));
        // Given a subscriber that read the first answer and then stops reading
        Reader reader = new Reader(1);
        feed.updates("drop-1").subscribe(reader);
        clock.runDue();
        assertThat(reader.next().drop().remainingStock()).isEqualTo(1000);

        // When a thousand changes happen before it reads again
        for (int i = 1; i <= 1000; i++) {
            feed.onRecord(record(stockChanged(T0.plusMillis(i), 1000 - i)));
            clock.advance(Duration.ofMillis(1));
        }
        clock.advance(INTERVAL);

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
        Reader reader = new Reader(1);
        feed.updates("drop-1").subscribe(reader);
        clock.runDue();
        assertThat(reader.next().drop().remainingStock()).isEqualTo(60);

        // When, while it waits, a change older than the first answer arrives, then a newer one
        reader.request(1);
        feed.onRecord(record(stockChanged(T0.plusSeconds(1), 90)));
        feed.onRecord(record(stockChanged(T0.plusSeconds(6), 55)));
        clock.advance(INTERVAL);

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
        Reader reader = new Reader(1);
        feed.updates("drop-1").subscribe(reader);
        clock.runDue();

        // Then the first answer includes it: nothing between the read and the stream is lost
        DropUpdatesFeed.DropUpdate first = reader.next();
        assertThat(first.drop().remainingStock()).isEqualTo(80);
        assertThat(first.at()).isEqualTo(T0.plusSeconds(1));
        reader.dispose();
    }

    @Test
    void shouldHoldNothingForSubscribersThatHaveGone() throws Exception {
        given(catalog.drop("drop-1")).willReturn(Optional.of(drop(T0, 10)));
        Reader first = new Reader(1);
        Reader second = new Reader(1);
        feed.updates("drop-1").subscribe(first);
        feed.updates("drop-1").subscribe(second);
        subscriptions.add(feed.attach("drop-1", viewer("fan"), askingFollows("shape"), new RecordingRecipient())
                .subscribe());
        clock.runDue();
        first.next();
        second.next();
        assertThat(feed.followers()).isEqualTo(3);
        assertThat(feed.followedDrops()).isEqualTo(1);
        assertThat(facts.watching()).isEqualTo(1);

        first.dispose();
        second.dispose();
        subscriptions.forEach(Disposable::dispose);

        assertThat(feed.followers()).isZero();
        assertThat(feed.followedDrops()).isZero();
        assertThat(facts.watching()).isZero();
    }

    @Test
    void shouldEndTheStreamOfARecipientThatTakesItsWatchOverAndHoldNothingOnceDetached() {
        given(catalog.drop("drop-1")).willReturn(Optional.of(drop(T0, 10)));
        RecordingRecipient recipient = RecordingRecipient.takingOver();
        List<Object> signals = new ArrayList<>();

        // When the recipient takes its watch over as it is attached
        subscriptions.add(feed.attach("drop-1", viewer("fan"), askingFollows("shape"), recipient)
                .subscribe(signals::add, signals::add, () -> signals.add("complete")));
        clock.runDue();

        // Then its stream ends at once, empty, and the watch goes on: the drop now, then its changes
        assertThat(signals).containsExactly("complete");
        feed.onRecord(record(stockChanged(T0.plusSeconds(1), 9)));
        clock.advance(Duration.ofSeconds(1));
        assertThat(recipient.received()).containsExactly("shape|LIVE/10|{creator-1=false}", "shape|LIVE/9|{creator-1=false}");
        assertThat(feed.followers()).isEqualTo(1);
        assertThat(facts.watching()).isEqualTo(1);

        // and once detached nothing is held for it
        recipient.detach().run();
        recipient.detach().run();
        assertThat(feed.followers()).isZero();
        assertThat(feed.followedDrops()).isZero();
        assertThat(facts.watching()).isZero();
    }

    @Test
    void shouldSendAtMostTwoMessagesForAThousandChangesIn100msAndAlwaysTheSellOutLast() {
        given(catalog.drop("drop-1")).willReturn(Optional.of(drop(T0, 1000)));
        Reader session = new Reader(Long.MAX_VALUE);
        feed.updates("drop-1").subscribe(session);
        RecordingRecipient attached = new RecordingRecipient();
        subscriptions.add(feed.attach("drop-1", null, CountingRenderer.shape("shape"), attached).subscribe());
        clock.advance(Duration.ofSeconds(1));
        assertThat(session.received).hasSize(1);
        assertThat(attached.received()).containsExactly("shape|LIVE/1000|{creator-1=false}");

        // When a stampede decides a thousand orders within 100 ms, the last one selling out
        for (int i = 1; i < 1000; i++) {
            feed.onRecord(record(stockChanged(T0.plusNanos(i * 100_000L), 1000 - i)));
            clock.advance(Duration.ofNanos(100_000));
        }
        feed.onRecord(record(soldOut(T0.plusMillis(100))));
        clock.advance(Duration.ofSeconds(1));

        // Then each watcher got at most two messages for it, the last SOLD_OUT with 0 left
        List<DropUpdatesFeed.DropUpdate> told = session.received.subList(1, session.received.size());
        assertThat(told).hasSizeBetween(1, 2);
        assertThat(told.get(told.size() - 1).drop().status()).isEqualTo(DropStatus.SOLD_OUT);
        assertThat(told.get(told.size() - 1).drop().remainingStock()).isZero();
        List<String> payloads = attached.received().subList(1, attached.received().size());
        assertThat(payloads).hasSizeBetween(1, 2);
        assertThat(payloads.get(payloads.size() - 1)).isEqualTo("shape|SOLD_OUT/0|{creator-1=false}");
        session.dispose();
    }

    @Test
    void shouldStretchTheIntervalToKeepTheInstanceUnderItsRateButSendTheSellOutAtOnce() {
        // Given an instance allowed 100 stock messages a second, and 50 watchers of one drop (a gap of 500 ms)
        DropUpdatesFeed feed = new DropUpdatesFeed(catalog, facts, () -> renderer, INTERVAL, 100, clock, clock,
                Schedulers.immediate(), new SimpleMeterRegistry(), "localhost:0", "drop-events", null);
        given(catalog.drop("drop-1")).willReturn(Optional.of(drop(T0, 1000)));
        List<RecordingRecipient> watchers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            RecordingRecipient watcher = new RecordingRecipient();
            watchers.add(watcher);
            subscriptions.add(feed.attach("drop-1", null, CountingRenderer.shape("shape"), watcher).subscribe());
        }
        clock.advance(Duration.ofSeconds(1));

        // When the stock changes every 10 ms for 2 s, then the drop sells out
        for (int i = 1; i <= 200; i++) {
            feed.onRecord(record(stockChanged(T0.plusMillis(10L * i), 1000 - i)));
            clock.advance(Duration.ofMillis(10));
        }
        feed.onRecord(record(soldOut(T0.plusMillis(2_001))));
        clock.advance(Duration.ofMillis(1));

        // Then each watcher got about one stock message per 500 ms, not one per 100 ms, and the sell-out at once
        for (RecordingRecipient watcher : watchers) {
            List<String> told = watcher.received().subList(1, watcher.received().size());
            assertThat(told).hasSizeBetween(4, 6);
            assertThat(told.get(told.size() - 1)).isEqualTo("shape|SOLD_OUT/0|{creator-1=false}");
        }
    }

    @Test
    void shouldStillSendTheSellOutWhenItsRenderFailedOnceAndNothingChangesAfter() {
        given(catalog.drop("drop-1")).willReturn(Optional.of(drop(T0, 1)));
        RecordingRecipient attached = new RecordingRecipient();
        subscriptions.add(feed.attach("drop-1", null, CountingRenderer.shape("shape"), attached).subscribe());
        clock.advance(Duration.ofSeconds(1));
        assertThat(attached.received()).containsExactly("shape|LIVE/1|{creator-1=false}");

        // When the last unit sells and that state's render fails (a store that could not answer in time)
        renderer.failWith(new IllegalStateException("A shared render took longer than 30s"));
        feed.onRecord(record(soldOut(T0.plusSeconds(1))));
        clock.runDue();
        assertThat(attached.received()).hasSize(1);
        renderer.failWith(null);
        clock.advance(Duration.ofMinutes(1));

        // Then the sell-out still reaches the watcher, once, though no later change comes
        assertThat(attached.received()).containsExactly("shape|LIVE/1|{creator-1=false}", "shape|SOLD_OUT/0|{creator-1=false}");
    }

    @Test
    void shouldKeepFlushingStockChangesWhenTheWallClockStepsBack() {
        // Given a feed whose scheduler tells the wall clock (as Reactor's do), and a watcher that had a stock flush
        SteppedClock stepped = new SteppedClock(clock);
        DropUpdatesFeed feed = new DropUpdatesFeed(catalog, facts, () -> renderer, INTERVAL, UNBOUNDED, stepped, clock,
                Schedulers.immediate(), new SimpleMeterRegistry(), "localhost:0", "drop-events", null);
        given(catalog.drop("drop-1")).willReturn(Optional.of(drop(T0, 100)));
        RecordingRecipient attached = new RecordingRecipient();
        subscriptions.add(feed.attach("drop-1", null, CountingRenderer.shape("shape"), attached).subscribe());
        clock.advance(Duration.ofSeconds(1));
        feed.onRecord(record(stockChanged(T0.plusSeconds(1), 99)));
        clock.advance(Duration.ofSeconds(1));

        // When the machine's clock is stepped back an hour and the stock changes again
        stepped.stepBack(Duration.ofHours(1));
        feed.onRecord(record(stockChanged(T0.plusSeconds(2), 98)));
        clock.advance(Duration.ofSeconds(1));

        // Then the change is sent within the interval, not an hour later
        assertThat(attached.received()).containsExactly("shape|LIVE/100|{creator-1=false}",
                "shape|LIVE/99|{creator-1=false}", "shape|LIVE/98|{creator-1=false}");
    }

    @Test
    void shouldNotReadTheFollowsOfAWatcherWhoseDocumentDoesNotAskThem() {
        given(catalog.drop("drop-1")).willReturn(Optional.of(drop(T0, 100)));
        // Given the viewers' following lists cannot be read (their owner is restarting)
        facts.unavailable = true;

        // When a signed-in viewer watches the drop with a document that does not ask viewerFollows
        RecordingRecipient attached = new RecordingRecipient();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        subscriptions.add(feed.attach("drop-1", viewer("fan"), CountingRenderer.shape("shape"), attached)
                .subscribe(update -> { }, errors::add));
        clock.advance(Duration.ofSeconds(1));

        // Then it is told the drop as for anyone, without a following-list read
        assertThat(errors).isEmpty();
        assertThat(attached.received()).containsExactly("shape|LIVE/100|{creator-1=false}");
        assertThat(facts.watching()).isZero();
    }

    @Test
    void shouldSendAStalledRecipientOnlyTheNewestStateOnceItDrains() {
        given(catalog.drop("drop-1")).willReturn(Optional.of(drop(T0, 100)));
        RecordingRecipient stalled = new RecordingRecipient();
        RecordingRecipient reading = new RecordingRecipient();
        subscriptions.add(feed.attach("drop-1", null, CountingRenderer.shape("shape"), stalled).subscribe());
        subscriptions.add(feed.attach("drop-1", null, CountingRenderer.shape("shape"), reading).subscribe());
        clock.advance(Duration.ofSeconds(1));

        // When one connection is over its high-water mark while the stock changes for a second
        stalled.stall();
        for (int i = 1; i <= 50; i++) {
            feed.onRecord(record(stockChanged(T0.plusMillis(i * 20L), 100 - i)));
            clock.advance(Duration.ofMillis(20));
        }
        clock.advance(INTERVAL);
        assertThat(stalled.received()).containsExactly("shape|LIVE/100|{creator-1=false}");
        assertThat(stalled.closedAsSlow()).isFalse();
        assertThat(reading.received()).hasSizeGreaterThan(5).last().isEqualTo("shape|LIVE/50|{creator-1=false}");

        // Then, once it drains, it gets the newest state, once, and nothing queued before it
        stalled.drain();
        clock.runDue();
        assertThat(stalled.received()).containsExactly("shape|LIVE/100|{creator-1=false}", "shape|LIVE/50|{creator-1=false}");
        // and it is a watcher like the others again
        feed.onRecord(record(soldOut(T0.plusSeconds(5))));
        clock.runDue();
        assertThat(stalled.received()).last().isEqualTo("shape|SOLD_OUT/0|{creator-1=false}");
    }

    @Test
    void shouldRenderOncePerShapeAndFactsPerFlushNotPerWatcher() {
        given(catalog.drop("drop-1")).willReturn(Optional.of(drop(T0, 100)));
        facts.followers.addAll(Set.of("fan-0", "fan-1", "fan-2"));
        Map<String, RecordingRecipient> recipients = new ConcurrentHashMap<>();
        for (int i = 0; i < 6; i++) {
            recipients.put("fan-" + i, attach("fan-" + i, "shape-a"));
        }
        for (int i = 0; i < 4; i++) {
            recipients.put("other-" + i, attach("other-" + i, "shape-b"));
        }
        clock.advance(Duration.ofSeconds(1));
        assertThat(renderer.renders()).isEqualTo(3);

        // When the stock changes, and then (through any instance) fan-3 follows the creator and the stock changes again
        feed.onRecord(record(stockChanged(T0.plusSeconds(1), 99)));
        clock.advance(INTERVAL);
        assertThat(renderer.renders()).isEqualTo(6);
        facts.change("fan-3", true);
        feed.onRecord(record(stockChanged(T0.plusSeconds(2), 98)));
        clock.advance(INTERVAL);

        // Then a flush costs a render per (shape, follows) group, and each watcher has its own group's payload
        assertThat(renderer.renders()).isEqualTo(9);
        assertThat(recipients.get("fan-0").received()).last().isEqualTo("shape-a|LIVE/98|{creator-1=true}");
        assertThat(recipients.get("fan-3").received()).containsExactly("shape-a|LIVE/100|{creator-1=false}",
                "shape-a|LIVE/99|{creator-1=false}", "shape-a|LIVE/98|{creator-1=true}");
        assertThat(recipients.get("fan-5").received()).last().isEqualTo("shape-a|LIVE/98|{creator-1=false}");
        assertThat(recipients.get("other-0").received()).last().isEqualTo("shape-b|LIVE/98|{creator-1=false}");
        recipients.values().forEach(r -> assertThat(r.received()).hasSize(3));
    }

    private RecordingRecipient attach(String user, String shapeKey) {
        RecordingRecipient recipient = new RecordingRecipient();
        subscriptions.add(feed.attach("drop-1", viewer(user), askingFollows(shapeKey), recipient).subscribe());
        return recipient;
    }

    /** A shape whose document selects {@code viewerFollows}. */
    private static DocumentShape askingFollows(String key) {
        return new DocumentShape(key, "subscription{dropUpdates(dropId:\"drop-1\"){drop{creator{viewerFollows}}}}", null,
                Map.of(), true);
    }

    private static Viewer viewer(String id) {
        return new Viewer(id, Set.of(), "token-of-" + id);
    }

    private static DropView drop(Instant updatedAt, int remaining) {
        return new DropView("drop-1", "creator-1", "product-1", DropStatus.LIVE, T0.minusSeconds(60), null, 1000,
                remaining, null, 100, "USD", T0.minusSeconds(60), updatedAt);
    }

    private static DropEvent stockChanged(Instant at, int remaining) {
        return DropEvent.newBuilder().setDropId("drop-1").setCreatorId("creator-1").setType(DropEventType.STOCK_CHANGED)
                .setStatus(DropStatus.LIVE).setInitialStock(1000).setRemainingStock(remaining).setAt(at).build();
    }

    private static DropEvent soldOut(Instant at) {
        return DropEvent.newBuilder().setDropId("drop-1").setCreatorId("creator-1").setType(DropEventType.SOLD_OUT)
                .setStatus(DropStatus.SOLD_OUT).setInitialStock(1000).setRemainingStock(0).setAt(at).build();
    }

    private static ConsumerRecord<String, DropEvent> record(DropEvent event) {
        return new ConsumerRecord<>("drop-events", 0, 0L, event.getDropId(), event);
    }

    /** The manual scheduler, but its time can be stepped back, as a wall clock can be. */
    private static final class SteppedClock implements Scheduler {

        private final ManualScheduler tasks;
        private volatile long steppedBackNanos;

        SteppedClock(ManualScheduler tasks) {
            this.tasks = tasks;
        }

        void stepBack(Duration by) {
            steppedBackNanos += by.toNanos();
        }

        @Override
        public long now(TimeUnit unit) {
            return unit.convert(tasks.now(TimeUnit.NANOSECONDS) - steppedBackNanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public Disposable schedule(Runnable task) {
            return tasks.schedule(task);
        }

        @Override
        public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
            return tasks.schedule(task, delay, unit);
        }

        @Override
        public Worker createWorker() {
            return tasks.createWorker();
        }
    }

    /** Who follows creator-1, changed by hand; counts the watches open. */
    private static final class Facts implements FollowingFacts {

        final Set<String> followers = ConcurrentHashMap.newKeySet();
        private final Map<String, Consumer<Boolean>> watches = new ConcurrentHashMap<>();

        volatile boolean unavailable;

        @Override
        public Runnable watch(Viewer viewer, String creatorId, Consumer<Boolean> follows) {
            assertThat(creatorId).isEqualTo("creator-1");
            if (unavailable) {
                throw new IllegalStateException("following list unavailable");
            }
            follows.accept(followers.contains(viewer.id()));
            watches.put(viewer.id(), follows);
            return () -> watches.remove(viewer.id());
        }

        void change(String user, boolean follows) {
            if (follows) {
                followers.add(user);
            } else {
                followers.remove(user);
            }
            Consumer<Boolean> watch = watches.get(user);
            if (watch != null) {
                watch.accept(follows);
            }
        }

        int watching() {
            return watches.size();
        }
    }

    /** Requests {@code initial} updates at first, then one more per {@link #request}. */
    private static final class Reader extends BaseSubscriber<DropUpdatesFeed.DropUpdate> {

        private final long initial;
        private final BlockingQueue<DropUpdatesFeed.DropUpdate> queue = new LinkedBlockingQueue<>();
        final List<DropUpdatesFeed.DropUpdate> received = new CopyOnWriteArrayList<>();

        Reader(long initial) {
            this.initial = initial;
        }

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            subscription.request(initial);
        }

        @Override
        protected void hookOnNext(DropUpdatesFeed.DropUpdate update) {
            queue.add(update);
            received.add(update);
        }

        DropUpdatesFeed.DropUpdate next() throws InterruptedException {
            DropUpdatesFeed.DropUpdate update = queue.poll(Duration.ofSeconds(5).toMillis(), TimeUnit.MILLISECONDS);
            assertThat(update).as("an update within 5 s").isNotNull();
            return update;
        }
    }
}
