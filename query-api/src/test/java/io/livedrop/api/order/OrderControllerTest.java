package io.livedrop.api.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyCollection;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.then;
import static org.mockito.Mockito.times;

import io.livedrop.api.catalog.CatalogQueryService;
import io.livedrop.api.catalog.DropView;
import io.livedrop.api.graphql.ApiException;
import io.livedrop.api.graphql.ApiExceptionResolver;
import io.livedrop.api.graphql.Connection;
import io.livedrop.api.graphql.ErrorCode;
import io.livedrop.api.graphql.GraphQlConfiguration;
import io.livedrop.api.graphql.QueryLimits;
import io.livedrop.api.security.Viewer;
import io.livedrop.events.drop.DropStatus;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.graphql.test.autoconfigure.GraphQlTest;
import org.springframework.context.annotation.Import;
import org.springframework.graphql.test.tester.ExecutionGraphQlServiceTester;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

/**
 * The order controller alone (a GraphQL slice over mocked services): the viewer reaches the
 * service from the GraphQL context, orders map onto the PlaceOrderPayload/Order types in every
 * status, a page of orders reads its drops once, and a missing viewer is UNAUTHENTICATED.
 */
@GraphQlTest(OrderController.class)
@Import({GraphQlConfiguration.class, ApiExceptionResolver.class})
@EnableConfigurationProperties(QueryLimits.class)
class OrderControllerTest {

    private static final Viewer ALICE = new Viewer("u-alice", Set.of(), "alice-token");
    private static final Instant PLACED = Instant.parse("2026-11-25T18:00:01.250Z");
    private static final Instant DECIDED = Instant.parse("2026-11-25T18:00:01.300Z");
    private static final String ORDER_ID = "0f8fad5b-d9cb-369f-a5b9-81a7f6d0d1e4";

    @Autowired
    ExecutionGraphQlServiceTester graphQlTester;

    @MockitoBean
    OrderService orders;

    @MockitoBean
    CatalogQueryService catalog;

    @Test
    void shouldMapAConfirmedOrderIntoThePayload() {
        // Given the service confirms the order
        given(orders.place(any(), any())).willReturn(CompletableFuture.completedFuture(
                new OrderView(ORDER_ID, "u-alice", "drop-hoodie-live", 2, "CONFIRMED", null, "key-1", PLACED, DECIDED)));
        stubDrops();

        // When alice places it
        asViewer(ALICE).documentName("orderPlaceOrder")
                .variable("input", Map.of("dropId", "drop-hoodie-live", "quantity", 2, "idempotencyKey", "key-1"))
                .execute()
                // Then the payload holds the decided order with its drop
                .path("placeOrder.order.id").entity(String.class).isEqualTo(ORDER_ID)
                .path("placeOrder.order.status").entity(String.class).isEqualTo("CONFIRMED")
                .path("placeOrder.order.rejectReason").valueIsNull()
                .path("placeOrder.order.quantity").entity(Integer.class).isEqualTo(2)
                .path("placeOrder.order.idempotencyKey").entity(String.class).isEqualTo("key-1")
                .path("placeOrder.order.placedAt").entity(String.class).isEqualTo("2026-11-25T18:00:01.250Z")
                .path("placeOrder.order.decidedAt").entity(String.class).isEqualTo("2026-11-25T18:00:01.300Z")
                .path("placeOrder.order.drop.id").entity(String.class).isEqualTo("drop-hoodie-live");

        // And the service got the viewer from the GraphQL context and the input as sent
        then(orders).should().place(ALICE, new OrderService.PlaceOrderInput("drop-hoodie-live", 2, "key-1"));
    }

    @Test
    void shouldMapARejectedOrderWithItsReason() {
        // Given the service rejects the order: sold out
        given(orders.place(any(), any())).willReturn(CompletableFuture.completedFuture(
                new OrderView(ORDER_ID, "u-alice", "drop-print-live", 1, "REJECTED", "SOLD_OUT", "key-2", PLACED, DECIDED)));
        stubDrops();

        // When alice places it, then it is a REJECTED order with its reason, not an error
        asViewer(ALICE).documentName("orderPlaceOrder")
                .variable("input", Map.of("dropId", "drop-print-live", "idempotencyKey", "key-2"))
                .execute()
                .path("placeOrder.order.status").entity(String.class).isEqualTo("REJECTED")
                .path("placeOrder.order.rejectReason").entity(String.class).isEqualTo("SOLD_OUT")
                .path("placeOrder.order.decidedAt").hasValue();

        // And an omitted quantity reached the service as the schema's default of 1
        then(orders).should().place(ALICE, new OrderService.PlaceOrderInput("drop-print-live", 1, "key-2"));
    }

