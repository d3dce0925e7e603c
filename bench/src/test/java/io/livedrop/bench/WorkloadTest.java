package io.livedrop.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.livedrop.topology.order.OrderIds;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorkloadTest {

    @Test
    void exactlyTheRetryShareRepeatsEarlierOrdersAndEveryOrderIsSentFirstAtItsFirstSlot() {
        Workload w = Workload.generate("t", 10_000, 0.05, 2_000, new String[] {"d0", "d1", "d2"}, 100, 42);

        assertThat(w.requests()).isEqualTo(10_000);
        assertThat(w.orders()).isEqualTo(9_500);
        assertThat(w.requests() - w.orders()).isEqualTo(500);
        assertThat(w.slotOrder()[0]).isZero();
        int highest = -1;
        int retries = 0;
        for (int slot = 0; slot < w.requests(); slot++) {
            int order = w.slotOrder()[slot];
            if (order > highest) {
                assertThat(order).isEqualTo(highest + 1);
                assertThat(w.orderFirstSlot()[order]).isEqualTo(slot);
                highest = order;
            } else {
                retries++;
                assertThat(order).isGreaterThanOrEqualTo(highest - Workload.RETRY_WINDOW);
            }
        }
        assertThat(retries).isEqualTo(500);
        assertThat(w.ordersPerDrop()[0] + w.ordersPerDrop()[1] + w.ordersPerDrop()[2]).isEqualTo(9_500);
        assertThat(w.expectedConfirmed()).isEqualTo(300);
    }

    @Test
    void isDeterministicPerSeedAndTag() {
        Workload a = Workload.hot("x", 1_000, 0.05, 50, "d", 10, 7);
        Workload b = Workload.hot("x", 1_000, 0.05, 50, "d", 10, 7);
        Workload c = Workload.hot("y", 1_000, 0.05, 50, "d", 10, 7);

        assertThat(a.slotOrder()).isEqualTo(b.slotOrder());
        assertThat(a.orderUser()).isEqualTo(b.orderUser());
        assertThat(a.orderUser()).isNotEqualTo(c.orderUser());
    }

    @Test
    void idempotencyKeysNameTheirOrderAndNothingElse() {
        Workload w = Workload.hot("e100-r2000", 100, 0.0, 10, "d", 10, 1);

        assertThat(w.orderOf(w.idempotencyKey(42))).isEqualTo(42);
        assertThat(w.orderOf("e100-r2000-100")).isEqualTo(-1); // beyond the workload
        assertThat(w.orderOf("e100-r5000-3")).isEqualTo(-1);   // another run's
        assertThat(w.orderOf("e100-r2000-")).isEqualTo(-1);
        assertThat(w.orderOf("e100-r2000-1x")).isEqualTo(-1);
        assertThat(w.orderOf(null)).isEqualTo(-1);
        assertThat(w.orderId(3)).isEqualTo(OrderIds.of(w.userId(3), w.idempotencyKey(3)));
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < w.orders(); i++) {
            ids.add(w.orderId(i));
        }
        assertThat(ids).hasSize(w.orders());
    }
}
