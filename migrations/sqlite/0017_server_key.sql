-- Huanjie schema, version 17, SQLite flavour: the server's signing key
-- (issue 8). The server chain of the audit log (sign-ins, users, tokens:
-- what belongs to no election) is checkpointed like an election's chain,
-- with a key of its own, made when first needed; its public key is
-- published at `GET /api/v1/audit/checkpoints`. One row at most.
CREATE TABLE server_signing_key (
    one        INTEGER NOT NULL PRIMARY KEY CONSTRAINT server_signing_key_one_check CHECK (one = 1),
    pkcs8      BLOB NOT NULL,
    public_key BLOB NOT NULL CONSTRAINT server_signing_key_public_check CHECK (length(public_key) = 32),
    created_at TEXT NOT NULL
) STRICT;
