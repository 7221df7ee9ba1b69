//! The storage port: everything the application persists goes through the
//! [`Store`] trait, so HTTP handlers never see SQL and each backend is an
//! adapter that can be swapped by configuration (`HUANJIE_DATABASE_URL`).
//!
//! Adapters: `sqlite` (embedded default) and `postgres` (city-wide server).
//! Both run the same conformance suites (`tests/conformance.rs`, and
//! `tests/registration_conformance.rs` for the rest of voter registration).
//!
//! The store never reads the clock: callers pass `now`, so expiry logic is
//! testable and deterministic.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use huanjie_core::profile::RegistrationRules;
pub use huanjie_core::registration::mode::RollTally;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

mod arrangements;
mod audit;
mod ballots;
mod certification;
mod common;
mod homeowners;
mod nomination;
mod observers;
mod polling;
pub mod postgres;
mod registration;
mod sampling;
pub mod sqlite;

pub use arrangements::*;
pub use audit::{AuditError, MAX_AUDIT_PAGE};
pub use ballots::*;
pub use certification::*;
pub use homeowners::{
    CommitteeBallot, CommitteeCandidate, CommitteeElection, NewCommitteeElection, TOO_MANY_FOR,
};
pub use homeowners::{
    HomeownerMatter, HomeownerRegister, HomeownerVote, MatterKind, Unit, Vote, MATTERS_EXIST,
    NO_REGISTER, VOTED_ALREADY,
};
pub use nomination::*;
pub use observers::ObserverAccess;
pub use polling::*;
pub use sampling::*;

/// How many polling-day changes a slow listener may fall behind before it
/// is told it lagged (and recounts).
pub const CHANGES_BUFFER: usize = 1024;
pub use registration::*;

pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

/// What kind of body an election fills (GLOSSARY.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyKind {
    /// 居民委员会
    ResidentsCommittee,
    /// 居务监督委员会
    SupervisoryCommittee,
    /// 业主委员会
    HomeownersCommittee,
    /// 监事会 (employee members)
    SupervisoryBoard,
}

impl BodyKind {
    /// The stable name stored in the database and used in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            BodyKind::ResidentsCommittee => "residents_committee",
            BodyKind::SupervisoryCommittee => "supervisory_committee",
            BodyKind::HomeownersCommittee => "homeowners_committee",
            BodyKind::SupervisoryBoard => "supervisory_board",
        }
    }

    /// Parses the stable name; `None` for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "residents_committee" => BodyKind::ResidentsCommittee,
            "supervisory_committee" => BodyKind::SupervisoryCommittee,
            "homeowners_committee" => BodyKind::HomeownersCommittee,
            "supervisory_board" => BodyKind::SupervisoryBoard,
            _ => return None,
        })
    }
}

/// Seats for one position (主任 / 副主任 / 委员 / women's line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PositionSeats {
    /// Stable position code: `director`, `deputy`, `member`, `women_member`, …
    pub position: String,
    /// At least 1.
    pub seats: u32,
}

/// An election as the committee creates it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewElection {
    pub body_kind: BodyKind,
    pub title: String,
    /// A profile id known to `huanjie_core::profile` (e.g. `county-2006`).
    pub profile: String,
    pub election_day: NaiveDate,
    /// In ballot order; position codes unique.
    pub seats: Vec<PositionSeats>,
}

/// A stored election.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Election {
    pub id: Uuid,
    pub body_kind: BodyKind,
    pub title: String,
    pub profile: String,
    pub election_day: NaiveDate,
    pub seats: Vec<PositionSeats>,
    pub created_at: DateTime<Utc>,
    /// A further election or tie-break vote: the round it follows and
    /// what it holds (`None` for the general round).
    pub round: Option<RoundOf>,
}

/// What makes an election a later round of another (issue 7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundOf {
    /// The round it follows (certified).
    pub parent: Uuid,
    /// `further` (另行选举, R-CNT-7) or `tie-break` (再次投票, R-CNT-6).
    pub kind: String,
    /// 2, 3 … (the general round is 1).
    pub number: u32,
    /// JSON `[{position, seats, candidates: [{name, gender}]}]`, in the
    /// order printed.
    pub contests: String,
    /// `round` (a further election or tie-break of polling day), or a vote
    /// during the term: `recall` (R-CERT-4) or `by-election` (R-CERT-5).
    pub purpose: String,
}

/// A resident who holds an office that bars them from the residents'
/// affairs supervisory committee (R-BODY-4): `office` is
/// `residents_committee`, `party_organisation` or `finance_staff`; or
/// from a board of supervisors (R-BODY-6): `company_director` or
/// `senior_manager`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recusal {
    pub resident: Uuid,
    pub office: String,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

/// A board of supervisors' whole size, as the committee recorded it
/// (R-BODY-6: the employee supervisors elected are checked against it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardSize {
    pub board_size: u32,
    pub set_by: String,
    pub set_at: DateTime<Utc>,
}

/// A later round to create from a certified one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRound {
    pub kind: String,
    pub title: String,
    pub election_day: NaiveDate,
    pub seats: Vec<PositionSeats>,
    /// As [`RoundOf::contests`].
    pub contests: String,
    /// As [`RoundOf::purpose`].
    pub purpose: String,
}

/// Something that happened to the committee during its term (issue 7,
/// item 5): a recall, a resignation or a by-election, numbered per term
/// (the general round's id). The JSON fields are the web edge's records;
/// the store keeps them whole and moves `state` forward only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TermEvent {
    pub term: Uuid,
    pub number: u32,
    /// `recall`, `resignation` or `by-election`.
    pub kind: String,
    pub position: String,
    /// The member concerned (a by-election: empty).
    pub member: String,
    /// JSON: the request, letter or what the by-election fills.
    pub request: String,
    /// JSON: the member's answer to a recall request.
    pub answer: Option<String>,
    /// The vote held for it (a recall vote or a by-election).
    pub vote_id: Option<Uuid>,
    /// JSON: the decision and its figures.
    pub outcome: Option<String>,
    pub state: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}

/// A term event to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTermEvent {
    pub kind: String,
    pub position: String,
    pub member: String,
    pub request: String,
    pub state: String,
}

