-- Huanjie schema, version 8, PostgreSQL flavour: what a person decides on
-- polling day (issue 6). See migrations/sqlite/0008_review.sql.
ALTER TABLE scans ADD COLUMN review text
    CONSTRAINT scans_review_check CHECK (review IS NULL OR (review::jsonb) IS NOT NULL);
ALTER TABLE scans ADD COLUMN decision text
    CONSTRAINT scans_decision_check CHECK (decision IS NULL OR (review IS NOT NULL AND (decision::jsonb) IS NOT NULL));
ALTER TABLE scans ADD COLUMN decided_by text;
ALTER TABLE scans ADD COLUMN decided_at timestamptz;
CREATE INDEX scans_review ON scans (election_id, station, number) WHERE review IS NOT NULL;

