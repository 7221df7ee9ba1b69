-- Huanjie schema, version 2, PostgreSQL flavour: the resident roll of an
-- election.
--
-- `residents` is partitioned by election: each election's roll is one
-- partition. An import (crates/huanjie-store/src/postgres.rs) COPYs the new
-- roll into a table of its own, builds that table's indexes by sorting, adds
-- its foreign key (checked once, for the whole table), and only then swaps
-- it in for the election's previous partition, all in one transaction.
-- Loading a million rows into indexed, foreign-keyed rows one by one costs
-- several times more (the foreign-key trigger alone ~4.6 s per million on
-- the 2-core test machine).
--
-- The text columns that are searched or sorted use COLLATE "C" (byte order
-- = code-point order): name and ID prefix searches then run as ranges
-- (`name >= $p AND name < successor($p)`) over plain btree indexes whatever
-- the database's default collation, and listings sort exactly as on SQLite.
-- Queries name the election, so the planner prunes to its partition; the
-- indexes still carry `election_id` so that the query's own
-- `election_id = $1` is answered from the index, and counting stays an
-- index-only scan (an import COPYs with FREEZE, which also marks the new
-- partition all-visible).

-- One row per election whose roll has been imported (even an empty one),
-- naming the partition of `residents` that holds it.
CREATE TABLE rolls (
    election_id uuid PRIMARY KEY REFERENCES elections (id) ON DELETE CASCADE,
    imported_at timestamptz NOT NULL,
    partition   text NOT NULL
);

-- The residents of an imported roll. Their creation instant is the roll's
-- `imported_at`.
CREATE TABLE residents (
    id                       uuid NOT NULL,
    election_id              uuid NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
    -- Row number in the imported file (the header is row 1).
    file_row                 bigint NOT NULL
                             CONSTRAINT residents_file_row_check CHECK (file_row BETWEEN 1 AND 4294967295),
    -- GB 11643, normalised by the importer (17 digits and 0-9 or X).
    resident_id              text COLLATE "C" NOT NULL
                             CONSTRAINT residents_resident_id_check CHECK (octet_length(resident_id) = 18),
    name                     text COLLATE "C" NOT NULL,
    gender                   text NOT NULL
                             CONSTRAINT residents_gender_check CHECK (gender IN ('M', 'F')),
    -- 居民小组
    group_name               text COLLATE "C" NOT NULL,
    -- 户号
    household                text COLLATE "C" NOT NULL,
    address                  text NOT NULL,
    category                 text NOT NULL
                             CONSTRAINT residents_category_check CHECK (category IN (
                                 'registered',
                                 'registered_elsewhere',
                                 'non_registered',
                                 'posted_staff'
                             )),
    residence_since          date,
    will_participate         boolean,
    committee_consent        boolean,
    household_representative boolean NOT NULL,
    residents_representative boolean NOT NULL,
    -- NULL: a voter; otherwise why this resident is not one (e.g. 'under_18').
    exclusion                text
                             CONSTRAINT residents_exclusion_check CHECK (exclusion <> ''),
    CONSTRAINT residents_pkey PRIMARY KEY (id, election_id),
    -- One resident ID once per election (a backstop: the file checker
    -- already refuses repeats); ID search, exact and by prefix; and R-REG-3
    -- (不重登): is this person on another election's roll?
    CONSTRAINT residents_resident_id_unique UNIQUE (resident_id, election_id)
) PARTITION BY LIST (election_id);

-- Name search (prefix as a range).
CREATE INDEX residents_by_name ON residents (election_id, name);

-- Listing order and the group filter.
CREATE INDEX residents_in_order
    ON residents (election_id, group_name, household, name, file_row);
