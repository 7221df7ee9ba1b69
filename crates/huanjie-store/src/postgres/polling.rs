//! Polling day on PostgreSQL (issue 6). Schema:
//! `migrations/postgres/0007_polling.sql`. A station's steps lock its row
//! (`FOR UPDATE`) before reading the state the core decides on; setting
//! up a station locks the election's row. Storing scans locks the
//! election's row too, so one group of scans is written at a time per
//! election (receipt numbers follow one another; groups mixing stations
//! cannot deadlock); a scan is then one INSERT guarded by "printed and not
//! voided" and `ON CONFLICT DO NOTHING`, the reasons looked up only when
//! it inserts nothing.

use chrono::{DateTime, Utc};
use huanjie_core::polling::{self as rules, Polls, StationKind};
use huanjie_core::profile::PollingRules;
use sqlx::postgres::{PgConnection, PgRow};
use sqlx::Row;
use uuid::Uuid;

use super::nomination::election_exists;
use super::PostgresStore;
use crate::common::{self, micros};
use crate::{
    Change, CountedScan, NewScan, NewStation, PollingStateError, Receipt, Review, ScanOutcome,
    ScanRefusal, Station, StoreError, StoreResult,
};

const STATION_SELECT: &str =
    "SELECT st.code, st.name, st.kind, st.place, st.serves, st.approval, st.polls, st.issued, \
     st.opened_at, st.closed_at, st.created_at, \
     (SELECT count(*) FROM scans AS s WHERE s.election_id = st.election_id \
        AND s.station = st.code) AS scanned \
     FROM stations AS st";

fn station_from_row(row: &PgRow) -> StoreResult<Station> {
    let kind: String = row.try_get("kind")?;
    let polls: String = row.try_get("polls")?;
    Ok(Station {
        code: row.try_get("code")?,
        name: row.try_get("name")?,
        kind: StationKind::parse(&kind)
            .ok_or_else(|| StoreError::Corrupt(format!("station kind {kind}")))?,
        place: row.try_get("place")?,
        serves: row.try_get("serves")?,
        approval: row.try_get("approval")?,
        polls: Polls::parse(&polls)
            .ok_or_else(|| StoreError::Corrupt(format!("polls state {polls}")))?,
        issued: common::count(row.try_get("issued")?)?,
        scanned: common::count(row.try_get("scanned")?)?,
        opened_at: row.try_get("opened_at")?,
        closed_at: row.try_get("closed_at")?,
        created_at: row.try_get("created_at")?,
    })
}

async fn station(
    conn: &mut PgConnection,
    election_id: Uuid,
    code: &str,
) -> StoreResult<Option<Station>> {
    sqlx::query(&format!(
        "{STATION_SELECT} WHERE st.election_id = $1 AND st.code = $2"
    ))
    .bind(election_id)
    .bind(code)
    .fetch_optional(conn)
    .await?
    .map(|row| station_from_row(&row))
    .transpose()
}

pub(super) async fn add_station(
    store: &PostgresStore,
    election_id: Uuid,
    new: &NewStation,
    polling: &PollingRules,
    assembly: bool,
    now: DateTime<Utc>,
) -> StoreResult<Station> {
    let mut tx = store.pool.begin().await?;
    match add_station_in(&mut tx, election_id, new, polling, assembly, now).await {
        Ok(station) => {
            tx.commit().await?;
            Ok(station)
        }
        Err(e) => {
            tx.rollback().await?;
            Err(e)
        }
    }
}