/// A step of a term event: taken only from the state it expects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermStep {
    pub expect: String,
    pub state: String,
    /// Set when given (an answer, an outcome); kept otherwise.
    pub answer: Option<String>,
    pub outcome: Option<String>,
}

/// The three roles. Station clerks do not have user accounts: they sign in
/// with a per-station token (see [`StationToken`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Election committee: full rights.
    Committee,
    /// Polling-station clerk: one election, one station.
    Clerk,
    /// Observer: read only.
    Observer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Committee => "committee",
            Role::Clerk => "clerk",
            Role::Observer => "observer",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "committee" => Role::Committee,
            "clerk" => Role::Clerk,
            "observer" => Role::Observer,
            _ => return None,
        })
    }
}

/// A user account (committee members and observers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: Uuid,
    pub username: String,
    pub role: Role,
    /// PHC-style string; never leaves the server.
    pub password_hash: String,
    pub created_at: DateTime<Utc>,
}

/// A new user account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    pub username: String,
    pub role: Role,
    pub password_hash: String,
}

/// A signed-in session. Only the SHA-256 of the session secret is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: Uuid,
    pub user_id: Uuid,
    pub token_hash: [u8; 32],
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// A polling-station clerk's token: 256-bit random secret, stored only as
/// its SHA-256, bound to one election and one station, with an expiry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StationToken {
    pub id: Uuid,
    pub election_id: Uuid,
    /// Station code within the election (e.g. `S1`, `M1` for a mobile box).
    pub station: String,
    pub token_hash: [u8; 32],
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// One resident of the roll as the store keeps it (plain data; the rules
/// live in `huanjie-core`, R-REG-*).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewResident {
    /// Row number in the imported file (the header is row 1).
    pub row: u32,
    /// Normalised 18-character resident ID (GB 11643), upper-case `X`.
    pub resident_id: String,
    pub name: String,
    /// `M` or `F`.
    pub gender: String,
    /// 居民小组.
    pub group: String,
    /// 户号.
    pub household: String,
    pub address: String,
    /// `registered`, `registered_elsewhere`, `non_registered` or `posted_staff`.
    pub category: String,
    pub residence_since: Option<NaiveDate>,
    pub will_participate: Option<bool>,
    pub committee_consent: Option<bool>,
    pub household_representative: bool,
    pub residents_representative: bool,
    /// `None`: a voter. `Some(code)`: on the roll but not a voter, e.g.
    /// `under_18`, `deprived_of_political_rights`, `residence_too_short`,
    /// `no_committee_consent`, `not_taking_part`, `struck_off`.
    pub exclusion: Option<String>,
    /// R-REG-4: a voter who waived the right (not in the registered base).
    #[serde(default)]
    pub waived: bool,
    /// R-REG-4: a voter who registered voluntarily (the base of a
    /// voluntary-registration community).
    #[serde(default)]
    pub voluntary: bool,
}

impl NewResident {
    /// Whether this resident is a voter (no exclusion).
    pub fn is_voter(&self) -> bool {
        self.exclusion.is_none()
    }
}

/// A stored resident of an election's roll.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resident {
    pub id: Uuid,
    pub election_id: Uuid,
    pub row: u32,
    pub resident_id: String,
    pub name: String,
    pub gender: String,
    pub group: String,
    pub household: String,
    pub address: String,
    pub category: String,
    pub residence_since: Option<NaiveDate>,
    pub will_participate: Option<bool>,
    pub committee_consent: Option<bool>,
    pub household_representative: bool,
    pub residents_representative: bool,
    pub exclusion: Option<String>,
    /// R-REG-4 (see [`NewResident::waived`]).
    #[serde(default)]
    pub waived: bool,
    /// R-REG-4 (see [`NewResident::voluntary`]).
    #[serde(default)]
    pub voluntary: bool,
    /// When the roll holding this resident was imported.
    pub created_at: DateTime<Utc>,
}

/// A voter of an imported roll who is already a voter in another election
/// of the same round (R-REG-3, 不重登).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RollConflict {
    /// The row in the file being imported.
    pub row: u32,
    pub resident_id: String,
    pub other_election_id: Uuid,
    pub other_election_title: String,
}

/// What [`Store::replace_roll`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RollOutcome {
    /// The roll was replaced: this many residents, of whom this many voters.
    Imported { residents: u64, voters: u64 },
    /// Nothing was written: these voters are voters elsewhere in the same
    /// round (R-REG-3). Ordered by row, then by the other election's title.
    Conflicts(Vec<RollConflict>),
}

/// The most residents one [`Store::search_residents`] call returns.
pub const MAX_RESIDENT_PAGE: u32 = 500;

/// A search of one election's roll. Every given filter must match.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResidentQuery {
    /// Prefix of the name (a full name is its own prefix).
    pub name: Option<String>,
    /// The resident ID: exact when 18 or more characters are given, a
    /// prefix when fewer. A lower-case `x` is read as `X`.
    pub resident_id: Option<String>,
    /// Exact group (居民小组).
    pub group: Option<String>,
    /// Only voters (no exclusion).
    pub voters_only: bool,
    /// At most [`MAX_RESIDENT_PAGE`]; larger values are capped.
    pub limit: u32,
    pub offset: u64,
}

impl Default for ResidentQuery {
    /// Everyone, first page of 50.
    fn default() -> Self {
        Self {
            name: None,
            resident_id: None,
            group: None,
            voters_only: false,
            limit: 50,
            offset: 0,
        }
    }
}

/// One page of a search: ordered by group, household, name, row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResidentPage {
    /// How many residents match (on every page).
    pub total: u64,
    pub residents: Vec<Resident>,
}

/// An election's roll at a glance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RollSummary {
    pub residents: u64,
    pub voters: u64,
    /// Every group on the roll with its number of voters, ordered by group.
    pub groups: Vec<(String, u64)>,
    /// When the current roll was imported; `None` if none ever was.
    pub imported_at: Option<DateTime<Utc>>,
}

