//! The resident roll on PostgreSQL (R-REG): import, search, summary.
//!
//! Schema and the reasons for it: `migrations/postgres/0002_roll.sql`.
//! `residents` is partitioned by election. An import, in one transaction:
//!
//! 1. takes `SHARE UPDATE EXCLUSIVE` on `residents`, so imports take turns
//!    (R-REG-3 must not race another import of the same round) while
//!    searches and other writes go on; then locks the election's row, as
//!    every registration step of the election does (`registration.rs`), and
//!    refuses once the voter list is published (R-REG-5);
//! 2. creates a table for the new roll (`LIKE residents`, constraints
//!    included) and `COPY`s the residents into it in binary format, in
//!    listing order, with ids that increase in that order; `FREEZE`, as the
//!    table is new in this transaction: the rows are written frozen and the
//!    pages all-visible, so counts are index-only scans from the start and
//!    autovacuum has nothing to catch up on;
//! 3. runs the R-REG-3 check as one join of the new table with the other
//!    partitions of the round, and rolls everything back on a conflict;
//! 4. builds the table's keys and indexes by sorting (the same definitions
//!    as the parent's, so ATTACH adopts them), adds its foreign key, checked
//!    once for the whole table, and ANALYZEs it so that the very first
//!    searches are planned with real statistics;
//! 5. detaches and drops the election's previous partition, attaches the
//!    new one, and records it in `rolls`.
//!
//! Searches of every roll go on throughout, except for the few milliseconds
//! of step 5, which needs `ACCESS EXCLUSIVE` on `residents` until COMMIT.
//! Adding the foreign key holds `SHARE ROW EXCLUSIVE` on `elections` from
//! then on, so an election created meanwhile waits for the import's end.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sqlx::postgres::{PgConnection, PgRow};
use sqlx::{Executor, Postgres, QueryBuilder, Row};
use uuid::Uuid;

use super::PostgresStore;
use crate::common::{self, micros, write_error, RollFilter, RollIds, TextMatch};
use crate::{
    NewResident, Resident, ResidentPage, ResidentQuery, RollOutcome, RollSummary, StateError,
    StoreError, StoreResult,
};

/// A consistent snapshot for reads that take more than one statement.
pub(super) const READ_SNAPSHOT: &str = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";

/// The columns an import writes, in COPY order.
pub(super) const COPY_COLUMNS: &str = "id, election_id, file_row, resident_id, name, gender, \
     group_name, household, address, category, residence_since, will_participate, \
     committee_consent, household_representative, residents_representative, exclusion, waived, \
     voluntary";

/// Fields per COPY tuple (the columns above).
const COPY_FIELDS: i16 = 18;

/// What a search or a page reads, with the import instant added from
/// `rolls` by the caller.
pub(super) const SELECT_COLUMNS: &str = "id, election_id, file_row, resident_id, name, gender, \
     group_name, household, address, category, residence_since, will_participate, \
     committee_consent, household_representative, residents_representative, exclusion, waived, \
     voluntary";

/// How much COPY data is gathered before it is sent.
const COPY_CHUNK_BYTES: usize = 1 << 20;

/// Memory for sorting while the new roll's indexes are built.
const INDEX_BUILD_MEMORY: &str = "256MB";

/// PostgreSQL's binary dates count days from 2000-01-01, which is this many
/// days from 0001-01-01 (`Datelike::num_days_from_ce`).
const PG_EPOCH_DAYS_FROM_CE: i32 = 730_120;

/// `COPY … (FORMAT binary)` data: a header, tuples, a trailer.
struct CopyBinary {
    buf: Vec<u8>,
}

impl CopyBinary {
    fn new() -> Self {
        let mut buf = Vec::with_capacity(COPY_CHUNK_BYTES + 64 * 1024);
        buf.extend_from_slice(b"PGCOPY\n\xff\r\n\0");
        buf.extend_from_slice(&0_i32.to_be_bytes()); // flags
        buf.extend_from_slice(&0_i32.to_be_bytes()); // header extension length
        Self { buf }
    }

    fn tuple(&mut self, fields: i16) {
        self.buf.extend_from_slice(&fields.to_be_bytes());
    }

    fn bytes(&mut self, b: &[u8]) -> StoreResult<()> {
        let len = i32::try_from(b.len()).map_err(|_| {
            StoreError::Database(sqlx::Error::Encode(
                format!("a field of {} bytes is too long for COPY", b.len()).into(),
            ))
        })?;
        self.buf.extend_from_slice(&len.to_be_bytes());
        self.buf.extend_from_slice(b);
        Ok(())
    }

    fn null(&mut self) {
        self.buf.extend_from_slice(&(-1_i32).to_be_bytes());
    }