async fn add_station_in(
    tx: &mut PgConnection,
    election_id: Uuid,
    new: &NewStation,
    polling: &PollingRules,
    assembly: bool,
    now: DateTime<Utc>,
) -> StoreResult<Station> {
    // Locks the election: stations are added one at a time.
    election_exists(tx, election_id).await?;
    let existing =
        sqlx::query("SELECT code, name, kind, polls FROM stations WHERE election_id = $1")
            .bind(election_id)
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|row| {
                Ok(common::ExistingStation {
                    code: row.try_get("code")?,
                    name: row.try_get("name")?,
                    kind: row.try_get("kind")?,
                    polls: row.try_get("polls")?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
    let approval = common::check_new_station(&existing, new, polling, assembly)?;
    sqlx::query(
        "INSERT INTO stations (election_id, code, name, kind, approval, created_at, seq, place, serves) \
         VALUES ($1, $2, $3, $4, $5, $6, \
           (SELECT coalesce(max(seq), 0) + 1 FROM stations WHERE election_id = $1), $7, $8)",
    )
    .bind(election_id)
    .bind(&new.code)
    .bind(new.name.trim())
    .bind(new.kind.code())
    .bind(approval)
    .bind(micros(now))
    .bind(new.place.trim())
    .bind(new.serves.trim())
    .execute(&mut *tx)
    .await
    .map_err(|e| common::write_error(e, "station"))?;
    station(tx, election_id, &new.code)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("station {}", new.code)))
}

pub(super) async fn list_stations(
    store: &PostgresStore,
    election_id: Uuid,
) -> StoreResult<Vec<Station>> {
    sqlx::query(&format!(
        "{STATION_SELECT} WHERE st.election_id = $1 ORDER BY st.seq"
    ))
    .bind(election_id)
    .fetch_all(&store.pool)
    .await?
    .iter()
    .map(station_from_row)
    .collect()
}

/// Scrutineers appointed for `station` (R-POLL-2): the appointment names
/// the station in words, by its code or its name. A later round's
/// scrutineers are those approved for the rounds it follows.
async fn scrutineers(
    tx: &mut PgConnection,
    election_id: Uuid,
    station: &Station,
) -> StoreResult<u64> {
    let n: i64 = sqlx::query_scalar(
        "SELECT count(DISTINCT resident) FROM counting_staff \
         WHERE role = 'scrutineer' AND station IN ($2, $3) AND election_id IN ($1, \
           (SELECT parent_id FROM elections WHERE id = $1), \
           (SELECT p.parent_id FROM elections AS e JOIN elections AS p ON p.id = e.parent_id \
            WHERE e.id = $1))",
    )
    .bind(election_id)
    .bind(&station.code)
    .bind(&station.name)
    .fetch_one(&mut *tx)
    .await?;
    common::count(n)
}

/// What a step of the day does to a station, once the core allowed it.
pub(super) enum Step {
    /// With the profile's minimum of scrutineers.
    Open(u32),
    Issue(i64),
    Close,
}

pub(super) async fn step(
    store: &PostgresStore,
    election_id: Uuid,
    code: &str,
    step: Step,
    now: DateTime<Utc>,
) -> StoreResult<Station> {
    let mut tx = store.pool.begin().await?;
    if super::certification::locked(&mut tx, election_id).await? {
        tx.rollback().await?;
        return Err(PollingStateError::Certified.into());
    }
    let locked: Option<String> = sqlx::query_scalar(
        "SELECT code FROM stations WHERE election_id = $1 AND code = $2 FOR UPDATE",
    )
    .bind(election_id)
    .bind(code)
    .fetch_optional(&mut *tx)
    .await?;
    let current = match locked {
        Some(_) => station(&mut tx, election_id, code).await?,
        None => None,
    };
    let Some(current) = current else {
        tx.rollback().await?;
        return Err(StoreError::NotFound(format!("station {code}")));
    };
    let allowed = match step {
        Step::Open(min) => {
            let scrutineers = scrutineers(&mut tx, election_id, &current).await?;
            rules::open(
                current.polls,
                current.issued,
                current.scanned,
                scrutineers,
                min,
            )
            .map(|_| {
            (
                "UPDATE stations SET polls = 'open', opened_at = $1 WHERE election_id = $2 AND code = $3",
                None,
            )
        })
        }
        Step::Issue(delta) => rules::issue(current.polls, current.issued, delta).map(|n| {
            (
                "UPDATE stations SET issued = $1 WHERE election_id = $2 AND code = $3",
                Some(n),
            )
        }),
        Step::Close => rules::close(current.polls).map(|_| {
            (
                "UPDATE stations SET polls = 'closed', closed_at = $1 WHERE election_id = $2 AND code = $3",
                None,
            )
        }),
    };
    let (sql, issued) = match allowed {
        Ok(a) => a,
        Err(refusal) => {
            tx.rollback().await?;
            return Err(PollingStateError::Polls(refusal).into());
        }
    };
    let query = sqlx::query(sql);
    let query = match issued {
        Some(n) => query.bind(i64::try_from(n).unwrap_or(i64::MAX)),
        None => query.bind(micros(now)),
    };
    query.bind(election_id).bind(code).execute(&mut *tx).await?;
    let updated = station(&mut tx, election_id, code)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("station {code}")))?;
    notify(&mut tx, election_id, false).await?;
    tx.commit().await?;
    Ok(updated)
}

