package io.livedrop.api.social;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.RETURNS_DEEP_STUBS;
import static org.mockito.Mockito.mock;

import io.livedrop.api.catalog.CatalogQueryService;
import io.livedrop.api.catalog.DropView;
import io.livedrop.api.config.KafkaCluster;
import io.livedrop.api.fanout.NotShareableException;
import io.livedrop.api.security.Viewer;
import io.livedrop.api.testing.CountingRenderer;
import io.livedrop.api.testing.ManualScheduler;
import io.livedrop.api.testing.RecordingRecipient;
import io.livedrop.events.drop.DropEvent;
import io.livedrop.events.drop.DropEventType;
import io.livedrop.events.drop.DropStatus;
import io.livedrop.events.social.FollowAction;
import io.livedrop.events.social.FollowEvent;
import io.livedrop.topology.config.LivedropConfig;
import io.livedrop.topology.config.Topics;
import io.livedrop.topology.config.TopologySerdes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Field;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * {@link DropStartedFeed} alone, fed by hand (no Kafka): the drop starts the feed receives while a
 * subscription's following list is still being read reach it once it is read, those received before
 * its stamp never do, none twice; attached recipients share one render per document shape; follow
 * changes keep applying.
 */
class DropStartedFeedTest {

    private static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final CatalogQueryService catalog = mock(CatalogQueryService.class);
    private final SocialService social = mock(SocialService.class);
    private final FollowingView following = new FollowingView(social, mock(KafkaCluster.class),
            Topics.from(new LivedropConfig(Map.of())), mock(TopologySerdes.class, RETURNS_DEEP_STUBS));
    private final ManualScheduler dispatcher = new ManualScheduler();
    private final AtomicLong clock = new AtomicLong(1_000);
    private final CountingRenderer renderer = new CountingRenderer(
            event -> ((DropStartedFeed.DropStarted) event).drop().id());
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<Disposable> subscriptions = new ArrayList<>();
    private DropStartedFeed feed;

    @AfterEach
    void cancel() {
        subscriptions.forEach(Disposable::dispose);
    }

    @Test
    void shouldTellEveryStartReceivedAfterTheStampExactlyOnceWhileTheFollowingListLoadsLater() throws Exception {
        feed(Schedulers.boundedElastic());
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        given(social.followedCreators(any())).willAnswer(invocation -> {
            reading.countDown();
            release.await(10, TimeUnit.SECONDS);
            return Set.of("creator-1");
        });
        // Given a start received before the subscribe was accepted
        start("before", "creator-1");
        dispatcher.runDue();

        // When a fan subscribes (stamp 2000) and its following list read is held
        clock.set(2_000);
        List<String> told = new CopyOnWriteArrayList<>();
        subscriptions.add(feed.subscribe(viewer("fan"), 2_000)
                .subscribe(started -> told.add(started.drop().id())));
        assertThat(reading.await(5, TimeUnit.SECONDS)).isTrue();
        // and starts arrive meanwhile: one of a followed creator, one of another
        clock.set(3_000);
        start("during", "creator-1");
        start("other", "creator-2");
        dispatcher.runDue();
        // and one is received but not yet dispatched when the read ends
        clock.set(4_000);
        start("racing", "creator-1");
        release.countDown();
        await().atMost(WAIT).until(() -> feed.listening("fan"));
        dispatcher.runDue();
        // and one arrives after
        start("after", "creator-1");
        dispatcher.runDue();

        // Then each start of a followed creator since the stamp is told once; then a last one closes the stream
        await().atMost(WAIT).until(() -> told.size() >= 3);
        start("last", "creator-1");
        dispatcher.runDue();
        await().atMost(WAIT).until(() -> told.contains("last"));
        assertThat(told).containsExactlyInAnyOrder("during", "racing", "after", "last");
    }

    @Test
    void shouldNotTellAStartReceivedBeforeTheStampEvenIfItIsDispatchedAfterTheSubscriptionIsActive() {
        feed(Schedulers.immediate());
        given(social.followedCreators(any())).willReturn(Set.of("creator-1"));
        // Given a start received at 1500, still waiting for the dispatcher
        clock.set(1_500);
        start("before", "creator-1");
        // When a subscription stamped 2000 is active before it is dispatched
        clock.set(2_000);
        RecordingRecipient recipient = new RecordingRecipient();
        subscriptions.add(feed.attach(viewer("fan"), 2_000, CountingRenderer.shape("shape"), recipient).subscribe());
        assertThat(feed.listening("fan")).isTrue();
        dispatcher.runDue();
        start("after", "creator-1");
        dispatcher.runDue();

        // Then only the start received after the stamp is told
        assertThat(recipient.received()).containsExactly("shape|after|{creator-1=true}");
    }

