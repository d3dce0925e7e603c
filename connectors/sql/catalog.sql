-- The catalog as authored in PostgreSQL (database "catalog"), streamed into livedrop's catalog topics by
-- connectors/catalog-source.json. Column names are snake_case; the source's ReplaceField SMT renames them to the
-- Avro field names. Timestamps are `timestamp(3)` holding UTC (the database's time zone is set to UTC below):
-- with time.precision.mode=connect Debezium hands them over as Connect Timestamps (epoch millis), which become
-- Avro timestamp-millis. (A timestamptz column would arrive as an ISO-8601 string and need a parsing step.)
-- Logical decoding needs wal_level=logical on the server; the connector's user needs REPLICATION (or superuser)
-- and owns the publication it creates (publication.autocreate.mode=filtered).

ALTER DATABASE catalog SET timezone TO 'UTC';

CREATE TABLE IF NOT EXISTS creators (
    id          text        PRIMARY KEY,
    name        text        NOT NULL,
    created_at  timestamp(3) NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')
);

CREATE TABLE IF NOT EXISTS products (
    id          text        PRIMARY KEY,
    creator_id  text        NOT NULL REFERENCES creators (id),
    name        text        NOT NULL,
    description text,
    image_url   text,
    updated_at  timestamp(3) NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')
);

CREATE TABLE IF NOT EXISTS drops (
    id             text        PRIMARY KEY,
    creator_id     text        NOT NULL REFERENCES creators (id),
    product_id     text        NOT NULL REFERENCES products (id),
    initial_stock  integer     NOT NULL CHECK (initial_stock >= 1),
    price_cents    bigint      NOT NULL CHECK (price_cents >= 0),
    currency       varchar(3)  NOT NULL DEFAULT 'USD',
    starts_at      timestamp(3) NOT NULL,
    ends_at        timestamp(3),
    per_user_limit integer     CHECK (per_user_limit IS NULL OR per_user_limit >= 1),
    created_at     timestamp(3) NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')
);
