//! The rest of voter registration on SQLite (R-REG-4..6, R-POLL-4): the
//! mode, publication and its fingerprint, changes, objections, proxies and
//! writing assistants.
//!
//! Schema: `migrations/sqlite/0003_registration.sql`. Every step that
//! changes state is one `BEGIN IMMEDIATE` transaction: it holds SQLite's
//! single write lock from its first statement, so what it reads to decide
//! (the publication, the proxy cap, the next number) cannot change before
//! it commits. Refusals roll back, so nothing of a refused step is written.
//! The logic both adapters share is in `common::registration`.

use chrono::{DateTime, NaiveDate, Utc};
use huanjie_core::profile::RegistrationRules;
use huanjie_core::registration::mode;
use huanjie_core::registration::proxy::{self, ProxyFacts};
use sqlx::sqlite::{SqliteConnection, SqliteRow};
use sqlx::{Connection, Row, Sqlite, Transaction};
use uuid::Uuid;

use super::roll::{
    batch_query, current_roll, insert_sql, resident_from_row, LargeCache, SELECT_COLUMNS,
};
use super::{date, get_ts, get_uuid, parse_date_of, parse_ts, parse_uuid, ts, SqliteStore};
use crate::common::registration::{
    self as shared, Fingerprinter, RESIDENT_JSON_COLUMNS, VOTER_CHUNK, VOTER_LINE_COLUMNS,
};
use crate::common::{self, micros, write_error, RollIds};
use crate::{
    AmendOutcome, Assistant, NewAssistant, NewObjection, NewProxy, NewPublication, Objection,
    ObjectionAnswer, ObjectionDecision, ObjectionStatus, Party, Proxy, ProxyOutcome, Publication,
    PublishOutcome, RegistrationSetup, RegistrationState, Resident, RollAmendment, RollChange,
    RollChangeKind, RollConflict, RollTally, StateError, StoreError, StoreResult,
};

type Tx<'c> = Transaction<'c, Sqlite>;

/// Starts a writing transaction with the write lock held.
async fn write_tx(store: &SqliteStore) -> StoreResult<Tx<'static>> {
    Ok(store.pool.begin_with("BEGIN IMMEDIATE").await?)
}

/// Rolls `tx` back and returns `err`.
async fn refuse<T>(tx: Tx<'_>, err: impl Into<StoreError>) -> StoreResult<T> {
    tx.rollback().await?;
    Err(err.into())
}

/// The election's round (`election_day`, `body_kind`); `NotFound` if it
/// does not exist.
async fn round(conn: &mut SqliteConnection, election_id: Uuid) -> StoreResult<(String, String)> {
    let row = sqlx::query("SELECT election_day, body_kind FROM elections WHERE id = ?")
        .bind(election_id.to_string())
        .fetch_optional(conn)
        .await?;
    match row {
        Some(row) => Ok((row.try_get("election_day")?, row.try_get("body_kind")?)),
        None => Err(StoreError::NotFound(format!("election {election_id}"))),
    }
}

async fn setup_of(
    conn: &mut SqliteConnection,
    election_id: Uuid,
) -> StoreResult<RegistrationSetup> {
    let row = sqlx::query("SELECT mode, voluntary FROM registration_setups WHERE election_id = ?")
        .bind(election_id.to_string())
        .fetch_optional(conn)
        .await?;
    match row {
        Some(row) => Ok(RegistrationSetup {
            mode: shared::mode(row.try_get("mode")?)?,
            voluntary: row.try_get("voluntary")?,
        }),
        None => Ok(RegistrationSetup::default()),
    }
}

const PUBLICATION_COLUMNS: &str = "published_at, published_on, published_by, late_days, mode, \
     voluntary, voters, registered, fingerprint, current_fingerprint, changes";

fn publication_from_row(row: &SqliteRow) -> StoreResult<Publication> {
    let on: String = row.try_get("published_on")?;
    let late: Option<i64> = row.try_get("late_days")?;
    Ok(Publication {
        published_at: get_ts(row, "published_at")?,
        published_on: parse_date_of(&on, "published on")?,
        published_by: row.try_get("published_by")?,
        late_days: late.map(|d| shared::small(d, "late days")).transpose()?,
        setup: RegistrationSetup {
            mode: shared::mode(row.try_get("mode")?)?,
            voluntary: row.try_get("voluntary")?,
        },
        voters: common::count(row.try_get("voters")?)?,
        registered: common::count(row.try_get("registered")?)?,
        fingerprint: row.try_get("fingerprint")?,
        current_fingerprint: row.try_get("current_fingerprint")?,
        changes: shared::small(row.try_get("changes")?, "changes")?,
    })
}

async fn publication_of(
    conn: &mut SqliteConnection,
    election_id: Uuid,
) -> StoreResult<Option<Publication>> {
    let sql = format!("SELECT {PUBLICATION_COLUMNS} FROM publications WHERE election_id = ?");
    let row = sqlx::query(&sql)
        .bind(election_id.to_string())
        .fetch_optional(conn)
        .await?;
    row.map(|r| publication_from_row(&r)).transpose()
}

async fn is_published(conn: &mut SqliteConnection, election_id: Uuid) -> StoreResult<bool> {
    Ok(
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM publications WHERE election_id = ?)")
            .bind(election_id.to_string())
            .fetch_one(conn)
            .await?,
    )
}

/// One resident of roll `roll` by record id.
async fn resident_on_roll(
    conn: &mut SqliteConnection,
    election_id: Uuid,
    roll: i64,
    imported_at: DateTime<Utc>,
    id: Uuid,
) -> StoreResult<Option<Resident>> {
    let sql = format!("SELECT {SELECT_COLUMNS} FROM residents WHERE id = ? AND roll = ?");
    let row = sqlx::query(&sql)
        .bind(id.to_string())
        .bind(roll)
        .fetch_optional(conn)
        .await?;
    row.map(|r| resident_from_row(&r, election_id, imported_at))
        .transpose()
}

