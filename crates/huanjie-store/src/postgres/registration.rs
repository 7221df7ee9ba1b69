//! The rest of voter registration on PostgreSQL (R-REG-4..6, R-POLL-4):
//! the mode, publication and its fingerprint, changes, objections, proxies
//! and writing assistants.
//!
//! Schema: `migrations/postgres/0003_registration.sql`. Every step that
//! changes state is one transaction that first locks the election's row
//! (`SELECT … FROM elections WHERE id = $1 FOR UPDATE`): steps of one
//! election take turns, so what a step reads to decide (the publication,
//! the proxy cap, the next number) cannot change before it commits, while
//! other elections go on. A step that may make someone a voter (an added
//! resident, an exclusion lifted) first takes the import lock
//! (`SHARE UPDATE EXCLUSIVE` on `residents`, as an import does, and in the
//! same order: table, then row), so that R-REG-3 cannot race an import of
//! another election of the round. Refusals roll back, so nothing of a
//! refused step is written. Reads of several statements run in one
//! snapshot. The logic both adapters share is in `common::registration`.

use chrono::{DateTime, NaiveDate, Utc};
use huanjie_core::profile::RegistrationRules;
use huanjie_core::registration::fingerprint::ListLine;
use huanjie_core::registration::mode;
use huanjie_core::registration::proxy::{self, ProxyFacts};
use sqlx::postgres::{PgConnection, PgRow};
use sqlx::{Postgres, Row, Transaction};
use uuid::Uuid;

use super::roll::{imported_at, resident_from_row, COPY_COLUMNS, READ_SNAPSHOT, SELECT_COLUMNS};
use super::PostgresStore;
use crate::common::registration::{self as shared, Fingerprinter, VOTER_CHUNK, VOTER_LINE_COLUMNS};
use crate::common::{self, micros, write_error, RollIds};
use crate::{
    AmendOutcome, Assistant, NewAssistant, NewObjection, NewProxy, NewPublication, Objection,
    ObjectionAnswer, ObjectionDecision, ObjectionStatus, Party, Proxy, ProxyOutcome, Publication,
    PublishOutcome, RegistrationSetup, RegistrationState, Resident, RollAmendment, RollChange,
    RollChangeKind, RollConflict, RollTally, StateError, StoreError, StoreResult,
};

type Tx = Transaction<'static, Postgres>;

/// Rolls `tx` back and returns `err`.
async fn refuse<T>(tx: Tx, err: impl Into<StoreError>) -> StoreResult<T> {
    tx.rollback().await?;
    Err(err.into())
}

/// Locks the election's row for the rest of the transaction and returns
/// its round (`election_day`, `body_kind`); `NotFound` if it does not
/// exist.
async fn lock_election(
    conn: &mut PgConnection,
    election_id: Uuid,
) -> StoreResult<(NaiveDate, String)> {
    let row = sqlx::query("SELECT election_day, body_kind FROM elections WHERE id = $1 FOR UPDATE")
        .bind(election_id)
        .fetch_optional(conn)
        .await?;
    match row {
        Some(row) => Ok((row.try_get("election_day")?, row.try_get("body_kind")?)),
        None => Err(StoreError::NotFound(format!("election {election_id}"))),
    }
}

/// Imports and steps that may make someone a voter take turns (R-REG-3
/// across the round). Taken before the election's row, as an import does.
async fn lock_imports(conn: &mut PgConnection) -> StoreResult<()> {
    sqlx::query("LOCK TABLE residents IN SHARE UPDATE EXCLUSIVE MODE")
        .execute(conn)
        .await?;
    Ok(())
}

async fn election_exists(conn: &mut PgConnection, election_id: Uuid) -> StoreResult<()> {
    let found: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM elections WHERE id = $1)")
        .bind(election_id)
        .fetch_one(conn)
        .await?;
    if found {
        Ok(())
    } else {
        Err(StoreError::NotFound(format!("election {election_id}")))
    }
}

