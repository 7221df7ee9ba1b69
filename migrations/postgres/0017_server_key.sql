-- Huanjie schema, version 17, PostgreSQL flavour: the server's signing
-- key (issue 8). See migrations/sqlite/0017_server_key.sql.
CREATE TABLE server_signing_key (
    one        integer NOT NULL PRIMARY KEY CONSTRAINT server_signing_key_one_check CHECK (one = 1),
    pkcs8      bytea NOT NULL,
    public_key bytea NOT NULL CONSTRAINT server_signing_key_public_check CHECK (length(public_key) = 32),
    created_at timestamptz NOT NULL
);
