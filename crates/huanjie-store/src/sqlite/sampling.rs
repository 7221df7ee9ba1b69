//! The sampling audit on SQLite (issue 8). Schema:
//! `migrations/sqlite/0012_sampling.sql`. Starting an audit and recording
//! a finding are each one `BEGIN IMMEDIATE` transaction (SQLite's single
//! writer: no scan can be stored between the population check and the
//! audit's insert).

use chrono::{DateTime, Utc};
use sqlx::sqlite::{SqliteConnection, SqliteRow};
use sqlx::Row;
use uuid::Uuid;

use super::nomination::election_exists;
use super::{get_ts, parse_ts, ts, SqliteStore};
use crate::common::{self, micros};
use crate::{
    AuditBallot, Finding, NewFinding, NewSampleAudit, RecordedFinding, SampleAudit, SampledBallot,
    StoreError, StoreResult,
};

fn signed(n: u64, what: &str) -> StoreResult<i64> {
    i64::try_from(n).map_err(|_| StoreError::NotFound(format!("{what} {n}")))
}

pub(super) async fn audit_ballots(
    store: &SqliteStore,
    election_id: Uuid,
) -> StoreResult<Vec<AuditBallot>> {
    sqlx::query(
        "SELECT s.station, s.number, s.random, b.number AS batch, b.style \
         FROM scans AS s \
         JOIN ballot_serials AS bs ON bs.election_id = s.election_id AND bs.random = s.random \
         JOIN ballot_batches AS b ON b.id = bs.batch_id \
         JOIN stations AS st ON st.election_id = s.election_id AND st.code = s.station \
         WHERE s.election_id = ? ORDER BY st.seq, s.number",
    )
    .bind(election_id.to_string())
    .fetch_all(&store.pool)
    .await?
    .iter()
    .map(|row| {
        let random: Vec<u8> = row.try_get("random")?;
        let batch: i64 = row.try_get("batch")?;
        let style: i64 = row.try_get("style")?;
        Ok(AuditBallot {
            station: row.try_get("station")?,
            number: common::count(row.try_get("number")?)?,
            random: random
                .try_into()
                .map_err(|_| StoreError::Corrupt("a scan's random part".into()))?,
            batch: u16::try_from(batch)
                .map_err(|_| StoreError::Corrupt(format!("batch {batch}")))?,
            style: u8::try_from(style)
                .map_err(|_| StoreError::Corrupt(format!("style {style}")))?,
        })
    })
    .collect()
}

pub(super) async fn start(
    store: &SqliteStore,
    election_id: Uuid,
    new: &NewSampleAudit,
    now: DateTime<Utc>,
) -> StoreResult<SampleAudit> {
    let election = election_id.to_string();
    let mut tx = store.pool.begin_with("BEGIN IMMEDIATE").await?;
    match start_in(&mut tx, &election, election_id, new, now).await {
        Ok(number) => {
            tx.commit().await?;
            list(store, election_id, Some(number))
                .await?
                .pop()
                .ok_or_else(|| StoreError::NotFound(format!("sample audit {number}")))
        }
        Err(e) => {
            tx.rollback().await?;
            Err(e)
        }
    }
}

