package io.livedrop.api.order;

import io.livedrop.api.catalog.CatalogQueryService;
import io.livedrop.api.catalog.DropView;
import io.livedrop.api.graphql.Connection;
import io.livedrop.api.security.Viewer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.springframework.graphql.data.method.annotation.Argument;
import org.springframework.graphql.data.method.annotation.BatchMapping;
import org.springframework.graphql.data.method.annotation.ContextValue;
import org.springframework.graphql.data.method.annotation.MutationMapping;
import org.springframework.graphql.data.method.annotation.QueryMapping;
import org.springframework.graphql.data.method.annotation.SubscriptionMapping;
import org.springframework.stereotype.Controller;
import reactor.core.publisher.Flux;

/** Order operations of the public API: placeOrder, order, myOrders, me, orderStatus. */
@Controller
public class OrderController {

    private static final int DEFAULT_PAGE_SIZE = 20;

    private final OrderService orders;
    private final CatalogQueryService catalog;

    public OrderController(OrderService orders, CatalogQueryService catalog) {
        this.orders = orders;
        this.catalog = catalog;
    }

    /** The PlaceOrderPayload type: the order, decided or PENDING. */
    public record PlaceOrderPayload(OrderView order) {
    }

    /** The Viewer type: who is asking. */
    public record ViewerView(String id) {
    }

    @MutationMapping
    public CompletableFuture<PlaceOrderPayload> placeOrder(@Argument OrderService.PlaceOrderInput input,
                                                           @ContextValue(name = Viewer.CONTEXT_KEY, required = false) Viewer viewer) {
        return orders.place(viewer, input).thenApply(PlaceOrderPayload::new);
    }

    @QueryMapping
    public OrderView order(@Argument String id, @ContextValue(name = Viewer.CONTEXT_KEY, required = false) Viewer viewer) {
        return orders.find(viewer, id).orElse(null);
    }

    @QueryMapping
    public Connection<OrderView> myOrders(@Argument Integer first, @Argument String after,
                                          @ContextValue(name = Viewer.CONTEXT_KEY, required = false) Viewer viewer) {
        return orders.myOrders(viewer, first == null ? DEFAULT_PAGE_SIZE : first, after);
    }

    @QueryMapping
    public ViewerView me(@ContextValue(name = Viewer.CONTEXT_KEY, required = false) Viewer viewer) {
        return new ViewerView(Viewer.require(viewer).id());
    }

    @SubscriptionMapping
    public Flux<OrderView> orderStatus(@Argument String orderId,
                                       @ContextValue(name = Viewer.CONTEXT_KEY, required = false) Viewer viewer) {
        return orders.statusUpdates(viewer, orderId);
    }

    /** The drops of a page of orders, read once per distinct drop. */
    @BatchMapping(typeName = "Order", field = "drop")
    public Map<OrderView, DropView> drop(List<OrderView> orderList) {
        Map<String, DropView> drops = catalog.drops(orderList.stream().map(OrderView::dropId).distinct().toList());
        Map<OrderView, DropView> joined = new LinkedHashMap<>();
        orderList.forEach(order -> {
            DropView drop = drops.get(order.dropId());
            if (drop != null) {
                joined.put(order, drop);
            }
        });
        return joined;
    }
}
