package io.livedrop.api.social;

import static io.livedrop.schemas.testing.EventFixtures.creator;
import static io.livedrop.schemas.testing.EventFixtures.drop;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyCollection;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.then;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;

import io.livedrop.api.catalog.CatalogCommands;
import io.livedrop.api.catalog.CatalogController;
import io.livedrop.api.catalog.CatalogQueryService;
import io.livedrop.api.catalog.DropUpdatesFeed;
import io.livedrop.api.catalog.DropView;
import io.livedrop.api.fanout.DocumentShapes;
import io.livedrop.api.graphql.ApiException;
import io.livedrop.api.graphql.ApiExceptionResolver;
import io.livedrop.api.graphql.Connection;
import io.livedrop.api.graphql.ErrorCode;
import io.livedrop.api.graphql.GraphQlConfiguration;
import io.livedrop.api.graphql.QueryLimits;
import io.livedrop.api.order.OrderController;
import io.livedrop.api.order.OrderService;
import io.livedrop.api.query.StoreUnavailableException;
import io.livedrop.api.security.Viewer;
import io.livedrop.events.catalog.Creator;
import io.livedrop.events.drop.DropState;
import io.livedrop.events.drop.DropStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.graphql.test.autoconfigure.GraphQlTest;
import org.springframework.context.annotation.Import;
import org.springframework.graphql.test.tester.ExecutionGraphQlServiceTester;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import reactor.core.publisher.Flux;

/**
 * The social controller alone (a GraphQL slice over mocked services; the order and catalog controllers
 * are there for {@code me} and {@code creator}): follow and unfollow reach the service with the viewer
 * from the GraphQL context; a page of creators reads its follower counts once and the viewer's follows
 * once, an anonymous viewer's never; notifications read their drops once; dropStarted streams what the
 * feed gives the viewer; service failures, the infrastructure's included, become errors with
 * {@code extensions.code}.
 */
@GraphQlTest({SocialController.class, OrderController.class, CatalogController.class})
@Import({GraphQlConfiguration.class, ApiExceptionResolver.class, DocumentShapes.class})
@EnableConfigurationProperties(QueryLimits.class)
class SocialControllerTest {

    private static final Viewer ALICE = new Viewer("u-alice", Set.of(), "alice-token");
    private static final Instant T = Instant.parse("2026-12-05T18:00:00Z");
    private static final Creator AVA = creator("creator-ava").setName("Ava Stone").build();
    private static final Creator LOLA = creator("creator-lola").build();
    private static final Creator MIA = creator("creator-mia").build();

    @Autowired
    ExecutionGraphQlServiceTester graphQlTester;

    @MockitoBean
    SocialService social;

    @MockitoBean
    DropStartedFeed started;

    @MockitoBean
    CatalogQueryService catalog;

    @MockitoBean
    CatalogCommands commands;

    @MockitoBean
    DropUpdatesFeed updates;

    @MockitoBean
    OrderService orders;

    @Test
    void shouldFollowAsTheViewerAndAnswerTheCreatorWithCountAndFollowing() {
        // Given the service follows, and then counts 7 followers of ava, alice among them
        given(social.follow(ALICE, AVA.getId())).willReturn(AVA);
        given(social.followerCounts(anyCollection())).willReturn(Map.of(AVA.getId(), 7L));
        given(social.followedCreators(ALICE)).willReturn(Set.of(AVA.getId()));

        // When alice follows ava
        asViewer(ALICE).documentName("socialFollow").variable("creatorId", AVA.getId()).execute()
                // Then the payload is ava, with her count and alice following her
                .path("follow.creator.id").entity(String.class).isEqualTo(AVA.getId())
                .path("follow.creator.name").entity(String.class).isEqualTo("Ava Stone")
                .path("follow.creator.followerCount").entity(Integer.class).isEqualTo(7)
                .path("follow.creator.viewerFollows").entity(Boolean.class).isEqualTo(true);
        then(social).should().follow(ALICE, AVA.getId());
    }

