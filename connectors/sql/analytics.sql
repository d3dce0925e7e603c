-- Facts for analysts (database "analytics"), written by connectors/facts-sink.json (Debezium JDBC sink).
-- One row per Kafka record: the primary key is the record's Kafka coordinates (primary.key.mode=kafka), so a
-- record delivered twice after a worker failure upserts the same row instead of adding one.
-- Timestamps are `timestamp(3)` holding UTC, like the catalog's.

CREATE TABLE IF NOT EXISTS order_decisions (
    __connect_topic     text        NOT NULL,
    __connect_partition integer     NOT NULL,
    __connect_offset    bigint      NOT NULL,
    order_id            text        NOT NULL,
    drop_id             text        NOT NULL,
    user_id             text        NOT NULL,
    idempotency_key     text        NOT NULL,
    quantity            integer     NOT NULL,
    status              text        NOT NULL,   -- CONFIRMED | REJECTED (UNKNOWN for a status added later)
    reject_reason       text,                   -- null when CONFIRMED
    remaining_stock     integer     NOT NULL,
    requested_at        timestamp(3) NOT NULL,
    decided_at          timestamp(3) NOT NULL,
    PRIMARY KEY (__connect_topic, __connect_partition, __connect_offset)
);
CREATE INDEX IF NOT EXISTS order_decisions_drop ON order_decisions (drop_id, decided_at);
CREATE INDEX IF NOT EXISTS order_decisions_order ON order_decisions (order_id);

CREATE TABLE IF NOT EXISTS drop_events (
    __connect_topic     text        NOT NULL,
    __connect_partition integer     NOT NULL,
    __connect_offset    bigint      NOT NULL,
    drop_id             text        NOT NULL,
    creator_id          text        NOT NULL,
    type                text        NOT NULL,   -- STARTED | STOCK_CHANGED | SOLD_OUT | ENDED
    status              text        NOT NULL,   -- the drop's status after the event
    initial_stock       integer     NOT NULL,
    remaining_stock     integer     NOT NULL,
    at                  timestamp(3) NOT NULL,
    PRIMARY KEY (__connect_topic, __connect_partition, __connect_offset)
);
CREATE INDEX IF NOT EXISTS drop_events_drop ON drop_events (drop_id, at);
