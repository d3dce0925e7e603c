package io.livedrop.edge.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.livedrop.api.catalog.CatalogQueryService;
import io.livedrop.api.catalog.DropUpdatesFeed;
import io.livedrop.api.catalog.DropView;
import io.livedrop.api.fanout.DocumentShape;
import io.livedrop.api.fanout.LocalRenderer;
import io.livedrop.api.fanout.NotShareableException;
import io.livedrop.api.fanout.ViewerFacts;
import io.livedrop.api.LivedropApplication;
import io.livedrop.api.graphql.ApiException;
import io.livedrop.api.graphql.ErrorCode;
import io.livedrop.api.query.StoreUnavailableException;
import io.livedrop.api.security.Viewer;
import io.livedrop.api.social.DropStartedFeed;
import io.livedrop.api.testing.ApiIntegrationTest;
import io.livedrop.api.testing.Tokens;
import io.livedrop.api.web.PeerListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The edge role's three reads against the running application's peer listener: a remote render
 * gives LocalRenderer's bytes for the same shape, event and facts; a following list is read only
 * with its user's token; a drop comes back as the instance shows it; a dead API instance is passed
 * over, and none answering is UNAVAILABLE. Outside {@code io.livedrop.api}, so the application class is named
 * (the same configuration as every ApiIntegrationTest: the same cached context).
 */
@SpringBootTest(classes = LivedropApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RemoteReadsIntegrationTest extends ApiIntegrationTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** livedrop.js: the page's drop selection, and its dropStarted and dropUpdates documents. */
    private static final String DROP = """
            id status startsAt initialStock remainingStock priceCents currency
              product { id name } creator { id name viewerFollows }""";
    private static final String PAGE_STARTED = "subscription { dropStarted { startedAt drop { " + DROP + " } } }";
    private static final String PAGE_UPDATES = "subscription($id: ID!) { dropUpdates(dropId: $id) { at drop { " + DROP + " } } }";

    @Autowired
    private PeerListener peerListener;
    @Autowired
    private LocalRenderer local;
    @Autowired
    private CatalogQueryService catalog;

    @Test
    void shouldRenderRemotelyTheBytesLocalRendererRendersForEachFollowFact() {
        // Given a live drop, and the page's documents as an edge's feeds hold them
        String creator = "c-" + shortId();
        String dropId = startDrop(creator, createProduct(creator), 10);
        DropView drop = catalog.drop(dropId).orElseThrow();
        DocumentShape started = new DocumentShape("started", PAGE_STARTED, null, Map.of(), true);
        DocumentShape updates = new DocumentShape("updates", PAGE_UPDATES, null, Map.of("id", dropId), true);
        RemoteRenderer remote = new RemoteRenderer(peers());

        for (boolean follows : List.of(true, false)) {
            ViewerFacts facts = ViewerFacts.following(creator, follows);
            DropStartedFeed.DropStarted start = new DropStartedFeed.DropStarted(drop, drop.startedAt());
            DropUpdatesFeed.DropUpdate update = new DropUpdatesFeed.DropUpdate(drop, drop.updatedAt());

            // When each event is rendered by the API instance for the edge
            byte[] remoteStart = remote.render(started, start, facts).json();
            byte[] remoteUpdate = remote.render(updates, update, facts).json();

            // Then the bytes are those of a local render, and say what the facts say
            assertThat(new String(remoteStart, StandardCharsets.UTF_8))
                    .isEqualTo(new String(local.render(started, start, facts).json(), StandardCharsets.UTF_8))
                    .contains("\"viewerFollows\":" + follows).doesNotContain("\"errors\"");
            assertThat(new String(remoteUpdate, StandardCharsets.UTF_8))
                    .isEqualTo(new String(local.render(updates, update, facts).json(), StandardCharsets.UTF_8))
                    .contains("\"viewerFollows\":" + follows).contains(dropId);
            // And the same event asked again is answered from the edge's cache: the same payload
            assertThat(remote.render(started, start, facts).json()).isSameAs(remoteStart);
        }

        // And facts that do not answer the selection are not shareable, as locally
        DropStartedFeed.DropStarted start = new DropStartedFeed.DropStarted(drop, drop.startedAt());
        assertThatThrownBy(() -> remote.render(started, start, ViewerFacts.following("c-other-" + shortId(), true)))
                .isInstanceOf(NotShareableException.class);
    }

    @Test
    void shouldReadAFollowingListOnlyWithItsUsersToken() {
        // Given a user who follows two creators
        String first = "c-" + shortId();
        String second = "c-" + shortId();
        createProduct(first);
        createProduct(second);
        String fan = "fan-" + shortId();
        follow(fan, first);
        follow(fan, second);
        RemoteFollowing following = new RemoteFollowing(peers());

        // When the edge reads it with the fan's token, it is those two
        assertThat(following.followedCreators(new Viewer(fan, Set.of(), Tokens.user(fan)))).containsExactlyInAnyOrder(first, second);

        // And with another user's token it is refused, and nothing of the list is in the refusal
        String other = "other-" + shortId();
        assertThatThrownBy(() -> following.followedCreators(new Viewer(fan, Set.of(), Tokens.user(other))))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN))
                .message().doesNotContain(first).doesNotContain(second);
        // And with a token the instance no longer accepts it is UNAUTHENTICATED
        assertThatThrownBy(() -> following.followedCreators(new Viewer(fan, Set.of(), Tokens.expired(fan))))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED));
    }

    @Test
    void shouldReadADropAsTheInstanceShowsItAndNothingForAnUnknownOne() {
        String creator = "c-" + shortId();
        String dropId = startDrop(creator, createProduct(creator), 10);
        RemoteDrops drops = new RemoteDrops(peers());

        assertThat(drops.drop(dropId)).contains(catalog.drop(dropId).orElseThrow());
        assertThat(drops.drop("no-such-drop-" + shortId())).isEmpty();
        assertThatThrownBy(() -> drops.drop("not an id"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
    }

    @Test
    void shouldPassOverADeadInstanceAndBeUnavailableWhenNoneAnswers() {
        String creator = "c-" + shortId();
        String dropId = startDrop(creator, createProduct(creator), 10);

        // Given a dead API instance before the live one: whichever it starts with, the drop is read
        RemoteDrops drops = new RemoteDrops(new ApiPeers(List.of(deadHost(), live()), TIMEOUT));
        for (int i = 0; i < 2; i++) {
            assertThat(drops.drop(dropId)).isPresent();
        }

        // And with every instance dead the read is UNAVAILABLE (retry), never "no such drop"
        RemoteDrops none = new RemoteDrops(new ApiPeers(List.of(deadHost(), deadHost()), TIMEOUT));
        assertThatThrownBy(() -> none.drop(dropId)).isInstanceOf(StoreUnavailableException.class);
    }

    private ApiPeers peers() {
        return new ApiPeers(List.of(live()), TIMEOUT);
    }

    private String live() {
        return "localhost:" + peerListener.port();
    }

    /** A port nothing listens on. */
    private static String deadHost() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return "127.0.0.1:" + socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
