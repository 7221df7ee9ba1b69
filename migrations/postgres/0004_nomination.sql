-- Huanjie schema, version 4, PostgreSQL flavour: nomination (R-BODY-1/2/5,
-- R-NOM-1..6) and the counting staff (R-POLL-2).
--
-- Every state-changing step runs in one transaction that first locks the
-- election's row (`SELECT … FROM elections WHERE id = $1 FOR UPDATE`,
-- crates/huanjie-store/src/postgres/nomination.rs), as registration's
-- steps do: a proxy registration (R-POLL-4: a candidate cannot be a proxy)
-- and the fixing of the formal list take turns. Residents are referenced
-- by (id, election_id), which keeps them to their own election's roll.

-- R-BODY-1/2: how the committee fixed the seats (the seats themselves are
-- `election_seats`). At most one per election, replaced on change.
CREATE TABLE seat_plans (
    election_id     uuid PRIMARY KEY REFERENCES elections (id) ON DELETE CASCADE,
    households      bigint NOT NULL
                    CONSTRAINT seat_plans_households_check CHECK (households >= 0),
    formula_members bigint NOT NULL
                    CONSTRAINT seat_plans_formula_members_check CHECK (formula_members BETWEEN 0 AND 4294967295),
    reason          text NOT NULL,
    decided_by      text NOT NULL,
    decided_at      timestamptz NOT NULL
);

-- R-BODY-5: the election committee. A member who becomes a formal
-- candidate leaves (left_reason 'formal_candidate'); the row stays. A
-- member need not be on the roll, so `resident` has no foreign key; the
-- adapter checks it.
CREATE TABLE committee_members (
    id           uuid PRIMARY KEY,
    seq          bigint GENERATED ALWAYS AS IDENTITY,
    election_id  uuid NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
    name         text NOT NULL
                 CONSTRAINT committee_members_name_check CHECK (btrim(name) <> ''),
    gender       text NOT NULL
                 CONSTRAINT committee_members_gender_check CHECK (gender IN ('M', 'F')),
    role         text NOT NULL
                 CONSTRAINT committee_members_role_check CHECK (role IN ('chair', 'vice_chair', 'member')),
    resident     uuid,
    appointed_at timestamptz NOT NULL,
    left_at      timestamptz,
    left_reason  text,
    CONSTRAINT committee_members_left_check CHECK ((left_at IS NULL) = (left_reason IS NULL))
);

CREATE INDEX committee_members_by_election ON committee_members (election_id, appointed_at, seq);

-- R-NOM-1/2: nomination papers, numbered per election. A void paper
-- (R-NOM-2: one person for two positions) is kept with its reason; it
-- names nobody and spends no nominator's one nomination.
CREATE TABLE nominations (
    id           uuid PRIMARY KEY,
    election_id  uuid NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
    number       bigint NOT NULL
                 CONSTRAINT nominations_number_check CHECK (number BETWEEN 1 AND 4294967295),
    kind         text NOT NULL
                 CONSTRAINT nominations_kind_check CHECK (kind IN (
                     'joint_voters',
                     'joint_household_representatives',
                     'joint_group_representatives',
                     'party_organisation',
                     'residents_group',
                     'self_nomination',
                     'township_recommendation'
                 )),
    nominated_by text NOT NULL,
    lodged_on    date NOT NULL,
    recorded_by  text NOT NULL,
    recorded_at  timestamptz NOT NULL,
    void_rule    text,
    void_code    text,
    CONSTRAINT nominations_number_unique UNIQUE (election_id, number),
    CONSTRAINT nominations_void_check CHECK ((void_rule IS NULL) = (void_code IS NULL))
);

-- Who signed. `valid` copies the paper's standing so that the one-
-- nomination rule (R-NOM-2) is a unique index over valid papers only.
CREATE TABLE nominators (
    nomination_id uuid NOT NULL REFERENCES nominations (id) ON DELETE CASCADE,
    election_id   uuid NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
    resident      uuid NOT NULL,
    ordinal       bigint NOT NULL,
    valid         boolean NOT NULL,
    PRIMARY KEY (nomination_id, resident),
    CONSTRAINT nominators_resident_fkey FOREIGN KEY (resident, election_id)
        REFERENCES residents (id, election_id)
);