    @Test
    void shouldMapAnUndecidedOrderAsPendingWithoutDecisionTime() {
        // Given the decision did not come within the server's wait
        given(orders.place(any(), any())).willReturn(CompletableFuture.supplyAsync(() ->
                new OrderView(ORDER_ID, "u-alice", "drop-hoodie-live", 1, OrderView.PENDING, null, "key-3", PLACED, null)));
        stubDrops();

        // When alice places it, then the answer is PENDING, with no reason and no decision time
        asViewer(ALICE).documentName("orderPlaceOrder")
                .variable("input", Map.of("dropId", "drop-hoodie-live", "quantity", 1, "idempotencyKey", "key-3"))
                .execute()
                .path("placeOrder.order.status").entity(String.class).isEqualTo("PENDING")
                .path("placeOrder.order.rejectReason").valueIsNull()
                .path("placeOrder.order.decidedAt").valueIsNull()
                .path("placeOrder.order.placedAt").entity(String.class).isEqualTo("2026-11-25T18:00:01.250Z");
    }

    @Test
    void shouldGiveTheCodeOfAnAsynchronousFailure() {
        // Given the service answers with a future that fails: rate limited
        given(orders.place(any(), any())).willReturn(CompletableFuture.failedFuture(new CompletionException(
                new ApiException(ErrorCode.RATE_LIMITED, "Too many orders from you right now"))));

        // When alice places an order
        asViewer(ALICE).documentName("orderPlaceOrder")
                .variable("input", Map.of("dropId", "drop-hoodie-live", "idempotencyKey", "key-4"))
                .execute()
                // Then the error carries RATE_LIMITED (the wrapper is not what the client sees)
                .errors().satisfy(errors -> {
                    assertThat(errors).hasSize(1);
                    assertThat(errors.get(0).getExtensions()).containsEntry("code", "RATE_LIMITED");
                    assertThat(errors.get(0).getPath()).isEqualTo("placeOrder");
                    assertThat(errors.get(0).getMessage()).isEqualTo("Too many orders from you right now");
                });
    }

    @Test
    void shouldAnswerNullForAnOrderTheViewerDoesNotHave() {
        // Given alice has no order with this id
        given(orders.find(any(), any())).willReturn(Optional.empty());

        // When she asks for it, then the answer is null without an error
        asViewer(ALICE).documentName("orderById").variable("id", ORDER_ID).execute()
                .path("order").valueIsNull();
        then(orders).should().find(ALICE, ORDER_ID);
    }

    @Test
    void shouldAnswerAnOrderOfTheViewer() {
        // Given alice has the order
        given(orders.find(any(), any())).willReturn(Optional.of(
                new OrderView(ORDER_ID, "u-alice", "drop-hoodie-live", 1, "CONFIRMED", null, "key-5", PLACED, DECIDED)));
        stubDrops();

        // When she asks for it, then she gets it with its drop
        asViewer(ALICE).documentName("orderById").variable("id", ORDER_ID).execute()
                .path("order.id").entity(String.class).isEqualTo(ORDER_ID)
                .path("order.drop.id").entity(String.class).isEqualTo("drop-hoodie-live");
    }

