//! The stored side of nomination (R-BODY-1/2/5, R-NOM-1..6, R-POLL-2):
//! the seat plan, the election committee's members, nomination papers,
//! preliminary votes, the formal candidate list with its withdrawals, and
//! the counting staff.
//!
//! The rules themselves are `huanjie_core::nomination` (pure); the caller
//! gathers the facts with the read methods, applies the rules and writes
//! with one of the methods here. Each write is one transaction, and the
//! schema keeps the few facts a race could break (a voter nominates once,
//! one formal list per election, a candidate is not counting staff) as
//! constraints the adapter checks inside that transaction.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use huanjie_core::nomination::committee::CommitteeRole;
pub use huanjie_core::nomination::staff::StaffRole;
pub use huanjie_core::nomination::NominationKind;

use crate::PositionSeats;

/// R-BODY-1/2: how the committee fixed the number of seats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeatPlan {
    /// Households counted in the community.
    pub households: u64,
    /// Members the profile's formula gives for `households`.
    pub formula_members: u32,
    /// Seats per position, in ballot order (they replace the election's).
    pub seats: Vec<PositionSeats>,
    /// Why the committee departed from the formula; empty when it did not.
    pub reason: String,
    pub decided_by: String,
    /// Set by the store.
    #[serde(default)]
    pub decided_at: Option<DateTime<Utc>>,
}

/// A member as the committee records them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewCommitteeMember {
    pub name: String,
    /// `M` or `F`.
    pub gender: String,
    pub role: CommitteeRole,
    /// The member's record on this election's roll, when they are on it
    /// (needed to see that they became a formal candidate, R-BODY-5).
    pub resident: Option<Uuid>,
}

/// A stored member; `left_*` set once they left the committee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitteeMember {
    pub id: Uuid,
    pub election_id: Uuid,
    pub name: String,
    pub gender: String,
    pub role: CommitteeRole,
    pub resident: Option<Uuid>,
    pub appointed_at: DateTime<Utc>,
    pub left_at: Option<DateTime<Utc>>,
    /// `formal_candidate` (R-BODY-5) or the committee's own words.
    pub left_reason: Option<String>,
}

/// One person named on a nomination paper, for one position.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Named {
    /// Resident record on this election's roll.
    pub resident: Uuid,
    /// A position code of the election's seats.
    pub position: String,
}

/// A nomination paper as received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewNomination {
    pub kind: NominationKind,
    /// Residents who sign (joint and self-nominations; empty for an
    /// organisation, a group or the township).
    pub nominators: Vec<Uuid>,
    /// Who the paper names, and for which position.
    pub nominees: Vec<Named>,
    /// The nominating organisation or residents' group, in words.
    pub nominated_by: String,
    pub lodged_on: NaiveDate,
    pub recorded_by: String,
    /// `Some(rule, reason)` when the paper is received but void (R-NOM-2:
    /// one person named for two positions). A void paper names nobody
    /// and does not spend its nominators' one nomination.
    pub void: Option<VoidReason>,
}

/// Why a received paper is void.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoidReason {
    pub rule: String,
    pub code: String,
}

/// A stored nomination paper, numbered 1, 2, 3 … per election.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Nomination {
    pub id: Uuid,
    pub election_id: Uuid,
    pub number: u32,
    pub kind: NominationKind,
    pub nominators: Vec<Uuid>,
    pub nominees: Vec<Named>,
    pub nominated_by: String,
    pub lodged_on: NaiveDate,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
    pub void: Option<VoidReason>,
}

/// R-NOM-3: one nominee's preliminary-vote result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreliminaryVote {
    pub resident: Uuid,
    pub position: String,
    pub votes: u64,
}

/// The formal candidate list as the committee fixes it (R-NOM-4/5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewFormalList {
    /// Per position, the formal candidates (order is not significant: the
    /// list is shown in surname-stroke order).
    pub candidates: Vec<Named>,
    pub published_on: NaiveDate,
    /// Days after the R-NOM-5 deadline, when a profile allows lateness.
    pub late_days: Option<u32>,
    pub published_by: String,
}

/// Where a formal candidate stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CandidateStatus {
    Formal,
    /// R-NOM-6.
    Withdrawn,
}

impl CandidateStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CandidateStatus::Formal => "formal",
            CandidateStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "formal" => CandidateStatus::Formal,
            "withdrawn" => CandidateStatus::Withdrawn,
            _ => return None,
        })
    }
}

/// One formal candidate, with the person's roll details for the notices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub resident: Uuid,
    pub position: String,
    pub name: String,
    pub gender: String,
    pub group: String,
    pub status: CandidateStatus,
    /// Whom this candidate replaced (R-NOM-6), if anyone.
    pub replaces: Option<Uuid>,
    pub withdrawn_on: Option<NaiveDate>,
    pub withdrawal_reason: Option<String>,
}

/// The fixed formal list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormalList {
    pub election_id: Uuid,
    pub published_on: NaiveDate,
    pub published_at: DateTime<Utc>,
    pub published_by: String,
    pub late_days: Option<u32>,
    /// Withdrawn ones included; by position in seat order, then by record.
    pub candidates: Vec<Candidate>,
}

/// What fixing the formal list did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormalListOutcome {
    pub list: FormalList,
    /// R-BODY-5: committee members who became formal candidates and left
    /// the committee in the same transaction; their seats are vacant.
    pub left_committee: Vec<CommitteeMember>,
}

/// R-NOM-6: a withdrawal, with its replacement when there is one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Withdrawal {
    pub resident: Uuid,
    pub position: String,
    pub on: NaiveDate,
    pub reason: String,
    /// The next nominee by preliminary votes (decided by the caller).
    pub replacement: Option<Uuid>,
    pub by: String,
}

/// A member of the counting staff as appointed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewStaff {
    pub resident: Uuid,
    pub role: StaffRole,
    /// The polling station or the count venue, in words.
    pub station: String,
    pub appointed_by: String,
}

/// A stored member of the counting staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Staff {
    pub id: Uuid,
    pub election_id: Uuid,
    pub resident: Uuid,
    pub name: String,
    pub group: String,
    pub role: StaffRole,
    pub station: String,
    pub appointed_by: String,
    pub appointed_at: DateTime<Utc>,
}

/// A step refused because of where the election's nomination stands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NominationStateError {
    /// R-NOM-5: the formal list is fixed; seats and nominations no longer
    /// change, and it is not fixed twice.
    #[error("R-NOM-5: the formal candidate list is already published")]
    FormalListPublished,
    /// Withdrawals and counting staff come after the formal list.
    #[error("R-NOM-5: the formal candidate list is not published yet")]
    FormalListNotPublished,
    /// R-NOM-2: a voter nominates once.
    #[error("R-NOM-2: a voter nominates once; this one already signed nomination {number}")]
    AlreadyNominated { resident: Uuid, number: u32 },
    /// A position code that is not one of the election's seats.
    #[error("no position {0:?} in this election's seats")]
    UnknownPosition(String),
    /// A referenced resident is not on this election's roll.
    #[error("resident {0} is not on this election's roll")]
    NotOnRoll(Uuid),
    /// R-NOM-6: the person is not a standing formal candidate for that
    /// position.
    #[error("R-NOM-6: not a standing formal candidate for {0:?}")]
    NotACandidate(String),
    /// R-POLL-2: a formal candidate cannot be counting staff.
    #[error("R-POLL-2: a formal candidate cannot serve as counting staff")]
    CandidateAsStaff,
    /// The same person is already on the list or in the role.
    #[error("already recorded: {0}")]
    Duplicate(&'static str),
}
