//! Electing the homeowners' committee (业主委员会) by the assembly
//! (R-OWN-1, R-BODY-6).
//!
//! Each candidate is decided like an ordinary matter ([`super::decide`]):
//! elected only with more than half of the participating area AND more
//! than half of the participating owners, the quorum met. When more
//! candidates pass than there are seats, the seats go by a ranking the
//! profile names ([`CommitteeRanking`], `[homeowners] committee_ranking`),
//! since the sources leave it to the assembly's own rules: it is data, not
//! code. A tie at the last seat is reported, never broken here (whoever
//! breaks it — a further vote, lots drawn in public — decides outside the
//! count). Fewer passers than seats leave seats unfilled, and the outcome
//! says how many.
//!
//! Pure and exact: only integer comparisons of areas (0.01 m²) and heads.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use super::{Failure, Outcome};
use crate::rule;

/// How passing candidates are ordered when there are more of them than
/// seats (a profile parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommitteeRanking {
    /// More owners in favour first; among equals, more area in favour.
    OwnersThenArea,
    /// More area in favour first; among equals, more owners in favour.
    AreaThenOwners,
}

impl CommitteeRanking {
    pub fn as_str(self) -> &'static str {
        match self {
            CommitteeRanking::OwnersThenArea => "owners_then_area",
            CommitteeRanking::AreaThenOwners => "area_then_owners",
        }
    }

    /// The ranking key of a candidate's count: larger ranks first.
    fn key(self, o: &Outcome) -> (u64, u64) {
        match self {
            CommitteeRanking::OwnersThenArea => (o.for_.owners, o.for_.area.0),
            CommitteeRanking::AreaThenOwners => (o.for_.area.0, o.for_.owners),
        }
    }

    /// `Less` when `a` ranks before `b` (more in favour), `Equal` when the
    /// ranking cannot tell them apart.
    pub fn compare(self, a: &Outcome, b: &Outcome) -> Ordering {
        self.key(b).cmp(&self.key(a))
    }
}

/// Where one candidate ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Passed and ranked within the seats.
    Elected,
    /// Passed, and level under the ranking with others for the last
    /// seat(s): not decided by the count.
    Tied,
    /// Passed, but ranked below the seats.
    RankedOut,
    /// Did not pass (see the failures).
    Failed,
}

/// One candidate's place in the outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CandidateStanding {
    /// The candidate's index in the input.
    pub candidate: usize,
    pub standing: Standing,
    /// 1-based place among those who passed under the ranking (equal keys
    /// share a place); `None` for a candidate who failed.
    pub rank: Option<u32>,
    /// The tests the candidate failed (empty when passed).
    pub failures: Vec<Failure>,
}

/// Candidates level for the last seats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tie {
    /// Indices of the tied candidates, in input order.
    pub candidates: Vec<usize>,
    /// How many seats they are level for (fewer than of them).
    pub seats: u32,
}

/// The count of a committee election.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommitteeOutcome {
    pub seats: u32,
    pub ranking: CommitteeRanking,
    /// Indices of the elected, in ranking order.
    pub elected: Vec<usize>,
    pub tie: Option<Tie>,
    /// Seats nobody passed for (fewer passers than seats).
    pub unfilled: u32,
    /// Every candidate, in input order.
    pub candidates: Vec<CandidateStanding>,
    pub rule: &'static str,
}

