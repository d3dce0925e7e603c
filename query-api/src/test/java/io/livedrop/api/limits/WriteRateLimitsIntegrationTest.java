package io.livedrop.api.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.livedrop.api.testing.ApiIntegrationTest;
import io.livedrop.api.testing.GraphQlHttp;
import io.livedrop.api.testing.Tokens;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The per-user rate limits on follow/unfollow and on catalog changes (issue 14, point 11), on the whole application
 * with its default settings: a burst past the limit is refused RATE_LIMITED with a message saying when to retry,
 * counted, and writes nothing; what the web page does stays far from the limit.
 */
class WriteRateLimitsIntegrationTest extends ApiIntegrationTest {

    private static final String UPSERT = "mutation($in: ProductInput!) { upsertProduct(input: $in) { id } }";
    private static final String SCHEDULE = "mutation($in: ScheduleDropInput!) { scheduleDrop(input: $in) { id } }";
    private static final String FOLLOW = "mutation($id: ID!) { follow(creatorId: $id) { creator { id } } }";
    private static final String UNFOLLOW = "mutation($id: ID!) { unfollow(creatorId: $id) { creator { id } } }";
    private static final String PRODUCT = "query($id: ID!) { product(id: $id) { id } }";
    private static final String CREATOR_DROPS = "query($id: ID!) { creator(id: $id) { drops { edges { node { id } } } } }";
    private static final String FOLLOWING = "{ me { following { edges { node { id } } } } }";
    private static final String RETRY_IN = ".*retry in \\d+ s.*";

    @Autowired
    private Refusals refusals;
    @Autowired
    private WriteRateProperties limits;

    @Test
    void shouldRefuseCatalogChangesPastTheLimitAndWriteNothing() {
        // Given a creator with a product
        String creator = "c-rl-" + shortId();
        String token = Tokens.creator(creator);
        String firstProduct = upsert(token, "p-rl-" + shortId()).data().path("upsertProduct").path("id").asString();
        double refusedBefore = refusals.refused(WriteRates.CATALOG);

        // When the creator writes products as fast as a script can, past the burst
        GraphQlHttp.Answer refused = null;
        String refusedId = null;
        int accepted = 1;
        for (int i = 0; i < 10 * limits.catalogRateBurst() && refused == null; i++) {
            String id = "p-rl-" + shortId();
            GraphQlHttp.Answer answer = upsert(token, id);
            if (answer.codes().contains("RATE_LIMITED")) {
                refused = answer;
                refusedId = id;
            } else {
                assertThat(answer.errors()).as(answer.abbreviated()).isEmpty();
                accepted++;
            }
        }

        // Then past the burst it is refused, saying when to retry, and counted
        assertThat(refused).as("refused within " + 10 * limits.catalogRateBurst() + " calls").isNotNull();
        assertThat(accepted).isGreaterThanOrEqualTo(limits.catalogRateBurst());
        assertThat(refused.status()).isEqualTo(200);
        assertThat(refused.errors().get(0).path("message").asString()).matches(RETRY_IN);
        assertThat(refused.data().path("upsertProduct").isNull() || refused.data().isMissingNode()
                || refused.data().isNull()).isTrue();
        // and scheduleDrop shares the creator's bucket
        GraphQlHttp.Answer drop = http().post(token, SCHEDULE, Map.of("in", Map.of("productId", firstProduct,
                "stock", 5, "priceCents", 100)));
        assertThat(drop.codes()).as(drop.abbreviated()).containsExactly("RATE_LIMITED");
        assertThat(refusals.refused(WriteRates.CATALOG)).isEqualTo(refusedBefore + 2);

        // And the refused calls wrote nothing, also once a later write of the creator is visible
        GraphQlHttp.Answer later = awaitAccepted(() -> upsert(token, "p-rl-" + shortId()));
        assertThat(later.errors()).isEmpty();
        assertThat(http().post(null, PRODUCT, Map.of("id", refusedId)).data().path("product").isNull()).isTrue();
        assertThat(http().post(null, CREATOR_DROPS, Map.of("id", creator)).data().path("creator").path("drops")
                .path("edges").size()).isZero();
    }

