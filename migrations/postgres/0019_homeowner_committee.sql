-- Huanjie schema, version 19, PostgreSQL flavour: electing the homeowners'
-- committee by the assembly (R-OWN-1, R-BODY-6). See
-- migrations/sqlite/0019_homeowner_committee.sql.
CREATE TABLE homeowner_committee_elections (
    election_id uuid NOT NULL REFERENCES elections (id),
    number integer NOT NULL CONSTRAINT homeowner_committee_elections_number_check CHECK (number >= 1),
    title text NOT NULL,
    seats integer NOT NULL CONSTRAINT homeowner_committee_elections_seats_check CHECK (seats >= 1),
    created_by text NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (election_id, number)
);

CREATE TABLE homeowner_committee_candidates (
    election_id uuid NOT NULL,
    committee integer NOT NULL,
    candidate integer NOT NULL CONSTRAINT homeowner_committee_candidates_number_check CHECK (candidate >= 1),
    name text NOT NULL,
    matter integer NOT NULL,
    PRIMARY KEY (election_id, committee, candidate),
    UNIQUE (election_id, committee, name),
    UNIQUE (election_id, matter),
    FOREIGN KEY (election_id, committee) REFERENCES homeowner_committee_elections (election_id, number),
    FOREIGN KEY (election_id, matter) REFERENCES homeowner_matters (election_id, number)
);
