package io.livedrop.api.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.livedrop.api.social.DropStartedFeed;
import io.livedrop.api.testing.ApiIntegrationTest;
import io.livedrop.api.testing.GraphQlWsClient;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * What {@code dropUpdates} and {@code dropStarted} subscriptions leave behind once their socket
 * closes, against the whole application, on both transports: no follower, no per-drop entry, no
 * dropStarted session.
 */
class DropUpdatesIntegrationTest extends ApiIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Autowired
    DropUpdatesFeed updates;

    @Autowired
    DropStartedFeed started;

    @ParameterizedTest(name = "over {0}")
    @ValueSource(strings = {"tomcat", "edge"})
    void shouldHoldNothingForTheSubscriptionsOfASocketThatCloses(String transport) {
        await().atMost(WAIT).until(() -> updates.followers() == 0 && started.sessions() == 0);
        int count = 60;
        try (GraphQlWsClient client = connected(transport, "u-" + UUID.randomUUID())) {
            // Given a socket subscribed to the updates of two drops, and to drop starts
            for (int i = 0; i < count; i++) {
                client.subscribe("d-" + i, "subscription($id: ID!) { dropUpdates(dropId: $id) { at } }",
                        Map.of("id", i % 2 == 0 ? "drop-hoodie-live" : "drop-print-live"));
            }
            client.subscribe("started", "subscription { dropStarted { startedAt } }", Map.of());
            for (int i = 0; i < count; i++) {
                assertThat(client.next(WAIT)).containsEntry("type", "next");
            }
            await().atMost(WAIT).until(() -> started.sessions() == 1);
            assertThat(updates.followers()).isEqualTo(count);
            assertThat(updates.followedDrops()).isEqualTo(2);
        }
        // When it closes, then nothing is held for it
        await().atMost(WAIT).until(() -> updates.followers() == 0 && started.sessions() == 0);
        assertThat(updates.followedDrops()).isZero();
    }
}
