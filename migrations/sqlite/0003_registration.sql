-- Huanjie schema, version 3, SQLite flavour: the rest of voter
-- registration (R-REG-4..6) and proxies and writing assistants (R-POLL-4).
--
-- Same conventions as 0001_init.sql (UUID and instant TEXT, ISO dates,
-- STRICT tables, booleans INTEGER 0/1). Every state-changing step runs in
-- one `BEGIN IMMEDIATE` transaction (crates/huanjie-store/src/sqlite/
-- registration.rs): SQLite has one writer, so the checks a step makes
-- (the proxy cap, the next change or objection number) cannot race
-- another writer.
--
-- Residents are referenced by their record id (`residents.id`, unique over
-- all rolls) without a foreign key: a key would make every import look up
-- each deleted resident in each referencing table, and nothing here can
-- lose its resident anyway. Proxies, objections and assistants exist only
-- once the list is published, after which the roll is never replaced and
-- residents are never deleted; the adapter checks that a referenced
-- resident is on the election's roll inside the transaction that writes.

-- R-REG-4: a voter who waived the right to vote (outside the registered
-- base), and a voter who registered voluntarily (the base of a
-- voluntary-registration community).
ALTER TABLE residents ADD COLUMN waived INTEGER NOT NULL DEFAULT 0
    CONSTRAINT residents_waived_check CHECK (waived IN (0, 1));
ALTER TABLE residents ADD COLUMN voluntary INTEGER NOT NULL DEFAULT 0
    CONSTRAINT residents_voluntary_check CHECK (voluntary IN (0, 1));

-- How an election registers its voters (R-REG-4, R-REG-6). No row: direct
-- and not voluntary. Frozen once the list is published.
CREATE TABLE registration_setups (
    election_id TEXT NOT NULL PRIMARY KEY REFERENCES elections (id) ON DELETE CASCADE,
    mode        TEXT NOT NULL
                CONSTRAINT registration_setups_mode_check CHECK (mode IN (
                    'direct',
                    'household_representatives',
                    'residents_representatives'
                )),
    voluntary   INTEGER NOT NULL
                CONSTRAINT registration_setups_voluntary_check CHECK (voluntary IN (0, 1))
) STRICT;

-- The published voter list (R-REG-5): at most one per election. The mode
-- and the counts are those in force when it was published. `fingerprint`
-- is the one printed on the notice (docs/voter-list-fingerprint.md);
-- `current_fingerprint` follows every recorded change, `changes` counts
-- them.
CREATE TABLE publications (
    election_id         TEXT NOT NULL PRIMARY KEY REFERENCES elections (id) ON DELETE CASCADE,
    published_at        TEXT NOT NULL
                        CONSTRAINT publications_published_at_check CHECK (published_at GLOB
                            '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z'),
    published_on        TEXT NOT NULL
                        CONSTRAINT publications_published_on_check CHECK (date(published_on) IS published_on),
    published_by        TEXT NOT NULL,
    -- Days after the R-REG-5 deadline, for a late publication a profile allows.
    late_days           INTEGER
                        CONSTRAINT publications_late_days_check CHECK (late_days BETWEEN 0 AND 4294967295),
    mode                TEXT NOT NULL
                        CONSTRAINT publications_mode_check CHECK (mode IN (
                            'direct',
                            'household_representatives',
                            'residents_representatives'
                        )),
    voluntary           INTEGER NOT NULL
                        CONSTRAINT publications_voluntary_check CHECK (voluntary IN (0, 1)),
    -- Voters on the list, and the registered base (R-REG-4/6), when published.
    voters              INTEGER NOT NULL
                        CONSTRAINT publications_voters_check CHECK (voters >= 0),
    registered          INTEGER NOT NULL
                        CONSTRAINT publications_registered_check CHECK (registered BETWEEN 0 AND voters),
    fingerprint         TEXT NOT NULL
                        CONSTRAINT publications_fingerprint_check CHECK (
                            length(fingerprint) = 64 AND fingerprint NOT GLOB '*[^0-9a-f]*'),
    current_fingerprint TEXT NOT NULL
                        CONSTRAINT publications_current_fingerprint_check CHECK (
                            length(current_fingerprint) = 64
                            AND current_fingerprint NOT GLOB '*[^0-9a-f]*'),
    changes             INTEGER NOT NULL DEFAULT 0
                        CONSTRAINT publications_changes_check CHECK (changes BETWEEN 0 AND 4294967295)
) STRICT;