async fn setup_of(conn: &mut PgConnection, election_id: Uuid) -> StoreResult<RegistrationSetup> {
    let row = sqlx::query("SELECT mode, voluntary FROM registration_setups WHERE election_id = $1")
        .bind(election_id)
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

fn publication_from_row(row: &PgRow) -> StoreResult<Publication> {
    let late: Option<i64> = row.try_get("late_days")?;
    Ok(Publication {
        published_at: row.try_get("published_at")?,
        published_on: row.try_get("published_on")?,
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
    conn: &mut PgConnection,
    election_id: Uuid,
) -> StoreResult<Option<Publication>> {
    let sql = format!("SELECT {PUBLICATION_COLUMNS} FROM publications WHERE election_id = $1");
    let row = sqlx::query(&sql)
        .bind(election_id)
        .fetch_optional(conn)
        .await?;
    row.map(|r| publication_from_row(&r)).transpose()
}

async fn is_published(conn: &mut PgConnection, election_id: Uuid) -> StoreResult<bool> {
    Ok(
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM publications WHERE election_id = $1)")
            .bind(election_id)
            .fetch_one(conn)
            .await?,
    )
}

/// One resident of the election's roll by record id.
async fn resident_on_roll(
    conn: &mut PgConnection,
    election_id: Uuid,
    imported_at: DateTime<Utc>,
    id: Uuid,
) -> StoreResult<Option<Resident>> {
    let sql = format!("SELECT {SELECT_COLUMNS} FROM residents WHERE election_id = $1 AND id = $2");
    let row = sqlx::query(&sql)
        .bind(election_id)
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.map(|r| resident_from_row(&r, imported_at)).transpose()
}

pub(super) async fn get_resident(
    store: &PostgresStore,
    election_id: Uuid,
    id: Uuid,
) -> StoreResult<Option<Resident>> {
    let mut tx = store.pool.begin_with(READ_SNAPSHOT).await?;
    let found = match imported_at(&mut tx, election_id).await? {
        Some(at) => resident_on_roll(&mut tx, election_id, at, id).await?,
        None => None,
    };
    tx.commit().await?;
    Ok(found)
}

// --- setup, tally, publication ---------------------------------------------------

pub(super) async fn state(
    store: &PostgresStore,
    election_id: Uuid,
) -> StoreResult<RegistrationState> {
    let mut tx = store.pool.begin_with(READ_SNAPSHOT).await?;
    election_exists(&mut tx, election_id).await?;
    let setup = setup_of(&mut tx, election_id).await?;
    let publication = publication_of(&mut tx, election_id).await?;
    tx.commit().await?;
    Ok(RegistrationState { setup, publication })
}

pub(super) async fn set_setup(
    store: &PostgresStore,
    election_id: Uuid,
    setup: &RegistrationSetup,
) -> StoreResult<()> {
    let mut tx = store.pool.begin().await?;
    if let Err(e) = lock_election(&mut tx, election_id).await {
        return refuse(tx, e).await;
    }
    if is_published(&mut tx, election_id).await? {
        return refuse(tx, StateError::AlreadyPublished).await;
    }
    sqlx::query(
        "INSERT INTO registration_setups (election_id, mode, voluntary) VALUES ($1, $2, $3) \
         ON CONFLICT (election_id) DO UPDATE \
         SET mode = excluded.mode, voluntary = excluded.voluntary",
    )
    .bind(election_id)
    .bind(setup.mode.code())
    .bind(setup.voluntary)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// `$1`: the election.
const SCOPE: &str = "election_id = $1";

/// The first households of `groups` with no or several representatives.
async fn household_examples(
    conn: &mut PgConnection,
    election_id: Uuid,
    groups: &[String],
    several: bool,
) -> StoreResult<Vec<String>> {
    if groups.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders = (2..groups.len() + 2)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = shared::household_examples_sql(SCOPE, &placeholders, several);
    let mut q = sqlx::query(&sql).persistent(false).bind(election_id);
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

/// The election's tally: one grouped pass over the roll, then the
/// examples from the few groups that hold them.
async fn tally_on(conn: &mut PgConnection, election_id: Uuid) -> StoreResult<RollTally> {
    let rows = sqlx::query(&shared::tally_groups_sql(SCOPE))
        .bind(election_id)
        .fetch_all(&mut *conn)
        .await?;
    let groups = rows
        .iter()
        .map(shared::group_row)
        .collect::<StoreResult<Vec<_>>>()?;
    let mut tally = shared::tally_from_groups(&groups)?;
    let without = shared::example_groups(&groups, |g| g.without_rep);
    tally.households_without_representative.1 =
        household_examples(conn, election_id, &without, false).await?;
    let several = shared::example_groups(&groups, |g| g.several_reps);
    tally.households_with_several_representatives.1 =
        household_examples(conn, election_id, &several, true).await?;
    if tally.representatives_not_voters.0 > 0 {
        let rows: Vec<i64> = sqlx::query_scalar(&shared::reps_not_voters_sql(SCOPE))
            .bind(election_id)
            .fetch_all(&mut *conn)
            .await?;
        tally.representatives_not_voters.1 = rows
            .into_iter()
            .map(common::file_row)
            .collect::<StoreResult<_>>()?;
    }
    Ok(tally)
}

pub(super) async fn tally(store: &PostgresStore, election_id: Uuid) -> StoreResult<RollTally> {
    let mut tx = store.pool.begin_with(READ_SNAPSHOT).await?;
    let tally = match imported_at(&mut tx, election_id).await? {
        Some(_) => tally_on(&mut tx, election_id).await?,
        None => RollTally::default(),
    };
    tx.commit().await?;
    Ok(tally)
}

/// The next chunk of the election's (`$1`) voter list after resident ID
/// `$2` (in the "C" collation of `resident_id`: byte order), at most `$3`
/// voters, read along the partition's `(resident_id, election_id)` index.
/// Rows, not one JSON array as on SQLite: the PostgreSQL driver hands rows
/// over cheaply, and building the JSON costs the server more than it saves.
fn voter_chunk_sql(columns: &str) -> String {
    format!(
        "SELECT {columns} FROM residents \
         WHERE election_id = $1 AND exclusion IS NULL AND resident_id > $2 \
         ORDER BY resident_id LIMIT $3"
    )
}

/// Feeds a row of [`VOTER_LINE_COLUMNS`] to the fingerprint.
fn push_row(fp: &mut Fingerprinter, row: &PgRow) -> StoreResult<()> {
    fp.push(&ListLine {
        resident_id: row.try_get("resident_id")?,
        name: row.try_get("name")?,
        gender: row.try_get("gender")?,
        group: row.try_get("group_name")?,
        household: row.try_get("household")?,
        waived: row.try_get("waived")?,
        voluntary: row.try_get("voluntary")?,
        household_representative: row.try_get("household_representative")?,
        residents_representative: row.try_get("residents_representative")?,
    })
}

/// The fingerprint of the election's voter list, and how many voters it
/// has.
async fn fingerprint_on(conn: &mut PgConnection, election_id: Uuid) -> StoreResult<(String, u64)> {
    let sql = voter_chunk_sql(VOTER_LINE_COLUMNS);
    let mut fp = Fingerprinter::new();
    loop {
        let rows = sqlx::query(&sql)
            .bind(election_id)
            .bind(fp.last_id.clone())
            .bind(VOTER_CHUNK)
            .fetch_all(&mut *conn)
            .await?;
        for row in &rows {
            push_row(&mut fp, row)?;
        }
        if shared::last_chunk(rows.len()) {
            break;
        }
    }
    let voters = fp.voters();
    Ok((fp.finish(), voters))
}

pub(super) async fn publish(
    store: &PostgresStore,
    election_id: Uuid,
    rules: &RegistrationRules,
    new: &NewPublication,
    now: DateTime<Utc>,
) -> StoreResult<PublishOutcome> {
    let mut tx = store.pool.begin().await?;
    if let Err(e) = lock_election(&mut tx, election_id).await {
        return refuse(tx, e).await;
    }
    if is_published(&mut tx, election_id).await? {
        return refuse(tx, StateError::AlreadyPublished).await;
    }
    if imported_at(&mut tx, election_id).await?.is_none() {
        return refuse(tx, StateError::NoRoll).await;
    }
    let setup = setup_of(&mut tx, election_id).await?;
    let tally = tally_on(&mut tx, election_id).await?;
    let base = mode::base(&tally, setup.mode, setup.voluntary, rules);
    if !base.problems.is_empty() {
        tx.rollback().await?;
        return Ok(PublishOutcome::Problems(base));
    }
    let (fingerprint, voters) = fingerprint_on(&mut tx, election_id).await?;
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
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
    ))
    .bind(election_id)
    .bind(publication.published_at)
    .bind(publication.published_on)
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
    store: &PostgresStore,
    election_id: Uuid,
) -> StoreResult<Vec<Resident>> {
    let mut tx = store.pool.begin_with(READ_SNAPSHOT).await?;
    let Some(at) = imported_at(&mut tx, election_id).await? else {
        tx.commit().await?;
        return Ok(Vec::new());
    };
    let sql = voter_chunk_sql(SELECT_COLUMNS);
    let mut list: Vec<Resident> = Vec::new();
    loop {
        let after = list
            .last()
            .map(|r| r.resident_id.clone())
            .unwrap_or_default();
        let rows = sqlx::query(&sql)
            .bind(election_id)
            .bind(after)
            .bind(VOTER_CHUNK)
            .fetch_all(&mut *tx)
            .await?;
        for row in &rows {
            list.push(resident_from_row(row, at)?);
        }
        if shared::last_chunk(rows.len()) {
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
    imported_at: DateTime<Utc>,
    day: NaiveDate,
    kind: String,
    published: bool,
}

/// Whether `change` may make someone a voter (and so needs the import
/// lock, see the module documentation).
fn may_add_a_voter(change: &RollChangeKind) -> bool {
    match change {
        RollChangeKind::Add { resident } => resident.is_voter(),
        RollChangeKind::Edit { edit, .. } => matches!(edit.exclusion, Some(None)),
    }
}

/// Locks for a change (the import lock if `change` may make a voter, then
/// the election's row) and reads the election's roll. `NotFound` for an
/// unknown election, `State(NoRoll)` without a roll.
async fn lock_roll_for_change(
    conn: &mut PgConnection,
    election_id: Uuid,
    change: &RollChangeKind,
) -> StoreResult<Roll> {
    if may_add_a_voter(change) {
        lock_imports(conn).await?;
    }
    let (day, kind) = lock_election(conn, election_id).await?;
    let Some(imported_at) = imported_at(conn, election_id).await? else {
        return Err(StateError::NoRoll.into());
    };
    let published = is_published(conn, election_id).await?;
    Ok(Roll {
        election_id,
        imported_at,
        day,
        kind,
        published,
    })
}

/// R-REG-3: the other elections of the round where `resident_id` is a voter.
async fn voter_elsewhere(
    conn: &mut PgConnection,
    roll: &Roll,
    file_row: u32,
    resident_id: &str,
) -> StoreResult<Vec<RollConflict>> {
    let rows = sqlx::query(
        "SELECT e.id AS other_id, e.title AS other_title \
         FROM residents AS o JOIN elections AS e ON e.id = o.election_id \
         WHERE o.resident_id = $1 AND o.election_id <> $2 AND o.exclusion IS NULL \
           AND e.election_day = $3 AND e.body_kind = $4 \
         ORDER BY e.title, e.id",
    )
    .bind(resident_id)
    .bind(roll.election_id)
    .bind(roll.day)
    .bind(&roll.kind)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(RollConflict {
                row: file_row,
                resident_id: resident_id.to_owned(),
                other_election_id: row.try_get("other_id")?,
                other_election_title: row.try_get("other_title")?,
            })
        })
        .collect()
}

/// Applies `change` to the roll and records it (see `Store::amend_roll`).
/// `Ok(Err(conflicts))` when R-REG-3 refuses it: the caller rolls back.
async fn apply_change(
    conn: &mut PgConnection,
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
                "SELECT EXISTS (SELECT 1 FROM residents \
                 WHERE resident_id = $1 AND election_id = $2)",
            )
            .bind(&new.resident_id)
            .bind(election_id)
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
            let id = RollIds::new(now).next_id();
            let placeholders = (1..=18)
                .map(|i| format!("${i}"))
                .collect::<Vec<_>>()
                .join(", ");
            sqlx::query(&format!(
                "INSERT INTO residents ({COPY_COLUMNS}) VALUES ({placeholders})"
            ))
            .bind(id)
            .bind(election_id)
            .bind(i64::from(new.row))
            .bind(&new.resident_id)
            .bind(&new.name)
            .bind(&new.gender)
            .bind(&new.group)
            .bind(&new.household)
            .bind(&new.address)
            .bind(&new.category)
            .bind(new.residence_since)
            .bind(new.will_participate)
            .bind(new.committee_consent)
            .bind(new.household_representative)
            .bind(new.residents_representative)
            .bind(&new.exclusion)
            .bind(new.waived)
            .bind(new.voluntary)
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
                resident_on_roll(conn, election_id, roll.imported_at, *resident).await?
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
                "UPDATE residents SET name = $1, group_name = $2, household = $3, address = $4, \
                 exclusion = $5, waived = $6, voluntary = $7, household_representative = $8, \
                 residents_representative = $9 WHERE election_id = $10 AND id = $11",
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
            .bind(election_id)
            .bind(*resident)
            .execute(&mut *conn)
            .await
            .map_err(|e| write_error(e, &format!("resident {resident}")))?;
            ("edit", *resident, next.resident_id, next.name, fields)
        }
    };
    let seq: i64 = sqlx::query_scalar(
        "SELECT coalesce(max(seq), 0) + 1 FROM roll_changes WHERE election_id = $1",
    )
    .bind(election_id)
    .fetch_one(&mut *conn)
    .await?;
    let fingerprint_after = if roll.published {
        let (fp, _) = fingerprint_on(conn, election_id).await?;
        sqlx::query(
            "UPDATE publications SET current_fingerprint = $1, changes = changes + 1 \
             WHERE election_id = $2",
        )
        .bind(&fp)
        .bind(election_id)
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
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(recorded.id)
    .bind(election_id)
    .bind(seq)
    .bind(recorded.at)
    .bind(&recorded.author)
    .bind(&recorded.reason)
    .bind(objection)
    .bind(kind)
    .bind(resident)
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
    store: &PostgresStore,
    election_id: Uuid,
    amendment: &RollAmendment,
    now: DateTime<Utc>,
) -> StoreResult<AmendOutcome> {
    shared::not_empty(&amendment.reason, "reason")?;
    let mut tx = store.pool.begin().await?;
    let roll = match lock_roll_for_change(&mut tx, election_id, &amendment.change).await {
        Ok(roll) => roll,
        Err(e) => return refuse(tx, e).await,
    };
    if let Some(objection) = amendment.objection {
        let belongs: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM objections WHERE id = $1 AND election_id = $2)",
        )
        .bind(objection)
        .bind(election_id)
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

