//! The port's types for the rest of voter registration: the election mode,
//! publication, changes after publication, objections, proxies and writing
//! assistants (R-REG-4..6, R-POLL-4). Plain data; the rules are in
//! `huanjie_core::registration`, and the adapters call them inside their
//! transactions where a decision must not race another writer.

use chrono::{DateTime, NaiveDate, Utc};
use huanjie_core::registration::mode::{Base, Mode};
use huanjie_core::registration::proxy::ProxyRefusal;
use huanjie_core::resident_id::mask as masked_id;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::NewResident;

/// How an election registers its voters (R-REG-4, R-REG-6). An election
/// without a stored setup is direct and not voluntary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RegistrationSetup {
    pub mode: Mode,
    /// A voluntary-registration community (R-REG-4).
    pub voluntary: bool,
}

/// The voter list as published (R-REG-5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Publication {
    pub published_at: DateTime<Utc>,
    /// The date printed on the notice (the election's calendar day).
    pub published_on: NaiveDate,
    /// Username of the committee member who published.
    pub published_by: String,
    /// `Some(days)` when published after the R-REG-5 deadline under a
    /// profile that allows it.
    pub late_days: Option<u32>,
    pub setup: RegistrationSetup,
    /// Voters on the list when published.
    pub voters: u64,
    /// The registered base when published (R-REG-4/6).
    pub registered: u64,
    /// The fingerprint printed on the notice (64 hex digits).
    pub fingerprint: String,
    /// The fingerprint after the latest change (equal to `fingerprint`
    /// while nothing has changed).
    pub current_fingerprint: String,
    /// Changes recorded since publication.
    pub changes: u32,
}

/// What the store knows of an election's registration.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RegistrationState {
    pub setup: RegistrationSetup,
    pub publication: Option<Publication>,
}

/// A publication request. The store computes the tally, the base and the
/// fingerprint inside its transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPublication {
    pub published_on: NaiveDate,
    pub published_by: String,
    pub late_days: Option<u32>,
}

/// What [`crate::Store::publish_roll`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PublishOutcome {
    Published(Publication),
    /// Nothing was written: the roll does not fit its mode (R-REG-4/6).
    Problems(Base),
}

/// Fields of a resident that a change may set; `None` leaves a field as it
/// is. `exclusion: Some(None)` makes the resident a voter,
/// `Some(Some(code))` takes them off (e.g. `struck_off`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ResidentEdit {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub household: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "double_option"
    )]
    pub exclusion: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waived: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voluntary: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub household_representative: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub residents_representative: Option<bool>,
}

impl ResidentEdit {
    /// Whether the edit sets nothing.
    pub fn is_empty(&self) -> bool {
        *self == ResidentEdit::default()
    }
}

/// `Option<Option<T>>` in JSON: absent = `None`, `null` = `Some(None)`.
mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(v: &Option<Option<String>>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(inner) => inner.serialize(s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Option<String>>, D::Error> {
        Option::<String>::deserialize(d).map(Some)
    }
}

/// One change to the roll.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RollChangeKind {
    /// A resident left off the roll (漏登), checked by the caller with
    /// `huanjie_core::registration::decide`. R-REG-3 applies as on import.
    Add { resident: NewResident },
    /// A resident's fields change (a wrong entry struck off, details put
    /// right, a waiver, a representative named).
    Edit { resident: Uuid, edit: ResidentEdit },
}

/// A change with its reason and author (R-REG-5: every change after
/// publication is recorded with its reason).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollAmendment {
    pub change: RollChangeKind,
    /// Not empty.
    pub reason: String,
    pub author: String,
    /// The objection this change decides, if any.
    pub objection: Option<Uuid>,
}

/// One field's old and new value, as text (`null` for none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    /// The field's API name (`name`, `exclusion`, `waived`, …).
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// A recorded change to an election's roll.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RollChange {
    pub id: Uuid,
    pub election_id: Uuid,
    /// 1, 2, 3 … within the election.
    pub seq: u32,
    pub at: DateTime<Utc>,
    pub author: String,
    pub reason: String,
    pub objection: Option<Uuid>,
    /// `add` or `edit`.
    pub kind: String,
    /// The resident's record id.
    pub resident: Uuid,
    /// The resident's ID number (personal data: mask for observers).
    pub resident_id: String,
    pub resident_name: String,
    /// For `add`, every field from none; for `edit`, the fields that changed.
    pub fields: Vec<FieldChange>,
    /// The list's fingerprint after this change; `None` before publication.
    pub fingerprint_after: Option<String>,
}

/// What [`crate::Store::amend_roll`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
// Returned once per call and matched at once: boxing would buy nothing.
#[allow(clippy::large_enum_variant)]
pub enum AmendOutcome {
    Amended(RollChange),
    /// Nothing was written: the added resident is a voter in another
    /// election of the same round (R-REG-3).
    Conflicts(Vec<crate::RollConflict>),
}

/// What an objection is about (异议).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectionKind {
    /// 漏登: someone is missing.
    Omission,
    /// 错登: someone is on the list who should not be.
    WrongEntry,
    /// 重登: someone is on twice (here and elsewhere).
    Duplicate,
    /// Details are wrong (name, group, household …).
    WrongDetails,
    Other,
}

impl ObjectionKind {
    pub const ALL: [ObjectionKind; 5] = [
        ObjectionKind::Omission,
        ObjectionKind::WrongEntry,
        ObjectionKind::Duplicate,
        ObjectionKind::WrongDetails,
        ObjectionKind::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ObjectionKind::Omission => "omission",
            ObjectionKind::WrongEntry => "wrong_entry",
            ObjectionKind::Duplicate => "duplicate",
            ObjectionKind::WrongDetails => "wrong_details",
            ObjectionKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == s)
    }
}

