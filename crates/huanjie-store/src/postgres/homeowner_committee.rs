//! Electing the homeowners' committee on PostgreSQL (R-OWN-1, R-BODY-6).
//! Schema: `migrations/postgres/0019_homeowner_committee.sql`. Every write
//! is one transaction holding the election's row lock, so an owner's votes
//! for candidates are counted against the seats with no other vote of the
//! election between the insert and the count.

use chrono::{DateTime, Utc};
use sqlx::{Postgres, Transaction};
use uuid::Uuid;

use super::PostgresStore;
use crate::common::micros;
use crate::homeowners::{NO_REGISTER, TOO_MANY_FOR, VOTED_ALREADY};
use crate::{
    CommitteeBallot, CommitteeCandidate, CommitteeElection, HomeownerVote, NewCommitteeElection,
    StoreError, StoreResult,
};

fn number(n: i32, what: &str) -> StoreResult<u32> {
    u32::try_from(n).map_err(|_| StoreError::Corrupt(format!("{what} {n}")))
}

fn num(n: u32) -> StoreResult<i32> {
    i32::try_from(n).map_err(|_| StoreError::NotFound(format!("number {n}")))
}

pub(super) async fn add(
    store: &PostgresStore,
    election_id: Uuid,
    new: &NewCommitteeElection,
    by: &str,
    now: DateTime<Utc>,
) -> StoreResult<CommitteeElection> {
    let mut tx = store.pool.begin().await?;
    let id = election_id;
    let exists: Option<i32> =
        sqlx::query_scalar("SELECT 1 FROM elections WHERE id = $1 FOR UPDATE")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    if exists.is_none() {
        tx.rollback().await?;
        return Err(StoreError::NotFound(format!("election {election_id}")));
    }
    let owners: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM homeowner_owners WHERE election_id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
    if owners == 0 {
        tx.rollback().await?;
        return Err(StoreError::Conflict(NO_REGISTER.into()));
    }
    let committee: i32 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(number), 0) + 1 FROM homeowner_committee_elections \
         WHERE election_id = $1",
    )
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    let now = micros(now);
    sqlx::query(
        "INSERT INTO homeowner_committee_elections \
         (election_id, number, title, seats, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(committee)
    .bind(&new.title)
    .bind(num(new.seats)?)
    .bind(by)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let mut matter: i32 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(number), 0) FROM homeowner_matters WHERE election_id = $1",
    )
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    let mut candidates = Vec::new();
    for (i, name) in new.candidates.iter().enumerate() {
        matter += 1;
        let candidate = i32::try_from(i + 1).unwrap_or(i32::MAX);
        sqlx::query(
            "INSERT INTO homeowner_matters \
             (election_id, number, kind, title, created_by, created_at) \
             VALUES ($1, $2, 'ordinary', $3, $4, $5)",
        )
        .bind(id)
        .bind(matter)
        .bind(format!("{}：{name}", new.title))
        .bind(by)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let inserted = sqlx::query(
            "INSERT INTO homeowner_committee_candidates \
             (election_id, committee, candidate, name, matter) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(committee)
        .bind(candidate)
        .bind(name)
        .bind(matter)
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() == 0 {
            tx.rollback().await?;
            return Err(StoreError::Conflict(format!("candidate {name:?} twice")));
        }
        candidates.push(CommitteeCandidate {
            number: number(candidate, "candidate")?,
            name: name.clone(),
            matter: number(matter, "matter")?,
        });
    }
    tx.commit().await?;
    Ok(CommitteeElection {
        number: number(committee, "committee election")?,
        title: new.title.clone(),
        seats: new.seats,
        candidates,
        created_by: by.to_owned(),
        created_at: now,
    })
}

pub(super) async fn list(
    store: &PostgresStore,
    election_id: Uuid,
) -> StoreResult<Vec<CommitteeElection>> {
    let id = election_id;
    let heads: Vec<(i32, String, i32, String, DateTime<Utc>)> = sqlx::query_as(
        "SELECT number, title, seats, created_by, created_at FROM homeowner_committee_elections \
         WHERE election_id = $1 ORDER BY number",
    )
    .bind(id)
    .fetch_all(&store.pool)
    .await?;
    let rows: Vec<(i32, i32, String, i32)> = sqlx::query_as(
        "SELECT committee, candidate, name, matter FROM homeowner_committee_candidates \
         WHERE election_id = $1 ORDER BY committee, candidate",
    )
    .bind(id)
    .fetch_all(&store.pool)
    .await?;
    heads
        .into_iter()
        .map(|(n, title, seats, created_by, created_at)| {
            Ok(CommitteeElection {
                number: number(n, "committee election")?,
                title,
                seats: number(seats, "seats")?,
                candidates: rows
                    .iter()
                    .filter(|r| r.0 == n)
                    .map(|(_, c, name, m)| {
                        Ok(CommitteeCandidate {
                            number: number(*c, "candidate")?,
                            name: name.clone(),
                            matter: number(*m, "matter")?,
                        })
                    })
                    .collect::<StoreResult<_>>()?,
                created_by,
                created_at,
            })
        })
        .collect()
}