fn change_from_row(row: &PgRow) -> StoreResult<RollChange> {
    let fields: String = row.try_get("fields")?;
    Ok(RollChange {
        id: row.try_get("id")?,
        election_id: row.try_get("election_id")?,
        seq: shared::small(row.try_get("seq")?, "change number")?,
        at: row.try_get("at")?,
        author: row.try_get("author")?,
        reason: row.try_get("reason")?,
        objection: row.try_get("objection")?,
        kind: row.try_get("kind")?,
        resident: row.try_get("resident")?,
        resident_id: row.try_get("resident_id")?,
        resident_name: row.try_get("resident_name")?,
        fields: shared::parse_fields(&fields)?,
        fingerprint_after: row.try_get("fingerprint_after")?,
    })
}

pub(super) async fn changes(
    store: &PostgresStore,
    election_id: Uuid,
) -> StoreResult<Vec<RollChange>> {
    let sql =
        format!("SELECT {CHANGE_COLUMNS} FROM roll_changes WHERE election_id = $1 ORDER BY seq");
    let rows = sqlx::query(&sql)
        .bind(election_id)
        .fetch_all(&store.pool)
        .await?;
    rows.iter().map(change_from_row).collect()
}

// --- objections ---------------------------------------------------------------------

const OBJECTION_COLUMNS: &str = "id, election_id, number, lodged_on, lodged_at, lodger, \
     subject_resident, subject, kind, claim, recorded_by, status, decision, decided_at, \
     decided_by, change, answered_on, answered_at, answered_by, answer_late";

