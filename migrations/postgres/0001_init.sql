-- Huanjie schema, version 1, PostgreSQL flavour.
--
-- Native types throughout: uuid ids, timestamptz instants (microsecond
-- precision; the adapter truncates to it), date for the election day,
-- bytea for SHA-256 hashes. "Newest first" listings break ties on the
-- identity column `seq` (insertion order).

CREATE TABLE elections (
    id           uuid PRIMARY KEY,
    seq          bigint GENERATED ALWAYS AS IDENTITY,
    body_kind    text NOT NULL
                 CONSTRAINT elections_body_kind_check CHECK (body_kind IN (
                     'residents_committee',
                     'supervisory_committee',
                     'homeowners_committee',
                     'supervisory_board'
                 )),
    title        text NOT NULL,
    profile      text NOT NULL,
    election_day date NOT NULL,
    created_at   timestamptz NOT NULL
);

CREATE INDEX elections_newest_first ON elections (created_at DESC, seq DESC);

-- Seats per position, in ballot order (ordinal 0 first).
CREATE TABLE election_seats (
    election_id uuid NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
    ordinal     integer NOT NULL
                CONSTRAINT election_seats_ordinal_check CHECK (ordinal >= 0),
    position    text NOT NULL,
    seats       bigint NOT NULL
                CONSTRAINT election_seats_seats_check CHECK (seats BETWEEN 1 AND 4294967295),
    PRIMARY KEY (election_id, ordinal),
    CONSTRAINT election_seats_position_unique UNIQUE (election_id, position)
);

CREATE TABLE users (
    id            uuid PRIMARY KEY,
    username      text NOT NULL
                  CONSTRAINT users_username_unique UNIQUE,
    role          text NOT NULL
                  CONSTRAINT users_role_check CHECK (role IN ('committee', 'clerk', 'observer')),
    password_hash text NOT NULL,
    created_at    timestamptz NOT NULL
);

CREATE TABLE sessions (
    id         uuid PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash bytea NOT NULL
               CONSTRAINT sessions_token_hash_unique UNIQUE
               CONSTRAINT sessions_token_hash_check CHECK (octet_length(token_hash) = 32),
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);

CREATE INDEX sessions_user_id ON sessions (user_id);

CREATE TABLE station_tokens (
    id          uuid PRIMARY KEY,
    seq         bigint GENERATED ALWAYS AS IDENTITY,
    election_id uuid NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
    station     text NOT NULL,
    token_hash  bytea NOT NULL
                CONSTRAINT station_tokens_token_hash_unique UNIQUE
                CONSTRAINT station_tokens_token_hash_check CHECK (octet_length(token_hash) = 32),
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    revoked_at  timestamptz
);

CREATE INDEX station_tokens_by_election ON station_tokens (election_id, created_at DESC, seq DESC);

-- The one-time first-run set-up code: at most one row (singleton = true).
CREATE TABLE setup_code (
    singleton  boolean PRIMARY KEY DEFAULT true
               CONSTRAINT setup_code_singleton_check CHECK (singleton),
    code_hash  bytea NOT NULL
               CONSTRAINT setup_code_code_hash_check CHECK (octet_length(code_hash) = 32),
    created_at timestamptz NOT NULL
);
