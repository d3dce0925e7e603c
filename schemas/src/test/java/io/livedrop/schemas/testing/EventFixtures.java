package io.livedrop.schemas.testing;

import io.livedrop.events.catalog.Creator;
import io.livedrop.events.catalog.Drop;
import io.livedrop.events.catalog.Product;
import io.livedrop.events.drop.DropEvent;
import io.livedrop.events.drop.DropEventType;
import io.livedrop.events.drop.DropState;
import io.livedrop.events.drop.DropStatus;
import io.livedrop.events.notification.PushBatch;
import io.livedrop.events.order.OrderDecision;
import io.livedrop.events.order.OrderRequest;
import io.livedrop.events.order.OrderStatus;
import io.livedrop.events.order.RejectReason;
import io.livedrop.events.social.FollowAction;
import io.livedrop.events.social.FollowEvent;
import io.livedrop.events.social.FollowerCount;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * Record builders with sensible defaults, shared by every module's tests (the schemas test-jar).
 * Each returns a Builder so that a test sets only the fields it is about.
 */
public final class EventFixtures {

    /** A fixed instant so that fixtures are equal across calls. */
    public static final Instant T0 = Instant.parse("2026-11-25T18:00:00Z");

    private EventFixtures() {
    }

    public static Creator.Builder creator(String id) {
        return Creator.newBuilder().setId(id).setName("Creator " + id).setCreatedAt(T0);
    }

    public static Product.Builder product(String id, String creatorId) {
        return Product.newBuilder().setId(id).setCreatorId(creatorId).setName("Product " + id)
                .setDescription("A limited product").setImageUrl("https://img.example/" + id + ".png")
                .setUpdatedAt(T0);
    }

    public static Drop.Builder drop(String id, String creatorId, String productId) {
        return Drop.newBuilder().setId(id).setCreatorId(creatorId).setProductId(productId)
                .setInitialStock(100).setPriceCents(4_999).setCurrency("USD")
                .setStartsAt(T0).setEndsAt(null).setPerUserLimit(null).setCreatedAt(T0);
    }

    public static DropEvent.Builder dropEvent(String dropId, DropEventType type) {
        return DropEvent.newBuilder().setDropId(dropId).setCreatorId("c1").setType(type)
                .setStatus(DropStatus.LIVE).setInitialStock(100).setRemainingStock(100).setAt(T0);
    }

    public static OrderRequest.Builder orderRequest(String orderId, String dropId, String userId) {
        return OrderRequest.newBuilder().setOrderId(orderId).setDropId(dropId).setUserId(userId)
                .setIdempotencyKey("key-" + orderId).setQuantity(1).setRequestedAt(T0);
    }

    public static OrderDecision.Builder confirmed(OrderRequest request, int remainingStock) {
        return OrderDecision.newBuilder().setOrderId(request.getOrderId()).setDropId(request.getDropId())
                .setUserId(request.getUserId()).setIdempotencyKey(request.getIdempotencyKey())
                .setQuantity(request.getQuantity()).setStatus(OrderStatus.CONFIRMED).setRejectReason(null)
                .setRemainingStock(remainingStock).setRequestedAt(request.getRequestedAt())
                .setDecidedAt(T0.plusMillis(5));
    }

    public static OrderDecision.Builder rejected(OrderRequest request, RejectReason reason, int remainingStock) {
        return confirmed(request, remainingStock).setStatus(OrderStatus.REJECTED).setRejectReason(reason);
    }

    public static FollowEvent.Builder follow(String userId, String creatorId) {
        return FollowEvent.newBuilder().setUserId(userId).setCreatorId(creatorId)
                .setAction(FollowAction.FOLLOW).setAt(T0);
    }

    public static PushBatch.Builder pushBatch(String dropId, String creatorId, List<String> userIds) {
        return PushBatch.newBuilder().setDropId(dropId).setCreatorId(creatorId).setStartedAt(T0)
                .setFollowsPartition(0).setBatchNumber(0).setLastBatch(true).setUserIds(userIds);
    }

    public static DropState.Builder dropState(Drop definition, DropStatus status, int remainingStock) {
        return DropState.newBuilder().setDefinition(definition).setStatus(status)
                .setRemainingStock(remainingStock).setStartedAt(status == DropStatus.SCHEDULED ? null : T0)
                .setUpdatedAt(T0);
    }

    /** One fully populated record of every event type, keyed by its class. */
    public static Map<Class<? extends SpecificRecord>, SpecificRecord> oneOfEach() {
        OrderRequest request = orderRequest("o1", "d1", "u1").build();
        Drop drop = drop("d1", "c1", "p1").setEndsAt(T0.plusSeconds(3600)).setPerUserLimit(2).build();
        return Map.of(
                Creator.class, creator("c1").build(),
                Product.class, product("p1", "c1").build(),
                Drop.class, drop,
                DropState.class, dropState(drop, DropStatus.LIVE, 42).build(),
                DropEvent.class, dropEvent("d1", DropEventType.STARTED).build(),
                OrderRequest.class, request,
                OrderDecision.class, rejected(request, RejectReason.PER_USER_LIMIT, 7).build(),
                FollowEvent.class, follow("u1", "c1").build(),
                FollowerCount.class, FollowerCount.newBuilder().setCreatorId("c1").setFollowers(1_000_001L)
                        .setUpdatedAt(T0).build(),
                PushBatch.class, pushBatch("d1", "c1", List.of("u1", "u2", "u3")).build());
    }
}