    @Test
    void shouldUnfollowAsTheViewer() {
        given(social.unfollow(ALICE, AVA.getId())).willReturn(AVA);
        given(social.followedCreators(ALICE)).willReturn(Set.of());

        asViewer(ALICE).documentName("socialUnfollow").variable("creatorId", AVA.getId()).execute()
                .path("unfollow.creator.id").entity(String.class).isEqualTo(AVA.getId())
                .path("unfollow.creator.viewerFollows").entity(Boolean.class).isEqualTo(false);
        then(social).should().unfollow(ALICE, AVA.getId());
        then(social).should(never()).follow(any(), any());
    }

    @Test
    void shouldReadCountsAndTheViewersFollowsOncePerPageOfCreators() {
        // Given alice follows three creators, a page of them with more to come
        given(social.following(ALICE, 3, "c0")).willReturn(new Connection<>(List.of(new Connection.Edge<>("c1", AVA),
                new Connection.Edge<>("c2", LOLA), new Connection.Edge<>("c3", MIA)), new Connection.PageInfo(true, "c3")));
        given(social.followerCounts(anyCollection())).willReturn(Map.of(AVA.getId(), 7L, LOLA.getId(), 1L));
        given(social.followedCreators(ALICE)).willReturn(Set.of(AVA.getId(), LOLA.getId(), MIA.getId()));

        // When she reads the page with each creator's count and whether she follows them
        asViewer(ALICE).documentName("socialFollowing").variable("first", 3).variable("after", "c0").execute()
                .path("me.following.edges[*].node.id").entityList(String.class)
                .containsExactly(AVA.getId(), LOLA.getId(), MIA.getId())
                .path("me.following.edges[*].node.followerCount").entityList(Integer.class).containsExactly(7, 1, 0)
                .path("me.following.edges[*].node.viewerFollows").entityList(Boolean.class).containsExactly(true, true, true)
                .path("me.following.pageInfo.hasNextPage").entity(Boolean.class).isEqualTo(true)
                .path("me.following.pageInfo.endCursor").entity(String.class).isEqualTo("c3");

        // Then the counts were read once for the page's creators, and her follows once
        ArgumentCaptor<Collection<String>> ids = collectionCaptor();
        then(social).should(times(1)).followerCounts(ids.capture());
        assertThat(ids.getValue()).containsExactlyInAnyOrder(AVA.getId(), LOLA.getId(), MIA.getId());
        then(social).should(times(1)).followedCreators(ALICE);
    }

    @Test
    void shouldUseTheDefaultPageSizeWhenFirstIsOmitted() {
        given(social.following(any(), anyInt(), any())).willReturn(new Connection<>(List.of(),
                new Connection.PageInfo(false, null)));

        asViewer(ALICE).documentName("socialFollowing").execute()
                .path("me.following.edges").entityList(Object.class).hasSize(0);
        then(social).should().following(ALICE, 20, null);
    }

    @Test
    void shouldAnswerViewerFollowsFalseToAnAnonymousViewerWithoutReadingFollows() {
        given(catalog.creator(AVA.getId())).willReturn(Optional.of(AVA));
        given(social.followerCounts(anyCollection())).willReturn(Map.of(AVA.getId(), 7L));

        graphQlTester.documentName("socialCreator").variable("id", AVA.getId()).execute()
                .path("creator.viewerFollows").entity(Boolean.class).isEqualTo(false)
                .path("creator.followerCount").entity(Integer.class).isEqualTo(7);
        then(social).should(never()).followedCreators(any());
    }

