//! Nomination logic both adapters share: input shape checks made before a
//! transaction starts, and stored names parsed back.

use std::collections::HashSet;

use crate::{
    CandidateStatus, CommitteeRole, Named, NewNomination, NominationKind,
    NominationStateError as N, PositionSeats, PreliminaryVote, StaffRole, StateError, StoreError,
    StoreResult,
};

/// `State(Empty(what))` unless `text` has something besides white space.
pub(crate) fn not_blank(text: &str, what: &'static str) -> StoreResult<()> {
    super::registration::not_empty(text, what)
}

/// `UnknownPosition` unless `position` is one of `known`.
pub(crate) fn known_position(known: &[String], position: &str) -> StoreResult<()> {
    if known.iter().any(|p| p == position) {
        Ok(())
    } else {
        Err(N::UnknownPosition(position.to_owned()).into())
    }
}

/// A seat plan names each position once.
pub(crate) fn distinct_positions(seats: &[PositionSeats]) -> StoreResult<()> {
    let mut seen = HashSet::new();
    if seats.is_empty() {
        return Err(StateError::Empty("seats").into());
    }
    for s in seats {
        if s.seats == 0 {
            return Err(StateError::Empty("seats of a position").into());
        }
        if !seen.insert(s.position.as_str()) {
            return Err(N::Duplicate("position").into());
        }
    }
    Ok(())
}

/// A list names each (person, position) once.
pub(crate) fn distinct_named(named: &[Named]) -> StoreResult<()> {
    let mut seen = HashSet::new();
    if named
        .iter()
        .all(|n| seen.insert((n.resident, n.position.as_str())))
    {
        Ok(())
    } else {
        Err(N::Duplicate("candidate").into())
    }
}

pub(crate) fn distinct_votes(votes: &[PreliminaryVote]) -> StoreResult<()> {
    let mut seen = HashSet::new();
    if votes
        .iter()
        .all(|v| seen.insert((v.resident, v.position.as_str())))
    {
        Ok(())
    } else {
        Err(N::Duplicate("preliminary vote").into())
    }
}

/// The shape of a paper, before any SQL: somebody named (unless void),
/// nobody signing twice, and the one who records it named.
pub(crate) fn well_formed(new: &NewNomination) -> StoreResult<()> {
    not_blank(&new.recorded_by, "recorded by")?;
    if new.void.is_none() && new.nominees.is_empty() {
        return Err(StateError::Empty("nominees").into());
    }
    let mut seen = HashSet::new();
    if !new.nominators.iter().all(|n| seen.insert(*n)) {
        return Err(N::Duplicate("nominator").into());
    }
    distinct_named(&new.nominees)
}

/// A count into SQL's `BIGINT`.
pub(crate) fn big(n: u64, what: &str) -> StoreResult<i64> {
    i64::try_from(n).map_err(|_| StoreError::Corrupt(format!("{what} out of range: {n}")))
}

pub(crate) fn small(n: i64, what: &str) -> StoreResult<u32> {
    super::registration::small(n, what)
}

pub(crate) fn committee_role(s: &str) -> StoreResult<CommitteeRole> {
    CommitteeRole::parse(s)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown committee role {s:?}")))
}

pub(crate) fn nomination_kind(s: &str) -> StoreResult<NominationKind> {
    NominationKind::parse(s)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown nomination kind {s:?}")))
}

pub(crate) fn candidate_status(s: &str) -> StoreResult<CandidateStatus> {
    CandidateStatus::parse(s)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown candidate status {s:?}")))
}

pub(crate) fn staff_role(s: &str) -> StoreResult<StaffRole> {
    StaffRole::parse(s).ok_or_else(|| StoreError::Corrupt(format!("unknown staff role {s:?}")))
}
