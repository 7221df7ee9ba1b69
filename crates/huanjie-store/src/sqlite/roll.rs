//! The resident roll on SQLite (R-REG): import, search, summary.
//!
//! Schema and the reasons for it: `migrations/sqlite/0002_roll.sql`.
//!
//! An import is one `BEGIN IMMEDIATE` transaction, refused once the voter
//! list is published (R-REG-5). Residents are written in
//! listing order (group, household, name, file row) with ids that increase
//! in that order, so the table, its primary key and `residents_in_order`
//! all grow at their right edge. The two indexes whose order is unrelated
//! (`residents_resident_id_unique`, `residents_by_name`) would each take a
//! million random insertions for a city-wide roll; when the rows an import
//! deletes and writes are at least as many as all other rolls together,
//! those two indexes are dropped and built again by sorting instead (their
//! definitions are read back from `sqlite_master`, never repeated here).
//!
//! The rows go in as multi-row INSERTs of 128 residents, built on this
//! thread while sqlx's worker thread has SQLite write the previous batch.
//! (Statements of 2,047 rows, the most the parameter limit allows, were
//! slower: SQLite journals every page a statement touches so that it can
//! undo that statement alone.) A batch binds no string at all: the text of
//! its 128 residents travels as one blob, and each column is cut out of it
//! by SQLite (`substr` on a blob counts bytes) from an offset and a length
//! bound as integers ([`bulk_insert_sql`]). Bound one by one, the ~1,150
//! strings of a batch were each copied twice (into sqlx's argument list on
//! this thread, then by SQLite on the worker) and freed on the other
//! thread, which took about 40% of an import's CPU time. Any failure rolls
//! the whole transaction back.

use chrono::{DateTime, Utc};
use std::future::Future;

use sqlx::pool::PoolConnection;
use sqlx::query::Query;
use sqlx::sqlite::{SqliteArguments, SqliteConnection, SqliteRow};
use sqlx::{Connection, QueryBuilder, Row, Sqlite};
use uuid::Uuid;

use super::{date, get_uuid, parse_date_of, parse_ts, ts, SqliteStore};
use crate::common::{self, micros, write_error, RollFilter, RollIds, TextMatch};
use crate::{
    NewResident, Resident, ResidentPage, ResidentQuery, RollOutcome, RollSummary, StateError,
    StoreError, StoreResult,
};

/// The columns an import writes, in bind order.
const INSERT_COLUMNS: &str = "id, roll, file_row, resident_id, name, gender, group_name, \
     household, address, category, residence_since, will_participate, committee_consent, \
     household_representative, residents_representative, exclusion, waived, voluntary";

/// Parameters bound per resident (one per column above).
const BOUND_PER_RESIDENT: usize = 18;

/// SQLite allows at most 32,766 bound parameters per statement.
const SQLITE_MAX_PARAMS: usize = 32_766;

/// Residents per INSERT statement. Far below the parameter limit
/// (`SQLITE_MAX_PARAMS / BOUND_PER_RESIDENT` = 2,047) on purpose: measured
/// on 200,000 residents, statements of 32 to 128 rows wrote them ~25%
/// faster than statements of 2,047 (whose statement journal grows with
/// every page they touch), and small batches let the next one be prepared
/// while SQLite writes the current one.
const RESIDENTS_PER_INSERT: usize = 128;

const _: () = assert!(RESIDENTS_PER_INSERT * BOUND_PER_RESIDENT <= SQLITE_MAX_PARAMS);

/// Page-cache size in KiB while a roll is written or read whole (`PRAGMA
/// cache_size` takes it negated): a million residents touch ~300 MB of
/// table and index pages, and the default 2 MB cache would spill them to
/// the WAL over and over on import, and read them from the file again and
/// again when the voter list is walked in resident-ID order. Set back to
/// the connection's previous value when the step ends ([`LargeCache`]).
const IMPORT_CACHE_KIB: i64 = 512 * 1024;

/// A connection of the pool with a page cache of [`IMPORT_CACHE_KIB`], for
/// a step that reads or writes a whole roll, until [`LargeCache::release`]
/// gives the memory back.
pub(super) struct LargeCache {
    conn: PoolConnection<Sqlite>,
    previous: i64,
}