    @Test
    void shouldPageMyOrdersAndReadEachDistinctDropOnce() {
        // Given alice has three orders on two drops, one page of them with more to come
        OrderView first = new OrderView("00000000-0000-3000-8000-000000000001", "u-alice", "drop-hoodie-live", 1,
                "CONFIRMED", null, "k1", PLACED, DECIDED);
        OrderView second = new OrderView("00000000-0000-3000-8000-000000000002", "u-alice", "drop-print-live", 2,
                "REJECTED", "PER_USER_LIMIT", "k2", PLACED, DECIDED);
        OrderView third = new OrderView("00000000-0000-3000-8000-000000000003", "u-alice", "drop-hoodie-live", 1,
                OrderView.PENDING, null, "k3", PLACED, null);
        given(orders.myOrders(any(), anyInt(), any())).willReturn(new Connection<>(List.of(
                new Connection.Edge<>("c1", first), new Connection.Edge<>("c2", second), new Connection.Edge<>("c3", third)),
                new Connection.PageInfo(true, "c3")));
        stubDrops();

        // When she pages her orders with their drops
        asViewer(ALICE).documentName("orderMyOrders").variable("first", 3).variable("after", "c0").execute()
                // Then the page is a Relay connection of her orders in the service's order
                .path("myOrders.edges[*].cursor").entityList(String.class).containsExactly("c1", "c2", "c3")
                .path("myOrders.edges[*].node.status").entityList(String.class).containsExactly("CONFIRMED", "REJECTED", "PENDING")
                .path("myOrders.edges[*].node.drop.id").entityList(String.class)
                .containsExactly("drop-hoodie-live", "drop-print-live", "drop-hoodie-live")
                .path("myOrders.pageInfo.hasNextPage").entity(Boolean.class).isEqualTo(true)
                .path("myOrders.pageInfo.endCursor").entity(String.class).isEqualTo("c3");

        // And the service got her page arguments, and the drops were read once, for the two distinct ids
        then(orders).should().myOrders(ALICE, 3, "c0");
        @SuppressWarnings("unchecked")
        ArgumentCaptor<Collection<String>> dropIds = ArgumentCaptor.forClass((Class<Collection<String>>) (Class<?>) Collection.class);
        then(catalog).should(times(1)).drops(dropIds.capture());
        assertThat(dropIds.getValue()).containsExactlyInAnyOrder("drop-hoodie-live", "drop-print-live");
    }

    @Test
    void shouldAskMyOrdersWithTheDefaultPageSize() {
        // Given alice has no orders
        given(orders.myOrders(any(), anyInt(), any())).willReturn(new Connection<>(List.of(), new Connection.PageInfo(false, null)));

        // When she asks without first, then the service gets the schema's default of 20
        asViewer(ALICE).documentName("orderMyOrders").execute()
                .path("myOrders.edges").entityList(Object.class).hasSize(0);
        then(orders).should().myOrders(eq(ALICE), eq(20), eq(null));
    }

    @Test
    void shouldRefuseMeWithoutAViewerAsUnauthenticated() {
        // When me is asked with no viewer in the context
        graphQlTester.documentName("orderMe").execute()
                // Then the error is UNAUTHENTICATED and says how to sign in
                .errors().satisfy(errors -> {
                    assertThat(errors).hasSize(1);
                    assertThat(errors.get(0).getExtensions()).containsEntry("code", "UNAUTHENTICATED");
                    assertThat(errors.get(0).getPath()).isEqualTo("me");
                    assertThat(errors.get(0).getMessage()).contains("Bearer");
                })
                // me is non-null (Viewer!), so its null propagates to data itself
                .path("").valueIsNull();
    }

    @Test
    void shouldAnswerMeWithTheViewersId() {
        // When alice asks who she is, then she is herself
        asViewer(ALICE).documentName("orderMe").execute()
                .path("me.id").entity(String.class).isEqualTo("u-alice");
    }

    @Test
    void shouldPassAMissingViewerToTheServiceForItToRefuse() {
        // Given the service refuses a request without a viewer
        given(orders.myOrders(eq(null), anyInt(), any())).willThrow(new ApiException(ErrorCode.UNAUTHENTICATED, "Sign in"));

        // When myOrders is asked without a viewer, then the error is UNAUTHENTICATED
        graphQlTester.documentName("orderMyOrders").execute()
                .errors().satisfy(errors -> assertThat(errors).singleElement()
                        .satisfies(e -> assertThat(e.getExtensions()).containsEntry("code", "UNAUTHENTICATED")));
    }

    private ExecutionGraphQlServiceTester asViewer(Viewer viewer) {
        return graphQlTester.mutate()
                .configureExecutionInput((input, builder) -> builder.graphQLContext(Map.of(Viewer.CONTEXT_KEY, viewer)).build())
                .build();
    }

    private void stubDrops() {
        given(catalog.drops(anyCollection())).willAnswer(call -> {
            Map<String, DropView> found = new LinkedHashMap<>();
            for (String id : call.<Collection<String>>getArgument(0)) {
                found.put(id, new DropView(id, "creator-ava", "product-hoodie", DropStatus.LIVE, PLACED, null, 500, 480, 2,
                        8_900L, "USD", PLACED, PLACED));
            }
            return found;
        });
    }
}
