//! Formal candidates (正式候选人): the preliminary vote (R-NOM-3), the
//! contest margin (R-NOM-4) and the replacement of a withdrawn candidate
//! (R-NOM-6).
//!
//! Per position, formal candidates number from `seats + margin.min` to
//! `seats + margin.max` (profile data; `min = 0` would allow an
//! equal-number election). With more nominees than `seats + margin.max`, a
//! preliminary vote decides: the `seats + margin.max` nominees with the
//! most votes become formal candidates. A tie at the cut is reported (who
//! is tied, for how many places), never broken here: the committee decides
//! it (typically by another preliminary vote among the tied).
//!
//! The deadline for a withdrawal (R-NOM-6) is
//! [`super::timeline::check`] with [`super::timeline::Milestone::Withdrawals`].

use super::Position;
use crate::profile::NominationRules;
use crate::rule;
use serde::Serialize;
use std::collections::BTreeSet;

/// A nominee and, once the preliminary vote is counted, their votes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NomineeVotes<K> {
    pub person: K,
    pub votes: Option<u64>,
}

/// A person and their preliminary votes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ranked<K> {
    pub person: K,
    pub votes: u64,
}

/// The formal candidates of one position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Formal<K> {
    /// R-NOM-3/4: the nominees are within the margin: all of them are the
    /// formal candidates, without a preliminary vote (votes, if given, are
    /// not used).
    AllNominees { formal: Vec<K> },
    /// R-NOM-3: more nominees than `places`; a preliminary vote is needed
    /// and these nominees have no votes yet.
    PreliminaryNeeded {
        nominees: usize,
        places: u32,
        missing_votes: Vec<K>,
    },
    /// R-NOM-3: the `places` nominees with the most votes, most first; the
    /// others (`reserve`, most first) replace withdrawals (R-NOM-6).
    ByVotes {
        formal: Vec<Ranked<K>>,
        reserve: Vec<Ranked<K>>,
    },
    /// R-NOM-3: a tie at the cut. `formal` are clear (more votes than the
    /// tie); `tied` (all with `votes`) contend for `places` remaining
    /// places; `reserve` are below the tie. `without_tied_meets_minimum`:
    /// the clear candidates alone already meet `seats + margin.min`.
    TieAtCut {
        formal: Vec<Ranked<K>>,
        tied: Vec<K>,
        votes: u64,
        places: u32,
        reserve: Vec<Ranked<K>>,
        without_tied_meets_minimum: bool,
    },
}

/// Why the formal candidates of a position cannot be chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum FormalRefusal<K> {
    #[error("R-NOM-4: {position} has no seats")]
    NoSeats { position: Position },
    #[error("R-NOM-4: {position} has {seats} seats and needs at least {needed} formal candidates (contested election), but only {nominees} nominees")]
    TooFewNominees {
        position: Position,
        seats: u32,
        nominees: usize,
        needed: u32,
    },
    #[error("R-NOM-3: a nominee is listed twice")]
    NomineeTwice { person: K },
}

impl<K> FormalRefusal<K> {
    pub fn rule(&self) -> &'static str {
        match self {
            FormalRefusal::NomineeTwice { .. } => rule::NOM_3,
            _ => rule::NOM_4,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            FormalRefusal::NoSeats { .. } => "no_seats",
            FormalRefusal::TooFewNominees { .. } => "too_few_nominees",
            FormalRefusal::NomineeTwice { .. } => "nominee_twice",
        }
    }

    pub fn message_zh(&self) -> String {
        match self {
            FormalRefusal::NoSeats { position } => format!("{}没有应选名额", position.zh()),
            FormalRefusal::TooFewNominees {
                position,
                seats,
                nominees,
                needed,
            } => format!(
                "{}应选{seats}名，实行差额选举须有正式候选人至少{needed}名，现仅有被提名人{nominees}名",
                position.zh()
            ),
            FormalRefusal::NomineeTwice { .. } => "同一被提名人重复列出".into(),
        }
    }

    pub fn message_en(&self) -> String {
        let text = self.to_string();
        text.split_once(": ")
            .map_or(text.clone(), |(_, rest)| rest.to_owned())
    }
}