impl LargeCache {
    pub(super) async fn acquire(store: &SqliteStore) -> StoreResult<Self> {
        let mut conn = store.pool.acquire().await?;
        let previous: i64 = sqlx::query_scalar("PRAGMA cache_size")
            .fetch_one(&mut *conn)
            .await?;
        sqlx::query(&format!("PRAGMA cache_size = -{IMPORT_CACHE_KIB}"))
            .execute(&mut *conn)
            .await?;
        Ok(Self { conn, previous })
    }

    /// Sets the cache back. Should even that fail, the connection merely
    /// keeps a larger cache: the step's outcome stands.
    pub(super) async fn release(mut self) {
        let _ = sqlx::query(&format!("PRAGMA cache_size = {}", self.previous))
            .execute(&mut *self.conn)
            .await;
    }
}

impl std::ops::Deref for LargeCache {
    type Target = SqliteConnection;

    fn deref(&self) -> &SqliteConnection {
        &self.conn
    }
}

impl std::ops::DerefMut for LargeCache {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        &mut self.conn
    }
}

/// The indexes an import drops and builds again when it rewrites most of
/// the table (see the module documentation).
const REBUILT_INDEXES: [&str; 2] = ["residents_resident_id_unique", "residents_by_name"];

/// What a search or a page reads, with the election id and the import
/// instant added from `rolls` by the caller.
pub(super) const SELECT_COLUMNS: &str = "id, file_row, resident_id, name, gender, group_name, \
     household, address, category, residence_since, will_participate, committee_consent, \
     household_representative, residents_representative, exclusion, waived, voluntary";

/// One multi-row INSERT for `n` residents. The parameters are anonymous
/// (`?`) on purpose: SQLite finds the name of a numbered one (`?NNN`) by
/// walking a list, which sqlx does for every parameter it binds, quadratic
/// in a statement with 30,000 of them.
pub(super) fn insert_sql(n: usize) -> String {
    let row = format!("({})", vec!["?"; BOUND_PER_RESIDENT].join(","));
    let mut sql = String::with_capacity(80 + n * (row.len() + 1));
    sql.push_str("INSERT INTO residents (");
    sql.push_str(INSERT_COLUMNS);
    sql.push_str(") VALUES ");
    for i in 0..n {
        if i > 0 {
            sql.push(',');
        }
        sql.push_str(&row);
    }
    sql
}

/// One INSERT of `chunk` for [`insert_sql`], every value owned, so that
/// sqlx has nothing left to copy when it hands the statement to its worker
/// thread. For a resident or two (an amendment); an import goes through
/// [`bulk_query`].
pub(super) fn batch_query<'q>(
    sql: &'q str,
    chunk: &[&NewResident],
    ids: &mut RollIds,
    roll: i64,
) -> Query<'q, Sqlite, SqliteArguments<'q>> {
    let mut q = sqlx::query(sql);
    for r in chunk {
        q = q
            .bind(ids.next_id().to_string())
            .bind(roll)
            .bind(i64::from(r.row))
            .bind(r.resident_id.clone())
            .bind(r.name.clone())
            .bind(r.gender.clone())
            .bind(r.group.clone())
            .bind(r.household.clone())
            .bind(r.address.clone())
            .bind(r.category.clone())
            .bind(r.residence_since.map(date))
            .bind(r.will_participate)
            .bind(r.committee_consent)
            .bind(r.household_representative)
            .bind(r.residents_representative)
            .bind(r.exclusion.clone())
            .bind(r.waived)
            .bind(r.voluntary);
    }
    q
}

/// Integers bound per resident by [`bulk_query`]: an offset and a length
/// for each of the ten text columns, and the eight other columns less
/// `roll` (bound once per statement).
const BULK_BOUND_PER_RESIDENT: usize = 27;

const _: () = assert!(RESIDENTS_PER_INSERT * BULK_BOUND_PER_RESIDENT + 2 <= SQLITE_MAX_PARAMS);

