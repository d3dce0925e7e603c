package io.livedrop.api.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyCollection;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.then;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;

import io.livedrop.api.fanout.DocumentShapes;
import io.livedrop.api.graphql.ApiException;
import io.livedrop.api.graphql.ApiExceptionResolver;
import io.livedrop.api.graphql.Connection;
import io.livedrop.api.graphql.GraphQlConfiguration;
import io.livedrop.api.graphql.QueryLimits;
import io.livedrop.api.security.Viewer;
import io.livedrop.events.catalog.Creator;
import io.livedrop.events.catalog.Product;
import io.livedrop.events.drop.DropStatus;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.graphql.test.autoconfigure.GraphQlTest;
import org.springframework.context.annotation.Import;
import org.springframework.graphql.ResponseError;
import org.springframework.graphql.test.tester.ExecutionGraphQlServiceTester;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

/**
 * The catalog controller alone (a GraphQL slice over mocked services): how arguments reach the
 * services, how answers are shaped, that nested products and creators of a page of drops are
 * batch-loaded once per field (no N+1), that a creator's drops are read once per distinct
 * (creator, first, after) however often the document asks, and that service failures become errors with
 * {@code extensions.code}.
 */
@GraphQlTest(CatalogController.class)
@Import({GraphQlConfiguration.class, ApiExceptionResolver.class, DocumentShapes.class})
@EnableConfigurationProperties(QueryLimits.class)
class CatalogControllerTest {

    private static final Instant STARTS = Instant.parse("2026-11-25T18:00:00Z");
    private static final String CURSOR = io.livedrop.api.graphql.Pages.cursor("0000000000000000001|d-8");
    private static final Map<String, Product> PRODUCTS = Map.of(
            "product-hoodie", product("product-hoodie", "creator-ava"),
            "product-cap", product("product-cap", "creator-ava"),
            "product-print", product("product-print", "creator-lola"));
    private static final Map<String, Creator> CREATORS = Map.of(
            "creator-ava", creator("creator-ava", "Ava Stone"),
            "creator-lola", creator("creator-lola", "Lola Reyes"));

    @Autowired
    ExecutionGraphQlServiceTester graphQlTester;

    @MockitoBean
    CatalogQueryService catalog;

    @MockitoBean
    CatalogCommands commands;

    @MockitoBean
    DropUpdatesFeed updates;

    @Test
    void shouldLoadProductsAndCreatorsOncePerPageOfDrops() {
        // Given a page of four drops over three products of two creators (one product twice)
        given(catalog.liveDrops(anyInt(), any())).willReturn(connection(
                drop("d-1", "creator-ava", "product-hoodie"),
                drop("d-2", "creator-ava", "product-cap"),
                drop("d-3", "creator-lola", "product-print"),
                drop("d-4", "creator-ava", "product-hoodie")));
        stubBatchLoaders();

        // When the page is asked with each drop's product and creator in one request
        graphQlTester.documentName("catalogLiveDropsWithProductAndCreator").execute()
                .path("liveDrops.edges[*].node.product.id")
                .entityList(String.class).containsExactly("product-hoodie", "product-cap", "product-print", "product-hoodie")
                .path("liveDrops.edges[*].node.creator.name")
                .entityList(String.class).containsExactly("Ava Stone", "Ava Stone", "Lola Reyes", "Ava Stone");

        // Then products and creators were each read once, for the distinct ids of the page, and never one by one
        ArgumentCaptor<Collection<String>> productIds = collectionCaptor();
        ArgumentCaptor<Collection<String>> creatorIds = collectionCaptor();
        then(catalog).should(times(1)).products(productIds.capture());
        then(catalog).should(times(1)).creators(creatorIds.capture());
        assertThat(productIds.getValue()).containsExactlyInAnyOrder("product-hoodie", "product-cap", "product-print");
        assertThat(creatorIds.getValue()).containsExactlyInAnyOrder("creator-ava", "creator-lola");
        then(catalog).should(never()).product(any());
        then(catalog).should(never()).creator(any());
    }

