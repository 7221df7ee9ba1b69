//! Ballot printing on SQLite (issue 5). Schema:
//! `migrations/sqlite/0006_ballots.sql`. Each write is one
//! `BEGIN IMMEDIATE` transaction; a refusal rolls back.

use chrono::{DateTime, Utc};
use sqlx::sqlite::SqliteRow;
use sqlx::Row;
use uuid::Uuid;

use super::nomination::election_exists;
use super::{get_ts, get_uuid, parse_ts, ts, SqliteStore};
use crate::common::{self, micros, write_error};
use crate::{
    BallotKey, Batch, NewBatch, NominationStateError, PrintedSerial, StateError, StoreError,
    StoreResult,
};

pub(super) async fn ballot_key(
    store: &SqliteStore,
    election_id: Uuid,
    candidate: &BallotKey,
    now: DateTime<Utc>,
) -> StoreResult<BallotKey> {
    let mut tx = store.pool.begin_with("BEGIN IMMEDIATE").await?;
    if let Err(e) = election_exists(&mut tx, election_id).await {
        tx.rollback().await?;
        return Err(e);
    }
    sqlx::query(
        "INSERT INTO ballot_keys (election_id, key, created_at) VALUES (?, ?, ?) \
         ON CONFLICT (election_id) DO NOTHING",
    )
    .bind(election_id.to_string())
    .bind(&candidate.0[..])
    .bind(ts(micros(now)))
    .execute(&mut *tx)
    .await?;
    let key: Vec<u8> = sqlx::query_scalar("SELECT key FROM ballot_keys WHERE election_id = ?")
        .bind(election_id.to_string())
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    common::ballot_key(key)
}

pub(super) async fn find_ballot_key(
    store: &SqliteStore,
    election_id: Uuid,
) -> StoreResult<Option<BallotKey>> {
    let key: Option<Vec<u8>> =
        sqlx::query_scalar("SELECT key FROM ballot_keys WHERE election_id = ?")
            .bind(election_id.to_string())
            .fetch_optional(&store.pool)
            .await?;
    key.map(common::ballot_key).transpose()
}

const BATCH_SELECT: &str = "SELECT b.id, b.election_id, b.number, b.station, b.style, b.count, \
     b.serials_sha256, b.reprint_of, b.printed_by, b.printed_at, \
     (SELECT count(*) FROM ballot_serials AS s WHERE s.batch_id = b.id \
        AND s.voided_at IS NOT NULL) AS voided \
     FROM ballot_batches AS b";

fn batch_from_row(row: &SqliteRow) -> StoreResult<Batch> {
    let reprint_of: Option<String> = row.try_get("reprint_of")?;
    Ok(Batch {
        id: get_uuid(row, "id")?,
        election_id: get_uuid(row, "election_id")?,
        number: u16::try_from(row.try_get::<i64, _>("number")?)
            .map_err(|_| StoreError::Corrupt("batch number out of range".into()))?,
        station: row.try_get("station")?,
        style: u8::try_from(row.try_get::<i64, _>("style")?)
            .map_err(|_| StoreError::Corrupt("ballot style out of range".into()))?,
        count: common::count(row.try_get("count")?)?,
        serials_sha256: row.try_get("serials_sha256")?,
        reprint_of: reprint_of
            .map(|r| super::parse_uuid(&r, "reprint_of"))
            .transpose()?,
        printed_by: row.try_get("printed_by")?,
        printed_at: get_ts(row, "printed_at")?,
        voided: common::count(row.try_get("voided")?)?,
    })
}