pub(super) async fn get_resident(
    store: &SqliteStore,
    election_id: Uuid,
    id: Uuid,
) -> StoreResult<Option<Resident>> {
    let mut tx = store.pool.begin().await?;
    let found = match current_roll(&mut tx, election_id).await? {
        Some((roll, imported_at)) => {
            resident_on_roll(&mut tx, election_id, roll, imported_at, id).await?
        }
        None => None,
    };
    tx.commit().await?;
    Ok(found)
}

// --- setup, tally, publication ---------------------------------------------------

pub(super) async fn state(
    store: &SqliteStore,
    election_id: Uuid,
) -> StoreResult<RegistrationState> {
    let mut tx = store.pool.begin().await?;
    round(&mut tx, election_id).await?;
    let setup = setup_of(&mut tx, election_id).await?;
    let publication = publication_of(&mut tx, election_id).await?;
    tx.commit().await?;
    Ok(RegistrationState { setup, publication })
}

pub(super) async fn set_setup(
    store: &SqliteStore,
    election_id: Uuid,
    setup: &RegistrationSetup,
) -> StoreResult<()> {
    let mut tx = write_tx(store).await?;
    if let Err(e) = round(&mut tx, election_id).await {
        return refuse(tx, e).await;
    }
    if is_published(&mut tx, election_id).await? {
        return refuse(tx, StateError::AlreadyPublished).await;
    }
    sqlx::query(
        "INSERT INTO registration_setups (election_id, mode, voluntary) VALUES (?, ?, ?) \
         ON CONFLICT (election_id) DO UPDATE \
         SET mode = excluded.mode, voluntary = excluded.voluntary",
    )
    .bind(election_id.to_string())
    .bind(setup.mode.code())
    .bind(setup.voluntary)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// `?1`: the roll.
const SCOPE: &str = "roll = ?1";

/// The first households of `groups` with no or several representatives.
async fn household_examples(
    conn: &mut SqliteConnection,
    roll: i64,
    groups: &[String],
    several: bool,
) -> StoreResult<Vec<String>> {
    if groups.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders = (2..groups.len() + 2)
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = shared::household_examples_sql(SCOPE, &placeholders, several);
    let mut q = sqlx::query(&sql).bind(roll);
    for g in groups {
        q = q.bind(g);
    }
    let rows = q.fetch_all(conn).await?;
    rows.iter()
        .map(|r| {
            let group: String = r.try_get("group_name")?;
            let household: String = r.try_get("household")?;
            Ok(shared::household_label(&group, &household))
        })
        .collect()
}

/// The tally of roll `roll`: one grouped pass over the roll, then the
/// examples from the few groups that hold them.
async fn tally_on(conn: &mut SqliteConnection, roll: i64) -> StoreResult<RollTally> {
    let rows = sqlx::query(&shared::tally_groups_sql(SCOPE))
        .bind(roll)
        .fetch_all(&mut *conn)
        .await?;
    let groups = rows
        .iter()
        .map(shared::group_row)
        .collect::<StoreResult<Vec<_>>>()?;
    let mut tally = shared::tally_from_groups(&groups)?;
    let without = shared::example_groups(&groups, |g| g.without_rep);
    tally.households_without_representative.1 =
        household_examples(conn, roll, &without, false).await?;
    let several = shared::example_groups(&groups, |g| g.several_reps);
    tally.households_with_several_representatives.1 =
        household_examples(conn, roll, &several, true).await?;
    if tally.representatives_not_voters.0 > 0 {
        let rows: Vec<i64> = sqlx::query_scalar(&shared::reps_not_voters_sql(SCOPE))
            .bind(roll)
            .fetch_all(&mut *conn)
            .await?;
        tally.representatives_not_voters.1 = rows
            .into_iter()
            .map(common::file_row)
            .collect::<StoreResult<_>>()?;
    }
    Ok(tally)
}

pub(super) async fn tally(store: &SqliteStore, election_id: Uuid) -> StoreResult<RollTally> {
    let mut conn = LargeCache::acquire(store).await?;
    let outcome = tally_of(&mut conn, election_id).await;
    conn.release().await;
    outcome
}

async fn tally_of(conn: &mut SqliteConnection, election_id: Uuid) -> StoreResult<RollTally> {
    let mut tx = conn.begin().await?;
    let tally = match current_roll(&mut tx, election_id).await? {
        Some((roll, _)) => tally_on(&mut tx, roll).await?,
        None => RollTally::default(),
    };
    tx.commit().await?;
    Ok(tally)
}

/// The next chunk of roll `?2`'s voter list after resident ID `?1`, at
/// most `?3` voters, as one JSON array (see `VOTER_CHUNK`), read along
/// `residents_resident_id_unique` (named, so that SQLite never sorts the
/// whole roll for each chunk instead). `what` is the JSON of one voter.
fn voter_chunk_sql(what: &str) -> String {
    format!(
        "SELECT json_group_array({what} ORDER BY resident_id) AS chunk FROM ( \
             SELECT * FROM residents INDEXED BY residents_resident_id_unique \
             WHERE resident_id > ?1 AND roll = ?2 AND exclusion IS NULL \
             ORDER BY resident_id LIMIT ?3)"
    )
}

/// The fingerprint of roll `roll`'s voter list, and how many voters it has.
async fn fingerprint_on(conn: &mut SqliteConnection, roll: i64) -> StoreResult<(String, u64)> {
    let sql = voter_chunk_sql(&format!("json_array({VOTER_LINE_COLUMNS})"));
    let mut fp = Fingerprinter::new();
    loop {
        let chunk: Option<String> = sqlx::query_scalar(&sql)
            .bind(fp.last_id.clone())
            .bind(roll)
            .bind(VOTER_CHUNK)
            .fetch_one(&mut *conn)
            .await?;
        if shared::last_chunk(fp.push_json(chunk.as_deref())?) {
            break;
        }
    }
    let voters = fp.voters();
    Ok((fp.finish(), voters))
}

pub(super) async fn publish(
    store: &SqliteStore,
    election_id: Uuid,
    rules: &RegistrationRules,
    new: &NewPublication,
    now: DateTime<Utc>,
) -> StoreResult<PublishOutcome> {
    let mut conn = LargeCache::acquire(store).await?;
    let outcome = publish_on(&mut conn, election_id, rules, new, now).await;
    conn.release().await;
    outcome
}

async fn publish_on(
    conn: &mut SqliteConnection,
    election_id: Uuid,
    rules: &RegistrationRules,
    new: &NewPublication,
    now: DateTime<Utc>,
) -> StoreResult<PublishOutcome> {
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
    if let Err(e) = round(&mut tx, election_id).await {
        return refuse(tx, e).await;
    }
    if is_published(&mut tx, election_id).await? {
        return refuse(tx, StateError::AlreadyPublished).await;
    }
    let Some((roll, _)) = current_roll(&mut tx, election_id).await? else {
        return refuse(tx, StateError::NoRoll).await;
    };
    let setup = setup_of(&mut tx, election_id).await?;
    let tally = tally_on(&mut tx, roll).await?;
    let base = mode::base(&tally, setup.mode, setup.voluntary, rules);
    if !base.problems.is_empty() {
        tx.rollback().await?;
        return Ok(PublishOutcome::Problems(base));
    }
    let (fingerprint, voters) = fingerprint_on(&mut tx, roll).await?;
    let publication = Publication {
        published_at: micros(now),
        published_on: new.published_on,
        published_by: new.published_by.clone(),
        late_days: new.late_days,
        setup,
        voters,
        registered: base.registered,
        current_fingerprint: fingerprint.clone(),
        fingerprint,
        changes: 0,
    };
    sqlx::query(&format!(
        "INSERT INTO publications (election_id, {PUBLICATION_COLUMNS}) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    ))
    .bind(election_id.to_string())
    .bind(ts(publication.published_at))
    .bind(date(publication.published_on))
    .bind(&publication.published_by)
    .bind(publication.late_days.map(i64::from))
    .bind(publication.setup.mode.code())
    .bind(publication.setup.voluntary)
    .bind(i64::try_from(voters).unwrap_or(i64::MAX))
    .bind(i64::try_from(publication.registered).unwrap_or(i64::MAX))
    .bind(&publication.fingerprint)
    .bind(&publication.current_fingerprint)
    .bind(0_i64)
    .execute(&mut *tx)
    .await
    .map_err(|e| write_error(e, &format!("publication of election {election_id}")))?;
    tx.commit().await?;
    Ok(PublishOutcome::Published(publication))
}

pub(super) async fn voter_list(
    store: &SqliteStore,
    election_id: Uuid,
) -> StoreResult<Vec<Resident>> {
    let mut conn = LargeCache::acquire(store).await?;
    let outcome = voter_list_on(&mut conn, election_id).await;
    conn.release().await;
    outcome
}

async fn voter_list_on(
    conn: &mut SqliteConnection,
    election_id: Uuid,
) -> StoreResult<Vec<Resident>> {
    let mut tx = conn.begin().await?;
    let Some((roll, imported_at)) = current_roll(&mut tx, election_id).await? else {
        tx.commit().await?;
        return Ok(Vec::new());
    };
    let sql = voter_chunk_sql(&format!("json_array({RESIDENT_JSON_COLUMNS})"));
    let mut list: Vec<Resident> = Vec::new();
    loop {
        let after = list
            .last()
            .map(|r| r.resident_id.clone())
            .unwrap_or_default();
        let chunk: Option<String> = sqlx::query_scalar(&sql)
            .bind(after)
            .bind(roll)
            .bind(VOTER_CHUNK)
            .fetch_one(&mut *tx)
            .await?;
        let residents = shared::residents(chunk.as_deref(), election_id, imported_at)?;
        let last = shared::last_chunk(residents.len());
        list.extend(residents);
        if last {
            break;
        }
    }
    tx.commit().await?;
    Ok(list)
}

// --- changes -----------------------------------------------------------------------

/// What a change needs to know of its election.
struct Roll {
    election_id: Uuid,
    roll: i64,
    imported_at: DateTime<Utc>,
    day: String,
    kind: String,
    published: bool,
}

/// The election's roll for a change (inside the write transaction).
/// `NotFound` for an unknown election, `State(NoRoll)` without a roll.
async fn roll_for_change(conn: &mut SqliteConnection, election_id: Uuid) -> StoreResult<Roll> {
    let (day, kind) = round(conn, election_id).await?;
    let Some((roll, imported_at)) = current_roll(conn, election_id).await? else {
        return Err(StateError::NoRoll.into());
    };
    let published = is_published(conn, election_id).await?;
    Ok(Roll {
        election_id,
        roll,
        imported_at,
        day,
        kind,
        published,
    })
}

/// R-REG-3: the other elections of the round where `resident_id` is a voter.
async fn voter_elsewhere(
    conn: &mut SqliteConnection,
    roll: &Roll,
    file_row: u32,
    resident_id: &str,
) -> StoreResult<Vec<RollConflict>> {
    let rows = sqlx::query(
        "SELECT e.id AS other_id, e.title AS other_title \
         FROM residents AS o \
         JOIN rolls AS r ON r.roll = o.roll \
         JOIN elections AS e ON e.id = r.election_id \
         WHERE o.resident_id = ? AND o.roll <> ? AND o.exclusion IS NULL \
           AND e.election_day = ? AND e.body_kind = ? \
         ORDER BY e.title, e.id",
    )
    .bind(resident_id)
    .bind(roll.roll)
    .bind(&roll.day)
    .bind(&roll.kind)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(RollConflict {
                row: file_row,
                resident_id: resident_id.to_owned(),
                other_election_id: get_uuid(row, "other_id")?,
                other_election_title: row.try_get("other_title")?,
            })
        })
        .collect()
}

/// Applies `change` to the roll and records it (see `Store::amend_roll`).
/// `Ok(Err(conflicts))` when R-REG-3 refuses it: the caller rolls back.
async fn apply_change(
    conn: &mut SqliteConnection,
    roll: &Roll,
    change: &RollChangeKind,
    reason: &str,
    author: &str,
    objection: Option<Uuid>,
    now: DateTime<Utc>,
) -> StoreResult<Result<RollChange, Vec<RollConflict>>> {
    let election_id = roll.election_id;
    let (kind, resident, resident_id, resident_name, fields) = match change {
        RollChangeKind::Add { resident: new } => {
            let on_roll: bool = sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM residents WHERE resident_id = ? AND roll = ?)",
            )
            .bind(&new.resident_id)
            .bind(roll.roll)
            .fetch_one(&mut *conn)
            .await?;
            if on_roll {
                return Err(StoreError::Conflict(format!(
                    "resident {} is already on the roll of election {election_id}",
                    huanjie_core::resident_id::mask(&new.resident_id)
                )));
            }
            if new.is_voter() {
                let conflicts = voter_elsewhere(conn, roll, new.row, &new.resident_id).await?;
                if !conflicts.is_empty() {
                    return Ok(Err(conflicts));
                }
            }
            // The id the statement gives the resident: the generator's
            // next one.
            let mut ids = RollIds::new(now);
            let id = ids.clone().next_id();
            let sql = insert_sql(1);
            batch_query(&sql, &[new], &mut ids, roll.roll)
                .execute(&mut *conn)
                .await
                .map_err(|e| write_error(e, &format!("roll of election {election_id}")))?;
            (
                "add",
                id,
                new.resident_id.clone(),
                new.name.clone(),
                shared::added_fields(new),
            )
        }
        RollChangeKind::Edit { resident, edit } => {
            if edit.is_empty() {
                return Err(StateError::Empty("edit").into());
            }
            let Some(current) =
                resident_on_roll(conn, election_id, roll.roll, roll.imported_at, *resident).await?
            else {
                return Err(StoreError::NotFound(format!(
                    "resident {resident} on the roll of election {election_id}"
                )));
            };
            let (next, fields) = shared::apply_edit(&current, edit);
            if fields.is_empty() {
                return Err(StateError::Empty("edit").into());
            }
            if current.exclusion.is_some() && next.exclusion.is_none() {
                let conflicts =
                    voter_elsewhere(conn, roll, current.row, &current.resident_id).await?;
                if !conflicts.is_empty() {
                    return Ok(Err(conflicts));
                }
            }
            sqlx::query(
                "UPDATE residents SET name = ?, group_name = ?, household = ?, address = ?, \
                 exclusion = ?, waived = ?, voluntary = ?, household_representative = ?, \
                 residents_representative = ? WHERE id = ? AND roll = ?",
            )
            .bind(&next.name)
            .bind(&next.group)
            .bind(&next.household)
            .bind(&next.address)
            .bind(&next.exclusion)
            .bind(next.waived)
            .bind(next.voluntary)
            .bind(next.household_representative)
            .bind(next.residents_representative)
            .bind(resident.to_string())
            .bind(roll.roll)
            .execute(&mut *conn)
            .await
            .map_err(|e| write_error(e, &format!("resident {resident}")))?;
            ("edit", *resident, next.resident_id, next.name, fields)
        }
    };
    let seq: i64 = sqlx::query_scalar(
        "SELECT coalesce(max(seq), 0) + 1 FROM roll_changes WHERE election_id = ?",
    )
    .bind(election_id.to_string())
    .fetch_one(&mut *conn)
    .await?;
    let fingerprint_after = if roll.published {
        let (fp, _) = fingerprint_on(conn, roll.roll).await?;
        sqlx::query(
            "UPDATE publications SET current_fingerprint = ?, changes = changes + 1 \
             WHERE election_id = ?",
        )
        .bind(&fp)
        .bind(election_id.to_string())
        .execute(&mut *conn)
        .await?;
        Some(fp)
    } else {
        None
    };
    let recorded = RollChange {
        id: Uuid::new_v4(),
        election_id,
        seq: shared::small(seq, "change number")?,
        at: micros(now),
        author: author.to_owned(),
        reason: reason.to_owned(),
        objection,
        kind: kind.to_owned(),
        resident,
        resident_id,
        resident_name,
        fields,
        fingerprint_after,
    };
    sqlx::query(
        "INSERT INTO roll_changes (id, election_id, seq, at, author, reason, objection, kind, \
         resident, resident_id, resident_name, fields, fingerprint_after) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(recorded.id.to_string())
    .bind(election_id.to_string())
    .bind(seq)
    .bind(ts(recorded.at))
    .bind(&recorded.author)
    .bind(&recorded.reason)
    .bind(objection.map(|o| o.to_string()))
    .bind(kind)
    .bind(resident.to_string())
    .bind(&recorded.resident_id)
    .bind(&recorded.resident_name)
    .bind(shared::fields_json(&recorded.fields)?)
    .bind(&recorded.fingerprint_after)
    .execute(&mut *conn)
    .await
    .map_err(|e| write_error(e, &format!("change to the roll of election {election_id}")))?;
    Ok(Ok(recorded))
}