/// The INSERT of an import batch of `n` residents: their integers as a
/// `VALUES` list of `n` rows ([`BULK_BOUND_PER_RESIDENT`] anonymous `?`
/// each), then the batch's text as one blob and the roll number, numbered
/// after the integers (`?B`, `?R`, referred to from every row). Text column
/// `k` is `CAST(substr(?B, offset, length) AS TEXT)`: bytes of the blob
/// (valid UTF-8, since they were a `&str`), stored as the very string that
/// binding it would have stored; a NULL offset gives NULL.
///
/// The `VALUES` come first so that SQLite numbers their `?` 1, 2, … in the
/// order sqlx binds anonymous parameters; SQLite evaluates `?B` once per
/// statement, and walks the `VALUES` as a coroutine, in order, so ids and
/// rowids still grow with the listing order.
fn bulk_insert_sql(n: usize) -> String {
    let blob = n * BULK_BOUND_PER_RESIDENT + 1;
    let roll = blob + 1;
    let text = |c: usize| format!("CAST(substr(?{blob}, column{c}, column{}) AS TEXT)", c + 1);
    let int = |c: usize| format!("column{c}");
    // In INSERT_COLUMNS order.
    let select = [
        text(1),            // id
        format!("?{roll}"), // roll
        int(3),             // file_row
        text(4),            // resident_id
        text(6),            // name
        text(8),            // gender
        text(10),           // group_name
        text(12),           // household
        text(14),           // address
        text(16),           // category
        text(18),           // residence_since
        int(20),            // will_participate
        int(21),            // committee_consent
        int(22),            // household_representative
        int(23),            // residents_representative
        text(24),           // exclusion
        int(26),            // waived
        int(27),            // voluntary
    ]
    .join(", ");
    let row = format!("({})", vec!["?"; BULK_BOUND_PER_RESIDENT].join(","));
    let mut sql = String::with_capacity(200 + select.len() + n * (row.len() + 1));
    sql.push_str("WITH v AS (VALUES ");
    for i in 0..n {
        if i > 0 {
            sql.push(',');
        }
        sql.push_str(&row);
    }
    sql.push_str(") INSERT INTO residents (");
    sql.push_str(INSERT_COLUMNS);
    sql.push_str(") SELECT ");
    sql.push_str(&select);
    sql.push_str(" FROM v");
    sql
}

/// The text of a batch, and the integers that find each value in it.
struct BulkBatch<'q> {
    query: Query<'q, Sqlite, SqliteArguments<'q>>,
    blob: Vec<u8>,
}

impl<'q> BulkBatch<'q> {
    /// Appends `s` to the blob and binds where it is (1-based) and its
    /// length.
    fn text(mut self, s: &[u8]) -> Self {
        let at = i64::try_from(self.blob.len() + 1).unwrap_or(i64::MAX);
        let len = i64::try_from(s.len()).unwrap_or(i64::MAX);
        self.blob.extend_from_slice(s);
        self.query = self.query.bind(at).bind(len);
        self
    }

    fn opt_text(self, s: Option<&[u8]>) -> Self {
        match s {
            Some(s) => self.text(s),
            None => self.bind(None::<i64>).bind(None::<i64>),
        }
    }

    fn bind<T>(mut self, value: T) -> Self
    where
        T: 'q + sqlx::Encode<'q, Sqlite> + sqlx::Type<Sqlite>,
    {
        self.query = self.query.bind(value);
        self
    }
}

/// The INSERT of `chunk` for [`bulk_insert_sql`]`(chunk.len())`: only
/// integers and one blob are bound, so sqlx copies nothing per resident.
fn bulk_query<'q>(
    sql: &'q str,
    chunk: &[&NewResident],
    ids: &mut RollIds,
    roll: i64,
) -> Query<'q, Sqlite, SqliteArguments<'q>> {
    let mut batch = BulkBatch {
        query: sqlx::query(sql),
        blob: Vec::with_capacity(chunk.len() * 192),
    };
    let mut id = [0u8; uuid::fmt::Hyphenated::LENGTH];
    for r in chunk {
        let since = r.residence_since.map(date);
        batch = batch
            .text(ids.next_id().hyphenated().encode_lower(&mut id).as_bytes())
            .bind(i64::from(r.row))
            .text(r.resident_id.as_bytes())
            .text(r.name.as_bytes())
            .text(r.gender.as_bytes())
            .text(r.group.as_bytes())
            .text(r.household.as_bytes())
            .text(r.address.as_bytes())
            .text(r.category.as_bytes())
            .opt_text(since.as_deref().map(str::as_bytes))
            .bind(r.will_participate)
            .bind(r.committee_consent)
            .bind(r.household_representative)
            .bind(r.residents_representative)
            .opt_text(r.exclusion.as_deref().map(str::as_bytes))
            .bind(r.waived)
            .bind(r.voluntary);
    }
    batch.query.bind(batch.blob).bind(roll)
}

