//! Later rounds on PostgreSQL (issue 7). Schema:
//! `migrations/postgres/0011_rounds.sql`.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::PostgresStore;
use crate::common::{micros, write_error};
use crate::{Election, NewRound, Store, StoreError, StoreResult};

pub(super) async fn create_round(
    store: &PostgresStore,
    parent: Uuid,
    new: &NewRound,
    now: DateTime<Utc>,
) -> StoreResult<Election> {
    let mut tx = store.pool.begin().await?;
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
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    parent: Uuid,
    new: &NewRound,
    now: DateTime<Utc>,
) -> StoreResult<Uuid> {
    let id = Uuid::new_v4();
    let found: Option<(String, String, i32)> = sqlx::query_as(
        "SELECT body_kind, profile, round_number FROM elections WHERE id = $1 FOR UPDATE",
    )
    .bind(parent)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((body_kind, profile, number)) = found else {
        return Err(StoreError::NotFound(format!("election {parent}")));
    };
    let (held,): (Option<i32>,) =
        sqlx::query_as("SELECT MAX(round_number) FROM elections WHERE parent_id = $1")
            .bind(parent)
            .fetch_one(&mut **tx)
            .await?;
    let number = held.unwrap_or(number).max(number);
    sqlx::query(
        "INSERT INTO elections (id, body_kind, title, profile, election_day, created_at, \
           parent_id, round_kind, round_number, round_contests, purpose) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(id)
    .bind(&body_kind)
    .bind(&new.title)
    .bind(&profile)
    .bind(new.election_day)
    .bind(micros(now))
    .bind(parent)
    .bind(&new.kind)
    .bind(number + 1)
    .bind(&new.contests)
    .bind(&new.purpose)
    .execute(&mut **tx)
    .await
    .map_err(|e| write_error(e, "round"))?;
    for (ordinal, seat) in (0_i32..).zip(&new.seats) {
        sqlx::query(
            "INSERT INTO election_seats (election_id, ordinal, position, seats) VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(ordinal)
        .bind(&seat.position)
        .bind(i64::from(seat.seats))
        .execute(&mut **tx)
        .await?;
    }
    // The same stations, polls not opened yet.
    sqlx::query(
        "INSERT INTO stations (election_id, code, name, kind, place, serves, approval, created_at, seq) \
         SELECT $1, code, name, kind, place, serves, approval, $2, seq FROM stations WHERE election_id = $3",
    )
    .bind(id)
    .bind(micros(now))
    .bind(parent)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}