pub(super) async fn amend(
    store: &SqliteStore,
    election_id: Uuid,
    amendment: &RollAmendment,
    now: DateTime<Utc>,
) -> StoreResult<AmendOutcome> {
    let mut conn = LargeCache::acquire(store).await?;
    let outcome = amend_on(&mut conn, election_id, amendment, now).await;
    conn.release().await;
    outcome
}

async fn amend_on(
    conn: &mut SqliteConnection,
    election_id: Uuid,
    amendment: &RollAmendment,
    now: DateTime<Utc>,
) -> StoreResult<AmendOutcome> {
    shared::not_empty(&amendment.reason, "reason")?;
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
    let roll = match roll_for_change(&mut tx, election_id).await {
        Ok(roll) => roll,
        Err(e) => return refuse(tx, e).await,
    };
    if let Some(objection) = amendment.objection {
        let belongs: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM objections WHERE id = ? AND election_id = ?)",
        )
        .bind(objection.to_string())
        .bind(election_id.to_string())
        .fetch_one(&mut *tx)
        .await?;
        if !belongs {
            return refuse(
                tx,
                StoreError::NotFound(format!("objection {objection} of election {election_id}")),
            )
            .await;
        }
    }
    let applied = apply_change(
        &mut tx,
        &roll,
        &amendment.change,
        &amendment.reason,
        &amendment.author,
        amendment.objection,
        now,
    )
    .await;
    match applied {
        Ok(Ok(change)) => {
            tx.commit().await?;
            Ok(AmendOutcome::Amended(change))
        }
        Ok(Err(conflicts)) => {
            tx.rollback().await?;
            Ok(AmendOutcome::Conflicts(conflicts))
        }
        Err(e) => refuse(tx, e).await,
    }
}