/// Starts `fut` (its first poll hands the statement to sqlx's worker
/// thread), runs `work` on this thread meanwhile, then finishes `fut`.
async fn while_running<F: Future, T>(fut: F, work: impl FnOnce() -> T) -> (F::Output, Option<T>) {
    let mut fut = std::pin::pin!(fut);
    let mut work = Some(work);
    let mut result = None;
    let output = std::future::poll_fn(|cx| {
        let polled = fut.as_mut().poll(cx);
        if let Some(work) = work.take() {
            result = Some(work());
        }
        polled
    })
    .await;
    (output, result)
}

/// R-REG-3: the voters of roll `?1` who are voters on the roll of another
/// election of the same round (`?2` election day, `?3` body kind).
const CONFLICTS_SQL: &str = "SELECT n.file_row, n.resident_id, e.id AS other_id, \
            e.title AS other_title \
     FROM residents AS n \
     JOIN residents AS o ON o.resident_id = n.resident_id AND o.roll <> n.roll \
          AND o.exclusion IS NULL \
     JOIN rolls AS r ON r.roll = o.roll \
     JOIN elections AS e ON e.id = r.election_id \
     WHERE n.roll = ?1 AND n.exclusion IS NULL \
       AND e.election_day = ?2 AND e.body_kind = ?3 \
     ORDER BY n.file_row, e.title, e.id";

/// Whether any other election of the round (`?2`, `?3`) has a roll at all;
/// when none has, the R-REG-3 join cannot find anything and is skipped.
const ROUND_HAS_OTHER_ROLLS_SQL: &str = "SELECT EXISTS (SELECT 1 FROM rolls AS r \
     JOIN elections AS e ON e.id = r.election_id \
     WHERE r.roll <> ?1 AND e.election_day = ?2 AND e.body_kind = ?3)";

pub(super) async fn replace(
    store: &SqliteStore,
    election_id: Uuid,
    residents: &[NewResident],
    now: DateTime<Utc>,
) -> StoreResult<RollOutcome> {
    let mut conn = LargeCache::acquire(store).await?;
    // No checkpoint at COMMIT on this connection: a city-wide roll leaves
    // ~300 MB in the WAL, and copying it into the database file and
    // syncing that took ~0.8 s of the import's answer. The import is
    // durable once the WAL is synced (synchronous=FULL); the copy is made
    // afterwards, in the background, by another connection.
    let checkpoint_off = sqlx::query("PRAGMA wal_autocheckpoint = 0")
        .execute(&mut *conn)
        .await;
    let outcome = match checkpoint_off {
        Ok(_) => replace_on(&mut conn, election_id, residents, now).await,
        Err(e) => Err(e.into()),
    };
    // SQLite's default; should setting it fail, this connection merely
    // leaves checkpoints to the others.
    let _ = sqlx::query(&format!(
        "PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT_PAGES}"
    ))
    .execute(&mut *conn)
    .await;
    // Give the memory back whatever happened.
    conn.release().await;
    if matches!(outcome, Ok(RollOutcome::Imported { .. })) {
        let pool = store.pool.clone();
        tokio::spawn(async move {
            // PASSIVE: waits for no reader or writer. Should it not run (the
            // process stops first), the next automatic checkpoint does it.
            if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                .execute(&pool)
                .await
            {
                tracing::warn!(error = %e, "checkpoint after a roll import failed");
            }
        });
    }
    outcome
}

/// SQLite's default automatic checkpoint threshold, in WAL pages.
const WAL_AUTOCHECKPOINT_PAGES: i64 = 1000;