/// R-NOM-3/4: the formal candidates for `position` with `seats` seats from
/// its `nominees`.
pub fn select<K: Ord + Clone>(
    position: Position,
    seats: u32,
    nominees: &[NomineeVotes<K>],
    rules: &NominationRules,
) -> Result<Formal<K>, FormalRefusal<K>> {
    if seats == 0 {
        return Err(FormalRefusal::NoSeats { position });
    }
    let mut seen = BTreeSet::new();
    for n in nominees {
        if !seen.insert(&n.person) {
            return Err(FormalRefusal::NomineeTwice {
                person: n.person.clone(),
            });
        }
    }
    let margin = rules.margin.of(position);
    let needed = seats.saturating_add(margin.min);
    let places = seats.saturating_add(margin.max);
    if nominees.len() < needed as usize {
        return Err(FormalRefusal::TooFewNominees {
            position,
            seats,
            nominees: nominees.len(),
            needed,
        });
    }
    if nominees.len() <= places as usize {
        return Ok(Formal::AllNominees {
            formal: nominees.iter().map(|n| n.person.clone()).collect(),
        });
    }
    let missing_votes: Vec<K> = nominees
        .iter()
        .filter(|n| n.votes.is_none())
        .map(|n| n.person.clone())
        .collect();
    if !missing_votes.is_empty() {
        return Ok(Formal::PreliminaryNeeded {
            nominees: nominees.len(),
            places,
            missing_votes,
        });
    }
    let ranked = rank(nominees);
    let cut = places as usize;
    // ranked.len() > cut here, so both indices exist.
    let (last_in, first_out) = match (ranked.get(cut - 1), ranked.get(cut)) {
        (Some(a), Some(b)) => (a.votes, b.votes),
        _ => {
            return Ok(Formal::ByVotes {
                formal: ranked,
                reserve: Vec::new(),
            })
        }
    };
    if last_in > first_out {
        let mut formal = ranked;
        let reserve = formal.split_off(cut);
        return Ok(Formal::ByVotes { formal, reserve });
    }
    let votes = last_in;
    let mut formal = Vec::new();
    let mut tied = Vec::new();
    let mut reserve = Vec::new();
    for r in ranked {
        match r.votes.cmp(&votes) {
            std::cmp::Ordering::Greater => formal.push(r),
            std::cmp::Ordering::Equal => tied.push(r.person),
            std::cmp::Ordering::Less => reserve.push(r),
        }
    }
    let remaining = places.saturating_sub(u32::try_from(formal.len()).unwrap_or(u32::MAX));
    Ok(Formal::TieAtCut {
        without_tied_meets_minimum: formal.len() >= needed as usize,
        formal,
        tied,
        votes,
        places: remaining,
        reserve,
    })
}

/// Nominees with votes, most votes first; equal votes keep the order given.
fn rank<K: Clone>(nominees: &[NomineeVotes<K>]) -> Vec<Ranked<K>> {
    let mut ranked: Vec<Ranked<K>> = nominees
        .iter()
        .filter_map(|n| {
            n.votes.map(|votes| Ranked {
                person: n.person.clone(),
                votes,
            })
        })
        .collect();
    ranked.sort_by_key(|r| std::cmp::Reverse(r.votes));
    ranked
}

/// Who takes a withdrawn formal candidate's place (R-NOM-6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Replacement<K> {
    /// The nominee with the most preliminary votes among those who are not
    /// formal candidates.
    Next { person: K, votes: u64 },
    /// Several nominees share the most votes: the committee decides.
    Tie { tied: Vec<K>, votes: u64 },
    /// Nobody is left to take the place. `below_minimum`: the formal
    /// candidates left no longer meet `seats + margin.min` (R-NOM-4).
    NoneLeft {
        formal_left: usize,
        below_minimum: bool,
    },
}

/// Why a withdrawal's replacement cannot be named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum WithdrawalRefusal<K> {
    #[error("R-NOM-6: the person withdrawing is not a formal candidate for this position")]
    NotFormal { person: K },
    #[error(
        "R-NOM-6: nominees who are not formal candidates have no preliminary votes to rank them"
    )]
    Unranked { persons: Vec<K> },
}