const CHANGE_COLUMNS: &str = "id, election_id, seq, at, author, reason, objection, kind, \
     resident, resident_id, resident_name, fields, fingerprint_after";

fn change_from_row(row: &SqliteRow) -> StoreResult<RollChange> {
    let objection: Option<String> = row.try_get("objection")?;
    let fields: String = row.try_get("fields")?;
    Ok(RollChange {
        id: get_uuid(row, "id")?,
        election_id: get_uuid(row, "election_id")?,
        seq: shared::small(row.try_get("seq")?, "change number")?,
        at: get_ts(row, "at")?,
        author: row.try_get("author")?,
        reason: row.try_get("reason")?,
        objection: objection.map(|o| parse_uuid(&o, "objection")).transpose()?,
        kind: row.try_get("kind")?,
        resident: get_uuid(row, "resident")?,
        resident_id: row.try_get("resident_id")?,
        resident_name: row.try_get("resident_name")?,
        fields: shared::parse_fields(&fields)?,
        fingerprint_after: row.try_get("fingerprint_after")?,
    })
}

pub(super) async fn changes(
    store: &SqliteStore,
    election_id: Uuid,
) -> StoreResult<Vec<RollChange>> {
    let sql =
        format!("SELECT {CHANGE_COLUMNS} FROM roll_changes WHERE election_id = ? ORDER BY seq");
    let rows = sqlx::query(&sql)
        .bind(election_id.to_string())
        .fetch_all(&store.pool)
        .await?;
    rows.iter().map(change_from_row).collect()
}