async fn replace_on(
    conn: &mut SqliteConnection,
    election_id: Uuid,
    residents: &[NewResident],
    now: DateTime<Utc>,
) -> StoreResult<RollOutcome> {
    let election = election_id.to_string();
    let imported_at = micros(now);
    // BEGIN IMMEDIATE: the write lock from the start, so no other writer
    // can register anyone between the R-REG-3 check and COMMIT.
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
    let round = sqlx::query("SELECT election_day, body_kind FROM elections WHERE id = ?")
        .bind(&election)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(round) = round else {
        tx.rollback().await?;
        return Err(StoreError::NotFound(format!("election {election_id}")));
    };
    let day: String = round.try_get("election_day")?;
    let kind: String = round.try_get("body_kind")?;
    // R-REG-5: once published, the roll changes only by recorded amendments.
    let published: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM publications WHERE election_id = ?)")
            .bind(&election)
            .fetch_one(&mut *tx)
            .await?;
    if published {
        tx.rollback().await?;
        return Err(StateError::AlreadyPublished.into());
    }

    let old_roll: Option<i64> = sqlx::query_scalar("SELECT roll FROM rolls WHERE election_id = ?")
        .bind(&election)
        .fetch_optional(&mut *tx)
        .await?;
    let all: i64 = sqlx::query_scalar("SELECT count(*) FROM residents")
        .fetch_one(&mut *tx)
        .await?;
    let old: i64 = match old_roll {
        Some(roll) => {
            sqlx::query_scalar("SELECT count(*) FROM residents WHERE roll = ?")
                .bind(roll)
                .fetch_one(&mut *tx)
                .await?
        }
        None => 0,
    };
    let written = i64::try_from(residents.len())
        .unwrap_or(i64::MAX)
        .saturating_add(old);
    let rebuild = written > 0 && written >= all - old;
    let mut rebuilt = Vec::new();
    if rebuild {
        for name in REBUILT_INDEXES {
            let sql: String = sqlx::query_scalar(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?",
            )
            .bind(name)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query(&format!("DROP INDEX {name}"))
                .execute(&mut *tx)
                .await?;
            rebuilt.push(sql);
        }
    }

    if let Some(roll) = old_roll {
        sqlx::query("DELETE FROM residents WHERE roll = ?")
            .bind(roll)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM rolls WHERE roll = ?")
            .bind(roll)
            .execute(&mut *tx)
            .await?;
    }
    let roll: i64 = sqlx::query_scalar(
        "INSERT INTO rolls (election_id, imported_at) VALUES (?, ?) RETURNING roll",
    )
    .bind(&election)
    .bind(ts(imported_at))
    .fetch_one(&mut *tx)
    .await?;

    let ordered = common::listing_order(residents);
    let mut ids = RollIds::new(now);
    let full_batch = bulk_insert_sql(RESIDENTS_PER_INSERT);
    let rest = ordered.len() % RESIDENTS_PER_INSERT;
    let last_batch = (rest > 0).then(|| bulk_insert_sql(rest));
    let mut batches = ordered.chunks(RESIDENTS_PER_INSERT);
    let mut build = |chunk: &[&NewResident]| {
        let sql = match &last_batch {
            Some(last) if chunk.len() == rest => last.as_str(),
            _ => full_batch.as_str(),
        };
        bulk_query(sql, chunk, &mut ids, roll)
    };
    let mut next = batches.next().map(&mut build);
    while let Some(current) = next.take() {
        // SQLite works on this batch on sqlx's worker thread while this
        // thread prepares the next one.
        let (done, _) = while_running(current.execute(&mut *tx), || {
            next = batches.next().map(&mut build);
        })
        .await;
        done.map_err(|e| write_error(e, &format!("roll of election {election_id}")))?;
    }
    for sql in &rebuilt {
        sqlx::query(sql)
            .execute(&mut *tx)
            .await
            .map_err(|e| write_error(e, &format!("roll of election {election_id}")))?;
    }

    // R-REG-3, set-based, against what was just written.
    let others: bool = sqlx::query_scalar(ROUND_HAS_OTHER_ROLLS_SQL)
        .bind(roll)
        .bind(&day)
        .bind(&kind)
        .fetch_one(&mut *tx)
        .await?;
    if others {
        let rows = sqlx::query(CONFLICTS_SQL)
            .bind(roll)
            .bind(&day)
            .bind(&kind)
            .fetch_all(&mut *tx)
            .await?;
        if !rows.is_empty() {
            tx.rollback().await?;
            let conflicts = rows
                .iter()
                .map(|row| {
                    common::conflict(
                        row.try_get("file_row")?,
                        row.try_get("resident_id")?,
                        get_uuid(row, "other_id")?,
                        row.try_get("other_title")?,
                    )
                })
                .collect::<StoreResult<Vec<_>>>()?;
            return Ok(RollOutcome::Conflicts(conflicts));
        }
    }

    tx.commit().await?;
    Ok(RollOutcome::Imported {
        residents: u64::try_from(residents.len()).unwrap_or(u64::MAX),
        voters: common::voters(residents),
    })
}