fn objection_from_row(row: &PgRow) -> StoreResult<Objection> {
    Ok(Objection {
        id: row.try_get("id")?,
        election_id: row.try_get("election_id")?,
        number: shared::small(row.try_get("number")?, "objection number")?,
        lodged_on: row.try_get("lodged_on")?,
        lodged_at: row.try_get("lodged_at")?,
        lodger: row.try_get("lodger")?,
        subject_resident: row.try_get("subject_resident")?,
        subject: row.try_get("subject")?,
        kind: shared::objection_kind(row.try_get("kind")?)?,
        claim: row.try_get("claim")?,
        recorded_by: row.try_get("recorded_by")?,
        status: shared::objection_status(row.try_get("status")?)?,
        decision: row.try_get("decision")?,
        decided_at: row.try_get("decided_at")?,
        decided_by: row.try_get("decided_by")?,
        change: row.try_get("change")?,
        answered_on: row.try_get("answered_on")?,
        answered_at: row.try_get("answered_at")?,
        answered_by: row.try_get("answered_by")?,
        answer_late: row.try_get("answer_late")?,
    })
}

/// The objection, its row locked when `lock`.
async fn objection_by_id(
    conn: &mut PgConnection,
    id: Uuid,
    lock: bool,
) -> StoreResult<Option<Objection>> {
    let sql = format!(
        "SELECT {OBJECTION_COLUMNS} FROM objections WHERE id = $1{}",
        if lock { " FOR UPDATE" } else { "" }
    );
    let row = sqlx::query(&sql).bind(id).fetch_optional(conn).await?;
    row.map(|r| objection_from_row(&r)).transpose()
}

