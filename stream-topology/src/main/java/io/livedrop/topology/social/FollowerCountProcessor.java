package io.livedrop.topology.social;

import io.livedrop.events.social.FollowAction;
import io.livedrop.events.social.FollowEvent;
import io.livedrop.events.social.FollowerCount;
import io.livedrop.topology.config.Stores;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Counts each creator's followers from the effective follow changes (keyed by creator). Exact:
 * every change is counted once, in the same exactly-once transaction as its input offset.
 */
public final class FollowerCountProcessor implements Processor<String, FollowEvent, Void, Void> {

    private KeyValueStore<String, FollowerCount> counts;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.counts = context.getStateStore(Stores.FOLLOWER_COUNTS);
    }

    @Override
    public void process(Record<String, FollowEvent> record) {
        FollowEvent change = record.value();
        if (change == null || change.getAction() == FollowAction.UNKNOWN) {
            return;
        }
        FollowerCount current = counts.get(record.key());
        long followers = current == null ? 0 : current.getFollowers();
        followers = Math.max(0, followers + (change.getAction() == FollowAction.FOLLOW ? 1 : -1));
        counts.put(record.key(), FollowerCount.newBuilder().setCreatorId(record.key()).setFollowers(followers)
                .setUpdatedAt(change.getAt()).build());
    }
}
