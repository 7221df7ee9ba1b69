//! The homeowners' assembly's records (R-OWN-1; issue 7, item 6): the
//! owners' register of an election of a homeowners' committee, the matters
//! put to the assembly and each owner's vote on each.
//!
//! Owners are grouped by `huanjie_core::homeowners::Register` before they
//! are stored; the store keeps that grouping as it was decided, replaces it
//! whole (all or nothing) and only while no matter exists, and refuses a
//! second vote by the same owner on the same matter by its key, so two
//! racing requests cannot both be counted.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use huanjie_core::homeowners::{Area, Choice, MatterKind, Owner, Unit, Vote, VoteMode};

/// A stored owners' register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeownerRegister {
    /// By number; each with its units in register order.
    pub owners: Vec<Owner>,
    pub imported_by: String,
    pub imported_at: DateTime<Utc>,
}

/// A matter put to the assembly, numbered per election.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeownerMatter {
    pub number: u32,
    pub kind: MatterKind,
    pub title: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// One owner's recorded vote on one matter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeownerVote {
    pub matter: u32,
    pub owner: u32,
    pub choice: Choice,
    pub mode: VoteMode,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

impl HomeownerVote {
    pub fn vote(&self) -> Vote {
        Vote {
            owner: self.owner,
            choice: self.choice,
            mode: self.mode,
        }
    }
}

/// What `Conflict` says when the register cannot be replaced.
pub const MATTERS_EXIST: &str = "homeowners: matters have been put to the assembly";
/// What `Conflict` says when a matter is added before any register.
pub const NO_REGISTER: &str = "homeowners: no owners' register";
/// What `Conflict` says (with the owner's number after it) for a second vote.
pub const VOTED_ALREADY: &str = "homeowners: voted already: owner";

pub(crate) fn matter_kind(s: &str) -> crate::StoreResult<MatterKind> {
    MatterKind::parse(s).ok_or_else(|| crate::StoreError::Corrupt(format!("matter kind {s:?}")))
}

pub(crate) fn choice(s: &str) -> crate::StoreResult<Choice> {
    Choice::parse(s).ok_or_else(|| crate::StoreError::Corrupt(format!("vote choice {s:?}")))
}

pub(crate) fn vote_mode(s: &str) -> crate::StoreResult<VoteMode> {
    VoteMode::parse(s).ok_or_else(|| crate::StoreError::Corrupt(format!("vote mode {s:?}")))
}

/// Owners from stored rows: `(number, name, developer, area)` by number,
/// and `(owner, unit)` by position.
pub(crate) fn owners_from_rows(
    owners: Vec<(i64, String, bool, i64)>,
    units: Vec<(i64, String)>,
) -> crate::StoreResult<Vec<Owner>> {
    let mut out: Vec<Owner> = owners
        .into_iter()
        .map(|(number, name, developer, area)| {
            Ok(Owner {
                number: u32::try_from(number)
                    .map_err(|_| crate::StoreError::Corrupt(format!("owner number {number}")))?,
                name,
                developer,
                area: Area(
                    u64::try_from(area)
                        .map_err(|_| crate::StoreError::Corrupt(format!("owner area {area}")))?,
                ),
                units: Vec::new(),
            })
        })
        .collect::<crate::StoreResult<_>>()?;
    for (owner, unit) in units {
        let o = out
            .iter_mut()
            .find(|o| i64::from(o.number) == owner)
            .ok_or_else(|| crate::StoreError::Corrupt(format!("unit {unit}: owner {owner}")))?;
        o.units.push(unit);
    }
    Ok(out)
}

// --- electing the committee (R-OWN-1, R-BODY-6) -----------------------------

/// A committee election to put to the assembly: its seats and candidates.
/// Each candidate becomes an ordinary matter of the assembly, so every
/// owner's vote on a candidate is an ordinary vote, one per owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewCommitteeElection {
    pub title: String,
    /// Checked by the caller (R-BODY-6: 5–11, odd); stored as given.
    pub seats: u32,
    /// In ballot order; distinct.
    pub candidates: Vec<String>,
}

/// One candidate and the matter its votes are recorded on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitteeCandidate {
    /// 1, 2, … in ballot order.
    pub number: u32,
    pub name: String,
    pub matter: u32,
}

/// A stored committee election, numbered per election.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitteeElection {
    pub number: u32,
    pub title: String,
    pub seats: u32,
    pub candidates: Vec<CommitteeCandidate>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// One owner's ballot in a committee election: a choice per candidate
/// named (by candidate number), recorded together or not at all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitteeBallot {
    pub owner: u32,
    pub mode: VoteMode,
    pub choices: Vec<(u32, Choice)>,
}

/// What `Conflict` says (with the owner's number after it) when a vote
/// would give an owner more votes for candidates than the election has
/// seats (R-OWN-1, R-BODY-6).
pub const TOO_MANY_FOR: &str = "homeowners: more votes for candidates than seats: owner";
