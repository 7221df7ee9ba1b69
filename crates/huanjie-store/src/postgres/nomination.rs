//! Nomination on PostgreSQL (R-BODY-1/2/5, R-NOM-1..6, R-POLL-2).
//!
//! Schema: `migrations/postgres/0004_nomination.sql`. Every step that
//! changes state is one transaction that first locks the election's row
//! (`FOR UPDATE`), as registration's steps do, so what it reads to decide
//! (whether the formal list is fixed, the next paper number, who is a
//! candidate) cannot change before it commits, and a proxy registration
//! (R-POLL-4) cannot slip past the fixing of the formal list. Refusals
//! roll back.

use chrono::{DateTime, Utc};
use sqlx::postgres::{PgConnection, PgRow};
use sqlx::{Postgres, Row, Transaction};
use uuid::Uuid;

use super::PostgresStore;
use crate::common::nomination as shared;
use crate::common::{self, micros, write_error};
use crate::{
    Candidate, CommitteeMember, FormalList, FormalListOutcome, Named, NewCommitteeMember,
    NewFormalList, NewNomination, NewStaff, Nomination, NominationStateError as N, PreliminaryVote,
    Relation, RelationKind, SeatPlan, Staff, StateError, StoreError, StoreResult, VoidReason,
    Withdrawal,
};

type Tx<'c> = Transaction<'c, Postgres>;

async fn write_tx(store: &PostgresStore) -> StoreResult<Tx<'static>> {
    Ok(store.pool.begin().await?)
}

/// Runs `step` in a writing transaction: commits on `Ok`, rolls back on
/// `Err` (so a refused step writes nothing).
macro_rules! in_tx {
    ($store:expr, |$tx:ident| $body:expr) => {{
        let mut $tx = write_tx($store).await?;
        let result: StoreResult<_> = async { $body }.await;
        match result {
            Ok(value) => {
                $tx.commit().await?;
                Ok(value)
            }
            Err(e) => {
                $tx.rollback().await?;
                Err(e)
            }
        }
    }};
}

fn get_uuid(row: &PgRow, col: &str) -> StoreResult<Uuid> {
    Ok(row.try_get(col)?)
}

fn get_ts(row: &PgRow, col: &str) -> StoreResult<DateTime<Utc>> {
    Ok(row.try_get(col)?)
}

/// Locks the election's row for the rest of the transaction (steps of one
/// election take turns); `NotFound` unless it exists.
pub(super) async fn election_exists(conn: &mut PgConnection, election_id: Uuid) -> StoreResult<()> {
    let found: Option<Uuid> =
        sqlx::query_scalar("SELECT id FROM elections WHERE id = $1 FOR UPDATE")
            .bind(election_id)
            .fetch_optional(conn)
            .await?;
    if found.is_some() {
        Ok(())
    } else {
        Err(StoreError::NotFound(format!("election {election_id}")))
    }
}

async fn list_is_fixed(conn: &mut PgConnection, election_id: Uuid) -> StoreResult<bool> {
    Ok(
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM formal_lists WHERE election_id = $1)")
            .bind(election_id)
            .fetch_one(conn)
            .await?,
    )
}

/// `NotFound` for an unknown election, `FormalListPublished` once fixed.
async fn still_open(conn: &mut PgConnection, election_id: Uuid) -> StoreResult<()> {
    election_exists(conn, election_id).await?;
    if list_is_fixed(conn, election_id).await? {
        return Err(N::FormalListPublished.into());
    }
    Ok(())
}

/// `State(NotPublished)` until the voter list is published: nominators,
/// nominees and staff are registered voters, and after publication the
/// roll is never replaced under them.
async fn voters_published(conn: &mut PgConnection, election_id: Uuid) -> StoreResult<()> {
    let published: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM publications WHERE election_id = $1)")
            .bind(election_id)
            .fetch_one(conn)
            .await?;
    if published {
        Ok(())
    } else {
        Err(StateError::NotPublished.into())
    }
}