/// What can go wrong in storage, in terms the caller can act on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness rule was broken (e.g. the username is taken).
    #[error("already exists: {0}")]
    Conflict(String),
    /// A referenced row does not exist.
    #[error("not found: {0}")]
    NotFound(String),
    /// The stored data could not be read back (corrupt or unknown value).
    #[error("corrupt stored data: {0}")]
    Corrupt(String),
    /// The database itself failed (connection, I/O, migration).
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// Running the migrations failed.
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The step does not fit where the election's registration stands
    /// (e.g. importing a roll after publication). Nothing was written.
    #[error(transparent)]
    State(#[from] StateError),
    /// The step does not fit where the election's nomination stands (e.g.
    /// a second nomination by the same voter). Nothing was written.
    #[error(transparent)]
    Nomination(#[from] NominationStateError),
    /// The step does not fit where polling day stands (e.g. issuing
    /// ballots before polls open). Nothing was written.
    #[error(transparent)]
    Polling(#[from] PollingStateError),
    /// An audit write the log does not take (an entry it refuses, a
    /// checkpoint that does not match it). Nothing was written.
    #[error(transparent)]
    Audit(#[from] AuditError),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// The storage port. Every method that changes state runs in one
/// transaction: it either happens whole or not at all.
#[async_trait::async_trait]
pub trait Store: Send + Sync + 'static {
    /// Which backend this is (`sqlite` or `postgres`), for logs and /health.
    fn backend(&self) -> &'static str;

    // --- elections -------------------------------------------------------
    async fn create_election(&self, new: &NewElection, now: DateTime<Utc>)
        -> StoreResult<Election>;
    async fn get_election(&self, id: Uuid) -> StoreResult<Option<Election>>;
    /// Newest first.
    async fn list_elections(&self) -> StoreResult<Vec<Election>>;

    // --- users -----------------------------------------------------------
    async fn count_users(&self) -> StoreResult<u64>;
    /// `Conflict` when the username is taken.
    async fn create_user(&self, new: &NewUser, now: DateTime<Utc>) -> StoreResult<User>;
    async fn find_user_by_name(&self, username: &str) -> StoreResult<Option<User>>;
    async fn get_user(&self, id: Uuid) -> StoreResult<Option<User>>;

    // --- first-run set-up --------------------------------------------------
    /// Stores the hash of the one-time set-up code, replacing any earlier one.
    async fn put_setup_code(&self, code_hash: [u8; 32], now: DateTime<Utc>) -> StoreResult<()>;
    /// Atomically: if no user exists yet and `code_hash` matches the stored
    /// set-up code, consume the code and create `first` as a user. Returns
    /// `None` (and changes nothing) otherwise.
    async fn claim_setup(
        &self,
        code_hash: [u8; 32],
        first: &NewUser,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<User>>;

    // --- sessions ----------------------------------------------------------
    async fn create_session(
        &self,
        user_id: Uuid,
        token_hash: [u8; 32],
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<Session>;
    /// The session and its user, if the hash matches and `now < expires_at`.
    async fn find_session(
        &self,
        token_hash: [u8; 32],
        now: DateTime<Utc>,
    ) -> StoreResult<Option<(Session, User)>>;
    async fn delete_session(&self, token_hash: [u8; 32]) -> StoreResult<()>;

    // --- station tokens ----------------------------------------------------
    /// `NotFound` when the election does not exist.
    async fn create_station_token(
        &self,
        election_id: Uuid,
        station: &str,
        token_hash: [u8; 32],
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<StationToken>;
    /// The token if the hash matches, it is not revoked and `now < expires_at`.
    async fn find_station_token(
        &self,
        token_hash: [u8; 32],
        now: DateTime<Utc>,
    ) -> StoreResult<Option<StationToken>>;
    /// Tokens of one election, newest first, revoked ones included.
    async fn list_station_tokens(&self, election_id: Uuid) -> StoreResult<Vec<StationToken>>;
    /// `NotFound` when no such token.
    async fn revoke_station_token(&self, id: Uuid, now: DateTime<Utc>) -> StoreResult<()>;

    // --- the resident roll (R-REG) -------------------------------------------
    /// R-REG-3 (不重登) across elections, then replace, in ONE transaction:
    /// if any voter of `residents` (exclusion `None`) is a voter in another
    /// election of the same round on this server (same `election_day` and
    /// same `body_kind`), returns `Conflicts` (every one, with its file row)
    /// and writes nothing. Otherwise deletes this election's previous roll
    /// and inserts all residents. `NotFound` if the election does not exist;
    /// `Conflict` if a resident ID repeats within `residents`; `Database`
    /// for a value the schema refuses (e.g. a gender other than `M`/`F`, a
    /// resident ID not 18 characters long, an unknown category). Nothing is
    /// written in any of these cases.
    ///
    /// Imports take turns: one import at a time per server on PostgreSQL,
    /// one writer at a time on SQLite.
    async fn replace_roll(
        &self,
        election_id: Uuid,
        residents: &[NewResident],
        now: DateTime<Utc>,
    ) -> StoreResult<RollOutcome>;
    /// One page of the residents of an election matching `query`, ordered
    /// by group, household, name, row (text in code-point order), with the
    /// number that match; the total and the page come from one snapshot.
    /// An election without a roll (or unknown) has no residents.
    async fn search_residents(
        &self,
        election_id: Uuid,
        query: &ResidentQuery,
    ) -> StoreResult<ResidentPage>;
    /// Counts of the election's roll (all zero, no groups and no
    /// `imported_at` when it has none, or the election is unknown).
    async fn roll_summary(&self, election_id: Uuid) -> StoreResult<RollSummary>;
    /// One resident record of an election's roll.
    async fn get_resident(
        &self,
        election_id: Uuid,
        resident: Uuid,
    ) -> StoreResult<Option<Resident>>;

    // --- registration: mode, publication, changes (R-REG-4..6) -------------
    /// The setup (direct and not voluntary when never set) and the
    /// publication, if any. `NotFound` if the election does not exist.
    async fn registration_state(&self, election_id: Uuid) -> StoreResult<RegistrationState>;
    /// Sets the mode and voluntary registration. `State(AlreadyPublished)`
    /// once the list is published; `NotFound` for an unknown election.
    async fn set_registration_setup(
        &self,
        election_id: Uuid,
        setup: &RegistrationSetup,
    ) -> StoreResult<()>;
    /// The aggregates the mode checks need (`huanjie_core::registration::
    /// mode::base`), from one snapshot. All zero without a roll.
    async fn roll_tally(&self, election_id: Uuid) -> StoreResult<RollTally>;
    /// Publishes (freezes) the voter list, in ONE transaction: tallies the
    /// roll, computes the base under `rules` and the stored setup; if the
    /// base has problems returns `Problems` and writes nothing; otherwise
    /// computes the fingerprint (`huanjie_core::registration::fingerprint`,
    /// voters in resident-ID order) and records the publication.
    /// `State(AlreadyPublished)`, `State(NoRoll)`, `NotFound` otherwise.
    /// The caller has checked the date (R-REG-5).
    async fn publish_roll(
        &self,
        election_id: Uuid,
        rules: &RegistrationRules,
        new: &NewPublication,
        now: DateTime<Utc>,
    ) -> StoreResult<PublishOutcome>;
    /// Every voter of the roll (exclusion `None`, waived ones included),
    /// in resident-ID order: the list behind the notice, the export and the
    /// fingerprint.
    async fn voter_list(&self, election_id: Uuid) -> StoreResult<Vec<Resident>>;
    /// Applies one change to the roll and records it with its reason and
    /// author, in ONE transaction; once published, recomputes the
    /// fingerprint and stores it with the change and as the publication's
    /// current one. An added voter is checked against R-REG-3 as on import
    /// (`Conflicts`, nothing written); an added ID already on this roll is
    /// `Conflict`; an unknown resident or election `NotFound`; an empty
    /// reason or edit `State(Empty)`.
    async fn amend_roll(
        &self,
        election_id: Uuid,
        amendment: &RollAmendment,
        now: DateTime<Utc>,
    ) -> StoreResult<AmendOutcome>;
    /// The recorded changes, oldest first.
    async fn roll_changes(&self, election_id: Uuid) -> StoreResult<Vec<RollChange>>;

    // --- objections (异议, R-REG-5) ---------------------------------------------
    /// Records an objection, numbered 1, 2, 3 … per election.
    /// `State(NotPublished)` before publication; the caller has checked
    /// the date.
    async fn lodge_objection(
        &self,
        election_id: Uuid,
        new: &NewObjection,
        now: DateTime<Utc>,
    ) -> StoreResult<Objection>;
    /// Oldest first.
    async fn list_objections(&self, election_id: Uuid) -> StoreResult<Vec<Objection>>;
    async fn get_objection(&self, id: Uuid) -> StoreResult<Option<Objection>>;
    /// Decides a lodged objection; with `change`, applies it as
    /// [`Store::amend_roll`] would (reason = the decision's reason, linked to
    /// the objection) in the same transaction. `State(Objection(..))` unless
    /// lodged; `Ok(Err(conflicts))` when the change is refused by R-REG-3.
    async fn decide_objection(
        &self,
        id: Uuid,
        decision: &ObjectionDecision,
        now: DateTime<Utc>,
    ) -> StoreResult<Result<Objection, Vec<RollConflict>>>;
    /// Records the answer to the lodger. `State(Objection(..))` unless
    /// decided and not yet answered.
    async fn answer_objection(
        &self,
        id: Uuid,
        answer: &ObjectionAnswer,
        now: DateTime<Utc>,
    ) -> StoreResult<Objection>;

    // --- proxies and writing assistants (R-POLL-4) ----------------------------
    /// Checks R-POLL-4 (`huanjie_core::registration::proxy::check`, the
    /// facts gathered in the same transaction, so concurrent requests
    /// cannot pass the cap) and records the proxy. `State(NotPublished)`
    /// before publication; `NotFound` for an unknown election or resident.
    async fn register_proxy(
        &self,
        election_id: Uuid,
        rules: &RegistrationRules,
        new: &NewProxy,
        now: DateTime<Utc>,
    ) -> StoreResult<ProxyOutcome>;
    /// Revoked ones included, oldest first.
    async fn list_proxies(&self, election_id: Uuid) -> StoreResult<Vec<Proxy>>;
    /// `NotFound` if no such (unrevoked) proxy.
    async fn revoke_proxy(&self, id: Uuid, by: &str, now: DateTime<Utc>) -> StoreResult<Proxy>;
    /// `State(NotAVoter)` unless the voter is a voter of this election.
    async fn record_assistant(
        &self,
        election_id: Uuid,
        new: &NewAssistant,
        now: DateTime<Utc>,
    ) -> StoreResult<Assistant>;
    async fn list_assistants(&self, election_id: Uuid) -> StoreResult<Vec<Assistant>>;

    // --- nomination (R-BODY-1/2/5, R-NOM-1..6, R-POLL-2) ----------------------
    /// Households on the roll (distinct `household` values over all
    /// residents): the basis of R-BODY-2's formula. 0 without a roll.
    async fn count_households(&self, election_id: Uuid) -> StoreResult<u64>;
    /// Replaces the election's seats and records the plan, in ONE
    /// transaction. The caller has checked R-BODY-1/2.
    /// `Nomination(FormalListPublished)` once the formal list is fixed,
    /// `Nomination(Duplicate)` for a repeated position, `NotFound`.
    async fn set_seat_plan(
        &self,
        election_id: Uuid,
        plan: &SeatPlan,
        now: DateTime<Utc>,
    ) -> StoreResult<SeatPlan>;
    async fn seat_plan(&self, election_id: Uuid) -> StoreResult<Option<SeatPlan>>;
    /// R-BODY-5: records a member. The caller has checked the composition.
    /// `Nomination(NotOnRoll)` for a resident not on this roll.
    async fn add_committee_member(
        &self,
        election_id: Uuid,
        new: &NewCommitteeMember,
        now: DateTime<Utc>,
    ) -> StoreResult<CommitteeMember>;
    /// Those who left included, in the order recorded.
    async fn list_committee_members(&self, election_id: Uuid) -> StoreResult<Vec<CommitteeMember>>;
    /// Records a nomination paper, numbered per election, in ONE
    /// transaction. The caller has applied R-NOM-1/2 (`huanjie_core::
    /// nomination`); inside the transaction the store refuses what a race
    /// could break: a nominator of a valid paper who already signed another
    /// (`Nomination(AlreadyNominated)`), a resident not on this roll
    /// (`Nomination(NotOnRoll)`), an unknown position
    /// (`Nomination(UnknownPosition)`), and any paper once the formal list
    /// is fixed (`Nomination(FormalListPublished)`).
    async fn record_nomination(
        &self,
        election_id: Uuid,
        new: &NewNomination,
        now: DateTime<Utc>,
    ) -> StoreResult<Nomination>;
    /// Oldest first.
    async fn list_nominations(&self, election_id: Uuid) -> StoreResult<Vec<Nomination>>;
    /// R-NOM-3: replaces the preliminary-vote results. Same refusals as
    /// [`Store::record_nomination`] for residents, positions and the fixed
    /// list.
    async fn record_preliminary_votes(
        &self,
        election_id: Uuid,
        votes: &[PreliminaryVote],
    ) -> StoreResult<()>;
    async fn preliminary_votes(&self, election_id: Uuid) -> StoreResult<Vec<PreliminaryVote>>;
    /// R-NOM-4/5 and R-BODY-5, in ONE transaction: records the formal list
    /// and takes every committee member who is on it off the committee
    /// (`left_reason = "formal_candidate"`). The caller has chosen the
    /// candidates and checked the date. `Nomination(FormalListPublished)`
    /// when already fixed; `Nomination(Duplicate)` for a person named
    /// twice for one position.
    async fn fix_formal_list(
        &self,
        election_id: Uuid,
        new: &NewFormalList,
        now: DateTime<Utc>,
    ) -> StoreResult<FormalListOutcome>;
    async fn formal_list(&self, election_id: Uuid) -> StoreResult<Option<FormalList>>;
    /// R-NOM-6, in ONE transaction: marks the candidate withdrawn and adds
    /// the replacement (if any) as a formal candidate for the same position.
    /// `Nomination(NotACandidate)` unless standing;
    /// `Nomination(FormalListNotPublished)` before the list.
    async fn withdraw_candidate(
        &self,
        election_id: Uuid,
        withdrawal: &Withdrawal,
        now: DateTime<Utc>,
    ) -> StoreResult<FormalList>;
    /// R-POLL-2: records a member of the counting staff, refusing a standing
    /// formal candidate inside the transaction (`Nomination(CandidateAsStaff)`)
    /// and the same person twice in one role at one station
    /// (`Nomination(Duplicate)`).
    async fn appoint_staff(
        &self,
        election_id: Uuid,
        new: &NewStaff,
        now: DateTime<Utc>,
    ) -> StoreResult<Staff>;
    /// In the order appointed.
    async fn list_staff(&self, election_id: Uuid) -> StoreResult<Vec<Staff>>;

    // --- arrangements ----------------------------------------------------------
    /// Replaces the election's arrangements (validated by the caller).
    /// `NotFound` for an unknown election.
    async fn set_arrangements(
        &self,
        election_id: Uuid,
        arrangements: &Arrangements,
    ) -> StoreResult<()>;
    /// The arrangements, all undecided when never set.
    async fn arrangements(&self, election_id: Uuid) -> StoreResult<Arrangements>;
    /// Records a family relation (stored once per pair, in id order).
    /// `State(NotPublished)` before the voter list is published,
    /// `Nomination(NotOnRoll)` for a resident not on this roll,
    /// `Nomination(Duplicate)` when the pair is already recorded,
    /// `State(Empty)` for a resident related to themself.
    async fn record_relation(&self, election_id: Uuid, relation: &Relation) -> StoreResult<()>;
    /// Every recorded relation, pairs in id order.
    async fn list_relations(&self, election_id: Uuid) -> StoreResult<Vec<Relation>>;
    /// Records that a resident of the roll holds an office that bars them
    /// from the supervisory committee (R-BODY-4); once per office.
    async fn record_recusal(&self, election_id: Uuid, recusal: &Recusal) -> StoreResult<()>;
    /// Every recorded recusal, oldest first.
    async fn list_recusals(&self, election_id: Uuid) -> StoreResult<Vec<Recusal>>;
    /// Records (or replaces) a board of supervisors' whole size
    /// (R-BODY-6). `NotFound` for an unknown election,
    /// `Nomination(FormalListPublished)` once the formal list is fixed
    /// (it was checked against the size).
    async fn set_board_size(&self, election_id: Uuid, size: &BoardSize) -> StoreResult<()>;
    /// The recorded board size, if any.
    async fn board_size(&self, election_id: Uuid) -> StoreResult<Option<BoardSize>>;

    // --- ballots (issue 5) -------------------------------------------------------
    /// The election's serial key: `candidate` is stored if the election has
    /// none yet, and the stored key is returned either way (so two first
    /// printings at once agree on one key). `NotFound` for an unknown
    /// election.
    async fn ballot_key(
        &self,
        election_id: Uuid,
        candidate: &BallotKey,
        now: DateTime<Utc>,
    ) -> StoreResult<BallotKey>;
    /// The election's serial key if one was made (a read: checking a
    /// serial at a scan writes nothing).
    async fn find_ballot_key(&self, election_id: Uuid) -> StoreResult<Option<BallotKey>>;
    /// Records a printed batch and its serials' random parts in ONE
    /// transaction. `Conflict` when its number is taken or a random part
    /// repeats one already printed (the caller signs again; nothing is
    /// written); `State(Empty)` for a batch of no ballots or number 0.
    async fn record_batch(
        &self,
        election_id: Uuid,
        new: &NewBatch,
        now: DateTime<Utc>,
    ) -> StoreResult<Batch>;
    /// Oldest first.
    async fn list_batches(&self, election_id: Uuid) -> StoreResult<Vec<Batch>>;
    /// The random parts of a batch's ballots, in byte order (the order
    /// they are printed in). Empty for an unknown batch.
    async fn batch_randoms(&self, election_id: Uuid, batch_id: Uuid) -> StoreResult<Vec<[u8; 8]>>;
    /// The printed ballot with this random part, if one was printed.
    async fn printed_serial(
        &self,
        election_id: Uuid,
        random: [u8; 8],
    ) -> StoreResult<Option<PrintedSerial>>;
    /// Voids a spoiled ballot by its serial. `NotFound` if never printed;
    /// `Nomination(Duplicate)` if already voided.
    async fn void_serial(
        &self,
        election_id: Uuid,
        random: [u8; 8],
        reason: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<PrintedSerial>;

    // --- polling day (issue 6) ------------------------------------------------
    /// Sets up a station, checked in the same transaction against the
    /// stations there are (R-POLL-1: `huanjie_core::polling::
    /// check_new_station` with `rules`; `assembly` for a representatives'
    /// assembly). Refused once any station's polls have opened.
    async fn add_station(
        &self,
        election_id: Uuid,
        new: &NewStation,
        rules: &huanjie_core::profile::PollingRules,
        assembly: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<Station>;
    /// In the order they were set up, with their counters.
    async fn list_stations(&self, election_id: Uuid) -> StoreResult<Vec<Station>>;
    /// Opens a station's polls (only with every counter at zero).
    /// Opens a station's polls: only with every counter at zero and at
    /// least `scrutineers_min` scrutineers appointed for the station, by
    /// its code or its name (R-POLL-2, `appoint_staff`).
    async fn open_polls(
        &self,
        election_id: Uuid,
        code: &str,
        scrutineers_min: u32,
        now: DateTime<Utc>,
    ) -> StoreResult<Station>;

    /// Adds `delta` ballots issued (negative: a mistaken entry taken back),
    /// only while polls are open.
    async fn record_issued(
        &self,
        election_id: Uuid,
        code: &str,
        delta: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<Station>;
    async fn close_polls(
        &self,
        election_id: Uuid,
        code: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Station>;
    /// Stores scans in ONE transaction (group commit: the caller gathers
    /// concurrent requests), each with its own outcome; nothing is
    /// acknowledged before the transaction commits.
    async fn record_scans(
        &self,
        election_id: Uuid,
        scans: &[NewScan],
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<ScanOutcome>> {
        self.record_scans_logged(election_id, scans, &|_, _| None, now)
            .await
    }
    /// As [`Store::record_scans`], and in the SAME transaction appends to
    /// the audit log the entry `log(i, outcome)` gives for the `i`-th
    /// scan (`None`: nothing): a scan and its audit entry commit together,
    /// with one commit for a whole group (issue 8 without halving the
    /// scan rate).
    async fn record_scans_logged(
        &self,
        election_id: Uuid,
        scans: &[NewScan],
        log: &crate::ScanLogFn<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<ScanOutcome>>;
    /// Every stored scan's receipt, by station then number.
    async fn list_scans(&self, election_id: Uuid) -> StoreResult<Vec<Receipt>>;
    /// Ballots a person has to look at, or has decided (R-CNT-4), by
    /// station then number; `station` narrows to one station.
    async fn list_reviews(
        &self,
        election_id: Uuid,
        station: Option<&str>,
    ) -> StoreResult<Vec<Review>>;
    /// Records a person's reading of a ballot under review (canonical
    /// marks JSON), once: a ballot without an open question is refused
    /// (`PollingStateError::NothingToDecide`).
    async fn decide_scan(
        &self,
        election_id: Uuid,
        station: &str,
        number: u64,
        decision: &str,
        by: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Review>;
    /// The stored ballots as the count sees them, by station then number;
    /// with `after`, only those past each station's receipt number there
    /// (a station not in it: all of its ballots). A live count reads the
    /// new ballots only.
    async fn counted_scans(
        &self,
        election_id: Uuid,
        after: &std::collections::HashMap<String, u64>,
    ) -> StoreResult<Vec<CountedScan>>;
    /// Hears every committed change to polling day, from this process and
    /// (on PostgreSQL) every other process sharing the database. A
    /// receiver that lags is told so (`RecvError::Lagged`) and should
    /// recount.
    fn changes(&self) -> tokio::sync::broadcast::Receiver<Change>;

    /// Creates a later round of `parent` (a further election or a
    /// tie-break vote) in ONE transaction: the election, numbered after
    /// the parent, with the parent's stations (fresh polls) and counting
    /// staff copied.
    async fn create_round(
        &self,
        parent: Uuid,
        new: &NewRound,
        now: DateTime<Utc>,
    ) -> StoreResult<Election>;

    // --- during the term (issue 7, item 5) ------------------------------------
    /// Records a recall request, a resignation or a by-election for the
    /// term of `term` (a general round), numbered next.
    async fn add_term_event(
        &self,
        term: Uuid,
        new: &NewTermEvent,
        by: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<TermEvent>;

    /// The term's events, by number.
    async fn term_events(&self, term: Uuid) -> StoreResult<Vec<TermEvent>>;

    /// Moves event `number` on, only from `step.expect` (else
    /// [`StoreError::Conflict`]: someone took the step first).
    async fn step_term_event(
        &self,
        term: Uuid,
        number: u32,
        step: &TermStep,
        by: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<TermEvent>;

    /// Creates the vote that holds event `number` (a round of `term` with
    /// `vote.purpose`), links it and takes `step`, in one transaction.
    async fn start_term_vote(
        &self,
        term: Uuid,
        number: u32,
        vote: &NewRound,
        step: &TermStep,
        by: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<(TermEvent, Election)>;

    // --- certification (issue 7) ----------------------------------------------
    /// The election's signing key: `candidate` is stored if the election
    /// has none yet; the stored one is returned either way.
    async fn signing_key(
        &self,
        election_id: Uuid,
        candidate: &SigningKey,
        now: DateTime<Utc>,
    ) -> StoreResult<SigningKey>;
    async fn find_signing_key(&self, election_id: Uuid) -> StoreResult<Option<SigningKey>>;
    /// The server's own signing key, for the server chain's audit
    /// checkpoints: `candidate` is stored if there is none yet; the stored
    /// one is returned either way.
    async fn server_signing_key(
        &self,
        candidate: &SigningKey,
        now: DateTime<Utc>,
    ) -> StoreResult<SigningKey>;
    /// The server's signing key, if it has one yet.
    async fn find_server_signing_key(&self) -> StoreResult<Option<SigningKey>>;
    /// Certifies a round, once (`Conflict` when it is certified already);
    /// from then on its ballots are locked (scans and decisions refused).
    async fn certify(
        &self,
        election_id: Uuid,
        new: &NewCertification,
        now: DateTime<Utc>,
    ) -> StoreResult<Certification>;
    async fn certifications(&self, election_id: Uuid) -> StoreResult<Vec<Certification>>;

    // --- audit log (issue 8) --------------------------------------------------
    /// Appends a group of events in ONE transaction (callers batch), each
    /// after its chain's head as read inside the transaction
    /// (`huanjie_core::audit::next`), in the group's order; returns the
    /// entries as stored. Appenders to one chain take turns, so a chain
    /// never forks or skips a number. `Audit(Entry(..))` for an event the
    /// chain refuses (a float, a whole resident ID): nothing is written.
    async fn append_audit(
        &self,
        entries: &[huanjie_core::audit::NewEntry],
    ) -> StoreResult<Vec<huanjie_core::audit::Entry>>;
    /// A chain's entries numbered above `after_seq`, in order, at most
    /// `limit` (capped at [`MAX_AUDIT_PAGE`]).
    async fn list_audit(
        &self,
        chain: Uuid,
        after_seq: u64,
        limit: u32,
    ) -> StoreResult<Vec<huanjie_core::audit::Entry>>;
    /// A chain's last entry (`None`: empty).
    async fn audit_head(&self, chain: Uuid) -> StoreResult<Option<huanjie_core::audit::Entry>>;
    /// Stores a signed checkpoint. `Audit(Checkpoint(..))` when it does
    /// not describe the stored log (its size beyond the log, another hash
    /// at its size); `Conflict` when the chain has one at that size. The
    /// caller has signed it (the store holds no key).
    async fn add_checkpoint(
        &self,
        checkpoint: &huanjie_core::audit::Checkpoint,
        signature: [u8; 64],
    ) -> StoreResult<()>;
    /// A chain's checkpoints with their signatures, smallest size first.
    async fn list_checkpoints(
        &self,
        chain: Uuid,
    ) -> StoreResult<Vec<(huanjie_core::audit::Checkpoint, [u8; 64])>>;

    // --- observer access (issue 8) ------------------------------------------
    /// Who may read the election's observer portal (`Token` for an
    /// election never set).
    async fn observer_access(&self, election_id: Uuid) -> StoreResult<ObserverAccess>;
    /// Sets it, with who and when, in ONE transaction; `NotFound` for an
    /// unknown election.
    async fn set_observer_access(
        &self,
        election_id: Uuid,
        access: ObserverAccess,
        by: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;

    // --- sampling audit (issue 8) --------------------------------------------
    /// Every counted ballot (stored scan) with what spells its serial, by
    /// station then receipt number: the population of a sampling audit.
    async fn audit_ballots(&self, election_id: Uuid) -> StoreResult<Vec<AuditBallot>>;
    /// Stores a drawn sample as the next audit of the election, in ONE
    /// transaction; `Conflict` when the election's counted ballots are no
    /// longer `population` (one was counted since the draw: draw again).
    async fn start_sample_audit(
        &self,
        election_id: Uuid,
        new: &NewSampleAudit,
        now: DateTime<Utc>,
    ) -> StoreResult<SampleAudit>;
    /// The election's audits, by number.
    async fn list_sample_audits(&self, election_id: Uuid) -> StoreResult<Vec<SampleAudit>>;
    async fn sample_audit(
        &self,
        election_id: Uuid,
        number: u64,
    ) -> StoreResult<Option<SampleAudit>>;
    /// An audit's drawn serials in draw order, each with its ballot's
    /// recorded marks and its finding.
    async fn sampled_ballots(
        &self,
        election_id: Uuid,
        number: u64,
    ) -> StoreResult<Vec<SampledBallot>>;
    /// Records what the paper showed for one drawn serial, once, in ONE
    /// transaction: `NotFound` when the audit did not draw that serial,
    /// `Conflict` when it has a finding already.
    async fn record_sample_finding(
        &self,
        election_id: Uuid,
        number: u64,
        finding: &NewFinding,
        now: DateTime<Utc>,
    ) -> StoreResult<SampledBallot>;

    // --- homeowners' assembly (R-OWN-1; issue 7, item 6) ---------------------
    /// Groups `units` into owners by the core (R-OWN-1) and stores the
    /// register whole in ONE transaction, replacing any earlier one;
    /// `NotFound` for an unknown election, `Conflict` ([`MATTERS_EXIST`])
    /// once a matter has been put to the assembly.
    async fn replace_homeowner_register(
        &self,
        election_id: Uuid,
        units: &[Unit],
        by: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<huanjie_core::homeowners::Register>;
    /// The stored register (`None` before any import).
    async fn homeowner_register(&self, election_id: Uuid)
        -> StoreResult<Option<HomeownerRegister>>;
    /// Numbers and stores a matter in ONE transaction; `Conflict`
    /// ([`NO_REGISTER`]) before a register is imported.
    async fn add_homeowner_matter(
        &self,
        election_id: Uuid,
        kind: MatterKind,
        title: &str,
        by: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<HomeownerMatter>;
    /// The election's matters, by number.
    async fn homeowner_matters(&self, election_id: Uuid) -> StoreResult<Vec<HomeownerMatter>>;
    /// Records one owner's vote on a matter in ONE transaction: `NotFound`
    /// for an unknown matter or owner, `Conflict` ([`VOTED_ALREADY`]) for
    /// the owner's second vote on it, written or in person.
    async fn record_homeowner_vote(
        &self,
        election_id: Uuid,
        matter: u32,
        vote: &Vote,
        by: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<HomeownerVote>;
    /// A matter's votes, by owner number.
    async fn homeowner_votes(
        &self,
        election_id: Uuid,
        matter: u32,
    ) -> StoreResult<Vec<HomeownerVote>>;

    // --- electing the homeowners' committee (R-OWN-1, R-BODY-6) --------------
    /// Numbers and stores a committee election in ONE transaction, one
    /// ordinary matter per candidate; `Conflict` ([`NO_REGISTER`]) before a
    /// register is imported.
    async fn add_committee_election(
        &self,
        election_id: Uuid,
        new: &NewCommitteeElection,
        by: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<CommitteeElection>;
    /// The election's committee elections, by number, candidates in
    /// ballot order.
    async fn committee_elections(&self, election_id: Uuid) -> StoreResult<Vec<CommitteeElection>>;
    /// Records one owner's ballot in ONE transaction, all of it or none:
    /// `NotFound` for an unknown committee election, candidate or owner;
    /// `Conflict` ([`TOO_MANY_FOR`]) when the owner would then have more
    /// votes for candidates than seats, ([`VOTED_ALREADY`]) when the owner
    /// has voted on any of the candidates already. `record_homeowner_vote`
    /// on a candidate's matter keeps the same limit.
    async fn record_committee_ballot(
        &self,
        election_id: Uuid,
        committee: u32,
        ballot: &CommitteeBallot,
        by: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<HomeownerVote>>;
}

/// Which adapter a database URL selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Postgres,
    SqliteUrl,
    SqlitePath,
}

fn target(url: &str) -> StoreResult<Target> {
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
        Ok(Target::Postgres)
    } else if lower.starts_with("sqlite:") {
        Ok(Target::SqliteUrl)
    } else if url.trim().is_empty() {
        Err(StoreError::Database(sqlx::Error::Configuration(
            "empty database URL".into(),
        )))
    } else if url.contains("://") {
        // Some other scheme (mysql://, http://): refuse it rather than
        // creating a file with a URL for a name.
        Err(StoreError::Database(sqlx::Error::Configuration(
            format!("unsupported database URL {url:?}: use postgres://, sqlite: or a file path")
                .into(),
        )))
    } else {
        Ok(Target::SqlitePath)
    }
}

/// Opens the store named by `url` (the value of `HUANJIE_DATABASE_URL`):
/// `postgres://…` or `postgresql://…` selects [`PostgresStore`]; an
/// `sqlite:` URL or a plain file path selects [`SqliteStore`] (the file and
/// its directories are created if missing). Migrations run before this
/// returns.
pub async fn connect(url: &str) -> StoreResult<Arc<dyn Store>> {
    Ok(match target(url)? {
        Target::Postgres => Arc::new(PostgresStore::connect(url).await?),
        Target::SqliteUrl => Arc::new(SqliteStore::connect_url(url).await?),
        Target::SqlitePath => Arc::new(SqliteStore::open(url).await?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_select_the_adapter() {
        assert_eq!(target("postgres://u@h/db").unwrap(), Target::Postgres);
        assert_eq!(target("postgresql://u@h:5/db").unwrap(), Target::Postgres);
        assert_eq!(target("PostgreSQL://u@h/db").unwrap(), Target::Postgres);
        assert_eq!(target("sqlite:data/h.db").unwrap(), Target::SqliteUrl);
        assert_eq!(target("sqlite::memory:").unwrap(), Target::SqliteUrl);
        assert_eq!(target("sqlite:///var/h.db").unwrap(), Target::SqliteUrl);
        assert_eq!(target("data/huanjie.db").unwrap(), Target::SqlitePath);
        assert_eq!(target("/var/lib/huanjie.db").unwrap(), Target::SqlitePath);
        assert!(matches!(
            target("mysql://h/db"),
            Err(StoreError::Database(_))
        ));
        assert!(matches!(target(""), Err(StoreError::Database(_))));
        assert!(matches!(target("  "), Err(StoreError::Database(_))));
    }

    #[test]
    fn stable_names_round_trip() {
        for kind in [
            BodyKind::ResidentsCommittee,
            BodyKind::SupervisoryCommittee,
            BodyKind::HomeownersCommittee,
            BodyKind::SupervisoryBoard,
        ] {
            assert_eq!(BodyKind::parse(kind.as_str()), Some(kind));
        }
        for role in [Role::Committee, Role::Clerk, Role::Observer] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("Committee"), None);
        assert_eq!(BodyKind::parse(""), None);
    }
}

use huanjie_core::resident_id::mask as masked_id;

// Resident IDs are personal data and never reach a log whole: the roll's
// types print them masked in `Debug` (and leave the other personal fields
// out).

impl std::fmt::Debug for NewResident {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewResident")
            .field("row", &self.row)
            .field("resident_id", &masked_id(&self.resident_id))
            .field("group", &self.group)
            .field("category", &self.category)
            .field("exclusion", &self.exclusion)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for Resident {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Resident")
            .field("id", &self.id)
            .field("election_id", &self.election_id)
            .field("row", &self.row)
            .field("resident_id", &masked_id(&self.resident_id))
            .field("group", &self.group)
            .field("category", &self.category)
            .field("exclusion", &self.exclusion)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for RollConflict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RollConflict")
            .field("row", &self.row)
            .field("resident_id", &masked_id(&self.resident_id))
            .field("other_election_id", &self.other_election_id)
            .field("other_election_title", &self.other_election_title)
            .finish()
    }
}

impl std::fmt::Debug for ResidentQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResidentQuery")
            .field("name", &self.name.as_ref().map(|_| "…"))
            .field("resident_id", &self.resident_id.as_deref().map(masked_id))
            .field("group", &self.group)
            .field("voters_only", &self.voters_only)
            .field("limit", &self.limit)
            .field("offset", &self.offset)
            .finish()
    }
}

#[cfg(test)]
mod privacy_tests {
    use super::*;

    #[test]
    fn debug_never_shows_a_whole_resident_id() {
        let id = "11010519491231002X";
        let conflict = RollConflict {
            row: 2,
            resident_id: id.into(),
            other_election_id: Uuid::nil(),
            other_election_title: "甲".into(),
        };
        let query = ResidentQuery {
            resident_id: Some(id.into()),
            ..ResidentQuery::default()
        };
        for text in [format!("{conflict:?}"), format!("{query:?}")] {
            assert!(!text.contains(id), "{text}");
            assert!(text.contains("1101**********002X"), "{text}");
        }
        assert_eq!(masked_id("1234"), "****");
    }
}
