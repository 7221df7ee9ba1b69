-- Huanjie schema, version 10, PostgreSQL flavour: the audit log (issue 8).
-- See migrations/sqlite/0010_audit.sql for what the tables hold.
--
-- Append-only, twice over:
--   * a statement-level trigger refuses every UPDATE, DELETE and TRUNCATE
--     on both tables (even one that would touch no row), and a row-level
--     trigger refuses an INSERT that does not extend its chain;
--   * UPDATE, DELETE and TRUNCATE are revoked from PUBLIC and from the
--     role running this migration (the tables' owner), so an ordinary
--     login is refused before any trigger runs.
-- Neither stops the owner for good: an owner may grant itself the rights
-- back and drop or disable the triggers (ALTER TABLE … DISABLE TRIGGER),
-- and a superuser bypasses rights altogether. That is why every entry is
-- hash-chained and checkpoints are signed by a key the database does not
-- hold: such a change is found when the log is verified.
CREATE TABLE audit_log (
    chain     uuid NOT NULL,
    seq       bigint NOT NULL CONSTRAINT audit_log_seq_check CHECK (seq >= 1),
    at        timestamptz NOT NULL,
    actor     text NOT NULL,
    action    text NOT NULL,
    -- Text, not jsonb: the canonical text is kept byte for byte. (json,
    -- unlike jsonb, accepts \u0000.)
    details   text NOT NULL CONSTRAINT audit_log_details_check CHECK ((details::json) IS NOT NULL),
    prev_hash bytea NOT NULL CONSTRAINT audit_log_prev_hash_check CHECK (octet_length(prev_hash) = 32),
    hash      bytea NOT NULL CONSTRAINT audit_log_hash_check CHECK (octet_length(hash) = 32),
    PRIMARY KEY (chain, seq)
);

CREATE TABLE audit_checkpoints (
    chain     uuid NOT NULL,
    size      bigint NOT NULL CONSTRAINT audit_checkpoints_size_check CHECK (size >= 0),
    head      bytea NOT NULL CONSTRAINT audit_checkpoints_head_check CHECK (octet_length(head) = 32),
    at        timestamptz NOT NULL,
    signature bytea NOT NULL CONSTRAINT audit_checkpoints_signature_check CHECK (octet_length(signature) = 64),
    PRIMARY KEY (chain, size)
);

CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_log_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

CREATE TRIGGER audit_checkpoints_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

CREATE FUNCTION audit_append_in_order() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    head_seq  bigint;
    head_hash bytea;
BEGIN
    SELECT seq, hash INTO head_seq, head_hash
      FROM audit_log WHERE chain = NEW.chain ORDER BY seq DESC LIMIT 1;
    IF NEW.seq IS DISTINCT FROM coalesce(head_seq, 0) + 1
       OR NEW.prev_hash IS DISTINCT FROM coalesce(head_hash, decode(repeat('00', 32), 'hex')) THEN
        RAISE EXCEPTION 'audit log is append-only: entry % of chain % must follow its chain''s head',
            NEW.seq, NEW.chain
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER audit_log_in_order
    BEFORE INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_append_in_order();

REVOKE UPDATE, DELETE, TRUNCATE ON audit_log, audit_checkpoints FROM PUBLIC;
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log, audit_checkpoints FROM CURRENT_USER;