    @Test
    void shouldLoadCreatorsOncePerFieldWhenProductsAskForTheirCreatorToo() {
        // Given a page of three drops
        given(catalog.liveDrops(anyInt(), any())).willReturn(connection(
                drop("d-1", "creator-ava", "product-hoodie"),
                drop("d-2", "creator-ava", "product-cap"),
                drop("d-3", "creator-lola", "product-print")));
        stubBatchLoaders();

        // When each drop's creator and its product's creator are asked
        graphQlTester.documentName("catalogLiveDropsWithNestedCreators").execute()
                .path("liveDrops.edges[*].node.product.creator.id")
                .entityList(String.class).containsExactly("creator-ava", "creator-ava", "creator-lola");

        // Then products were read once and creators once per field (Drop.creator, Product.creator): 2, not 6
        then(catalog).should(times(1)).products(anyCollection());
        then(catalog).should(times(2)).creators(anyCollection());
    }

    @Test
    void shouldShapeLiveDropsAsAConnectionWithCursors() {
        // Given the service answers a page of two drops with more after them
        DropView first = drop("d-1", "creator-ava", "product-hoodie");
        DropView second = new DropView("d-2", "creator-lola", "product-print", DropStatus.LIVE, STARTS,
                STARTS.plusSeconds(3_600), 50, 0, null, 12_000L, "EUR", STARTS, STARTS);
        given(catalog.liveDrops(anyInt(), any())).willReturn(new Connection<>(
                List.of(new Connection.Edge<>("cursor-1", first), new Connection.Edge<>("cursor-2", second)),
                new Connection.PageInfo(true, "cursor-2")));

        // When a client pages with first and after
        var response = graphQlTester.documentName("catalogLiveDropsPage")
                .variable("first", 2).variable("after", CURSOR).execute();

        // Then the arguments reached the service and the answer is a Relay connection
        then(catalog).should().liveDrops(2, CURSOR);
        response.path("liveDrops.edges[*].cursor").entityList(String.class).containsExactly("cursor-1", "cursor-2")
                .path("liveDrops.edges[*].node.id").entityList(String.class).containsExactly("d-1", "d-2")
                .path("liveDrops.pageInfo.hasNextPage").entity(Boolean.class).isEqualTo(true)
                .path("liveDrops.pageInfo.endCursor").entity(String.class).isEqualTo("cursor-2")
                .path("liveDrops.edges[1].node.startsAt").entity(String.class).isEqualTo("2026-11-25T18:00:00Z")
                .path("liveDrops.edges[1].node.endsAt").entity(String.class).isEqualTo("2026-11-25T19:00:00Z")
                .path("liveDrops.edges[1].node.remainingStock").entity(Integer.class).isEqualTo(0)
                .path("liveDrops.edges[1].node.currency").entity(String.class).isEqualTo("EUR")
                .path("liveDrops.edges[1].node.perUserLimit").valueIsNull()
                .path("liveDrops.edges[0].node.endsAt").valueIsNull();
    }

    @Test
    void shouldUseTheDefaultPageSizeWhenFirstIsOmittedOrNull() {
        // Given an empty page
        given(catalog.liveDrops(anyInt(), any())).willReturn(connection());

        // When first is left out, then sent as an explicit null
        graphQlTester.documentName("catalogLiveDropsPage").execute()
                .path("liveDrops.edges").entityList(Object.class).hasSize(0)
                .path("liveDrops.pageInfo.endCursor").valueIsNull();
        graphQlTester.documentName("catalogLiveDropsPage").variable("first", null).execute()
                .path("liveDrops.pageInfo.hasNextPage").entity(Boolean.class).isEqualTo(false);

        // Then both asked the service for the schema's default of 20
        then(catalog).should(times(2)).liveDrops(20, null);
    }

