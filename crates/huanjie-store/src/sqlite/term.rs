//! During the term on SQLite (issue 7, item 5). Schema:
//! `migrations/sqlite/0014_term.sql`.

use chrono::{DateTime, Utc};
use sqlx::sqlite::SqliteRow;
use sqlx::Row;
use uuid::Uuid;

use super::{get_ts, parse_uuid, rounds, ts, SqliteStore};
use crate::common::{micros, write_error};
use crate::{
    Election, NewRound, NewTermEvent, Store, StoreError, StoreResult, TermEvent, TermStep,
};

const SELECT: &str = "SELECT election_id, number, kind, position, member, request, answer, \
     vote_id, outcome, state, created_by, created_at, updated_by, updated_at FROM term_events";

fn event(row: &SqliteRow) -> StoreResult<TermEvent> {
    let term: String = row.try_get("election_id")?;
    let number: i64 = row.try_get("number")?;
    Ok(TermEvent {
        term: parse_uuid(&term, "term")?,
        number: u32::try_from(number)
            .map_err(|_| StoreError::Corrupt(format!("term event number {number}")))?,
        kind: row.try_get("kind")?,
        position: row.try_get("position")?,
        member: row.try_get("member")?,
        request: row.try_get("request")?,
        answer: row.try_get("answer")?,
        vote_id: row
            .try_get::<Option<String>, _>("vote_id")?
            .map(|v| parse_uuid(&v, "vote_id"))
            .transpose()?,
        outcome: row.try_get("outcome")?,
        state: row.try_get("state")?,
        created_by: row.try_get("created_by")?,
        created_at: get_ts(row, "created_at")?,
        updated_by: row.try_get("updated_by")?,
        updated_at: get_ts(row, "updated_at")?,
    })
}

async fn one(
    conn: &mut sqlx::SqliteConnection,
    term: Uuid,
    number: u32,
) -> StoreResult<Option<TermEvent>> {
    sqlx::query(&format!("{SELECT} WHERE election_id = ? AND number = ?"))
        .bind(term.to_string())
        .bind(i64::from(number))
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(event)
        .transpose()
}

pub(super) async fn add_term_event(
    store: &SqliteStore,
    term: Uuid,
    new: &NewTermEvent,
    by: &str,
    now: DateTime<Utc>,
) -> StoreResult<TermEvent> {
    let mut tx = store.pool.begin_with("BEGIN IMMEDIATE").await?;
    let (next,): (i64,) = sqlx::query_as(
        "SELECT COALESCE(MAX(number), 0) + 1 FROM term_events WHERE election_id = ?",
    )
    .bind(term.to_string())
    .fetch_one(&mut *tx)
    .await?;
    let at = ts(micros(now));
    let inserted = sqlx::query(
        "INSERT INTO term_events (election_id, number, kind, position, member, request, state, \
           created_by, created_at, updated_by, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(term.to_string())
    .bind(next)
    .bind(&new.kind)
    .bind(&new.position)
    .bind(&new.member)
    .bind(&new.request)
    .bind(&new.state)
    .bind(by)
    .bind(&at)
    .bind(by)
    .bind(&at)
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

pub(super) async fn term_events(store: &SqliteStore, term: Uuid) -> StoreResult<Vec<TermEvent>> {
    sqlx::query(&format!("{SELECT} WHERE election_id = ? ORDER BY number"))
        .bind(term.to_string())
        .fetch_all(&store.pool)
        .await?
        .iter()
        .map(event)
        .collect()
}

/// The step inside the caller's transaction.
async fn step(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    term: Uuid,
    number: u32,
    step: &TermStep,
    vote: Option<Uuid>,
    by: &str,
    now: DateTime<Utc>,
) -> StoreResult<TermEvent> {
    let done = sqlx::query(
        "UPDATE term_events SET state = ?, answer = COALESCE(?, answer), \
           outcome = COALESCE(?, outcome), vote_id = COALESCE(?, vote_id), \
           updated_by = ?, updated_at = ? \
         WHERE election_id = ? AND number = ? AND state = ?",
    )
    .bind(&step.state)
    .bind(&step.answer)
    .bind(&step.outcome)
    .bind(vote.map(|v| v.to_string()))
    .bind(by)
    .bind(ts(micros(now)))
    .bind(term.to_string())
    .bind(i64::from(number))
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
    store: &SqliteStore,
    term: Uuid,
    number: u32,
    taken: &TermStep,
    by: &str,
    now: DateTime<Utc>,
) -> StoreResult<TermEvent> {
    let mut tx = store.pool.begin_with("BEGIN IMMEDIATE").await?;
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
    store: &SqliteStore,
    term: Uuid,
    number: u32,
    vote: &NewRound,
    taken: &TermStep,
    by: &str,
    now: DateTime<Utc>,
) -> StoreResult<(TermEvent, Election)> {
    let mut tx = store.pool.begin_with("BEGIN IMMEDIATE").await?;
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