async fn start_in(
    tx: &mut SqliteConnection,
    election: &str,
    election_id: Uuid,
    new: &NewSampleAudit,
    now: DateTime<Utc>,
) -> StoreResult<u64> {
    election_exists(tx, election_id).await?;
    let counted: i64 = sqlx::query_scalar("SELECT count(*) FROM scans WHERE election_id = ?")
        .bind(election)
        .fetch_one(&mut *tx)
        .await?;
    if common::count(counted)? != new.population {
        return Err(StoreError::Conflict(format!(
            "the population changed: {counted} ballots counted, {} drawn from",
            new.population
        )));
    }
    let number: i64 = sqlx::query_scalar(
        "SELECT coalesce(max(number), 0) + 1 FROM sample_audits WHERE election_id = ?",
    )
    .bind(election)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO sample_audits (election_id, number, algorithm, seed, size, population, \
         population_sha256, started_by, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(election)
    .bind(number)
    .bind(&new.algorithm)
    .bind(&new.seed)
    .bind(signed(new.size, "size")?)
    .bind(signed(new.population, "population")?)
    .bind(&new.population_sha256)
    .bind(&new.started_by)
    .bind(ts(micros(now)))
    .execute(&mut *tx)
    .await
    .map_err(|e| common::write_error(e, "sample audit"))?;
    for (i, d) in new.drawn.iter().enumerate() {
        sqlx::query(
            "INSERT INTO sample_draws (election_id, audit, position, serial, random) \
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(election)
        .bind(number)
        .bind(signed(i as u64 + 1, "position")?)
        .bind(&d.serial)
        .bind(&d.random[..])
        .execute(&mut *tx)
        .await
        .map_err(|e| common::write_error(e, "sample draw"))?;
    }
    common::count(number)
}

const AUDIT_SELECT: &str = "SELECT a.number, a.algorithm, a.seed, a.size, a.population, \
     a.population_sha256, a.started_by, a.started_at, \
     (SELECT count(*) FROM sample_findings AS f WHERE f.election_id = a.election_id \
        AND f.audit = a.number AND f.finding = 'match') AS matches, \
     (SELECT count(*) FROM sample_findings AS f WHERE f.election_id = a.election_id \
        AND f.audit = a.number AND f.finding = 'discrepancy') AS discrepancies \
     FROM sample_audits AS a";

fn audit_from_row(row: &SqliteRow) -> StoreResult<SampleAudit> {
    let size = common::count(row.try_get("size")?)?;
    let matches = common::count(row.try_get("matches")?)?;
    let discrepancies = common::count(row.try_get("discrepancies")?)?;
    Ok(SampleAudit {
        number: common::count(row.try_get("number")?)?,
        algorithm: row.try_get("algorithm")?,
        seed: row.try_get("seed")?,
        size,
        population: common::count(row.try_get("population")?)?,
        population_sha256: row.try_get("population_sha256")?,
        started_by: row.try_get("started_by")?,
        started_at: get_ts(row, "started_at")?,
        matches,
        discrepancies,
        pending: size.saturating_sub(matches + discrepancies),
    })
}

/// All audits of the election, or only `number`.
pub(super) async fn list(
    store: &SqliteStore,
    election_id: Uuid,
    number: Option<u64>,
) -> StoreResult<Vec<SampleAudit>> {
    let number = number.map(|n| signed(n, "sample audit")).transpose()?;
    sqlx::query(&format!(
        "{AUDIT_SELECT} WHERE a.election_id = ?1 AND (?2 IS NULL OR a.number = ?2) \
         ORDER BY a.number"
    ))
    .bind(election_id.to_string())
    .bind(number)
    .fetch_all(&store.pool)
    .await?
    .iter()
    .map(audit_from_row)
    .collect()
}

const BALLOT_SELECT: &str = "SELECT d.position, d.serial, s.station, s.number, s.marks, \
     s.review, s.decision, s.decided_by, s.decided_at, \
     f.finding, f.note, f.recorded_by, f.recorded_at \
     FROM sample_draws AS d \
     JOIN scans AS s ON s.election_id = d.election_id AND s.random = d.random \
     LEFT JOIN sample_findings AS f ON f.election_id = d.election_id AND f.audit = d.audit \
        AND f.serial = d.serial";

fn opt_ts(row: &SqliteRow, col: &str) -> StoreResult<Option<DateTime<Utc>>> {
    let v: Option<String> = row.try_get(col)?;
    v.map(|s| parse_ts(&s, col)).transpose()
}

fn ballot_from_row(row: &SqliteRow) -> StoreResult<SampledBallot> {
    let finding: Option<String> = row.try_get("finding")?;
    let finding = match finding {
        None => None,
        Some(f) => Some(RecordedFinding {
            finding: Finding::parse(&f)
                .ok_or_else(|| StoreError::Corrupt(format!("finding {f:?}")))?,
            note: row.try_get("note")?,
            recorded_by: row.try_get("recorded_by")?,
            recorded_at: get_ts(row, "recorded_at")?,
        }),
    };
    Ok(SampledBallot {
        position: common::count(row.try_get("position")?)?,
        serial: row.try_get("serial")?,
        station: row.try_get("station")?,
        number: common::count(row.try_get("number")?)?,
        marks: row.try_get("marks")?,
        review: row.try_get("review")?,
        decision: row.try_get("decision")?,
        decided_by: row.try_get("decided_by")?,
        decided_at: opt_ts(row, "decided_at")?,
        finding,
    })
}

/// An audit's draws in order, or only the one of `serial`.
pub(super) async fn ballots(
    store: &SqliteStore,
    election_id: Uuid,
    number: u64,
    serial: Option<&str>,
) -> StoreResult<Vec<SampledBallot>> {
    let number = signed(number, "sample audit")?;
    sqlx::query(&format!(
        "{BALLOT_SELECT} WHERE d.election_id = ?1 AND d.audit = ?2 \
         AND (?3 IS NULL OR d.serial = ?3) ORDER BY d.position"
    ))
    .bind(election_id.to_string())
    .bind(number)
    .bind(serial)
    .fetch_all(&store.pool)
    .await?
    .iter()
    .map(ballot_from_row)
    .collect()
}

pub(super) async fn record_finding(
    store: &SqliteStore,
    election_id: Uuid,
    number: u64,
    finding: &NewFinding,
    now: DateTime<Utc>,
) -> StoreResult<SampledBallot> {
    let audit = signed(number, "sample audit")?;
    let mut tx = store.pool.begin_with("BEGIN IMMEDIATE").await?;
    let drawn: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM sample_draws WHERE election_id = ? AND audit = ? \
         AND serial = ?)",
    )
    .bind(election_id.to_string())
    .bind(audit)
    .bind(&finding.serial)
    .fetch_one(&mut *tx)
    .await?;
    if !drawn {
        tx.rollback().await?;
        return Err(StoreError::NotFound(format!(
            "sample audit {number} drew no such serial"
        )));
    }
    let inserted = sqlx::query(
        "INSERT INTO sample_findings (election_id, audit, serial, finding, note, recorded_by, \
         recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
    )
    .bind(election_id.to_string())
    .bind(audit)
    .bind(&finding.serial)
    .bind(finding.finding.as_str())
    .bind(&finding.note)
    .bind(&finding.recorded_by)
    .bind(ts(micros(now)))
    .execute(&mut *tx)
    .await
    .map_err(|e| common::write_error(e, "sample finding"))?
    .rows_affected();
    if inserted != 1 {
        tx.rollback().await?;
        return Err(StoreError::Conflict(format!(
            "sample audit {number}: this serial has a finding already"
        )));
    }
    tx.commit().await?;
    ballots(store, election_id, number, Some(&finding.serial))
        .await?
        .pop()
        .ok_or_else(|| StoreError::NotFound(format!("sample audit {number}")))
}
