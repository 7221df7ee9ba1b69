//! The PostgreSQL adapter: for a city-wide server shared by many
//! committees. Native types throughout (uuid, timestamptz, date, bytea);
//! see `migrations/postgres/0001_init.sql`.

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgPool, PgPoolOptions, PgRow};
use sqlx::Row;
use uuid::Uuid;

use crate::common::{self, micros, write_error};
use crate::{
    AmendOutcome, Assistant, Election, NewAssistant, NewElection, NewObjection, NewProxy,
    NewPublication, NewResident, NewUser, Objection, ObjectionAnswer, ObjectionDecision, Proxy,
    ProxyOutcome, PublishOutcome, RegistrationSetup, RegistrationState, Resident, ResidentPage,
    ResidentQuery, RollAmendment, RollChange, RollConflict, RollOutcome, RollSummary, RollTally,
    Session, StationToken, Store, StoreError, StoreResult, User,
};
use crate::{
    Arrangements, BallotKey, Batch, CommitteeMember, FormalList, FormalListOutcome, NewBatch,
    NewCommitteeMember, NewFormalList, NewNomination, NewStaff, Nomination, PreliminaryVote,
    PrintedSerial, Relation, SeatPlan, Staff, Withdrawal,
};
use crate::{NewScan, NewStation, Receipt, ScanOutcome, Station};
use huanjie_core::profile::RegistrationRules;

mod audit;
mod ballots;
mod certification;
mod homeowner_committee;
mod homeowners;
mod nomination;
mod observers;
mod polling;
mod registration;
mod roll;
mod rounds;
mod sampling;
mod term;

static MIGRATOR: Migrator = sqlx::migrate!("../../migrations/postgres");

const MAX_CONNECTIONS: u32 = 10;
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(30);

/// [`Store`] on a PostgreSQL database.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
    /// Polling-day changes heard on [`CHANGES_CHANNEL`] (from this process
    /// and every other one sharing the database).
    changes: tokio::sync::broadcast::Sender<crate::Change>,
    /// The `LISTEN` task starts with the first listener.
    listening: std::sync::Arc<std::sync::Once>,
}

/// The `NOTIFY` channel polling-day changes go out on (the payload is
/// [`crate::Change::payload`]).
pub const CHANGES_CHANNEL: &str = "huanjie_changes";