// --- objections ---------------------------------------------------------------------

const OBJECTION_COLUMNS: &str = "id, election_id, number, lodged_on, lodged_at, lodger, \
     subject_resident, subject, kind, claim, recorded_by, status, decision, decided_at, \
     decided_by, change, answered_on, answered_at, answered_by, answer_late";

fn opt_uuid(row: &SqliteRow, col: &str) -> StoreResult<Option<Uuid>> {
    let s: Option<String> = row.try_get(col)?;
    s.map(|s| parse_uuid(&s, col)).transpose()
}

fn opt_ts(row: &SqliteRow, col: &str) -> StoreResult<Option<DateTime<Utc>>> {
    let s: Option<String> = row.try_get(col)?;
    s.map(|s| parse_ts(&s, col)).transpose()
}

fn opt_date(row: &SqliteRow, col: &str) -> StoreResult<Option<NaiveDate>> {
    let s: Option<String> = row.try_get(col)?;
    s.map(|s| parse_date_of(&s, col)).transpose()
}

fn objection_from_row(row: &SqliteRow) -> StoreResult<Objection> {
    let lodged_on: String = row.try_get("lodged_on")?;
    Ok(Objection {
        id: get_uuid(row, "id")?,
        election_id: get_uuid(row, "election_id")?,
        number: shared::small(row.try_get("number")?, "objection number")?,
        lodged_on: parse_date_of(&lodged_on, "lodged on")?,
        lodged_at: get_ts(row, "lodged_at")?,
        lodger: row.try_get("lodger")?,
        subject_resident: opt_uuid(row, "subject_resident")?,
        subject: row.try_get("subject")?,
        kind: shared::objection_kind(row.try_get("kind")?)?,
        claim: row.try_get("claim")?,
        recorded_by: row.try_get("recorded_by")?,
        status: shared::objection_status(row.try_get("status")?)?,
        decision: row.try_get("decision")?,
        decided_at: opt_ts(row, "decided_at")?,
        decided_by: row.try_get("decided_by")?,
        change: opt_uuid(row, "change")?,
        answered_on: opt_date(row, "answered_on")?,
        answered_at: opt_ts(row, "answered_at")?,
        answered_by: row.try_get("answered_by")?,
        answer_late: row.try_get("answer_late")?,
    })
}

