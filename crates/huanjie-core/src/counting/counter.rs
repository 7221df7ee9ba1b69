//! The streaming counter: ballots go in one at a time, in any order, and
//! only per-person totals are kept, so memory does not grow with the number
//! of ballots.
//!
//! Ballot validity (R-CNT-4) depends on two profile parameters
//! (`overvote_scope`, `same_person_two_positions`). A one-pass reader may
//! meet the ballots before it knows the case's parameter overrides; rather
//! than hold the ballots, the counter can keep one set of totals per
//! possible rule combination (four at most, a few integers each) and the
//! right one is picked at [`Counter::finish`]. Only ballots whose validity
//! actually depends on those rules (an overvote, or the same person twice)
//! are tallied per combination; all others go into one shared tally, so
//! the extra cost is paid only for the rare ballots that need it.

use super::ballot::{Ballot, BallotError};
use super::outcome::{self, RoundResult};
use super::round::{Gender, Mark, Round, RoundKind};
use crate::profile::{CountingRules, OvervoteScope, SamePersonRule};
use std::collections::HashMap;

/// The two parameters that decide, ballot by ballot, what is void.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BallotRules {
    pub overvote_scope: OvervoteScope,
    pub same_person: SamePersonRule,
}

impl BallotRules {
    /// All combinations, for a counter that does not know the rules yet.
    pub const ALL: [BallotRules; 4] = [
        BallotRules {
            overvote_scope: OvervoteScope::Contest,
            same_person: SamePersonRule::Allowed,
        },
        BallotRules {
            overvote_scope: OvervoteScope::Ballot,
            same_person: SamePersonRule::Allowed,
        },
        BallotRules {
            overvote_scope: OvervoteScope::Contest,
            same_person: SamePersonRule::VoidBallot,
        },
        BallotRules {
            overvote_scope: OvervoteScope::Ballot,
            same_person: SamePersonRule::VoidBallot,
        },
    ];
}

impl From<&CountingRules> for BallotRules {
    fn from(r: &CountingRules) -> Self {
        BallotRules {
            overvote_scope: r.overvote_scope,
            same_person: r.same_person_two_positions,
        }
    }
}

/// Running totals for one person written in.
#[derive(Debug, Clone, Default)]
pub(crate) struct WriteInTotals {
    pub votes_for: u64,
    pub said_female: u64,
    pub said_male: u64,
}

impl WriteInTotals {
    /// The gender most ballots gave; `None` when they disagree evenly or
    /// none gave one. Independent of ballot order.
    pub fn gender(&self) -> Option<Gender> {
        use std::cmp::Ordering::*;
        match self.said_female.cmp(&self.said_male) {
            Greater => Some(Gender::Female),
            Less => Some(Gender::Male),
            Equal => None,
        }
    }
}

/// Running totals for one contest.
#[derive(Debug, Clone, Default)]
pub(crate) struct ContestTotals {
    pub void_ballots: u64,
    pub votes_for: Vec<u64>,
    pub against: Vec<u64>,
    /// Keyed by trimmed name.
    pub write_ins: HashMap<String, WriteInTotals>,
}

impl ContestTotals {
    fn new(candidates: usize) -> Self {
        ContestTotals {
            void_ballots: 0,
            votes_for: vec![0; candidates],
            against: vec![0; candidates],
            write_ins: HashMap::new(),
        }
    }

    /// Adds another tally of the same contest into this one.
    fn merge(&mut self, other: &ContestTotals) {
        self.void_ballots += other.void_ballots;
        for (a, b) in self.votes_for.iter_mut().zip(&other.votes_for) {
            *a += b;
        }
        for (a, b) in self.against.iter_mut().zip(&other.against) {
            *a += b;
        }
        for (name, w) in &other.write_ins {
            let t = self.write_ins.entry(name.clone()).or_default();
            t.votes_for += w.votes_for;
            t.said_female += w.said_female;
            t.said_male += w.said_male;
        }
    }
}

#[derive(Debug, Clone)]
struct Variant {
    rules: BallotRules,
    contests: Vec<ContestTotals>,
}

/// Why the counter could not produce a result.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FinishError {
    #[error("the counter was not set up to count under these ballot rules")]
    RulesNotCounted,
}

