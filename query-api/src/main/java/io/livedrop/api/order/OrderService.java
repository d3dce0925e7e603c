package io.livedrop.api.order;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.livedrop.api.catalog.CatalogQueryService;
import io.livedrop.api.graphql.ApiException;
import io.livedrop.api.graphql.Connection;
import io.livedrop.api.graphql.ErrorCode;
import io.livedrop.api.graphql.Pages;
import io.livedrop.api.command.CommandProducer;
import io.livedrop.api.query.InteractiveQueries;
import io.livedrop.api.query.RecordCodec;
import io.livedrop.api.streams.StreamsRuntime;
import io.livedrop.api.limits.RateLimiter;
import io.livedrop.api.security.Viewer;
import io.livedrop.events.order.OrderDecision;
import io.livedrop.events.order.OrderRequest;
import io.livedrop.topology.config.Stores;
import io.livedrop.topology.config.Topics;
import io.livedrop.topology.config.TopologySerdes;
import io.livedrop.topology.order.OrderIds;
import io.livedrop.topology.order.UserOrderKeys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Orders of the viewer.
 *
 * <p>{@code placeOrder}: validate; rate-limit per user; the order id is the name-based UUID of
 * (user, idempotency key), so a retry names the same order. If that order is already decided (the
 * user's order index, built from committed decisions) or pending here, the same order is the
 * answer (same drop and quantity) or IDEMPOTENCY_CONFLICT (anything else). Otherwise the request is
 * produced (idempotent producer, acks=all), and the answer is its committed decision, or PENDING if
 * none committed within {@code decisionWait}; the client follows with {@code order(id)} or
 * {@code orderStatus}. Nothing blocks a request thread while waiting.
 *
 * <p>Known gaps: an order placed through another instance is unknown here until the user-order
 * index has its decision ({@code order(id)} answers null until then, usually within 100-200 ms); the
 * same key used on two drops at the same instant is decided on both partitions (ADR 0004).
 */
@Service
public class OrderService {

    private static final Logger log = LoggerFactory.getLogger(OrderService.class);

    private static final Pattern ORDER_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final RecordCodec<OrderDecision> DECISIONS = RecordCodec.of(OrderDecision.getDecoder());

    private final OrderProperties properties;
    private final InteractiveQueries queries;
    private final CatalogQueryService catalog;
    private final CommandProducer producer;
    private final DecisionFeed decisions;
    private final Topics topics;
    private final TopologySerdes serdes;
    private final RateLimiter rateLimiter;
    private final Clock clock = Clock.tick(Clock.systemUTC(), Duration.ofMillis(1));
    /** Orders produced by this instance whose decision has not been seen yet. */
    private final InFlightOrders inFlight = new InFlightOrders();
    /**
     * Decisions this instance handed out, until the user-order index (one repartition and commit
     * behind the decision) has them too: a client that follows placeOrder with order(id) at once
     * must not get null. By user: order(id) and myOrders both look up the viewer's own.
     */
    private final Cache<String, List<OrderDecision>> recentlyDecidedByUser = Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofMinutes(1)).maximumSize(100_000).build();
    /** Drops known to exist (drops are never deleted), to skip the owner hop on the hot path. */
    private final Cache<String, Boolean> knownDrops = Caffeine.newBuilder().maximumSize(100_000).build();

    public OrderService(OrderProperties properties, InteractiveQueries queries, CatalogQueryService catalog,
                        CommandProducer producer, DecisionFeed decisions, StreamsRuntime runtime,
                        TopologySerdes serdes) {
        this.properties = properties;
        this.queries = queries;
        this.catalog = catalog;
        this.producer = producer;
        this.decisions = decisions;
        this.topics = runtime.topics();
        this.serdes = serdes;
        this.rateLimiter = new RateLimiter(properties.ratePerSecond(), properties.rateBurst());
        decisions.onDecision(this::decided);
    }

    /** Every committed decision: one of an order in flight from here is kept for the client's next read. */
    private void decided(OrderDecision decision) {
        if (inFlight.decided(decision.getOrderId())) {
            recentlyDecidedByUser.asMap().merge(decision.getUserId(), List.of(decision), OrderService::plus);
        }
    }

    public record PlaceOrderInput(String dropId, Integer quantity, String idempotencyKey) {
    }

    public CompletableFuture<OrderView> place(Viewer viewer, PlaceOrderInput input) {
        Viewer.require(viewer);
        String dropId = input.dropId();
        CatalogQueryService.requireValidId(dropId);
        int quantity = input.quantity() == null ? 1 : input.quantity();
        if (quantity < 1 || quantity > properties.maxQuantity()) {
            throw ApiException.badRequest("quantity must be between 1 and " + properties.maxQuantity() + ", was " + quantity);
        }
        String key = input.idempotencyKey();
        if (key == null || key.isBlank() || key.length() > properties.maxKeyLength()
                || key.chars().anyMatch(Character::isISOControl) || !java.nio.charset.StandardCharsets.UTF_8.newEncoder().canEncode(key)) {
            throw ApiException.badRequest("idempotencyKey must be 1-" + properties.maxKeyLength()
                    + " printable characters, the same for every retry of one order");
        }
        if (!rateLimiter.tryAcquire(viewer.id())) {
            throw new ApiException(ErrorCode.RATE_LIMITED, "Too many orders from you right now; retry in a second "
                    + "with the same idempotencyKey");
        }
        String orderId = OrderIds.of(viewer.id(), key);
        Optional<OrderView> existing = find(viewer, orderId);
        if (existing.isPresent()) {
            return CompletableFuture.completedFuture(requireSame(existing.get(), dropId, quantity));
        }
        requireDrop(dropId);
        OrderRequest request = OrderRequest.newBuilder().setOrderId(orderId).setDropId(dropId).setUserId(viewer.id())
                .setIdempotencyKey(key).setQuantity(quantity).setRequestedAt(clock.instant()).build();
        CompletableFuture<RecordMetadata> accepted = new CompletableFuture<>();
        Optional<InFlightOrders.InFlight> first = inFlight.claim(request, accepted);
        if (first.isPresent()) {
            // the same order is already in flight from this instance: it is placed once Kafka has the first
            // attempt's request, and not at all if that send fails
            OrderRequest earlier = first.get().request();
            requireSame(OrderView.pending(earlier), dropId, quantity);
            return first.get().accepted().handle((sent, error) -> {
                if (error != null) {
                    throw notAccepted(orderId, dropId, error);
                }
                return sent;
            }).thenCompose(sent -> awaitDecision(decisions.await(orderId), earlier, dropId, quantity));
        }
        DecisionFeed.Waiter waiter = decisions.await(orderId);   // listen before producing
        producer.send(topics.orderRequests().name(), dropId, request, serdes.orderRequest().serializer())
                .whenComplete((sent, error) -> {
                    if (error != null) {
                        accepted.completeExceptionally(error);
                    } else {
                        accepted.complete(sent);
                    }
                });
        return accepted.handle((sent, error) -> {
            if (error != null) {
                log.atWarn().addKeyValue("orderId", orderId).addKeyValue("dropId", dropId)
                        .log("Order {} on drop {} not accepted by Kafka: {}", orderId, dropId, error.getMessage());
                throw notAccepted(orderId, dropId, error);
            }
            return sent;
        }).thenCompose(sent -> awaitDecision(waiter, request, dropId, quantity))
                .whenComplete((answer, error) -> waiter.release());
    }

    private static ApiException notAccepted(String orderId, String dropId, Throwable error) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        return ApiException.unavailable("The order was not accepted (" + cause.getMessage()
                + "); retry with the same idempotencyKey", cause);
    }

    private CompletableFuture<OrderView> awaitDecision(DecisionFeed.Waiter waiter, OrderRequest request,
                                                       String dropId, int quantity) {
        return waiter.decision().thenApply(d -> d)   // a copy: the timeout below must not complete the shared future
                .completeOnTimeout(null, properties.decisionWait().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((decided, error) -> waiter.release())   // answered or timed out: no longer waiting
                .thenApply(decided -> decided == null ? pendingAnswer(request)
                        : requireSame(OrderView.decided(decided), dropId, quantity));
    }

    private OrderView pendingAnswer(OrderRequest request) {
        log.atInfo().addKeyValue("orderId", request.getOrderId()).addKeyValue("dropId", request.getDropId())
                .log("Order {} on drop {} not decided within {}; answered PENDING", request.getOrderId(),
                        request.getDropId(), properties.decisionWait());
        return OrderView.pending(request);
    }

    private static OrderView requireSame(OrderView order, String dropId, int quantity) {
        if (!order.sameAs(dropId, quantity)) {
            throw new ApiException(ErrorCode.IDEMPOTENCY_CONFLICT, "This idempotencyKey already names order "
                    + order.id() + " (drop " + order.dropId() + ", quantity " + order.quantity()
                    + "); use a new key for a different order");
        }
        return order;
    }

    private void requireDrop(String dropId) {
        if (knownDrops.getIfPresent(dropId) != null) {
            return;
        }
        if (catalog.drop(dropId).isEmpty()) {
            throw new ApiException(ErrorCode.NOT_FOUND, "No drop " + dropId);
        }
        knownDrops.put(dropId, Boolean.TRUE);
    }

    /** The viewer's order: decided (from the user's order index), or pending on this instance, or none. */
    public Optional<OrderView> find(Viewer viewer, String orderId) {
        Viewer.require(viewer);
        requireOrderId(orderId);
        // a decision this instance handed out a moment ago: no hop, and the index may not have it yet
        Optional<OrderView> recent = recentDecisions(viewer).stream().filter(d -> d.getOrderId().equals(orderId))
                .findFirst().map(OrderView::decided);
        if (recent.isPresent()) {
            return recent;
        }
        Optional<OrderView> decided = queries.get(Stores.USER_ORDERS, UserOrderKeys.key(viewer.id(), orderId),
                UserOrderKeys.partitioner(), DECISIONS, viewer.bearerToken()).map(OrderView::decided);
        if (decided.isPresent()) {
            return decided;
        }
        return inFlight.accepted(orderId).filter(r -> r.getUserId().equals(viewer.id())).map(OrderView::pending);
    }

    /**
     * The viewer's orders, the latest placed first: decided ones from the index, plus those this
     * instance decided in the last minute or has in flight (the index is one repartition behind).
     */
    public Connection<OrderView> myOrders(Viewer viewer, int first, String after) {
        Viewer.require(viewer);
        Pages.checkFirst(first);
        String prefix = UserOrderKeys.prefix(viewer.id());
        List<OrderView> orders = new ArrayList<>(queries.prefixScan(Stores.USER_ORDERS, prefix, prefix,
                UserOrderKeys.partitioner(), DECISIONS, viewer.bearerToken()).stream().map(OrderView::decided).toList());
        Set<String> seen = new HashSet<>();
        orders.forEach(o -> seen.add(o.id()));
        recentDecisions(viewer).stream().filter(d -> seen.add(d.getOrderId())).map(OrderView::decided)
                .forEach(orders::add);
        inFlight.acceptedOf(viewer.id()).filter(r -> !seen.contains(r.getOrderId()))
                .map(OrderView::pending).forEach(orders::add);
        return Pages.page(orders, OrderService::newestFirst, first, after);
    }

    private List<OrderDecision> recentDecisions(Viewer viewer) {
        List<OrderDecision> recent = recentlyDecidedByUser.getIfPresent(viewer.id());
        return recent == null ? List.of() : recent;
    }

    /** A user's recent decisions, at most the last 100 (a user placing more in a minute is rate-limited anyway). */
    private static List<OrderDecision> plus(List<OrderDecision> earlier, List<OrderDecision> added) {
        List<OrderDecision> all = new ArrayList<>(earlier);
        all.addAll(added);
        return all.size() > 100 ? List.copyOf(all.subList(all.size() - 100, all.size())) : List.copyOf(all);
    }

    private static String newestFirst(OrderView order) {
        return String.format("%019d|%s", Long.MAX_VALUE - order.placedAt().toEpochMilli(), order.id());
    }

    private static void requireOrderId(String orderId) {
        if (orderId == null || !ORDER_ID.matcher(orderId).matches()) {
            throw ApiException.badRequest("Malformed order id: order ids are UUIDs as placeOrder returns them");
        }
    }

    /**
     * The viewer's order until it is decided: its current state, then its decision. An order not
     * known here yet (placed through another instance a moment ago) is waited for, up to
     * {@code unknownOrderWait}; NOT_FOUND if no decision of the viewer's comes by then.
     *
     * <p>Nothing is held before the id is checked, and the wait is released when the subscription
     * ends however it ends (decided, timed out, cancelled, socket closed). No polling: listen for the
     * decision first, then look once (the index, then the decisions of the last seconds: one that
     * passed by before we listened may not be in the index yet), then wait; every instance sees
     * every decision, so one made anywhere reaches the wait. At the end of the wait, one more look
     * (an index lagging beyond the recent decisions kept).
     */
    public Flux<OrderView> statusUpdates(Viewer viewer, String orderId) {
        Viewer.require(viewer);
        requireOrderId(orderId);
        return Flux.defer(() -> {
            DecisionFeed.Waiter waiter = decisions.await(orderId);   // listen first, then look
            return lookThenWait(viewer, orderId, waiter).doFinally(signal -> waiter.release());
        }).subscribeOn(Schedulers.boundedElastic());
    }

    private Flux<OrderView> lookThenWait(Viewer viewer, String orderId, DecisionFeed.Waiter waiter) {
        Optional<OrderView> now = findOrRecent(viewer, orderId);
        if (now.isPresent() && now.get().isDecided()) {
            return Flux.just(now.get());
        }
        Mono<OrderView> decided = Mono.fromFuture(waiter.decision().thenApply(d -> d), false)
                .filter(d -> d.getUserId().equals(viewer.id()))
                .map(OrderView::decided);
        if (now.isPresent()) {
            return Flux.concat(Mono.just(now.get()), decided);
        }
        Mono<OrderView> lookAgain = Mono.fromCallable(() -> findOrRecent(viewer, orderId).filter(OrderView::isDecided))
                .flatMap(Mono::justOrEmpty).subscribeOn(Schedulers.boundedElastic());
        return decided.timeout(properties.unknownOrderWait(), lookAgain)
                .switchIfEmpty(Mono.error(() -> new ApiException(ErrorCode.NOT_FOUND, "No order " + orderId + " of yours")))
                .flux();
    }

    private Optional<OrderView> findOrRecent(Viewer viewer, String orderId) {
        return find(viewer, orderId).or(() -> decisions.recent(orderId)
                .filter(d -> d.getUserId().equals(viewer.id())).map(OrderView::decided));
    }
}
