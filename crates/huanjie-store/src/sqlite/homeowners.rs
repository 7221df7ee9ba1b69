//! The homeowners' assembly on SQLite (R-OWN-1). Schema:
//! `migrations/sqlite/0015_homeowners.sql`. Every write is one
//! `BEGIN IMMEDIATE` transaction, so a register replacement, a new matter
//! and a vote never interleave.

use chrono::{DateTime, Utc};
use huanjie_core::homeowners::Register;
use sqlx::{Sqlite, Transaction};
use uuid::Uuid;

use super::{parse_ts, ts, SqliteStore};
use crate::common::micros;
use crate::homeowners::{
    choice, matter_kind, owners_from_rows, vote_mode, MATTERS_EXIST, NO_REGISTER, VOTED_ALREADY,
};
use crate::{
    HomeownerMatter, HomeownerRegister, HomeownerVote, MatterKind, StoreError, StoreResult, Unit,
    Vote,
};

async fn election_exists(tx: &mut Transaction<'_, Sqlite>, election_id: Uuid) -> StoreResult<()> {
    let exists: Option<i64> = sqlx::query_scalar("SELECT 1 FROM elections WHERE id = ?")
        .bind(election_id.to_string())
        .fetch_optional(&mut **tx)
        .await?;
    exists
        .map(|_| ())
        .ok_or_else(|| StoreError::NotFound(format!("election {election_id}")))
}

