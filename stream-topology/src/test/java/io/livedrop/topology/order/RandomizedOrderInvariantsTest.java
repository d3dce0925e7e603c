package io.livedrop.topology.order;

import static io.livedrop.topology.LedgerFixture.order;
import static org.assertj.core.api.Assertions.assertThat;

import io.livedrop.events.catalog.Drop;
import io.livedrop.events.drop.DropStatus;
import io.livedrop.events.order.OrderDecision;
import io.livedrop.events.order.OrderRequest;
import io.livedrop.events.order.OrderStatus;
import io.livedrop.events.order.RejectReason;
import io.livedrop.schemas.testing.EventFixtures;
import io.livedrop.topology.LedgerFixture;
import io.livedrop.topology.TopologyFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random interleavings of drop definitions, orders, retries, reused keys with other payloads and
 * clock moves, over many seeds. After each run the invariants hold: confirmed units never exceed a
 * drop's stock and match its remaining stock, every distinct order has exactly one decision, a
 * retry never changes it, per-user limits hold, each user's order index holds exactly that user's
 * decisions; and every decision equals what a plain reference model of the rules decides. A failure names its seed: rerun it alone to debug.
 */
class RandomizedOrderInvariantsTest {

    private static final int SEEDS = 120;
    private static final int OPERATIONS = 300;

