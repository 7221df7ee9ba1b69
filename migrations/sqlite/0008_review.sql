-- Huanjie schema, version 8, SQLite flavour: what a person decides on
-- polling day (issue 6).
--
-- A scan whose reading needs a person (an ambiguous mark, an overvoted
-- row, a write-in name to type, a ballot flagged unreadable, R-CNT-4)
-- carries `review`: why, as JSON. `marks` stays what was scanned (a
-- retried request is recognised by it); the person's reading goes into
-- `decision`, once, with who and when. The ballot counts as cast from
-- the moment it is scanned; its marks count once decided.
ALTER TABLE scans ADD COLUMN review TEXT
    CONSTRAINT scans_review_check CHECK (review IS NULL OR json_valid(review));
ALTER TABLE scans ADD COLUMN decision TEXT
    CONSTRAINT scans_decision_check CHECK (decision IS NULL OR (review IS NOT NULL AND json_valid(decision)));
ALTER TABLE scans ADD COLUMN decided_by TEXT;
ALTER TABLE scans ADD COLUMN decided_at TEXT;
CREATE INDEX scans_review ON scans (election_id, station, number) WHERE review IS NOT NULL;

