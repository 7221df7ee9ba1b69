//! The homeowners' assembly on PostgreSQL (R-OWN-1). Schema:
//! `migrations/postgres/0015_homeowners.sql`. Every write is one
//! transaction holding the election's row lock, so a register
//! replacement, a new matter and a vote never interleave.

use chrono::{DateTime, Utc};
use huanjie_core::homeowners::Register;
use sqlx::{Postgres, Transaction};
use uuid::Uuid;

use super::PostgresStore;
use crate::common::micros;
use crate::homeowners::{
    choice, matter_kind, owners_from_rows, vote_mode, MATTERS_EXIST, NO_REGISTER, VOTED_ALREADY,
};
use crate::{
    HomeownerMatter, HomeownerRegister, HomeownerVote, MatterKind, StoreError, StoreResult, Unit,
    Vote,
};

async fn election_exists(tx: &mut Transaction<'_, Postgres>, election_id: Uuid) -> StoreResult<()> {
    let exists: Option<i32> =
        sqlx::query_scalar("SELECT 1 FROM elections WHERE id = $1 FOR UPDATE")
            .bind(election_id)
            .fetch_optional(&mut **tx)
            .await?;
    exists
        .map(|_| ())
        .ok_or_else(|| StoreError::NotFound(format!("election {election_id}")))
}

pub(super) async fn replace_register(
    store: &PostgresStore,
    election_id: Uuid,
    units: &[Unit],
    by: &str,
    now: DateTime<Utc>,
) -> StoreResult<Register> {
    let register = Register::from_units(units).map_err(|e| StoreError::Conflict(e.to_string()))?;
    let mut tx = store.pool.begin().await?;
    election_exists(&mut tx, election_id).await?;
    let matters: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM homeowner_matters WHERE election_id = $1")
            .bind(election_id)
            .fetch_one(&mut *tx)
            .await?;
    if matters > 0 {
        tx.rollback().await?;
        return Err(StoreError::Conflict(MATTERS_EXIST.into()));
    }
    let id = election_id;
    sqlx::query("DELETE FROM homeowner_units WHERE election_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM homeowner_owners WHERE election_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    for o in &register.owners {
        sqlx::query(
            "INSERT INTO homeowner_owners (election_id, number, name, developer, area_centi) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(num(o.number)?)
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
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(unit)
        .bind(num(owner.number)?)
        .bind(area(u.area.0)?)
        .bind(i32::try_from(position).unwrap_or(i32::MAX))
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query(
        "INSERT INTO homeowner_registers (election_id, imported_by, imported_at) VALUES ($1, $2, $3) \
         ON CONFLICT (election_id) DO UPDATE SET imported_by = excluded.imported_by, \
           imported_at = excluded.imported_at",
    )
    .bind(id)
    .bind(by)
    .bind(micros(now))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(register)
}

fn num(n: u32) -> StoreResult<i32> {
    i32::try_from(n).map_err(|_| StoreError::NotFound(format!("number {n}")))
}

fn area(centi: u64) -> StoreResult<i64> {
    i64::try_from(centi).map_err(|_| StoreError::Conflict(format!("area {centi} too large")))
}

pub(super) async fn register(
    store: &PostgresStore,
    election_id: Uuid,
) -> StoreResult<Option<HomeownerRegister>> {
    let id = election_id;
    let head: Option<(String, DateTime<Utc>)> = sqlx::query_as(
        "SELECT imported_by, imported_at FROM homeowner_registers WHERE election_id = $1",
    )
    .bind(id)
    .fetch_optional(&store.pool)
    .await?;
    let Some((imported_by, imported_at)) = head else {
        return Ok(None);
    };
    let owners: Vec<(i32, String, bool, i64)> = sqlx::query_as(
        "SELECT number, name, developer, area_centi FROM homeowner_owners \
         WHERE election_id = $1 ORDER BY number",
    )
    .bind(id)
    .fetch_all(&store.pool)
    .await?;
    let units: Vec<(i32, String)> = sqlx::query_as(
        "SELECT owner, unit FROM homeowner_units WHERE election_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(&store.pool)
    .await?;
    Ok(Some(HomeownerRegister {
        owners: owners_from_rows(
            owners
                .into_iter()
                .map(|(n, name, d, a)| (i64::from(n), name, d, a))
                .collect(),
            units.into_iter().map(|(o, u)| (i64::from(o), u)).collect(),
        )?,
        imported_by,
        imported_at,
    }))
}

pub(super) async fn add_matter(
    store: &PostgresStore,
    election_id: Uuid,
    kind: MatterKind,
    title: &str,
    by: &str,
    now: DateTime<Utc>,
) -> StoreResult<HomeownerMatter> {
    let mut tx = store.pool.begin().await?;
    election_exists(&mut tx, election_id).await?;
    let id = election_id;
    let owners: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM homeowner_owners WHERE election_id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
    if owners == 0 {
        tx.rollback().await?;
        return Err(StoreError::Conflict(NO_REGISTER.into()));
    }
    let number: i32 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(number), 0) + 1 FROM homeowner_matters WHERE election_id = $1",
    )
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    let now = micros(now);
    sqlx::query(
        "INSERT INTO homeowner_matters (election_id, number, kind, title, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(number)
    .bind(kind.as_str())
    .bind(title)
    .bind(by)
    .bind(now)
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
    store: &PostgresStore,
    election_id: Uuid,
) -> StoreResult<Vec<HomeownerMatter>> {
    let rows: Vec<(i32, String, String, String, DateTime<Utc>)> = sqlx::query_as(
        "SELECT number, kind, title, created_by, created_at FROM homeowner_matters \
         WHERE election_id = $1 ORDER BY number",
    )
    .bind(election_id)
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
                created_at,
            })
        })
        .collect()
}

pub(super) async fn record_vote(
    store: &PostgresStore,
    election_id: Uuid,
    matter: u32,
    vote: &Vote,
    by: &str,
    now: DateTime<Utc>,
) -> StoreResult<HomeownerVote> {
    let mut tx = store.pool.begin().await?;
    election_exists(&mut tx, election_id).await?;
    let id = election_id;
    let found: Option<i32> = sqlx::query_scalar(
        "SELECT 1 FROM homeowner_matters WHERE election_id = $1 AND number = $2",
    )
    .bind(id)
    .bind(num(matter)?)
    .fetch_optional(&mut *tx)
    .await?;
    if found.is_none() {
        tx.rollback().await?;
        return Err(StoreError::NotFound(format!("matter {matter}")));
    }
    let owner: Option<i32> =
        sqlx::query_scalar("SELECT 1 FROM homeowner_owners WHERE election_id = $1 AND number = $2")
            .bind(id)
            .bind(num(vote.owner)?)
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
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (election_id, matter, owner) DO NOTHING",
    )
    .bind(id)
    .bind(num(matter)?)
    .bind(num(vote.owner)?)
    .bind(vote.choice.as_str())
    .bind(vote.mode.as_str())
    .bind(by)
    .bind(now)
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
    store: &PostgresStore,
    election_id: Uuid,
    matter: u32,
) -> StoreResult<Vec<HomeownerVote>> {
    let rows: Vec<(i32, String, String, String, DateTime<Utc>)> = sqlx::query_as(
        "SELECT owner, choice, mode, recorded_by, recorded_at FROM homeowner_votes \
         WHERE election_id = $1 AND matter = $2 ORDER BY owner",
    )
    .bind(election_id)
    .bind(num(matter)?)
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
                recorded_at,
            })
        })
        .collect()
}
