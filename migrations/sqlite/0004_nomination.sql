-- Huanjie schema, version 4, SQLite flavour: nomination (R-BODY-1/2/5,
-- R-NOM-1..6) and the counting staff (R-POLL-2).
--
-- Same conventions as 0001_init.sql (UUID and instant TEXT, ISO dates,
-- STRICT tables, booleans INTEGER 0/1). Every state-changing step runs in
-- one `BEGIN IMMEDIATE` transaction (crates/huanjie-store/src/sqlite/
-- nomination.rs). Residents are referenced by record id without a foreign
-- key, as in 0003: the adapter checks that a referenced resident is on the
-- election's current roll inside the transaction that writes.

-- R-BODY-1/2: how the committee fixed the seats (the seats themselves are
-- `election_seats`). At most one per election, replaced on change.
CREATE TABLE seat_plans (
    election_id     TEXT NOT NULL PRIMARY KEY REFERENCES elections (id) ON DELETE CASCADE,
    households      INTEGER NOT NULL
                    CONSTRAINT seat_plans_households_check CHECK (households >= 0),
    formula_members INTEGER NOT NULL
                    CONSTRAINT seat_plans_formula_members_check CHECK (formula_members BETWEEN 0 AND 4294967295),
    reason          TEXT NOT NULL,
    decided_by      TEXT NOT NULL,
    decided_at      TEXT NOT NULL
                    CONSTRAINT seat_plans_decided_at_check CHECK (decided_at GLOB
                        '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z')
) STRICT;

-- R-BODY-5: the election committee. A member who becomes a formal
-- candidate leaves (left_reason 'formal_candidate'); the row stays.
CREATE TABLE committee_members (
    id           TEXT NOT NULL PRIMARY KEY
                 CONSTRAINT committee_members_id_check CHECK (length(id) = 36),
    election_id  TEXT NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
    name         TEXT NOT NULL
                 CONSTRAINT committee_members_name_check CHECK (trim(name) <> ''),
    gender       TEXT NOT NULL
                 CONSTRAINT committee_members_gender_check CHECK (gender IN ('M', 'F')),
    role         TEXT NOT NULL
                 CONSTRAINT committee_members_role_check CHECK (role IN ('chair', 'vice_chair', 'member')),
    resident     TEXT
                 CONSTRAINT committee_members_resident_check CHECK (length(resident) = 36),
    appointed_at TEXT NOT NULL,
    left_at      TEXT,
    left_reason  TEXT,
    CONSTRAINT committee_members_left_check CHECK ((left_at IS NULL) = (left_reason IS NULL))
) STRICT;

CREATE INDEX committee_members_by_election ON committee_members (election_id, appointed_at);

-- R-NOM-1/2: nomination papers, numbered per election. A void paper
-- (R-NOM-2: one person for two positions) is kept with its reason; it
-- names nobody and spends no nominator's one nomination.
CREATE TABLE nominations (
    id           TEXT NOT NULL PRIMARY KEY
                 CONSTRAINT nominations_id_check CHECK (length(id) = 36),
    election_id  TEXT NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
    number       INTEGER NOT NULL
                 CONSTRAINT nominations_number_check CHECK (number BETWEEN 1 AND 4294967295),
    kind         TEXT NOT NULL
                 CONSTRAINT nominations_kind_check CHECK (kind IN (
                     'joint_voters',
                     'joint_household_representatives',
                     'joint_group_representatives',
                     'party_organisation',
                     'residents_group',
                     'self_nomination',
                     'township_recommendation'
                 )),
    nominated_by TEXT NOT NULL,
    lodged_on    TEXT NOT NULL
                 CONSTRAINT nominations_lodged_on_check CHECK (date(lodged_on) IS lodged_on),
    recorded_by  TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    void_rule    TEXT,
    void_code    TEXT,
    CONSTRAINT nominations_number_unique UNIQUE (election_id, number),
    CONSTRAINT nominations_void_check CHECK ((void_rule IS NULL) = (void_code IS NULL))
) STRICT;