async fn objection_by_id(conn: &mut SqliteConnection, id: Uuid) -> StoreResult<Option<Objection>> {
    let sql = format!("SELECT {OBJECTION_COLUMNS} FROM objections WHERE id = ?");
    let row = sqlx::query(&sql)
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?;
    row.map(|r| objection_from_row(&r)).transpose()
}

pub(super) async fn lodge(
    store: &SqliteStore,
    election_id: Uuid,
    new: &NewObjection,
    now: DateTime<Utc>,
) -> StoreResult<Objection> {
    shared::not_empty(&new.claim, "claim")?;
    let mut tx = write_tx(store).await?;
    if let Err(e) = round(&mut tx, election_id).await {
        return refuse(tx, e).await;
    }
    if !is_published(&mut tx, election_id).await? {
        return refuse(tx, StateError::NotPublished).await;
    }
    if let Some(subject) = new.subject_resident {
        let on_roll = match current_roll(&mut tx, election_id).await? {
            Some((roll, at)) => resident_on_roll(&mut tx, election_id, roll, at, subject)
                .await?
                .is_some(),
            None => false,
        };
        if !on_roll {
            return refuse(
                tx,
                StoreError::NotFound(format!(
                    "resident {subject} on the roll of election {election_id}"
                )),
            )
            .await;
        }
    }
    let number: i64 = sqlx::query_scalar(
        "SELECT coalesce(max(number), 0) + 1 FROM objections WHERE election_id = ?",
    )
    .bind(election_id.to_string())
    .fetch_one(&mut *tx)
    .await?;
    let objection = Objection {
        id: Uuid::new_v4(),
        election_id,
        number: shared::small(number, "objection number")?,
        lodged_on: new.lodged_on,
        lodged_at: micros(now),
        lodger: new.lodger.clone(),
        subject_resident: new.subject_resident,
        subject: new.subject.clone(),
        kind: new.kind,
        claim: new.claim.clone(),
        recorded_by: new.recorded_by.clone(),
        status: ObjectionStatus::Lodged,
        decision: None,
        decided_at: None,
        decided_by: None,
        change: None,
        answered_on: None,
        answered_at: None,
        answered_by: None,
        answer_late: None,
    };
    sqlx::query(
        "INSERT INTO objections (id, election_id, number, lodged_on, lodged_at, lodger, \
         subject_resident, subject, kind, claim, recorded_by, status) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(objection.id.to_string())
    .bind(election_id.to_string())
    .bind(number)
    .bind(date(objection.lodged_on))
    .bind(ts(objection.lodged_at))
    .bind(&objection.lodger)
    .bind(objection.subject_resident.map(|s| s.to_string()))
    .bind(&objection.subject)
    .bind(objection.kind.code())
    .bind(&objection.claim)
    .bind(&objection.recorded_by)
    .bind(objection.status.code())
    .execute(&mut *tx)
    .await
    .map_err(|e| write_error(e, &format!("objection to election {election_id}")))?;
    tx.commit().await?;
    Ok(objection)
}

pub(super) async fn list_objections(
    store: &SqliteStore,
    election_id: Uuid,
) -> StoreResult<Vec<Objection>> {
    let sql =
        format!("SELECT {OBJECTION_COLUMNS} FROM objections WHERE election_id = ? ORDER BY number");
    let rows = sqlx::query(&sql)
        .bind(election_id.to_string())
        .fetch_all(&store.pool)
        .await?;
    rows.iter().map(objection_from_row).collect()
}

pub(super) async fn get_objection(store: &SqliteStore, id: Uuid) -> StoreResult<Option<Objection>> {
    let mut conn = store.pool.acquire().await?;
    objection_by_id(&mut conn, id).await
}

pub(super) async fn decide(
    store: &SqliteStore,
    id: Uuid,
    decision: &ObjectionDecision,
    now: DateTime<Utc>,
) -> StoreResult<Result<Objection, Vec<RollConflict>>> {
    let mut conn = LargeCache::acquire(store).await?;
    let outcome = decide_on(&mut conn, id, decision, now).await;
    conn.release().await;
    outcome
}

async fn decide_on(
    conn: &mut SqliteConnection,
    id: Uuid,
    decision: &ObjectionDecision,
    now: DateTime<Utc>,
) -> StoreResult<Result<Objection, Vec<RollConflict>>> {
    shared::not_empty(&decision.reason, "reason")?;
    shared::rejection_changes_nothing(decision.upheld, decision.change.is_some())?;
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
    let Some(mut objection) = objection_by_id(&mut tx, id).await? else {
        return refuse(tx, StoreError::NotFound(format!("objection {id}"))).await;
    };
    if let Err(e) = shared::decidable(objection.status) {
        return refuse(tx, e).await;
    }
    let mut change = None;
    if let Some(kind) = &decision.change {
        let roll = match roll_for_change(&mut tx, objection.election_id).await {
            Ok(roll) => roll,
            Err(e) => return refuse(tx, e).await,
        };
        let applied = apply_change(
            &mut tx,
            &roll,
            kind,
            &decision.reason,
            &decision.by,
            Some(id),
            now,
        )
        .await;
        match applied {
            Ok(Ok(c)) => change = Some(c.id),
            Ok(Err(conflicts)) => {
                tx.rollback().await?;
                return Ok(Err(conflicts));
            }
            Err(e) => return refuse(tx, e).await,
        }
    }
    objection.status = if decision.upheld {
        ObjectionStatus::Upheld
    } else {
        ObjectionStatus::Rejected
    };
    objection.decision = Some(decision.reason.clone());
    objection.decided_at = Some(micros(now));
    objection.decided_by = Some(decision.by.clone());
    objection.change = change;
    sqlx::query(
        "UPDATE objections SET status = ?, decision = ?, decided_at = ?, decided_by = ?, \
         change = ? WHERE id = ?",
    )
    .bind(objection.status.code())
    .bind(&objection.decision)
    .bind(objection.decided_at.map(ts))
    .bind(&objection.decided_by)
    .bind(change.map(|c| c.to_string()))
    .bind(id.to_string())
    .execute(&mut *tx)
    .await
    .map_err(|e| write_error(e, &format!("objection {id}")))?;
    tx.commit().await?;
    Ok(Ok(objection))
}

pub(super) async fn answer(
    store: &SqliteStore,
    id: Uuid,
    answer: &ObjectionAnswer,
    now: DateTime<Utc>,
) -> StoreResult<Objection> {
    let mut tx = write_tx(store).await?;
    let Some(mut objection) = objection_by_id(&mut tx, id).await? else {
        return refuse(tx, StoreError::NotFound(format!("objection {id}"))).await;
    };
    if let Err(e) = shared::answerable(objection.status, objection.answered_at.is_some()) {
        return refuse(tx, e).await;
    }
    objection.answered_on = Some(answer.answered_on);
    objection.answered_at = Some(micros(now));
    objection.answered_by = Some(answer.by.clone());
    objection.answer_late = Some(answer.late);
    sqlx::query(
        "UPDATE objections SET answered_on = ?, answered_at = ?, answered_by = ?, \
         answer_late = ? WHERE id = ?",
    )
    .bind(date(answer.answered_on))
    .bind(objection.answered_at.map(ts))
    .bind(&answer.by)
    .bind(answer.late)
    .bind(id.to_string())
    .execute(&mut *tx)
    .await
    .map_err(|e| write_error(e, &format!("objection {id}")))?;
    tx.commit().await?;
    Ok(objection)
}

// --- proxies and writing assistants -----------------------------------------------------

/// Unrevoked proxies of the election with `column` (`grantor` or `proxy`)
/// equal to the resident.
async fn standing(
    conn: &mut SqliteConnection,
    election_id: Uuid,
    column: &str,
    resident: Uuid,
) -> StoreResult<u32> {
    let n: i64 = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM proxies \
         WHERE election_id = ? AND {column} = ? AND revoked_at IS NULL"
    ))
    .bind(election_id.to_string())
    .bind(resident.to_string())
    .fetch_one(conn)
    .await?;
    shared::small(n, "proxy count")
}