pub(super) fn resident_from_row(
    row: &SqliteRow,
    election_id: Uuid,
    imported_at: DateTime<Utc>,
) -> StoreResult<Resident> {
    let residence_since: Option<String> = row.try_get("residence_since")?;
    Ok(Resident {
        id: get_uuid(row, "id")?,
        election_id,
        row: common::file_row(row.try_get("file_row")?)?,
        resident_id: row.try_get("resident_id")?,
        name: row.try_get("name")?,
        gender: row.try_get("gender")?,
        group: row.try_get("group_name")?,
        household: row.try_get("household")?,
        address: row.try_get("address")?,
        category: row.try_get("category")?,
        residence_since: residence_since
            .map(|d| parse_date_of(&d, "residence since"))
            .transpose()?,
        will_participate: row.try_get("will_participate")?,
        committee_consent: row.try_get("committee_consent")?,
        household_representative: row.try_get("household_representative")?,
        residents_representative: row.try_get("residents_representative")?,
        exclusion: row.try_get("exclusion")?,
        waived: row.try_get("waived")?,
        voluntary: row.try_get("voluntary")?,
        created_at: imported_at,
    })
}

/// Appends ` AND <column> …` for a text match.
fn push_text_match(qb: &mut QueryBuilder<'_, Sqlite>, column: &str, m: &TextMatch) {
    match m {
        TextMatch::Exact(v) => {
            qb.push(format!(" AND {column} = ")).push_bind(v.clone());
        }
        TextMatch::Prefix { from, below } => {
            qb.push(format!(" AND {column} >= "))
                .push_bind(from.clone());
            if let Some(below) = below {
                qb.push(format!(" AND {column} < "))
                    .push_bind(below.clone());
            }
        }
    }
}

/// How a search reads the roll.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plan {
    /// SQLite's choice (see `push_filter` for the one nudge it gets).
    Planner,
    /// Walk `residents_in_order` and test each entry: for a name prefix
    /// that matches very many residents, the first pages are found long
    /// before the matching range of `residents_by_name` could be read and
    /// sorted.
    InListingOrder,
}

/// A name prefix matching at least this many residents is paged by walking
/// the listing order (for pages within the first tenth of the matches):
/// at a million residents a one-character surname matches ~50,000, and
/// reading and sorting them all takes ~0.5 s, walking ~2 ms.
const LISTING_WALK_MIN_MATCHES: i64 = 1_000;

fn plan(f: &RollFilter, total: i64) -> Plan {
    let reach = f.offset.saturating_add(f.limit);
    if f.name.is_some()
        && f.resident_id.is_none()
        && total >= LISTING_WALK_MIN_MATCHES
        && reach.saturating_mul(10) <= total
    {
        Plan::InListingOrder
    } else {
        Plan::Planner
    }
}