/// Counts one round.
#[derive(Debug, Clone)]
pub struct Counter {
    round: Round,
    /// Ballots counted the same under every rule combination.
    base: Vec<ContestTotals>,
    /// Per rule combination: the ballots whose validity depends on it.
    variants: Vec<Variant>,
    station_cast: Vec<u64>,
    cast: u64,
    // Per-ballot scratch, reset after every ballot.
    marks: Vec<Vec<Option<Mark>>>,
    touched: Vec<(usize, usize)>,
    /// (contest, index into the ballot's write_ins) of distinct people.
    people: Vec<(usize, usize)>,
    overvoted: Vec<bool>,
    for_count: Vec<usize>,
}

impl Counter {
    /// A counter for known ballot rules, or for every combination when
    /// `rules` is `None` (see the module doc).
    pub fn new(round: Round, rules: Option<BallotRules>) -> Self {
        let fresh = || {
            round
                .contests()
                .iter()
                .map(|c| ContestTotals::new(c.candidates.len()))
                .collect::<Vec<_>>()
        };
        let variants = match rules {
            Some(rules) => vec![Variant {
                rules,
                contests: fresh(),
            }],
            None => BallotRules::ALL
                .iter()
                .map(|&rules| Variant {
                    rules,
                    contests: fresh(),
                })
                .collect(),
        };
        Counter {
            base: fresh(),
            variants,
            station_cast: vec![0; round.stations().len()],
            cast: 0,
            marks: round
                .contests()
                .iter()
                .map(|c| vec![None; c.candidates.len()])
                .collect(),
            touched: Vec::new(),
            people: Vec::new(),
            overvoted: vec![false; round.contests().len()],
            for_count: vec![0; round.contests().len()],
            round,
        }
    }

    pub fn round(&self) -> &Round {
        &self.round
    }

    /// The round's kind and registered voters only matter when the result is
    /// decided, so a reader may set them after the ballots.
    pub fn set_kind_and_registered(&mut self, kind: RoundKind, registered: u64) {
        self.round.kind = kind;
        self.round.registered = registered;
    }

    /// Ballots counted so far (`cast`).
    pub fn cast(&self) -> u64 {
        self.cast
    }

    /// Counts one ballot. On error nothing is counted.
    pub fn add(&mut self, ballot: &Ballot) -> Result<(), BallotError> {
        let staged = self.stage(ballot);
        if staged.is_ok() {
            self.apply(ballot);
        }
        for &(c, k) in &self.touched {
            self.marks[c][k] = None;
        }
        self.touched.clear();
        self.people.clear();
        staged
    }

    /// Checks the ballot and works out its effective marks into the scratch.
    fn stage(&mut self, ballot: &Ballot) -> Result<(), BallotError> {
        let round = &self.round;
        if ballot.station >= round.stations().len() {
            return Err(BallotError::UnknownStation);
        }
        for (i, m) in ballot.marks.iter().enumerate() {
            let slot = self
                .marks
                .get_mut(m.contest)
                .ok_or(BallotError::UnknownContest {
                    mark: Some(i),
                    write_in: None,
                })?
                .get_mut(m.candidate)
                .ok_or(BallotError::UnknownCandidate { mark: i })?;
            if slot.is_some() {
                return Err(BallotError::DuplicateMark { mark: i });
            }
            *slot = Some(m.mark);
            self.touched.push((m.contest, m.candidate));
        }
        for (i, w) in ballot.write_ins.iter().enumerate() {
            if w.contest >= round.contests().len() {
                return Err(BallotError::UnknownContest {
                    mark: None,
                    write_in: Some(i),
                });
            }
            let name = w.name.trim();
            if name.is_empty() {
                return Err(BallotError::BlankWriteIn { write_in: i });
            }
            match round.candidates_named(w.contest, name) {
                // A written-in candidate's name is a `for` vote for that
                // candidate, replacing any mark the ballot gives them.
                [k] => {
                    let slot = &mut self.marks[w.contest][*k];
                    if slot.is_none() {
                        self.touched.push((w.contest, *k));
                    }
                    *slot = Some(Mark::For);
                }
                [] => {
                    // One person written in twice on one ballot is one vote.
                    let seen = self
                        .people
                        .iter()
                        .any(|&(c, j)| c == w.contest && ballot.write_ins[j].name.trim() == name);
                    if !seen {
                        self.people.push((w.contest, i));
                    }
                }
                _ => return Err(BallotError::AmbiguousWriteIn { write_in: i }),
            }
        }
        Ok(())
    }

