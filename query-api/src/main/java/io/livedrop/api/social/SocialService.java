package io.livedrop.api.social;

import io.livedrop.api.catalog.CatalogQueryService;
import io.livedrop.api.graphql.ApiException;
import io.livedrop.api.graphql.Connection;
import io.livedrop.api.graphql.ErrorCode;
import io.livedrop.api.graphql.Pages;
import io.livedrop.api.command.CommandProducer;
import io.livedrop.api.query.InteractiveQueries;
import io.livedrop.api.query.RecordCodec;
import io.livedrop.api.streams.StreamsRuntime;
import io.livedrop.api.limits.WriteRates;
import io.livedrop.api.security.Viewer;
import io.livedrop.events.catalog.Creator;
import io.livedrop.events.drop.DropEvent;
import io.livedrop.events.social.FollowAction;
import io.livedrop.events.social.FollowEvent;
import io.livedrop.events.social.FollowerCount;
import io.livedrop.topology.config.LivedropConfig;
import io.livedrop.topology.config.Stores;
import io.livedrop.topology.config.Topics;
import io.livedrop.topology.config.TopologySerdes;
import io.livedrop.topology.social.SocialKeys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.stereotype.Service;

/**
 * Follows and what comes of them: the follow and unfollow commands (FollowEvents keyed by the
 * follower, answered once the viewer's following list shows them), the following list, follower
 * counts, and the inbox of recent drop starts, computed on read where the viewer's follows
 * partition lives (one hop at most). Follows and unfollows are rate limited per user, together
 * ({@link WriteRates#follow}): a refused call is answered RATE_LIMITED before anything is read or written.
 */
@Service
public class SocialService implements FollowedCreators {

    static final String INBOX_PATH = "/internal/social/inbox/";
    static final RecordCodec<FollowEvent> FOLLOWS = RecordCodec.of(FollowEvent.getDecoder());
    static final RecordCodec<FollowerCount> COUNTS = RecordCodec.of(FollowerCount.getDecoder());
    static final RecordCodec<DropEvent> STARTS = RecordCodec.of(DropEvent.getDecoder());
    static final String DROP_STARTED = "DROP_STARTED";
    private static final Duration VISIBLE_WITHIN = Duration.ofSeconds(2);
    private static final Duration COUNT_WITHIN = Duration.ofMillis(500);

    /** What the API's Notification type shows. */
    public record NotificationView(String id, String kind, String dropId, Instant createdAt) {
    }

    private final InteractiveQueries queries;
    private final CatalogQueryService catalog;
    private final CommandProducer producer;
    private final Topics topics;
    private final TopologySerdes serdes;
    private final Duration inboxRetention;
    private final Clock clock;
    private final WriteRates rates;

    public SocialService(InteractiveQueries queries, CatalogQueryService catalog, CommandProducer producer,
                         StreamsRuntime runtime, TopologySerdes serdes, LivedropConfig config, WriteRates rates) {
        this.queries = queries;
        this.rates = rates;
        this.catalog = catalog;
        this.producer = producer;
        this.topics = runtime.topics();
        this.serdes = serdes;
        this.inboxRetention = Duration.ofMillis(config.inboxRetentionMs());
        this.clock = Clock.tick(Clock.systemUTC(), Duration.ofMillis(1));
    }

    // ------------------------------------------------------------------ commands

    public Creator follow(Viewer viewer, String creatorId) {
        return change(viewer, creatorId, FollowAction.FOLLOW);
    }

    public Creator unfollow(Viewer viewer, String creatorId) {
        return change(viewer, creatorId, FollowAction.UNFOLLOW);
    }

