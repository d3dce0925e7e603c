package io.livedrop.api.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.then;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;

import io.livedrop.api.streams.StreamsRuntime;
import io.livedrop.events.social.FollowerCount;
import io.livedrop.schemas.serde.AvroSerdes;
import io.livedrop.topology.config.Stores;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.LagInfo;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Routed reads on their own, without a broker: the Kafka Streams application is a mock answering the three
 * questions a read asks it (who owns the key, this instance's copy of a partition, how far its standbys lag),
 * the other instances a mocked {@link PeerClient}. While the owner of a key is being decided
 * ({@code NOT_AVAILABLE}) or the active copy is rebalancing away, the read is retried, then answered
 * UNAVAILABLE, never "no data"; a standby answers only within the lag bound; and only the active copy may
 * say that a key does not exist.
 */
class InteractiveQueriesTest {

    private static final String STORE = Stores.FOLLOWER_COUNTS;
    private static final String KEY = "creator-ava";
    private static final int PARTITION = 3;
    private static final long STANDBY_MAX_LAG = 10;
    private static final HostInfo HERE = new HostInfo("here", 8081);
    private static final HostInfo PEER_A = new HostInfo("peer-a", 8081);
    private static final HostInfo PEER_B = new HostInfo("peer-b", 8081);
    private static final RecordCodec<FollowerCount> COUNTS = RecordCodec.of(FollowerCount.getDecoder());
    private static final FollowerCount AVA = count(KEY, 42);

    private final StreamsRuntime runtime = mock(StreamsRuntime.class);
    private final KafkaStreams streams = mock(KafkaStreams.class);
    private final PeerClient peers = mock(PeerClient.class);
    @SuppressWarnings("unchecked")
    private final ReadOnlyKeyValueStore<String, Object> activeCopy = mock(ReadOnlyKeyValueStore.class);
    @SuppressWarnings("unchecked")
    private final ReadOnlyKeyValueStore<String, Object> standbyCopy = mock(ReadOnlyKeyValueStore.class);
    private final AtomicInteger activeCopyFailures = new AtomicInteger();
    private final InteractiveQueries queries = new InteractiveQueries(runtime, () -> HERE, peers, STANDBY_MAX_LAG);

    @BeforeAll
    static void trustEventClasses() {
        AvroSerdes.singleObject();   // as in the application, where the serdes exist before any peer answer is decoded
    }

    @BeforeEach
    void setUp() {
        given(runtime.streamsFor(STORE)).willReturn(streams);
        given(streams.store(any())).willAnswer(call -> {
            StoreQueryParameters<?> parameters = call.getArgument(0);
            assertThat(parameters.storeName()).isEqualTo(STORE);
            assertThat(parameters.partition()).isEqualTo(PARTITION);
            if (parameters.staleStoresEnabled()) {
                return standbyCopy;
            }
            if (activeCopyFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new InvalidStateStoreException("the partition is migrating (rebalancing)");
            }
            return activeCopy;
        });
    }

    @Test
    void shouldRetryWhileTheOwnerOfTheKeyIsNotAvailableYet() {
        // Given the owner of the key is being decided twice, then known to be this instance
        ownerIs(KeyQueryMetadata.NOT_AVAILABLE, KeyQueryMetadata.NOT_AVAILABLE, owners(HERE));
        given(activeCopy.get(KEY)).willReturn(AVA);

        // When the key is read, then the answer is the value, after asking again
        assertThat(read()).contains(AVA);
        then(streams).should(times(3)).queryMetadataForKey(eq(STORE), eq(KEY), any(Serializer.class));
    }

    @Test
    void shouldAnswerUnavailableNotNoDataWhenTheOwnerNeverBecomesKnown() {
        // Given the owner of the key stays unknown (a rebalance longer than the retry window)
        ownerIs(KeyQueryMetadata.NOT_AVAILABLE);

        // When the key is read, then the read fails as retryable, never as an absent key
        assertThatThrownBy(this::read).isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("No instance can serve this " + STORE + " partition right now")
                .hasMessageContaining("rebalancing")
                .hasMessageEndingWith("retry shortly");
        then(activeCopy).shouldHaveNoInteractions();
    }

    @Test
    void shouldRetryAnActiveCopyThatIsRebalancingAwayUntilItAnswers() {
        // Given this instance owns the key, but its copy is migrating for the first two reads
        ownerIs(owners(HERE));
        activeCopyFailures.set(2);
        given(activeCopy.get(KEY)).willReturn(AVA);

        // When the key is read, then the answer is the value once the copy is queryable
        assertThat(read()).contains(AVA);
        then(activeCopy).should(times(1)).get(KEY);
    }

    @Test
    void shouldAnswerFromAStandbyThatLagsByNoMoreThanTheBound() throws Exception {
        // Given the active owner does not answer, and this instance's standby lags by exactly the bound
        ownerIs(owners(PEER_A, HERE));
        peerDoesNotServe(PEER_A);
        standbyLags(STANDBY_MAX_LAG);
        given(standbyCopy.get(KEY)).willReturn(AVA);

        // When the key is read, then the standby answers it
        assertThat(read()).contains(AVA);
        then(activeCopy).shouldHaveNoInteractions();
    }

    @Test
    void shouldNotAnswerFromAStandbyThatLagsBeyondTheBound() throws Exception {
        // Given the active owner does not answer, and this instance's standby lags by one record more than the bound
        ownerIs(owners(PEER_A, HERE));
        peerDoesNotServe(PEER_A);
        standbyLags(STANDBY_MAX_LAG + 1);
        given(standbyCopy.get(KEY)).willReturn(AVA);

        // When the key is read, then the read fails as retryable, saying why, and the standby was not read
        assertThatThrownBy(this::read).isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("lags by 11 records (more than 10)");
        then(standbyCopy).shouldHaveNoInteractions();
    }

    @Test
    void shouldSayAKeyDoesNotExistWhenTheActiveCopySaysSo() throws Exception {
        // Given this instance holds the active copy, which lacks the key: then the key does not exist
        ownerIs(owners(HERE));
        assertThat(read()).isEmpty();

        // Given another instance holds the active copy and answers 404: then the key does not exist
        ownerIs(owners(PEER_A, HERE));
        given(peers.get(eq(PEER_A), any(), any(), any())).willReturn(Optional.empty());
        assertThat(read()).isEmpty();
        then(standbyCopy).shouldHaveNoInteractions();
    }

    @Test
    void shouldNotTakeAStandbysMissingKeyForAnAbsentKeyButAskTheNextCopy() throws Exception {
        // Given the active owner does not answer, this instance's standby lacks the key (not restored yet), and
        // another standby has it
        ownerIs(owners(PEER_A, HERE, PEER_B));
        peerDoesNotServe(PEER_A);
        standbyLags(0);
        given(peers.get(eq(PEER_B), any(), any(), any())).willReturn(Optional.of(RecordCodec.encode(AVA)));

        // When the key is read, then the other standby's value is the answer
        assertThat(read()).contains(AVA);
        then(standbyCopy).should().get(KEY);
    }

    @Test
    void shouldAnswerUnavailableNotNoDataWhenOnlyAStandbyThatLacksTheKeyAnswers() throws Exception {
        // Given the active owner does not answer and this instance's standby lacks the key
        ownerIs(owners(PEER_A, HERE));
        peerDoesNotServe(PEER_A);
        standbyLags(0);

        // When the key is read, then the read fails as retryable: the standby may not have restored it yet
        assertThatThrownBy(this::read).isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("does not have the key");
    }

    private Optional<FollowerCount> read() {
        return queries.get(STORE, KEY, null, COUNTS, null);
    }

    /** The owners Kafka Streams names for the key, one answer per call (the last one repeated). */
    private void ownerIs(KeyQueryMetadata first, KeyQueryMetadata... then) {
        given(streams.queryMetadataForKey(eq(STORE), eq(KEY), any(Serializer.class))).willReturn(first, then);
    }

    /** The active host, then the standbys in the order given. */
    private static KeyQueryMetadata owners(HostInfo active, HostInfo... standbys) {
        return new KeyQueryMetadata(active, new LinkedHashSet<>(List.of(standbys)), PARTITION);
    }

    private void peerDoesNotServe(HostInfo peer) throws PeerClient.NotServedThere {
        given(peers.get(eq(peer), any(), any(), any())).willThrow(new PeerClient.NotServedThere(peer + " unreachable", null));
    }

    private void standbyLags(long records) {
        LagInfo lag = mock(LagInfo.class);
        given(lag.offsetLag()).willReturn(records);
        given(streams.allLocalStorePartitionLags()).willReturn(Map.of(STORE, Map.of(PARTITION, lag)));
    }

    private static FollowerCount count(String creatorId, long followers) {
        return FollowerCount.newBuilder().setCreatorId(creatorId).setFollowers(followers)
                .setUpdatedAt(Instant.parse("2026-12-05T18:00:00Z")).build();
    }
}
