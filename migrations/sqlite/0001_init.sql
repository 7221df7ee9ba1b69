-- Huanjie schema, version 1, SQLite flavour.
--
-- Conventions (the adapter in crates/huanjie-store/src/sqlite.rs relies on them):
--   * ids are UUIDs as lowercase hyphenated TEXT;
--   * instants are UTC, RFC 3339 TEXT with exactly six fractional digits
--     ("2026-05-01T08:00:00.000000Z"): fixed width, so text order is time order;
--   * calendar dates are ISO 8601 TEXT ("2026-05-01");
--   * SHA-256 hashes are 32-byte BLOBs.
-- STRICT tables make SQLite refuse values of the wrong storage class.
-- Ties in "newest first" listings are broken by the implicit rowid.

CREATE TABLE elections (
    id           TEXT NOT NULL PRIMARY KEY
                 CONSTRAINT elections_id_check CHECK (length(id) = 36),
    body_kind    TEXT NOT NULL
                 CONSTRAINT elections_body_kind_check CHECK (body_kind IN (
                     'residents_committee',
                     'supervisory_committee',
                     'homeowners_committee',
                     'supervisory_board'
                 )),
    title        TEXT NOT NULL,
    profile      TEXT NOT NULL,
    election_day TEXT NOT NULL
                 CONSTRAINT elections_election_day_check CHECK (date(election_day) IS election_day),
    created_at   TEXT NOT NULL
                 CONSTRAINT elections_created_at_check CHECK (created_at GLOB
                     '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z')
) STRICT;

CREATE INDEX elections_newest_first ON elections (created_at DESC);

-- Seats per position, in ballot order (ordinal 0 first).
CREATE TABLE election_seats (
    election_id TEXT NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
    ordinal     INTEGER NOT NULL
                CONSTRAINT election_seats_ordinal_check CHECK (ordinal >= 0),
    position    TEXT NOT NULL,
    seats       INTEGER NOT NULL
                CONSTRAINT election_seats_seats_check CHECK (seats BETWEEN 1 AND 4294967295),
    PRIMARY KEY (election_id, ordinal),
    CONSTRAINT election_seats_position_unique UNIQUE (election_id, position)
) STRICT;

CREATE TABLE users (
    id            TEXT NOT NULL PRIMARY KEY
                  CONSTRAINT users_id_check CHECK (length(id) = 36),
    username      TEXT NOT NULL
                  CONSTRAINT users_username_unique UNIQUE,
    role          TEXT NOT NULL
                  CONSTRAINT users_role_check CHECK (role IN ('committee', 'clerk', 'observer')),
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL
                  CONSTRAINT users_created_at_check CHECK (created_at GLOB
                      '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z')
) STRICT;

CREATE TABLE sessions (
    id         TEXT NOT NULL PRIMARY KEY
               CONSTRAINT sessions_id_check CHECK (length(id) = 36),
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash BLOB NOT NULL
               CONSTRAINT sessions_token_hash_unique UNIQUE
               CONSTRAINT sessions_token_hash_check CHECK (length(token_hash) = 32),
    created_at TEXT NOT NULL
               CONSTRAINT sessions_created_at_check CHECK (created_at GLOB
                   '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z'),
    expires_at TEXT NOT NULL
               CONSTRAINT sessions_expires_at_check CHECK (expires_at GLOB
                   '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z')
) STRICT;

CREATE INDEX sessions_user_id ON sessions (user_id);

CREATE TABLE station_tokens (
    id          TEXT NOT NULL PRIMARY KEY
                CONSTRAINT station_tokens_id_check CHECK (length(id) = 36),
    election_id TEXT NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
    station     TEXT NOT NULL,
    token_hash  BLOB NOT NULL
                CONSTRAINT station_tokens_token_hash_unique UNIQUE
                CONSTRAINT station_tokens_token_hash_check CHECK (length(token_hash) = 32),
    created_at  TEXT NOT NULL
                CONSTRAINT station_tokens_created_at_check CHECK (created_at GLOB
                    '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z'),
    expires_at  TEXT NOT NULL
                CONSTRAINT station_tokens_expires_at_check CHECK (expires_at GLOB
                    '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z'),
    revoked_at  TEXT
                CONSTRAINT station_tokens_revoked_at_check CHECK (revoked_at IS NULL OR revoked_at GLOB
                    '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z')
) STRICT;

CREATE INDEX station_tokens_by_election ON station_tokens (election_id, created_at DESC);

-- The one-time first-run set-up code: at most one row (singleton = 1).
CREATE TABLE setup_code (
    singleton  INTEGER NOT NULL PRIMARY KEY DEFAULT 1
               CONSTRAINT setup_code_singleton_check CHECK (singleton = 1),
    code_hash  BLOB NOT NULL
               CONSTRAINT setup_code_code_hash_check CHECK (length(code_hash) = 32),
    created_at TEXT NOT NULL
               CONSTRAINT setup_code_created_at_check CHECK (created_at GLOB
                   '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z')
) STRICT;