pub(super) async fn lodge(
    store: &PostgresStore,
    election_id: Uuid,
    new: &NewObjection,
    now: DateTime<Utc>,
) -> StoreResult<Objection> {
    shared::not_empty(&new.claim, "claim")?;
    let mut tx = store.pool.begin().await?;
    if let Err(e) = lock_election(&mut tx, election_id).await {
        return refuse(tx, e).await;
    }
    if !is_published(&mut tx, election_id).await? {
        return refuse(tx, StateError::NotPublished).await;
    }
    let number: i64 = sqlx::query_scalar(
        "SELECT coalesce(max(number), 0) + 1 FROM objections WHERE election_id = $1",
    )
    .bind(election_id)
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
    // A subject not on this election's roll breaks the foreign key: NotFound.
    sqlx::query(
        "INSERT INTO objections (id, election_id, number, lodged_on, lodged_at, lodger, \
         subject_resident, subject, kind, claim, recorded_by, status) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(objection.id)
    .bind(election_id)
    .bind(number)
    .bind(objection.lodged_on)
    .bind(objection.lodged_at)
    .bind(&objection.lodger)
    .bind(objection.subject_resident)
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
    store: &PostgresStore,
    election_id: Uuid,
) -> StoreResult<Vec<Objection>> {
    let sql = format!(
        "SELECT {OBJECTION_COLUMNS} FROM objections WHERE election_id = $1 ORDER BY number"
    );
    let rows = sqlx::query(&sql)
        .bind(election_id)
        .fetch_all(&store.pool)
        .await?;
    rows.iter().map(objection_from_row).collect()
}

pub(super) async fn get_objection(
    store: &PostgresStore,
    id: Uuid,
) -> StoreResult<Option<Objection>> {
    let mut conn = store.pool.acquire().await?;
    objection_by_id(&mut conn, id, false).await
}

pub(super) async fn decide(
    store: &PostgresStore,
    id: Uuid,
    decision: &ObjectionDecision,
    now: DateTime<Utc>,
) -> StoreResult<Result<Objection, Vec<RollConflict>>> {
    shared::not_empty(&decision.reason, "reason")?;
    shared::rejection_changes_nothing(decision.upheld, decision.change.is_some())?;
    let mut tx = store.pool.begin().await?;
    // Which election: an objection never moves, so this needs no lock.
    let Some(found) = objection_by_id(&mut tx, id, false).await? else {
        return refuse(tx, StoreError::NotFound(format!("objection {id}"))).await;
    };
    let election_id = found.election_id;
    let roll = match &decision.change {
        Some(change) => match lock_roll_for_change(&mut tx, election_id, change).await {
            Ok(roll) => Some(roll),
            Err(e) => return refuse(tx, e).await,
        },
        None => {
            if let Err(e) = lock_election(&mut tx, election_id).await {
                return refuse(tx, e).await;
            }
            None
        }
    };
    // Read again under the election's lock: decisions take turns.
    let Some(mut objection) = objection_by_id(&mut tx, id, true).await? else {
        return refuse(tx, StoreError::NotFound(format!("objection {id}"))).await;
    };
    if let Err(e) = shared::decidable(objection.status) {
        return refuse(tx, e).await;
    }
    let mut change = None;
    if let (Some(kind), Some(roll)) = (&decision.change, &roll) {
        let applied = apply_change(
            &mut tx,
            roll,
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
        "UPDATE objections SET status = $1, decision = $2, decided_at = $3, decided_by = $4, \
         change = $5 WHERE id = $6",
    )
    .bind(objection.status.code())
    .bind(&objection.decision)
    .bind(objection.decided_at)
    .bind(&objection.decided_by)
    .bind(change)
    .bind(id)
    .execute(&mut *tx)
    .await
    .map_err(|e| write_error(e, &format!("objection {id}")))?;
    tx.commit().await?;
    Ok(Ok(objection))
}

pub(super) async fn answer(
    store: &PostgresStore,
    id: Uuid,
    answer: &ObjectionAnswer,
    now: DateTime<Utc>,
) -> StoreResult<Objection> {
    let mut tx = store.pool.begin().await?;
    let Some(mut objection) = objection_by_id(&mut tx, id, true).await? else {
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
        "UPDATE objections SET answered_on = $1, answered_at = $2, answered_by = $3, \
         answer_late = $4 WHERE id = $5",
    )
    .bind(answer.answered_on)
    .bind(objection.answered_at)
    .bind(&answer.by)
    .bind(answer.late)
    .bind(id)
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
    conn: &mut PgConnection,
    election_id: Uuid,
    column: &str,
    resident: Uuid,
) -> StoreResult<u32> {
    let n: i64 = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM proxies \
         WHERE election_id = $1 AND {column} = $2 AND revoked_at IS NULL"
    ))
    .bind(election_id)
    .bind(resident)
    .fetch_one(conn)
    .await?;
    shared::small(n, "proxy count")
}