    @Test
    void shouldReadEachDistinctPageOfLiveDropsOnceHoweverManyAliasesAskForIt() {
        // Given the service answers a page named after its size
        given(catalog.liveDrops(anyInt(), any())).willAnswer(call -> connection(
                drop("d-" + call.getArgument(0), "creator-ava", "product-cap")));

        // When one request asks the same page three times under aliases, and another page once
        graphQlTester.document("""
                        query($after: String) {
                          a: liveDrops(first: 5) { edges { node { id } } }
                          b: liveDrops(first: 5) { edges { node { id } } }
                          c: liveDrops(first: 5) { edges { node { id } } pageInfo { hasNextPage } }
                          d: liveDrops(first: 2, after: $after) { edges { node { id } } }
                        }""").variable("after", CURSOR).execute()
                .path("a.edges[*].node.id").entityList(String.class).containsExactly("d-5")
                .path("c.edges[*].node.id").entityList(String.class).containsExactly("d-5")
                .path("d.edges[*].node.id").entityList(String.class).containsExactly("d-2");

        // Then each distinct (first, after) was read (one index read, gathered across instances) exactly once
        then(catalog).should(times(2)).liveDrops(anyInt(), any());
        then(catalog).should().liveDrops(5, null);
        then(catalog).should().liveDrops(2, CURSOR);
    }

    @Test
    void shouldRefuseABadPageOfLiveDropsAtItsOwnFieldWithoutReading() {
        // When one alias has a cursor this API did not make and another first out of range
        graphQlTester.document("""
                        { bad: liveDrops(after: "garbage") { edges { node { id } } }
                          big: liveDrops(first: 101) { edges { node { id } } } }""").execute()
                .errors().satisfy(errors -> {
                    assertThat(errors).hasSize(2)
                            .allSatisfy(e -> assertThat(e.getExtensions()).containsEntry("code", "BAD_REQUEST"));
                    assertThat(errors).extracting(ResponseError::getPath).containsExactlyInAnyOrder("bad", "big");
                });

        // Then nothing was read
        then(catalog).should(never()).liveDrops(anyInt(), any());
    }

    @Test
    void shouldPassACreatorsDropsArgumentsToTheService() {
        // Given a creator with one drop
        given(catalog.creator("creator-ava")).willReturn(java.util.Optional.of(CREATORS.get("creator-ava")));
        given(catalog.dropsOfCreator(any(), anyInt(), any())).willReturn(new Connection<>(
                List.of(new Connection.Edge<>("c-9", drop("d-9", "creator-ava", "product-cap"))),
                new Connection.PageInfo(false, "c-9")));

        // When the creator's drops are paged
        graphQlTester.documentName("catalogCreatorDrops")
                .variable("id", "creator-ava").variable("first", 5).variable("after", CURSOR).execute()
                .path("creator.drops.edges[0].node.id").entity(String.class).isEqualTo("d-9")
                .path("creator.drops.pageInfo.endCursor").entity(String.class).isEqualTo("c-9");

        // Then the service got the creator's id and the page arguments
        then(catalog).should().dropsOfCreator("creator-ava", 5, CURSOR);
    }

    @Test
    void shouldReadACreatorsDropsOncePerRequestHoweverManyDropsOfThePageAskForThem() {
        // Given a page of four drops of one creator, whose own drops are two
        given(catalog.liveDrops(anyInt(), any())).willReturn(connection(
                drop("d-1", "creator-ava", "product-hoodie"), drop("d-2", "creator-ava", "product-cap"),
                drop("d-3", "creator-ava", "product-hoodie"), drop("d-4", "creator-ava", "product-cap")));
        stubBatchLoaders();
        given(catalog.dropsOfCreator(any(), anyInt(), any())).willReturn(connection(
                drop("d-1", "creator-ava", "product-hoodie"), drop("d-2", "creator-ava", "product-cap")));

        // When each drop of the page asks for its creator's drops
        graphQlTester.documentName("catalogLiveDropsWithCreatorDrops").variable("first", 5).execute()
                .path("liveDrops.edges[*].node.creator.drops.edges[*].node.id").entityList(String.class)
                .containsExactly("d-1", "d-2", "d-1", "d-2", "d-1", "d-2", "d-1", "d-2");

        // Then the creator's drops were read (one index read, gathered across instances) once, not four times
        then(catalog).should(times(1)).dropsOfCreator(any(), anyInt(), any());
        then(catalog).should().dropsOfCreator("creator-ava", 5, null);
    }

