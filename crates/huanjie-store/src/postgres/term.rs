//! During the term on PostgreSQL (issue 7, item 5). Schema:
//! `migrations/postgres/0014_term.sql`.

use chrono::{DateTime, Utc};
use sqlx::postgres::PgRow;
use sqlx::Row;
use uuid::Uuid;

use super::{rounds, PostgresStore};
use crate::common::{micros, write_error};
use crate::{
    Election, NewRound, NewTermEvent, Store, StoreError, StoreResult, TermEvent, TermStep,
};

const SELECT: &str = "SELECT election_id, number, kind, position, member, request, answer, \
     vote_id, outcome, state, created_by, created_at, updated_by, updated_at FROM term_events";

fn number_of(number: u32) -> StoreResult<i32> {
    i32::try_from(number).map_err(|_| StoreError::NotFound(format!("term event {number}")))
}

fn event(row: &PgRow) -> StoreResult<TermEvent> {
    let number: i32 = row.try_get("number")?;
    Ok(TermEvent {
        term: row.try_get("election_id")?,
        number: u32::try_from(number)
            .map_err(|_| StoreError::Corrupt(format!("term event number {number}")))?,
        kind: row.try_get("kind")?,
        position: row.try_get("position")?,
        member: row.try_get("member")?,
        request: row.try_get("request")?,
        answer: row.try_get("answer")?,
        vote_id: row.try_get("vote_id")?,
        outcome: row.try_get("outcome")?,
        state: row.try_get("state")?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
        updated_by: row.try_get("updated_by")?,
        updated_at: row.try_get("updated_at")?,
    })
}

async fn one(
    conn: &mut sqlx::PgConnection,
    term: Uuid,
    number: u32,
) -> StoreResult<Option<TermEvent>> {
    sqlx::query(&format!("{SELECT} WHERE election_id = $1 AND number = $2"))
        .bind(term)
        .bind(number_of(number)?)
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(event)
        .transpose()
}

pub(super) async fn add_term_event(
    store: &PostgresStore,
    term: Uuid,
    new: &NewTermEvent,
    by: &str,
    now: DateTime<Utc>,
) -> StoreResult<TermEvent> {
    let mut tx = store.pool.begin().await?;
    // One writer at a time per term: the term's row is locked.
    sqlx::query("SELECT id FROM elections WHERE id = $1 FOR UPDATE")
        .bind(term)
        .fetch_optional(&mut *tx)
        .await?;
    let (next,): (i32,) = sqlx::query_as(
        "SELECT COALESCE(MAX(number), 0) + 1 FROM term_events WHERE election_id = $1",
    )
    .bind(term)
    .fetch_one(&mut *tx)
    .await?;
    let at = micros(now);
    let inserted = sqlx::query(
        "INSERT INTO term_events (election_id, number, kind, position, member, request, state, \
           created_by, created_at, updated_by, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(term)
    .bind(next)
    .bind(&new.kind)
    .bind(&new.position)
    .bind(&new.member)
    .bind(&new.request)
    .bind(&new.state)
    .bind(by)
    .bind(at)
    .bind(by)
    .bind(at)
    .execute(&mut *tx)
    .await
    .map_err(|e| write_error(e, "term event"));
    if let Err(e) = inserted {
        tx.rollback().await?;
        return Err(e);
    }
    let number =
        u32::try_from(next).map_err(|_| StoreError::Corrupt("term event number".into()))?;
    let stored = one(&mut tx, term, number).await?;
    tx.commit().await?;
    stored.ok_or_else(|| StoreError::NotFound(format!("term event {number}")))
}

pub(super) async fn term_events(store: &PostgresStore, term: Uuid) -> StoreResult<Vec<TermEvent>> {
    sqlx::query(&format!("{SELECT} WHERE election_id = $1 ORDER BY number"))
        .bind(term)
        .fetch_all(&store.pool)
        .await?
        .iter()
        .map(event)
        .collect()
}

/// The step inside the caller's transaction.
async fn step(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    term: Uuid,
    number: u32,
    step: &TermStep,
    vote: Option<Uuid>,
    by: &str,
    now: DateTime<Utc>,
) -> StoreResult<TermEvent> {
    let done = sqlx::query(
        "UPDATE term_events SET state = $1, answer = COALESCE($2, answer), \
           outcome = COALESCE($3, outcome), vote_id = COALESCE($4, vote_id), \
           updated_by = $5, updated_at = $6 \
         WHERE election_id = $7 AND number = $8 AND state = $9",
    )
    .bind(&step.state)
    .bind(&step.answer)
    .bind(&step.outcome)
    .bind(vote)
    .bind(by)
    .bind(micros(now))
    .bind(term)
    .bind(number_of(number)?)
    .bind(&step.expect)
    .execute(&mut **tx)
    .await
    .map_err(|e| write_error(e, "term event"))?;
    let found = one(tx, term, number).await?;
    match found {
        None => Err(StoreError::NotFound(format!("term event {number}"))),
        Some(e) if done.rows_affected() == 0 => Err(StoreError::Conflict(format!(
            "term event {number} is {}, not {}",
            e.state, step.expect
        ))),
        Some(e) => Ok(e),
    }
}

pub(super) async fn step_term_event(
    store: &PostgresStore,
    term: Uuid,
    number: u32,
    taken: &TermStep,
    by: &str,
    now: DateTime<Utc>,
) -> StoreResult<TermEvent> {
    let mut tx = store.pool.begin().await?;
    match step(&mut tx, term, number, taken, None, by, now).await {
        Ok(e) => {
            tx.commit().await?;
            Ok(e)
        }
        Err(e) => {
            tx.rollback().await?;
            Err(e)
        }
    }
}

pub(super) async fn start_term_vote(
    store: &PostgresStore,
    term: Uuid,
    number: u32,
    vote: &NewRound,
    taken: &TermStep,
    by: &str,
    now: DateTime<Utc>,
) -> StoreResult<(TermEvent, Election)> {
    let mut tx = store.pool.begin().await?;
    let done = async {
        let id = rounds::insert_round(&mut tx, term, vote, now).await?;
        let e = step(&mut tx, term, number, taken, Some(id), by, now).await?;
        Ok::<_, StoreError>((e, id))
    }
    .await;
    match done {
        Ok((e, id)) => {
            tx.commit().await?;
            let election = store
                .get_election(id)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("election {id}")))?;
            Ok((e, election))
        }
        Err(e) => {
            tx.rollback().await?;
            Err(e)
        }
    }
}