/// ` FROM residents WHERE …` for a search of roll `roll`.
fn push_filter(qb: &mut QueryBuilder<'_, Sqlite>, roll: i64, f: &RollFilter, plan: Plan) {
    let roll_term = match plan {
        Plan::InListingOrder => " FROM residents INDEXED BY residents_in_order WHERE roll = ",
        // With an ID filter, `+roll` keeps SQLite from preferring the
        // roll's whole range in another index over the ID range in
        // `residents_resident_id_unique` (which leads with the ID).
        Plan::Planner if f.resident_id.is_some() => " FROM residents WHERE +roll = ",
        Plan::Planner => " FROM residents WHERE roll = ",
    };
    qb.push(roll_term).push_bind(roll);
    if let Some(name) = &f.name {
        push_text_match(qb, "name", name);
    }
    if let Some(id) = &f.resident_id {
        push_text_match(qb, "resident_id", id);
    }
    if let Some(group) = &f.group {
        qb.push(" AND group_name = ").push_bind(group.clone());
    }
    if f.voters_only {
        qb.push(" AND exclusion IS NULL");
    }
}

/// The election's current roll number and import instant, if it has one.
pub(super) async fn current_roll(
    conn: &mut SqliteConnection,
    election_id: Uuid,
) -> StoreResult<Option<(i64, DateTime<Utc>)>> {
    let row = sqlx::query("SELECT roll, imported_at FROM rolls WHERE election_id = ?")
        .bind(election_id.to_string())
        .fetch_optional(conn)
        .await?;
    row.map(|row| {
        let imported_at: String = row.try_get("imported_at")?;
        Ok((row.try_get("roll")?, parse_ts(&imported_at, "imported_at")?))
    })
    .transpose()
}

pub(super) async fn search(
    store: &SqliteStore,
    election_id: Uuid,
    query: &ResidentQuery,
) -> StoreResult<ResidentPage> {
    let f = RollFilter::new(query);
    // One read transaction: the total and the page see the same roll.
    let mut tx = store.pool.begin().await?;
    let Some((roll, imported_at)) = current_roll(&mut tx, election_id).await? else {
        tx.commit().await?;
        return Ok(ResidentPage {
            total: 0,
            residents: Vec::new(),
        });
    };
    let mut count = QueryBuilder::<Sqlite>::new("SELECT count(*)");
    push_filter(&mut count, roll, &f, Plan::Planner);
    let total: i64 = count.build_query_scalar().fetch_one(&mut *tx).await?;
    let mut page = QueryBuilder::<Sqlite>::new(format!("SELECT {SELECT_COLUMNS}"));
    push_filter(&mut page, roll, &f, plan(&f, total));
    page.push(" ORDER BY group_name, household, name, file_row LIMIT ")
        .push_bind(f.limit)
        .push(" OFFSET ")
        .push_bind(f.offset);
    let rows = page.build().fetch_all(&mut *tx).await?;
    tx.commit().await?;
    Ok(ResidentPage {
        total: common::count(total)?,
        residents: rows
            .iter()
            .map(|row| resident_from_row(row, election_id, imported_at))
            .collect::<StoreResult<_>>()?,
    })
}