/// Where an objection stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectionStatus {
    Lodged,
    Upheld,
    Rejected,
}

impl ObjectionStatus {
    pub fn code(self) -> &'static str {
        match self {
            ObjectionStatus::Lodged => "lodged",
            ObjectionStatus::Upheld => "upheld",
            ObjectionStatus::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            ObjectionStatus::Lodged,
            ObjectionStatus::Upheld,
            ObjectionStatus::Rejected,
        ]
        .into_iter()
        .find(|k| k.code() == s)
    }
}

/// An objection as lodged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewObjection {
    pub lodged_on: NaiveDate,
    /// Who lodged it (a name, as they gave it).
    pub lodger: String,
    /// The resident it is about, when on the roll.
    pub subject_resident: Option<Uuid>,
    /// Whom it is about, in words (a name, or a description for someone
    /// missing).
    pub subject: String,
    pub kind: ObjectionKind,
    /// What the lodger asks for and why. Not empty.
    pub claim: String,
    /// Username of the committee member who took it.
    pub recorded_by: String,
}

/// A stored objection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Objection {
    pub id: Uuid,
    pub election_id: Uuid,
    /// 1, 2, 3 … within the election.
    pub number: u32,
    pub lodged_on: NaiveDate,
    pub lodged_at: DateTime<Utc>,
    pub lodger: String,
    pub subject_resident: Option<Uuid>,
    pub subject: String,
    pub kind: ObjectionKind,
    pub claim: String,
    pub recorded_by: String,
    pub status: ObjectionStatus,
    /// The committee's reasons (set with the decision).
    pub decision: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by: Option<String>,
    /// The roll change an upheld objection made, if any.
    pub change: Option<Uuid>,
    pub answered_on: Option<NaiveDate>,
    pub answered_at: Option<DateTime<Utc>>,
    pub answered_by: Option<String>,
    /// `Some(true)` when answered after the R-REG-5 deadline.
    pub answer_late: Option<bool>,
}

/// The committee's decision on an objection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectionDecision {
    pub upheld: bool,
    /// Not empty.
    pub reason: String,
    pub by: String,
    /// For an upheld objection, the change to the roll it makes, recorded
    /// in the same transaction with `reason` and a link to the objection.
    pub change: Option<RollChangeKind>,
}

/// The answer given to the lodger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectionAnswer {
    pub answered_on: NaiveDate,
    pub by: String,
    pub late: bool,
}

/// A proxy to record (委托投票, R-POLL-4), approved by the committee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProxy {
    /// The resident record of the voter giving the authorisation.
    pub grantor: Uuid,
    /// The resident record of the proxy.
    pub proxy: Uuid,
    pub lodged_on: NaiveDate,
    /// The written authorisation's reference (委托书编号), not empty.
    pub document: String,
    pub approved_by: String,
}

/// One party of a proxy as listed.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    pub resident: Uuid,
    pub resident_id: String,
    pub name: String,
    pub group: String,
}

/// A recorded proxy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proxy {
    pub id: Uuid,
    pub election_id: Uuid,
    pub grantor: Party,
    pub proxy: Party,
    pub lodged_on: NaiveDate,
    pub document: String,
    pub approved_by: String,
    pub approved_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_by: Option<String>,
}

/// What [`crate::Store::register_proxy`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
// Returned once per call and matched at once: boxing would buy nothing.
#[allow(clippy::large_enum_variant)]
pub enum ProxyOutcome {
    Registered(Proxy),
    /// Nothing was written (R-POLL-4).
    Refused(ProxyRefusal),
}

/// A writing assistant to record (代写, R-POLL-4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAssistant {
    /// The resident record of the voter who cannot write.
    pub voter: Uuid,
    /// The assistant's name.
    pub assistant: String,
    pub reason: String,
    pub recorded_by: String,
}

/// A recorded writing assistant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assistant {
    pub id: Uuid,
    pub election_id: Uuid,
    pub voter: Party,
    pub assistant: String,
    pub reason: String,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

/// A step refused because of where the election's registration stands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StateError {
    /// R-REG-5: the list is published; the roll changes only by recorded
    /// amendments, the setup not at all.
    #[error("R-REG-5: the voter list is already published")]
    AlreadyPublished,
    /// Objections and proxies come after publication.
    #[error("R-REG-5: the voter list is not published yet")]
    NotPublished,
    /// There is no roll to publish.
    #[error("no roll has been imported")]
    NoRoll,
    /// The objection is not in the state the step needs.
    #[error("the objection is {0}")]
    Objection(&'static str),
    /// The resident is not a voter of this election (R-POLL-4 assistants).
    #[error("R-POLL-4: the resident is not a voter of this election")]
    NotAVoter,
    /// A reason, a claim or a document reference was empty.
    #[error("{0} must not be empty")]
    Empty(&'static str),
}

impl std::fmt::Debug for Party {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Party")
            .field("resident", &self.resident)
            .field("resident_id", &masked_id(&self.resident_id))
            .field("group", &self.group)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for RollChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RollChange")
            .field("id", &self.id)
            .field("seq", &self.seq)
            .field("kind", &self.kind)
            .field("resident", &self.resident)
            .field("resident_id", &masked_id(&self.resident_id))
            .field("objection", &self.objection)
            .field("fingerprint_after", &self.fingerprint_after)
            .finish_non_exhaustive()
    }
}
