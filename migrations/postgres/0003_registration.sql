-- Huanjie schema, version 3, PostgreSQL flavour: the rest of voter
-- registration (R-REG-4..6) and proxies and writing assistants (R-POLL-4).
--
-- Every state-changing step runs in one transaction that starts by
-- locking the election's row (`SELECT … FROM elections WHERE id = $1 FOR
-- UPDATE`, crates/huanjie-store/src/postgres/registration.rs): steps of one
-- election take turns, so two proxy registrations cannot both pass the
-- cap, and change and objection numbers never collide; other elections are
-- not held up. An import takes the same lock, so it cannot slip in beside a
-- publication.
--
-- `residents` is partitioned by election with primary key
-- (id, election_id): proxies, assistants and objections reference a
-- resident by both columns, which also keeps them to their own election's
-- roll. They exist only once the list is published, after which the roll
-- is never replaced, so an import never has to detach a referenced
-- partition. Roll changes name their resident without a key (changes
-- recorded before publication outlive a re-import).

-- R-REG-4: a voter who waived the right to vote (outside the registered
-- base), and a voter who registered voluntarily (the base of a
-- voluntary-registration community). Partitions get the columns too, and
-- an import's new table copies them (`LIKE residents`).
ALTER TABLE residents
    ADD COLUMN waived    boolean NOT NULL DEFAULT false,
    ADD COLUMN voluntary boolean NOT NULL DEFAULT false;

-- How an election registers its voters (R-REG-4, R-REG-6). No row: direct
-- and not voluntary. Frozen once the list is published.
CREATE TABLE registration_setups (
    election_id uuid PRIMARY KEY REFERENCES elections (id) ON DELETE CASCADE,
    mode        text NOT NULL
                CONSTRAINT registration_setups_mode_check CHECK (mode IN (
                    'direct',
                    'household_representatives',
                    'residents_representatives'
                )),
    voluntary   boolean NOT NULL
);

-- The published voter list (R-REG-5): at most one per election. The mode
-- and the counts are those in force when it was published. `fingerprint`
-- is the one printed on the notice (docs/voter-list-fingerprint.md);
-- `current_fingerprint` follows every recorded change, `changes` counts
-- them.
CREATE TABLE publications (
    election_id         uuid PRIMARY KEY REFERENCES elections (id) ON DELETE CASCADE,
    published_at        timestamptz NOT NULL,
    published_on        date NOT NULL,
    published_by        text NOT NULL,
    -- Days after the R-REG-5 deadline, for a late publication a profile allows.
    late_days           bigint
                        CONSTRAINT publications_late_days_check CHECK (late_days BETWEEN 0 AND 4294967295),
    mode                text NOT NULL
                        CONSTRAINT publications_mode_check CHECK (mode IN (
                            'direct',
                            'household_representatives',
                            'residents_representatives'
                        )),
    voluntary           boolean NOT NULL,
    -- Voters on the list, and the registered base (R-REG-4/6), when published.
    voters              bigint NOT NULL
                        CONSTRAINT publications_voters_check CHECK (voters >= 0),
    registered          bigint NOT NULL
                        CONSTRAINT publications_registered_check CHECK (registered BETWEEN 0 AND voters),
    fingerprint         text NOT NULL
                        CONSTRAINT publications_fingerprint_check CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
    current_fingerprint text NOT NULL
                        CONSTRAINT publications_current_fingerprint_check
                            CHECK (current_fingerprint ~ '^[0-9a-f]{64}$'),
    changes             bigint NOT NULL DEFAULT 0
                        CONSTRAINT publications_changes_check CHECK (changes BETWEEN 0 AND 4294967295)
);

-- Objections to the list (异议, R-REG-5), numbered 1, 2, 3 … per election.
-- Lodged, then decided (upheld or rejected, with reasons), then answered.
CREATE TABLE objections (
    id               uuid PRIMARY KEY,
    election_id      uuid NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
    number           bigint NOT NULL
                     CONSTRAINT objections_number_check CHECK (number BETWEEN 1 AND 4294967295),
    lodged_on        date NOT NULL,
    lodged_at        timestamptz NOT NULL,
    lodger           text NOT NULL,
    -- The resident it is about, when on the roll.
    subject_resident uuid,
    subject          text NOT NULL,
    kind             text NOT NULL
                     CONSTRAINT objections_kind_check CHECK (kind IN (
                         'omission',
                         'wrong_entry',
                         'duplicate',
                         'wrong_details',
                         'other'
                     )),
    claim            text NOT NULL
                     CONSTRAINT objections_claim_check CHECK (btrim(claim) <> ''),
    recorded_by      text NOT NULL,
    status           text NOT NULL
                     CONSTRAINT objections_status_check CHECK (status IN ('lodged', 'upheld', 'rejected')),
    decision         text,
    decided_at       timestamptz,
    decided_by       text,
    -- The roll change an upheld objection made (key added below).
    change           uuid,
    answered_on      date,
    answered_at      timestamptz,
    answered_by      text,
    answer_late      boolean,
    CONSTRAINT objections_number_unique UNIQUE (election_id, number),
    CONSTRAINT objections_subject_resident_fkey FOREIGN KEY (subject_resident, election_id)
        REFERENCES residents (id, election_id),
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
);

-- Every change to a roll, with its reason and author, numbered 1, 2, 3 …
-- per election (R-REG-5: after publication, every change is recorded).
-- The resident is named by record id, ID number and name as they stood, so
-- the record reads on its own. `fields` is a JSON array of
-- {"field", "before", "after"} with text values (null for none), kept as
-- text exactly as written.
CREATE TABLE roll_changes (
    id                uuid PRIMARY KEY,
    election_id       uuid NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
    seq               bigint NOT NULL
                      CONSTRAINT roll_changes_seq_check CHECK (seq BETWEEN 1 AND 4294967295),
    at                timestamptz NOT NULL,
    author            text NOT NULL,
    reason            text NOT NULL
                      CONSTRAINT roll_changes_reason_check CHECK (btrim(reason) <> ''),
    objection         uuid REFERENCES objections (id),
    kind              text NOT NULL
                      CONSTRAINT roll_changes_kind_check CHECK (kind IN ('add', 'edit')),
    resident          uuid NOT NULL,
    resident_id       text COLLATE "C" NOT NULL
                      CONSTRAINT roll_changes_resident_id_check CHECK (octet_length(resident_id) = 18),
    resident_name     text NOT NULL,
    fields            text NOT NULL
                      CONSTRAINT roll_changes_fields_check CHECK (jsonb_typeof(fields::jsonb) = 'array'),
    -- The list's fingerprint after this change; NULL before publication.
    fingerprint_after text
                      CONSTRAINT roll_changes_fingerprint_after_check
                          CHECK (fingerprint_after ~ '^[0-9a-f]{64}$'),
    CONSTRAINT roll_changes_seq_unique UNIQUE (election_id, seq)
);

ALTER TABLE objections ADD CONSTRAINT objections_change_fkey
    FOREIGN KEY (change) REFERENCES roll_changes (id);

CREATE INDEX roll_changes_by_objection ON roll_changes (objection);
CREATE INDEX objections_by_change ON objections (change);

-- Proxies (委托投票, R-POLL-4), as the committee approved them; a revoked
-- one stays, with when and by whom. Oldest first: approval instant, then
-- `seq` (insertion order).
CREATE TABLE proxies (
    id          uuid PRIMARY KEY,
    seq         bigint GENERATED ALWAYS AS IDENTITY,
    election_id uuid NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
    -- Resident records of the voter giving the authorisation and of the proxy.
    grantor     uuid NOT NULL,
    proxy       uuid NOT NULL,
    lodged_on   date NOT NULL,
    -- The written authorisation's reference (委托书编号).
    document    text NOT NULL
                CONSTRAINT proxies_document_check CHECK (btrim(document) <> ''),
    approved_by text NOT NULL,
    approved_at timestamptz NOT NULL,
    revoked_at  timestamptz,
    revoked_by  text,
    CONSTRAINT proxies_grantor_fkey FOREIGN KEY (grantor, election_id)
        REFERENCES residents (id, election_id),
    CONSTRAINT proxies_proxy_fkey FOREIGN KEY (proxy, election_id)
        REFERENCES residents (id, election_id),
    CONSTRAINT proxies_not_self_check CHECK (grantor <> proxy),
    CONSTRAINT proxies_revoked_check CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
);

CREATE INDEX proxies_by_election ON proxies (election_id, approved_at, seq);

-- One standing authorisation per voter (a backstop: the adapter refuses a
-- second one with R-POLL-4 first).
CREATE UNIQUE INDEX proxies_one_per_grantor ON proxies (election_id, grantor)
    WHERE revoked_at IS NULL;

-- What a proxy holds (the R-POLL-4 cap).
CREATE INDEX proxies_by_proxy ON proxies (election_id, proxy) WHERE revoked_at IS NULL;

-- Writing assistants (代写, R-POLL-4) for voters who cannot write.
-- Oldest first: recording instant, then `seq`.
CREATE TABLE writing_assistants (
    id          uuid PRIMARY KEY,
    seq         bigint GENERATED ALWAYS AS IDENTITY,
    election_id uuid NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
    -- The resident record of the voter.
    voter       uuid NOT NULL,
    assistant   text NOT NULL
                CONSTRAINT writing_assistants_assistant_check CHECK (btrim(assistant) <> ''),
    reason      text NOT NULL,
    recorded_by text NOT NULL,
    recorded_at timestamptz NOT NULL,
    CONSTRAINT writing_assistants_voter_fkey FOREIGN KEY (voter, election_id)
        REFERENCES residents (id, election_id)
);

CREATE INDEX writing_assistants_by_election ON writing_assistants (election_id, recorded_at, seq);
