//! Who casts a round's ballots, and the counting rules that follow.
//!
//! Most rounds are voted by the registered voters: more than half of them
//! must vote (R-CNT-3) and a winner needs more than half of those who
//! voted (R-CNT-5). Two bodies are chosen by a meeting of representatives
//! instead, with stricter numbers:
//!
//! - a **representatives' assembly** (居民代表会议, e.g. the residents'
//!   representatives electing the committee or the supervisory committee,
//!   R-REG-6, R-BODY-4): the profile's `assembly_turnout` must be present
//!   (R-CNT-3: more than 2/3 in County-2006);
//! - the **workers' congress** electing a board's employee supervisors
//!   (R-SUP-1): its quorum present (≥2/3), and a winner needs more than
//!   half of *all* representatives, not of those present.
//!
//! Both are written as counting-case `parameters` (profile parameters by
//! name, `counting-case.md`), so an exported case carries them and
//! `huanjie count` recounts it exactly as the server counted. The server
//! applies them through [`CountingRules::set`], the very path the case
//! reader takes, so the two cannot drift apart.

use serde::{Deserialize, Serialize};

use crate::profile::{CountingRules, ParameterValue, Profile, ProfileError, WinBase};
use crate::rule;
use crate::threshold::Threshold;

/// Who votes in a round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Electorate {
    /// The registered voters, or one representative per household
    /// (R-CNT-3, R-CNT-5 as the profile gives them).
    #[default]
    Voters,
    /// A representatives' assembly: the profile's assembly quorum (R-CNT-3).
    Representatives,
    /// The workers' congress electing employee supervisors (R-SUP-1).
    WorkersCongress,
}

/// The profile's numbers for the workers' congress and the board it
/// elects employee supervisors to (R-SUP-1, R-BODY-6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkersCongressRules {
    /// Share of all representatives who must be present (≥2/3).
    pub quorum: Threshold,
    /// A winner's share of [`WorkersCongressRules::win_base`] (>1/2).
    pub win: Threshold,
    /// Of whom: `registered`, all representatives (the safe default).
    pub win_base: WinBase,
    /// R-BODY-6: the fewest members of the board of supervisors.
    pub board_min: u32,
    /// R-BODY-6: the employee representatives' share of the board (≥1/3).
    pub employee_share: Threshold,
}