    fn text(&mut self, s: &str) -> StoreResult<()> {
        self.bytes(s.as_bytes())
    }

    fn opt_text(&mut self, s: Option<&str>) -> StoreResult<()> {
        match s {
            Some(s) => self.text(s),
            None => {
                self.null();
                Ok(())
            }
        }
    }

    fn bool(&mut self, b: bool) -> StoreResult<()> {
        self.bytes(&[u8::from(b)])
    }

    fn opt_bool(&mut self, b: Option<bool>) -> StoreResult<()> {
        match b {
            Some(b) => self.bool(b),
            None => {
                self.null();
                Ok(())
            }
        }
    }

    fn opt_date(&mut self, d: Option<NaiveDate>) -> StoreResult<()> {
        match d {
            Some(d) => self.bytes(&pg_days(d).to_be_bytes()),
            None => {
                self.null();
                Ok(())
            }
        }
    }

    fn trailer(&mut self) {
        self.buf.extend_from_slice(&(-1_i16).to_be_bytes());
    }

    fn resident(&mut self, id: Uuid, election_id: Uuid, r: &NewResident) -> StoreResult<()> {
        self.tuple(COPY_FIELDS);
        self.bytes(id.as_bytes())?;
        self.bytes(election_id.as_bytes())?;
        self.bytes(&i64::from(r.row).to_be_bytes())?;
        self.text(&r.resident_id)?;
        self.text(&r.name)?;
        self.text(&r.gender)?;
        self.text(&r.group)?;
        self.text(&r.household)?;
        self.text(&r.address)?;
        self.text(&r.category)?;
        self.opt_date(r.residence_since)?;
        self.opt_bool(r.will_participate)?;
        self.opt_bool(r.committee_consent)?;
        self.bool(r.household_representative)?;
        self.bool(r.residents_representative)?;
        self.opt_text(r.exclusion.as_deref())?;
        self.bool(r.waived)?;
        self.bool(r.voluntary)
    }
}

/// A date as PostgreSQL's binary format has it: days since 2000-01-01.
fn pg_days(d: NaiveDate) -> i32 {
    d.num_days_from_ce() - PG_EPOCH_DAYS_FROM_CE
}

/// Runs DDL (simple query protocol: several statements, nothing prepared
/// or cached).
async fn ddl(conn: &mut PgConnection, sql: &str) -> StoreResult<()> {
    conn.execute(sql).await?;
    Ok(())
}

