-- Huanjie schema, version 6, SQLite flavour: an election's practical
-- arrangements, as the committee decides them (polling hours, the voter
-- registration period and places, who formed the election committee and
-- who approved the counting staff). They feed the election-day and
-- voter-registration notices. One JSON document per election, replaced
-- whole: nothing here is counted or checked across rows, and the web edge
-- validates the document before it is stored.
CREATE TABLE election_arrangements (
    election_id TEXT NOT NULL PRIMARY KEY REFERENCES elections (id) ON DELETE CASCADE,
    document    TEXT NOT NULL
                CONSTRAINT election_arrangements_document_check CHECK (json_valid(document))
) STRICT;
