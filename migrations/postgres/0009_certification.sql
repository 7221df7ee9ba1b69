-- Huanjie schema, version 9, PostgreSQL flavour: certification (issue 7).
-- See migrations/sqlite/0009_certification.sql.
CREATE TABLE signing_keys (
    election_id uuid NOT NULL PRIMARY KEY REFERENCES elections (id) ON DELETE CASCADE,
    pkcs8       bytea NOT NULL,
    public_key  bytea NOT NULL CONSTRAINT signing_keys_public_check CHECK (octet_length(public_key) = 32),
    created_at  timestamptz NOT NULL
);

CREATE TABLE certifications (
    election_id  uuid NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
    round        text NOT NULL CONSTRAINT certifications_round_check CHECK (round IN ('general', 'further', 'tie-break')),
    document     text NOT NULL CONSTRAINT certifications_document_check CHECK ((document::jsonb) IS NOT NULL),
    signature    bytea NOT NULL CONSTRAINT certifications_signature_check CHECK (octet_length(signature) = 64),
    certified_by text NOT NULL,
    certified_at timestamptz NOT NULL,
    PRIMARY KEY (election_id, round)
);
