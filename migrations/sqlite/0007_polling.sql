-- Huanjie schema, version 7, SQLite flavour: polling day (issue 6).
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
    election_id TEXT NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
    code        TEXT NOT NULL CONSTRAINT stations_code_check CHECK (
                    length(code) BETWEEN 1 AND 32 AND code NOT GLOB '*[^A-Za-z0-9_-]*'),
    name        TEXT NOT NULL CONSTRAINT stations_name_check CHECK (trim(name) <> ''),
    kind        TEXT NOT NULL CONSTRAINT stations_kind_check CHECK (kind IN ('central', 'sub', 'mobile')),
    -- Where it is, and whom it serves (printed on the polling notice).
    place       TEXT NOT NULL DEFAULT '',
    serves      TEXT NOT NULL DEFAULT '',
    approval    TEXT CONSTRAINT stations_approval_check CHECK (approval IS NULL OR trim(approval) <> ''),
    polls       TEXT NOT NULL DEFAULT 'not_opened'
                CONSTRAINT stations_polls_check CHECK (polls IN ('not_opened', 'open', 'closed')),
    issued      INTEGER NOT NULL DEFAULT 0 CONSTRAINT stations_issued_check CHECK (issued >= 0),
    opened_at   TEXT,
    closed_at   TEXT,
    created_at  TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    PRIMARY KEY (election_id, code),
    CONSTRAINT stations_name_unique UNIQUE (election_id, name),
    CONSTRAINT stations_seq_unique UNIQUE (election_id, seq)
) STRICT;

-- One central station per election.
CREATE UNIQUE INDEX stations_one_central ON stations (election_id) WHERE kind = 'central';

CREATE TABLE scans (
    election_id TEXT NOT NULL,
    random      BLOB NOT NULL CONSTRAINT scans_random_check CHECK (length(random) = 8),
    station     TEXT NOT NULL,
    number      INTEGER NOT NULL CONSTRAINT scans_number_check CHECK (number >= 1),
    marks       TEXT NOT NULL CONSTRAINT scans_marks_check CHECK (json_valid(marks)),
    scanned_by  TEXT NOT NULL,
    scanned_at  TEXT NOT NULL,
    PRIMARY KEY (election_id, random),
    CONSTRAINT scans_number_unique UNIQUE (election_id, station, number),
    FOREIGN KEY (election_id, random) REFERENCES ballot_serials (election_id, random) ON DELETE CASCADE,
    FOREIGN KEY (election_id, station) REFERENCES stations (election_id, code) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
