package io.livedrop.api.social;

import io.livedrop.api.catalog.FollowingFacts;
import io.livedrop.api.config.KafkaCluster;
import io.livedrop.api.feed.TopicFeed;
import io.livedrop.api.security.Viewer;
import io.livedrop.events.social.FollowAction;
import io.livedrop.events.social.FollowEvent;
import io.livedrop.topology.config.Topics;
import io.livedrop.topology.config.TopologySerdes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.stereotype.Component;

/**
 * The following lists of the viewers with an online subscription here, kept current from the
 * follows topic (which every instance follows), so that a follow or unfollow made through any
 * instance applies to the viewer's subscriptions on every instance. One entry per viewer, shared by
 * all their subscriptions ({@code dropStarted} sessions, {@code dropUpdates} watchers): one following
 * list read per viewer while it has any, and the entry goes with its last listener.
 *
 * <p>No change is lost between the read and the stream: the entry listens before it reads, and the
 * changes heard meanwhile are applied on top of what was read. A listener gets the list and then
 * every effective change, under the entry's lock (so listeners must be quick and never block).
 */
@Component
public class FollowingView extends TopicFeed<FollowEvent> implements FollowingFacts {

    /** One subscription's view of its viewer's following list. */
    public interface Listener {

        /** The list when the listener is added, before any {@link #changed}. */
        void following(Set<String> creators);

        /** An effective change after {@link #following}. */
        void changed(String creatorId, boolean follows);
    }

    private final FollowedCreators social;
    private final Map<String, Entry> byUser = new ConcurrentHashMap<>();

    public FollowingView(FollowedCreators social, KafkaCluster cluster, Topics topics, TopologySerdes serdes) {
        super(cluster.bootstrapServers(), topics.follows().name(), serdes.followEvent().deserializer());
        this.social = social;
    }

    /**
     * Adds {@code listener} for the viewer: {@link Listener#following} is called before this returns
     * (after one following list read if no other subscription of the viewer has it here). Throws what
     * the read throws. The returned action removes the listener.
     */
    public Runnable open(Viewer viewer, Listener listener) {
        String userId = Viewer.require(viewer).id();
        Entry entry = byUser.compute(userId, (id, existing) -> {
            Entry e = existing == null ? new Entry() : existing;
            e.opening++;
            return e;
        });
        try {
            boolean loaded;
            synchronized (entry) {
                loaded = entry.creators != null;
            }
            // outside the lock: a store read or a hop to a peer
            Set<String> read = loaded ? null : social.followedCreators(viewer);
            synchronized (entry) {
                if (entry.creators == null) {
                    entry.load(read);
                }
                entry.listeners.add(listener);
                listener.following(Set.copyOf(entry.creators));
            }
        } finally {
            release(userId, entry, null);
        }
        return () -> release(userId, entry, listener);
    }

    @Override
    public Runnable watch(Viewer viewer, String creatorId, Consumer<Boolean> follows) {
        return open(viewer, new Listener() {
            @Override
            public void following(Set<String> creators) {
                follows.accept(creators.contains(creatorId));
            }

            @Override
            public void changed(String changed, boolean following) {
                if (changed.equals(creatorId)) {
                    follows.accept(following);
                }
            }
        });
    }

    /** Viewers with an entry here (tests, diagnostics). */
    int viewers() {
        return byUser.size();
    }

    void onFollowEvent(FollowEvent event) {
        if (event == null) {
            return;
        }
        Entry entry = byUser.get(event.getUserId());
        if (entry != null) {
            entry.apply(event);
        }
    }

    /** Ends an opening ({@code listener} null) or removes a listener; the entry goes with the last. */
    private void release(String userId, Entry entry, Listener listener) {
        byUser.computeIfPresent(userId, (id, current) -> {
            if (current != entry) {
                return current;
            }
            synchronized (entry) {
                if (listener == null) {
                    entry.opening--;
                } else {
                    entry.listeners.remove(listener);
                }
                return entry.opening == 0 && entry.listeners.isEmpty() ? null : entry;
            }
        });
    }

    private static final class Entry {

        /** Null until the list is read; the changes heard meanwhile wait in {@link #pending}. */
        Set<String> creators;
        final List<FollowEvent> pending = new ArrayList<>();
        final Set<Listener> listeners = new LinkedHashSet<>();
        int opening;

        void load(Set<String> read) {
            creators = new HashSet<>(read);
            pending.forEach(this::applyNow);
            pending.clear();
        }

        synchronized void apply(FollowEvent event) {
            if (creators == null) {
                pending.add(event);
                return;
            }
            if (applyNow(event)) {
                boolean follows = event.getAction() == FollowAction.FOLLOW;
                listeners.forEach(listener -> listener.changed(event.getCreatorId(), follows));
            }
        }

        private boolean applyNow(FollowEvent event) {
            if (event.getAction() == FollowAction.FOLLOW) {
                return creators.add(event.getCreatorId());
            }
            return event.getAction() == FollowAction.UNFOLLOW && creators.remove(event.getCreatorId());
        }
    }

    @Override
    protected void onRecord(ConsumerRecord<String, FollowEvent> record) {
        onFollowEvent(record.value());
    }
}