    @Test
    void shouldRefuseFollowsPastTheLimitAndWriteNothing() {
        // Given a creator and a fan who follows and unfollows as fast as a script can
        String creator = "c-rl-" + shortId();
        upsert(Tokens.creator(creator), "p-rl-" + shortId());
        String fan = Tokens.user("fan-rl-" + shortId());
        double refusedBefore = refusals.refused(WriteRates.FOLLOW);
        GraphQlHttp.Answer refused = null;
        boolean refusedAFollow = false;
        for (int i = 0; i < 10 * limits.followRateBurst() && refused == null; i++) {
            boolean follow = i % 2 == 0;
            GraphQlHttp.Answer answer = http().post(fan, follow ? FOLLOW : UNFOLLOW, Map.of("id", creator));
            if (answer.codes().contains("RATE_LIMITED")) {
                refused = answer;
                refusedAFollow = follow;
            } else {
                assertThat(answer.errors()).as(answer.abbreviated()).isEmpty();
            }
        }

        // Then past the burst it is refused, saying when to retry, and counted
        assertThat(refused).isNotNull();
        assertThat(refused.errors().get(0).path("message").asString()).matches(RETRY_IN);
        assertThat(refusals.refused(WriteRates.FOLLOW)).isEqualTo(refusedBefore + 1);
        // And the refused call changed nothing: the fan's following list is what the last accepted call made it
        assertThat(http().post(fan, FOLLOWING, Map.of()).data().path("me").path("following").path("edges").size())
                .isEqualTo(refusedAFollow ? 0 : 1);
    }

    @Test
    void shouldNeverLimitWhatTheWebPageDoes() {
        // Given a fan and a creator using the web page (a follow per click; a product, then a drop of it)
        String creator = "c-rl-" + shortId();
        String creatorToken = Tokens.creator(creator);
        String fan = Tokens.user("fan-rl-" + shortId());
        double catalogBefore = refusals.refused(WriteRates.CATALOG);
        double followBefore = refusals.refused(WriteRates.FOLLOW);

        // When each does it five times in a row, at once (far more than a person clicks)
        for (int round = 0; round < 5; round++) {
            String product = "p-rl-" + shortId();
            assertThat(upsert(creatorToken, product).errors()).isEmpty();
            GraphQlHttp.Answer drop = http().post(creatorToken, SCHEDULE, Map.of("in", Map.of("productId", product,
                    "stock", 5, "priceCents", 100)));
            assertThat(drop.errors()).as(drop.abbreviated()).isEmpty();
            assertThat(http().post(fan, FOLLOW, Map.of("id", creator)).errors()).isEmpty();
            assertThat(http().post(fan, UNFOLLOW, Map.of("id", creator)).errors()).isEmpty();
        }

        // Then nothing was refused, and the limits leave room for far more
        assertThat(refusals.refused(WriteRates.CATALOG)).isEqualTo(catalogBefore);
        assertThat(refusals.refused(WriteRates.FOLLOW)).isEqualTo(followBefore);
        assertThat(limits.catalogRateBurst()).isGreaterThanOrEqualTo(3 * 10);
        assertThat(limits.followRateBurst()).isGreaterThanOrEqualTo(3 * 10);
    }

    private GraphQlHttp.Answer upsert(String token, String id) {
        return http().post(token, UPSERT, Map.of("in", Map.of("id", id, "name", "Rate tee " + id)));
    }

    /** Repeats a call refused RATE_LIMITED (waiting as a client would) until it is not. */
    private static GraphQlHttp.Answer awaitAccepted(java.util.function.Supplier<GraphQlHttp.Answer> call) {
        for (int i = 0; i < 30; i++) {
            GraphQlHttp.Answer answer = call.get();
            if (!answer.codes().contains("RATE_LIMITED")) {
                return answer;
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("still RATE_LIMITED after 15 s");
    }

    private GraphQlHttp http() {
        return new GraphQlHttp(graphQlUrl());
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