    @Test
    void shouldRenderOncePerShapeForEveryAttachedRecipient() {
        feed(Schedulers.immediate());
        given(social.followedCreators(any())).willReturn(Set.of("creator-1"));
        // Given ten fans on one document and three on another, attached
        List<RecordingRecipient> onA = attach(feed, "fan-a", 10, "shape-a");
        List<RecordingRecipient> onB = attach(feed, "fan-b", 3, "shape-b");

        // When the creator's drop starts
        start("d-1", "creator-1");
        dispatcher.runDue();

        // Then one render per shape, and every recipient got its shape's payload once
        assertThat(renderer.renders()).isEqualTo(2);
        onA.forEach(r -> assertThat(r.received()).containsExactly("shape-a|d-1|{creator-1=true}"));
        onB.forEach(r -> assertThat(r.received()).containsExactly("shape-b|d-1|{creator-1=true}"));
    }

    @Test
    void shouldApplyFollowChangesToAttachedRecipients() {
        feed(Schedulers.immediate());
        given(social.followedCreators(any())).willReturn(Set.of("creator-1"));
        RecordingRecipient stays = attach(feed, "stays", 1, "shape").get(0);
        RecordingRecipient leaves = attach(feed, "leaves", 1, "shape").get(0);
        given(social.followedCreators(any())).willReturn(Set.of());
        RecordingRecipient joins = attach(feed, "joins", 1, "shape").get(0);

        // When one unfollows and another follows, through any instance (the follows topic)
        following.onFollowEvent(follow("leaves", "creator-1", FollowAction.UNFOLLOW));
        following.onFollowEvent(follow("joins", "creator-1", FollowAction.FOLLOW));
        start("d-1", "creator-1");
        dispatcher.runDue();

        // Then the start reaches those who follow now, and only them
        assertThat(stays.received()).containsExactly("shape|d-1|{creator-1=true}");
        assertThat(joins.received()).containsExactly("shape|d-1|{creator-1=true}");
        assertThat(leaves.received()).isEmpty();
    }

    @Test
    void shouldCatchUpAttachedRecipientsAndTellNoneTwice() throws Exception {
        feed(Schedulers.boundedElastic());
        CountDownLatch release = new CountDownLatch(1);
        given(social.followedCreators(any())).willAnswer(invocation -> {
            release.await(10, TimeUnit.SECONDS);
            return Set.of("creator-1");
        });
        clock.set(2_000);
        RecordingRecipient recipient = new RecordingRecipient();
        subscriptions.add(feed.attach(viewer("fan"), 2_000, CountingRenderer.shape("shape"), recipient).subscribe());
        clock.set(3_000);
        start("during", "creator-1");
        dispatcher.runDue();
        assertThat(recipient.received()).isEmpty();

        release.countDown();
        await().atMost(WAIT).until(() -> feed.listening("fan"));
        dispatcher.runDue();
        start("after", "creator-1");
        dispatcher.runDue();

        assertThat(recipient.received()).containsExactly("shape|during|{creator-1=true}", "shape|after|{creator-1=true}");
        // the start rendered live for nobody was rendered once for the catch-up
        assertThat(renderer.renders()).isEqualTo(2);
    }

    @Test
    void shouldCountAFailedRenderAndKeepTellingTheOthers() {
        feed(Schedulers.immediate());
        given(social.followedCreators(any())).willReturn(Set.of("creator-1"));
        RecordingRecipient recipient = attach(feed, "fan", 1, "shape").get(0);
        renderer.failWith(new NotShareableException("viewerFollows of another creator"));
        start("d-1", "creator-1");
        dispatcher.runDue();
        renderer.failWith(null);
        start("d-2", "creator-1");
        dispatcher.runDue();

        assertThat(recipient.received()).containsExactly("shape|d-2|{creator-1=true}");
        assertThat(meters.counter("livedrop.notifications.render.failures", "feed", "dropStarted").count()).isEqualTo(1);
    }

