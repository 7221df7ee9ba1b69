-- Huanjie schema, version 11, SQLite flavour: further rounds (issue 7).
--
-- A further election (另行选举, R-CNT-7) or a tie-break vote (再次投票,
-- R-CNT-6) is held as an election of its own that names the round it
-- follows (`parent_id`): its own stations (copied), ballots, scans, count
-- and certification, so every part of polling day serves it unchanged.
-- Its contests are fixed when it is created, from the certified result of
-- the round before: `round_contests`, JSON [{position, seats, candidates:
-- [{name, gender}]}], in the order printed. The general round has none.
ALTER TABLE elections ADD COLUMN parent_id TEXT REFERENCES elections (id);
ALTER TABLE elections ADD COLUMN round_kind TEXT NOT NULL DEFAULT 'general'
    CONSTRAINT elections_round_kind_check CHECK (round_kind IN ('general', 'further', 'tie-break'));
ALTER TABLE elections ADD COLUMN round_number INTEGER NOT NULL DEFAULT 1
    CONSTRAINT elections_round_number_check CHECK (round_number >= 1);
ALTER TABLE elections ADD COLUMN round_contests TEXT
    CONSTRAINT elections_round_contests_check CHECK (round_contests IS NULL OR json_valid(round_contests));
CREATE UNIQUE INDEX elections_round_unique ON elections (parent_id, round_number) WHERE parent_id IS NOT NULL;