    @Test
    void shouldReadOncePerDistinctCreatorAndPageArguments() {
        // Given a page of three drops of two creators
        given(catalog.liveDrops(anyInt(), any())).willReturn(connection(
                drop("d-1", "creator-ava", "product-hoodie"), drop("d-2", "creator-lola", "product-print"),
                drop("d-3", "creator-ava", "product-cap")));
        stubBatchLoaders();
        given(catalog.dropsOfCreator(any(), anyInt(), any())).willAnswer(call -> connection(
                drop("of-" + call.getArgument(0) + "-" + call.getArgument(1), call.getArgument(0), "product-cap")));

        // When each drop's creator is asked for its drops three times: twice with 5, once with 2 and a cursor
        graphQlTester.document("""
                        query($after: String) { liveDrops { edges { node { creator {
                          a: drops(first: 5) { edges { node { id } } }
                          b: drops(first: 5) { edges { node { id } } }
                          c: drops(first: 2, after: $after) { edges { node { id } } }
                        } } } } }""").variable("after", CURSOR).execute()
                .path("liveDrops.edges[*].node.creator.b.edges[*].node.id").entityList(String.class)
                .containsExactly("of-creator-ava-5", "of-creator-lola-5", "of-creator-ava-5")
                .path("liveDrops.edges[*].node.creator.c.edges[*].node.id").entityList(String.class)
                .containsExactly("of-creator-ava-2", "of-creator-lola-2", "of-creator-ava-2");

        // Then each distinct (creator, first, after) was read exactly once: 4 reads for 9 fields
        then(catalog).should(times(4)).dropsOfCreator(any(), anyInt(), any());
        then(catalog).should().dropsOfCreator("creator-ava", 5, null);
        then(catalog).should().dropsOfCreator("creator-lola", 5, null);
        then(catalog).should().dropsOfCreator("creator-ava", 2, CURSOR);
        then(catalog).should().dropsOfCreator("creator-lola", 2, CURSOR);
    }

    @Test
    void shouldRefuseABadPageOfACreatorsDropsAtItsOwnFieldWithoutReading() {
        // Given a creator
        given(catalog.creator("creator-ava")).willReturn(java.util.Optional.of(CREATORS.get("creator-ava")));

        // When its drops are asked with a cursor this API did not make, and with first out of range
        graphQlTester.documentName("catalogCreatorDrops").variable("id", "creator-ava").variable("after", "garbage").execute()
                .errors().satisfy(errors -> {
                    assertThat(errors).hasSize(1);
                    assertThat(errors.get(0).getExtensions()).containsEntry("code", "BAD_REQUEST");
                    assertThat(errors.get(0).getPath()).isEqualTo("creator.drops");
                });
        graphQlTester.documentName("catalogCreatorDrops").variable("id", "creator-ava").variable("first", 101).execute()
                .errors().satisfy(errors -> assertThat(errors).singleElement()
                        .satisfies(e -> assertThat(e.getExtensions()).containsEntry("code", "BAD_REQUEST")));

        // Then nothing was read
        then(catalog).should(never()).dropsOfCreator(any(), anyInt(), any());
    }

    @Test
    void shouldAnswerNullForADropThatDoesNotExist() {
        // Given no drop with that id
        given(catalog.drop("d-none")).willReturn(java.util.Optional.empty());

        // When it is asked, then the answer is null without an error
        graphQlTester.documentName("catalogDrop").variable("id", "d-none").execute()
                .path("drop").valueIsNull();
    }

    @Test
    void shouldTurnAnApiExceptionIntoAnErrorWithItsCode() {
        // Given the service refuses the id
        given(catalog.drop("../etc")).willThrow(ApiException.badRequest("Malformed id '../etc'"));

        // When it is asked
        graphQlTester.documentName("catalogDrop").variable("id", "../etc").execute()
                // Then the error carries the contract's code, the field's path and the service's message
                .errors().satisfy(errors -> {
                    assertThat(errors).hasSize(1);
                    ResponseError error = errors.get(0);
                    assertThat(error.getExtensions()).containsEntry("code", "BAD_REQUEST");
                    assertThat(error.getPath()).isEqualTo("drop");
                    assertThat(error.getMessage()).contains("Malformed id");
                })
                .path("drop").valueIsNull();
    }