/// Called after inserting an owner's vote(s), before committing: refuses
/// when `owner` now has more votes for candidates of the committee
/// election `matter` belongs to than it has seats (R-OWN-1, R-BODY-6), so
/// the caller rolls the votes back. A matter of no committee election
/// passes.
pub(super) async fn check_for_votes(
    tx: &mut Transaction<'_, Postgres>,
    election_id: Uuid,
    matter: u32,
    owner: u32,
) -> StoreResult<()> {
    let id = election_id;
    let group: Option<(i32, i32)> = sqlx::query_as(
        "SELECT c.committee, e.seats FROM homeowner_committee_candidates c \
         JOIN homeowner_committee_elections e \
           ON e.election_id = c.election_id AND e.number = c.committee \
         WHERE c.election_id = $1 AND c.matter = $2",
    )
    .bind(id)
    .bind(num(matter)?)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((committee, seats)) = group else {
        return Ok(());
    };
    let already: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM homeowner_votes v JOIN homeowner_committee_candidates c \
           ON c.election_id = v.election_id AND c.matter = v.matter \
         WHERE v.election_id = $1 AND c.committee = $2 AND v.owner = $3 AND v.choice = 'for'",
    )
    .bind(id)
    .bind(committee)
    .bind(num(owner)?)
    .fetch_one(&mut **tx)
    .await?;
    if already > i64::from(seats) {
        return Err(StoreError::Conflict(format!("{TOO_MANY_FOR} {owner}")));
    }
    Ok(())
}

pub(super) async fn record_ballot(
    store: &PostgresStore,
    election_id: Uuid,
    committee: u32,
    ballot: &CommitteeBallot,
    by: &str,
    now: DateTime<Utc>,
) -> StoreResult<Vec<HomeownerVote>> {
    let mut tx = store.pool.begin().await?;
    let id = election_id;
    // The election's row lock serializes this owner's votes with any other.
    let exists: Option<i32> =
        sqlx::query_scalar("SELECT 1 FROM elections WHERE id = $1 FOR UPDATE")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    if exists.is_none() {
        tx.rollback().await?;
        return Err(StoreError::NotFound(format!("election {election_id}")));
    }
    let seats: Option<i32> = sqlx::query_scalar(
        "SELECT seats FROM homeowner_committee_elections WHERE election_id = $1 AND number = $2",
    )
    .bind(id)
    .bind(num(committee)?)
    .fetch_optional(&mut *tx)
    .await?;
    if seats.is_none() {
        tx.rollback().await?;
        return Err(StoreError::NotFound(format!(
            "committee election {committee}"
        )));
    }
    let owner: Option<i32> =
        sqlx::query_scalar("SELECT 1 FROM homeowner_owners WHERE election_id = $1 AND number = $2")
            .bind(id)
            .bind(num(ballot.owner)?)
            .fetch_optional(&mut *tx)
            .await?;
    if owner.is_none() {
        tx.rollback().await?;
        return Err(StoreError::NotFound(format!("owner {}", ballot.owner)));
    }
    let mut matters = Vec::new();
    for (candidate, choice) in &ballot.choices {
        let matter: Option<i32> = sqlx::query_scalar(
            "SELECT matter FROM homeowner_committee_candidates \
             WHERE election_id = $1 AND committee = $2 AND candidate = $3",
        )
        .bind(id)
        .bind(num(committee)?)
        .bind(num(*candidate)?)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(matter) = matter else {
            tx.rollback().await?;
            return Err(StoreError::NotFound(format!("candidate {candidate}")));
        };
        matters.push((number(matter, "matter")?, *choice));
    }
    let now = micros(now);
    let mut out = Vec::new();
    for &(matter, choice) in &matters {
        let inserted = sqlx::query(
            "INSERT INTO homeowner_votes \
             (election_id, matter, owner, choice, mode, recorded_by, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (election_id, matter, owner) DO NOTHING",
        )
        .bind(id)
        .bind(num(matter)?)
        .bind(num(ballot.owner)?)
        .bind(choice.as_str())
        .bind(ballot.mode.as_str())
        .bind(by)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() == 0 {
            tx.rollback().await?;
            return Err(StoreError::Conflict(format!(
                "{VOTED_ALREADY} {}",
                ballot.owner
            )));
        }
        out.push(HomeownerVote {
            matter,
            owner: ballot.owner,
            choice,
            mode: ballot.mode,
            recorded_by: by.to_owned(),
            recorded_at: now,
        });
    }
    if let Some((first, _)) = matters.first() {
        if let Err(e) = check_for_votes(&mut tx, election_id, *first, ballot.owner).await {
            tx.rollback().await?;
            return Err(e);
        }
    }
    tx.commit().await?;
    Ok(out)
}