pub(super) async fn replace(
    store: &PostgresStore,
    election_id: Uuid,
    residents: &[NewResident],
    now: DateTime<Utc>,
) -> StoreResult<RollOutcome> {
    let imported_at = micros(now);
    let mut tx = store.pool.begin().await?;
    // Imports take turns: SHARE UPDATE EXCLUSIVE conflicts with itself (and
    // with ATTACH/DETACH), not with reads or row writes.
    ddl(
        &mut tx,
        "LOCK TABLE residents IN SHARE UPDATE EXCLUSIVE MODE",
    )
    .await?;
    // The election's row, locked as every registration step of the
    // election locks it (after the table lock, in the same order as an
    // amendment that adds a voter), so that no publication slips in.
    let round =
        sqlx::query("SELECT election_day, body_kind FROM elections WHERE id = $1 FOR UPDATE")
            .bind(election_id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some(round) = round else {
        tx.rollback().await?;
        return Err(StoreError::NotFound(format!("election {election_id}")));
    };
    let day: NaiveDate = round.try_get("election_day")?;
    let kind: String = round.try_get("body_kind")?;
    // R-REG-5: once published, the roll changes only by recorded amendments.
    let published: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM publications WHERE election_id = $1)")
            .bind(election_id)
            .fetch_one(&mut *tx)
            .await?;
    if published {
        tx.rollback().await?;
        return Err(StateError::AlreadyPublished.into());
    }

    // Names from hex digits only; at most 58 characters with a suffix
    // (PostgreSQL truncates identifiers at 63).
    let import = Uuid::new_v4().simple().to_string();
    let table = format!(
        "roll_{}_{}",
        election_id.simple(),
        import.get(..8).unwrap_or("0")
    );
    let what = format!("roll of election {election_id}");

    ddl(
        &mut tx,
        &format!(
            "CREATE TABLE {table} (LIKE residents INCLUDING DEFAULTS INCLUDING CONSTRAINTS); \
             ALTER TABLE {table} ADD CONSTRAINT {table}_election \
                 CHECK (election_id = '{election_id}')"
        ),
    )
    .await?;

    let mut copy = tx
        .copy_in_raw(&format!(
            "COPY {table} ({COPY_COLUMNS}) FROM STDIN (FORMAT binary, FREEZE)"
        ))
        .await?;
    let mut data = CopyBinary::new();
    let mut ids = RollIds::new(now);
    for r in common::listing_order(residents) {
        data.resident(ids.next_id(), election_id, r)?;
        if data.buf.len() >= COPY_CHUNK_BYTES {
            copy.send(data.buf.as_slice()).await?;
            data.buf.clear();
        }
    }
    data.trailer();
    copy.send(data.buf.as_slice()).await?;
    copy.finish().await.map_err(|e| write_error(e, &what))?;

    // R-REG-3, set-based: the new roll against the round's other rolls.
    let others: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM rolls AS r JOIN elections AS e ON e.id = r.election_id \
         WHERE r.election_id <> $1 AND e.election_day = $2 AND e.body_kind = $3)",
    )
    .bind(election_id)
    .bind(day)
    .bind(&kind)
    .fetch_one(&mut *tx)
    .await?;
    if others {
        let rows = sqlx::query(&format!(
            "SELECT n.file_row, n.resident_id, e.id AS other_id, e.title AS other_title \
             FROM {table} AS n \
             JOIN residents AS o ON o.resident_id = n.resident_id \
                  AND o.election_id <> $1 AND o.exclusion IS NULL \
             JOIN elections AS e ON e.id = o.election_id \
             WHERE n.exclusion IS NULL AND e.election_day = $2 AND e.body_kind = $3 \
             ORDER BY n.file_row, e.title, e.id"
        ))
        .persistent(false)
        .bind(election_id)
        .bind(day)
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
                        row.try_get("other_id")?,
                        row.try_get("other_title")?,
                    )
                })
                .collect::<StoreResult<Vec<_>>>()?;
            return Ok(RollOutcome::Conflicts(conflicts));
        }
    }

    // Keys and indexes as the parent defines them, built by sorting.
    ddl(
        &mut tx,
        &format!("SET LOCAL maintenance_work_mem = '{INDEX_BUILD_MEMORY}'"),
    )
    .await?;
    ddl(
        &mut tx,
        &format!(
            "ALTER TABLE {table} \
                 ADD CONSTRAINT {table}_pkey PRIMARY KEY (id, election_id), \
                 ADD CONSTRAINT {table}_resident_id UNIQUE (resident_id, election_id)"
        ),
    )
    .await
    .map_err(|e| match e {
        StoreError::Database(e) => write_error(e, &what),
        other => other,
    })?;
    ddl(
        &mut tx,
        &format!(
            "CREATE INDEX {table}_name ON {table} (election_id, name); \
             CREATE INDEX {table}_order \
                 ON {table} (election_id, group_name, household, name, file_row); \
             ALTER TABLE {table} ADD CONSTRAINT {table}_fkey FOREIGN KEY (election_id) \
                 REFERENCES elections (id) ON DELETE CASCADE; \
             ANALYZE {table}"
        ),
    )
    .await?;

    let old: Option<String> =
        sqlx::query_scalar("SELECT partition FROM rolls WHERE election_id = $1")
            .bind(election_id)
            .fetch_optional(&mut *tx)
            .await?;
    if let Some(old) = old.filter(|name| is_partition_name(name)) {
        ddl(
            &mut tx,
            &format!("ALTER TABLE residents DETACH PARTITION {old}; DROP TABLE {old}"),
        )
        .await?;
    }
    ddl(
        &mut tx,
        &format!("ALTER TABLE residents ATTACH PARTITION {table} FOR VALUES IN ('{election_id}')"),
    )
    .await?;
    sqlx::query(
        "INSERT INTO rolls (election_id, imported_at, partition) VALUES ($1, $2, $3) \
         ON CONFLICT (election_id) DO UPDATE \
         SET imported_at = excluded.imported_at, partition = excluded.partition",
    )
    .bind(election_id)
    .bind(imported_at)
    .bind(&table)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(RollOutcome::Imported {
        residents: u64::try_from(residents.len()).unwrap_or(u64::MAX),
        voters: common::voters(residents),
    })
}

/// Whether `name` is a partition name this module makes (so that it can
/// go into DDL unquoted).
fn is_partition_name(name: &str) -> bool {
    name.starts_with("roll_")
        && name.len() <= 63
        && name
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase() || b == b'_')
}