fn is_voter(r: &Resident) -> bool {
    r.exclusion.is_none() && !r.waived
}

pub(super) async fn register_proxy(
    store: &SqliteStore,
    election_id: Uuid,
    rules: &RegistrationRules,
    new: &NewProxy,
    now: DateTime<Utc>,
) -> StoreResult<ProxyOutcome> {
    shared::not_empty(&new.document, "document")?;
    let mut tx = write_tx(store).await?;
    if let Err(e) = round(&mut tx, election_id).await {
        return refuse(tx, e).await;
    }
    if !is_published(&mut tx, election_id).await? {
        return refuse(tx, StateError::NotPublished).await;
    }
    let Some((roll, at)) = current_roll(&mut tx, election_id).await? else {
        return refuse(tx, StateError::NoRoll).await;
    };
    let mut parties = Vec::with_capacity(2);
    for id in [new.grantor, new.proxy] {
        match resident_on_roll(&mut tx, election_id, roll, at, id).await? {
            Some(r) => parties.push(r),
            None => {
                return refuse(
                    tx,
                    StoreError::NotFound(format!(
                        "resident {id} on the roll of election {election_id}"
                    )),
                )
                .await
            }
        }
    }
    let (grantor, proxy) = (&parties[0], &parties[1]);
    let facts = ProxyFacts {
        grantor_is_voter: is_voter(grantor),
        proxy_is_voter: is_voter(proxy),
        same_person: new.grantor == new.proxy,
        grantor_has_granted: standing(&mut tx, election_id, "grantor", new.grantor).await? > 0,
        grantor_holds: standing(&mut tx, election_id, "proxy", new.grantor).await?,
        proxy_has_granted: standing(&mut tx, election_id, "grantor", new.proxy).await? > 0,
        proxy_holds: standing(&mut tx, election_id, "proxy", new.proxy).await?,
        // A standing formal candidate (R-NOM-5), read in this transaction.
        proxy_is_candidate: super::nomination::is_candidate(&mut tx, election_id, new.proxy)
            .await?,
    };
    if let Err(refusal) = proxy::check(&facts, rules) {
        tx.rollback().await?;
        return Ok(ProxyOutcome::Refused(refusal));
    }
    let recorded = Proxy {
        id: Uuid::new_v4(),
        election_id,
        grantor: party(grantor),
        proxy: party(proxy),
        lodged_on: new.lodged_on,
        document: new.document.clone(),
        approved_by: new.approved_by.clone(),
        approved_at: micros(now),
        revoked_at: None,
        revoked_by: None,
    };
    sqlx::query(
        "INSERT INTO proxies (id, election_id, grantor, proxy, lodged_on, document, \
         approved_by, approved_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(recorded.id.to_string())
    .bind(election_id.to_string())
    .bind(new.grantor.to_string())
    .bind(new.proxy.to_string())
    .bind(date(new.lodged_on))
    .bind(&new.document)
    .bind(&new.approved_by)
    .bind(ts(recorded.approved_at))
    .execute(&mut *tx)
    .await
    .map_err(|e| write_error(e, &format!("proxy in election {election_id}")))?;
    tx.commit().await?;
    Ok(ProxyOutcome::Registered(recorded))
}

fn party(r: &Resident) -> Party {
    Party {
        resident: r.id,
        resident_id: r.resident_id.clone(),
        name: r.name.clone(),
        group: r.group.clone(),
    }
}

/// Party columns of resident alias `alias`, prefixed `alias_`.
fn party_columns(alias: &str) -> String {
    format!(
        "{alias}.id AS {alias}_id, {alias}.resident_id AS {alias}_resident_id, \
         {alias}.name AS {alias}_name, {alias}.group_name AS {alias}_group"
    )
}

fn party_from_row(row: &SqliteRow, alias: &str) -> StoreResult<Party> {
    Ok(Party {
        resident: get_uuid(row, &format!("{alias}_id"))?,
        resident_id: row.try_get(format!("{alias}_resident_id").as_str())?,
        name: row.try_get(format!("{alias}_name").as_str())?,
        group: row.try_get(format!("{alias}_group").as_str())?,
    })
}

fn proxy_select() -> String {
    format!(
        "SELECT p.id, p.election_id, p.lodged_on, p.document, p.approved_by, p.approved_at, \
                p.revoked_at, p.revoked_by, {}, {} \
         FROM proxies AS p \
         JOIN residents AS g ON g.id = p.grantor \
         JOIN residents AS x ON x.id = p.proxy",
        party_columns("g"),
        party_columns("x")
    )
}

fn proxy_from_row(row: &SqliteRow) -> StoreResult<Proxy> {
    let lodged_on: String = row.try_get("lodged_on")?;
    Ok(Proxy {
        id: get_uuid(row, "id")?,
        election_id: get_uuid(row, "election_id")?,
        grantor: party_from_row(row, "g")?,
        proxy: party_from_row(row, "x")?,
        lodged_on: parse_date_of(&lodged_on, "lodged on")?,
        document: row.try_get("document")?,
        approved_by: row.try_get("approved_by")?,
        approved_at: get_ts(row, "approved_at")?,
        revoked_at: opt_ts(row, "revoked_at")?,
        revoked_by: row.try_get("revoked_by")?,
    })
}

pub(super) async fn list_proxies(
    store: &SqliteStore,
    election_id: Uuid,
) -> StoreResult<Vec<Proxy>> {
    let sql = format!(
        "{} WHERE p.election_id = ? ORDER BY p.approved_at, p.rowid",
        proxy_select()
    );
    let rows = sqlx::query(&sql)
        .bind(election_id.to_string())
        .fetch_all(&store.pool)
        .await?;
    rows.iter().map(proxy_from_row).collect()
}

pub(super) async fn revoke_proxy(
    store: &SqliteStore,
    id: Uuid,
    by: &str,
    now: DateTime<Utc>,
) -> StoreResult<Proxy> {
    let mut tx = write_tx(store).await?;
    let done = sqlx::query(
        "UPDATE proxies SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL",
    )
    .bind(ts(micros(now)))
    .bind(by)
    .bind(id.to_string())
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return refuse(tx, StoreError::NotFound(format!("standing proxy {id}"))).await;
    }
    let row = sqlx::query(&format!("{} WHERE p.id = ?", proxy_select()))
        .bind(id.to_string())
        .fetch_one(&mut *tx)
        .await?;
    let proxy = proxy_from_row(&row)?;
    tx.commit().await?;
    Ok(proxy)
}

