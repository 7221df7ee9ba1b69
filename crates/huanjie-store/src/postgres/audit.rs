//! The audit log on PostgreSQL (issue 8). Schema:
//! `migrations/postgres/0010_audit.sql`.

use std::collections::BTreeMap;

use huanjie_core::audit::{canonical_json, Checkpoint, Entry, NewEntry};
use sqlx::postgres::{PgConnection, PgRow};
use sqlx::Row;
use uuid::Uuid;

use super::PostgresStore;
use crate::audit::{
    by_chain, chain_group, check_checkpoint, db_i64, details, lock_key, signature, stored_u64,
    AuditError, LOCK_CLASS, MAX_AUDIT_PAGE,
};
use crate::common::{self, write_error};
use crate::StoreResult;

const ENTRY_COLUMNS: &str = "chain, seq, at, actor, action, details, prev_hash, hash";

fn entry_from_row(row: &PgRow) -> StoreResult<Entry> {
    let text: String = row.try_get("details")?;
    Ok(Entry {
        chain: row.try_get("chain")?,
        seq: stored_u64(row.try_get("seq")?, "audit entry seq")?,
        at: row.try_get("at")?,
        actor: row.try_get("actor")?,
        action: row.try_get("action")?,
        details: details(&text)?,
        prev_hash: common::hash32(row.try_get("prev_hash")?, "audit entry prev_hash")?,
        hash: common::hash32(row.try_get("hash")?, "audit entry hash")?,
    })
}

async fn head(conn: &mut PgConnection, chain: Uuid) -> StoreResult<Option<Entry>> {
    let sql =
        format!("SELECT {ENTRY_COLUMNS} FROM audit_log WHERE chain = $1 ORDER BY seq DESC LIMIT 1");
    sqlx::query(&sql)
        .bind(chain)
        .fetch_optional(&mut *conn)
        .await?
        .map(|row| entry_from_row(&row))
        .transpose()
}

