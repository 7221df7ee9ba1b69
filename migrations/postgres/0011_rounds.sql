-- Huanjie schema, version 11, PostgreSQL flavour: further rounds (issue 7).
-- See migrations/sqlite/0011_rounds.sql.
ALTER TABLE elections ADD COLUMN parent_id uuid REFERENCES elections (id);
ALTER TABLE elections ADD COLUMN round_kind text NOT NULL DEFAULT 'general'
    CONSTRAINT elections_round_kind_check CHECK (round_kind IN ('general', 'further', 'tie-break'));
ALTER TABLE elections ADD COLUMN round_number integer NOT NULL DEFAULT 1
    CONSTRAINT elections_round_number_check CHECK (round_number >= 1);
ALTER TABLE elections ADD COLUMN round_contests text
    CONSTRAINT elections_round_contests_check CHECK (round_contests IS NULL OR (round_contests::jsonb) IS NOT NULL);
CREATE UNIQUE INDEX elections_round_unique ON elections (parent_id, round_number) WHERE parent_id IS NOT NULL;