    @Test
    void shouldHideAnUnexpectedFailureBehindUnavailable() {
        // Given the service fails with an internal error that names internals
        given(catalog.drop("d-1")).willThrow(new IllegalStateException("store drop-state at /var/secret is corrupt"));

        // When the drop is asked
        graphQlTester.documentName("catalogDrop").variable("id", "d-1").execute()
                // Then the client sees a retryable UNAVAILABLE with no internal detail
                .errors().satisfy(errors -> {
                    assertThat(errors).hasSize(1);
                    assertThat(errors.get(0).getExtensions()).containsEntry("code", "UNAVAILABLE");
                    assertThat(errors.get(0).getMessage()).doesNotContain("secret", "IllegalStateException", "corrupt");
                });
    }

    @Test
    void shouldGiveEveryDropOfAPageTheCodeOfAFailedBatchLoad() {
        // Given a page of two drops whose products cannot be read right now
        given(catalog.liveDrops(anyInt(), any())).willReturn(connection(
                drop("d-1", "creator-ava", "product-hoodie"), drop("d-2", "creator-lola", "product-print")));
        given(catalog.creators(anyCollection())).willAnswer(call -> pick(CREATORS, call.getArgument(0)));
        given(catalog.products(anyCollection())).willThrow(ApiException.unavailable("rebalancing", null));

        // When the page is asked with the products
        graphQlTester.documentName("catalogLiveDropsWithProductAndCreator").execute()
                // Then each failed product field is an UNAVAILABLE error at its own path
                .errors().satisfy(errors -> {
                    assertThat(errors).isNotEmpty()
                            .allSatisfy(e -> assertThat(e.getExtensions()).containsEntry("code", "UNAVAILABLE"));
                    assertThat(errors).extracting(ResponseError::getPath)
                            .contains("liveDrops.edges[0].node.product");
                });
        then(catalog).should(times(1)).products(anyCollection());
    }

    @Test
    void shouldPassScheduleDropInputThroughWithParsedDateTimes() {
        // Given the commands accept the drop
        given(commands.scheduleDrop(any(), any())).willReturn(new DropView("d-new", "creator-ava", "product-cap",
                DropStatus.SCHEDULED, STARTS, STARTS.plusSeconds(7_200), 100, 100, 2, 2_500L, "USD", null, STARTS));

        // When a drop is scheduled with an offset startsAt and no currency (the schema's default)
        Map<String, Object> input = new HashMap<>();
        input.put("productId", "product-cap");
        input.put("stock", 100);
        input.put("priceCents", 2_500);
        input.put("startsAt", "2026-11-25T19:00:00+01:00");
        input.put("endsAt", "2026-11-25T20:00:00Z");
        input.put("perUserLimit", 2);
        graphQlTester.documentName("catalogScheduleDrop").variable("input", input).execute()
                .path("scheduleDrop.id").entity(String.class).isEqualTo("d-new")
                .path("scheduleDrop.status").entity(String.class).isEqualTo("SCHEDULED")
                .path("scheduleDrop.startsAt").entity(String.class).isEqualTo("2026-11-25T18:00:00Z");

        // Then the commands got the input with instants in UTC and currency USD (no viewer in this request)
        ArgumentCaptor<CatalogCommands.ScheduleDropInput> passed = ArgumentCaptor.forClass(CatalogCommands.ScheduleDropInput.class);
        then(commands).should().scheduleDrop(isNull(), passed.capture());
        assertThat(passed.getValue()).isEqualTo(new CatalogCommands.ScheduleDropInput("product-cap", 100, 2_500, "USD",
                Instant.parse("2026-11-25T18:00:00Z"), Instant.parse("2026-11-25T20:00:00Z"), 2));
    }

    @Test
    void shouldPassTheViewerAndNullTimesToScheduleDrop() {
        // Given a creator viewer in the GraphQL context
        Viewer creator = new Viewer("creator-ava", Set.of(Viewer.CREATOR), "token");
        given(commands.scheduleDrop(any(), any())).willReturn(drop("d-new", "creator-ava", "product-cap"));

        // When a drop is scheduled to start now, open-ended, in EUR
        withViewer(creator).documentName("catalogScheduleDrop")
                .variable("input", Map.of("productId", "product-cap", "stock", 1, "priceCents", 0, "currency", "EUR"))
                .execute().path("scheduleDrop.id").entity(String.class).isEqualTo("d-new");

        // Then the commands got the viewer and null times, as the contract's "startsAt null = now"
        then(commands).should().scheduleDrop(eq(creator), eq(new CatalogCommands.ScheduleDropInput(
                "product-cap", 1, 0, "EUR", null, null, null)));
    }

