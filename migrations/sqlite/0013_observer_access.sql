-- Huanjie schema, version 13, SQLite flavour: observer access (issue 8).
--
-- Who may read an election's observer portal: `token` (the default, no
-- row: observers sign in with their own accounts) or `public` (anyone,
-- without signing in, for the portal's read-only pages and API reads).
-- One row per election that has been set, with who set it and when; every
-- change also goes through the audit log (the route is a state change).
CREATE TABLE observer_access (
    election_id TEXT PRIMARY KEY REFERENCES elections (id),
    access TEXT NOT NULL CONSTRAINT observer_access_access_check CHECK (access IN ('token', 'public')),
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL
);