    fn apply(&mut self, ballot: &Ballot) {
        let round = &self.round;
        self.cast += 1;
        self.station_cast[ballot.station] += 1;

        // R-CNT-4: how many distinct people each contest votes `for`.
        self.for_count.iter_mut().for_each(|n| *n = 0);
        for &(c, k) in &self.touched {
            if self.marks[c][k] == Some(Mark::For) {
                self.for_count[c] += 1;
            }
        }
        for &(c, _) in &self.people {
            self.for_count[c] += 1;
        }
        let mut any_overvote = false;
        for (c, contest) in round.contests().iter().enumerate() {
            self.overvoted[c] = self.for_count[c] > contest.seats.count();
            any_overvote |= self.overvoted[c];
        }
        let same_person = self
            .variants
            .iter()
            .any(|v| v.rules.same_person == SamePersonRule::VoidBallot)
            && self.votes_same_person_twice(ballot);

        let scratch = Scratch {
            marks: &self.marks,
            touched: &self.touched,
            people: &self.people,
            overvoted: &self.overvoted,
        };
        if ballot.unreadable || (!any_overvote && !same_person) {
            // Void everywhere, or valid everywhere: the rules do not matter.
            scratch.tally(&mut self.base, ballot, ballot.unreadable);
        } else {
            for v in &mut self.variants {
                let whole_void = (any_overvote && v.rules.overvote_scope == OvervoteScope::Ballot)
                    || (same_person && v.rules.same_person == SamePersonRule::VoidBallot);
                scratch.tally(&mut v.contests, ballot, whole_void);
            }
        }
    }

    /// R-CNT-4 (profile parameter): the ballot votes `for` the same person,
    /// by trimmed name, in two contests.
    fn votes_same_person_twice(&self, ballot: &Ballot) -> bool {
        let round = &self.round;
        if self.people.is_empty() && !round.has_shared_names() {
            return false;
        }
        let mut names: Vec<(&str, usize)> =
            Vec::with_capacity(self.touched.len() + self.people.len());
        for &(c, k) in &self.touched {
            if self.marks[c][k] == Some(Mark::For) {
                names.push((round.contests()[c].candidates[k].name.trim(), c));
            }
        }
        for &(c, i) in &self.people {
            names.push((ballot.write_ins[i].name.trim(), c));
        }
        names.sort_unstable();
        names
            .windows(2)
            .any(|w| w[0].0 == w[1].0 && w[0].1 != w[1].1)
    }

    /// The result under `rules` (the profile's, with the case's overrides).
    pub fn finish(self, rules: &CountingRules) -> Result<RoundResult, FinishError> {
        let wanted = BallotRules::from(rules);
        let mut variant = self
            .variants
            .into_iter()
            .find(|v| v.rules == wanted)
            .ok_or(FinishError::RulesNotCounted)?;
        for (totals, base) in variant.contests.iter_mut().zip(&self.base) {
            totals.merge(base);
        }
        Ok(outcome::decide(
            &self.round,
            rules,
            self.cast,
            &self.station_cast,
            variant.contests,
        ))
    }
}

/// One ballot's staged marks, borrowed from the counter's scratch.
struct Scratch<'a> {
    marks: &'a [Vec<Option<Mark>>],
    touched: &'a [(usize, usize)],
    people: &'a [(usize, usize)],
    overvoted: &'a [bool],
}

impl Scratch<'_> {
    /// Adds the ballot to `totals`; void as a whole when `whole_void`, and
    /// void in each overvoted contest.
    fn tally(&self, totals: &mut [ContestTotals], ballot: &Ballot, whole_void: bool) {
        let void = |c: usize| whole_void || self.overvoted[c];
        for (c, t) in totals.iter_mut().enumerate() {
            if void(c) {
                t.void_ballots += 1;
            }
        }
        for &(c, k) in self.touched {
            if void(c) {
                continue;
            }
            match self.marks[c][k] {
                Some(Mark::For) => totals[c].votes_for[k] += 1,
                Some(Mark::Against) => totals[c].against[k] += 1,
                Some(Mark::Abstain) | None => {}
            }
        }
        for &(c, i) in self.people {
            if void(c) {
                continue;
            }
            let w = &ballot.write_ins[i];
            let name = w.name.trim();
            let write_ins = &mut totals[c].write_ins;
            let t = match write_ins.get_mut(name) {
                Some(t) => t,
                None => write_ins.entry(name.to_owned()).or_default(),
            };
            t.votes_for += 1;
            match w.gender {
                Some(Gender::Female) => t.said_female += 1,
                Some(Gender::Male) => t.said_male += 1,
                None => {}
            }
        }
    }
}
