-- Huanjie schema, version 12, PostgreSQL flavour: the sampling audit
-- (issue 8). See migrations/sqlite/0012_sampling.sql.
CREATE TABLE sample_audits (
    election_id       uuid NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
    number            bigint NOT NULL CONSTRAINT sample_audits_number_check CHECK (number >= 1),
    algorithm         text NOT NULL CONSTRAINT sample_audits_algorithm_check CHECK (btrim(algorithm) <> ''),
    seed              text NOT NULL CONSTRAINT sample_audits_seed_check CHECK (seed ~ '^[0-9]{1,200}$'),
    size              bigint NOT NULL CONSTRAINT sample_audits_size_check CHECK (size >= 1),
    population        bigint NOT NULL,
    population_sha256 text NOT NULL CONSTRAINT sample_audits_sha_check CHECK (population_sha256 ~ '^[0-9a-f]{64}$'),
    started_by        text NOT NULL,
    started_at        timestamptz NOT NULL,
    PRIMARY KEY (election_id, number),
    CONSTRAINT sample_audits_population_check CHECK (population >= size)
);

CREATE TABLE sample_draws (
    election_id uuid NOT NULL,
    audit       bigint NOT NULL,
    position    bigint NOT NULL CONSTRAINT sample_draws_position_check CHECK (position >= 1),
    serial      text NOT NULL CONSTRAINT sample_draws_serial_check CHECK (btrim(serial) <> ''),
    random      bytea NOT NULL CONSTRAINT sample_draws_random_check CHECK (octet_length(random) = 8),
    PRIMARY KEY (election_id, audit, position),
    CONSTRAINT sample_draws_serial_unique UNIQUE (election_id, audit, serial),
    FOREIGN KEY (election_id, audit) REFERENCES sample_audits (election_id, number) ON DELETE CASCADE,
    FOREIGN KEY (election_id, random) REFERENCES scans (election_id, random) ON DELETE CASCADE
);

CREATE TABLE sample_findings (
    election_id uuid NOT NULL,
    audit       bigint NOT NULL,
    serial      text NOT NULL,
    finding     text NOT NULL CONSTRAINT sample_findings_finding_check CHECK (finding IN ('match', 'discrepancy')),
    note        text NOT NULL DEFAULT '',
    recorded_by text NOT NULL,
    recorded_at timestamptz NOT NULL,
    PRIMARY KEY (election_id, audit, serial),
    CONSTRAINT sample_findings_note_check CHECK (finding = 'match' OR btrim(note) <> ''),
    FOREIGN KEY (election_id, audit, serial)
        REFERENCES sample_draws (election_id, audit, serial) ON DELETE CASCADE
);