    @Test
    void shouldHoldNothingForSubscriptionsThatHaveGone() {
        feed(Schedulers.immediate());
        given(social.followedCreators(any())).willReturn(Set.of("creator-1", "creator-2"));
        attach(feed, "fan", 3, "shape");
        subscriptions.add(feed.subscribe(viewer("fan-s"), clock.get()).subscribe());
        assertThat(feed.sessions()).isEqualTo(4);
        assertThat(feed.indexedCreators()).isEqualTo(2);

        subscriptions.forEach(Disposable::dispose);

        assertThat(feed.sessions()).isZero();
        assertThat(feed.indexedCreators()).isZero();
        assertThat(following.viewers()).isZero();
    }

    @Test
    void shouldKeepAFollowerIndexedWhenTheCreatorsLastOtherFollowerLeavesAsItIsIndexed() throws Exception {
        feed(Schedulers.immediate());
        given(social.followedCreators(any())).willReturn(Set.of("creator-1"));
        Disposable leaving = feed.attach(viewer("leaving"), clock.get(), CountingRenderer.shape("shape"),
                new RecordingRecipient()).subscribe();
        subscriptions.add(leaving);
        // Given the index hands out the creator's set, and the creator's only other follower leaves right then
        RacingIndex index = new RacingIndex();
        Field byCreator = DropStartedFeed.class.getDeclaredField("byCreator");
        byCreator.setAccessible(true);
        index.putAll((Map<?, ?>) byCreator.get(feed));
        byCreator.set(feed, index);
        index.afterLookup = leaving::dispose;

        // When a new follower is indexed under that creator, and the creator's drop starts
        RecordingRecipient joining = attach(feed, "joining", 1, "shape").get(0);
        start("d-1", "creator-1");
        dispatcher.runDue();

        // Then the new follower is told
        assertThat(index.afterLookup).as("the race was played").isNull();
        assertThat(joining.received()).containsExactly("shape|d-1|{creator-1=true}");
    }

    @Test
    void shouldHoldNothingForAnAttachCancelledAfterItsSetUpBeganButBeforeItCouldSeeTheCancel() {
        // Given the reads thread has begun an attach's set-up when the client cancels it (its sink is then
        // cancelled before the set-up registers what to do on cancel)
        List<Runnable> begun = new ArrayList<>();
        feed(new BegunScheduler(begun));
        given(social.followedCreators(any())).willReturn(Set.of("creator-1"));
        Disposable attached = feed.attach(viewer("fan"), clock.get(), CountingRenderer.shape("shape"),
                new RecordingRecipient()).subscribe();

        // When the cancel lands first and the set-up then runs on
        attached.dispose();
        begun.forEach(Runnable::run);

        // Then nothing is held for it
        assertThat(begun).isNotEmpty();
        assertThat(feed.sessions()).isZero();
        assertThat(feed.indexedCreators()).isZero();
        assertThat(following.viewers()).isZero();
    }

    @Test
    void shouldEndTheStreamOfARecipientThatTakesItsSubscriptionOverAndKeepTellingItUntilDetached() {
        feed(Schedulers.immediate());
        given(social.followedCreators(any())).willReturn(Set.of("creator-1"));
        RecordingRecipient recipient = RecordingRecipient.takingOver();
        List<Object> signals = new CopyOnWriteArrayList<>();

        // When the recipient takes its subscription over as it is attached
        subscriptions.add(feed.attach(viewer("fan"), clock.get(), CountingRenderer.shape("shape"), recipient)
                .subscribe(signals::add, signals::add, () -> signals.add("complete")));

        // Then its stream ends at once, empty (what held the execution behind it goes), and it is still told
        assertThat(signals).containsExactly("complete");
        start("d-1", "creator-1");
        dispatcher.runDue();
        assertThat(recipient.received()).containsExactly("shape|d-1|{creator-1=true}");

        // and once detached, nothing is held for it and it is told nothing more
        recipient.detach().run();
        recipient.detach().run();   // idempotent: the client's complete and the connection's close may both run it
        start("d-2", "creator-1");
        dispatcher.runDue();
        assertThat(recipient.received()).containsExactly("shape|d-1|{creator-1=true}");
        assertThat(feed.sessions()).isZero();
        assertThat(feed.indexedCreators()).isZero();
        assertThat(following.viewers()).isZero();
    }