    /**
     * Following twice or unfollowing someone not followed is accepted and changes nothing (the
     * topology counts only effective changes), so a retried mutation is safe.
     */
    private Creator change(Viewer viewer, String creatorId, FollowAction action) {
        Viewer.require(viewer);
        rates.follow(viewer.id()).ifPresent(wait -> {
            throw new ApiException(ErrorCode.RATE_LIMITED, "Too many follows and unfollows from you right now; "
                    + WriteRates.retryIn(wait));
        });
        CatalogQueryService.requireValidId(creatorId);
        Creator creator = catalog.creator(creatorId)
                .orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND, "No creator " + creatorId));
        boolean following = action == FollowAction.FOLLOW;
        boolean changes = follows(viewer, creatorId) != following;
        long countBefore = changes ? followerCounts(List.of(creatorId)).get(creatorId) : 0;
        FollowEvent event = FollowEvent.newBuilder().setUserId(viewer.id()).setCreatorId(creatorId).setAction(action)
                .setAt(clock.instant()).build();
        producer.sendAccepted(topics.follows().name(), viewer.id(), event, serdes.followEvent().serializer());
        // Accepted by Kafka: answered with the creator, never an error, even if the view lags (a restart,
        // a rebalance; ADR 0011). Then viewerFollows may still show the state before, until it is applied.
        boolean applied = CommandProducer.awaitVisible(VISIBLE_WITHIN, () -> follows(viewer, creatorId) == following);
        if (applied && changes) {
            // The count is one hop further (re-keyed by creator); usually there within a commit or two, so
            // the answer shows it. Not an error if it is not: it is exact once that commit lands.
            CommandProducer.awaitVisible(COUNT_WITHIN,
                    () -> followerCounts(List.of(creatorId)).get(creatorId) != countBefore);
        }
        return creator;
    }

    // ------------------------------------------------------------------ reads

    /** Whether the viewer follows the creator, from the viewer's follows partition. */
    public boolean follows(Viewer viewer, String creatorId) {
        return queries.get(Stores.FOLLOWING, SocialKeys.following(viewer.id(), creatorId), SocialKeys.byFollower(),
                FOLLOWS, viewer.bearerToken()).isPresent();
    }

    /** Every creator id the viewer follows (one routed prefix scan). */
    @Override
    public Set<String> followedCreators(Viewer viewer) {
        return following(viewer).stream().map(FollowEvent::getCreatorId).collect(Collectors.toSet());
    }

    /** The creators the viewer follows, by creator id. */
    public Connection<Creator> following(Viewer viewer, int first, String after) {
        Pages.checkFirst(first);
        List<String> ids = following(viewer).stream().map(FollowEvent::getCreatorId).sorted().toList();
        Connection<String> page = Pages.page(ids, id -> id, first, after);
        Map<String, Creator> creators = catalog.creators(page.edges().stream().map(Connection.Edge::node).toList());
        List<Connection.Edge<Creator>> edges = new ArrayList<>();
        page.edges().forEach(edge -> {
            Creator creator = creators.get(edge.node());
            if (creator != null) {
                edges.add(new Connection.Edge<>(edge.cursor(), creator));
            }
        });
        return new Connection<>(edges, page.pageInfo());
    }

    private List<FollowEvent> following(Viewer viewer) {
        Viewer.require(viewer);
        return queries.prefixScan(Stores.FOLLOWING, viewer.id(), SocialKeys.followingPrefix(viewer.id()), null, FOLLOWS,
                viewer.bearerToken());
    }

    /** Followers of each creator; 0 for a creator nobody follows. One routed read per creator. */
    public Map<String, Long> followerCounts(Collection<String> creatorIds) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String id : creatorIds) {
            counts.put(id, queries.get(Stores.FOLLOWER_COUNTS, id, null, COUNTS, null)
                    .map(FollowerCount::getFollowers).orElse(0L));
        }
        return counts;
    }

    /** The viewer's inbox: drop starts of followed creators within the retention, newest first. */
    public Connection<NotificationView> notifications(Viewer viewer, int first, String after) {
        Viewer.require(viewer);
        Pages.checkFirst(first);
        String afterKey = Pages.afterKey(after);
        if (afterKey != null) {
            inboxPosition(afterKey);
        }
        List<DropEvent> starts = inbox(viewer, afterKey, first + 1);
        List<Connection.Edge<NotificationView>> edges = new ArrayList<>();
        for (DropEvent start : starts.subList(0, Math.min(first, starts.size()))) {
            edges.add(new Connection.Edge<>(Pages.cursor(Inbox.sortKey(start)), new NotificationView(
                    DROP_STARTED + ":" + start.getDropId(), DROP_STARTED, start.getDropId(), start.getAt())));
        }
        String end = edges.isEmpty() ? null : edges.get(edges.size() - 1).cursor();
        return new Connection<>(edges, new Connection.PageInfo(starts.size() > first, end));
    }

    private List<DropEvent> inbox(Viewer viewer, String afterKey, int limit) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("limit", Integer.toString(limit));
        if (afterKey != null) {
            params.put("after", afterKey);
        }
        return queries.routedQuery(Stores.FOLLOWING, viewer.id(), null,
                (partition, stale) -> localInbox(viewer.id(), partition, stale, afterKey, limit),
                INBOX_PATH + viewer.id(), params,
                answer -> answer.map(STARTS::decodeList).orElse(List.of()), viewer.bearerToken());
    }

    /** The inbox page computed from this instance's copy of the viewer's follows partition. */
    List<DropEvent> localInbox(String userId, int partition, boolean stale, String afterKey, int limit)
            throws InteractiveQueries.NotServedHere {
        long horizon = clock.millis() - inboxRetention.toMillis();
        Inbox.After position = afterKey == null ? null : inboxPosition(afterKey);
        return Inbox.page(queries.localStore(Stores.FOLLOWING, partition, stale),
                queries.localStore(Stores.RECENT_DROP_STARTS, partition, stale), userId, position, limit, horizon);
    }

    private static Inbox.After inboxPosition(String afterKey) {
        try {
            return Inbox.After.of(afterKey);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("Malformed cursor: pass an endCursor or cursor of an earlier notifications page");
        }
    }
}
