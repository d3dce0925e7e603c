package io.livedrop.topology.config;

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

    private Stores() {
    }
}