/// Elects up to `seats` of the candidates whose counts are `outcomes` (one
/// per candidate, each from [`super::decide`] as an ordinary matter).
pub fn elect(outcomes: &[Outcome], seats: u32, ranking: CommitteeRanking) -> CommitteeOutcome {
    let mut passers: Vec<usize> = (0..outcomes.len())
        .filter(|&i| outcomes.get(i).is_some_and(|o| o.passed))
        .collect();
    // Stable: equal keys keep input order (only for listing; equal keys are
    // never told apart below).
    passers.sort_by(|&a, &b| match (outcomes.get(a), outcomes.get(b)) {
        (Some(x), Some(y)) => ranking.compare(x, y),
        _ => Ordering::Equal,
    });
    let seats_n = usize::try_from(seats).unwrap_or(usize::MAX);
    let mut standing = vec![Standing::Failed; outcomes.len()];
    let mut rank: Vec<Option<u32>> = vec![None; outcomes.len()];
    let mut elected: Vec<usize> = Vec::new();
    let mut tie = None;
    // Walk the passers group by group of equal keys.
    let mut at = 0;
    while at < passers.len() {
        let key = passers
            .get(at)
            .and_then(|&i| outcomes.get(i))
            .map(|o| ranking.key(o));
        let end = passers[at..]
            .iter()
            .position(|&i| outcomes.get(i).map(|o| ranking.key(o)) != key)
            .map_or(passers.len(), |n| at + n);
        let group = &passers[at..end];
        let place = u32::try_from(at + 1).unwrap_or(u32::MAX);
        // Once a tie holds the last seats, nobody below it is in reach.
        let free = if tie.is_some() {
            0
        } else {
            seats_n.saturating_sub(elected.len())
        };
        let here = if group.len() <= free {
            elected.extend_from_slice(group);
            Standing::Elected
        } else if free > 0 {
            let mut tied = group.to_vec();
            tied.sort_unstable();
            tie = Some(Tie {
                candidates: tied,
                seats: u32::try_from(free).unwrap_or(u32::MAX),
            });
            Standing::Tied
        } else {
            Standing::RankedOut
        };
        for &i in group {
            if let Some(s) = standing.get_mut(i) {
                *s = here;
            }
            if let Some(r) = rank.get_mut(i) {
                *r = Some(place);
            }
        }
        at = end;
    }
    let filled = u32::try_from(passers.len()).unwrap_or(u32::MAX);
    CommitteeOutcome {
        seats,
        ranking,
        unfilled: seats.saturating_sub(filled),
        candidates: outcomes
            .iter()
            .enumerate()
            .map(|(i, o)| CandidateStanding {
                candidate: i,
                standing: standing.get(i).copied().unwrap_or(Standing::Failed),
                rank: rank.get(i).copied().flatten(),
                failures: o.failures.clone(),
            })
            .collect(),
        elected,
        tie,
        rule: rule::OWN_1,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::super::{Area, MatterKind, Measure, Test};
    use super::*;
    use crate::threshold::Threshold;
    use proptest::prelude::*;

    /// A passing or failing count with `owners` heads and `area` in favour.
    fn count(owners: u64, area: u64, passed: bool) -> Outcome {
        let m = |owners, area| Measure {
            area: Area(area),
            owners,
        };
        let failures = if passed {
            Vec::new()
        } else {
            vec![Failure {
                test: Test::Area,
                threshold: Threshold::more_than(1, 2).unwrap(),
                rule: rule::OWN_1,
            }]
        };
        Outcome {
            kind: MatterKind::Ordinary,
            total: m(100, 1_000_000),
            participating: m(90, 900_000),
            for_: m(owners, area),
            against: m(0, 0),
            abstain: m(90 - owners.min(90), 0),
            written: 90,
            in_person: 0,
            quorum_met: true,
            passed,
            failures,
        }
    }

    #[test]
    fn more_owners_wins_a_seat_over_more_area_under_owners_then_area() {
        // Six pass for five seats; candidate 5 has the most area but the
        // fewest owners, candidate 6 fails by area (R-OWN-1).
        let outcomes = vec![
            count(80, 600_000, true),
            count(79, 600_000, true),
            count(78, 600_000, true),
            count(77, 600_000, true),
            count(76, 600_000, true),
            count(60, 800_000, true),
            count(85, 300_000, false),
        ];
        let out = elect(&outcomes, 5, CommitteeRanking::OwnersThenArea);
        assert_eq!(out.elected, [0, 1, 2, 3, 4]);
        assert_eq!(out.tie, None);
        assert_eq!(out.unfilled, 0);
        assert_eq!(out.candidates[5].standing, Standing::RankedOut);
        assert_eq!(out.candidates[5].rank, Some(6));
        assert_eq!(out.candidates[6].standing, Standing::Failed);
        assert_eq!(out.candidates[6].failures[0].test, Test::Area);
        // The other ranking puts the area first.
        let out = elect(&outcomes, 5, CommitteeRanking::AreaThenOwners);
        assert_eq!(out.elected, [5, 0, 1, 2, 3]);
        assert_eq!(out.candidates[4].standing, Standing::RankedOut);
    }

    #[test]
    fn a_tie_at_the_last_seat_is_reported_not_broken() {
        let outcomes = vec![
            count(80, 600_000, true),
            count(79, 600_000, true),
            count(78, 600_000, true),
            count(77, 600_000, true),
            count(70, 500_000, true),
            count(70, 500_000, true),
            count(70, 500_000, true),
            count(60, 500_000, true),
        ];
        let out = elect(&outcomes, 5, CommitteeRanking::OwnersThenArea);
        assert_eq!(out.elected, [0, 1, 2, 3]);
        assert_eq!(
            out.tie,
            Some(Tie {
                candidates: vec![4, 5, 6],
                seats: 1
            })
        );
        assert_eq!(out.unfilled, 0);
        assert!((4..7).all(|i| out.candidates[i].standing == Standing::Tied));
        assert!((4..7).all(|i| out.candidates[i].rank == Some(5)));
        assert_eq!(out.candidates[7].standing, Standing::RankedOut);
        assert_eq!(out.candidates[7].rank, Some(8));
        // Equal owners, different area: the second key decides, no tie.
        let mut outcomes = outcomes;
        outcomes[5] = count(70, 500_001, true);
        let out = elect(&outcomes, 5, CommitteeRanking::OwnersThenArea);
        assert_eq!(out.elected, [0, 1, 2, 3, 5]);
        assert_eq!(out.tie, None);
    }

    #[test]
    fn fewer_passing_than_seats_leaves_seats_unfilled() {
        let outcomes = vec![
            count(80, 600_000, true),
            count(40, 600_000, false),
            count(79, 600_000, true),
        ];
        let out = elect(&outcomes, 7, CommitteeRanking::OwnersThenArea);
        assert_eq!(out.elected, [0, 2]);
        assert_eq!(out.unfilled, 5);
        assert_eq!(out.tie, None);
        let out = elect(&[], 5, CommitteeRanking::OwnersThenArea);
        assert!(out.elected.is_empty());
        assert_eq!(out.unfilled, 5);
    }

    #[test]
    fn rankings_spell_as_the_profile_does() {
        for r in [
            CommitteeRanking::OwnersThenArea,
            CommitteeRanking::AreaThenOwners,
        ] {
            let json = serde_json::to_string(&r).unwrap();
            assert_eq!(json, format!("\"{}\"", r.as_str()));
            assert_eq!(serde_json::from_str::<CommitteeRanking>(&json).unwrap(), r);
        }
        assert!(serde_json::from_str::<CommitteeRanking>("\"owners\"").is_err());
    }

    fn arb_outcomes() -> impl Strategy<Value = Vec<Outcome>> {
        prop::collection::vec((0u64..6, 0u64..6, any::<bool>()), 0..16).prop_map(|rows| {
            rows.into_iter()
                .map(|(o, a, p)| count(o, a * 100_000, p))
                .collect()
        })
    }

    fn arb_ranking() -> impl Strategy<Value = CommitteeRanking> {
        prop_oneof![
            Just(CommitteeRanking::OwnersThenArea),
            Just(CommitteeRanking::AreaThenOwners)
        ]
    }

    proptest! {
        /// Only passers are elected, never more than the seats; every seat
        /// is elected, tied for or unfilled; every elected candidate ranks
        /// strictly before every passer not elected, the tied are level,
        /// and a candidate is left out only if the seats are full.
        #[test]
        fn the_elected_are_the_best_passers(
            outcomes in arb_outcomes(),
            seats in 1u32..12,
            ranking in arb_ranking(),
        ) {
            let out = elect(&outcomes, seats, ranking);
            let passers: Vec<usize> = (0..outcomes.len()).filter(|&i| outcomes[i].passed).collect();
            prop_assert!(out.elected.iter().all(|i| passers.contains(i)));
            prop_assert!(out.elected.len() as u32 <= seats);
            let tied_seats = out.tie.as_ref().map_or(0, |t| t.seats);
            prop_assert_eq!(out.elected.len() as u32 + tied_seats + out.unfilled, seats);
            prop_assert_eq!(out.unfilled, seats.saturating_sub(passers.len() as u32));
            for &e in &out.elected {
                for &p in &passers {
                    if !out.elected.contains(&p) {
                        prop_assert_eq!(ranking.compare(&outcomes[e], &outcomes[p]), Ordering::Less);
                    }
                }
            }
            if let Some(t) = &out.tie {
                prop_assert!(t.candidates.len() as u32 > t.seats && t.seats > 0);
                for w in t.candidates.windows(2) {
                    prop_assert_eq!(ranking.compare(&outcomes[w[0]], &outcomes[w[1]]), Ordering::Equal);
                }
            }
            for c in &out.candidates {
                let passed = outcomes[c.candidate].passed;
                prop_assert_eq!(c.standing == Standing::Failed, !passed);
                prop_assert_eq!(c.rank.is_some(), passed);
                prop_assert_eq!(c.standing == Standing::Elected, out.elected.contains(&c.candidate));
                if c.standing == Standing::RankedOut || c.standing == Standing::Tied {
                    prop_assert!(passers.len() as u32 > seats);
                }
            }
            // The elected are listed in ranking order.
            for w in out.elected.windows(2) {
                prop_assert_ne!(ranking.compare(&outcomes[w[0]], &outcomes[w[1]]), Ordering::Greater);
            }
        }
    }
}
