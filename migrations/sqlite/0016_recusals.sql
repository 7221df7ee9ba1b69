-- Huanjie schema, version 16, SQLite flavour: who cannot sit on the
-- residents' affairs supervisory committee (回避, R-BODY-4).
--
-- A resident of the election's roll who holds a barring office: a member
-- of the residents' committee or of the community party organisation, or
-- the community's finance staff. With the recorded family relations
-- (`relations`, R-POLL-2) this is what a nomination is checked against.
CREATE TABLE recusals (
    election_id TEXT NOT NULL REFERENCES elections (id),
    resident_id TEXT NOT NULL,
    office TEXT NOT NULL CONSTRAINT recusals_office_check
        CHECK (office IN ('residents_committee', 'party_organisation', 'finance_staff')),
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (election_id, resident_id, office)
);