    @Test
    void shouldShowNotificationsWithTheirDropsReadOnce() {
        // Given two notifications of the same drop and one of a drop no longer in the catalog
        given(social.notifications(ALICE, 3, null)).willReturn(new Connection<>(List.of(
                new Connection.Edge<>("n1", notification("d-1", T.plusSeconds(2))),
                new Connection.Edge<>("n2", notification("d-gone", T.plusSeconds(1))),
                new Connection.Edge<>("n3", new SocialService.NotificationView("DROP_STARTED:d-1#2", "DROP_STARTED",
                        "d-1", T))), new Connection.PageInfo(false, "n3")));
        given(catalog.drops(anyCollection())).willReturn(Map.of("d-1", liveDrop("d-1")));

        // When alice reads them with their drops
        asViewer(ALICE).documentName("socialNotifications").variable("first", 3).execute()
                .path("me.notifications.edges[*].node.id").entityList(String.class)
                .containsExactly("DROP_STARTED:d-1", "DROP_STARTED:d-gone", "DROP_STARTED:d-1#2")
                .path("me.notifications.edges[0].node.kind").entity(String.class).isEqualTo("DROP_STARTED")
                .path("me.notifications.edges[0].node.createdAt").entity(String.class).isEqualTo("2026-12-05T18:00:02Z")
                .path("me.notifications.edges[0].node.drop.status").entity(String.class).isEqualTo("LIVE")
                .path("me.notifications.edges[1].node.drop").valueIsNull()
                .path("me.notifications.edges[2].node.drop.id").entity(String.class).isEqualTo("d-1");

        // Then the drops were read once, for the distinct ids
        ArgumentCaptor<Collection<String>> ids = collectionCaptor();
        then(catalog).should(times(1)).drops(ids.capture());
        assertThat(ids.getValue()).containsExactlyInAnyOrder("d-1", "d-gone");
    }

    @Test
    void shouldStreamTheDropStartsTheFeedGivesTheViewer() {
        given(started.subscribe(eq(ALICE), anyLong())).willReturn(Flux.just(
                new DropStartedFeed.DropStarted(liveDrop("d-1"), T), new DropStartedFeed.DropStarted(liveDrop("d-2"), T)));

        Flux<String> dropIds = asViewer(ALICE).documentName("socialDropStarted").executeSubscription()
                .toFlux("dropStarted.drop.id", String.class);

        assertThat(dropIds.collectList().block(Duration.ofSeconds(10))).containsExactly("d-1", "d-2");
        then(started).should().subscribe(eq(ALICE), anyLong());
    }

    @Test
    void shouldGiveTheCodeOfAServiceFailure() {
        given(social.follow(ALICE, AVA.getId())).willThrow(new ApiException(ErrorCode.RATE_LIMITED,
                "Too many follows and unfollows from you right now; retry in 1 s"));

        asViewer(ALICE).documentName("socialFollow").variable("creatorId", AVA.getId()).execute()
                .errors().satisfy(errors -> {
                    assertThat(errors).hasSize(1);
                    assertThat(errors.get(0).getExtensions()).containsEntry("code", "RATE_LIMITED");
                    assertThat(errors.get(0).getPath()).isEqualTo("follow");
                });
    }

    @Test
    void shouldAnswerAStoreThatCannotBeReadAsUnavailableWithItsMessage() {
        given(social.following(any(), anyInt(), any())).willThrow(new StoreUnavailableException(
                "No instance can serve this following partition right now (rebalancing); retry shortly", null));

        asViewer(ALICE).documentName("socialFollowing").execute()
                .errors().satisfy(errors -> {
                    assertThat(errors).hasSize(1);
                    assertThat(errors.get(0).getExtensions()).containsEntry("code", "UNAVAILABLE");
                    assertThat(errors.get(0).getMessage()).isEqualTo(
                            "No instance can serve this following partition right now (rebalancing); retry shortly");
                    assertThat(errors.get(0).getPath()).isEqualTo("me.following");
                });
    }

    private ExecutionGraphQlServiceTester asViewer(Viewer viewer) {
        return graphQlTester.mutate()
                .configureExecutionInput((input, builder) -> builder.graphQLContext(Map.of(Viewer.CONTEXT_KEY, viewer)).build())
                .build();
    }

    private static SocialService.NotificationView notification(String dropId, Instant at) {
        return new SocialService.NotificationView("DROP_STARTED:" + dropId, "DROP_STARTED", dropId, at);
    }

    private static DropView liveDrop(String id) {
        return DropView.of(DropState.newBuilder().setDefinition(drop(id, AVA.getId(), "p1").build())
                .setStatus(DropStatus.LIVE).setRemainingStock(10).setStartedAt(T).setUpdatedAt(T).build());
    }

    @SuppressWarnings("unchecked")
    private static ArgumentCaptor<Collection<String>> collectionCaptor() {
        return ArgumentCaptor.forClass((Class<Collection<String>>) (Class<?>) Collection.class);
    }
}