/// `NotOnRoll` unless `resident` is on the election's current roll.
async fn on_roll(conn: &mut PgConnection, election_id: Uuid, resident: Uuid) -> StoreResult<()> {
    let found: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM residents WHERE election_id = $1 AND id = $2)",
    )
    .bind(election_id)
    .bind(resident)
    .fetch_one(conn)
    .await?;
    if found {
        Ok(())
    } else {
        Err(N::NotOnRoll(resident).into())
    }
}

/// The election's position codes, in ballot order.
async fn positions(conn: &mut PgConnection, election_id: Uuid) -> StoreResult<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT position FROM election_seats WHERE election_id = $1 ORDER BY ordinal",
    )
    .bind(election_id)
    .fetch_all(conn)
    .await?)
}

/// Checks every named person is on the roll and every position exists.
async fn check_named(
    conn: &mut PgConnection,
    election_id: Uuid,
    named: &[Named],
) -> StoreResult<()> {
    let known = positions(conn, election_id).await?;
    for n in named {
        shared::known_position(&known, &n.position)?;
        on_roll(conn, election_id, n.resident).await?;
    }
    Ok(())
}

pub(super) async fn count_households(store: &PostgresStore, election_id: Uuid) -> StoreResult<u64> {
    let n: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT DISTINCT group_name, household \
         FROM residents WHERE election_id = $1) AS h",
    )
    .bind(election_id)
    .fetch_one(&store.pool)
    .await?;
    common::count(n)
}

