-- Huanjie schema, version 14, SQLite flavour: during the term (issue 7,
-- item 5).
--
-- A recall vote (罢免表决, R-CERT-4) and a by-election (补选, R-CERT-5) are
-- votes of their own, held like a round: an election naming the term's
-- general round as its parent (same voter list, stations copied, its own
-- ballots, scans, count and certification). `purpose` tells them from the
-- further elections and tie-breaks of polling day ('round').
ALTER TABLE elections ADD COLUMN purpose TEXT NOT NULL DEFAULT 'round'
    CONSTRAINT elections_purpose_check CHECK (purpose IN ('round', 'recall', 'by-election'));

-- What happened to the committee during its term, numbered per term (the
-- general round's id): a recall request, its member's answer, its vote
-- and outcome; a resignation and the meeting's decision on it (R-OWN-2);
-- a by-election and the vote that holds it. `state` moves forward only,
-- each step checked against the state it expects, in one transaction.
CREATE TABLE term_events (
    election_id TEXT NOT NULL REFERENCES elections (id),
    number INTEGER NOT NULL CONSTRAINT term_events_number_check CHECK (number >= 1),
    kind TEXT NOT NULL CONSTRAINT term_events_kind_check CHECK (kind IN ('recall', 'resignation', 'by-election')),
    position TEXT NOT NULL,
    member TEXT NOT NULL,
    request TEXT NOT NULL CONSTRAINT term_events_request_check CHECK (json_valid(request)),
    answer TEXT CONSTRAINT term_events_answer_check CHECK (answer IS NULL OR json_valid(answer)),
    vote_id TEXT REFERENCES elections (id),
    outcome TEXT CONSTRAINT term_events_outcome_check CHECK (outcome IS NULL OR json_valid(outcome)),
    state TEXT NOT NULL CONSTRAINT term_events_state_check
        CHECK (state IN ('requested', 'voting', 'recalled', 'retained', 'void', 'accepted', 'refused', 'held')),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (election_id, number)
);
CREATE UNIQUE INDEX term_events_vote ON term_events (vote_id) WHERE vote_id IS NOT NULL;
