-- Huanjie schema, version 7, PostgreSQL flavour: polling day (issue 6).
--
-- A station (or mobile box) has a short code (what a station token
-- names) and a name (as printed on notices and ballot batches). Its day
-- is `polls` (not_opened → open → closed) and `issued`, the ballots
-- handed out: a count, never to whom (R-POLL-5). `scanned` is not kept
-- here: it is counted from `scans`, so it cannot drift.
--
-- A scan is one ballot counted: its serial's random part (a printed,
-- unvoided ballot of this election: the foreign key), the station that
-- counted it, its marks in the counting case's form, and a receipt number
-- per station. The primary key makes a ballot count once.
CREATE TABLE stations (
    election_id uuid NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
    code        text NOT NULL CONSTRAINT stations_code_check CHECK (code ~ '^[A-Za-z0-9_-]{1,32}$'),
    name        text NOT NULL CONSTRAINT stations_name_check CHECK (btrim(name) <> ''),
    kind        text NOT NULL CONSTRAINT stations_kind_check CHECK (kind IN ('central', 'sub', 'mobile')),
    -- Where it is, and whom it serves (printed on the polling notice).
    place       text NOT NULL DEFAULT '',
    serves      text NOT NULL DEFAULT '',
    approval    text CONSTRAINT stations_approval_check CHECK (approval IS NULL OR btrim(approval) <> ''),
    polls       text NOT NULL DEFAULT 'not_opened'
                CONSTRAINT stations_polls_check CHECK (polls IN ('not_opened', 'open', 'closed')),
    issued      bigint NOT NULL DEFAULT 0 CONSTRAINT stations_issued_check CHECK (issued >= 0),
    opened_at   timestamptz,
    closed_at   timestamptz,
    created_at  timestamptz NOT NULL,
    seq         integer NOT NULL,
    PRIMARY KEY (election_id, code),
    CONSTRAINT stations_name_unique UNIQUE (election_id, name),
    CONSTRAINT stations_seq_unique UNIQUE (election_id, seq)
);

-- One central station per election.
CREATE UNIQUE INDEX stations_one_central ON stations (election_id) WHERE kind = 'central';

CREATE TABLE scans (
    election_id uuid NOT NULL,
    random      bytea NOT NULL CONSTRAINT scans_random_check CHECK (octet_length(random) = 8),
    station     text NOT NULL,
    number      bigint NOT NULL CONSTRAINT scans_number_check CHECK (number >= 1),
    marks       text NOT NULL CONSTRAINT scans_marks_check CHECK ((marks::jsonb) IS NOT NULL),
    scanned_by  text NOT NULL,
    scanned_at  timestamptz NOT NULL,
    PRIMARY KEY (election_id, random),
    CONSTRAINT scans_number_unique UNIQUE (election_id, station, number),
    FOREIGN KEY (election_id, random) REFERENCES ballot_serials (election_id, random) ON DELETE CASCADE,
    FOREIGN KEY (election_id, station) REFERENCES stations (election_id, code) ON DELETE CASCADE
);