    @Test
    void shouldRefuseAnUnparseableDateTimeBeforeCallingTheCommands() {
        // When startsAt is not an ISO-8601 instant
        graphQlTester.documentName("catalogScheduleDrop")
                .variable("input", Map.of("productId", "product-cap", "stock", 1, "priceCents", 0, "startsAt", "next tuesday"))
                .execute()
                // Then the request is refused with a message that says what a DateTime is
                .errors().satisfy(errors -> {
                    assertThat(errors).hasSize(1);
                    assertThat(errors.get(0).getMessage()).contains("Invalid DateTime 'next tuesday'");
                });
        then(commands).shouldHaveNoInteractions();
    }

    @Test
    void shouldPassUpsertProductInputThroughAndResolveItsCreator() {
        // Given the commands accept the product
        Viewer creator = new Viewer("creator-ava", Set.of(Viewer.CREATOR), "token");
        given(commands.upsertProduct(any(), any())).willReturn(Product.newBuilder().setId("p-1").setCreatorId("creator-ava")
                .setName("Tote").setDescription("Canvas").setImageUrl("https://img.example/tote.png").setUpdatedAt(STARTS).build());
        stubBatchLoaders();

        // When a creator upserts a product without an id
        Map<String, Object> input = new HashMap<>();
        input.put("name", "Tote");
        input.put("description", "Canvas");
        input.put("imageUrl", "https://img.example/tote.png");
        withViewer(creator).documentName("catalogUpsertProduct").variable("input", input).execute()
                .path("upsertProduct.id").entity(String.class).isEqualTo("p-1")
                .path("upsertProduct.creator.id").entity(String.class).isEqualTo("creator-ava");

        // Then the commands got the viewer and the input as sent
        then(commands).should().upsertProduct(creator,
                new CatalogCommands.ProductInput(null, "Tote", "Canvas", "https://img.example/tote.png"));
    }

    private ExecutionGraphQlServiceTester withViewer(Viewer viewer) {
        return graphQlTester.mutate()
                .configureExecutionInput((input, builder) -> builder.graphQLContext(Map.of(Viewer.CONTEXT_KEY, viewer)).build())
                .build();
    }

    private void stubBatchLoaders() {
        given(catalog.products(anyCollection())).willAnswer(call -> pick(PRODUCTS, call.getArgument(0)));
        given(catalog.creators(anyCollection())).willAnswer(call -> pick(CREATORS, call.getArgument(0)));
    }

    private static <T> Map<String, T> pick(Map<String, T> all, Collection<String> ids) {
        Map<String, T> found = new LinkedHashMap<>();
        ids.forEach(id -> {
            if (all.containsKey(id)) {
                found.put(id, all.get(id));
            }
        });
        return found;
    }

    @SuppressWarnings("unchecked")
    private static ArgumentCaptor<Collection<String>> collectionCaptor() {
        return ArgumentCaptor.forClass((Class<Collection<String>>) (Class<?>) Collection.class);
    }

    private static Connection<DropView> connection(DropView... drops) {
        List<Connection.Edge<DropView>> edges = java.util.Arrays.stream(drops)
                .map(d -> new Connection.Edge<>("cursor-" + d.id(), d)).toList();
        return new Connection<>(edges, new Connection.PageInfo(false, edges.isEmpty() ? null : edges.get(edges.size() - 1).cursor()));
    }

    private static DropView drop(String id, String creatorId, String productId) {
        return new DropView(id, creatorId, productId, DropStatus.LIVE, STARTS, null, 100, 90, 2, 8_900L, "USD", STARTS, STARTS);
    }

    private static Product product(String id, String creatorId) {
        return Product.newBuilder().setId(id).setCreatorId(creatorId).setName("Name of " + id).setUpdatedAt(STARTS).build();
    }

    private static Creator creator(String id, String name) {
        return Creator.newBuilder().setId(id).setName(name).setCreatedAt(STARTS).build();
    }
}
