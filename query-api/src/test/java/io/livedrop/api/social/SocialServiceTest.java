package io.livedrop.api.social;

import static io.livedrop.schemas.testing.EventFixtures.creator;
import static io.livedrop.schemas.testing.EventFixtures.dropEvent;
import static io.livedrop.schemas.testing.EventFixtures.follow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyCollection;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.then;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;

import io.livedrop.api.catalog.CatalogQueryService;
import io.livedrop.api.command.CommandProducer;
import io.livedrop.api.graphql.ApiException;
import io.livedrop.api.graphql.Connection;
import io.livedrop.api.graphql.ErrorCode;
import io.livedrop.api.graphql.Pages;
import io.livedrop.api.limits.WriteRates;
import io.livedrop.api.query.InteractiveQueries;
import io.livedrop.api.security.Viewer;
import io.livedrop.api.streams.StreamsRuntime;
import io.livedrop.events.catalog.Creator;
import io.livedrop.events.drop.DropEvent;
import io.livedrop.events.drop.DropEventType;
import io.livedrop.events.social.FollowAction;
import io.livedrop.events.social.FollowEvent;
import io.livedrop.events.social.FollowerCount;
import io.livedrop.topology.config.LivedropConfig;
import io.livedrop.topology.config.Stores;
import io.livedrop.topology.config.Topics;
import io.livedrop.topology.config.TopologySerdes;
import io.livedrop.topology.social.SocialKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/**
 * Follows on their own, the stores, the producer and the catalog mocked: a refused rate or an unknown
 * creator writes nothing; a follow is a FollowEvent keyed by the follower, answered once the viewer's
 * following list shows it, and a repeated one is written again (safe) without waiting for a count that
 * will not move; counts are 0 for nobody; the following list is paged by creator id; the inbox is read
 * where the viewer's follows live, a page and one more, and a malformed cursor is refused before any read.
 */
class SocialServiceTest {

    private static final Viewer ALICE = new Viewer("u-alice", Set.of(), "alice-token");
    private static final Creator AVA = creator("creator-ava").build();
    private static final String AVA_FOLLOWED = SocialKeys.following(ALICE.id(), AVA.getId());

    private final Topics topics = Topics.from(new LivedropConfig(Map.of()));
    private final InteractiveQueries queries = mock(InteractiveQueries.class);
    private final CatalogQueryService catalog = mock(CatalogQueryService.class);
    private final CommandProducer producer = mock(CommandProducer.class);
    private final WriteRates rates = mock(WriteRates.class);
    private SocialService social;

    @BeforeEach
    void setUp() {
        StreamsRuntime runtime = mock(StreamsRuntime.class);
        given(runtime.topics()).willReturn(topics);
        given(catalog.creator(AVA.getId())).willReturn(Optional.of(AVA));
        LivedropConfig config = new LivedropConfig(Map.of());
        social = new SocialService(queries, catalog, producer, runtime, TopologySerdes.from(config), config, rates);
    }