fn is_voter(r: &Resident) -> bool {
    r.exclusion.is_none() && !r.waived
}

pub(super) async fn register_proxy(
    store: &PostgresStore,
    election_id: Uuid,
    rules: &RegistrationRules,
    new: &NewProxy,
    now: DateTime<Utc>,
) -> StoreResult<ProxyOutcome> {
    shared::not_empty(&new.document, "document")?;
    let mut tx = store.pool.begin().await?;
    // The election's lock makes concurrent registrations take turns, so
    // the counts below stay true until COMMIT (the R-POLL-4 cap).
    if let Err(e) = lock_election(&mut tx, election_id).await {
        return refuse(tx, e).await;
    }
    if !is_published(&mut tx, election_id).await? {
        return refuse(tx, StateError::NotPublished).await;
    }
    let Some(at) = imported_at(&mut tx, election_id).await? else {
        return refuse(tx, StateError::NoRoll).await;
    };
    let mut parties = Vec::with_capacity(2);
    for id in [new.grantor, new.proxy] {
        match resident_on_roll(&mut tx, election_id, at, id).await? {
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
         approved_by, approved_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(recorded.id)
    .bind(election_id)
    .bind(new.grantor)
    .bind(new.proxy)
    .bind(new.lodged_on)
    .bind(&new.document)
    .bind(&new.approved_by)
    .bind(recorded.approved_at)
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

fn party_from_row(row: &PgRow, alias: &str) -> StoreResult<Party> {
    Ok(Party {
        resident: row.try_get(format!("{alias}_id").as_str())?,
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
         JOIN residents AS g ON g.id = p.grantor AND g.election_id = p.election_id \
         JOIN residents AS x ON x.id = p.proxy AND x.election_id = p.election_id",
        party_columns("g"),
        party_columns("x")
    )
}

fn proxy_from_row(row: &PgRow) -> StoreResult<Proxy> {
    Ok(Proxy {
        id: row.try_get("id")?,
        election_id: row.try_get("election_id")?,
        grantor: party_from_row(row, "g")?,
        proxy: party_from_row(row, "x")?,
        lodged_on: row.try_get("lodged_on")?,
        document: row.try_get("document")?,
        approved_by: row.try_get("approved_by")?,
        approved_at: row.try_get("approved_at")?,
        revoked_at: row.try_get("revoked_at")?,
        revoked_by: row.try_get("revoked_by")?,
    })
}

pub(super) async fn list_proxies(
    store: &PostgresStore,
    election_id: Uuid,
) -> StoreResult<Vec<Proxy>> {
    let sql = format!(
        "{} WHERE p.election_id = $1 ORDER BY p.approved_at, p.seq",
        proxy_select()
    );
    let rows = sqlx::query(&sql)
        .bind(election_id)
        .fetch_all(&store.pool)
        .await?;
    rows.iter().map(proxy_from_row).collect()
}

pub(super) async fn revoke_proxy(
    store: &PostgresStore,
    id: Uuid,
    by: &str,
    now: DateTime<Utc>,
) -> StoreResult<Proxy> {
    let mut tx = store.pool.begin().await?;
    let done = sqlx::query(
        "UPDATE proxies SET revoked_at = $1, revoked_by = $2 \
         WHERE id = $3 AND revoked_at IS NULL",
    )
    .bind(micros(now))
    .bind(by)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return refuse(tx, StoreError::NotFound(format!("standing proxy {id}"))).await;
    }
    let row = sqlx::query(&format!("{} WHERE p.id = $1", proxy_select()))
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    let proxy = proxy_from_row(&row)?;
    tx.commit().await?;
    Ok(proxy)
}

pub(super) async fn record_assistant(
    store: &PostgresStore,
    election_id: Uuid,
    new: &NewAssistant,
    now: DateTime<Utc>,
) -> StoreResult<Assistant> {
    shared::not_empty(&new.assistant, "assistant")?;
    let mut tx = store.pool.begin().await?;
    if let Err(e) = lock_election(&mut tx, election_id).await {
        return refuse(tx, e).await;
    }
    let voter = match imported_at(&mut tx, election_id).await? {
        Some(at) => resident_on_roll(&mut tx, election_id, at, new.voter).await?,
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
         recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(recorded.id)
    .bind(election_id)
    .bind(new.voter)
    .bind(&recorded.assistant)
    .bind(&recorded.reason)
    .bind(&recorded.recorded_by)
    .bind(recorded.recorded_at)
    .execute(&mut *tx)
    .await
    .map_err(|e| write_error(e, &format!("writing assistant in election {election_id}")))?;
    tx.commit().await?;
    Ok(recorded)
}

pub(super) async fn list_assistants(
    store: &PostgresStore,
    election_id: Uuid,
) -> StoreResult<Vec<Assistant>> {
    let sql = format!(
        "SELECT a.id, a.election_id, a.assistant, a.reason, a.recorded_by, a.recorded_at, {} \
         FROM writing_assistants AS a \
         JOIN residents AS v ON v.id = a.voter AND v.election_id = a.election_id \
         WHERE a.election_id = $1 ORDER BY a.recorded_at, a.seq",
        party_columns("v")
    );
    let rows = sqlx::query(&sql)
        .bind(election_id)
        .fetch_all(&store.pool)
        .await?;
    rows.iter()
        .map(|row| {
            Ok(Assistant {
                id: row.try_get("id")?,
                election_id: row.try_get("election_id")?,
                voter: party_from_row(row, "v")?,
                assistant: row.try_get("assistant")?,
                reason: row.try_get("reason")?,
                recorded_by: row.try_get("recorded_by")?,
                recorded_at: row.try_get("recorded_at")?,
            })
        })
        .collect()
}
