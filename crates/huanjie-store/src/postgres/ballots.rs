//! Ballot printing on PostgreSQL (issue 5). Schema:
//! `migrations/postgres/0006_ballots.sql`. Each write is one
//! transaction that first locks the election's row (`FOR UPDATE`), so
//! batch numbers never collide; a refusal rolls back.

use chrono::{DateTime, Utc};
use sqlx::postgres::PgRow;
use sqlx::Row;
use uuid::Uuid;

use super::nomination::election_exists;
use super::PostgresStore;
use crate::common::{self, micros, write_error};
use crate::{
    BallotKey, Batch, NewBatch, NominationStateError, PrintedSerial, StateError, StoreError,
    StoreResult,
};

pub(super) async fn ballot_key(
    store: &PostgresStore,
    election_id: Uuid,
    candidate: &BallotKey,
    now: DateTime<Utc>,
) -> StoreResult<BallotKey> {
    let mut tx = store.pool.begin().await?;
    if let Err(e) = election_exists(&mut tx, election_id).await {
        tx.rollback().await?;
        return Err(e);
    }
    sqlx::query(
        "INSERT INTO ballot_keys (election_id, key, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (election_id) DO NOTHING",
    )
    .bind(election_id)
    .bind(&candidate.0[..])
    .bind(micros(now))
    .execute(&mut *tx)
    .await?;
    let key: Vec<u8> = sqlx::query_scalar("SELECT key FROM ballot_keys WHERE election_id = $1")
        .bind(election_id)
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    common::ballot_key(key)
}

pub(super) async fn find_ballot_key(
    store: &PostgresStore,
    election_id: Uuid,
) -> StoreResult<Option<BallotKey>> {
    let key: Option<Vec<u8>> =
        sqlx::query_scalar("SELECT key FROM ballot_keys WHERE election_id = $1")
            .bind(election_id)
            .fetch_optional(&store.pool)
            .await?;
    key.map(common::ballot_key).transpose()
}

const BATCH_SELECT: &str = "SELECT b.id, b.election_id, b.number, b.station, b.style, b.count, \
     b.serials_sha256, b.reprint_of, b.printed_by, b.printed_at, \
     (SELECT count(*) FROM ballot_serials AS s WHERE s.batch_id = b.id \
        AND s.voided_at IS NOT NULL) AS voided \
     FROM ballot_batches AS b";

fn batch_from_row(row: &PgRow) -> StoreResult<Batch> {
    Ok(Batch {
        id: row.try_get("id")?,
        election_id: row.try_get("election_id")?,
        number: u16::try_from(row.try_get::<i32, _>("number")?)
            .map_err(|_| StoreError::Corrupt("batch number out of range".into()))?,
        station: row.try_get("station")?,
        style: u8::try_from(row.try_get::<i32, _>("style")?)
            .map_err(|_| StoreError::Corrupt("ballot style out of range".into()))?,
        count: common::count(row.try_get("count")?)?,
        serials_sha256: row.try_get("serials_sha256")?,
        reprint_of: row.try_get("reprint_of")?,
        printed_by: row.try_get("printed_by")?,
        printed_at: row.try_get("printed_at")?,
        voided: common::count(row.try_get("voided")?)?,
    })
}