CREATE UNIQUE INDEX nominators_nominate_once ON nominators (election_id, resident) WHERE valid;

-- Who a paper names, for which position.
CREATE TABLE nominees (
    nomination_id uuid NOT NULL REFERENCES nominations (id) ON DELETE CASCADE,
    election_id   uuid NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
    resident      uuid NOT NULL,
    position      text NOT NULL,
    ordinal       bigint NOT NULL,
    PRIMARY KEY (nomination_id, resident, position),
    CONSTRAINT nominees_resident_fkey FOREIGN KEY (resident, election_id)
        REFERENCES residents (id, election_id)
);

CREATE INDEX nominees_by_election ON nominees (election_id, position, resident);

-- R-NOM-3: preliminary-vote results, replaced as a whole.
CREATE TABLE preliminary_votes (
    election_id uuid NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
    resident    uuid NOT NULL,
    position    text NOT NULL,
    votes       bigint NOT NULL
                CONSTRAINT preliminary_votes_votes_check CHECK (votes >= 0),
    PRIMARY KEY (election_id, position, resident),
    CONSTRAINT preliminary_votes_resident_fkey FOREIGN KEY (resident, election_id)
        REFERENCES residents (id, election_id)
);

-- R-NOM-5: the formal candidate list, fixed once.
CREATE TABLE formal_lists (
    election_id  uuid PRIMARY KEY REFERENCES elections (id) ON DELETE CASCADE,
    published_on date NOT NULL,
    published_at timestamptz NOT NULL,
    published_by text NOT NULL,
    late_days    bigint
                 CONSTRAINT formal_lists_late_days_check CHECK (late_days BETWEEN 0 AND 4294967295)
);

-- The formal candidates (R-NOM-4..6). A withdrawn one stays, with the
-- date and reason; a replacement names whom it replaced.
CREATE TABLE candidates (
    election_id       uuid NOT NULL REFERENCES formal_lists (election_id) ON DELETE CASCADE,
    resident          uuid NOT NULL,
    position          text NOT NULL,
    ordinal           bigint NOT NULL,
    status            text NOT NULL
                      CONSTRAINT candidates_status_check CHECK (status IN ('formal', 'withdrawn')),
    replaces          uuid,
    withdrawn_on      date,
    withdrawal_reason text,
    PRIMARY KEY (election_id, position, resident),
    CONSTRAINT candidates_resident_fkey FOREIGN KEY (resident, election_id)
        REFERENCES residents (id, election_id),
    CONSTRAINT candidates_withdrawn_check CHECK (
        (status = 'withdrawn') = (withdrawn_on IS NOT NULL)
        AND (withdrawn_on IS NULL) = (withdrawal_reason IS NULL))
);

CREATE INDEX candidates_by_resident ON candidates (election_id, resident) WHERE status = 'formal';

-- R-POLL-2: scrutineers, callers and counters.
CREATE TABLE counting_staff (
    id           uuid PRIMARY KEY,
    seq          bigint GENERATED ALWAYS AS IDENTITY,
    election_id  uuid NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
    resident     uuid NOT NULL,
    role         text NOT NULL
                 CONSTRAINT counting_staff_role_check CHECK (role IN ('scrutineer', 'caller', 'counter')),
    station      text NOT NULL
                 CONSTRAINT counting_staff_station_check CHECK (btrim(station) <> ''),
    appointed_by text NOT NULL,
    appointed_at timestamptz NOT NULL,
    CONSTRAINT counting_staff_unique UNIQUE (election_id, station, role, resident),
    CONSTRAINT counting_staff_resident_fkey FOREIGN KEY (resident, election_id)
        REFERENCES residents (id, election_id)
);