impl Electorate {
    /// The stable name used in the API.
    pub fn code(self) -> &'static str {
        match self {
            Electorate::Voters => "voters",
            Electorate::Representatives => "representatives",
            Electorate::WorkersCongress => "workers_congress",
        }
    }

    /// The rule a quorum failure cites in words (the result's
    /// `void_reasons` say R-CNT-3 whatever the electorate).
    pub fn quorum_rule(self) -> &'static str {
        match self {
            Electorate::WorkersCongress => rule::SUP_1,
            _ => rule::CNT_3,
        }
    }

    /// The counting-case `parameters` this electorate adds to the
    /// profile's, in the order written; none for the voters.
    pub fn parameters(self, profile: &Profile) -> Vec<(&'static str, String)> {
        match self {
            Electorate::Voters => Vec::new(),
            Electorate::Representatives => {
                vec![("turnout", profile.counting.assembly_turnout.to_string())]
            }
            Electorate::WorkersCongress => {
                let w = &profile.workers_congress;
                vec![
                    ("turnout", w.quorum.to_string()),
                    ("win", w.win.to_string()),
                    (
                        "win_base",
                        match w.win_base {
                            WinBase::Voted => "voted",
                            WinBase::Cast => "cast",
                            WinBase::Registered => "registered",
                        }
                        .to_owned(),
                    ),
                ]
            }
        }
    }

    /// The profile's counting rules with this electorate's parameters
    /// applied, exactly as a case carrying them is counted.
    pub fn rules(self, profile: &Profile) -> Result<CountingRules, ProfileError> {
        let mut rules = profile.counting.clone();
        for (name, value) in self.parameters(profile) {
            rules.set(name, ParameterValue::Text(&value))?;
        }
        Ok(rules)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::counting::{
        count, Ballot, Candidate, Contest, Gender, Mark, MarkEntry, Round, RoundKind, Station,
    };
    use crate::profile::BUILTIN_PROFILE_IDS;
    use crate::seats::Seats;
    use proptest::prelude::*;

    fn profile() -> Profile {
        Profile::by_id("county-2006").unwrap()
    }

    #[test]
    fn voters_change_nothing() {
        for id in BUILTIN_PROFILE_IDS {
            let p = Profile::by_id(id).unwrap();
            assert!(Electorate::Voters.parameters(&p).is_empty());
            assert_eq!(Electorate::Voters.rules(&p).unwrap(), p.counting);
        }
    }

    #[test]
    fn every_builtin_profile_gives_the_workers_congress_its_numbers() {
        for id in BUILTIN_PROFILE_IDS {
            let p = Profile::by_id(id).unwrap();
            let rules = Electorate::WorkersCongress.rules(&p).unwrap();
            // R-SUP-1: 2/3 present; more than half of all representatives.
            assert_eq!(rules.turnout, ">=2/3".parse().unwrap(), "{id}");
            assert_eq!(rules.win, ">1/2".parse().unwrap(), "{id}");
            assert_eq!(rules.win_base, WinBase::Registered, "{id}");
            assert_eq!(p.workers_congress.board_min, 3, "{id}");
        }
    }

    #[test]
    fn the_assembly_quorum_is_the_profiles() {
        let p = profile();
        assert_eq!(
            Electorate::Representatives.parameters(&p),
            vec![("turnout", ">2/3".to_owned())]
        );
        let rules = Electorate::Representatives.rules(&p).unwrap();
        assert_eq!(rules.turnout, p.counting.assembly_turnout);
        assert_eq!(rules.win, p.counting.win);
    }

    /// One contest of `seats`, candidates `1..=n`; every ballot votes for
    /// the candidates `marks(i)` names.
    fn round(registered: u64, voted: u64, seats: u64, n: usize) -> Round {
        Round::new(
            RoundKind::General,
            registered,
            vec![Station {
                id: "S".into(),
                issued: voted,
            }],
            vec![Contest {
                id: "member".into(),
                title: "委员".into(),
                seats: Seats::new(seats).unwrap(),
                candidates: (1..=n)
                    .map(|k| Candidate {
                        id: k.to_string(),
                        name: format!("候选人{k}"),
                        gender: Gender::Male,
                    })
                    .collect(),
            }],
        )
        .unwrap()
    }

    /// A ballot voting for the candidates numbered in `for_` (1-based).
    fn ballot(for_: &[usize]) -> Ballot {
        Ballot {
            marks: for_
                .iter()
                .map(|k| MarkEntry {
                    contest: 0,
                    candidate: k - 1,
                    mark: Mark::For,
                })
                .collect(),
            ..Ballot::default()
        }
    }

    #[test]
    fn a_congress_below_two_thirds_is_void_and_a_winner_needs_half_of_all() {
        let p = profile();
        let rules = Electorate::WorkersCongress.rules(&p).unwrap();
        // 30 representatives, 19 present: 3 × 19 = 57 < 60 → void (R-SUP-1).
        let ballots: Vec<Ballot> = (0..19).map(|_| ballot(&[1])).collect();
        let r = count(round(30, 19, 1, 2), &rules, &ballots).unwrap();
        assert!(!r.valid);
        assert_eq!(r.void_reasons, ["R-CNT-3"]);
        // Exactly 20 present (2/3): valid. Candidate 1 has 15 of 30: not
        // more than half of all representatives, though 15 of 20 present.
        let ballots: Vec<Ballot> = (0..20)
            .map(|i| ballot(if i < 15 { &[1] } else { &[2] }))
            .collect();
        let r = count(round(30, 20, 1, 2), &rules, &ballots).unwrap();
        assert!(r.valid, "{r:?}");
        assert!(r.contests[0].elected.is_empty(), "{r:?}");
        assert_eq!(r.contests[0].unfilled, 1);
        // 16 of 30: elected.
        let ballots: Vec<Ballot> = (0..20)
            .map(|i| ballot(if i < 16 { &[1] } else { &[2] }))
            .collect();
        let r = count(round(30, 20, 1, 2), &rules, &ballots).unwrap();
        assert_eq!(r.contests[0].elected, ["1"]);
        // The same ballots counted as voters elect with 15 (15 of 20).
        let ballots: Vec<Ballot> = (0..20)
            .map(|i| ballot(if i < 15 { &[1] } else { &[2] }))
            .collect();
        let r = count(round(30, 20, 1, 2), &p.counting, &ballots).unwrap();
        assert_eq!(r.contests[0].elected, ["1"]);
    }

    #[test]
    fn an_assembly_at_exactly_two_thirds_is_void_in_county_2006() {
        // County-2006: more than 2/3 of the representatives (R-CNT-3).
        let p = profile();
        let rules = Electorate::Representatives.rules(&p).unwrap();
        let ballots: Vec<Ballot> = (0..20).map(|_| ballot(&[1])).collect();
        let r = count(round(30, 20, 1, 2), &rules, &ballots).unwrap();
        assert_eq!(r.void_reasons, ["R-CNT-3"]);
        let ballots: Vec<Ballot> = (0..21).map(|_| ballot(&[1])).collect();
        let r = count(round(30, 21, 1, 2), &rules, &ballots).unwrap();
        assert!(r.valid);
        assert_eq!(r.contests[0].elected, ["1"]);
        // As plain voters, 16 of 30 would already do.
        let ballots: Vec<Ballot> = (0..16).map(|_| ballot(&[1])).collect();
        assert!(
            count(round(30, 16, 1, 2), &p.counting, &ballots)
                .unwrap()
                .valid
        );
        assert!(!count(round(30, 16, 1, 2), &rules, &ballots).unwrap().valid);
    }

    proptest! {
        /// R-SUP-1 over any congress: the round is valid exactly when at
        /// least 2/3 are present (and no more ballots than present), and
        /// everyone elected has more than half of all representatives.
        #[test]
        fn congress_rules_hold(
            registered in 1u64..60,
            present_share in 0u64..=100,
            seats in 1u64..4,
            votes in proptest::collection::vec(proptest::collection::vec(1usize..=5, 0..4), 0..60),
        ) {
            let p = profile();
            let rules = Electorate::WorkersCongress.rules(&p).unwrap();
            let voted = registered * present_share / 100;
            let ballots: Vec<Ballot> = votes
                .iter()
                .take(usize::try_from(voted).unwrap())
                .map(|v| { let mut v = v.clone(); v.sort_unstable(); v.dedup(); ballot(&v) })
                .collect();
            let r = count(round(registered, voted, seats, 5), &rules, &ballots).unwrap();
            prop_assert_eq!(r.valid, 3 * voted >= 2 * registered);
            for c in &r.contests {
                for e in &c.elected {
                    let row = c.tally.iter().find(|t| &t.person == e).unwrap();
                    prop_assert!(2 * row.votes_for > registered, "{} has {} of {}", e, row.votes_for, registered);
                }
            }
        }
    }
}