    @Test
    void shouldTellARecipientThatTookItsSubscriptionOverWhenTheFeedStops() {
        feed(Schedulers.immediate());
        given(social.followedCreators(any())).willReturn(Set.of("creator-1"));
        RecordingRecipient recipient = RecordingRecipient.takingOver();
        subscriptions.add(feed.attach(viewer("fan"), clock.get(), CountingRenderer.shape("shape"), recipient).subscribe());

        feed.stop();

        assertThat(recipient.completes()).isEqualTo(1);
        assertThat(feed.sessions()).isZero();
        assertThat(following.viewers()).isZero();
    }

    @Test
    void shouldKeepStartsOnlyForTheCatchUpWindow() {
        feed(Schedulers.immediate());
        start("d-1", "creator-1");
        dispatcher.runDue();
        assertThat(feed.recentStarts()).isEqualTo(1);
        clock.addAndGet(Duration.ofSeconds(61).toNanos());
        start("d-2", "creator-1");
        dispatcher.runDue();
        assertThat(feed.recentStarts()).isEqualTo(1);
    }

    private DropStartedFeed feed(Scheduler reads) {
        feed = new DropStartedFeed(catalog, following, () -> renderer, Duration.ofSeconds(60), dispatcher, reads,
                clock::get, meters, null);
        return feed;
    }

    private List<RecordingRecipient> attach(DropStartedFeed feed, String userPrefix, int count, String shapeKey) {
        List<RecordingRecipient> recipients = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            RecordingRecipient recipient = new RecordingRecipient();
            String user = count == 1 ? userPrefix : userPrefix + "-" + i;
            subscriptions.add(feed.attach(viewer(user), clock.get(), CountingRenderer.shape(shapeKey), recipient).subscribe());
            assertThat(feed.listening(user)).isTrue();
            recipients.add(recipient);
        }
        return recipients;
    }

    /** The tail hands the feed a STARTED event (received now, as {@link #clock} says). */
    private void start(String dropId, String creatorId) {
        given(catalog.drop(dropId)).willReturn(Optional.of(drop(dropId, creatorId)));
        feed.onDropEvent(started(dropId, creatorId));
    }

    private static Viewer viewer(String id) {
        return new Viewer(id, Set.of(), "token-of-" + id);
    }

    private static FollowEvent follow(String user, String creator, FollowAction action) {
        return FollowEvent.newBuilder().setUserId(user).setCreatorId(creator).setAction(action).setAt(T0).build();
    }

    private static DropView drop(String id, String creatorId) {
        return new DropView(id, creatorId, "product-1", DropStatus.LIVE, T0, null, 10, 10, null, 100, "USD", T0, T0);
    }

    private static DropEvent started(String dropId, String creatorId) {
        return DropEvent.newBuilder().setDropId(dropId).setCreatorId(creatorId).setType(DropEventType.STARTED)
                .setStatus(DropStatus.LIVE).setInitialStock(10).setRemainingStock(10).setAt(T0).build();
    }

    /** Collects the tasks given to it; the test runs them, even those of a disposed worker (as a task already begun runs on). */
    private static final class BegunScheduler implements Scheduler {

        private final List<Runnable> begun;

        BegunScheduler(List<Runnable> begun) {
            this.begun = begun;
        }

        @Override
        public Disposable schedule(Runnable task) {
            begun.add(task);
            return () -> {
            };
        }

        @Override
        public Worker createWorker() {
            return new Worker() {
                private volatile boolean disposed;

                @Override
                public Disposable schedule(Runnable task) {
                    return BegunScheduler.this.schedule(task);
                }

                @Override
                public void dispose() {
                    disposed = true;
                }

                @Override
                public boolean isDisposed() {
                    return disposed;
                }
            };
        }
    }

    /** An index that runs {@link #afterLookup} once, right after a lookup or update of a creator's set returns. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static final class RacingIndex extends ConcurrentHashMap {

        volatile Runnable afterLookup;

        @Override
        public Object computeIfAbsent(Object key, Function mapping) {
            return raced(super.computeIfAbsent(key, mapping));
        }

        @Override
        public Object compute(Object key, BiFunction remapping) {
            return raced(super.compute(key, remapping));
        }

        private Object raced(Object result) {
            Runnable race = afterLookup;
            afterLookup = null;
            if (race != null) {
                race.run();
            }
            return result;
        }
    }
}