    @Test
    void shouldRefuseAFollowOverTheRateBeforeReadingOrWriting() {
        // Given alice has used up her follows for now
        given(rates.follow(ALICE.id())).willReturn(Optional.of(Duration.ofMillis(1500)));

        // When she follows, then she is told when to retry, and nothing was read or written
        assertThatThrownBy(() -> social.follow(ALICE, AVA.getId()))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED))
                .hasMessageEndingWith("retry in 2 s");
        then(queries).shouldHaveNoInteractions();
        then(producer).shouldHaveNoInteractions();
    }

    @Test
    void shouldAnswerNotFoundForAnUnknownCreatorWithoutWriting() {
        given(catalog.creator("creator-nobody")).willReturn(Optional.empty());

        assertThatThrownBy(() -> social.follow(ALICE, "creator-nobody"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        then(producer).shouldHaveNoInteractions();
    }

    @Test
    void shouldWriteAFollowKeyedByTheFollowerAndAnswerOnceHerFollowingListShowsIt() {
        // Given alice does not follow ava yet; her following list shows it at the second look after the write,
        // and ava's count moves from 6 to 7
        given(queries.get(eq(Stores.FOLLOWING), eq(AVA_FOLLOWED), any(), any(), eq(ALICE.bearerToken())))
                .willReturn(Optional.empty(), Optional.empty(), Optional.of(follow(ALICE.id(), AVA.getId()).build()));
        given(queries.get(eq(Stores.FOLLOWER_COUNTS), eq(AVA.getId()), isNull(), any(), isNull()))
                .willReturn(Optional.of(count(6)), Optional.of(count(7)));

        // When she follows ava
        Creator answer = social.follow(ALICE, AVA.getId());

        // Then one FollowEvent went to the follows topic, keyed by alice, and the answer is ava
        ArgumentCaptor<FollowEvent> event = ArgumentCaptor.forClass(FollowEvent.class);
        then(producer).should().sendAccepted(eq(topics.follows().name()), eq(ALICE.id()), event.capture(), any());
        assertThat(event.getValue().getUserId()).isEqualTo(ALICE.id());
        assertThat(event.getValue().getCreatorId()).isEqualTo(AVA.getId());
        assertThat(event.getValue().getAction()).isEqualTo(FollowAction.FOLLOW);
        assertThat(answer).isEqualTo(AVA);
    }

    @Test
    void shouldWriteARepeatedFollowAgainWithoutWaitingForTheCount() {
        // Given alice already follows ava
        given(queries.get(eq(Stores.FOLLOWING), eq(AVA_FOLLOWED), any(), any(), any()))
                .willReturn(Optional.of(follow(ALICE.id(), AVA.getId()).build()));

        // When she follows ava again
        assertThat(social.follow(ALICE, AVA.getId())).isEqualTo(AVA);

        // Then the follow is written (the topology counts only effective changes) and no count was read
        then(producer).should().sendAccepted(eq(topics.follows().name()), eq(ALICE.id()), any(FollowEvent.class), any());
        then(queries).should(never()).get(eq(Stores.FOLLOWER_COUNTS), anyString(), any(), any(), any());
    }

    @Test
    void shouldCountZeroFollowersForACreatorNobodyFollows() {
        given(queries.get(eq(Stores.FOLLOWER_COUNTS), eq("creator-ava"), isNull(), any(), isNull()))
                .willReturn(Optional.of(count(3)));
        given(queries.get(eq(Stores.FOLLOWER_COUNTS), eq("creator-lola"), isNull(), any(), isNull()))
                .willReturn(Optional.empty());

        assertThat(social.followerCounts(List.of("creator-ava", "creator-lola")))
                .containsExactly(Map.entry("creator-ava", 3L), Map.entry("creator-lola", 0L));
    }

    @Test
    void shouldPageTheCreatorsFollowedByIdLeavingOutOnesTheCatalogDoesNotHave() {
        // Given alice follows three creators, one of whom the catalog does not have (yet)
        given(queries.prefixScan(eq(Stores.FOLLOWING), eq(ALICE.id()), eq(SocialKeys.followingPrefix(ALICE.id())),
                isNull(), any(), eq(ALICE.bearerToken()))).willReturn(List.of(follow(ALICE.id(), "c-3").build(),
                follow(ALICE.id(), "c-1").build(), follow(ALICE.id(), "c-2").build()));
        given(catalog.creators(anyCollection())).willReturn(Map.of("c-1", creator("c-1").build(),
                "c-3", creator("c-3").build()));

        // When she reads the first page of two
        Connection<Creator> page = social.following(ALICE, 2, null);

        // Then the page covers the first two ids, c-1 and c-2, shows c-1 only, and says more come
        then(catalog).should().creators(List.of("c-1", "c-2"));
        assertThat(page.edges()).extracting(edge -> edge.node().getId()).containsExactly("c-1");
        assertThat(page.pageInfo().hasNextPage()).isTrue();
    }

    @Test
    void shouldRefuseAMalformedNotificationsCursorBeforeAnyRead() {
        assertThatThrownBy(() -> social.notifications(ALICE, 10, Pages.cursor("not-an-inbox-key")))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST))
                .hasMessageStartingWith("Malformed cursor");
        then(queries).shouldHaveNoInteractions();
    }

    @Test
    void shouldReadTheInboxWhereHerFollowsLiveAndShowAPageOfDropStarts() {
        // Given her inbox holds three starts (the page of two and the look-ahead one)
        Instant t = Instant.parse("2026-12-05T18:00:00Z");
        List<DropEvent> starts = List.of(start("d-3", t.plusSeconds(2)), start("d-2", t.plusSeconds(1)), start("d-1", t));
        given(queries.<List<DropEvent>>routedQuery(eq(Stores.FOLLOWING), eq(ALICE.id()), isNull(), any(),
                eq(SocialService.INBOX_PATH + ALICE.id()), eq(Map.of("limit", "3")), any(), eq(ALICE.bearerToken())))
                .willReturn(starts);

        // When she reads two notifications
        Connection<SocialService.NotificationView> page = social.notifications(ALICE, 2, null);

        // Then they are the two newest starts, as DROP_STARTED notifications, and more come
        assertThat(page.edges()).extracting(Connection.Edge::node).containsExactly(
                new SocialService.NotificationView("DROP_STARTED:d-3", "DROP_STARTED", "d-3", t.plusSeconds(2)),
                new SocialService.NotificationView("DROP_STARTED:d-2", "DROP_STARTED", "d-2", t.plusSeconds(1)));
        assertThat(page.pageInfo().hasNextPage()).isTrue();
        assertThat(page.pageInfo().endCursor()).isEqualTo(page.edges().get(1).cursor());
    }

    private static FollowerCount count(long followers) {
        return FollowerCount.newBuilder().setCreatorId(AVA.getId()).setFollowers(followers)
                .setUpdatedAt(Instant.parse("2026-12-05T18:00:00Z")).build();
    }

    private static DropEvent start(String dropId, Instant at) {
        return dropEvent(dropId, DropEventType.STARTED).setAt(at).build();
    }
}
