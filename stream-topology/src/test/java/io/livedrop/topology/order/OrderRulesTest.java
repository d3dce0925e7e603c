package io.livedrop.topology.order;

import static io.livedrop.schemas.testing.EventFixtures.drop;
import static io.livedrop.schemas.testing.EventFixtures.dropState;
import static org.assertj.core.api.Assertions.assertThat;

import io.livedrop.events.drop.DropState;
import io.livedrop.events.drop.DropStatus;
import io.livedrop.events.order.RejectReason;
import org.junit.jupiter.api.Test;

/** The rules alone, without a topology. */
class OrderRulesTest {

    private static DropState live(int remaining, Integer limit) {
        return dropState(drop("d1", "c1", "p1").setPerUserLimit(limit).build(), DropStatus.LIVE, remaining).build();
    }

    @Test
    void shouldConfirmWhenLiveWithEnoughStockAndWithinTheLimit() {
        assertThat(OrderRules.decide(live(5, 3), 2, 1).confirmed()).isTrue();
        assertThat(OrderRules.decide(live(5, null), 0, 5).confirmed()).isTrue();
    }

    @Test
    void shouldRejectSoldOutBeforeAnythingElse() {
        assertThat(OrderRules.decide(live(0, 1), 5, 9).rejectReason()).isEqualTo(RejectReason.SOLD_OUT);
        DropState soldOut = dropState(drop("d1", "c1", "p1").build(), DropStatus.SOLD_OUT, 0).build();
        assertThat(OrderRules.decide(soldOut, 0, 1).rejectReason()).isEqualTo(RejectReason.SOLD_OUT);
    }

    @Test
    void shouldRejectScheduledAndEndedDropsAsNotLive() {
        for (DropStatus status : new DropStatus[] {DropStatus.SCHEDULED, DropStatus.ENDED}) {
            DropState state = dropState(drop("d1", "c1", "p1").build(), status, 10).build();
            assertThat(OrderRules.decide(state, 0, 1).rejectReason()).as("%s", status).isEqualTo(RejectReason.DROP_NOT_LIVE);
        }
    }

    @Test
    void shouldPreferThePerUserLimitOverInsufficientStock() {
        assertThat(OrderRules.decide(live(1, 2), 2, 2).rejectReason()).isEqualTo(RejectReason.PER_USER_LIMIT);
        assertThat(OrderRules.decide(live(1, 5), 0, 2).rejectReason()).isEqualTo(RejectReason.INSUFFICIENT_STOCK);
    }

    @Test
    void shouldNotOverflowOnHugeQuantities() {
        assertThat(OrderRules.decide(live(10, 5), Integer.MAX_VALUE, Integer.MAX_VALUE).rejectReason())
                .isEqualTo(RejectReason.PER_USER_LIMIT);
        assertThat(OrderRules.decide(live(10, null), 0, Integer.MAX_VALUE).rejectReason())
                .isEqualTo(RejectReason.INSUFFICIENT_STOCK);
    }
}
