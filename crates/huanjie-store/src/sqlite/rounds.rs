//! Later rounds on SQLite (issue 7). Schema:
//! `migrations/sqlite/0011_rounds.sql`.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{ts, SqliteStore};
use crate::common::{micros, write_error};
use crate::{Election, NewRound, Store, StoreError, StoreResult};

pub(super) async fn create_round(
    store: &SqliteStore,
    parent: Uuid,
    new: &NewRound,
    now: DateTime<Utc>,
) -> StoreResult<Election> {
    let mut tx = store.pool.begin_with("BEGIN IMMEDIATE").await?;
    match insert_round(&mut tx, parent, new, now).await {
        Ok(id) => {
            tx.commit().await?;
            store
                .get_election(id)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("election {id}")))
        }
        Err(e) => {
            tx.rollback().await?;
            Err(e)
        }
    }
}

/// Inserts the round inside the caller's transaction (the caller rolls
/// back on an error): numbered after the parent and every round already
/// held from it, the parent's stations copied with polls not opened.
pub(super) async fn insert_round(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    parent: Uuid,
    new: &NewRound,
    now: DateTime<Utc>,
) -> StoreResult<Uuid> {
    let id = Uuid::new_v4();
    let found: Option<(String, String, i64)> =
        sqlx::query_as("SELECT body_kind, profile, round_number FROM elections WHERE id = ?")
            .bind(parent.to_string())
            .fetch_optional(&mut **tx)
            .await?;
    let Some((body_kind, profile, number)) = found else {
        return Err(StoreError::NotFound(format!("election {parent}")));
    };
    let (held,): (Option<i64>,) =
        sqlx::query_as("SELECT MAX(round_number) FROM elections WHERE parent_id = ?")
            .bind(parent.to_string())
            .fetch_one(&mut **tx)
            .await?;
    let number = held.unwrap_or(number).max(number);
    sqlx::query(
        "INSERT INTO elections (id, body_kind, title, profile, election_day, created_at, \
           parent_id, round_kind, round_number, round_contests, purpose) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(id.to_string())
    .bind(&body_kind)
    .bind(&new.title)
    .bind(&profile)
    .bind(new.election_day.format("%Y-%m-%d").to_string())
    .bind(ts(micros(now)))
    .bind(parent.to_string())
    .bind(&new.kind)
    .bind(number + 1)
    .bind(&new.contests)
    .bind(&new.purpose)
    .execute(&mut **tx)
    .await
    .map_err(|e| write_error(e, "round"))?;
    for (ordinal, seat) in (0_i64..).zip(&new.seats) {
        sqlx::query(
            "INSERT INTO election_seats (election_id, ordinal, position, seats) VALUES (?, ?, ?, ?)",
        )
        .bind(id.to_string())
        .bind(ordinal)
        .bind(&seat.position)
        .bind(i64::from(seat.seats))
        .execute(&mut **tx)
        .await?;
    }
    // The same stations, polls not opened yet.
    sqlx::query(
        "INSERT INTO stations (election_id, code, name, kind, place, serves, approval, created_at, seq) \
         SELECT ?, code, name, kind, place, serves, approval, ?, seq FROM stations WHERE election_id = ?",
    )
    .bind(id.to_string())
    .bind(ts(micros(now)))
    .bind(parent.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(id)
}
