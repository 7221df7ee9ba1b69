-- Huanjie schema, version 2, SQLite flavour: the resident roll of an election.
--
-- Same conventions as 0001_init.sql (UUID and instant TEXT, ISO dates,
-- STRICT tables); booleans are INTEGER 0/1. Text compares in SQLite's
-- BINARY collation (UTF-8 byte order = code-point order), so name and ID
-- prefix searches run as ranges (`name >= ?p AND name < ?successor`) over
-- the btree indexes below, and listings sort exactly as on PostgreSQL
-- (which uses COLLATE "C").
--
-- Bulk loading (crates/huanjie-store/src/sqlite.rs): an import writes its
-- residents in listing order, so the primary key and `residents_in_order`
-- grow at their right edge; for a roll at least as large as all the others
-- together, the two indexes in random order (`residents_resident_id_unique`,
-- `residents_by_name`) are dropped and built again by sorting, inside the
-- import's transaction.

-- One row per election whose roll has been imported (even an empty one).
-- `roll` is a new number for every import: the residents of one import
-- carry it, so the indexes key on a small integer instead of 36 characters.
CREATE TABLE rolls (
    roll        INTEGER PRIMARY KEY,
    election_id TEXT NOT NULL
                CONSTRAINT rolls_election_id_unique UNIQUE
                REFERENCES elections (id) ON DELETE CASCADE,
    imported_at TEXT NOT NULL
                CONSTRAINT rolls_imported_at_check CHECK (imported_at GLOB
                    '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z')
) STRICT;

-- The residents of an imported roll (deleted with their roll, and so with
-- their election). Their creation instant is the roll's `imported_at`.
CREATE TABLE residents (
    id                       TEXT NOT NULL PRIMARY KEY
                             CONSTRAINT residents_id_check CHECK (length(id) = 36),
    roll                     INTEGER NOT NULL REFERENCES rolls (roll) ON DELETE CASCADE,
    -- Row number in the imported file (the header is row 1).
    file_row                 INTEGER NOT NULL
                             CONSTRAINT residents_file_row_check CHECK (file_row BETWEEN 1 AND 4294967295),
    -- GB 11643, normalised by the importer (17 digits and 0-9 or X).
    resident_id              TEXT NOT NULL
                             CONSTRAINT residents_resident_id_check CHECK (length(resident_id) = 18),
    name                     TEXT NOT NULL,
    gender                   TEXT NOT NULL
                             CONSTRAINT residents_gender_check CHECK (gender IN ('M', 'F')),
    -- 居民小组
    group_name               TEXT NOT NULL,
    -- 户号
    household                TEXT NOT NULL,
    address                  TEXT NOT NULL,
    category                 TEXT NOT NULL
                             CONSTRAINT residents_category_check CHECK (category IN (
                                 'registered',
                                 'registered_elsewhere',
                                 'non_registered',
                                 'posted_staff'
                             )),
    residence_since          TEXT
                             CONSTRAINT residents_residence_since_check
                                 CHECK (length(residence_since) = 10),
    will_participate         INTEGER,
    committee_consent        INTEGER,
    household_representative INTEGER NOT NULL,
    residents_representative INTEGER NOT NULL,
    -- NULL: a voter; otherwise why this resident is not one (e.g. 'under_18').
    exclusion                TEXT
                             CONSTRAINT residents_exclusion_check CHECK (exclusion <> '')
) STRICT;

-- One resident ID once per roll (a backstop: the file checker already
-- refuses repeats); ID search, exact and by prefix; and R-REG-3 (不重登):
-- is this person on another election's roll?
CREATE UNIQUE INDEX residents_resident_id_unique ON residents (resident_id, roll);

-- Name search (prefix as a range) within a roll.
CREATE INDEX residents_by_name ON residents (roll, name);

-- Listing order and the group filter. `exclusion` rides along so that
-- counting voters (per group, or voters only) never visits the table.
CREATE INDEX residents_in_order
    ON residents (roll, group_name, household, name, file_row, exclusion);