-- Objections to the list (异议, R-REG-5), numbered 1, 2, 3 … per election.
-- Lodged, then decided (upheld or rejected, with reasons), then answered.
CREATE TABLE objections (
    id               TEXT NOT NULL PRIMARY KEY
                     CONSTRAINT objections_id_check CHECK (length(id) = 36),
    election_id      TEXT NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
    number           INTEGER NOT NULL
                     CONSTRAINT objections_number_check CHECK (number BETWEEN 1 AND 4294967295),
    lodged_on        TEXT NOT NULL
                     CONSTRAINT objections_lodged_on_check CHECK (date(lodged_on) IS lodged_on),
    lodged_at        TEXT NOT NULL
                     CONSTRAINT objections_lodged_at_check CHECK (lodged_at GLOB
                         '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z'),
    lodger           TEXT NOT NULL,
    -- The resident record it is about, when on the roll (see the header).
    subject_resident TEXT
                     CONSTRAINT objections_subject_resident_check CHECK (length(subject_resident) = 36),
    subject          TEXT NOT NULL,
    kind             TEXT NOT NULL
                     CONSTRAINT objections_kind_check CHECK (kind IN (
                         'omission',
                         'wrong_entry',
                         'duplicate',
                         'wrong_details',
                         'other'
                     )),
    claim            TEXT NOT NULL
                     CONSTRAINT objections_claim_check CHECK (trim(claim) <> ''),
    recorded_by      TEXT NOT NULL,
    status           TEXT NOT NULL
                     CONSTRAINT objections_status_check CHECK (status IN ('lodged', 'upheld', 'rejected')),
    decision         TEXT,
    decided_at       TEXT
                     CONSTRAINT objections_decided_at_check CHECK (decided_at GLOB
                         '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z'),
    decided_by       TEXT,
    -- The roll change an upheld objection made.
    change           TEXT REFERENCES roll_changes (id),
    answered_on      TEXT
                     CONSTRAINT objections_answered_on_check CHECK (date(answered_on) IS answered_on),
    answered_at      TEXT
                     CONSTRAINT objections_answered_at_check CHECK (answered_at GLOB
                         '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z'),
    answered_by      TEXT,
    answer_late      INTEGER
                     CONSTRAINT objections_answer_late_check CHECK (answer_late IN (0, 1)),
    CONSTRAINT objections_number_unique UNIQUE (election_id, number),
    -- A decision comes whole, and only with a decided status.
    CONSTRAINT objections_decision_check CHECK (
        (status = 'lodged') = (decision IS NULL)
        AND (decision IS NULL) = (decided_at IS NULL)
        AND (decision IS NULL) = (decided_by IS NULL)),
    CONSTRAINT objections_change_check CHECK (change IS NULL OR status = 'upheld'),
    -- An answer comes whole, and only after the decision.
    CONSTRAINT objections_answer_check CHECK (
        (answered_at IS NULL) = (answered_on IS NULL)
        AND (answered_at IS NULL) = (answered_by IS NULL)
        AND (answered_at IS NULL) = (answer_late IS NULL)
        AND (answered_at IS NULL OR status <> 'lodged'))
) STRICT;

