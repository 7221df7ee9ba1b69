-- Huanjie schema, version 10, SQLite flavour: the audit log (issue 8).
--
-- Every state change and security event is an entry of a hash chain: one
-- chain per election (`chain` = the election's id) and one server chain
-- (the nil UUID) for sign-ins and users. Entries are numbered 1, 2, 3 …
-- per chain; each stores the previous entry's hash and its own, SHA-256
-- over the canonical encoding of crates/huanjie-core/src/audit.rs.
-- `details` is JSON text in that canonical form, exactly as hashed.
--
-- Deliberately no foreign key to elections: the log outlives an election.
--
-- Checkpoints are a chain's size and head hash at a moment, signed with
-- Ed25519 (64-byte signature) by a key this database does not hold.
--
-- Both tables are append-only. The triggers below refuse UPDATE and DELETE
-- (SQLite turns off its truncate optimisation on a table with triggers, so
-- `DELETE FROM audit_log` is refused too), and refuse an INSERT that does
-- not extend its chain (wrong number, wrong previous hash): that also
-- stops `INSERT OR REPLACE`, whose implicit delete fires no delete trigger.
-- Whoever can write the file can drop the triggers: that is why the chain
-- and the signed checkpoints exist (a change shows when the log is
-- verified).
CREATE TABLE audit_log (
    chain     TEXT NOT NULL CONSTRAINT audit_log_chain_check CHECK (length(chain) = 36),
    seq       INTEGER NOT NULL CONSTRAINT audit_log_seq_check CHECK (seq >= 1),
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    details   TEXT NOT NULL CONSTRAINT audit_log_details_check CHECK (json_valid(details)),
    prev_hash BLOB NOT NULL CONSTRAINT audit_log_prev_hash_check CHECK (length(prev_hash) = 32),
    hash      BLOB NOT NULL CONSTRAINT audit_log_hash_check CHECK (length(hash) = 32),
    PRIMARY KEY (chain, seq)
) STRICT;

CREATE TABLE audit_checkpoints (
    chain     TEXT NOT NULL CONSTRAINT audit_checkpoints_chain_check CHECK (length(chain) = 36),
    size      INTEGER NOT NULL CONSTRAINT audit_checkpoints_size_check CHECK (size >= 0),
    head      BLOB NOT NULL CONSTRAINT audit_checkpoints_head_check CHECK (length(head) = 32),
    at        TEXT NOT NULL,
    signature BLOB NOT NULL CONSTRAINT audit_checkpoints_signature_check CHECK (length(signature) = 64),
    PRIMARY KEY (chain, size)
) STRICT;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit log is append-only: UPDATE refused');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit log is append-only: DELETE refused');
END;

CREATE TRIGGER audit_log_in_order BEFORE INSERT ON audit_log
WHEN NEW.seq IS NOT coalesce((SELECT max(seq) FROM audit_log WHERE chain = NEW.chain), 0) + 1
  OR NEW.prev_hash IS NOT coalesce(
         (SELECT hash FROM audit_log WHERE chain = NEW.chain AND seq = NEW.seq - 1),
         zeroblob(32))
BEGIN
    SELECT RAISE(ABORT, 'audit log is append-only: an entry must follow its chain''s head');
END;

CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
BEGIN
    SELECT RAISE(ABORT, 'audit log is append-only: UPDATE refused');
END;

CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
BEGIN
    SELECT RAISE(ABORT, 'audit log is append-only: DELETE refused');
END;

CREATE TRIGGER audit_checkpoints_no_replace BEFORE INSERT ON audit_checkpoints
WHEN EXISTS (SELECT 1 FROM audit_checkpoints WHERE chain = NEW.chain AND size = NEW.size)
BEGIN
    SELECT RAISE(ABORT, 'audit log is append-only: a checkpoint is never replaced');
END;
