package io.livedrop.topology.social;

import io.livedrop.events.social.FollowAction;
import io.livedrop.events.social.FollowEvent;
import io.livedrop.topology.config.Stores;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies follows and unfollows of the users of one follows partition to both of its indexes: the
 * user's following list and the creator's followers in this partition. Only a change of state is
 * forwarded (re-keyed by creator, for the follower counts): following twice or unfollowing someone
 * not followed changes nothing, so a retried command never counts twice.
 */
public final class FollowsProcessor implements Processor<String, FollowEvent, String, FollowEvent> {

    private static final Logger log = LoggerFactory.getLogger(FollowsProcessor.class);

    private ProcessorContext<String, FollowEvent> context;
    private KeyValueStore<String, FollowEvent> following;
    private KeyValueStore<String, Long> followers;

    @Override
    public void init(ProcessorContext<String, FollowEvent> context) {
        this.context = context;
        this.following = context.getStateStore(Stores.FOLLOWING);
        this.followers = context.getStateStore(Stores.FOLLOWERS);
    }

    @Override
    public void process(Record<String, FollowEvent> record) {
        FollowEvent event = record.value();
        if (event == null) {
            throw new InvalidFollowException("a tombstone on the follows topic: follows are undone by UNFOLLOW events");
        }
        String user = event.getUserId();
        String creator = event.getCreatorId();
        if (!user.equals(record.key())) {
            throw new InvalidFollowException("follow event keyed '" + record.key() + "' names follower '" + user
                    + "': the follows topic is keyed by follower");
        }
        if (!SocialKeys.usable(user) || !SocialKeys.usable(creator)) {
            throw new InvalidFollowException("user id '" + user + "' or creator id '" + creator
                    + "' is blank or contains '" + SocialKeys.SEPARATOR + "'");
        }
        String followingKey = SocialKeys.following(user, creator);
        boolean follows = following.get(followingKey) != null;
        if (event.getAction() == FollowAction.FOLLOW && !follows) {
            following.put(followingKey, event);
            followers.put(SocialKeys.follower(creator, user), event.getAt().toEpochMilli());
        } else if (event.getAction() == FollowAction.UNFOLLOW && follows) {
            following.delete(followingKey);
            followers.delete(SocialKeys.follower(creator, user));
        } else {
            if (event.getAction() == FollowAction.UNKNOWN) {
                log.warn("Ignoring a follow event of {} for {} with an action this version does not know", user, creator);
            }
            return;
        }
        context.forward(record.withKey(creator));
    }
}
