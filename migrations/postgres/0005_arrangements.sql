-- Huanjie schema, version 5, PostgreSQL flavour: an election's practical
-- arrangements, as the committee decides them (polling hours, the voter
-- registration period and places, who formed the election committee and
-- who approved the counting staff). They feed the election-day and
-- voter-registration notices. One JSON document per election, replaced
-- whole: nothing here is counted or checked across rows, and the web edge
-- validates the document before it is stored.
CREATE TABLE election_arrangements (
    election_id uuid PRIMARY KEY REFERENCES elections (id) ON DELETE CASCADE,
    document    jsonb NOT NULL
);

-- Declared family relations between residents of an election's roll
-- (spouse or close relative), as the committee records them: R-POLL-2
-- (ZJ-2020, SH-2020) bars candidates' spouses and close relatives from the
-- counting staff; R-BODY-4 bars them from the supervisory committee. One
-- row per unordered pair (a < b), so a relation is recorded once.
CREATE TABLE relations (
    election_id uuid NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
    a           uuid NOT NULL,
    b           uuid NOT NULL,
    kind        text NOT NULL
                CONSTRAINT relations_kind_check CHECK (kind IN ('spouse', 'close_relative')),
    recorded_by text NOT NULL,
    PRIMARY KEY (election_id, a, b),
    CONSTRAINT relations_ordered_check CHECK (a < b),
    CONSTRAINT relations_a_fkey FOREIGN KEY (a, election_id) REFERENCES residents (id, election_id),
    CONSTRAINT relations_b_fkey FOREIGN KEY (b, election_id) REFERENCES residents (id, election_id)
);
