-- Huanjie schema, version 16, PostgreSQL flavour: who cannot sit on the
-- residents' affairs supervisory committee (回避, R-BODY-4). See
-- migrations/sqlite/0016_recusals.sql.
CREATE TABLE recusals (
    election_id uuid NOT NULL REFERENCES elections (id),
    resident_id uuid NOT NULL,
    office text NOT NULL CONSTRAINT recusals_office_check
        CHECK (office IN ('residents_committee', 'party_organisation', 'finance_staff')),
    recorded_by text NOT NULL,
    recorded_at timestamptz NOT NULL,
    PRIMARY KEY (election_id, resident_id, office)
);