/// Waits for every other appender to `chain` to commit or roll back; held
/// until this transaction ends.
async fn lock_chain(conn: &mut PgConnection, chain: Uuid) -> StoreResult<()> {
    sqlx::query("SELECT pg_advisory_xact_lock($1, $2)")
        .bind(LOCK_CLASS)
        .bind(lock_key(chain))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub(super) async fn append(store: &PostgresStore, entries: &[NewEntry]) -> StoreResult<Vec<Entry>> {
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    let mut tx = store.pool.begin().await?;
    match append_in(&mut tx, entries).await {
        Ok(chained) => {
            tx.commit().await?;
            Ok(chained)
        }
        Err(e) => {
            tx.rollback().await?;
            Err(e)
        }
    }
}

/// Appends `entries` inside the caller's transaction (a group of scans and
/// their entries commit together); the caller rolls back on an error.
pub(super) async fn append_in(
    conn: &mut PgConnection,
    entries: &[NewEntry],
) -> StoreResult<Vec<Entry>> {
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    // Locks in chain order (no deadlock between groups), then the heads:
    // read after the lock, they are the latest committed.
    let mut heads = BTreeMap::new();
    for chain in by_chain(entries).into_keys() {
        lock_chain(&mut *conn, chain).await?;
        heads.insert(chain, head(&mut *conn, chain).await?);
    }
    let chained = chain_group(&mut heads, entries).map_err(AuditError::Entry)?;
    // One statement for the group: rows in the group's order (the
    // in-order trigger checks each against the one inserted before it).
    let mut chains = Vec::with_capacity(chained.len());
    let mut seqs = Vec::with_capacity(chained.len());
    let mut ats = Vec::with_capacity(chained.len());
    let mut actors = Vec::with_capacity(chained.len());
    let mut actions = Vec::with_capacity(chained.len());
    let mut texts = Vec::with_capacity(chained.len());
    let mut prevs = Vec::with_capacity(chained.len());
    let mut hashes = Vec::with_capacity(chained.len());
    for e in &chained {
        chains.push(e.chain);
        seqs.push(db_i64(e.seq));
        ats.push(e.at);
        actors.push(e.actor.as_str());
        actions.push(e.action.as_str());
        texts.push(canonical_json(&e.details));
        prevs.push(e.prev_hash.to_vec());
        hashes.push(e.hash.to_vec());
    }
    sqlx::query(
        "INSERT INTO audit_log (chain, seq, at, actor, action, details, prev_hash, hash) \
         SELECT chain, seq, at, actor, action, details, prev_hash, hash FROM unnest($1::uuid[], $2::int8[], $3::timestamptz[], $4::text[], $5::text[], \
                              $6::text[], $7::bytea[], $8::bytea[]) \
         WITH ORDINALITY AS g(chain, seq, at, actor, action, details, prev_hash, hash, n) \
         ORDER BY n",
    )
    .bind(&chains)
    .bind(&seqs)
    .bind(&ats)
    .bind(&actors)
    .bind(&actions)
    .bind(&texts)
    .bind(&prevs)
    .bind(&hashes)
    .execute(&mut *conn)
    .await
    .map_err(|err| write_error(err, "audit entry"))?;
    Ok(chained)
}

pub(super) async fn list(
    store: &PostgresStore,
    chain: Uuid,
    after_seq: u64,
    limit: u32,
) -> StoreResult<Vec<Entry>> {
    let sql = format!(
        "SELECT {ENTRY_COLUMNS} FROM audit_log WHERE chain = $1 AND seq > $2 ORDER BY seq LIMIT $3"
    );
    sqlx::query(&sql)
        .bind(chain)
        .bind(db_i64(after_seq))
        .bind(i64::from(limit.min(MAX_AUDIT_PAGE)))
        .fetch_all(&store.pool)
        .await?
        .iter()
        .map(entry_from_row)
        .collect()
}

pub(super) async fn last(store: &PostgresStore, chain: Uuid) -> StoreResult<Option<Entry>> {
    let mut conn = store.pool.acquire().await?;
    head(&mut conn, chain).await
}

pub(super) async fn add_checkpoint(
    store: &PostgresStore,
    checkpoint: &Checkpoint,
    signature: [u8; 64],
) -> StoreResult<()> {
    let mut tx = store.pool.begin().await?;
    // Entries are never changed, so what is read here stays true; the lock
    // only keeps the log size read beside a concurrent append consistent.
    lock_chain(&mut tx, checkpoint.chain).await?;
    let log_size: Option<i64> =
        sqlx::query_scalar("SELECT max(seq) FROM audit_log WHERE chain = $1")
            .bind(checkpoint.chain)
            .fetch_one(&mut *tx)
            .await?;
    let at_size: Option<Vec<u8>> =
        sqlx::query_scalar("SELECT hash FROM audit_log WHERE chain = $1 AND seq = $2")
            .bind(checkpoint.chain)
            .bind(db_i64(checkpoint.size))
            .fetch_optional(&mut *tx)
            .await?;
    let at_size = at_size
        .map(|h| common::hash32(h, "audit entry hash"))
        .transpose()?;
    let log_size = stored_u64(log_size.unwrap_or(0), "audit log size")?;
    if let Err(e) = check_checkpoint(checkpoint.size, checkpoint.head, at_size, log_size) {
        tx.rollback().await?;
        return Err(e.into());
    }
    sqlx::query(
        "INSERT INTO audit_checkpoints (chain, size, head, at, signature) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(checkpoint.chain)
    .bind(db_i64(checkpoint.size))
    .bind(&checkpoint.head[..])
    .bind(checkpoint.at)
    .bind(&signature[..])
    .execute(&mut *tx)
    .await
    .map_err(|err| {
        write_error(
            err,
            &format!("audit checkpoint at size {}", checkpoint.size),
        )
    })?;
    tx.commit().await?;
    Ok(())
}

pub(super) async fn checkpoints(
    store: &PostgresStore,
    chain: Uuid,
) -> StoreResult<Vec<(Checkpoint, [u8; 64])>> {
    sqlx::query(
        "SELECT chain, size, head, at, signature FROM audit_checkpoints \
         WHERE chain = $1 ORDER BY size",
    )
    .bind(chain)
    .fetch_all(&store.pool)
    .await?
    .iter()
    .map(|row| {
        Ok((
            Checkpoint {
                chain: row.try_get("chain")?,
                size: stored_u64(row.try_get("size")?, "audit checkpoint size")?,
                head: common::hash32(row.try_get("head")?, "audit checkpoint head")?,
                at: row.try_get("at")?,
            },
            signature(row.try_get("signature")?)?,
        ))
    })
    .collect()
}
