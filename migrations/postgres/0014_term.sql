-- Huanjie schema, version 14, PostgreSQL flavour: during the term (issue
-- 7, item 5). See migrations/sqlite/0014_term.sql.
ALTER TABLE elections ADD COLUMN purpose text NOT NULL DEFAULT 'round'
    CONSTRAINT elections_purpose_check CHECK (purpose IN ('round', 'recall', 'by-election'));

CREATE TABLE term_events (
    election_id uuid NOT NULL REFERENCES elections (id),
    number integer NOT NULL CONSTRAINT term_events_number_check CHECK (number >= 1),
    kind text NOT NULL CONSTRAINT term_events_kind_check CHECK (kind IN ('recall', 'resignation', 'by-election')),
    position text NOT NULL,
    member text NOT NULL,
    request text NOT NULL CONSTRAINT term_events_request_check CHECK ((request::jsonb) IS NOT NULL),
    answer text CONSTRAINT term_events_answer_check CHECK (answer IS NULL OR (answer::jsonb) IS NOT NULL),
    vote_id uuid REFERENCES elections (id),
    outcome text CONSTRAINT term_events_outcome_check CHECK (outcome IS NULL OR (outcome::jsonb) IS NOT NULL),
    state text NOT NULL CONSTRAINT term_events_state_check
        CHECK (state IN ('requested', 'voting', 'recalled', 'retained', 'void', 'accepted', 'refused', 'held')),
    created_by text NOT NULL,
    created_at timestamptz NOT NULL,
    updated_by text NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (election_id, number)
);
CREATE UNIQUE INDEX term_events_vote ON term_events (vote_id) WHERE vote_id IS NOT NULL;
