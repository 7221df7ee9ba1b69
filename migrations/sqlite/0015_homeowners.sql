-- Huanjie schema, version 15, SQLite flavour: the homeowners' assembly
-- (业主大会, R-OWN-1; issue 7, item 6), for elections of a homeowners'
-- committee.
--
-- The owners' register as the core grouped it: one row per owner (one
-- unit one owner; an owner of several units one owner; every unsold unit
-- of the developer one owner), each unit under its owner. Areas are exact
-- integers of 0.01 m². The register is replaced whole, and only while no
-- matter has been put to the assembly (votes name owners by number).
CREATE TABLE homeowner_owners (
    election_id TEXT NOT NULL REFERENCES elections (id),
    number INTEGER NOT NULL CONSTRAINT homeowner_owners_number_check CHECK (number >= 1),
    name TEXT NOT NULL,
    developer INTEGER NOT NULL CONSTRAINT homeowner_owners_developer_check CHECK (developer IN (0, 1)),
    area_centi INTEGER NOT NULL CONSTRAINT homeowner_owners_area_check CHECK (area_centi >= 1),
    PRIMARY KEY (election_id, number)
);
-- At most one developer owner per register.
CREATE UNIQUE INDEX homeowner_owners_developer ON homeowner_owners (election_id) WHERE developer = 1;

CREATE TABLE homeowner_units (
    election_id TEXT NOT NULL,
    unit TEXT NOT NULL,
    owner INTEGER NOT NULL,
    area_centi INTEGER NOT NULL CONSTRAINT homeowner_units_area_check CHECK (area_centi >= 1),
    position INTEGER NOT NULL,
    PRIMARY KEY (election_id, unit),
    FOREIGN KEY (election_id, owner) REFERENCES homeowner_owners (election_id, number)
);

-- Who imported the register, and when.
CREATE TABLE homeowner_registers (
    election_id TEXT PRIMARY KEY REFERENCES elections (id),
    imported_by TEXT NOT NULL,
    imported_at TEXT NOT NULL
);

-- A matter put to the assembly: ordinary (more than half of both
-- measures; the committee's election included) or special (maintenance
-- funds, rebuilding: three quarters of both), numbered per election.
CREATE TABLE homeowner_matters (
    election_id TEXT NOT NULL REFERENCES elections (id),
    number INTEGER NOT NULL CONSTRAINT homeowner_matters_number_check CHECK (number >= 1),
    kind TEXT NOT NULL CONSTRAINT homeowner_matters_kind_check CHECK (kind IN ('ordinary', 'special')),
    title TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (election_id, number)
);

-- One vote per owner per matter (the key refuses a second, written or in
-- person): as received in writing (书面) or as cast at the meeting (现场).
CREATE TABLE homeowner_votes (
    election_id TEXT NOT NULL,
    matter INTEGER NOT NULL,
    owner INTEGER NOT NULL,
    choice TEXT NOT NULL CONSTRAINT homeowner_votes_choice_check CHECK (choice IN ('for', 'against', 'abstain')),
    mode TEXT NOT NULL CONSTRAINT homeowner_votes_mode_check CHECK (mode IN ('written', 'in_person')),
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (election_id, matter, owner),
    FOREIGN KEY (election_id, matter) REFERENCES homeowner_matters (election_id, number),
    FOREIGN KEY (election_id, owner) REFERENCES homeowner_owners (election_id, number)
);
