package io.livedrop.topology.config;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Every state store of the topology, named in this one place. A store's name is also the name of
 * its changelog topic ({@code <application.id>-<store>-changelog}): renaming one orphans its state,
 * which the topology snapshot test catches.
 */
public final class Stores {

    /** Global: creator id → Creator, on every instance. */
    public static final String CATALOG_CREATORS = "catalog-creators";
    /** Global: product id → Product, on every instance. */
    public static final String CATALOG_PRODUCTS = "catalog-products";
    /** Partitioned by drop: drop id → DropState (definition, status, remaining stock). */
    public static final String DROP_STATE = "drop-state";
    /** Partitioned by drop: "<epoch millis, 13 digits>|<kind>|<drop id>" → drop id; the drops' clock. */
    public static final String DROP_SCHEDULE = "drop-schedule";
    /**
     * Partitioned by drop: "<creator id>|<newest-first start key>|<drop id>" → drop id; each
     * partition's drops of a creator, latest start first, written with drop-state by the ledger.
     * Keys: {@link io.livedrop.topology.drop.CreatorDropKeys}.
     */
    public static final String DROPS_BY_CREATOR = "drops-by-creator";
    /**
     * Partitioned by drop: "<newest-first started-at key>|<drop id>" → drop id; each partition's
     * LIVE drops, the most recently started first (the live list's order and cursor), written with
     * drop-state by the ledger: in when a drop goes LIVE, out when it is SOLD_OUT or ENDED.
     * Keys: {@link io.livedrop.topology.drop.LiveDropKeys}.
     */
    public static final String LIVE_DROPS = "live-drops";
    /** Partitioned by drop: order id → its one OrderDecision; the idempotency record, kept 24 h. */
    public static final String ORDER_DECISIONS = "order-decisions";
    /** Partitioned by drop: "<decided at millis>|EXPIRE|<order id>" → order id; what to forget when. */
    public static final String ORDER_DECISION_EXPIRY = "order-decision-expiry";
    /** Partitioned by drop: "<drop id>|<user id>" → units confirmed, for per-user limits; dropped when the drop ends. */
    public static final String DROP_PURCHASES = "drop-purchases";
    /**
     * Partitioned by user: "<user id>|<order id>" → OrderDecision; every decided order of a user,
     * built from committed decisions (the order-decisions topic, read read_committed), for the API's
     * {@code order(id)} and {@code myOrders}. Keys and partitioning: {@link
     * io.livedrop.topology.order.UserOrderKeys}. Retention: unbounded (the order history; its changelog
     * is compacted, one entry per order, never deleted).
     */
    public static final String USER_ORDERS = "user-orders";

    /** Partitioned by follower: "<user id>|<creator id>" → the FollowEvent that started it; the viewer's following list. */
    public static final String FOLLOWING = "following";
    /**
     * Partitioned by follower: "<creator id>|<user id>" → followed-at millis; each partition's own
     * followers of a creator, scanned by prefix for the push fan-out.
     */
    public static final String FOLLOWERS = "followers";
    /** Partitioned by creator: creator id → FollowerCount. */
    public static final String FOLLOWER_COUNTS = "follower-counts";
    /**
     * In every follows partition (drop starts are broadcast): "<creator id>|<started-at millis, 13
     * digits>|<drop id>" → the STARTED DropEvent; the inbox's recent drop starts, kept
     * {@code notifications.inbox.retention.ms}.
     */
    public static final String RECENT_DROP_STARTS = "recent-drop-starts";

    private Stores() {
    }

    /** A persistent (RocksDB), changelogged key-value store named {@code name}. */
    public static <V> StoreBuilder<KeyValueStore<String, V>> persistent(String name, Serde<String> keys, Serde<V> values) {
        return org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
                org.apache.kafka.streams.state.Stores.persistentKeyValueStore(name), keys, values);
    }
}