/// Tells every process listening (the live count) that `election`
/// changed; PostgreSQL delivers it when the transaction commits, and not
/// at all if it rolls back.
async fn notify(tx: &mut PgConnection, election: Uuid, recount: bool) -> StoreResult<()> {
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(super::CHANGES_CHANNEL)
        .bind(Change { election, recount }.payload())
        .execute(&mut *tx)
        .await?;
    Ok(())
}

fn receipt_from_row(row: &PgRow) -> StoreResult<Receipt> {
    Ok(Receipt {
        station: row.try_get("station")?,
        number: common::count(row.try_get("number")?)?,
        scanned_at: row.try_get("scanned_at")?,
        marks: row.try_get("marks")?,
    })
}

const SCAN_SELECT: &str =
    "SELECT station, number, scanned_at, marks FROM scans WHERE election_id = $1 AND random = $2";

/// A station as a group of scans sees it: may it count, and its last
/// receipt number (read once per group, then counted on here).
struct Counting {
    polls: Option<Polls>,
    last: i64,
}

async fn counting(
    tx: &mut PgConnection,
    election_id: Uuid,
    station: &str,
) -> StoreResult<Counting> {
    let polls: Option<String> =
        sqlx::query_scalar("SELECT polls FROM stations WHERE election_id = $1 AND code = $2")
            .bind(election_id)
            .bind(station)
            .fetch_optional(&mut *tx)
            .await?;
    let polls = polls
        .map(|p| Polls::parse(&p).ok_or_else(|| StoreError::Corrupt(format!("polls state {p}"))))
        .transpose()?;
    let last: i64 = sqlx::query_scalar(
        "SELECT coalesce(max(number), 0)::bigint FROM scans WHERE election_id = $1 AND station = $2",
    )
    .bind(election_id)
    .bind(station)
    .fetch_one(&mut *tx)
    .await?;
    Ok(Counting { polls, last })
}

async fn existing_receipt(
    tx: &mut PgConnection,
    election_id: Uuid,
    random: &[u8; 8],
) -> StoreResult<Option<Receipt>> {
    sqlx::query(SCAN_SELECT)
        .bind(election_id)
        .bind(&random[..])
        .fetch_optional(&mut *tx)
        .await?
        .map(|row| receipt_from_row(&row))
        .transpose()
}

/// One scan. The common case is one statement: an INSERT that happens
/// only if the serial was printed and not voided and is not stored yet;
/// only when it inserts nothing are the reasons looked up.
async fn one_scan(
    tx: &mut PgConnection,
    election_id: Uuid,
    scan: &NewScan,
    at: DateTime<Utc>,
    stations: &mut std::collections::HashMap<String, Counting>,
) -> StoreResult<ScanOutcome> {
    if !stations.contains_key(&scan.station) {
        let c = counting(tx, election_id, &scan.station).await?;
        stations.insert(scan.station.clone(), c);
    }
    let Some(station) = stations.get_mut(&scan.station) else {
        return Ok(ScanOutcome::Refused(ScanRefusal::NoSuchStation));
    };
    let Some(polls) = station.polls else {
        // A ballot stored before is still answered with its receipt.
        return Ok(
            match existing_receipt(tx, election_id, &scan.random).await? {
                Some(r) => common::replayed_or_duplicate(r, scan),
                None => ScanOutcome::Refused(ScanRefusal::NoSuchStation),
            },
        );
    };
    if let Err(refusal) = rules::count(polls) {
        return Ok(
            match existing_receipt(tx, election_id, &scan.random).await? {
                Some(r) => common::replayed_or_duplicate(r, scan),
                None => ScanOutcome::Refused(ScanRefusal::Polls(refusal)),
            },
        );
    }
    let number = station.last + 1;
    let inserted = sqlx::query(
        "INSERT INTO scans (election_id, random, station, number, marks, scanned_by, scanned_at, review) \
         SELECT $1, $2, $3, $4, $5, $6, $7, $8 WHERE EXISTS (SELECT 1 FROM ballot_serials \
           WHERE election_id = $1 AND random = $2 AND voided_at IS NULL) \
         ON CONFLICT (election_id, random) DO NOTHING",
    )
    .bind(election_id)
    .bind(&scan.random[..])
    .bind(&scan.station)
    .bind(number)
    .bind(&scan.marks)
    .bind(&scan.scanned_by)
    .bind(at)
    .bind(&scan.review)
    .execute(&mut *tx)
    .await
    .map_err(|e| common::write_error(e, "scan"))?
    .rows_affected();
    if inserted == 1 {
        station.last = number;
        return Ok(ScanOutcome::Recorded(Receipt {
            station: scan.station.clone(),
            number: common::count(number)?,
            scanned_at: at,
            marks: scan.marks.clone(),
        }));
    }
    if let Some(r) = existing_receipt(tx, election_id, &scan.random).await? {
        return Ok(common::replayed_or_duplicate(r, scan));
    }
    let printed: Option<Option<DateTime<Utc>>> = sqlx::query_scalar(
        "SELECT voided_at FROM ballot_serials WHERE election_id = $1 AND random = $2",
    )
    .bind(election_id)
    .bind(&scan.random[..])
    .fetch_optional(&mut *tx)
    .await?;
    Ok(ScanOutcome::Refused(match printed {
        Some(Some(_)) => ScanRefusal::Voided,
        _ => ScanRefusal::NotPrinted,
    }))
}

