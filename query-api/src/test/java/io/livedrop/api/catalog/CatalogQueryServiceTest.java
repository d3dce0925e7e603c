package io.livedrop.api.catalog;

import static io.livedrop.schemas.testing.EventFixtures.creator;
import static io.livedrop.schemas.testing.EventFixtures.drop;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.then;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;

import io.livedrop.api.graphql.ApiException;
import io.livedrop.api.graphql.Connection;
import io.livedrop.api.graphql.ErrorCode;
import io.livedrop.api.graphql.Pages;
import io.livedrop.api.query.InteractiveQueries;
import io.livedrop.api.query.StoreUnavailableException;
import io.livedrop.api.streams.StreamsRuntime;
import io.livedrop.events.catalog.Creator;
import io.livedrop.events.drop.DropState;
import io.livedrop.events.drop.DropStatus;
import io.livedrop.topology.config.LivedropConfig;
import io.livedrop.topology.config.Stores;
import io.livedrop.topology.config.Topics;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/**
 * Catalog reads on their own, over mocked interactive queries (this instance's share of a list is
 * LiveDropsReadTest's): ids are checked before any store is touched; a drop is read where its partition
 * lives, creators from the global store in one look; a page of drops is gathered from every instance,
 * a page and one more each, and merged in the list's order; this instance's share is unavailable, not
 * empty, while Kafka Streams or a partition here cannot be read, so the gather retries.
 */
class CatalogQueryServiceTest {

    private static final Instant T = Instant.parse("2026-12-05T18:00:00Z");

    private final Topics topics = Topics.from(new LivedropConfig(Map.of()));
    private final InteractiveQueries queries = mock(InteractiveQueries.class);
    private final StreamsRuntime runtime = mock(StreamsRuntime.class);
    private CatalogQueryService catalog;

    @BeforeEach
    void setUp() {
        given(runtime.topics()).willReturn(topics);
        catalog = new CatalogQueryService(queries, runtime);
    }