pub(super) async fn summary(store: &SqliteStore, election_id: Uuid) -> StoreResult<RollSummary> {
    let mut tx = store.pool.begin().await?;
    let Some((roll, imported_at)) = current_roll(&mut tx, election_id).await? else {
        tx.commit().await?;
        return Ok(RollSummary {
            residents: 0,
            voters: 0,
            groups: Vec::new(),
            imported_at: None,
        });
    };
    // Served by `residents_in_order` alone (it carries `exclusion`).
    let rows = sqlx::query(
        "SELECT group_name, count(*) AS residents, \
                count(*) FILTER (WHERE exclusion IS NULL) AS voters \
         FROM residents WHERE roll = ? GROUP BY group_name ORDER BY group_name",
    )
    .bind(roll)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let mut summary = RollSummary {
        residents: 0,
        voters: 0,
        groups: Vec::with_capacity(rows.len()),
        imported_at: Some(imported_at),
    };
    for row in rows {
        let residents = common::count(row.try_get("residents")?)?;
        let voters = common::count(row.try_get("voters")?)?;
        summary.residents += residents;
        summary.voters += voters;
        summary.groups.push((row.try_get("group_name")?, voters));
    }
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{BodyKind, NewElection, PositionSeats, Store};
    use chrono::{NaiveDate, TimeZone};

    fn resident(i: usize) -> NewResident {
        // Text that a bound string would store as is, and that a careless
        // cutter would not: quotes, escapes, NUL, four-byte characters,
        // empty strings, a long address.
        const NAMES: [&str; 6] = ["王\"伟\"", "李\\秀英", "张\0三", "𠀋𠀌", "", "O'Brien, Ann"];
        let row = u32::try_from(i + 2).unwrap_or(u32::MAX);
        NewResident {
            row,
            resident_id: format!("11010519491231{:04}", i),
            name: format!("{}{i}", NAMES[i % NAMES.len()]),
            gender: if i % 2 == 0 { "M" } else { "F" }.to_owned(),
            group: format!("第{:02}组", i % 7),
            household: format!("{:05}", i / 3),
            address: if i % 5 == 0 {
                String::new()
            } else {
                "幸福路".repeat(i % 97)
            },
            category: "registered".to_owned(),
            residence_since: (i % 3 == 0)
                .then(|| NaiveDate::from_ymd_opt(2000, 1, 31))
                .flatten()
                .map(|d| d + chrono::Days::new(u64::try_from(i).unwrap_or(0) * 37)),
            will_participate: [None, Some(true), Some(false)][i % 3],
            committee_consent: [Some(false), None, Some(true)][i % 3],
            household_representative: i % 4 == 0,
            residents_representative: i % 11 == 0,
            exclusion: (i % 6 == 5).then(|| "under_18".to_owned()),
            waived: i % 13 == 0,
            voluntary: i % 2 == 1,
        }
    }

    /// The bulk INSERT stores every value as binding it would (across
    /// batch boundaries: 300 = 128 + 128 + 44), and a batch that breaks a
    /// constraint leaves the previous roll whole.
    #[tokio::test]
    async fn bulk_insert_stores_what_was_given_and_fails_whole() {
        let store = SqliteStore::open_in_memory().await.expect("store");
        let now = Utc
            .with_ymd_and_hms(2026, 3, 1, 9, 0, 0)
            .single()
            .expect("now");
        let election = store
            .create_election(
                &NewElection {
                    body_kind: BodyKind::ResidentsCommittee,
                    title: "bulk".to_owned(),
                    profile: "county-2006".to_owned(),
                    election_day: NaiveDate::from_ymd_opt(2026, 4, 12).expect("day"),
                    seats: vec![PositionSeats {
                        position: "member".to_owned(),
                        seats: 5,
                    }],
                },
                now,
            )
            .await
            .expect("election");
        let roll: Vec<NewResident> = (0..300).map(resident).collect();
        store
            .replace_roll(election.id, &roll, now)
            .await
            .expect("import");
        let page = store
            .search_residents(
                election.id,
                &ResidentQuery {
                    limit: 500,
                    ..ResidentQuery::default()
                },
            )
            .await
            .expect("search");
        assert_eq!(page.total, 300);
        let mut stored: Vec<NewResident> = page
            .residents
            .iter()
            .map(|r| NewResident {
                row: r.row,
                resident_id: r.resident_id.clone(),
                name: r.name.clone(),
                gender: r.gender.clone(),
                group: r.group.clone(),
                household: r.household.clone(),
                address: r.address.clone(),
                category: r.category.clone(),
                residence_since: r.residence_since,
                will_participate: r.will_participate,
                committee_consent: r.committee_consent,
                household_representative: r.household_representative,
                residents_representative: r.residents_representative,
                exclusion: r.exclusion.clone(),
                waived: r.waived,
                voluntary: r.voluntary,
            })
            .collect();
        stored.sort_by_key(|r| r.row);
        assert_eq!(stored, roll);
        // Ids grow with the listing order.
        let ids: Vec<String> = page.residents.iter().map(|r| r.id.to_string()).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(ids, sorted);

        // A bad gender in the third batch: refused, the roll unchanged.
        let mut bad: Vec<NewResident> = (1000..1300).map(resident).collect();
        bad[290].gender = "X".to_owned();
        assert!(store.replace_roll(election.id, &bad, now).await.is_err());
        let after = store.roll_summary(election.id).await.expect("summary");
        assert_eq!(after.residents, 300);
    }
}
