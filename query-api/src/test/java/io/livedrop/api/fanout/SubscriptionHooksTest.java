package io.livedrop.api.fanout;

import static io.livedrop.schemas.testing.EventFixtures.creator;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.then;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;

import io.livedrop.api.catalog.CatalogCommands;
import io.livedrop.api.catalog.CatalogController;
import io.livedrop.api.catalog.CatalogQueryService;
import io.livedrop.api.catalog.DropUpdatesFeed;
import io.livedrop.api.catalog.DropView;
import io.livedrop.api.graphql.ApiExceptionResolver;
import io.livedrop.api.graphql.GraphQlConfiguration;
import io.livedrop.api.graphql.QueryLimits;
import io.livedrop.api.security.Viewer;
import io.livedrop.api.social.DropStartedFeed;
import io.livedrop.api.social.SocialController;
import io.livedrop.api.social.SocialService;
import io.livedrop.events.drop.DropStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * The controller hooks of shared rendering (a GraphQL slice over mocked feeds): a shared render's
 * event is the subscription's one answer, with viewerFollows from the render's facts and no viewer;
 * a subscription with a recipient in its context attaches to the feed with its shape and its
 * subscribe stamp; one without streams per session, as before.
 */
@GraphQlTest({SocialController.class, CatalogController.class})
@Import({GraphQlConfiguration.class, ApiExceptionResolver.class, DocumentShapes.class, NotShareableResolver.class})
@EnableConfigurationProperties(QueryLimits.class)
class SubscriptionHooksTest {

    private static final Viewer ALICE = new Viewer("u-alice", Set.of(), "alice-token");
    private static final Instant T = Instant.parse("2026-12-05T18:00:00Z");
    private static final String STARTED = "subscription { dropStarted { startedAt drop { id creator { id viewerFollows } } } }";
    private static final String UPDATES = "subscription($id: ID!) { dropUpdates(dropId: $id) { at drop { id remainingStock } } }";
    private static final DropView DROP = new DropView("d-1", "creator-ava", "p-1", DropStatus.LIVE, T, null, 10, 7, null,
            1_000, "USD", T, T);

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

    @Test
    void shouldAnswerASharedRenderWithItsEventAndViewerFollowsFromItsFacts() {
        given(catalog.creators(any())).willReturn(Map.of("creator-ava", creator("creator-ava").build()));

        List<Boolean> follows = withContext(Map.of(
                SharedEvent.CONTEXT_KEY, new SharedEvent(new DropStartedFeed.DropStarted(DROP, T)),
                ViewerFacts.CONTEXT_KEY, ViewerFacts.following("creator-ava", true)))
                .document(STARTED).executeSubscription()
                .toFlux("dropStarted.drop.creator.viewerFollows", Boolean.class).collectList().block(Duration.ofSeconds(10));

        assertThat(follows).containsExactly(true);
        then(social).should(never()).followedCreators(any());
        then(started).shouldHaveNoInteractions();
    }

    @Test
    void shouldAttachASubscriptionWithARecipientWithItsShapeAndStamp() {
        Recipient recipient = mock(Recipient.class);
        given(started.attach(eq(ALICE), eq(42L), any(), eq(recipient))).willReturn(Flux.never());
        given(updates.attach(eq("d-1"), eq(ALICE), any(), eq(recipient))).willReturn(Flux.never());
        Map<String, Object> context = Map.of(Viewer.CONTEXT_KEY, ALICE, Recipient.CONTEXT_KEY, recipient,
                SubscribeStamp.CONTEXT_KEY, new SubscribeStamp(42L));

        withContext(context).document(STARTED).executeSubscription().toFlux().subscribe().dispose();
        withContext(context).document(UPDATES).variable("id", "d-1").executeSubscription().toFlux().subscribe().dispose();

        ArgumentCaptor<DocumentShape> startedShape = ArgumentCaptor.forClass(DocumentShape.class);
        then(started).should().attach(eq(ALICE), eq(42L), startedShape.capture(), eq(recipient));
        assertThat(startedShape.getValue().shareable()).isTrue();
        assertThat(startedShape.getValue().document()).contains("viewerFollows");
        ArgumentCaptor<DocumentShape> updatesShape = ArgumentCaptor.forClass(DocumentShape.class);
        then(updates).should().attach(eq("d-1"), eq(ALICE), updatesShape.capture(), eq(recipient));
        assertThat(updatesShape.getValue().variables()).isEqualTo(Map.of("id", "d-1"));
        then(started).should(never()).subscribe(any(), anyLong());
        then(updates).should(never()).updates(any());
    }

    @Test
    void shouldStreamASubscriptionWithoutARecipientPerSession() {
        given(started.subscribe(eq(ALICE), anyLong())).willReturn(Flux.just(new DropStartedFeed.DropStarted(DROP, T)));
        given(social.followedCreators(ALICE)).willReturn(Set.of());
        given(catalog.creators(any())).willReturn(Map.of("creator-ava", creator("creator-ava").build()));

        List<Boolean> follows = withContext(Map.of(Viewer.CONTEXT_KEY, ALICE)).document(STARTED).executeSubscription()
                .toFlux("dropStarted.drop.creator.viewerFollows", Boolean.class).collectList().block(Duration.ofSeconds(10));

        assertThat(follows).containsExactly(false);
        then(started).should(never()).attach(any(), anyLong(), any(), any());
    }

    private ExecutionGraphQlServiceTester withContext(Map<String, Object> values) {
        return graphQlTester.mutate()
                .configureExecutionInput((input, builder) -> builder.graphQLContext(new HashMap<>(values)).build())
                .build();
    }
}