    @Test
    void shouldRefuseAMalformedIdBeforeTouchingAnyStore() {
        for (String id : new String[] {"", "drop 1", "<script>", "x".repeat(65), null}) {
            assertThatThrownBy(() -> catalog.drop(id)).isInstanceOfSatisfying(ApiException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
            assertThatThrownBy(() -> catalog.creator(id)).isInstanceOf(ApiException.class);
            assertThatThrownBy(() -> catalog.product(id)).isInstanceOf(ApiException.class);
        }
        then(queries).shouldHaveNoInteractions();
    }

    @Test
    void shouldReadADropWhereItsPartitionLivesAndAnswerEmptyForOneThatDoesNotExist() {
        given(queries.get(eq(Stores.DROP_STATE), eq("d-1"), isNull(), any(), isNull()))
                .willReturn(Optional.of(state("d-1", DropStatus.LIVE, T)));

        assertThat(catalog.drop("d-1")).map(DropView::id).contains("d-1");
        assertThat(catalog.drop("d-2")).isEmpty();
        assertThat(catalog.drops(List.of("d-1", "d-2"))).containsOnlyKeys("d-1");
    }

    @Test
    void shouldReadCreatorsFromTheGlobalStoreInOneLookLeavingOutUnknownIds() {
        // Given the creators' global store holds ava and lola
        Map<String, Creator> stored = Map.of("creator-ava", creator("creator-ava").build(),
                "creator-lola", creator("creator-lola").build());
        @SuppressWarnings("unchecked")
        ReadOnlyKeyValueStore<String, Creator> store = mock(ReadOnlyKeyValueStore.class);
        given(store.get(anyString())).willAnswer(call -> stored.get(call.<String>getArgument(0)));
        given(queries.withStore(eq(Stores.CATALOG_CREATORS), any())).willAnswer(
                call -> call.<Function<ReadOnlyKeyValueStore<String, Creator>, ?>>getArgument(1).apply(store));

        // When three ids are asked, then the two known come back, from one look at the store
        assertThat(catalog.creators(List.of("creator-ava", "creator-lola", "creator-nobody")))
                .containsOnlyKeys("creator-ava", "creator-lola");
        then(queries).should(times(1)).withStore(eq(Stores.CATALOG_CREATORS), any());
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldGatherAPageOfLiveDropsFromEveryInstanceAndMergeThemMostRecentlyStartedFirst() {
        // Given the instances hold, between them, three live drops (their shares arrive in no particular order)
        given(queries.gather(anyString(), anyString(), anyInt(), anyString(), any(), any(), any())).willReturn(List.of(
                state("d-old", DropStatus.LIVE, T), state("d-new", DropStatus.LIVE, T.plusSeconds(120)),
                state("d-mid", DropStatus.LIVE, T.plusSeconds(60))));

        // When a page of two is asked
        Connection<DropView> page = catalog.liveDrops(2, null);

        // Then every instance was asked for a page and one more of the live list, across every partition
        ArgumentCaptor<Map<String, String>> params = ArgumentCaptor.forClass(Map.class);
        then(queries).should().gather(eq(Stores.DROP_STATE), eq(topics.drops().name()), eq(topics.drops().partitions()),
                eq(CatalogQueryService.DROPS_PATH), params.capture(), any(), any());
        assertThat(params.getValue()).containsExactlyInAnyOrderEntriesOf(Map.of("kind", "live", "limit", "3"));

        // And the page holds the two most recently started, with more to come
        assertThat(page.edges()).extracting(edge -> edge.node().id()).containsExactly("d-new", "d-mid");
        assertThat(page.pageInfo().hasNextPage()).isTrue();
    }

    @Test
    void shouldPassTheCursorOfACreatorsDropsToEveryInstance() {
        given(queries.gather(anyString(), anyString(), anyInt(), anyString(), any(), any(), any())).willReturn(List.of());
        catalog.dropsOfCreator("creator-ava", 5, null);
        catalog.dropsOfCreator("creator-ava", 5, Pages.cursor("0000000000000000001|d-8"));

        @SuppressWarnings("unchecked")
        ArgumentCaptor<Map<String, String>> params = ArgumentCaptor.forClass(Map.class);
        then(queries).should(times(2)).gather(anyString(), anyString(), anyInt(), anyString(), params.capture(), any(),
                any());
        Map<String, String> expected = new HashMap<>(Map.of("kind", "creator", "creatorId", "creator-ava", "limit", "6"));
        assertThat(params.getAllValues().get(0)).isEqualTo(expected);
        expected.put("after", "0000000000000000001|d-8");
        assertThat(params.getAllValues().get(1)).isEqualTo(expected);
    }

    @Test
    void shouldMakeThisInstancesShareUnavailableNotEmptyWhileKafkaStreamsIsNotRunningHere() {
        given(runtime.streamsFor(Stores.DROP_STATE)).willThrow(new IllegalStateException("Kafka Streams is not started"));

        assertThatThrownBy(() -> catalog.localDrops(CatalogQueryService.DropFilter.live(), null, 3))
                .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("retry shortly");
    }

    @Test
    void shouldMakeThisInstancesShareUnavailableNotEmptyWhileOneOfItsPartitionsCannotBeRead() throws Exception {
        // Given partition 0 of the drops is active here but not queryable (restoring)
        TaskMetadata task = mock(TaskMetadata.class);
        given(task.topicPartitions()).willReturn(Set.of(new TopicPartition(topics.drops().name(), 0)));
        ThreadMetadata thread = mock(ThreadMetadata.class);
        given(thread.activeTasks()).willReturn(Set.of(task));
        KafkaStreams streams = mock(KafkaStreams.class);
        given(streams.metadataForLocalThreads()).willReturn(Set.of(thread));
        given(runtime.streamsFor(Stores.DROP_STATE)).willReturn(streams);
        given(queries.localStore(anyString(), eq(0), anyBoolean()))
                .willThrow(new InteractiveQueries.NotServedHere("drop-state partition 0 is restoring"));

        // When this instance's share of the live drops is read, then it is unavailable: the gather retries
        assertThatThrownBy(() -> catalog.localDrops(CatalogQueryService.DropFilter.live(), null, 3))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessage("Drops of partition 0 cannot be read here right now; retry shortly");
    }

    private static DropState state(String id, DropStatus status, Instant startedAt) {
        return DropState.newBuilder().setDefinition(drop(id, "creator-ava", "p1").setStartsAt(startedAt).build())
                .setStatus(status).setRemainingStock(10).setStartedAt(startedAt).setUpdatedAt(startedAt).build();
    }
}