pub(super) async fn record_scans(
    store: &PostgresStore,
    election_id: Uuid,
    scans: &[NewScan],
    log: &crate::ScanLogFn<'_>,
    now: DateTime<Utc>,
) -> StoreResult<Vec<ScanOutcome>> {
    let at = micros(now);
    let mut tx = store.pool.begin().await?;
    // One scanning transaction per election at a time, as on SQLite: a
    // group holds scans of several stations (and may meet another group
    // on one serial), so locking station rows as they come deadlocked
    // (found by the conformance suite's concurrent test).
    if let Err(e) = election_exists(&mut tx, election_id).await {
        tx.rollback().await?;
        return match e {
            StoreError::NotFound(_) => Ok(scans
                .iter()
                .map(|_| ScanOutcome::Refused(ScanRefusal::NoSuchStation))
                .collect()),
            other => Err(other),
        };
    }
    if super::certification::locked(&mut tx, election_id).await? {
        tx.rollback().await?;
        return Ok(scans
            .iter()
            .map(|_| ScanOutcome::Refused(ScanRefusal::Certified))
            .collect());
    }
    let mut stations = std::collections::HashMap::new();
    let mut outcomes = Vec::with_capacity(scans.len());
    for scan in scans {
        match one_scan(&mut tx, election_id, scan, at, &mut stations).await {
            Ok(o) => outcomes.push(o),
            Err(e) => {
                tx.rollback().await?;
                return Err(e);
            }
        }
    }
    if outcomes
        .iter()
        .any(|o| matches!(o, ScanOutcome::Recorded(_)))
    {
        notify(&mut tx, election_id, false).await?;
    }
    let entries: Vec<_> = outcomes
        .iter()
        .enumerate()
        .filter_map(|(i, o)| log(i, o))
        .collect();
    if let Err(e) = super::audit::append_in(&mut tx, &entries).await {
        tx.rollback().await?;
        return Err(e);
    }
    tx.commit().await?;
    Ok(outcomes)
}

pub(super) async fn list_scans(
    store: &PostgresStore,
    election_id: Uuid,
) -> StoreResult<Vec<Receipt>> {
    sqlx::query(
        "SELECT s.station, s.number, s.scanned_at, s.marks FROM scans AS s \
         JOIN stations AS st ON st.election_id = s.election_id AND st.code = s.station \
         WHERE s.election_id = $1 ORDER BY st.seq, s.number",
    )
    .bind(election_id)
    .fetch_all(&store.pool)
    .await?
    .iter()
    .map(receipt_from_row)
    .collect()
}

const REVIEW_SELECT: &str = "SELECT s.station, s.number, s.random, b.number AS batch, b.style, \
     s.marks, s.review, s.scanned_at, s.decision, s.decided_by, s.decided_at \
     FROM scans AS s \
     JOIN ballot_serials AS bs ON bs.election_id = s.election_id AND bs.random = s.random \
     JOIN ballot_batches AS b ON b.id = bs.batch_id \
     JOIN stations AS st ON st.election_id = s.election_id AND st.code = s.station";