pub(super) async fn replace_register(
    store: &SqliteStore,
    election_id: Uuid,
    units: &[Unit],
    by: &str,
    now: DateTime<Utc>,
) -> StoreResult<Register> {
    let register = Register::from_units(units).map_err(|e| StoreError::Conflict(e.to_string()))?;
    let mut tx = store.pool.begin_with("BEGIN IMMEDIATE").await?;
    election_exists(&mut tx, election_id).await?;
    let matters: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM homeowner_matters WHERE election_id = ?")
            .bind(election_id.to_string())
            .fetch_one(&mut *tx)
            .await?;
    if matters > 0 {
        tx.rollback().await?;
        return Err(StoreError::Conflict(MATTERS_EXIST.into()));
    }
    let id = election_id.to_string();
    sqlx::query("DELETE FROM homeowner_units WHERE election_id = ?")
        .bind(&id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM homeowner_owners WHERE election_id = ?")
        .bind(&id)
        .execute(&mut *tx)
        .await?;
    for o in &register.owners {
        sqlx::query(
            "INSERT INTO homeowner_owners (election_id, number, name, developer, area_centi) \
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(&id)
        .bind(i64::from(o.number))
        .bind(&o.name)
        .bind(o.developer)
        .bind(area(o.area.0)?)
        .execute(&mut *tx)
        .await?;
    }
    for (position, u) in units.iter().enumerate() {
        let unit = u.unit.trim();
        let owner = register
            .owners
            .iter()
            .find(|o| o.units.iter().any(|x| x == unit))
            .ok_or_else(|| StoreError::Corrupt(format!("unit {unit} without owner")))?;
        sqlx::query(
            "INSERT INTO homeowner_units (election_id, unit, owner, area_centi, position) \
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(&id)
        .bind(unit)
        .bind(i64::from(owner.number))
        .bind(area(u.area.0)?)
        .bind(i64::try_from(position).unwrap_or(i64::MAX))
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query(
        "INSERT INTO homeowner_registers (election_id, imported_by, imported_at) VALUES (?, ?, ?) \
         ON CONFLICT (election_id) DO UPDATE SET imported_by = excluded.imported_by, \
           imported_at = excluded.imported_at",
    )
    .bind(&id)
    .bind(by)
    .bind(ts(micros(now)))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(register)
}

fn area(centi: u64) -> StoreResult<i64> {
    i64::try_from(centi).map_err(|_| StoreError::Conflict(format!("area {centi} too large")))
}

pub(super) async fn register(
    store: &SqliteStore,
    election_id: Uuid,
) -> StoreResult<Option<HomeownerRegister>> {
    let id = election_id.to_string();
    let head: Option<(String, String)> = sqlx::query_as(
        "SELECT imported_by, imported_at FROM homeowner_registers WHERE election_id = ?",
    )
    .bind(&id)
    .fetch_optional(&store.pool)
    .await?;
    let Some((imported_by, imported_at)) = head else {
        return Ok(None);
    };
    let owners: Vec<(i64, String, bool, i64)> = sqlx::query_as(
        "SELECT number, name, developer, area_centi FROM homeowner_owners \
         WHERE election_id = ? ORDER BY number",
    )
    .bind(&id)
    .fetch_all(&store.pool)
    .await?;
    let units: Vec<(i64, String)> = sqlx::query_as(
        "SELECT owner, unit FROM homeowner_units WHERE election_id = ? ORDER BY position",
    )
    .bind(&id)
    .fetch_all(&store.pool)
    .await?;
    Ok(Some(HomeownerRegister {
        owners: owners_from_rows(owners, units)?,
        imported_by,
        imported_at: parse_ts(&imported_at, "homeowner register")?,
    }))
}

pub(super) async fn add_matter(
    store: &SqliteStore,
    election_id: Uuid,
    kind: MatterKind,
    title: &str,
    by: &str,
    now: DateTime<Utc>,
) -> StoreResult<HomeownerMatter> {
    let mut tx = store.pool.begin_with("BEGIN IMMEDIATE").await?;
    election_exists(&mut tx, election_id).await?;
    let id = election_id.to_string();
    let owners: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM homeowner_owners WHERE election_id = ?")
            .bind(&id)
            .fetch_one(&mut *tx)
            .await?;
    if owners == 0 {
        tx.rollback().await?;
        return Err(StoreError::Conflict(NO_REGISTER.into()));
    }
    let number: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(number), 0) + 1 FROM homeowner_matters WHERE election_id = ?",
    )
    .bind(&id)
    .fetch_one(&mut *tx)
    .await?;
    let now = micros(now);
    sqlx::query(
        "INSERT INTO homeowner_matters (election_id, number, kind, title, created_by, created_at) \
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(&id)
    .bind(number)
    .bind(kind.as_str())
    .bind(title)
    .bind(by)
    .bind(ts(now))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(HomeownerMatter {
        number: u32::try_from(number)
            .map_err(|_| StoreError::Corrupt(format!("matter number {number}")))?,
        kind,
        title: title.to_owned(),
        created_by: by.to_owned(),
        created_at: now,
    })
}

pub(super) async fn matters(
    store: &SqliteStore,
    election_id: Uuid,
) -> StoreResult<Vec<HomeownerMatter>> {
    let rows: Vec<(i64, String, String, String, String)> = sqlx::query_as(
        "SELECT number, kind, title, created_by, created_at FROM homeowner_matters \
         WHERE election_id = ? ORDER BY number",
    )
    .bind(election_id.to_string())
    .fetch_all(&store.pool)
    .await?;
    rows.into_iter()
        .map(|(number, kind, title, created_by, created_at)| {
            Ok(HomeownerMatter {
                number: u32::try_from(number)
                    .map_err(|_| StoreError::Corrupt(format!("matter number {number}")))?,
                kind: matter_kind(&kind)?,
                title,
                created_by,
                created_at: parse_ts(&created_at, "homeowner matter")?,
            })
        })
        .collect()
}

pub(super) async fn record_vote(
    store: &SqliteStore,
    election_id: Uuid,
    matter: u32,
    vote: &Vote,
    by: &str,
    now: DateTime<Utc>,
) -> StoreResult<HomeownerVote> {
    let mut tx = store.pool.begin_with("BEGIN IMMEDIATE").await?;
    election_exists(&mut tx, election_id).await?;
    let id = election_id.to_string();
    let found: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM homeowner_matters WHERE election_id = ? AND number = ?")
            .bind(&id)
            .bind(i64::from(matter))
            .fetch_optional(&mut *tx)
            .await?;
    if found.is_none() {
        tx.rollback().await?;
        return Err(StoreError::NotFound(format!("matter {matter}")));
    }
    let owner: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM homeowner_owners WHERE election_id = ? AND number = ?")
            .bind(&id)
            .bind(i64::from(vote.owner))
            .fetch_optional(&mut *tx)
            .await?;
    if owner.is_none() {
        tx.rollback().await?;
        return Err(StoreError::NotFound(format!("owner {}", vote.owner)));
    }
    let now = micros(now);
    let inserted = sqlx::query(
        "INSERT INTO homeowner_votes \
         (election_id, matter, owner, choice, mode, recorded_by, recorded_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (election_id, matter, owner) DO NOTHING",
    )
    .bind(&id)
    .bind(i64::from(matter))
    .bind(i64::from(vote.owner))
    .bind(vote.choice.as_str())
    .bind(vote.mode.as_str())
    .bind(by)
    .bind(ts(now))
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() == 0 {
        tx.rollback().await?;
        return Err(StoreError::Conflict(format!(
            "{VOTED_ALREADY} {}",
            vote.owner
        )));
    }
    // A candidate's matter in a committee election: no more votes for
    // candidates than seats (R-OWN-1, R-BODY-6).
    if let Err(e) =
        super::homeowner_committee::check_for_votes(&mut tx, election_id, matter, vote.owner).await
    {
        tx.rollback().await?;
        return Err(e);
    }
    tx.commit().await?;
    Ok(HomeownerVote {
        matter,
        owner: vote.owner,
        choice: vote.choice,
        mode: vote.mode,
        recorded_by: by.to_owned(),
        recorded_at: now,
    })
}

pub(super) async fn votes(
    store: &SqliteStore,
    election_id: Uuid,
    matter: u32,
) -> StoreResult<Vec<HomeownerVote>> {
    let rows: Vec<(i64, String, String, String, String)> = sqlx::query_as(
        "SELECT owner, choice, mode, recorded_by, recorded_at FROM homeowner_votes \
         WHERE election_id = ? AND matter = ? ORDER BY owner",
    )
    .bind(election_id.to_string())
    .bind(i64::from(matter))
    .fetch_all(&store.pool)
    .await?;
    rows.into_iter()
        .map(|(owner, c, m, recorded_by, recorded_at)| {
            Ok(HomeownerVote {
                matter,
                owner: u32::try_from(owner)
                    .map_err(|_| StoreError::Corrupt(format!("owner number {owner}")))?,
                choice: choice(&c)?,
                mode: vote_mode(&m)?,
                recorded_by,
                recorded_at: parse_ts(&recorded_at, "homeowner vote")?,
            })
        })
        .collect()
}
