package io.livedrop.api.graphql;

import static org.assertj.core.api.Assertions.assertThat;

import io.livedrop.api.limits.Refusals;
import io.livedrop.api.testing.ApiIntegrationTest;
import io.livedrop.api.testing.GraphQlHttp;
import io.livedrop.api.testing.GraphQlHttp.Answer;
import io.livedrop.api.testing.Tokens;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Query cost against the whole running application: the issue's amplification query and its
 * aliased variants are refused before they run (BAD_REQUEST naming the cost and the limit, never
 * a 5xx, counted under {@code livedrop.graphql.max-cost}), while nested pages a client really
 * needs are served, from the creator index, with the same answers and cursors as the direct read.
 */
class QueryCostIntegrationTest extends ApiIntegrationTest {

    @Autowired
    Refusals refusals;

    @Test
    void shouldRefuseTheIssuesAmplificationQueryBeforeRunningIt() {
        double before = refusals.refused(QueryCost.SETTING);

        Answer answer = http().post(null, QueryCostTest.AMPLIFIER, null);

        assertRefusedForCost(answer, 3_040_401);
        assertThat(refusals.refused(QueryCost.SETTING)).isEqualTo(before + 1);
    }

    @Test
    void shouldRefuseAliasMultipliedVariants() {
        double before = refusals.refused(QueryCost.SETTING);
        // each alias alone is within the limit (25,681); three together are not
        String defaults = QueryCostTest.AMPLIFIER.replace("(first:100)", "");

        assertRefusedForCost(http().post(null, QueryCostTest.aliased(defaults, 3), null), 3 * 25_681);
        assertRefusedForCost(http().post(null, QueryCostTest.aliased(QueryCostTest.AMPLIFIER, 20), null), 20 * 3_040_401);
        assertThat(refusals.refused(QueryCost.SETTING)).isEqualTo(before + 2);
    }

    @Test
    void shouldServeLiveDropsWithTheirCreatorsDropsAsTheCreatorsOwnPage() {
        // Given the demo catalog's live drops
        Answer nested = http().post(null, """
                { liveDrops(first: 5) { edges { node { id creator { id drops(first: 5) {
                    edges { cursor node { id creator { id } } } pageInfo { hasNextPage endCursor } } } } } } }""", null);

        // Then the nested query is served, and each creator's page is exactly its own page read directly
        assertThat(nested.status()).isEqualTo(200);
        assertThat(nested.errors()).as(nested.abbreviated()).isEmpty();
        List<JsonNode> live = nested.data().path("liveDrops").path("edges").values().stream().toList();
        assertThat(live).isNotEmpty();
        for (JsonNode edge : live) {
            JsonNode creator = edge.path("node").path("creator");
            String creatorId = creator.path("id").asString();
            assertThat(creator.path("drops").path("edges").values().stream().toList()).isNotEmpty()
                    .allSatisfy(d -> assertThat(d.path("node").path("creator").path("id").asString()).isEqualTo(creatorId));
            Answer direct = http().post(null, "query($id: ID!) { creator(id: $id) { drops(first: 5) {"
                    + " edges { cursor node { id creator { id } } } pageInfo { hasNextPage endCursor } } } }", Map.of("id", creatorId));
            assertThat(creator.path("drops")).isEqualTo(direct.data().path("creator").path("drops"));
        }
    }

    @Test
    void shouldPageACreatorsDropsLatestStartFirstWithCursors() {
        // Given a fresh creator with three drops starting in 1, 3 and 2 hours
        String creatorId = "creator-cost-" + UUID.randomUUID().toString().substring(0, 8);
        String token = Tokens.creator(creatorId);
        String productId = http().post(token, "mutation($input: ProductInput!) { upsertProduct(input: $input) { id } }",
                Map.of("input", Map.of("name", "Tote"))).data().path("upsertProduct").path("id").asString();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<String> ids = new ArrayList<>();
        for (int hours : new int[] {1, 3, 2}) {
            Answer scheduled = http().post(token, "mutation($input: ScheduleDropInput!) { scheduleDrop(input: $input) { id } }",
                    Map.of("input", Map.of("productId", productId, "stock", 5, "priceCents", 100,
                            "startsAt", now.plusSeconds(3_600L * hours).toString())));
            assertThat(scheduled.errors()).as(scheduled.abbreviated()).isEmpty();
            ids.add(scheduled.data().path("scheduleDrop").path("id").asString());
        }

        // When its drops are paged two at a time
        String page = "query($id: ID!, $after: String) { creator(id: $id) { drops(first: 2, after: $after) {"
                + " edges { node { id startsAt } } pageInfo { hasNextPage endCursor } } } }";
        JsonNode first = http().post(null, page, Map.of("id", creatorId)).data().path("creator").path("drops");
        JsonNode second = http().post(null, page, Map.of("id", creatorId, "after", first.path("pageInfo").path("endCursor").asString()))
                .data().path("creator").path("drops");

        // Then the latest start comes first, and the second page resumes after the first
        assertThat(nodeIds(first)).containsExactly(ids.get(1), ids.get(2));
        assertThat(first.path("pageInfo").path("hasNextPage").asBoolean()).isTrue();
        assertThat(nodeIds(second)).containsExactly(ids.get(0));
        assertThat(second.path("pageInfo").path("hasNextPage").asBoolean()).isFalse();
    }

    private static List<String> nodeIds(JsonNode connection) {
        return connection.path("edges").values().stream().map(e -> e.path("node").path("id").asString()).toList();
    }

    private static void assertRefusedForCost(Answer answer, long cost) {
        assertThat(answer.status()).as(answer.abbreviated()).isIn(200, 400);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).contains("json"));
        assertThat(answer.codes()).as(answer.abbreviated()).containsExactly("BAD_REQUEST");
        assertThat(answer.errors().get(0).path("message").asString())
                .contains("Query cost " + cost, "limit of 50000", QueryCost.SETTING);
        assertThat(answer.json().path("data").isMissingNode() || answer.json().path("data").isNull()).as(answer.abbreviated()).isTrue();
    }

    private GraphQlHttp http() {
        return new GraphQlHttp(graphQlUrl());
    }
}