impl PostgresStore {
    /// Connects to `url` (`postgres://…` or `postgresql://…`) and brings the
    /// schema up to date (sqlx serialises concurrent migrators with an
    /// advisory lock).
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect(url)
            .await?;
        MIGRATOR.run(&pool).await?;
        Ok(Self {
            pool,
            changes: tokio::sync::broadcast::channel(crate::CHANGES_BUFFER).0,
            listening: std::sync::Arc::new(std::sync::Once::new()),
        })
    }

    /// Listens on [`CHANGES_CHANNEL`] on a connection of its own, passing
    /// what it hears on. After (re)connecting it says "recount
    /// everything" (the nil election): a notification sent while nobody
    /// listened is gone, and the listeners must not trust their totals.
    fn listen(&self) {
        let pool = self.pool.clone();
        let changes = self.changes.clone();
        tokio::spawn(async move {
            let everything = crate::Change {
                election: Uuid::nil(),
                recount: true,
            };
            while !pool.is_closed() {
                let mut listener = match sqlx::postgres::PgListener::connect_with(&pool).await {
                    Ok(l) => l,
                    Err(e) => {
                        tracing::warn!(error = %e, "live count: cannot listen for changes; retrying");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        continue;
                    }
                };
                if let Err(e) = listener.listen(CHANGES_CHANNEL).await {
                    tracing::warn!(error = %e, "live count: LISTEN failed; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
                let _ = changes.send(everything);
                loop {
                    match listener.try_recv().await {
                        Ok(Some(n)) => {
                            if let Some(change) = crate::Change::parse(n.payload()) {
                                let _ = changes.send(change);
                            }
                        }
                        // The connection dropped: listen again.
                        Ok(None) => break,
                        Err(e) => {
                            tracing::warn!(error = %e, "live count: listening failed; reconnecting");
                            break;
                        }
                    }
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        });
    }

    /// The connection pool, for adapter-specific checks and tooling.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Closes every connection; the store is unusable afterwards.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

const ELECTION_SELECT: &str = "SELECT e.id, e.body_kind, e.title, e.profile, e.election_day, \
     e.created_at, e.parent_id, e.round_kind, e.round_number, e.round_contests, e.purpose, \
     s.position, s.seats \
     FROM elections e LEFT JOIN election_seats s ON s.election_id = e.id";

const ELECTION_ORDER: &str = " ORDER BY e.created_at DESC, e.seq DESC, s.ordinal ASC";

/// The round columns of an election row.
fn round_of(parent: Option<Uuid>, row: &PgRow) -> StoreResult<Option<crate::RoundOf>> {
    let Some(parent) = parent else {
        return Ok(None);
    };
    let number: i32 = row.try_get("round_number")?;
    let contests: Option<String> = row.try_get("round_contests")?;
    Ok(Some(crate::RoundOf {
        parent,
        kind: row.try_get("round_kind")?,
        number: u32::try_from(number)
            .map_err(|_| StoreError::Corrupt(format!("round number {number}")))?,
        contests: contests.unwrap_or_else(|| "[]".to_owned()),
        purpose: row.try_get("purpose")?,
    }))
}

/// Folds the joined election/seat rows (grouped by election, seats in
/// ballot order) into elections.
fn elections_from_rows(rows: Vec<PgRow>) -> StoreResult<Vec<Election>> {
    let mut out: Vec<Election> = Vec::new();
    for row in rows {
        let id: Uuid = row.try_get("id")?;
        let seat = match row.try_get::<Option<String>, _>("position")? {
            Some(position) => {
                let n: i64 = row.try_get("seats")?;
                Some(common::seats(position, n)?)
            }
            None => None,
        };
        if out.last().map(|e| e.id) != Some(id) {
            let kind: String = row.try_get("body_kind")?;
            let day: NaiveDate = row.try_get("election_day")?;
            out.push(Election {
                id,
                body_kind: common::body_kind(&kind)?,
                title: row.try_get("title")?,
                profile: row.try_get("profile")?,
                election_day: day,
                seats: Vec::new(),
                created_at: row.try_get("created_at")?,
                round: round_of(row.try_get("parent_id")?, &row)?,
            });
        }
        if let (Some(election), Some(seat)) = (out.last_mut(), seat) {
            election.seats.push(seat);
        }
    }
    Ok(out)
}

const USER_COLUMNS: &str = "id, username, role, password_hash, created_at";

fn user_from_row(row: &PgRow, prefix: &str) -> StoreResult<User> {
    let role: String = row.try_get(format!("{prefix}role").as_str())?;
    Ok(User {
        id: row.try_get(format!("{prefix}id").as_str())?,
        username: row.try_get(format!("{prefix}username").as_str())?,
        role: common::role(&role)?,
        password_hash: row.try_get(format!("{prefix}password_hash").as_str())?,
        created_at: row.try_get(format!("{prefix}created_at").as_str())?,
    })
}

const TOKEN_COLUMNS: &str =
    "id, election_id, station, token_hash, created_at, expires_at, revoked_at";

fn token_from_row(row: &PgRow) -> StoreResult<StationToken> {
    Ok(StationToken {
        id: row.try_get("id")?,
        election_id: row.try_get("election_id")?,
        station: row.try_get("station")?,
        token_hash: common::hash32(row.try_get("token_hash")?, "station token hash")?,
        created_at: row.try_get("created_at")?,
        expires_at: row.try_get("expires_at")?,
        revoked_at: row.try_get("revoked_at")?,
    })
}

#[async_trait]
impl Store for PostgresStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    async fn create_election(
        &self,
        new: &NewElection,
        now: DateTime<Utc>,
    ) -> StoreResult<Election> {
        let id = Uuid::new_v4();
        let created_at = micros(now);
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO elections (id, body_kind, title, profile, election_day, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(new.body_kind.as_str())
        .bind(&new.title)
        .bind(&new.profile)
        .bind(new.election_day)
        .bind(created_at)
        .execute(&mut *tx)
        .await
        .map_err(|e| write_error(e, "election"))?;
        for (ordinal, seat) in (0_i32..).zip(&new.seats) {
            sqlx::query(
                "INSERT INTO election_seats (election_id, ordinal, position, seats) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(ordinal)
            .bind(&seat.position)
            .bind(i64::from(seat.seats))
            .execute(&mut *tx)
            .await
            .map_err(|e| write_error(e, &format!("seats for position {:?}", seat.position)))?;
        }
        tx.commit().await?;
        Ok(Election {
            id,
            body_kind: new.body_kind,
            title: new.title.clone(),
            profile: new.profile.clone(),
            election_day: new.election_day,
            seats: new.seats.clone(),
            created_at,
            round: None,
        })
    }

    async fn get_election(&self, id: Uuid) -> StoreResult<Option<Election>> {
        let sql = format!("{ELECTION_SELECT} WHERE e.id = $1{ELECTION_ORDER}");
        let rows = sqlx::query(&sql).bind(id).fetch_all(&self.pool).await?;
        Ok(elections_from_rows(rows)?.into_iter().next())
    }

    async fn list_elections(&self) -> StoreResult<Vec<Election>> {
        let sql = format!("{ELECTION_SELECT}{ELECTION_ORDER}");
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        elections_from_rows(rows)
    }

    async fn count_users(&self) -> StoreResult<u64> {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
            .fetch_one(&self.pool)
            .await?;
        common::count(n)
    }

    async fn create_user(&self, new: &NewUser, now: DateTime<Utc>) -> StoreResult<User> {
        insert_user(&self.pool, new, now).await
    }

    async fn find_user_by_name(&self, username: &str) -> StoreResult<Option<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE username = $1");
        let row = sqlx::query(&sql)
            .bind(username)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| user_from_row(&r, "")).transpose()
    }

    async fn get_user(&self, id: Uuid) -> StoreResult<Option<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| user_from_row(&r, "")).transpose()
    }

    async fn put_setup_code(&self, code_hash: [u8; 32], now: DateTime<Utc>) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO setup_code (singleton, code_hash, created_at) VALUES (true, $1, $2) \
             ON CONFLICT (singleton) DO UPDATE \
             SET code_hash = excluded.code_hash, created_at = excluded.created_at",
        )
        .bind(code_hash.as_slice())
        .bind(micros(now))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn claim_setup(
        &self,
        code_hash: [u8; 32],
        first: &NewUser,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<User>> {
        let mut tx = self.pool.begin().await?;
        // Deleting the code row locks it: a concurrent claim blocks here
        // until this transaction ends, then finds the row gone (commit) or
        // gets its turn (rollback). At most one claim can succeed.
        let consumed =
            sqlx::query("DELETE FROM setup_code WHERE code_hash = $1 RETURNING singleton")
                .bind(code_hash.as_slice())
                .fetch_optional(&mut *tx)
                .await?;
        if consumed.is_none() {
            tx.rollback().await?;
            return Ok(None);
        }
        // Keep anyone from adding a user between the check and our insert.
        // SHARE ROW EXCLUSIVE conflicts with the ROW EXCLUSIVE lock that
        // INSERT takes, and with itself; readers are not blocked.
        sqlx::query("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE")
            .execute(&mut *tx)
            .await?;
        let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
            .fetch_one(&mut *tx)
            .await?;
        if users != 0 {
            tx.rollback().await?;
            return Ok(None);
        }
        let user = insert_user(&mut *tx, first, now).await?;
        tx.commit().await?;
        Ok(Some(user))
    }

    async fn create_session(
        &self,
        user_id: Uuid,
        token_hash: [u8; 32],
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<Session> {
        let session = Session {
            id: Uuid::new_v4(),
            user_id,
            token_hash,
            created_at: micros(now),
            expires_at: micros(expires_at),
        };
        sqlx::query(
            "INSERT INTO sessions (id, user_id, token_hash, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(session.id)
        .bind(user_id)
        .bind(token_hash.as_slice())
        .bind(session.created_at)
        .bind(session.expires_at)
        .execute(&self.pool)
        .await
        .map_err(|e| write_error(e, &format!("session for user {user_id}")))?;
        Ok(session)
    }

    async fn find_session(
        &self,
        token_hash: [u8; 32],
        now: DateTime<Utc>,
    ) -> StoreResult<Option<(Session, User)>> {
        let row = sqlx::query(
            "SELECT s.id, s.user_id, s.token_hash, s.created_at, s.expires_at, \
                    u.id AS u_id, u.username AS u_username, u.role AS u_role, \
                    u.password_hash AS u_password_hash, u.created_at AS u_created_at \
             FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(token_hash.as_slice())
        .bind(micros(now))
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let session = Session {
            id: row.try_get("id")?,
            user_id: row.try_get("user_id")?,
            token_hash: common::hash32(row.try_get("token_hash")?, "session token hash")?,
            created_at: row.try_get("created_at")?,
            expires_at: row.try_get("expires_at")?,
        };
        let user = user_from_row(&row, "u_")?;
        Ok(Some((session, user)))
    }

    async fn delete_session(&self, token_hash: [u8; 32]) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash.as_slice())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn create_station_token(
        &self,
        election_id: Uuid,
        station: &str,
        token_hash: [u8; 32],
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<StationToken> {
        let token = StationToken {
            id: Uuid::new_v4(),
            election_id,
            station: station.to_owned(),
            token_hash,
            created_at: micros(now),
            expires_at: micros(expires_at),
            revoked_at: None,
        };
        sqlx::query(
            "INSERT INTO station_tokens \
             (id, election_id, station, token_hash, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(token.id)
        .bind(election_id)
        .bind(station)
        .bind(token_hash.as_slice())
        .bind(token.created_at)
        .bind(token.expires_at)
        .execute(&self.pool)
        .await
        .map_err(|e| write_error(e, &format!("station token for election {election_id}")))?;
        Ok(token)
    }

    async fn find_station_token(
        &self,
        token_hash: [u8; 32],
        now: DateTime<Utc>,
    ) -> StoreResult<Option<StationToken>> {
        let sql = format!(
            "SELECT {TOKEN_COLUMNS} FROM station_tokens \
             WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2"
        );
        let row = sqlx::query(&sql)
            .bind(token_hash.as_slice())
            .bind(micros(now))
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| token_from_row(&r)).transpose()
    }

    async fn list_station_tokens(&self, election_id: Uuid) -> StoreResult<Vec<StationToken>> {
        let sql = format!(
            "SELECT {TOKEN_COLUMNS} FROM station_tokens WHERE election_id = $1 \
             ORDER BY created_at DESC, seq DESC"
        );
        let rows = sqlx::query(&sql)
            .bind(election_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(token_from_row).collect()
    }

    async fn revoke_station_token(&self, id: Uuid, now: DateTime<Utc>) -> StoreResult<()> {
        // Revoking twice keeps the first revocation time.
        let done = sqlx::query(
            "UPDATE station_tokens SET revoked_at = coalesce(revoked_at, $1) WHERE id = $2",
        )
        .bind(micros(now))
        .bind(id)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("station token {id}")));
        }
        Ok(())
    }

    async fn replace_roll(
        &self,
        election_id: Uuid,
        residents: &[NewResident],
        now: DateTime<Utc>,
    ) -> StoreResult<RollOutcome> {
        roll::replace(self, election_id, residents, now).await
    }

    async fn search_residents(
        &self,
        election_id: Uuid,
        query: &ResidentQuery,
    ) -> StoreResult<ResidentPage> {
        roll::search(self, election_id, query).await
    }

    async fn roll_summary(&self, election_id: Uuid) -> StoreResult<RollSummary> {
        roll::summary(self, election_id).await
    }

    async fn get_resident(
        &self,
        election_id: Uuid,
        resident: Uuid,
    ) -> StoreResult<Option<Resident>> {
        registration::get_resident(self, election_id, resident).await
    }

    async fn registration_state(&self, election_id: Uuid) -> StoreResult<RegistrationState> {
        registration::state(self, election_id).await
    }

    async fn set_registration_setup(
        &self,
        election_id: Uuid,
        setup: &RegistrationSetup,
    ) -> StoreResult<()> {
        registration::set_setup(self, election_id, setup).await
    }

    async fn roll_tally(&self, election_id: Uuid) -> StoreResult<RollTally> {
        registration::tally(self, election_id).await
    }

    async fn publish_roll(
        &self,
        election_id: Uuid,
        rules: &RegistrationRules,
        new: &NewPublication,
        now: DateTime<Utc>,
    ) -> StoreResult<PublishOutcome> {
        registration::publish(self, election_id, rules, new, now).await
    }

    async fn voter_list(&self, election_id: Uuid) -> StoreResult<Vec<Resident>> {
        registration::voter_list(self, election_id).await
    }

    async fn amend_roll(
        &self,
        election_id: Uuid,
        amendment: &RollAmendment,
        now: DateTime<Utc>,
    ) -> StoreResult<AmendOutcome> {
        registration::amend(self, election_id, amendment, now).await
    }

    async fn roll_changes(&self, election_id: Uuid) -> StoreResult<Vec<RollChange>> {
        registration::changes(self, election_id).await
    }

    async fn lodge_objection(
        &self,
        election_id: Uuid,
        new: &NewObjection,
        now: DateTime<Utc>,
    ) -> StoreResult<Objection> {
        registration::lodge(self, election_id, new, now).await
    }

    async fn list_objections(&self, election_id: Uuid) -> StoreResult<Vec<Objection>> {
        registration::list_objections(self, election_id).await
    }

    async fn get_objection(&self, id: Uuid) -> StoreResult<Option<Objection>> {
        registration::get_objection(self, id).await
    }

    async fn decide_objection(
        &self,
        id: Uuid,
        decision: &ObjectionDecision,
        now: DateTime<Utc>,
    ) -> StoreResult<Result<Objection, Vec<RollConflict>>> {
        registration::decide(self, id, decision, now).await
    }

    async fn answer_objection(
        &self,
        id: Uuid,
        answer: &ObjectionAnswer,
        now: DateTime<Utc>,
    ) -> StoreResult<Objection> {
        registration::answer(self, id, answer, now).await
    }

    async fn register_proxy(
        &self,
        election_id: Uuid,
        rules: &RegistrationRules,
        new: &NewProxy,
        now: DateTime<Utc>,
    ) -> StoreResult<ProxyOutcome> {
        registration::register_proxy(self, election_id, rules, new, now).await
    }

    async fn list_proxies(&self, election_id: Uuid) -> StoreResult<Vec<Proxy>> {
        registration::list_proxies(self, election_id).await
    }

    async fn revoke_proxy(&self, id: Uuid, by: &str, now: DateTime<Utc>) -> StoreResult<Proxy> {
        registration::revoke_proxy(self, id, by, now).await
    }

    async fn record_assistant(
        &self,
        election_id: Uuid,
        new: &NewAssistant,
        now: DateTime<Utc>,
    ) -> StoreResult<Assistant> {
        registration::record_assistant(self, election_id, new, now).await
    }

    async fn list_assistants(&self, election_id: Uuid) -> StoreResult<Vec<Assistant>> {
        registration::list_assistants(self, election_id).await
    }

    async fn count_households(&self, election_id: Uuid) -> StoreResult<u64> {
        nomination::count_households(self, election_id).await
    }

    async fn set_seat_plan(
        &self,
        election_id: Uuid,
        plan: &SeatPlan,
        now: DateTime<Utc>,
    ) -> StoreResult<SeatPlan> {
        nomination::set_seat_plan(self, election_id, plan, now).await
    }

    async fn seat_plan(&self, election_id: Uuid) -> StoreResult<Option<SeatPlan>> {
        nomination::seat_plan(self, election_id).await
    }

    async fn add_committee_member(
        &self,
        election_id: Uuid,
        new: &NewCommitteeMember,
        now: DateTime<Utc>,
    ) -> StoreResult<CommitteeMember> {
        nomination::add_committee_member(self, election_id, new, now).await
    }

    async fn list_committee_members(&self, election_id: Uuid) -> StoreResult<Vec<CommitteeMember>> {
        nomination::list_committee_members(self, election_id).await
    }

    async fn record_nomination(
        &self,
        election_id: Uuid,
        new: &NewNomination,
        now: DateTime<Utc>,
    ) -> StoreResult<Nomination> {
        nomination::record_nomination(self, election_id, new, now).await
    }

    async fn list_nominations(&self, election_id: Uuid) -> StoreResult<Vec<Nomination>> {
        nomination::list_nominations(self, election_id).await
    }

    async fn record_preliminary_votes(
        &self,
        election_id: Uuid,
        votes: &[PreliminaryVote],
    ) -> StoreResult<()> {
        nomination::record_preliminary_votes(self, election_id, votes).await
    }

    async fn preliminary_votes(&self, election_id: Uuid) -> StoreResult<Vec<PreliminaryVote>> {
        nomination::preliminary_votes(self, election_id).await
    }

    async fn fix_formal_list(
        &self,
        election_id: Uuid,
        new: &NewFormalList,
        now: DateTime<Utc>,
    ) -> StoreResult<FormalListOutcome> {
        nomination::fix_formal_list(self, election_id, new, now).await
    }

    async fn formal_list(&self, election_id: Uuid) -> StoreResult<Option<FormalList>> {
        nomination::formal_list(self, election_id).await
    }

    async fn withdraw_candidate(
        &self,
        election_id: Uuid,
        withdrawal: &Withdrawal,
        now: DateTime<Utc>,
    ) -> StoreResult<FormalList> {
        nomination::withdraw_candidate(self, election_id, withdrawal, now).await
    }

    async fn appoint_staff(
        &self,
        election_id: Uuid,
        new: &NewStaff,
        now: DateTime<Utc>,
    ) -> StoreResult<Staff> {
        nomination::appoint_staff(self, election_id, new, now).await
    }

    async fn list_staff(&self, election_id: Uuid) -> StoreResult<Vec<Staff>> {
        nomination::list_staff(self, election_id).await
    }

    async fn set_arrangements(
        &self,
        election_id: Uuid,
        arrangements: &Arrangements,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO election_arrangements (election_id, document) VALUES ($1, $2::jsonb) \
             ON CONFLICT (election_id) DO UPDATE SET document = excluded.document",
        )
        .bind(election_id)
        .bind(serde_json::to_string(arrangements).map_err(|e| StoreError::Corrupt(e.to_string()))?)
        .execute(&self.pool)
        .await
        .map_err(|e| write_error(e, "arrangements"))?;
        Ok(())
    }

    async fn ballot_key(
        &self,
        election_id: Uuid,
        candidate: &BallotKey,
        now: DateTime<Utc>,
    ) -> StoreResult<BallotKey> {
        ballots::ballot_key(self, election_id, candidate, now).await
    }

    async fn find_ballot_key(&self, election_id: Uuid) -> StoreResult<Option<BallotKey>> {
        ballots::find_ballot_key(self, election_id).await
    }

    async fn record_batch(
        &self,
        election_id: Uuid,
        new: &NewBatch,
        now: DateTime<Utc>,
    ) -> StoreResult<Batch> {
        ballots::record_batch(self, election_id, new, now).await
    }

    async fn list_batches(&self, election_id: Uuid) -> StoreResult<Vec<Batch>> {
        ballots::list_batches(self, election_id).await
    }

    async fn batch_randoms(&self, election_id: Uuid, batch_id: Uuid) -> StoreResult<Vec<[u8; 8]>> {
        ballots::batch_randoms(self, election_id, batch_id).await
    }

    async fn printed_serial(
        &self,
        election_id: Uuid,
        random: [u8; 8],
    ) -> StoreResult<Option<PrintedSerial>> {
        ballots::printed_serial(self, election_id, random).await
    }

    async fn void_serial(
        &self,
        election_id: Uuid,
        random: [u8; 8],
        reason: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<PrintedSerial> {
        ballots::void_serial(self, election_id, random, reason, now).await
    }

    async fn add_station(
        &self,
        election_id: Uuid,
        new: &NewStation,
        rules: &huanjie_core::profile::PollingRules,
        assembly: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<Station> {
        polling::add_station(self, election_id, new, rules, assembly, now).await
    }

    async fn list_stations(&self, election_id: Uuid) -> StoreResult<Vec<Station>> {
        polling::list_stations(self, election_id).await
    }

    async fn open_polls(
        &self,
        election_id: Uuid,
        code: &str,
        scrutineers_min: u32,
        now: DateTime<Utc>,
    ) -> StoreResult<Station> {
        polling::step(
            self,
            election_id,
            code,
            polling::Step::Open(scrutineers_min),
            now,
        )
        .await
    }

    async fn record_issued(
        &self,
        election_id: Uuid,
        code: &str,
        delta: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<Station> {
        polling::step(self, election_id, code, polling::Step::Issue(delta), now).await
    }

    async fn close_polls(
        &self,
        election_id: Uuid,
        code: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Station> {
        polling::step(self, election_id, code, polling::Step::Close, now).await
    }

    async fn record_scans_logged(
        &self,
        election_id: Uuid,
        scans: &[NewScan],
        log: &crate::ScanLogFn<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<ScanOutcome>> {
        polling::record_scans(self, election_id, scans, log, now).await
    }

    async fn list_scans(&self, election_id: Uuid) -> StoreResult<Vec<Receipt>> {
        polling::list_scans(self, election_id).await
    }

    async fn list_reviews(
        &self,
        election_id: Uuid,
        station: Option<&str>,
    ) -> StoreResult<Vec<crate::Review>> {
        polling::list_reviews(self, election_id, station).await
    }

    async fn decide_scan(
        &self,
        election_id: Uuid,
        station: &str,
        number: u64,
        decision: &str,
        by: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<crate::Review> {
        polling::decide_scan(self, election_id, station, number, decision, by, now).await
    }

    async fn counted_scans(
        &self,
        election_id: Uuid,
        after: &std::collections::HashMap<String, u64>,
    ) -> StoreResult<Vec<crate::CountedScan>> {
        polling::counted_scans(self, election_id, after).await
    }

    fn changes(&self) -> tokio::sync::broadcast::Receiver<crate::Change> {
        let receiver = self.changes.subscribe();
        self.listening.call_once(|| self.listen());
        receiver
    }

    async fn create_round(
        &self,
        parent: Uuid,
        new: &crate::NewRound,
        now: DateTime<Utc>,
    ) -> StoreResult<Election> {
        rounds::create_round(self, parent, new, now).await
    }

    async fn add_term_event(
        &self,
        term: Uuid,
        new: &crate::NewTermEvent,
        by: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<crate::TermEvent> {
        term::add_term_event(self, term, new, by, now).await
    }

    async fn term_events(&self, term: Uuid) -> StoreResult<Vec<crate::TermEvent>> {
        term::term_events(self, term).await
    }

    async fn step_term_event(
        &self,
        term: Uuid,
        number: u32,
        step: &crate::TermStep,
        by: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<crate::TermEvent> {
        term::step_term_event(self, term, number, step, by, now).await
    }

    async fn start_term_vote(
        &self,
        term: Uuid,
        number: u32,
        vote: &crate::NewRound,
        step: &crate::TermStep,
        by: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<(crate::TermEvent, Election)> {
        term::start_term_vote(self, term, number, vote, step, by, now).await
    }

    async fn signing_key(
        &self,
        election_id: Uuid,
        candidate: &crate::SigningKey,
        now: DateTime<Utc>,
    ) -> StoreResult<crate::SigningKey> {
        certification::signing_key(self, election_id, candidate, now).await
    }

    async fn find_signing_key(&self, election_id: Uuid) -> StoreResult<Option<crate::SigningKey>> {
        certification::find_signing_key(self, election_id).await
    }

    async fn server_signing_key(
        &self,
        candidate: &crate::SigningKey,
        now: DateTime<Utc>,
    ) -> StoreResult<crate::SigningKey> {
        certification::server_signing_key(self, candidate, now).await
    }

    async fn find_server_signing_key(&self) -> StoreResult<Option<crate::SigningKey>> {
        certification::find_server_signing_key(self).await
    }

    async fn certify(
        &self,
        election_id: Uuid,
        new: &crate::NewCertification,
        now: DateTime<Utc>,
    ) -> StoreResult<crate::Certification> {
        certification::certify(self, election_id, new, now).await
    }

    async fn certifications(&self, election_id: Uuid) -> StoreResult<Vec<crate::Certification>> {
        certification::certifications(self, election_id).await
    }

    async fn record_relation(&self, election_id: Uuid, relation: &Relation) -> StoreResult<()> {
        nomination::record_relation(self, election_id, relation).await
    }

    async fn list_relations(&self, election_id: Uuid) -> StoreResult<Vec<Relation>> {
        nomination::list_relations(self, election_id).await
    }

    async fn record_recusal(&self, election_id: Uuid, recusal: &crate::Recusal) -> StoreResult<()> {
        nomination::record_recusal(self, election_id, recusal).await
    }

    async fn list_recusals(&self, election_id: Uuid) -> StoreResult<Vec<crate::Recusal>> {
        nomination::list_recusals(self, election_id).await
    }

    async fn set_board_size(&self, election_id: Uuid, size: &crate::BoardSize) -> StoreResult<()> {
        nomination::set_board_size(self, election_id, size).await
    }

    async fn board_size(&self, election_id: Uuid) -> StoreResult<Option<crate::BoardSize>> {
        nomination::board_size(self, election_id).await
    }

    async fn arrangements(&self, election_id: Uuid) -> StoreResult<Arrangements> {
        let row = sqlx::query(
            "SELECT document::text AS document FROM election_arrangements WHERE election_id = $1",
        )
        .bind(election_id)
        .fetch_optional(&self.pool)
        .await?;
        match row {
            None => Ok(Arrangements::default()),
            Some(row) => {
                let text: String = row.try_get("document")?;
                serde_json::from_str(&text)
            }
            .map_err(|e| StoreError::Corrupt(format!("arrangements: {e}"))),
        }
    }

    // --- audit log (issue 8) --------------------------------------------------
    async fn append_audit(
        &self,
        entries: &[huanjie_core::audit::NewEntry],
    ) -> StoreResult<Vec<huanjie_core::audit::Entry>> {
        audit::append(self, entries).await
    }

    async fn list_audit(
        &self,
        chain: Uuid,
        after_seq: u64,
        limit: u32,
    ) -> StoreResult<Vec<huanjie_core::audit::Entry>> {
        audit::list(self, chain, after_seq, limit).await
    }

    async fn audit_head(&self, chain: Uuid) -> StoreResult<Option<huanjie_core::audit::Entry>> {
        audit::last(self, chain).await
    }

    async fn add_checkpoint(
        &self,
        checkpoint: &huanjie_core::audit::Checkpoint,
        signature: [u8; 64],
    ) -> StoreResult<()> {
        audit::add_checkpoint(self, checkpoint, signature).await
    }

    async fn list_checkpoints(
        &self,
        chain: Uuid,
    ) -> StoreResult<Vec<(huanjie_core::audit::Checkpoint, [u8; 64])>> {
        audit::checkpoints(self, chain).await
    }

    async fn observer_access(&self, election_id: Uuid) -> StoreResult<crate::ObserverAccess> {
        observers::access(self, election_id).await
    }

    async fn set_observer_access(
        &self,
        election_id: Uuid,
        access: crate::ObserverAccess,
        by: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        observers::set_access(self, election_id, access, by, now).await
    }

    async fn audit_ballots(&self, election_id: Uuid) -> StoreResult<Vec<crate::AuditBallot>> {
        sampling::audit_ballots(self, election_id).await
    }

    async fn start_sample_audit(
        &self,
        election_id: Uuid,
        new: &crate::NewSampleAudit,
        now: DateTime<Utc>,
    ) -> StoreResult<crate::SampleAudit> {
        sampling::start(self, election_id, new, now).await
    }

    async fn list_sample_audits(&self, election_id: Uuid) -> StoreResult<Vec<crate::SampleAudit>> {
        sampling::list(self, election_id, None).await
    }

    async fn sample_audit(
        &self,
        election_id: Uuid,
        number: u64,
    ) -> StoreResult<Option<crate::SampleAudit>> {
        Ok(sampling::list(self, election_id, Some(number)).await?.pop())
    }

    async fn sampled_ballots(
        &self,
        election_id: Uuid,
        number: u64,
    ) -> StoreResult<Vec<crate::SampledBallot>> {
        sampling::ballots(self, election_id, number, None).await
    }

    async fn record_sample_finding(
        &self,
        election_id: Uuid,
        number: u64,
        finding: &crate::NewFinding,
        now: DateTime<Utc>,
    ) -> StoreResult<crate::SampledBallot> {
        sampling::record_finding(self, election_id, number, finding, now).await
    }

    async fn replace_homeowner_register(
        &self,
        election_id: Uuid,
        units: &[crate::Unit],
        by: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<huanjie_core::homeowners::Register> {
        homeowners::replace_register(self, election_id, units, by, now).await
    }

    async fn homeowner_register(
        &self,
        election_id: Uuid,
    ) -> StoreResult<Option<crate::HomeownerRegister>> {
        homeowners::register(self, election_id).await
    }

    async fn add_homeowner_matter(
        &self,
        election_id: Uuid,
        kind: crate::MatterKind,
        title: &str,
        by: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<crate::HomeownerMatter> {
        homeowners::add_matter(self, election_id, kind, title, by, now).await
    }

    async fn homeowner_matters(
        &self,
        election_id: Uuid,
    ) -> StoreResult<Vec<crate::HomeownerMatter>> {
        homeowners::matters(self, election_id).await
    }

    async fn record_homeowner_vote(
        &self,
        election_id: Uuid,
        matter: u32,
        vote: &crate::Vote,
        by: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<crate::HomeownerVote> {
        homeowners::record_vote(self, election_id, matter, vote, by, now).await
    }

    async fn homeowner_votes(
        &self,
        election_id: Uuid,
        matter: u32,
    ) -> StoreResult<Vec<crate::HomeownerVote>> {
        homeowners::votes(self, election_id, matter).await
    }

    async fn add_committee_election(
        &self,
        election_id: Uuid,
        new: &crate::NewCommitteeElection,
        by: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<crate::CommitteeElection> {
        homeowner_committee::add(self, election_id, new, by, now).await
    }

    async fn committee_elections(
        &self,
        election_id: Uuid,
    ) -> StoreResult<Vec<crate::CommitteeElection>> {
        homeowner_committee::list(self, election_id).await
    }

    async fn record_committee_ballot(
        &self,
        election_id: Uuid,
        committee: u32,
        ballot: &crate::CommitteeBallot,
        by: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<crate::HomeownerVote>> {
        homeowner_committee::record_ballot(self, election_id, committee, ballot, by, now).await
    }
}

async fn insert_user<'e, E>(executor: E, new: &NewUser, now: DateTime<Utc>) -> StoreResult<User>
where
    E: sqlx::Executor<'e, Database = sqlx::Postgres>,
{
    let user = User {
        id: Uuid::new_v4(),
        username: new.username.clone(),
        role: new.role,
        password_hash: new.password_hash.clone(),
        created_at: micros(now),
    };
    sqlx::query(
        "INSERT INTO users (id, username, role, password_hash, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(user.id)
    .bind(&user.username)
    .bind(user.role.as_str())
    .bind(&user.password_hash)
    .bind(user.created_at)
    .execute(executor)
    .await
    .map_err(|e| write_error(e, &format!("user {:?}", new.username)))?;
    Ok(user)
}
