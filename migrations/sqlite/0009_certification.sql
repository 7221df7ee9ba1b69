-- Huanjie schema, version 9, SQLite flavour: certification (issue 7).
--
-- Each election has one Ed25519 signing key, made when first needed
-- (PKCS#8 as ring writes it; the public key is published). A round is
-- certified once: its signed result document (the exact bytes signed),
-- the signature, who and when. Once certified, the round is locked: no
-- ballot is scanned or decided any more (checked in the same transaction
-- as the write).
CREATE TABLE signing_keys (
    election_id TEXT NOT NULL PRIMARY KEY REFERENCES elections (id) ON DELETE CASCADE,
    pkcs8       BLOB NOT NULL,
    public_key  BLOB NOT NULL CONSTRAINT signing_keys_public_check CHECK (length(public_key) = 32),
    created_at  TEXT NOT NULL
) STRICT;

CREATE TABLE certifications (
    election_id  TEXT NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
    round        TEXT NOT NULL CONSTRAINT certifications_round_check CHECK (round IN ('general', 'further', 'tie-break')),
    document     TEXT NOT NULL CONSTRAINT certifications_document_check CHECK (json_valid(document)),
    signature    BLOB NOT NULL CONSTRAINT certifications_signature_check CHECK (length(signature) = 64),
    certified_by TEXT NOT NULL,
    certified_at TEXT NOT NULL,
    PRIMARY KEY (election_id, round)
) STRICT;
