-- Huanjie schema, version 15, PostgreSQL flavour: the homeowners' assembly
-- (R-OWN-1). See migrations/sqlite/0015_homeowners.sql.
CREATE TABLE homeowner_owners (
    election_id uuid NOT NULL REFERENCES elections (id),
    number integer NOT NULL CONSTRAINT homeowner_owners_number_check CHECK (number >= 1),
    name text NOT NULL,
    developer boolean NOT NULL,
    area_centi bigint NOT NULL CONSTRAINT homeowner_owners_area_check CHECK (area_centi >= 1),
    PRIMARY KEY (election_id, number)
);
CREATE UNIQUE INDEX homeowner_owners_developer ON homeowner_owners (election_id) WHERE developer;

CREATE TABLE homeowner_units (
    election_id uuid NOT NULL,
    unit text NOT NULL,
    owner integer NOT NULL,
    area_centi bigint NOT NULL CONSTRAINT homeowner_units_area_check CHECK (area_centi >= 1),
    position integer NOT NULL,
    PRIMARY KEY (election_id, unit),
    FOREIGN KEY (election_id, owner) REFERENCES homeowner_owners (election_id, number)
);

CREATE TABLE homeowner_registers (
    election_id uuid PRIMARY KEY REFERENCES elections (id),
    imported_by text NOT NULL,
    imported_at timestamptz NOT NULL
);

CREATE TABLE homeowner_matters (
    election_id uuid NOT NULL REFERENCES elections (id),
    number integer NOT NULL CONSTRAINT homeowner_matters_number_check CHECK (number >= 1),
    kind text NOT NULL CONSTRAINT homeowner_matters_kind_check CHECK (kind IN ('ordinary', 'special')),
    title text NOT NULL,
    created_by text NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (election_id, number)
);

CREATE TABLE homeowner_votes (
    election_id uuid NOT NULL,
    matter integer NOT NULL,
    owner integer NOT NULL,
    choice text NOT NULL CONSTRAINT homeowner_votes_choice_check CHECK (choice IN ('for', 'against', 'abstain')),
    mode text NOT NULL CONSTRAINT homeowner_votes_mode_check CHECK (mode IN ('written', 'in_person')),
    recorded_by text NOT NULL,
    recorded_at timestamptz NOT NULL,
    PRIMARY KEY (election_id, matter, owner),
    FOREIGN KEY (election_id, matter) REFERENCES homeowner_matters (election_id, number),
    FOREIGN KEY (election_id, owner) REFERENCES homeowner_owners (election_id, number)
);
