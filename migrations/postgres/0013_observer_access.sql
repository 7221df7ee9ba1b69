-- Huanjie schema, version 13, PostgreSQL flavour: observer access (issue 8).
-- See migrations/sqlite/0013_observer_access.sql.
CREATE TABLE observer_access (
    election_id uuid PRIMARY KEY REFERENCES elections (id),
    access text NOT NULL CONSTRAINT observer_access_access_check CHECK (access IN ('token', 'public')),
    changed_by text NOT NULL,
    changed_at timestamptz NOT NULL
);
