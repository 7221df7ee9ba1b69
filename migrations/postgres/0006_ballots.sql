-- Huanjie schema, version 6, PostgreSQL flavour: ballot printing (issue 5).
--
-- Each election has one secret key for the serials' HMAC tags
-- (huanjie_core::serial); it never leaves the server: no API returns it
-- and no export carries it. A batch is the ballots printed for one
-- station (or mobile box) in one style; each printed ballot's random part
-- is kept, unique per election, so a scan can tell a printed serial from a
-- forged one, a spoiled ballot can be voided by its serial, and nothing
-- else is stored about it: no voter, no issuing order (R-POLL-5).
CREATE TABLE ballot_keys (
    election_id uuid PRIMARY KEY REFERENCES elections (id) ON DELETE CASCADE,
    key         bytea NOT NULL CONSTRAINT ballot_keys_key_check CHECK (octet_length(key) = 32),
    created_at  timestamptz NOT NULL
);

CREATE TABLE ballot_batches (
    id             uuid PRIMARY KEY,
    election_id    uuid NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
    -- The batch number printed in every serial of the batch (u16).
    number         integer NOT NULL CONSTRAINT ballot_batches_number_check CHECK (number BETWEEN 1 AND 65535),
    station        text NOT NULL CONSTRAINT ballot_batches_station_check CHECK (btrim(station) <> ''),
    style          integer NOT NULL CONSTRAINT ballot_batches_style_check CHECK (style BETWEEN 0 AND 255),
    count          bigint NOT NULL CONSTRAINT ballot_batches_count_check CHECK (count >= 1),
    -- SHA-256 of the batch's serials, printed form, one a line, in order.
    serials_sha256 text NOT NULL CONSTRAINT ballot_batches_sha_check CHECK (serials_sha256 ~ '^[0-9a-f]{64}$'),
    reprint_of     uuid REFERENCES ballot_batches (id),
    printed_by     text NOT NULL,
    printed_at     timestamptz NOT NULL,
    CONSTRAINT ballot_batches_number_unique UNIQUE (election_id, number)
);

CREATE TABLE ballot_serials (
    election_id uuid NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
    random      bytea NOT NULL CONSTRAINT ballot_serials_random_check CHECK (octet_length(random) = 8),
    batch_id    uuid NOT NULL REFERENCES ballot_batches (id) ON DELETE CASCADE,
    voided_at   timestamptz,
    void_reason text,
    PRIMARY KEY (election_id, random),
    CONSTRAINT ballot_serials_void_check CHECK ((voided_at IS NULL) = (void_reason IS NULL))
);