pub(super) async fn record_batch(
    store: &SqliteStore,
    election_id: Uuid,
    new: &NewBatch,
    now: DateTime<Utc>,
) -> StoreResult<Batch> {
    if new.randoms.is_empty() {
        return Err(StateError::Empty("ballots").into());
    }
    let mut tx = store.pool.begin_with("BEGIN IMMEDIATE").await?;
    let result: StoreResult<Uuid> = async {
        election_exists(&mut tx, election_id).await?;
        if new.number == 0 {
            return Err(StateError::Empty("batch number").into());
        }
        let next = i64::from(new.number);
        let id = Uuid::new_v4();
        sqlx::query(
            "INSERT INTO ballot_batches (id, election_id, number, station, style, count, \
             serials_sha256, reprint_of, printed_by, printed_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id.to_string())
        .bind(election_id.to_string())
        .bind(next)
        .bind(new.station.trim())
        .bind(i64::from(new.style))
        .bind(i64::try_from(new.randoms.len()).unwrap_or(i64::MAX))
        .bind(&new.serials_sha256)
        .bind(new.reprint_of.map(|r| r.to_string()))
        .bind(&new.printed_by)
        .bind(ts(micros(now)))
        .execute(&mut *tx)
        .await
        .map_err(|e| write_error(e, "ballot batch"))?;
        for random in &new.randoms {
            sqlx::query(
                "INSERT INTO ballot_serials (election_id, random, batch_id) VALUES (?, ?, ?)",
            )
            .bind(election_id.to_string())
            .bind(&random[..])
            .bind(id.to_string())
            .execute(&mut *tx)
            .await
            .map_err(|e| write_error(e, "ballot serial"))?;
        }
        Ok(id)
    }
    .await;
    match result {
        Ok(id) => {
            let row = sqlx::query(&format!("{BATCH_SELECT} WHERE b.id = ?"))
                .bind(id.to_string())
                .fetch_one(&mut *tx)
                .await?;
            let batch = batch_from_row(&row)?;
            tx.commit().await?;
            Ok(batch)
        }
        Err(e) => {
            tx.rollback().await?;
            Err(e)
        }
    }
}

pub(super) async fn list_batches(
    store: &SqliteStore,
    election_id: Uuid,
) -> StoreResult<Vec<Batch>> {
    sqlx::query(&format!(
        "{BATCH_SELECT} WHERE b.election_id = ? ORDER BY b.number"
    ))
    .bind(election_id.to_string())
    .fetch_all(&store.pool)
    .await?
    .iter()
    .map(batch_from_row)
    .collect()
}

const SERIAL_SELECT: &str = "SELECT s.batch_id, b.number, b.station, s.voided_at, s.void_reason \
     FROM ballot_serials AS s JOIN ballot_batches AS b ON b.id = s.batch_id \
     WHERE s.election_id = ? AND s.random = ?";

fn serial_from_row(row: &SqliteRow) -> StoreResult<PrintedSerial> {
    let voided_at: Option<String> = row.try_get("voided_at")?;
    Ok(PrintedSerial {
        batch_id: get_uuid(row, "batch_id")?,
        batch_number: u16::try_from(row.try_get::<i64, _>("number")?)
            .map_err(|_| StoreError::Corrupt("batch number out of range".into()))?,
        station: row.try_get("station")?,
        voided_at: voided_at.map(|t| parse_ts(&t, "voided_at")).transpose()?,
        void_reason: row.try_get("void_reason")?,
    })
}

pub(super) async fn printed_serial(
    store: &SqliteStore,
    election_id: Uuid,
    random: [u8; 8],
) -> StoreResult<Option<PrintedSerial>> {
    sqlx::query(SERIAL_SELECT)
        .bind(election_id.to_string())
        .bind(&random[..])
        .fetch_optional(&store.pool)
        .await?
        .map(|row| serial_from_row(&row))
        .transpose()
}

pub(super) async fn void_serial(
    store: &SqliteStore,
    election_id: Uuid,
    random: [u8; 8],
    reason: &str,
    now: DateTime<Utc>,
) -> StoreResult<PrintedSerial> {
    if reason.trim().is_empty() {
        return Err(StateError::Empty("reason").into());
    }
    let mut tx = store.pool.begin_with("BEGIN IMMEDIATE").await?;
    let current = sqlx::query(SERIAL_SELECT)
        .bind(election_id.to_string())
        .bind(&random[..])
        .fetch_optional(&mut *tx)
        .await?
        .map(|row| serial_from_row(&row))
        .transpose()?;
    let refusal = match &current {
        None => Some(StoreError::NotFound("printed serial".into())),
        Some(s) if s.voided_at.is_some() => Some(NominationStateError::Duplicate("void").into()),
        Some(_) => None,
    };
    if let Some(e) = refusal {
        tx.rollback().await?;
        return Err(e);
    }
    sqlx::query(
        "UPDATE ballot_serials SET voided_at = ?, void_reason = ? \
         WHERE election_id = ? AND random = ?",
    )
    .bind(ts(micros(now)))
    .bind(reason.trim())
    .bind(election_id.to_string())
    .bind(&random[..])
    .execute(&mut *tx)
    .await?;
    let row = sqlx::query(SERIAL_SELECT)
        .bind(election_id.to_string())
        .bind(&random[..])
        .fetch_one(&mut *tx)
        .await?;
    let voided = serial_from_row(&row)?;
    tx.commit().await?;
    Ok(voided)
}

pub(super) async fn batch_randoms(
    store: &SqliteStore,
    election_id: Uuid,
    batch_id: Uuid,
) -> StoreResult<Vec<[u8; 8]>> {
    let rows: Vec<Vec<u8>> = sqlx::query_scalar(
        "SELECT random FROM ballot_serials WHERE election_id = ? AND batch_id = ? \
         ORDER BY random",
    )
    .bind(election_id.to_string())
    .bind(batch_id.to_string())
    .fetch_all(&store.pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            r.try_into()
                .map_err(|_| StoreError::Corrupt("serial random part of the wrong length".into()))
        })
        .collect()
}