pub(super) async fn record_batch(
    store: &PostgresStore,
    election_id: Uuid,
    new: &NewBatch,
    now: DateTime<Utc>,
) -> StoreResult<Batch> {
    if new.randoms.is_empty() {
        return Err(StateError::Empty("ballots").into());
    }
    let mut tx = store.pool.begin().await?;
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
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(id)
        .bind(election_id)
        .bind(i32::try_from(next).unwrap_or(i32::MAX))
        .bind(new.station.trim())
        .bind(i32::from(new.style))
        .bind(i64::try_from(new.randoms.len()).unwrap_or(i64::MAX))
        .bind(&new.serials_sha256)
        .bind(new.reprint_of)
        .bind(&new.printed_by)
        .bind(micros(now))
        .execute(&mut *tx)
        .await
        .map_err(|e| write_error(e, "ballot batch"))?;
        for random in &new.randoms {
            sqlx::query(
                "INSERT INTO ballot_serials (election_id, random, batch_id) VALUES ($1, $2, $3)",
            )
            .bind(election_id)
            .bind(&random[..])
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(|e| write_error(e, "ballot serial"))?;
        }
        Ok(id)
    }
    .await;
    match result {
        Ok(id) => {
            let row = sqlx::query(&format!("{BATCH_SELECT} WHERE b.id = $1"))
                .bind(id)
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
    store: &PostgresStore,
    election_id: Uuid,
) -> StoreResult<Vec<Batch>> {
    sqlx::query(&format!(
        "{BATCH_SELECT} WHERE b.election_id = $1 ORDER BY b.number"
    ))
    .bind(election_id)
    .fetch_all(&store.pool)
    .await?
    .iter()
    .map(batch_from_row)
    .collect()
}

const SERIAL_SELECT: &str = "SELECT s.batch_id, b.number, b.station, s.voided_at, s.void_reason \
     FROM ballot_serials AS s JOIN ballot_batches AS b ON b.id = s.batch_id \
     WHERE s.election_id = $1 AND s.random = $2";

fn serial_from_row(row: &PgRow) -> StoreResult<PrintedSerial> {
    Ok(PrintedSerial {
        batch_id: row.try_get("batch_id")?,
        batch_number: u16::try_from(row.try_get::<i32, _>("number")?)
            .map_err(|_| StoreError::Corrupt("batch number out of range".into()))?,
        station: row.try_get("station")?,
        voided_at: row.try_get("voided_at")?,
        void_reason: row.try_get("void_reason")?,
    })
}

pub(super) async fn printed_serial(
    store: &PostgresStore,
    election_id: Uuid,
    random: [u8; 8],
) -> StoreResult<Option<PrintedSerial>> {
    sqlx::query(SERIAL_SELECT)
        .bind(election_id)
        .bind(&random[..])
        .fetch_optional(&store.pool)
        .await?
        .map(|row| serial_from_row(&row))
        .transpose()
}

pub(super) async fn void_serial(
    store: &PostgresStore,
    election_id: Uuid,
    random: [u8; 8],
    reason: &str,
    now: DateTime<Utc>,
) -> StoreResult<PrintedSerial> {
    if reason.trim().is_empty() {
        return Err(StateError::Empty("reason").into());
    }
    let mut tx = store.pool.begin().await?;
    let current = sqlx::query(SERIAL_SELECT)
        .bind(election_id)
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
        "UPDATE ballot_serials SET voided_at = $1, void_reason = $2 \
         WHERE election_id = $3 AND random = $4",
    )
    .bind(micros(now))
    .bind(reason.trim())
    .bind(election_id)
    .bind(&random[..])
    .execute(&mut *tx)
    .await?;
    let row = sqlx::query(SERIAL_SELECT)
        .bind(election_id)
        .bind(&random[..])
        .fetch_one(&mut *tx)
        .await?;
    let voided = serial_from_row(&row)?;
    tx.commit().await?;
    Ok(voided)
}

pub(super) async fn batch_randoms(
    store: &PostgresStore,
    election_id: Uuid,
    batch_id: Uuid,
) -> StoreResult<Vec<[u8; 8]>> {
    let rows: Vec<Vec<u8>> = sqlx::query_scalar(
        "SELECT random FROM ballot_serials WHERE election_id = $1 AND batch_id = $2 \
         ORDER BY random",
    )
    .bind(election_id)
    .bind(batch_id)
    .fetch_all(&store.pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            r.try_into()
                .map_err(|_| StoreError::Corrupt("serial random part of the wrong length".into()))
        })
        .collect()
}