-- Who signed. `valid` copies the paper's standing so that the one-
-- nomination rule (R-NOM-2) is a unique index over valid papers only.
CREATE TABLE nominators (
    nomination_id TEXT NOT NULL REFERENCES nominations (id) ON DELETE CASCADE,
    election_id   TEXT NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
    resident      TEXT NOT NULL
                  CONSTRAINT nominators_resident_check CHECK (length(resident) = 36),
    ordinal       INTEGER NOT NULL,
    valid         INTEGER NOT NULL
                  CONSTRAINT nominators_valid_check CHECK (valid IN (0, 1)),
    PRIMARY KEY (nomination_id, resident)
) STRICT;

CREATE UNIQUE INDEX nominators_nominate_once ON nominators (election_id, resident) WHERE valid = 1;

-- Who a paper names, for which position.
CREATE TABLE nominees (
    nomination_id TEXT NOT NULL REFERENCES nominations (id) ON DELETE CASCADE,
    election_id   TEXT NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
    resident      TEXT NOT NULL
                  CONSTRAINT nominees_resident_check CHECK (length(resident) = 36),
    position      TEXT NOT NULL,
    ordinal       INTEGER NOT NULL,
    PRIMARY KEY (nomination_id, resident, position)
) STRICT;

CREATE INDEX nominees_by_election ON nominees (election_id, position, resident);

-- R-NOM-3: preliminary-vote results, replaced as a whole.
CREATE TABLE preliminary_votes (
    election_id TEXT NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
    resident    TEXT NOT NULL
                CONSTRAINT preliminary_votes_resident_check CHECK (length(resident) = 36),
    position    TEXT NOT NULL,
    votes       INTEGER NOT NULL
                CONSTRAINT preliminary_votes_votes_check CHECK (votes >= 0),
    PRIMARY KEY (election_id, position, resident)
) STRICT;

-- R-NOM-5: the formal candidate list, fixed once.
CREATE TABLE formal_lists (
    election_id  TEXT NOT NULL PRIMARY KEY REFERENCES elections (id) ON DELETE CASCADE,
    published_on TEXT NOT NULL
                 CONSTRAINT formal_lists_published_on_check CHECK (date(published_on) IS published_on),
    published_at TEXT NOT NULL,
    published_by TEXT NOT NULL,
    late_days    INTEGER
                 CONSTRAINT formal_lists_late_days_check CHECK (late_days BETWEEN 0 AND 4294967295)
) STRICT;

-- The formal candidates (R-NOM-4..6). A withdrawn one stays, with the
-- date and reason; a replacement names whom it replaced.
CREATE TABLE candidates (
    election_id       TEXT NOT NULL REFERENCES formal_lists (election_id) ON DELETE CASCADE,
    resident          TEXT NOT NULL
                      CONSTRAINT candidates_resident_check CHECK (length(resident) = 36),
    position          TEXT NOT NULL,
    ordinal           INTEGER NOT NULL,
    status            TEXT NOT NULL
                      CONSTRAINT candidates_status_check CHECK (status IN ('formal', 'withdrawn')),
    replaces          TEXT,
    withdrawn_on      TEXT
                      CONSTRAINT candidates_withdrawn_on_check CHECK (date(withdrawn_on) IS withdrawn_on),
    withdrawal_reason TEXT,
    PRIMARY KEY (election_id, position, resident),
    CONSTRAINT candidates_withdrawn_check CHECK (
        (status = 'withdrawn') = (withdrawn_on IS NOT NULL)
        AND (withdrawn_on IS NULL) = (withdrawal_reason IS NULL))
) STRICT;

CREATE INDEX candidates_by_resident ON candidates (election_id, resident) WHERE status = 'formal';

-- R-POLL-2: scrutineers, callers and counters.
CREATE TABLE counting_staff (
    id           TEXT NOT NULL PRIMARY KEY
                 CONSTRAINT counting_staff_id_check CHECK (length(id) = 36),
    election_id  TEXT NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
    resident     TEXT NOT NULL
                 CONSTRAINT counting_staff_resident_check CHECK (length(resident) = 36),
    role         TEXT NOT NULL
                 CONSTRAINT counting_staff_role_check CHECK (role IN ('scrutineer', 'caller', 'counter')),
    station      TEXT NOT NULL
                 CONSTRAINT counting_staff_station_check CHECK (trim(station) <> ''),
    appointed_by TEXT NOT NULL,
    appointed_at TEXT NOT NULL,
    CONSTRAINT counting_staff_unique UNIQUE (election_id, station, role, resident)
) STRICT;
