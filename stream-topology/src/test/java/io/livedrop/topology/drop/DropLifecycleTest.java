package io.livedrop.topology.drop;

import static io.livedrop.schemas.testing.EventFixtures.drop;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.livedrop.events.catalog.Drop;
import io.livedrop.events.drop.DropEvent;
import io.livedrop.events.drop.DropEventType;
import io.livedrop.events.drop.DropState;
import io.livedrop.events.drop.DropStatus;
import io.livedrop.topology.TopologyFixture;
import io.livedrop.topology.config.Stores;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DropLifecycleTest {

    private static final Instant NOW = TopologyFixture.START;

    private final TopologyFixture fixture = new TopologyFixture();
    private final TestInputTopic<String, Drop> drops = fixture.driver.createInputTopic(
            fixture.topics.drops().name(), fixture.serdes.key().serializer(), fixture.serdes.drop().serializer());
    private final TestOutputTopic<String, DropEvent> events = fixture.driver.createOutputTopic(
            fixture.topics.dropEvents().name(), fixture.serdes.key().deserializer(), fixture.serdes.dropEvent().deserializer());
    private final KeyValueStore<String, DropState> states = fixture.driver.getKeyValueStore(Stores.DROP_STATE);

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void shouldKeepAFutureDropScheduledWithItsFullStock() {
        // Given a drop starting in a minute
        drops.pipeInput("d1", drop("d1", "c1", "p1").setStartsAt(NOW.plusSeconds(60)).setInitialStock(50).build());

        // Then it is SCHEDULED with all its stock, and nothing is announced
        assertThat(states.get("d1").getStatus()).isEqualTo(DropStatus.SCHEDULED);
        assertThat(states.get("d1").getRemainingStock()).isEqualTo(50);
        assertThat(events.isEmpty()).isTrue();
    }

    @Test
    void shouldGoLiveOnTimeWithNoRecordArriving() {
        // Given a drop starting in 10 s
        drops.pipeInput("d1", drop("d1", "c1", "p1").setStartsAt(NOW.plusSeconds(10)).build());

        // When the wall clock passes its start by less than one clock interval
        fixture.driver.advanceWallClockTime(Duration.ofMillis(10_000 + 100));

        // Then it is LIVE and one STARTED event is announced
        assertThat(states.get("d1").getStatus()).isEqualTo(DropStatus.LIVE);
        DropEvent started = events.readValue();
        assertThat(started.getType()).isEqualTo(DropEventType.STARTED);
        assertThat(started.getStatus()).isEqualTo(DropStatus.LIVE);
        assertThat(started.getCreatorId()).isEqualTo("c1");
        assertThat(started.getAt()).isBetween(NOW.plusSeconds(10), NOW.plusMillis(10_100));
        assertThat(events.isEmpty()).isTrue();
    }

    @Test
    void shouldGoLiveAtOnceWhenItsStartHasPassed() {
        drops.pipeInput("d1", drop("d1", "c1", "p1").setStartsAt(NOW.minusSeconds(1)).build());

        assertThat(states.get("d1").getStatus()).isEqualTo(DropStatus.LIVE);
        assertThat(events.readValue().getType()).isEqualTo(DropEventType.STARTED);
    }

    @Test
    void shouldEndAtItsEndTime() {
        // Given a live drop ending in 30 s
        drops.pipeInput("d1", drop("d1", "c1", "p1").setStartsAt(NOW).setEndsAt(NOW.plusSeconds(30)).build());
        assertThat(events.readValue().getType()).isEqualTo(DropEventType.STARTED);

        // When the clock passes its end
        fixture.driver.advanceWallClockTime(Duration.ofSeconds(31));

        // Then it is ENDED, announced once
        assertThat(states.get("d1").getStatus()).isEqualTo(DropStatus.ENDED);
        assertThat(events.readValue().getType()).isEqualTo(DropEventType.ENDED);
        fixture.driver.advanceWallClockTime(Duration.ofSeconds(31));
        assertThat(events.isEmpty()).isTrue();
    }

    @Test
    void shouldRescheduleTheStartWhenRedefinedWhileScheduled() {
        // Given a drop scheduled in 10 s, then moved to 60 s
        drops.pipeInput("d1", drop("d1", "c1", "p1").setStartsAt(NOW.plusSeconds(10)).build());
        drops.pipeInput("d1", drop("d1", "c1", "p1").setStartsAt(NOW.plusSeconds(60)).build());

        // When 30 s pass, it is still scheduled; after 60 s it is live, started once
        fixture.driver.advanceWallClockTime(Duration.ofSeconds(30));
        assertThat(states.get("d1").getStatus()).isEqualTo(DropStatus.SCHEDULED);
        fixture.driver.advanceWallClockTime(Duration.ofSeconds(31));
        assertThat(states.get("d1").getStatus()).isEqualTo(DropStatus.LIVE);
        assertThat(events.readValuesToList()).extracting(DropEvent::getType).containsExactly(DropEventType.STARTED);
    }

    @Test
    void shouldKeepStatusAndStockWhenALiveDropIsRedefined() {
        // Given a live drop
        drops.pipeInput("d1", drop("d1", "c1", "p1").setStartsAt(NOW).setInitialStock(10).build());

        // When it is redefined with another price and stock
        drops.pipeInput("d1", drop("d1", "c1", "p1").setStartsAt(NOW).setInitialStock(999).setPriceCents(1).build());

        // Then the price changes, the status and the stock do not, and it is not started twice
        DropState state = states.get("d1");
        assertThat(state.getStatus()).isEqualTo(DropStatus.LIVE);
        assertThat(state.getDefinition().getPriceCents()).isEqualTo(1);
        assertThat(state.getDefinition().getInitialStock()).isEqualTo(10);
        assertThat(state.getRemainingStock()).isEqualTo(10);
        assertThat(events.readValuesToList()).hasSize(1);
    }

    @Test
    void shouldSendADropKeyedByAnythingButItsIdToTheDeadLetterTopic() {
        // Given a drop keyed by another id
        drops.pipeInput("other", drop("d1", "c1", "p1").build());

        // Then it lands in the dead-letter topic saying why, and no state was written
        var deadLetters = fixture.driver.createOutputTopic(fixture.topics.deadLetters().name(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer());
        var letter = deadLetters.readRecord();
        assertThat(new String(letter.getHeaders().lastHeader("__streams.errors.message").value()))
                .contains("keyed by id");
        assertThat(states.get("d1")).isNull();
        assertThat(states.get("other")).isNull();
    }
}
