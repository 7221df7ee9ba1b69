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
    let id = Uuid::new_v4();
    let mut tx = store.pool.begin().await?;
    let found: Option<(String, String, i32)> = sqlx::query_as(
        "SELECT body_kind, profile, round_number FROM elections WHERE id = $1 FOR UPDATE",
    )
    .bind(parent)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((body_kind, profile, number)) = found else {
        tx.rollback().await?;
        return Err(StoreError::NotFound(format!("election {parent}")));
    };
    let inserted = sqlx::query(
        "INSERT INTO elections (id, body_kind, title, profile, election_day, created_at, \
           parent_id, round_kind, round_number, round_contests) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
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
    .execute(&mut *tx)
    .await
    .map_err(|e| write_error(e, "round"));
    if let Err(e) = inserted {
        tx.rollback().await?;
        return Err(e);
    }
    for (ordinal, seat) in (0_i32..).zip(&new.seats) {
        sqlx::query(
            "INSERT INTO election_seats (election_id, ordinal, position, seats) VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(ordinal)
        .bind(&seat.position)
        .bind(i64::from(seat.seats))
        .execute(&mut *tx)
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
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    store
        .get_election(id)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("election {id}")))
}
