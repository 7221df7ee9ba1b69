//! The audit log on SQLite (issue 8). Schema:
//! `migrations/sqlite/0010_audit.sql`.

use std::collections::BTreeMap;

use huanjie_core::audit::{canonical_json, Checkpoint, Entry, NewEntry};
use sqlx::sqlite::{SqliteConnection, SqliteRow};
use sqlx::Row;
use uuid::Uuid;

use super::{get_ts, get_uuid, ts, SqliteStore};
use crate::audit::{
    by_chain, chain_group, check_checkpoint, db_i64, details, signature, stored_u64, AuditError,
    MAX_AUDIT_PAGE,
};
use crate::common::{self, write_error};
use crate::StoreResult;

const ENTRY_COLUMNS: &str = "chain, seq, at, actor, action, details, prev_hash, hash";

fn entry_from_row(row: &SqliteRow) -> StoreResult<Entry> {
    let text: String = row.try_get("details")?;
    Ok(Entry {
        chain: get_uuid(row, "chain")?,
        seq: stored_u64(row.try_get("seq")?, "audit entry seq")?,
        at: get_ts(row, "at")?,
        actor: row.try_get("actor")?,
        action: row.try_get("action")?,
        details: details(&text)?,
        prev_hash: common::hash32(row.try_get("prev_hash")?, "audit entry prev_hash")?,
        hash: common::hash32(row.try_get("hash")?, "audit entry hash")?,
    })
}

async fn head(conn: &mut SqliteConnection, chain: Uuid) -> StoreResult<Option<Entry>> {
    let sql =
        format!("SELECT {ENTRY_COLUMNS} FROM audit_log WHERE chain = ? ORDER BY seq DESC LIMIT 1");
    sqlx::query(&sql)
        .bind(chain.to_string())
        .fetch_optional(&mut *conn)
        .await?
        .map(|row| entry_from_row(&row))
        .transpose()
}

async fn insert(conn: &mut SqliteConnection, e: &Entry) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO audit_log (chain, seq, at, actor, action, details, prev_hash, hash) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(e.chain.to_string())
    .bind(db_i64(e.seq))
    .bind(ts(e.at))
    .bind(&e.actor)
    .bind(&e.action)
    .bind(canonical_json(&e.details))
    .bind(&e.prev_hash[..])
    .bind(&e.hash[..])
    .execute(&mut *conn)
    .await
    .map_err(|err| write_error(err, "audit entry"))?;
    Ok(())
}

pub(super) async fn append(store: &SqliteStore, entries: &[NewEntry]) -> StoreResult<Vec<Entry>> {
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    // The single write lock, from the first read of a head to the commit.
    let mut tx = store.pool.begin_with("BEGIN IMMEDIATE").await?;
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

/// Appends `entries` inside the caller's write transaction (a group of
/// scans and their entries commit together); the caller rolls back on an
/// error.
pub(super) async fn append_in(
    conn: &mut SqliteConnection,
    entries: &[NewEntry],
) -> StoreResult<Vec<Entry>> {
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    let mut heads = BTreeMap::new();
    for chain in by_chain(entries).into_keys() {
        heads.insert(chain, head(&mut *conn, chain).await?);
    }
    let chained = chain_group(&mut heads, entries).map_err(AuditError::Entry)?;
    for e in &chained {
        insert(&mut *conn, e).await?;
    }
    Ok(chained)
}

pub(super) async fn list(
    store: &SqliteStore,
    chain: Uuid,
    after_seq: u64,
    limit: u32,
) -> StoreResult<Vec<Entry>> {
    let sql = format!(
        "SELECT {ENTRY_COLUMNS} FROM audit_log WHERE chain = ? AND seq > ? ORDER BY seq LIMIT ?"
    );
    sqlx::query(&sql)
        .bind(chain.to_string())
        .bind(db_i64(after_seq))
        .bind(i64::from(limit.min(MAX_AUDIT_PAGE)))
        .fetch_all(&store.pool)
        .await?
        .iter()
        .map(entry_from_row)
        .collect()
}

pub(super) async fn last(store: &SqliteStore, chain: Uuid) -> StoreResult<Option<Entry>> {
    let mut conn = store.pool.acquire().await?;
    head(&mut conn, chain).await
}

pub(super) async fn add_checkpoint(
    store: &SqliteStore,
    checkpoint: &Checkpoint,
    signature: [u8; 64],
) -> StoreResult<()> {
    let chain = checkpoint.chain.to_string();
    let mut tx = store.pool.begin_with("BEGIN IMMEDIATE").await?;
    let log_size: Option<i64> =
        sqlx::query_scalar("SELECT max(seq) FROM audit_log WHERE chain = ?")
            .bind(&chain)
            .fetch_one(&mut *tx)
            .await?;
    let at_size: Option<Vec<u8>> =
        sqlx::query_scalar("SELECT hash FROM audit_log WHERE chain = ? AND seq = ?")
            .bind(&chain)
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
        "INSERT INTO audit_checkpoints (chain, size, head, at, signature) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(&chain)
    .bind(db_i64(checkpoint.size))
    .bind(&checkpoint.head[..])
    .bind(ts(checkpoint.at))
    .bind(&signature[..])
    .execute(&mut *tx)
    .await
    .map_err(|err| checkpoint_write_error(err, checkpoint.size))?;
    tx.commit().await?;
    Ok(())
}

/// A second checkpoint at one size is refused by the no-replace trigger
/// before the primary key sees it: both are the conflict they are.
fn checkpoint_write_error(err: sqlx::Error, size: u64) -> crate::StoreError {
    if let sqlx::Error::Database(db) = &err {
        if db.message().contains("a checkpoint is never replaced") {
            return crate::StoreError::Conflict(format!(
                "audit checkpoint at size {size}: {}",
                db.message()
            ));
        }
    }
    write_error(err, &format!("audit checkpoint at size {size}"))
}

pub(super) async fn checkpoints(
    store: &SqliteStore,
    chain: Uuid,
) -> StoreResult<Vec<(Checkpoint, [u8; 64])>> {
    sqlx::query(
        "SELECT chain, size, head, at, signature FROM audit_checkpoints \
         WHERE chain = ? ORDER BY size",
    )
    .bind(chain.to_string())
    .fetch_all(&store.pool)
    .await?
    .iter()
    .map(|row| {
        Ok((
            Checkpoint {
                chain: get_uuid(row, "chain")?,
                size: stored_u64(row.try_get("size")?, "audit checkpoint size")?,
                head: common::hash32(row.try_get("head")?, "audit checkpoint head")?,
                at: get_ts(row, "at")?,
            },
            signature(row.try_get("signature")?)?,
        ))
    })
    .collect()
}
