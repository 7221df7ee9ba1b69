//! Certification on SQLite (issue 7). Schema:
//! `migrations/sqlite/0009_certification.sql`.

use chrono::{DateTime, Utc};
use sqlx::sqlite::{SqliteConnection, SqliteRow};
use sqlx::Row;
use uuid::Uuid;

use super::nomination::election_exists;
use super::{get_ts, ts, SqliteStore};
use crate::common::{self, micros};
use crate::{Certification, NewCertification, SigningKey, StoreError, StoreResult};

fn key_from_row(row: &SqliteRow) -> StoreResult<SigningKey> {
    let public: Vec<u8> = row.try_get("public_key")?;
    Ok(SigningKey {
        pkcs8: row.try_get("pkcs8")?,
        public_key: public
            .try_into()
            .map_err(|_| StoreError::Corrupt("a signing key's public key".into()))?,
    })
}

pub(super) async fn signing_key(
    store: &SqliteStore,
    election_id: Uuid,
    candidate: &SigningKey,
    now: DateTime<Utc>,
) -> StoreResult<SigningKey> {
    let mut tx = store.pool.begin_with("BEGIN IMMEDIATE").await?;
    if let Err(e) = election_exists(&mut tx, election_id).await {
        tx.rollback().await?;
        return Err(e);
    }
    sqlx::query(
        "INSERT INTO signing_keys (election_id, pkcs8, public_key, created_at) VALUES (?, ?, ?, ?) \
         ON CONFLICT (election_id) DO NOTHING",
    )
    .bind(election_id.to_string())
    .bind(&candidate.pkcs8)
    .bind(&candidate.public_key[..])
    .bind(ts(micros(now)))
    .execute(&mut *tx)
    .await?;
    let row = sqlx::query("SELECT pkcs8, public_key FROM signing_keys WHERE election_id = ?")
        .bind(election_id.to_string())
        .fetch_one(&mut *tx)
        .await?;
    let key = key_from_row(&row)?;
    tx.commit().await?;
    Ok(key)
}

pub(super) async fn find_signing_key(
    store: &SqliteStore,
    election_id: Uuid,
) -> StoreResult<Option<SigningKey>> {
    sqlx::query("SELECT pkcs8, public_key FROM signing_keys WHERE election_id = ?")
        .bind(election_id.to_string())
        .fetch_optional(&store.pool)
        .await?
        .map(|row| key_from_row(&row))
        .transpose()
}

fn certification_from_row(row: &SqliteRow) -> StoreResult<Certification> {
    let signature: Vec<u8> = row.try_get("signature")?;
    Ok(Certification {
        round: row.try_get("round")?,
        document: row.try_get("document")?,
        signature: signature
            .try_into()
            .map_err(|_| StoreError::Corrupt("a certification's signature".into()))?,
        certified_by: row.try_get("certified_by")?,
        certified_at: get_ts(row, "certified_at")?,
    })
}

/// Whether any round of the election is certified (its ballots locked);
/// read inside the writing transaction.
pub(super) async fn locked(tx: &mut SqliteConnection, election: &str) -> StoreResult<bool> {
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM certifications WHERE election_id = ?")
        .bind(election)
        .fetch_one(&mut *tx)
        .await?;
    Ok(n > 0)
}

pub(super) async fn certify(
    store: &SqliteStore,
    election_id: Uuid,
    new: &NewCertification,
    now: DateTime<Utc>,
) -> StoreResult<Certification> {
    let mut tx = store.pool.begin_with("BEGIN IMMEDIATE").await?;
    if let Err(e) = election_exists(&mut tx, election_id).await {
        tx.rollback().await?;
        return Err(e);
    }
    let inserted = sqlx::query(
        "INSERT INTO certifications (election_id, round, document, signature, certified_by, certified_at) \
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(election_id.to_string())
    .bind(&new.round)
    .bind(&new.document)
    .bind(&new.signature[..])
    .bind(&new.certified_by)
    .bind(ts(micros(now)))
    .execute(&mut *tx)
    .await
    .map_err(|e| common::write_error(e, "certification"));
    if let Err(e) = inserted {
        tx.rollback().await?;
        return Err(e);
    }
    let row = sqlx::query(
        "SELECT round, document, signature, certified_by, certified_at FROM certifications \
         WHERE election_id = ? AND round = ?",
    )
    .bind(election_id.to_string())
    .bind(&new.round)
    .fetch_one(&mut *tx)
    .await?;
    let certification = certification_from_row(&row)?;
    tx.commit().await?;
    store.changed(election_id, false);
    Ok(certification)
}

pub(super) async fn certifications(
    store: &SqliteStore,
    election_id: Uuid,
) -> StoreResult<Vec<Certification>> {
    sqlx::query(
        "SELECT round, document, signature, certified_by, certified_at FROM certifications \
         WHERE election_id = ? ORDER BY certified_at",
    )
    .bind(election_id.to_string())
    .fetch_all(&store.pool)
    .await?
    .iter()
    .map(certification_from_row)
    .collect()
}

/// The server's signing key: `candidate` is stored if there is none yet;
/// the stored one is returned either way (schema: `0017_server_key.sql`).
pub(super) async fn server_signing_key(
    store: &SqliteStore,
    candidate: &SigningKey,
    now: DateTime<Utc>,
) -> StoreResult<SigningKey> {
    let mut tx = store.pool.begin_with("BEGIN IMMEDIATE").await?;
    sqlx::query(
        "INSERT INTO server_signing_key (one, pkcs8, public_key, created_at) VALUES (1, ?, ?, ?) \
         ON CONFLICT (one) DO NOTHING",
    )
    .bind(&candidate.pkcs8)
    .bind(&candidate.public_key[..])
    .bind(ts(micros(now)))
    .execute(&mut *tx)
    .await?;
    let row = sqlx::query("SELECT pkcs8, public_key FROM server_signing_key WHERE one = 1")
        .fetch_one(&mut *tx)
        .await?;
    let key = key_from_row(&row)?;
    tx.commit().await?;
    Ok(key)
}

pub(super) async fn find_server_signing_key(
    store: &SqliteStore,
) -> StoreResult<Option<SigningKey>> {
    sqlx::query("SELECT pkcs8, public_key FROM server_signing_key WHERE one = 1")
        .fetch_optional(&store.pool)
        .await?
        .map(|row| key_from_row(&row))
        .transpose()
}