pub(super) async fn set_seat_plan(
    store: &PostgresStore,
    election_id: Uuid,
    plan: &SeatPlan,
    now: DateTime<Utc>,
) -> StoreResult<SeatPlan> {
    shared::distinct_positions(&plan.seats)?;
    let stored = SeatPlan {
        decided_at: Some(micros(now)),
        ..plan.clone()
    };
    in_tx!(store, |tx| {
        still_open(&mut tx, election_id).await?;
        let id = election_id;
        sqlx::query("DELETE FROM election_seats WHERE election_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        for (ordinal, s) in (0_i32..).zip(&plan.seats) {
            sqlx::query(
                "INSERT INTO election_seats (election_id, ordinal, position, seats) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(ordinal)
            .bind(&s.position)
            .bind(i64::from(s.seats))
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "INSERT INTO seat_plans (election_id, households, formula_members, reason, \
             decided_by, decided_at) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (election_id) DO UPDATE SET households = excluded.households, \
             formula_members = excluded.formula_members, reason = excluded.reason, \
             decided_by = excluded.decided_by, decided_at = excluded.decided_at",
        )
        .bind(id)
        .bind(shared::big(plan.households, "households")?)
        .bind(i64::from(plan.formula_members))
        .bind(&plan.reason)
        .bind(&plan.decided_by)
        .bind(micros(now))
        .execute(&mut *tx)
        .await
        .map_err(|e| write_error(e, "seat plan"))?;
        Ok(stored)
    })
}

pub(super) async fn seat_plan(
    store: &PostgresStore,
    election_id: Uuid,
) -> StoreResult<Option<SeatPlan>> {
    let mut tx = store.pool.begin().await?;
    let row = sqlx::query(
        "SELECT households, formula_members, reason, decided_by, decided_at \
         FROM seat_plans WHERE election_id = $1",
    )
    .bind(election_id)
    .fetch_optional(&mut *tx)
    .await?;
    let plan = match row {
        None => None,
        Some(row) => {
            let seats = sqlx::query(
                "SELECT position, seats FROM election_seats WHERE election_id = $1 ORDER BY ordinal",
            )
            .bind(election_id)
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .map(|r| common::seats(r.try_get("position")?, r.try_get("seats")?))
            .collect::<StoreResult<Vec<_>>>()?;
            Some(SeatPlan {
                households: common::count(row.try_get("households")?)?,
                formula_members: shared::small(row.try_get("formula_members")?, "members")?,
                seats,
                reason: row.try_get("reason")?,
                decided_by: row.try_get("decided_by")?,
                decided_at: Some(get_ts(&row, "decided_at")?),
            })
        }
    };
    tx.commit().await?;
    Ok(plan)
}

fn member_from_row(row: &PgRow) -> StoreResult<CommitteeMember> {
    Ok(CommitteeMember {
        id: get_uuid(row, "id")?,
        election_id: get_uuid(row, "election_id")?,
        name: row.try_get("name")?,
        gender: row.try_get("gender")?,
        role: shared::committee_role(row.try_get("role")?)?,
        resident: row.try_get("resident")?,
        appointed_at: get_ts(row, "appointed_at")?,
        left_at: row.try_get("left_at")?,
        left_reason: row.try_get("left_reason")?,
    })
}

const MEMBER_COLUMNS: &str =
    "id, election_id, name, gender, role, resident, appointed_at, left_at, left_reason";

pub(super) async fn add_committee_member(
    store: &PostgresStore,
    election_id: Uuid,
    new: &NewCommitteeMember,
    now: DateTime<Utc>,
) -> StoreResult<CommitteeMember> {
    shared::not_blank(&new.name, "name")?;
    let member = CommitteeMember {
        id: Uuid::new_v4(),
        election_id,
        name: new.name.trim().to_owned(),
        gender: new.gender.clone(),
        role: new.role,
        resident: new.resident,
        appointed_at: micros(now),
        left_at: None,
        left_reason: None,
    };
    in_tx!(store, |tx| {
        election_exists(&mut tx, election_id).await?;
        if let Some(resident) = new.resident {
            on_roll(&mut tx, election_id, resident).await?;
        }
        sqlx::query(
            "INSERT INTO committee_members (id, election_id, name, gender, role, resident, \
             appointed_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(member.id)
        .bind(election_id)
        .bind(&member.name)
        .bind(&member.gender)
        .bind(member.role.code())
        .bind(member.resident)
        .bind(member.appointed_at)
        .execute(&mut *tx)
        .await
        .map_err(|e| write_error(e, "committee member"))?;
        Ok(member.clone())
    })
}

pub(super) async fn list_committee_members(
    store: &PostgresStore,
    election_id: Uuid,
) -> StoreResult<Vec<CommitteeMember>> {
    let sql = format!(
        "SELECT {MEMBER_COLUMNS} FROM committee_members WHERE election_id = $1 \
         ORDER BY appointed_at, seq"
    );
    sqlx::query(&sql)
        .bind(election_id)
        .fetch_all(&store.pool)
        .await?
        .iter()
        .map(member_from_row)
        .collect()
}

pub(super) async fn record_nomination(
    store: &PostgresStore,
    election_id: Uuid,
    new: &NewNomination,
    now: DateTime<Utc>,
) -> StoreResult<Nomination> {
    shared::well_formed(new)?;
    in_tx!(store, |tx| {
        still_open(&mut tx, election_id).await?;
        voters_published(&mut tx, election_id).await?;
        check_named(&mut tx, election_id, &new.nominees).await?;
        for &n in &new.nominators {
            on_roll(&mut tx, election_id, n).await?;
        }
        let valid = new.void.is_none();
        if valid {
            for &n in &new.nominators {
                let earlier: Option<i64> = sqlx::query_scalar(
                    "SELECT p.number FROM nominators AS s JOIN nominations AS p \
                     ON p.id = s.nomination_id \
                     WHERE s.election_id = $1 AND s.resident = $2 AND s.valid",
                )
                .bind(election_id)
                .bind(n)
                .fetch_optional(&mut *tx)
                .await?;
                if let Some(number) = earlier {
                    return Err(N::AlreadyNominated {
                        resident: n,
                        number: shared::small(number, "number")?,
                    }
                    .into());
                }
            }
        }
        let number: i64 = sqlx::query_scalar(
            "SELECT coalesce(max(number), 0) + 1 FROM nominations WHERE election_id = $1",
        )
        .bind(election_id)
        .fetch_one(&mut *tx)
        .await?;
        let nomination = Nomination {
            id: Uuid::new_v4(),
            election_id,
            number: shared::small(number, "number")?,
            kind: new.kind,
            nominators: new.nominators.clone(),
            nominees: if valid {
                new.nominees.clone()
            } else {
                Vec::new()
            },
            nominated_by: new.nominated_by.trim().to_owned(),
            lodged_on: new.lodged_on,
            recorded_by: new.recorded_by.clone(),
            recorded_at: micros(now),
            void: new.void.clone(),
        };
        let id = nomination.id;
        sqlx::query(
            "INSERT INTO nominations (id, election_id, number, kind, nominated_by, lodged_on, \
             recorded_by, recorded_at, void_rule, void_code) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(id)
        .bind(election_id)
        .bind(number)
        .bind(nomination.kind.code())
        .bind(&nomination.nominated_by)
        .bind(nomination.lodged_on)
        .bind(&nomination.recorded_by)
        .bind(nomination.recorded_at)
        .bind(nomination.void.as_ref().map(|v| v.rule.clone()))
        .bind(nomination.void.as_ref().map(|v| v.code.clone()))
        .execute(&mut *tx)
        .await
        .map_err(|e| write_error(e, "nomination"))?;
        for (ordinal, n) in nomination.nominators.iter().enumerate() {
            sqlx::query(
                "INSERT INTO nominators (nomination_id, election_id, resident, ordinal, valid) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(election_id)
            .bind(n)
            .bind(ordinal as i64)
            .bind(valid)
            .execute(&mut *tx)
            .await
            .map_err(|e| write_error(e, "nominator"))?;
        }
        for (ordinal, n) in nomination.nominees.iter().enumerate() {
            sqlx::query(
                "INSERT INTO nominees (nomination_id, election_id, resident, position, ordinal) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(election_id)
            .bind(n.resident)
            .bind(&n.position)
            .bind(ordinal as i64)
            .execute(&mut *tx)
            .await
            .map_err(|e| write_error(e, "nominee"))?;
        }
        Ok(nomination)
    })
}

pub(super) async fn list_nominations(
    store: &PostgresStore,
    election_id: Uuid,
) -> StoreResult<Vec<Nomination>> {
    let mut tx = store.pool.begin().await?;
    let id = election_id;
    let rows = sqlx::query(
        "SELECT id, number, kind, nominated_by, lodged_on, recorded_by, recorded_at, \
         void_rule, void_code FROM nominations WHERE election_id = $1 ORDER BY number",
    )
    .bind(id)
    .fetch_all(&mut *tx)
    .await?;
    let mut papers = Vec::with_capacity(rows.len());
    for row in &rows {
        let rule: Option<String> = row.try_get("void_rule")?;
        let code: Option<String> = row.try_get("void_code")?;
        papers.push(Nomination {
            id: get_uuid(row, "id")?,
            election_id,
            number: shared::small(row.try_get("number")?, "number")?,
            kind: shared::nomination_kind(row.try_get("kind")?)?,
            nominators: Vec::new(),
            nominees: Vec::new(),
            nominated_by: row.try_get("nominated_by")?,
            lodged_on: row.try_get("lodged_on")?,
            recorded_by: row.try_get("recorded_by")?,
            recorded_at: get_ts(row, "recorded_at")?,
            void: rule.zip(code).map(|(rule, code)| VoidReason { rule, code }),
        });
    }
    let signers = sqlx::query(
        "SELECT nomination_id, resident FROM nominators WHERE election_id = $1 \
         ORDER BY nomination_id, ordinal",
    )
    .bind(id)
    .fetch_all(&mut *tx)
    .await?;
    for row in &signers {
        let paper = get_uuid(row, "nomination_id")?;
        if let Some(p) = papers.iter_mut().find(|p| p.id == paper) {
            p.nominators.push(get_uuid(row, "resident")?);
        }
    }
    let named = sqlx::query(
        "SELECT nomination_id, resident, position FROM nominees WHERE election_id = $1 \
         ORDER BY nomination_id, ordinal",
    )
    .bind(id)
    .fetch_all(&mut *tx)
    .await?;
    for row in &named {
        let paper = get_uuid(row, "nomination_id")?;
        if let Some(p) = papers.iter_mut().find(|p| p.id == paper) {
            p.nominees.push(Named {
                resident: get_uuid(row, "resident")?,
                position: row.try_get("position")?,
            });
        }
    }
    tx.commit().await?;
    Ok(papers)
}

pub(super) async fn record_preliminary_votes(
    store: &PostgresStore,
    election_id: Uuid,
    votes: &[PreliminaryVote],
) -> StoreResult<()> {
    shared::distinct_votes(votes)?;
    in_tx!(store, |tx| {
        still_open(&mut tx, election_id).await?;
        voters_published(&mut tx, election_id).await?;
        let named: Vec<Named> = votes
            .iter()
            .map(|v| Named {
                resident: v.resident,
                position: v.position.clone(),
            })
            .collect();
        check_named(&mut tx, election_id, &named).await?;
        sqlx::query("DELETE FROM preliminary_votes WHERE election_id = $1")
            .bind(election_id)
            .execute(&mut *tx)
            .await?;
        for v in votes {
            sqlx::query(
                "INSERT INTO preliminary_votes (election_id, resident, position, votes) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(election_id)
            .bind(v.resident)
            .bind(&v.position)
            .bind(shared::big(v.votes, "votes")?)
            .execute(&mut *tx)
            .await
            .map_err(|e| write_error(e, "preliminary vote"))?;
        }
        Ok(())
    })
}

pub(super) async fn preliminary_votes(
    store: &PostgresStore,
    election_id: Uuid,
) -> StoreResult<Vec<PreliminaryVote>> {
    sqlx::query(
        "SELECT v.resident, v.position, v.votes FROM preliminary_votes AS v \
         JOIN election_seats AS s ON s.election_id = v.election_id AND s.position = v.position \
         WHERE v.election_id = $1 ORDER BY s.ordinal, v.votes DESC, v.resident",
    )
    .bind(election_id)
    .fetch_all(&store.pool)
    .await?
    .iter()
    .map(|row| {
        Ok(PreliminaryVote {
            resident: get_uuid(row, "resident")?,
            position: row.try_get("position")?,
            votes: common::count(row.try_get("votes")?)?,
        })
    })
    .collect()
}

async fn formal_list_on(
    conn: &mut PgConnection,
    election_id: Uuid,
) -> StoreResult<Option<FormalList>> {
    let id = election_id;
    let Some(row) = sqlx::query(
        "SELECT published_on, published_at, published_by, late_days FROM formal_lists \
         WHERE election_id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let late: Option<i64> = row.try_get("late_days")?;
    let rows = sqlx::query(
        "SELECT c.resident, c.position, c.status, c.replaces, c.withdrawn_on, \
         c.withdrawal_reason, r.name, r.gender, r.group_name \
         FROM candidates AS c \
         JOIN residents AS r ON r.id = c.resident \
         JOIN election_seats AS s ON s.election_id = c.election_id AND s.position = c.position \
         WHERE c.election_id = $1 ORDER BY s.ordinal, c.ordinal",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let candidates = rows
        .iter()
        .map(|row| {
            let status: String = row.try_get("status")?;
            Ok(Candidate {
                resident: get_uuid(row, "resident")?,
                position: row.try_get("position")?,
                name: row.try_get("name")?,
                gender: row.try_get("gender")?,
                group: row.try_get("group_name")?,
                status: shared::candidate_status(&status)?,
                replaces: row.try_get("replaces")?,
                withdrawn_on: row.try_get("withdrawn_on")?,
                withdrawal_reason: row.try_get("withdrawal_reason")?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(Some(FormalList {
        election_id,
        published_on: row.try_get("published_on")?,
        published_at: get_ts(&row, "published_at")?,
        published_by: row.try_get("published_by")?,
        late_days: late.map(|d| shared::small(d, "late days")).transpose()?,
        candidates,
    }))
}

async fn next_candidate_ordinal(conn: &mut PgConnection, election_id: Uuid) -> StoreResult<i64> {
    Ok(sqlx::query_scalar(
        "SELECT coalesce(max(ordinal), -1) + 1 FROM candidates WHERE election_id = $1",
    )
    .bind(election_id)
    .fetch_one(conn)
    .await?)
}

pub(super) async fn fix_formal_list(
    store: &PostgresStore,
    election_id: Uuid,
    new: &NewFormalList,
    now: DateTime<Utc>,
) -> StoreResult<FormalListOutcome> {
    shared::distinct_named(&new.candidates)?;
    in_tx!(store, |tx| {
        still_open(&mut tx, election_id).await?;
        voters_published(&mut tx, election_id).await?;
        check_named(&mut tx, election_id, &new.candidates).await?;
        let id = election_id;
        sqlx::query(
            "INSERT INTO formal_lists (election_id, published_on, published_at, published_by, \
             late_days) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(new.published_on)
        .bind(micros(now))
        .bind(&new.published_by)
        .bind(new.late_days.map(i64::from))
        .execute(&mut *tx)
        .await
        .map_err(|e| write_error(e, "formal list"))?;
        for (ordinal, c) in new.candidates.iter().enumerate() {
            sqlx::query(
                "INSERT INTO candidates (election_id, resident, position, ordinal, status) \
                 VALUES ($1, $2, $3, $4, 'formal')",
            )
            .bind(id)
            .bind(c.resident)
            .bind(&c.position)
            .bind(ordinal as i64)
            .execute(&mut *tx)
            .await
            .map_err(|e| write_error(e, "formal candidate"))?;
        }
        // R-BODY-5: a member who became a formal candidate leaves.
        let sql = format!(
            "UPDATE committee_members SET left_at = $1, left_reason = 'formal_candidate' \
             WHERE election_id = $2 AND left_at IS NULL AND resident IN \
             (SELECT resident FROM candidates WHERE election_id = $3 AND status = 'formal') \
             RETURNING {MEMBER_COLUMNS}"
        );
        let left = sqlx::query(&sql)
            .bind(micros(now))
            .bind(id)
            .bind(id)
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(member_from_row)
            .collect::<StoreResult<Vec<_>>>()?;
        let list = formal_list_on(&mut tx, election_id)
            .await?
            .ok_or_else(|| StoreError::Corrupt("formal list vanished".into()))?;
        Ok(FormalListOutcome {
            list,
            left_committee: left,
        })
    })
}

pub(super) async fn formal_list(
    store: &PostgresStore,
    election_id: Uuid,
) -> StoreResult<Option<FormalList>> {
    let mut tx = store.pool.begin().await?;
    let list = formal_list_on(&mut tx, election_id).await?;
    tx.commit().await?;
    Ok(list)
}

pub(super) async fn withdraw_candidate(
    store: &PostgresStore,
    election_id: Uuid,
    w: &Withdrawal,
    _now: DateTime<Utc>,
) -> StoreResult<FormalList> {
    shared::not_blank(&w.reason, "reason")?;
    in_tx!(store, |tx| {
        election_exists(&mut tx, election_id).await?;
        if !list_is_fixed(&mut tx, election_id).await? {
            return Err(N::FormalListNotPublished.into());
        }
        let id = election_id;
        let changed = sqlx::query(
            "UPDATE candidates SET status = 'withdrawn', withdrawn_on = $1, withdrawal_reason = $2 \
             WHERE election_id = $3 AND position = $4 AND resident = $5 AND status = 'formal'",
        )
        .bind(w.on)
        .bind(w.reason.trim())
        .bind(id)
        .bind(&w.position)
        .bind(w.resident)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed != 1 {
            return Err(N::NotACandidate(w.position.clone()).into());
        }
        if let Some(next) = w.replacement {
            on_roll(&mut tx, election_id, next).await?;
            let ordinal = next_candidate_ordinal(&mut tx, election_id).await?;
            sqlx::query(
                "INSERT INTO candidates (election_id, resident, position, ordinal, status, \
                 replaces) VALUES ($1, $2, $3, $4, 'formal', $5)",
            )
            .bind(id)
            .bind(next)
            .bind(&w.position)
            .bind(ordinal)
            .bind(w.resident)
            .execute(&mut *tx)
            .await
            .map_err(|e| match write_error(e, "replacement") {
                StoreError::Conflict(_) => N::Duplicate("replacement").into(),
                other => other,
            })?;
        }
        formal_list_on(&mut tx, election_id)
            .await?
            .ok_or_else(|| StoreError::Corrupt("formal list vanished".into()))
    })
}

const STAFF_SELECT: &str = "SELECT s.id, s.election_id, s.resident, s.role, s.station, \
     s.appointed_by, s.appointed_at, r.name, r.group_name \
     FROM counting_staff AS s JOIN residents AS r ON r.id = s.resident";

fn staff_from_row(row: &PgRow) -> StoreResult<Staff> {
    Ok(Staff {
        id: get_uuid(row, "id")?,
        election_id: get_uuid(row, "election_id")?,
        resident: get_uuid(row, "resident")?,
        name: row.try_get("name")?,
        group: row.try_get("group_name")?,
        role: shared::staff_role(row.try_get("role")?)?,
        station: row.try_get("station")?,
        appointed_by: row.try_get("appointed_by")?,
        appointed_at: get_ts(row, "appointed_at")?,
    })
}

pub(super) async fn appoint_staff(
    store: &PostgresStore,
    election_id: Uuid,
    new: &NewStaff,
    now: DateTime<Utc>,
) -> StoreResult<Staff> {
    shared::not_blank(&new.station, "station")?;
    in_tx!(store, |tx| {
        election_exists(&mut tx, election_id).await?;
        voters_published(&mut tx, election_id).await?;
        on_roll(&mut tx, election_id, new.resident).await?;
        if is_candidate(&mut tx, election_id, new.resident).await? {
            return Err(N::CandidateAsStaff.into());
        }
        let id = Uuid::new_v4();
        sqlx::query(
            "INSERT INTO counting_staff (id, election_id, resident, role, station, \
             appointed_by, appointed_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(election_id)
        .bind(new.resident)
        .bind(new.role.code())
        .bind(new.station.trim())
        .bind(&new.appointed_by)
        .bind(micros(now))
        .execute(&mut *tx)
        .await
        .map_err(|e| match write_error(e, "counting staff") {
            StoreError::Conflict(_) => N::Duplicate("counting staff").into(),
            other => other,
        })?;
        let row = sqlx::query(&format!("{STAFF_SELECT} WHERE s.id = $1"))
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        staff_from_row(&row)
    })
}

pub(super) async fn list_staff(
    store: &PostgresStore,
    election_id: Uuid,
) -> StoreResult<Vec<Staff>> {
    sqlx::query(&format!(
        "{STAFF_SELECT} WHERE s.election_id = $1 ORDER BY s.appointed_at, s.seq"
    ))
    .bind(election_id)
    .fetch_all(&store.pool)
    .await?
    .iter()
    .map(staff_from_row)
    .collect()
}

/// Whether `resident` is a standing formal candidate (R-POLL-2, R-POLL-4).
pub(super) async fn is_candidate(
    conn: &mut PgConnection,
    election_id: Uuid,
    resident: Uuid,
) -> StoreResult<bool> {
    Ok(sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM candidates WHERE election_id = $1 AND resident = $2 \
         AND status = 'formal')",
    )
    .bind(election_id)
    .bind(resident)
    .fetch_one(conn)
    .await?)
}

pub(super) async fn record_relation(
    store: &PostgresStore,
    election_id: Uuid,
    relation: &Relation,
) -> StoreResult<()> {
    let r = relation.ordered();
    if r.a == r.b {
        return Err(StateError::Empty("a second, different resident").into());
    }
    in_tx!(store, |tx| {
        election_exists(&mut tx, election_id).await?;
        voters_published(&mut tx, election_id).await?;
        on_roll(&mut tx, election_id, r.a).await?;
        on_roll(&mut tx, election_id, r.b).await?;
        sqlx::query(
            "INSERT INTO relations (election_id, a, b, kind, recorded_by) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(election_id)
        .bind(r.a)
        .bind(r.b)
        .bind(r.kind.code())
        .bind(&r.recorded_by)
        .execute(&mut *tx)
        .await
        .map_err(|e| match write_error(e, "relation") {
            StoreError::Conflict(_) => N::Duplicate("relation").into(),
            other => other,
        })?;
        Ok(())
    })
}

pub(super) async fn list_relations(
    store: &PostgresStore,
    election_id: Uuid,
) -> StoreResult<Vec<Relation>> {
    sqlx::query(
        "SELECT a, b, kind, recorded_by FROM relations WHERE election_id = $1 ORDER BY a, b",
    )
    .bind(election_id)
    .fetch_all(&store.pool)
    .await?
    .iter()
    .map(|row| {
        let kind: String = row.try_get("kind")?;
        Ok(Relation {
            a: get_uuid(row, "a")?,
            b: get_uuid(row, "b")?,
            kind: RelationKind::parse(&kind)
                .ok_or_else(|| StoreError::Corrupt(format!("unknown relation {kind:?}")))?,
            recorded_by: row.try_get("recorded_by")?,
        })
    })
    .collect()
}

// --- recusals (R-BODY-4) --------------------------------------------------------

pub(super) async fn record_recusal(
    store: &PostgresStore,
    election_id: Uuid,
    recusal: &crate::Recusal,
) -> StoreResult<()> {
    in_tx!(store, |tx| {
        election_exists(&mut tx, election_id).await?;
        voters_published(&mut tx, election_id).await?;
        on_roll(&mut tx, election_id, recusal.resident).await?;
        sqlx::query(
            "INSERT INTO recusals (election_id, resident_id, office, recorded_by, recorded_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(election_id)
        .bind(recusal.resident)
        .bind(&recusal.office)
        .bind(&recusal.recorded_by)
        .bind(micros(recusal.recorded_at))
        .execute(&mut *tx)
        .await
        .map_err(|e| match write_error(e, "recusal") {
            StoreError::Conflict(_) => N::Duplicate("recusal").into(),
            other => other,
        })?;
        Ok(())
    })
}

pub(super) async fn list_recusals(
    store: &PostgresStore,
    election_id: Uuid,
) -> StoreResult<Vec<crate::Recusal>> {
    let rows = sqlx::query(
        "SELECT resident_id, office, recorded_by, recorded_at FROM recusals \
         WHERE election_id = $1 ORDER BY recorded_at, resident_id, office",
    )
    .bind(election_id)
    .fetch_all(&store.pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(crate::Recusal {
                resident: row.try_get("resident_id")?,
                office: row.try_get("office")?,
                recorded_by: row.try_get("recorded_by")?,
                recorded_at: row.try_get("recorded_at")?,
            })
        })
        .collect()
}

// --- a board of supervisors' size (R-BODY-6) -----------------------------------------

pub(super) async fn set_board_size(
    store: &PostgresStore,
    election_id: Uuid,
    size: &crate::BoardSize,
) -> StoreResult<()> {
    in_tx!(store, |tx| {
        still_open(&mut tx, election_id).await?;
        sqlx::query(
            "INSERT INTO board_sizes (election_id, board_size, set_by, set_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (election_id) DO UPDATE SET board_size = excluded.board_size, \
             set_by = excluded.set_by, set_at = excluded.set_at",
        )
        .bind(election_id)
        .bind(i64::from(size.board_size))
        .bind(&size.set_by)
        .bind(micros(size.set_at))
        .execute(&mut *tx)
        .await
        .map_err(|e| write_error(e, "board size"))?;
        Ok(())
    })
}

pub(super) async fn board_size(
    store: &PostgresStore,
    election_id: Uuid,
) -> StoreResult<Option<crate::BoardSize>> {
    let row =
        sqlx::query("SELECT board_size, set_by, set_at FROM board_sizes WHERE election_id = $1")
            .bind(election_id)
            .fetch_optional(&store.pool)
            .await?;
    row.map(|row| {
        let n: i64 = row.try_get("board_size")?;
        Ok(crate::BoardSize {
            board_size: u32::try_from(n)
                .map_err(|_| StoreError::Corrupt(format!("board size {n}")))?,
            set_by: row.try_get("set_by")?,
            set_at: row.try_get("set_at")?,
        })
    })
    .transpose()
}
