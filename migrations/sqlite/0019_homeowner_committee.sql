-- Huanjie schema, version 19, SQLite flavour: electing the homeowners'
-- committee by the assembly (业主大会选举业主委员会, R-OWN-1, R-BODY-6).
--
-- A committee election is a group of the assembly's matters, one ordinary
-- matter per candidate, with a number of seats: every owner's vote on a
-- candidate is an ordinary vote in homeowner_votes (one per owner per
-- matter). The store refuses, in the vote's own transaction, a vote that
-- would give an owner more votes for candidates than seats.
CREATE TABLE homeowner_committee_elections (
    election_id TEXT NOT NULL REFERENCES elections (id),
    number INTEGER NOT NULL CONSTRAINT homeowner_committee_elections_number_check CHECK (number >= 1),
    title TEXT NOT NULL,
    seats INTEGER NOT NULL CONSTRAINT homeowner_committee_elections_seats_check CHECK (seats >= 1),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (election_id, number)
);

-- A candidate and the matter their votes are recorded on (a matter is at
-- most one candidate's).
CREATE TABLE homeowner_committee_candidates (
    election_id TEXT NOT NULL,
    committee INTEGER NOT NULL,
    candidate INTEGER NOT NULL CONSTRAINT homeowner_committee_candidates_number_check CHECK (candidate >= 1),
    name TEXT NOT NULL,
    matter INTEGER NOT NULL,
    PRIMARY KEY (election_id, committee, candidate),
    UNIQUE (election_id, committee, name),
    UNIQUE (election_id, matter),
    FOREIGN KEY (election_id, committee) REFERENCES homeowner_committee_elections (election_id, number),
    FOREIGN KEY (election_id, matter) REFERENCES homeowner_matters (election_id, number)
);