impl<K> WithdrawalRefusal<K> {
    pub fn rule(&self) -> &'static str {
        rule::NOM_6
    }

    pub fn code(&self) -> &'static str {
        match self {
            WithdrawalRefusal::NotFormal { .. } => "not_formal",
            WithdrawalRefusal::Unranked { .. } => "unranked",
        }
    }

    pub fn message_zh(&self) -> String {
        match self {
            WithdrawalRefusal::NotFormal { .. } => "退出者不是该职位的正式候选人".into(),
            WithdrawalRefusal::Unranked { .. } => {
                "未列入正式候选人的被提名人没有预选票数，无法依次递补".into()
            }
        }
    }

    pub fn message_en(&self) -> String {
        let text = self.to_string();
        text.split_once(": ")
            .map_or(text.clone(), |(_, rest)| rest.to_owned())
    }
}

/// R-NOM-6: `withdrawn` leaves the formal candidates `formal` of a
/// position with `seats` seats; who takes the place? `nominees` are the
/// position's nominees (without those who withdrew earlier) with their
/// preliminary votes; the place goes to the non-formal nominee with the
/// most votes, a tie for it reported.
pub fn replacement<K: Ord + Clone>(
    position: Position,
    seats: u32,
    withdrawn: &K,
    formal: &[K],
    nominees: &[NomineeVotes<K>],
    rules: &NominationRules,
) -> Result<Replacement<K>, WithdrawalRefusal<K>> {
    if !formal.contains(withdrawn) {
        return Err(WithdrawalRefusal::NotFormal {
            person: withdrawn.clone(),
        });
    }
    let candidates: Vec<&NomineeVotes<K>> = nominees
        .iter()
        .filter(|n| &n.person != withdrawn && !formal.contains(&n.person))
        .collect();
    let unranked: Vec<K> = candidates
        .iter()
        .filter(|n| n.votes.is_none())
        .map(|n| n.person.clone())
        .collect();
    if !unranked.is_empty() {
        return Err(WithdrawalRefusal::Unranked { persons: unranked });
    }
    let best = candidates.iter().filter_map(|n| n.votes).max();
    let Some(votes) = best else {
        let formal_left = formal.len().saturating_sub(1);
        let needed = seats.saturating_add(rules.margin.of(position).min);
        return Ok(Replacement::NoneLeft {
            formal_left,
            below_minimum: formal_left < needed as usize,
        });
    };
    let mut tied: Vec<K> = candidates
        .iter()
        .filter(|n| n.votes == Some(votes))
        .map(|n| n.person.clone())
        .collect();
    if tied.len() == 1 {
        let person = tied.remove(0);
        Ok(Replacement::Next { person, votes })
    } else {
        Ok(Replacement::Tie { tied, votes })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::Profile;
    use proptest::prelude::*;

    fn rules() -> NominationRules {
        Profile::by_id("county-2006").unwrap().nomination
    }

    fn with_votes(votes: &[u64]) -> Vec<NomineeVotes<u32>> {
        votes
            .iter()
            .enumerate()
            .map(|(i, &v)| NomineeVotes {
                person: i as u32,
                votes: Some(v),
            })
            .collect()
    }

    fn without_votes(n: u32) -> Vec<NomineeVotes<u32>> {
        (0..n)
            .map(|person| NomineeVotes {
                person,
                votes: None,
            })
            .collect()
    }

    /// R-NOM-4: a contested election needs seats + min margin nominees
    /// (County-2006: director +1, members +1..+3); 等额 is refused.
    #[test]
    fn too_few_nominees_for_a_contest() {
        let r = rules();
        let one = without_votes(1);
        let refusal = select(Position::Director, 1, &one, &r).unwrap_err();
        assert_eq!(
            refusal,
            FormalRefusal::TooFewNominees {
                position: Position::Director,
                seats: 1,
                nominees: 1,
                needed: 2
            }
        );
        assert_eq!(refusal.rule(), "R-NOM-4");
        assert!(refusal.message_zh().contains("差额"));
        assert!(refusal.to_string().starts_with("R-NOM-4: "));
        assert!(select(Position::Member, 4, &without_votes(4), &r).is_err());
        assert!(select(Position::Member, 4, &without_votes(5), &r).is_ok());
        assert_eq!(
            select(Position::Member, 0, &without_votes(5), &r),
            Err(FormalRefusal::NoSeats {
                position: Position::Member
            })
        );
        // An equal-number profile (margin.min = 0) accepts as many as seats.
        let mut equal = r.clone();
        equal.margin.member.min = 0;
        assert!(select(Position::Member, 4, &without_votes(4), &equal).is_ok());
    }

    /// R-NOM-3: within the margin, every nominee is a formal candidate and
    /// no preliminary vote is needed; beyond it, one is.
    #[test]
    fn preliminary_vote_only_beyond_the_margin() {
        let r = rules();
        // Members: 4 seats, +1 to +3: 5..=7 nominees need no vote.
        for n in 5..=7 {
            assert_eq!(
                select(Position::Member, 4, &without_votes(n), &r),
                Ok(Formal::AllNominees {
                    formal: (0..n).collect()
                })
            );
        }
        assert_eq!(
            select(Position::Member, 4, &without_votes(8), &r),
            Ok(Formal::PreliminaryNeeded {
                nominees: 8,
                places: 7,
                missing_votes: (0..8).collect()
            })
        );
        // Director: 1 seat, +1 exactly: 3 nominees need a vote.
        assert!(matches!(
            select(Position::Director, 1, &without_votes(3), &r),
            Ok(Formal::PreliminaryNeeded { places: 2, .. })
        ));
    }

    /// R-NOM-3: the most votes become formal candidates.
    #[test]
    fn formal_candidates_by_votes() {
        let r = rules();
        let nominees = with_votes(&[10, 30, 20, 5]);
        let got = select(Position::Director, 1, &nominees, &r).unwrap();
        assert_eq!(
            got,
            Formal::ByVotes {
                formal: vec![
                    Ranked {
                        person: 1,
                        votes: 30
                    },
                    Ranked {
                        person: 2,
                        votes: 20
                    }
                ],
                reserve: vec![
                    Ranked {
                        person: 0,
                        votes: 10
                    },
                    Ranked {
                        person: 3,
                        votes: 5
                    }
                ],
            }
        );
    }

    /// R-NOM-3: a tie at the cut is reported, not broken.
    #[test]
    fn a_tie_at_the_cut_is_reported() {
        let r = rules();
        let nominees = with_votes(&[30, 20, 20, 20, 5]);
        assert_eq!(
            select(Position::Director, 1, &nominees, &r),
            Ok(Formal::TieAtCut {
                formal: vec![Ranked {
                    person: 0,
                    votes: 30
                }],
                tied: vec![1, 2, 3],
                votes: 20,
                places: 1,
                reserve: vec![Ranked {
                    person: 4,
                    votes: 5
                }],
                without_tied_meets_minimum: false,
            })
        );
        // Members, 2 seats, +1..+3: places 5; clear 4 meet the minimum 3.
        let nominees = with_votes(&[9, 9, 8, 8, 7, 7, 1]);
        assert!(matches!(
            select(Position::Member, 2, &nominees, &r),
            Ok(Formal::TieAtCut { places: 1, ref tied, without_tied_meets_minimum: true, .. })
                if tied == &vec![4, 5]
        ));
    }

    /// R-NOM-6: the next nominee by preliminary votes takes the place; a
    /// tie for it is reported; with nobody left, the shortfall is flagged.
    #[test]
    fn withdrawal_replacement() {
        let r = rules();
        let nominees = with_votes(&[30, 20, 10, 10, 5]);
        let formal = [0, 1];
        assert_eq!(
            replacement(Position::Director, 1, &1, &formal, &nominees, &r),
            Ok(Replacement::Tie {
                tied: vec![2, 3],
                votes: 10
            })
        );
        let nominees = with_votes(&[30, 20, 12, 10, 5]);
        assert_eq!(
            replacement(Position::Director, 1, &1, &formal, &nominees, &r),
            Ok(Replacement::Next {
                person: 2,
                votes: 12
            })
        );
        let refusal = replacement(Position::Director, 1, &4, &formal, &nominees, &r).unwrap_err();
        assert_eq!(refusal, WithdrawalRefusal::NotFormal { person: 4 });
        assert_eq!(refusal.rule(), "R-NOM-6");
        // No preliminary vote was held: nobody to replace.
        let two = without_votes(2);
        assert_eq!(
            replacement(Position::Director, 1, &0, &[0, 1], &two, &r),
            Ok(Replacement::NoneLeft {
                formal_left: 1,
                below_minimum: true
            })
        );
        let mut unranked = with_votes(&[30, 20, 10]);
        unranked[2].votes = None;
        assert_eq!(
            replacement(Position::Director, 1, &0, &[0, 1], &unranked, &r),
            Err(WithdrawalRefusal::Unranked { persons: vec![2] })
        );
    }

    #[test]
    fn a_nominee_listed_twice_is_refused() {
        let mut n = with_votes(&[1, 2, 3]);
        n[2].person = 0;
        let refusal = select(Position::Director, 1, &n, &rules()).unwrap_err();
        assert_eq!(refusal, FormalRefusal::NomineeTwice { person: 0 });
        assert_eq!(refusal.rule(), "R-NOM-3");
    }

    /// R-NOM-3/4: never more formal candidates than seats + max margin
    /// unless a tie is reported; everyone chosen has more votes than
    /// everyone left out; the input order does not matter.
    #[test]
    fn selection_is_by_votes() {
        let county = rules();
        proptest!(|(
            seats in 1u32..5,
            min in 0u32..3,
            extra in 0u32..4,
            votes in proptest::collection::vec(0u64..6, 0..16),
        )| {
            let mut r = county.clone();
            r.margin.member = crate::profile::Margin { min, max: min + extra };
            let places = (seats + min + extra) as usize;
            let nominees = with_votes(&votes);
            let got = select(Position::Member, seats, &nominees, &r);
            let mut reversed = nominees.clone();
            reversed.reverse();
            let again = select(Position::Member, seats, &reversed, &r);
            if votes.len() < (seats + min) as usize {
                let refused = matches!(got, Err(FormalRefusal::TooFewNominees { .. }));
                prop_assert!(refused);
                return Ok(());
            }
            match (got.unwrap(), again.unwrap()) {
                (Formal::AllNominees { formal }, Formal::AllNominees { formal: f2 }) => {
                    prop_assert!(formal.len() <= places);
                    prop_assert_eq!(formal.len(), votes.len());
                    prop_assert_eq!(
                        formal.iter().collect::<BTreeSet<_>>(),
                        f2.iter().collect::<BTreeSet<_>>()
                    );
                }
                (Formal::ByVotes { formal, reserve }, Formal::ByVotes { formal: f2, .. }) => {
                    prop_assert_eq!(formal.len(), places);
                    prop_assert_eq!(formal.len() + reserve.len(), votes.len());
                    let lowest_in = formal.iter().map(|x| x.votes).min().unwrap();
                    let highest_out = reserve.iter().map(|x| x.votes).max().unwrap();
                    prop_assert!(lowest_in > highest_out);
                    prop_assert!(formal.windows(2).all(|w| w[0].votes >= w[1].votes));
                    for x in &formal {
                        prop_assert_eq!(Some(x.votes), nominees[x.person as usize].votes);
                    }
                    prop_assert_eq!(
                        formal.iter().map(|x| x.person).collect::<BTreeSet<_>>(),
                        f2.iter().map(|x| x.person).collect::<BTreeSet<_>>()
                    );
                }
                (
                    Formal::TieAtCut { formal, tied, votes: v, places: left, reserve, without_tied_meets_minimum },
                    Formal::TieAtCut { tied: t2, .. },
                ) => {
                    prop_assert!(formal.len() < places);
                    prop_assert_eq!(formal.len() + left as usize, places);
                    prop_assert!(tied.len() > left as usize && left >= 1);
                    prop_assert!(formal.iter().all(|x| x.votes > v));
                    prop_assert!(reserve.iter().all(|x| x.votes < v));
                    prop_assert!(tied.iter().all(|&p| nominees[p as usize].votes == Some(v)));
                    prop_assert_eq!(formal.len() + tied.len() + reserve.len(), votes.len());
                    prop_assert_eq!(without_tied_meets_minimum, formal.len() >= (seats + min) as usize);
                    prop_assert_eq!(
                        tied.iter().collect::<BTreeSet<_>>(),
                        t2.iter().collect::<BTreeSet<_>>()
                    );
                }
                (a, b) => prop_assert!(false, "order changed the outcome: {a:?} vs {b:?}"),
            }
        });
    }
}
