package io.livedrop.topology.social;

import io.livedrop.topology.config.LivedropConfig;
import io.livedrop.topology.config.Stores;
import io.livedrop.topology.config.Topics;
import io.livedrop.topology.config.TopologySerdes;
import java.time.Duration;
import java.util.Set;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Builds the social topology from configuration and serdes alone. It runs as a Kafka Streams
 * application of its own (application id {@code <app id>-social}), beside the order topology, so
 * that a drop start fanned out to millions of followers never holds up an order decision, and a
 * stampede of orders never delays the fan-out. No path writes a record per follower:
 * <ul>
 *   <li>Follows (keyed by follower) update the user's following list and the creator's followers
 *       in the user's partition ({@link FollowsProcessor}); each effective change goes on, keyed by
 *       creator, to the follower-changes topic, which {@link FollowerCountProcessor} counts.</li>
 *   <li>Drop starts are picked from the drop events, keyed by creator and written to every
 *       partition of the drop-starts topic (co-partitioned with follows), where
 *       {@link PushFanoutProcessor} streams that partition's followers into push batches and keeps
 *       the start for the inbox (recent-drop-starts, in every partition).</li>
 * </ul>
 * Every source, processor, sink and store is named explicitly.
 */
public final class SocialTopology {

    /** Appended to the application id: the social application's consumer group and internal-topic prefix. */
    public static final String APPLICATION_ID_SUFFIX = "-social";

    public static final String DROP_EVENTS_SOURCE = "drop-events-source";
    public static final String DROP_STARTS = "drop-starts";
    public static final String DROP_STARTS_SINK = "drop-starts-sink";
    public static final String FOLLOWS_SOURCE = "follows-source";
    public static final String FOLLOWS = "follows";
    public static final String FOLLOWER_CHANGES_SINK = "follower-changes-sink";
    public static final String DROP_STARTS_SOURCE = "drop-starts-source";
    public static final String PUSH_FANOUT = "push-fanout";
    public static final String PUSH_BATCHES_SINK = "push-batches-sink";
    public static final String FOLLOWER_CHANGES_SOURCE = "follower-changes-source";
    public static final String FOLLOWER_COUNTS = "follower-counts";

    /** The stores of this topology: interactive queries of them go to the social application. */
    public static final Set<String> STORES = Set.of(Stores.FOLLOWING, Stores.FOLLOWERS, Stores.FOLLOWER_COUNTS,
            Stores.RECENT_DROP_STARTS);

    private SocialTopology() {
    }

    public static String applicationId(String applicationId) {
        return applicationId + APPLICATION_ID_SUFFIX;
    }

    public static Topology build(LivedropConfig config, TopologySerdes serdes) {
        Topics topics = Topics.from(config);
        Serde<String> keys = serdes.key();
        int batchSize = config.pushBatchSize();
        Duration inboxRetention = Duration.ofMillis(config.inboxRetentionMs());
        Topology topology = new Topology();

        topology.addSource(DROP_EVENTS_SOURCE, keys.deserializer(), serdes.dropEvent().deserializer(),
                        topics.dropEvents().name())
                .addProcessor(DROP_STARTS, DropStartsProcessor::new, DROP_EVENTS_SOURCE)
                .addSink(DROP_STARTS_SINK, topics.dropStarts().name(), keys.serializer(),
                        serdes.dropEvent().serializer(), SocialKeys.everyPartition(), DROP_STARTS);

        topology.addSource(FOLLOWS_SOURCE, keys.deserializer(), serdes.followEvent().deserializer(),
                        topics.follows().name())
                .addProcessor(FOLLOWS, FollowsProcessor::new, FOLLOWS_SOURCE)
                .addStateStore(Stores.persistent(Stores.FOLLOWING, keys, serdes.followEvent()), FOLLOWS)
                .addStateStore(Stores.persistent(Stores.FOLLOWERS, keys, Serdes.Long()), FOLLOWS)
                .addSink(FOLLOWER_CHANGES_SINK, topics.followerChanges().name(), keys.serializer(),
                        serdes.followEvent().serializer(), FOLLOWS)
                .addSource(DROP_STARTS_SOURCE, keys.deserializer(), serdes.dropEvent().deserializer(),
                        topics.dropStarts().name())
                .addProcessor(PUSH_FANOUT, () -> new PushFanoutProcessor(batchSize, inboxRetention), DROP_STARTS_SOURCE)
                .connectProcessorAndStateStores(PUSH_FANOUT, Stores.FOLLOWERS)
                .addStateStore(Stores.persistent(Stores.RECENT_DROP_STARTS, keys, serdes.dropEvent()), PUSH_FANOUT)
                .addSink(PUSH_BATCHES_SINK, topics.pushBatches().name(), keys.serializer(),
                        serdes.pushBatch().serializer(), PUSH_FANOUT);

        topology.addSource(FOLLOWER_CHANGES_SOURCE, keys.deserializer(), serdes.followEvent().deserializer(),
                        topics.followerChanges().name())
                .addProcessor(FOLLOWER_COUNTS, FollowerCountProcessor::new, FOLLOWER_CHANGES_SOURCE)
                // Cached: a famous creator's count changes with every follow; one changelog write per commit.
                .addStateStore(Stores.persistent(Stores.FOLLOWER_COUNTS, keys, serdes.followerCount()).withCachingEnabled(),
                        FOLLOWER_COUNTS);
        return topology;
    }
}
