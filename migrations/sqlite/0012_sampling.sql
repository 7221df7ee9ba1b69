-- Huanjie schema, version 12, SQLite flavour: the sampling audit (ballot
-- comparison, issue 8; docs/sampling-audit.md).
--
-- An audit is numbered per election: the seed as normalised (digits), the
-- size, the population it was drawn from (how many counted ballots, and
-- the SHA-256 fingerprint of their sorted serials), the algorithm, who
-- started it and when. Its draws are the serials drawn, in draw order,
-- each tied to the counted ballot (`scans`) it names. A finding is what
-- the paper showed for one drawn serial: match or discrepancy (with a
-- note saying what differs), once per serial, with who and when.
CREATE TABLE sample_audits (
    election_id       TEXT NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
    number            INTEGER NOT NULL CONSTRAINT sample_audits_number_check CHECK (number >= 1),
    algorithm         TEXT NOT NULL CONSTRAINT sample_audits_algorithm_check CHECK (trim(algorithm) <> ''),
    seed              TEXT NOT NULL CONSTRAINT sample_audits_seed_check CHECK (
                          length(seed) BETWEEN 1 AND 200 AND seed NOT GLOB '*[^0-9]*'),
    size              INTEGER NOT NULL CONSTRAINT sample_audits_size_check CHECK (size >= 1),
    population        INTEGER NOT NULL,
    population_sha256 TEXT NOT NULL CONSTRAINT sample_audits_sha_check CHECK (
                          length(population_sha256) = 64 AND population_sha256 NOT GLOB '*[^0-9a-f]*'),
    started_by        TEXT NOT NULL,
    started_at        TEXT NOT NULL,
    PRIMARY KEY (election_id, number),
    CONSTRAINT sample_audits_population_check CHECK (population >= size)
) STRICT;

CREATE TABLE sample_draws (
    election_id TEXT NOT NULL,
    audit       INTEGER NOT NULL,
    position    INTEGER NOT NULL CONSTRAINT sample_draws_position_check CHECK (position >= 1),
    serial      TEXT NOT NULL CONSTRAINT sample_draws_serial_check CHECK (trim(serial) <> ''),
    random      BLOB NOT NULL CONSTRAINT sample_draws_random_check CHECK (length(random) = 8),
    PRIMARY KEY (election_id, audit, position),
    CONSTRAINT sample_draws_serial_unique UNIQUE (election_id, audit, serial),
    FOREIGN KEY (election_id, audit) REFERENCES sample_audits (election_id, number) ON DELETE CASCADE,
    FOREIGN KEY (election_id, random) REFERENCES scans (election_id, random) ON DELETE CASCADE
) STRICT;

CREATE TABLE sample_findings (
    election_id TEXT NOT NULL,
    audit       INTEGER NOT NULL,
    serial      TEXT NOT NULL,
    finding     TEXT NOT NULL CONSTRAINT sample_findings_finding_check CHECK (finding IN ('match', 'discrepancy')),
    note        TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (election_id, audit, serial),
    CONSTRAINT sample_findings_note_check CHECK (finding = 'match' OR trim(note) <> ''),
    FOREIGN KEY (election_id, audit, serial)
        REFERENCES sample_draws (election_id, audit, serial) ON DELETE CASCADE
) STRICT;
