-- Huanjie schema, version 18, SQLite flavour: a company's board of
-- supervisors (监事会, R-BODY-6, R-SUP-1).
--
-- The workers' congress elects the employee supervisors only; the board's
-- whole size is what the committee records here, so the employees' share
-- (at least a third) can be checked against it.
CREATE TABLE board_sizes (
    election_id TEXT PRIMARY KEY REFERENCES elections (id),
    board_size INTEGER NOT NULL CHECK (board_size BETWEEN 1 AND 1000),
    set_by TEXT NOT NULL,
    set_at TEXT NOT NULL
);

-- Directors and senior managers cannot sit on the board: the recusals
-- table takes their offices too. SQLite cannot change a CHECK in place, so
-- the table is copied into a new one with the wider constraint.
CREATE TABLE recusals_0018 (
    election_id TEXT NOT NULL REFERENCES elections (id),
    resident_id TEXT NOT NULL,
    office TEXT NOT NULL CONSTRAINT recusals_office_check
        CHECK (office IN ('residents_committee', 'party_organisation', 'finance_staff',
                          'company_director', 'senior_manager')),
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (election_id, resident_id, office)
);
INSERT INTO recusals_0018 (election_id, resident_id, office, recorded_by, recorded_at)
    SELECT election_id, resident_id, office, recorded_by, recorded_at FROM recusals;
DROP TABLE recusals;
ALTER TABLE recusals_0018 RENAME TO recusals;
