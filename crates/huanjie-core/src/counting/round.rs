//! What is being counted: the round's kind, its stations and contests.
//!
//! A [`Round`] is checked once when it is built (unique ids, non-empty
//! names, seats ≥ 1, issued totals that fit), so the counter can index into
//! it without further checks.

use crate::seats::Seats;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The three kinds of round (counting-case.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RoundKind {
    /// 换届选举, R-CNT-5/6: more than half of the base wins.
    #[serde(rename = "general")]
    General,
    /// 另行选举, R-CNT-7: most votes win, with at least a third of ballots cast.
    #[serde(rename = "further")]
    Further,
    /// 再次投票, R-CNT-6: among the tied people only, most votes win.
    #[serde(rename = "tie-break")]
    TieBreak,
}

impl RoundKind {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "general" => RoundKind::General,
            "further" => RoundKind::Further,
            "tie-break" => RoundKind::TieBreak,
            _ => return None,
        })
    }
}

/// Gender as printed on the candidate list (R-BODY-3 counts women).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Gender {
    #[serde(rename = "M")]
    Male,
    #[serde(rename = "F")]
    Female,
}

impl Gender {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "M" => Some(Gender::Male),
            "F" => Some(Gender::Female),
            _ => None,
        }
    }
}

/// A mark next to a name (R-POLL-3). No mark is an abstention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    For,
    Against,
    Abstain,
}

impl Mark {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "for" => Mark::For,
            "against" => Mark::Against,
            "abstain" => Mark::Abstain,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub id: String,
    pub name: String,
    pub gender: Gender,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contest {
    pub id: String,
    pub title: String,
    pub seats: Seats,
    pub candidates: Vec<Candidate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Station {
    pub id: String,
    /// Ballots handed out, one per voter who voted (proxies included).
    pub issued: u64,
}

/// The prefix of a write-in person's id in results.
pub const WRITE_IN_PREFIX: &str = "write-in:";

/// Why a round's definition was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoundError {
    #[error("station id {id:?} appears twice")]
    DuplicateStation { station: usize, id: String },
    #[error("contest id {id:?} appears twice")]
    DuplicateContest { contest: usize, id: String },
    #[error("candidate id {id:?} appears twice in this contest")]
    DuplicateCandidate {
        contest: usize,
        candidate: usize,
        id: String,
    },
    #[error("candidate ids may not start with \"write-in:\" (reserved for written-in people)")]
    ReservedCandidateId { contest: usize, candidate: usize },
    #[error("a candidate's name may not be blank")]
    BlankName { contest: usize, candidate: usize },
    #[error("the ballots issued at all stations add up to more than can be counted")]
    IssuedOverflow,
}

/// A round ready to count.
#[derive(Debug, Clone)]
pub struct Round {
    pub kind: RoundKind,
    /// Voters on the list for this round, after waivers (R-REG-4).
    pub registered: u64,
    stations: Vec<Station>,
    contests: Vec<Contest>,
    voted: u64,
    station_index: IdIndex,
    contest_index: IdIndex,
    /// Per contest: candidate id → index.
    candidate_index: Vec<IdIndex>,
    /// Per contest: trimmed candidate name → indexes (a name may be shared).
    name_index: Vec<HashMap<String, Vec<usize>>>,
    /// Some trimmed candidate name stands in two contests (the same person
    /// for two positions is then possible without a write-in).
    shared_names: bool,
}

/// Id → index for the few ids of a round. A ballot looks ids up several
/// times, so this is on the hot path: below [`IdIndex::SCAN`] entries a
/// linear scan beats hashing; above it a map keeps big inputs linear.
#[derive(Debug, Clone, Default)]
struct IdIndex {
    ids: Vec<String>,
    map: Option<HashMap<String, usize>>,
}

impl IdIndex {
    const SCAN: usize = 24;