-- Every change to a roll, with its reason and author, numbered 1, 2, 3 …
-- per election (R-REG-5: after publication, every change is recorded).
-- The resident is named by record id, ID number and name as they stood, so
-- the record reads on its own. `fields` is a JSON array of
-- {"field", "before", "after"} with text values (null for none).
CREATE TABLE roll_changes (
    id                TEXT NOT NULL PRIMARY KEY
                      CONSTRAINT roll_changes_id_check CHECK (length(id) = 36),
    election_id       TEXT NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
    seq               INTEGER NOT NULL
                      CONSTRAINT roll_changes_seq_check CHECK (seq BETWEEN 1 AND 4294967295),
    at                TEXT NOT NULL
                      CONSTRAINT roll_changes_at_check CHECK (at GLOB
                          '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z'),
    author            TEXT NOT NULL,
    reason            TEXT NOT NULL
                      CONSTRAINT roll_changes_reason_check CHECK (trim(reason) <> ''),
    objection         TEXT REFERENCES objections (id),
    kind              TEXT NOT NULL
                      CONSTRAINT roll_changes_kind_check CHECK (kind IN ('add', 'edit')),
    resident          TEXT NOT NULL
                      CONSTRAINT roll_changes_resident_check CHECK (length(resident) = 36),
    resident_id       TEXT NOT NULL
                      CONSTRAINT roll_changes_resident_id_check CHECK (length(resident_id) = 18),
    resident_name     TEXT NOT NULL,
    fields            TEXT NOT NULL
                      CONSTRAINT roll_changes_fields_check CHECK (
                          json_valid(fields) AND json_type(fields) = 'array'),
    -- The list's fingerprint after this change; NULL before publication.
    fingerprint_after TEXT
                      CONSTRAINT roll_changes_fingerprint_after_check CHECK (
                          length(fingerprint_after) = 64
                          AND fingerprint_after NOT GLOB '*[^0-9a-f]*'),
    CONSTRAINT roll_changes_seq_unique UNIQUE (election_id, seq)
) STRICT;

-- Proxies (委托投票, R-POLL-4), as the committee approved them; a revoked
-- one stays, with when and by whom. Oldest first by rowid.
CREATE TABLE proxies (
    id          TEXT NOT NULL PRIMARY KEY
                CONSTRAINT proxies_id_check CHECK (length(id) = 36),
    election_id TEXT NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
    -- Resident records of the voter giving the authorisation and of the proxy.
    grantor     TEXT NOT NULL
                CONSTRAINT proxies_grantor_check CHECK (length(grantor) = 36),
    proxy       TEXT NOT NULL
                CONSTRAINT proxies_proxy_check CHECK (length(proxy) = 36),
    lodged_on   TEXT NOT NULL
                CONSTRAINT proxies_lodged_on_check CHECK (date(lodged_on) IS lodged_on),
    -- The written authorisation's reference (委托书编号).
    document    TEXT NOT NULL
                CONSTRAINT proxies_document_check CHECK (trim(document) <> ''),
    approved_by TEXT NOT NULL,
    approved_at TEXT NOT NULL
                CONSTRAINT proxies_approved_at_check CHECK (approved_at GLOB
                    '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z'),
    revoked_at  TEXT
                CONSTRAINT proxies_revoked_at_check CHECK (revoked_at GLOB
                    '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z'),
    revoked_by  TEXT,
    CONSTRAINT proxies_not_self_check CHECK (grantor <> proxy),
    CONSTRAINT proxies_revoked_check CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
) STRICT;

CREATE INDEX proxies_by_election ON proxies (election_id, approved_at);

-- One standing authorisation per voter (a backstop: the adapter refuses a
-- second one with R-POLL-4 first).
CREATE UNIQUE INDEX proxies_one_per_grantor ON proxies (election_id, grantor)
    WHERE revoked_at IS NULL;

-- What a proxy holds (the R-POLL-4 cap).
CREATE INDEX proxies_by_proxy ON proxies (election_id, proxy) WHERE revoked_at IS NULL;

-- Writing assistants (代写, R-POLL-4) for voters who cannot write.
-- Oldest first by rowid.
CREATE TABLE writing_assistants (
    id          TEXT NOT NULL PRIMARY KEY
                CONSTRAINT writing_assistants_id_check CHECK (length(id) = 36),
    election_id TEXT NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
    -- The resident record of the voter.
    voter       TEXT NOT NULL
                CONSTRAINT writing_assistants_voter_check CHECK (length(voter) = 36),
    assistant   TEXT NOT NULL
                CONSTRAINT writing_assistants_assistant_check CHECK (trim(assistant) <> ''),
    reason      TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
                CONSTRAINT writing_assistants_recorded_at_check CHECK (recorded_at GLOB
                    '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z')
) STRICT;

CREATE INDEX writing_assistants_by_election ON writing_assistants (election_id, recorded_at);
CREATE INDEX roll_changes_by_objection ON roll_changes (objection);
CREATE INDEX objections_by_change ON objections (change);