pub(super) async fn record_assistant(
    store: &SqliteStore,
    election_id: Uuid,
    new: &NewAssistant,
    now: DateTime<Utc>,
) -> StoreResult<Assistant> {
    shared::not_empty(&new.assistant, "assistant")?;
    let mut tx = write_tx(store).await?;
    if let Err(e) = round(&mut tx, election_id).await {
        return refuse(tx, e).await;
    }
    let voter = match current_roll(&mut tx, election_id).await? {
        Some((roll, at)) => resident_on_roll(&mut tx, election_id, roll, at, new.voter).await?,
        None => None,
    };
    let Some(voter) = voter.filter(is_voter) else {
        return refuse(tx, StateError::NotAVoter).await;
    };
    let recorded = Assistant {
        id: Uuid::new_v4(),
        election_id,
        voter: party(&voter),
        assistant: new.assistant.clone(),
        reason: new.reason.clone(),
        recorded_by: new.recorded_by.clone(),
        recorded_at: micros(now),
    };
    sqlx::query(
        "INSERT INTO writing_assistants (id, election_id, voter, assistant, reason, \
         recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(recorded.id.to_string())
    .bind(election_id.to_string())
    .bind(new.voter.to_string())
    .bind(&recorded.assistant)
    .bind(&recorded.reason)
    .bind(&recorded.recorded_by)
    .bind(ts(recorded.recorded_at))
    .execute(&mut *tx)
    .await
    .map_err(|e| write_error(e, &format!("writing assistant in election {election_id}")))?;
    tx.commit().await?;
    Ok(recorded)
}

pub(super) async fn list_assistants(
    store: &SqliteStore,
    election_id: Uuid,
) -> StoreResult<Vec<Assistant>> {
    let sql = format!(
        "SELECT a.id, a.election_id, a.assistant, a.reason, a.recorded_by, a.recorded_at, {} \
         FROM writing_assistants AS a JOIN residents AS v ON v.id = a.voter \
         WHERE a.election_id = ? ORDER BY a.recorded_at, a.rowid",
        party_columns("v")
    );
    let rows = sqlx::query(&sql)
        .bind(election_id.to_string())
        .fetch_all(&store.pool)
        .await?;
    rows.iter()
        .map(|row| {
            Ok(Assistant {
                id: get_uuid(row, "id")?,
                election_id: get_uuid(row, "election_id")?,
                voter: party_from_row(row, "v")?,
                assistant: row.try_get("assistant")?,
                reason: row.try_get("reason")?,
                recorded_by: row.try_get("recorded_by")?,
                recorded_at: get_ts(row, "recorded_at")?,
            })
        })
        .collect()
}