fn review_from_row(row: &PgRow) -> StoreResult<Review> {
    let random: Vec<u8> = row.try_get("random")?;
    let batch: i32 = row.try_get("batch")?;
    let style: i32 = row.try_get("style")?;
    Ok(Review {
        station: row.try_get("station")?,
        number: common::count(row.try_get("number")?)?,
        random: hex::encode(random),
        batch: u16::try_from(batch).map_err(|_| StoreError::Corrupt(format!("batch {batch}")))?,
        style: u8::try_from(style).map_err(|_| StoreError::Corrupt(format!("style {style}")))?,
        marks: row.try_get("marks")?,
        review: row.try_get("review")?,
        scanned_at: row.try_get("scanned_at")?,
        decision: row.try_get("decision")?,
        decided_by: row.try_get("decided_by")?,
        decided_at: row.try_get("decided_at")?,
    })
}

pub(super) async fn list_reviews(
    store: &PostgresStore,
    election_id: Uuid,
    station: Option<&str>,
) -> StoreResult<Vec<Review>> {
    sqlx::query(&format!(
        "{REVIEW_SELECT} WHERE s.election_id = $1 AND s.review IS NOT NULL \
         AND ($2::text IS NULL OR s.station = $2) ORDER BY st.seq, s.number"
    ))
    .bind(election_id)
    .bind(station)
    .fetch_all(&store.pool)
    .await?
    .iter()
    .map(review_from_row)
    .collect()
}

pub(super) async fn decide_scan(
    store: &PostgresStore,
    election_id: Uuid,
    station: &str,
    number: u64,
    decision: &str,
    by: &str,
    now: DateTime<Utc>,
) -> StoreResult<Review> {
    let number =
        i64::try_from(number).map_err(|_| StoreError::NotFound(format!("scan {number}")))?;
    let mut tx = store.pool.begin().await?;
    // The election's row, as scans lock it: a certification cannot slip
    // in between the check and the decision.
    if let Err(e) = election_exists(&mut tx, election_id).await {
        tx.rollback().await?;
        return Err(e);
    }
    if super::certification::locked(&mut tx, election_id).await? {
        tx.rollback().await?;
        return Err(PollingStateError::Certified.into());
    }
    let updated = sqlx::query(
        "UPDATE scans SET decision = $1, decided_by = $2, decided_at = $3 \
         WHERE election_id = $4 AND station = $5 AND number = $6 \
         AND review IS NOT NULL AND decision IS NULL",
    )
    .bind(decision)
    .bind(by)
    .bind(micros(now))
    .bind(election_id)
    .bind(station)
    .bind(number)
    .execute(&mut *tx)
    .await
    .map_err(|e| common::write_error(e, "decision"))?
    .rows_affected();
    let row = sqlx::query(&format!(
        "{REVIEW_SELECT} WHERE s.election_id = $1 AND s.station = $2 AND s.number = $3"
    ))
    .bind(election_id)
    .bind(station)
    .bind(number)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        tx.rollback().await?;
        return Err(StoreError::NotFound(format!("scan {station}/{number}")));
    };
    if updated != 1 {
        tx.rollback().await?;
        return Err(PollingStateError::NothingToDecide.into());
    }
    let review = review_from_row(&row)?;
    notify(&mut tx, election_id, true).await?;
    tx.commit().await?;
    Ok(review)
}

pub(super) async fn counted_scans(
    store: &PostgresStore,
    election_id: Uuid,
    after: &std::collections::HashMap<String, u64>,
) -> StoreResult<Vec<CountedScan>> {
    // No cursor: every ballot, without looking one up per row.
    let cursor = if after.is_empty() {
        None
    } else {
        Some(serde_json::to_string(after).map_err(|e| StoreError::Corrupt(e.to_string()))?)
    };
    sqlx::query(
        "SELECT s.station, s.number, s.random, \
           CASE WHEN s.decision IS NOT NULL THEN s.decision \
                WHEN s.review IS NULL THEN s.marks END AS counted \
         FROM scans AS s \
         JOIN stations AS st ON st.election_id = s.election_id AND st.code = s.station \
         WHERE s.election_id = $1 \
           AND ($2::text IS NULL OR s.number > coalesce(($2::jsonb ->> s.station)::bigint, 0)) \
         ORDER BY st.seq, s.number",
    )
    .bind(election_id)
    .bind(cursor)
    .fetch_all(&store.pool)
    .await?
    .iter()
    .map(|row| {
        let random: Vec<u8> = row.try_get("random")?;
        Ok(CountedScan {
            station: row.try_get("station")?,
            number: common::count(row.try_get("number")?)?,
            random: random
                .try_into()
                .map_err(|_| StoreError::Corrupt("a scan's random part".into()))?,
            marks: row.try_get("counted")?,
        })
    })
    .collect()
}