pub(super) fn resident_from_row(row: &PgRow, imported_at: DateTime<Utc>) -> StoreResult<Resident> {
    Ok(Resident {
        id: row.try_get("id")?,
        election_id: row.try_get("election_id")?,
        row: common::file_row(row.try_get("file_row")?)?,
        resident_id: row.try_get("resident_id")?,
        name: row.try_get("name")?,
        gender: row.try_get("gender")?,
        group: row.try_get("group_name")?,
        household: row.try_get("household")?,
        address: row.try_get("address")?,
        category: row.try_get("category")?,
        residence_since: row.try_get("residence_since")?,
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
fn push_text_match(qb: &mut QueryBuilder<'_, Postgres>, column: &str, m: &TextMatch) {
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

/// ` FROM residents WHERE …` for a search of one election's roll.
fn push_filter(qb: &mut QueryBuilder<'_, Postgres>, election_id: Uuid, f: &RollFilter) {
    qb.push(" FROM residents WHERE election_id = ")
        .push_bind(election_id);
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

pub(super) async fn imported_at(
    conn: &mut PgConnection,
    election_id: Uuid,
) -> StoreResult<Option<DateTime<Utc>>> {
    Ok(
        sqlx::query_scalar("SELECT imported_at FROM rolls WHERE election_id = $1")
            .bind(election_id)
            .fetch_optional(conn)
            .await?,
    )
}

pub(super) async fn search(
    store: &PostgresStore,
    election_id: Uuid,
    query: &ResidentQuery,
) -> StoreResult<ResidentPage> {
    let f = RollFilter::new(query);
    // One snapshot: the total and the page see the same roll.
    let mut tx = store.pool.begin_with(READ_SNAPSHOT).await?;
    let Some(imported_at) = imported_at(&mut tx, election_id).await? else {
        tx.commit().await?;
        return Ok(ResidentPage {
            total: 0,
            residents: Vec::new(),
        });
    };
    let mut count = QueryBuilder::<Postgres>::new("SELECT count(*)");
    push_filter(&mut count, election_id, &f);
    // Not prepared once and kept: a kept statement soon runs a generic plan,
    // and without the actual prefix the planner walks the listing index for
    // a name or ID (tens of ms at a million) instead of the matching range.
    let total: i64 = count
        .build_query_scalar()
        .persistent(false)
        .fetch_one(&mut *tx)
        .await?;
    let mut page = QueryBuilder::<Postgres>::new(format!("SELECT {SELECT_COLUMNS}"));
    push_filter(&mut page, election_id, &f);
    page.push(" ORDER BY group_name, household, name, file_row LIMIT ")
        .push_bind(f.limit)
        .push(" OFFSET ")
        .push_bind(f.offset);
    let rows = page.build().persistent(false).fetch_all(&mut *tx).await?;
    tx.commit().await?;
    Ok(ResidentPage {
        total: common::count(total)?,
        residents: rows
            .iter()
            .map(|row| resident_from_row(row, imported_at))
            .collect::<StoreResult<_>>()?,
    })
}

pub(super) async fn summary(store: &PostgresStore, election_id: Uuid) -> StoreResult<RollSummary> {
    let mut tx = store.pool.begin_with(READ_SNAPSHOT).await?;
    let Some(imported_at) = imported_at(&mut tx, election_id).await? else {
        tx.commit().await?;
        return Ok(RollSummary {
            residents: 0,
            voters: 0,
            groups: Vec::new(),
            imported_at: None,
        });
    };
    let rows = sqlx::query(
        "SELECT group_name, count(*) AS residents, \
                count(*) FILTER (WHERE exclusion IS NULL) AS voters \
         FROM residents WHERE election_id = $1 GROUP BY group_name ORDER BY group_name",
    )
    .bind(election_id)
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

    #[test]
    fn binary_dates_count_from_2000() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(pg_days(d(2000, 1, 1)), 0);
        assert_eq!(pg_days(d(2000, 1, 2)), 1);
        assert_eq!(pg_days(d(1999, 12, 31)), -1);
        assert_eq!(pg_days(d(2026, 4, 12)), 9598);
    }

    #[test]
    fn partition_names_are_checked_before_ddl() {
        assert!(is_partition_name(
            "roll_0123456789abcdef0123456789abcdef_89abcdef"
        ));
        assert!(!is_partition_name("residents"));
        assert!(!is_partition_name("roll_x; DROP TABLE elections"));
        assert!(!is_partition_name("roll_ABC"));
    }

    #[test]
    fn copy_fields_are_length_prefixed_and_null_is_minus_one() {
        let mut c = CopyBinary::new();
        assert_eq!(&c.buf[..11], b"PGCOPY\n\xff\r\n\0");
        assert_eq!(c.buf.len(), 19);
        c.buf.clear();
        c.text("张").unwrap();
        c.opt_text(None).unwrap();
        c.bool(true).unwrap();
        assert_eq!(
            c.buf,
            [0, 0, 0, 3, 0xE5, 0xBC, 0xA0, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 1, 1]
        );
    }
}