    /// Adds `id`; false if it was already there.
    fn insert(&mut self, id: &str) -> bool {
        if self.get(id).is_some() {
            return false;
        }
        let index = self.ids.len();
        self.ids.push(id.to_owned());
        if let Some(map) = &mut self.map {
            map.insert(id.to_owned(), index);
        } else if self.ids.len() > Self::SCAN {
            self.map = Some(
                self.ids
                    .iter()
                    .cloned()
                    .enumerate()
                    .map(|(i, s)| (s, i))
                    .collect(),
            );
        }
        true
    }

    fn get(&self, id: &str) -> Option<usize> {
        match &self.map {
            Some(map) => map.get(id).copied(),
            None => self.ids.iter().position(|s| s == id),
        }
    }
}

impl Round {
    pub fn new(
        kind: RoundKind,
        registered: u64,
        stations: Vec<Station>,
        contests: Vec<Contest>,
    ) -> Result<Round, RoundError> {
        let mut station_index = IdIndex::default();
        let mut voted: u64 = 0;
        for (i, s) in stations.iter().enumerate() {
            if !station_index.insert(&s.id) {
                return Err(RoundError::DuplicateStation {
                    station: i,
                    id: s.id.clone(),
                });
            }
            voted = voted
                .checked_add(s.issued)
                .ok_or(RoundError::IssuedOverflow)?;
        }
        let mut contest_index = IdIndex::default();
        let mut candidate_index = Vec::with_capacity(contests.len());
        let mut name_index = Vec::with_capacity(contests.len());
        // Trimmed name → the first contest it was seen in.
        let mut first_contest: HashMap<&str, usize> = HashMap::new();
        let mut shared_names = false;
        for (ci, c) in contests.iter().enumerate() {
            if !contest_index.insert(&c.id) {
                return Err(RoundError::DuplicateContest {
                    contest: ci,
                    id: c.id.clone(),
                });
            }
            let mut ids = IdIndex::default();
            let mut names: HashMap<String, Vec<usize>> = HashMap::with_capacity(c.candidates.len());
            for (ki, k) in c.candidates.iter().enumerate() {
                if k.id.starts_with(WRITE_IN_PREFIX) {
                    return Err(RoundError::ReservedCandidateId {
                        contest: ci,
                        candidate: ki,
                    });
                }
                if !ids.insert(&k.id) {
                    return Err(RoundError::DuplicateCandidate {
                        contest: ci,
                        candidate: ki,
                        id: k.id.clone(),
                    });
                }
                let name = k.name.trim();
                if name.is_empty() {
                    return Err(RoundError::BlankName {
                        contest: ci,
                        candidate: ki,
                    });
                }
                names.entry(name.to_owned()).or_default().push(ki);
                shared_names |= *first_contest.entry(name).or_insert(ci) != ci;
            }
            candidate_index.push(ids);
            name_index.push(names);
        }
        Ok(Round {
            kind,
            registered,
            stations,
            contests,
            voted,
            station_index,
            contest_index,
            candidate_index,
            name_index,
            shared_names,
        })
    }

    /// Whether some candidate name stands in two contests.
    pub(crate) fn has_shared_names(&self) -> bool {
        self.shared_names
    }

    pub fn stations(&self) -> &[Station] {
        &self.stations
    }

    pub fn contests(&self) -> &[Contest] {
        &self.contests
    }

    /// Voters who voted: the sum of ballots issued.
    pub fn voted(&self) -> u64 {
        self.voted
    }

    pub fn station(&self, id: &str) -> Option<usize> {
        self.station_index.get(id)
    }

    pub fn contest(&self, id: &str) -> Option<usize> {
        self.contest_index.get(id)
    }

    pub fn candidate(&self, contest: usize, id: &str) -> Option<usize> {
        self.candidate_index.get(contest)?.get(id)
    }

    /// Candidates of `contest` whose trimmed name is `name` (trimmed).
    pub(crate) fn candidates_named(&self, contest: usize, name: &str) -> &[usize] {
        self.name_index
            .get(contest)
            .and_then(|m| m.get(name))
            .map_or(&[], Vec::as_slice)
    }
}