    static Stream<Long> seeds() {
        return IntStream.range(0, SEEDS).mapToObj(i -> 7_919L * i + 1);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void shouldKeepTheInvariantsUnderRandomInterleavings(long seed) {
        Random random = new Random(seed);
        Model model = new Model();
        Map<String, OrderDecision> emitted = new LinkedHashMap<>();
        List<OrderRequest> sent = new ArrayList<>();
        try (LedgerFixture ledger = new LedgerFixture()) {
            for (int op = 0; op < OPERATIONS; op++) {
                int dice = random.nextInt(100);
                if (dice < 6 || model.drops.isEmpty()) {
                    Drop drop = randomDrop(random, model);
                    model.define(drop);
                    ledger.drops.pipeInput(drop.getId(), drop);
                } else if (dice < 14) {
                    Duration step = Duration.ofMillis(random.nextInt(3_000));
                    ledger.topology.driver.advanceWallClockTime(step);
                    model.advance(step);
                } else {
                    OrderRequest request = randomOrder(random, model, sent);
                    sent.add(request);
                    OrderDecision expected = model.decide(request);
                    ledger.orders.pipeInput(request.getDropId(), request);
                    List<OrderDecision> out = ledger.decisions.readValuesToList();
                    if (expected == null) {
                        assertThat(out).as("seed %d op %d: a repeat must not be decided again", seed, op).isEmpty();
                    } else {
                        assertThat(out).as("seed %d op %d: one decision", seed, op).hasSize(1);
                        OrderDecision actual = out.get(0);
                        assertThat(actual.getStatus()).as("seed %d op %d status", seed, op).isEqualTo(expected.getStatus());
                        assertThat(actual.getRejectReason()).as("seed %d op %d reason", seed, op).isEqualTo(expected.getRejectReason());
                        assertThat(actual.getRemainingStock()).as("seed %d op %d remaining", seed, op)
                                .isEqualTo(expected.getRemainingStock());
                        assertThat(emitted.put(actual.getOrderId(), actual)).as("seed %d: second decision", seed).isNull();
                    }
                }
            }

            // Invariants over the whole run
            Map<String, Integer> confirmed = new HashMap<>();
            Map<String, Integer> perUser = new HashMap<>();
            for (OrderDecision d : emitted.values()) {
                assertThat(ledger.decisionStore.get(d.getOrderId())).as("seed %d: stored first decision", seed).isEqualTo(d);
                if (d.getStatus() == OrderStatus.CONFIRMED) {
                    confirmed.merge(d.getDropId(), d.getQuantity(), Integer::sum);
                    perUser.merge(d.getDropId() + "|" + d.getUserId(), d.getQuantity(), Integer::sum);
                }
            }
            for (Model.DropModel drop : model.drops.values()) {
                int sold = confirmed.getOrDefault(drop.id, 0);
                assertThat(sold).as("seed %d: no oversell of %s", seed, drop.id).isLessThanOrEqualTo(drop.stock);
                assertThat(ledger.states.get(drop.id).getRemainingStock()).as("seed %d: stock of %s", seed, drop.id)
                        .isEqualTo(drop.stock - sold);
                if (drop.limit != null) {
                    perUser.forEach((k, units) -> {
                        if (k.startsWith(drop.id + "|")) {
                            assertThat(units).as("seed %d: per-user limit %s", seed, k).isLessThanOrEqualTo(drop.limit);
                        }
                    });
                }
            }
            assertThat(emitted.keySet()).as("seed %d: every distinct order decided once", seed)
                    .containsExactlyInAnyOrderElementsOf(sent.stream().map(OrderRequest::getOrderId).distinct().toList());
            Map<String, Map<String, OrderDecision>> byUser = new HashMap<>();
            emitted.values().forEach(d -> byUser.computeIfAbsent(d.getUserId(), u -> new HashMap<>())
                    .put(UserOrderKeys.key(d.getUserId(), d.getOrderId()), d));
            byUser.forEach((user, decided) -> assertThat(ledger.ordersOf(user))
                    .as("seed %d: user order index of %s", seed, user).isEqualTo(decided));
        }
    }

    private static Drop randomDrop(Random random, Model model) {
        String id = "d" + random.nextInt(4);
        Model.DropModel existing = model.drops.get(id);
        Instant startsAt = model.now.plusMillis(random.nextInt(8_000) - 2_000L);
        Instant endsAt = random.nextInt(3) == 0 ? startsAt.plusMillis(1_000 + random.nextInt(10_000)) : null;
        return EventFixtures.drop(id, "c1", "p1")
                .setInitialStock(existing != null ? existing.stock : 1 + random.nextInt(40))
                .setPerUserLimit(existing != null ? existing.limit : (random.nextBoolean() ? null : 1 + random.nextInt(4)))
                .setStartsAt(startsAt).setEndsAt(endsAt).build();
    }

    private static OrderRequest randomOrder(Random random, Model model, List<OrderRequest> sent) {
        int kind = random.nextInt(100);
        if (kind < 10 && !sent.isEmpty()) {
            return sent.get(random.nextInt(sent.size())); // an exact retry
        }
        List<String> dropIds = new ArrayList<>(model.drops.keySet());
        String dropId = dropIds.get(random.nextInt(dropIds.size()));
        int quantity = 1 + random.nextInt(4);
        if (kind < 15 && !sent.isEmpty()) {
            OrderRequest reused = sent.get(random.nextInt(sent.size())); // same key, maybe another payload
            return order(dropId, reused.getUserId(), reused.getIdempotencyKey(), quantity);
        }
        return order(dropId, "u" + random.nextInt(12), "k" + random.nextInt(1_000_000), quantity);
    }

    /** The rules restated as plainly as possible, as the reference to compare against. */
    private static final class Model {

        static final class DropModel {
            String id;
            int stock;
            int remaining;
            Integer limit;
            Instant startsAt;
            Instant endsAt;
            DropStatus status = DropStatus.SCHEDULED;
            final Map<String, Integer> purchases = new HashMap<>();
        }

        Instant now = TopologyFixture.START;
        final Map<String, DropModel> drops = new LinkedHashMap<>();
        final Map<String, OrderRequest> firstRequests = new HashMap<>();

        void define(Drop drop) {
            DropModel m = drops.get(drop.getId());
            if (m == null) {
                m = new DropModel();
                m.id = drop.getId();
                m.stock = drop.getInitialStock();
                m.remaining = m.stock;
                m.limit = drop.getPerUserLimit();
                m.startsAt = drop.getStartsAt();
                m.endsAt = drop.getEndsAt();
                drops.put(m.id, m);
            } else {
                if (m.status == DropStatus.SCHEDULED) {
                    m.startsAt = drop.getStartsAt();
                }
                m.endsAt = drop.getEndsAt();
            }
            applyDue();
        }

        void advance(Duration step) {
            // the driver punctuates every 100 ms of wall clock: transitions due by then fire
            now = now.plus(step);
            applyDue();
        }

        void applyDue() {
            boolean changed = true;
            while (changed) {
                changed = false;
                for (DropModel m : drops.values()) {
                    if (m.status == DropStatus.SCHEDULED && !m.startsAt.isAfter(now)) {
                        m.status = m.remaining == 0 ? DropStatus.SOLD_OUT : DropStatus.LIVE;
                        changed = true;
                    } else if ((m.status == DropStatus.LIVE || m.status == DropStatus.SOLD_OUT)
                            && m.endsAt != null && !m.endsAt.isAfter(now)) {
                        m.status = DropStatus.ENDED;
                        m.purchases.clear();
                        changed = true;
                    }
                }
            }
        }

        /** The expected decision, or null when the order was decided before (a repeat). */
        OrderDecision decide(OrderRequest request) {
            if (firstRequests.containsKey(request.getOrderId())) {
                return null;
            }
            firstRequests.put(request.getOrderId(), request);
            applyDue();
            DropModel m = drops.get(request.getDropId());
            int q = request.getQuantity();
            RejectReason reason = null;
            if (m.status == DropStatus.SOLD_OUT || (m.status == DropStatus.LIVE && m.remaining == 0)) {
                reason = RejectReason.SOLD_OUT;
            } else if (m.status != DropStatus.LIVE) {
                reason = RejectReason.DROP_NOT_LIVE;
            } else if (m.limit != null && m.purchases.getOrDefault(request.getUserId(), 0) + q > m.limit) {
                reason = RejectReason.PER_USER_LIMIT;
            } else if (m.remaining < q) {
                reason = RejectReason.INSUFFICIENT_STOCK;
            } else {
                m.remaining -= q;
                m.purchases.merge(request.getUserId(), q, Integer::sum);
                if (m.remaining == 0) {
                    m.status = DropStatus.SOLD_OUT;
                }
            }
            return OrderDecision.newBuilder(EventFixtures.confirmed(request, m.remaining).build())
                    .setStatus(reason == null ? OrderStatus.CONFIRMED : OrderStatus.REJECTED)
                    .setRejectReason(reason).build();
        }
    }
}
