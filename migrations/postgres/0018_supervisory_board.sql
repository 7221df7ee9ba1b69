-- Huanjie schema, version 18, PostgreSQL flavour: a company's board of
-- supervisors (监事会, R-BODY-6, R-SUP-1). See
-- migrations/sqlite/0018_supervisory_board.sql.
CREATE TABLE board_sizes (
    election_id uuid PRIMARY KEY REFERENCES elections (id),
    board_size bigint NOT NULL CHECK (board_size BETWEEN 1 AND 1000),
    set_by text NOT NULL,
    set_at timestamptz NOT NULL
);

ALTER TABLE recusals DROP CONSTRAINT recusals_office_check;
ALTER TABLE recusals ADD CONSTRAINT recusals_office_check
    CHECK (office IN ('residents_committee', 'party_organisation', 'finance_staff',
                      'company_director', 'senior_manager'));
