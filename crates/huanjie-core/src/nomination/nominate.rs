//! May this nomination be recorded (R-NOM-1, R-NOM-2)?
//!
//! The store gathers the [`NominationFacts`] for the people named in the
//! nomination inside the transaction that records it, so two clerks
//! recording nominations by the same voter cannot both succeed; the
//! decision is [`check`].
//!
//! Readings:
//! - Nominators are checked for the kinds nominated by individuals (joint
//!   nominations and self-nomination); for an organisation's nomination
//!   (party organisation, residents' group, township) the nominator list is
//!   not checked and may be empty.
//! - "A voter nominates once" (R-NOM-2) counts every nomination by
//!   individuals, self-nomination included.
//! - Only nominators who qualify (voter, household or group
//!   representative, as the kind needs) and have not nominated before count
//!   toward the kind's minimum.
//! - A nominee must be a voter of this election: the right to stand goes
//!   with the right to vote. RULES.md does not say it in so many words; the
//!   refusal cites R-NOM-1.

use super::{NominationKind, Position};
use crate::profile::NominationRules;
use crate::rule;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// A person named for a position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Nominee<K> {
    pub person: K,
    pub position: Position,
}

/// A nomination as proposed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Proposed<K> {
    pub kind: NominationKind,
    /// The residents who sign it (for self-nomination, the nominee).
    pub nominators: Vec<K>,
    pub nominees: Vec<Nominee<K>>,
}

/// What the store knows about the people in the nomination. Each set need
/// only cover the nominators and nominees of this nomination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NominationFacts<K> {
    /// Registered voters of this election who did not waive (R-REG-4).
    pub voters: BTreeSet<K>,
    /// Household representatives (户代表) of this election.
    pub household_representatives: BTreeSet<K>,
    /// Residents' group representatives (居民小组代表).
    pub group_representatives: BTreeSet<K>,
    /// People who already signed a nomination (by individuals) in this
    /// election.
    pub already_nominated: BTreeSet<K>,
    /// The election's seats per position; a position not here has none.
    pub seats: BTreeMap<Position, u32>,
}

impl<K: Ord> Default for NominationFacts<K> {
    fn default() -> Self {
        NominationFacts {
            voters: BTreeSet::new(),
            household_representatives: BTreeSet::new(),
            group_representatives: BTreeSet::new(),
            already_nominated: BTreeSet::new(),
            seats: BTreeMap::new(),
        }
    }
}

/// Why a nomination is refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum NominationRefusal<K> {
    #[error("R-NOM-1: this profile does not accept nominations by {}", kind.en())]
    KindNotAllowed { kind: NominationKind },
    #[error("R-NOM-1: a nomination by {} needs at least {min} nominators, not {count}", kind.en())]
    TooFewNominators {
        kind: NominationKind,
        count: usize,
        min: u32,
    },
    #[error("R-NOM-1: a nominator is not a voter of this election")]
    NominatorNotVoter { person: K },
    #[error("R-NOM-1: a nominator is not a household representative")]
    NominatorNotHouseholdRepresentative { person: K },
    #[error("R-NOM-1: a nominator is not a group representative")]
    NominatorNotGroupRepresentative { person: K },
    #[error("R-NOM-1: a self-nomination is signed by the one person it names")]
    SelfNominationMismatch,
    #[error("R-NOM-1: the nomination names nobody")]
    NoNominee,
    #[error("R-NOM-1: a nominee is not a voter of this election")]
    NomineeNotVoter { person: K },
    #[error("R-NOM-2: a nominator signs this nomination twice")]
    NominatorListedTwice { person: K },
    #[error("R-NOM-2: a voter nominates once, and this nominator already has")]
    NominatorAlreadyNominated { person: K },
    #[error("R-NOM-2: the same person is named twice for {position}")]
    NomineeListedTwice { person: K, position: Position },
    #[error("R-NOM-2: {named} people named for {position}, which has {seats} seats")]
    TooManyNominees {
        position: Position,
        named: usize,
        seats: u32,
    },
    /// ZJ-2020: the whole nomination is void.
    #[error("R-NOM-2: one person is named for two positions, which voids the nomination")]
    SamePersonTwoPositions { person: K, positions: Vec<Position> },
}

impl<K> NominationRefusal<K> {
    pub fn rule(&self) -> &'static str {
        match self {
            NominationRefusal::KindNotAllowed { .. }
            | NominationRefusal::TooFewNominators { .. }
            | NominationRefusal::NominatorNotVoter { .. }
            | NominationRefusal::NominatorNotHouseholdRepresentative { .. }
            | NominationRefusal::NominatorNotGroupRepresentative { .. }
            | NominationRefusal::SelfNominationMismatch
            | NominationRefusal::NoNominee
            | NominationRefusal::NomineeNotVoter { .. } => rule::NOM_1,
            NominationRefusal::NominatorListedTwice { .. }
            | NominationRefusal::NominatorAlreadyNominated { .. }
            | NominationRefusal::NomineeListedTwice { .. }
            | NominationRefusal::TooManyNominees { .. }
            | NominationRefusal::SamePersonTwoPositions { .. } => rule::NOM_2,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            NominationRefusal::KindNotAllowed { .. } => "kind_not_allowed",
            NominationRefusal::TooFewNominators { .. } => "too_few_nominators",
            NominationRefusal::NominatorNotVoter { .. } => "nominator_not_voter",
            NominationRefusal::NominatorNotHouseholdRepresentative { .. } => {
                "nominator_not_household_representative"
            }
            NominationRefusal::NominatorNotGroupRepresentative { .. } => {
                "nominator_not_group_representative"
            }
            NominationRefusal::SelfNominationMismatch => "self_nomination_mismatch",
            NominationRefusal::NoNominee => "no_nominee",
            NominationRefusal::NomineeNotVoter { .. } => "nominee_not_voter",
            NominationRefusal::NominatorListedTwice { .. } => "nominator_listed_twice",
            NominationRefusal::NominatorAlreadyNominated { .. } => "nominator_already_nominated",
            NominationRefusal::NomineeListedTwice { .. } => "nominee_listed_twice",
            NominationRefusal::TooManyNominees { .. } => "too_many_nominees",
            NominationRefusal::SamePersonTwoPositions { .. } => "same_person_two_positions",
        }
    }

    /// The person the refusal is about, if any.
    pub fn person(&self) -> Option<&K> {
        match self {
            NominationRefusal::NominatorNotVoter { person }
            | NominationRefusal::NominatorNotHouseholdRepresentative { person }
            | NominationRefusal::NominatorNotGroupRepresentative { person }
            | NominationRefusal::NomineeNotVoter { person }
            | NominationRefusal::NominatorListedTwice { person }
            | NominationRefusal::NominatorAlreadyNominated { person }
            | NominationRefusal::NomineeListedTwice { person, .. }
            | NominationRefusal::SamePersonTwoPositions { person, .. } => Some(person),
            _ => None,
        }
    }

    /// The nomination is void (not merely refused): ZJ-2020's one person
    /// for two positions.
    pub fn voids(&self) -> bool {
        matches!(self, NominationRefusal::SamePersonTwoPositions { .. })
    }

    pub fn message_zh(&self) -> String {
        match self {
            NominationRefusal::KindNotAllowed { kind } => format!("本规程不接受{}", kind.zh()),
            NominationRefusal::TooFewNominators { kind, count, min } => {
                format!("{}须有{min}人以上联名，现为{count}人", kind.zh())
            }
            NominationRefusal::NominatorNotVoter { .. } => "提名人不是本次选举的选民".into(),
            NominationRefusal::NominatorNotHouseholdRepresentative { .. } => {
                "提名人不是户代表".into()
            }
            NominationRefusal::NominatorNotGroupRepresentative { .. } => {
                "提名人不是居民小组代表".into()
            }
            NominationRefusal::SelfNominationMismatch => "自荐只能由本人提名本人一人".into(),
            NominationRefusal::NoNominee => "提名中没有被提名人".into(),
            NominationRefusal::NomineeNotVoter { .. } => "被提名人不是本次选举的选民".into(),
            NominationRefusal::NominatorListedTwice { .. } => "同一提名人在本提名中重复签名".into(),
            NominationRefusal::NominatorAlreadyNominated { .. } => {
                "每一选民只能参加一次提名，该提名人已参加提名".into()
            }
            NominationRefusal::NomineeListedTwice { position, .. } => {
                format!("同一人被重复提名为{}", position.zh())
            }
            NominationRefusal::TooManyNominees {
                position,
                named,
                seats,
            } => format!(
                "{}应选{seats}名，提名了{named}人，不得多于应选名额",
                position.zh()
            ),
            NominationRefusal::SamePersonTwoPositions { positions, .. } => format!(
                "同一人被提名为{}，该提名无效",
                positions
                    .iter()
                    .map(|p| p.zh())
                    .collect::<Vec<_>>()
                    .join("和")
            ),
        }
    }

    pub fn message_en(&self) -> String {
        let text = self.to_string();
        text.split_once(": ")
            .map_or(text.clone(), |(_, rest)| rest.to_owned())
    }
}

/// R-NOM-1/2: may `proposed` be recorded? `Ok` or every refusal found, each
/// naming the offending person where there is one. If any refusal
/// [`voids`](NominationRefusal::voids) the nomination, it is void rather
/// than merely refused.
pub fn check<K: Ord + Clone>(
    proposed: &Proposed<K>,
    facts: &NominationFacts<K>,
    rules: &NominationRules,
) -> Result<(), Vec<NominationRefusal<K>>> {
    let mut refusals = Vec::new();
    let kind = proposed.kind;
    if !rules.kinds.contains(&kind) {
        refusals.push(NominationRefusal::KindNotAllowed { kind });
    }

    if kind.by_individuals() {
        check_nominators(proposed, facts, rules, &mut refusals);
    }

    if proposed.nominees.is_empty() {
        refusals.push(NominationRefusal::NoNominee);
    }
    let mut positions_of: BTreeMap<&K, Vec<Position>> = BTreeMap::new();
    let mut named: BTreeMap<Position, usize> = BTreeMap::new();
    for n in &proposed.nominees {
        let positions = positions_of.entry(&n.person).or_default();
        if positions.contains(&n.position) {
            refusals.push(NominationRefusal::NomineeListedTwice {
                person: n.person.clone(),
                position: n.position,
            });
            continue;
        }
        if positions.is_empty() && !facts.voters.contains(&n.person) {
            refusals.push(NominationRefusal::NomineeNotVoter {
                person: n.person.clone(),
            });
        }
        positions.push(n.position);
        *named.entry(n.position).or_default() += 1;
    }
    for (position, named) in named {
        let seats = facts.seats.get(&position).copied().unwrap_or(0);
        if named > seats as usize {
            refusals.push(NominationRefusal::TooManyNominees {
                position,
                named,
                seats,
            });
        }
    }
    if rules.same_person_two_positions_voids {
        for (person, positions) in positions_of {
            if positions.len() > 1 {
                refusals.push(NominationRefusal::SamePersonTwoPositions {
                    person: person.clone(),
                    positions,
                });
            }
        }
    }

    if refusals.is_empty() {
        Ok(())
    } else {
        Err(refusals)
    }
}

fn check_nominators<K: Ord + Clone>(
    proposed: &Proposed<K>,
    facts: &NominationFacts<K>,
    rules: &NominationRules,
    refusals: &mut Vec<NominationRefusal<K>>,
) {
    let kind = proposed.kind;
    let mut seen = BTreeSet::new();
    let mut counted = 0usize;
    for person in &proposed.nominators {
        if !seen.insert(person) {
            refusals.push(NominationRefusal::NominatorListedTwice {
                person: person.clone(),
            });
            continue;
        }
        let qualified = match kind {
            NominationKind::JointHouseholdRepresentatives => {
                facts.household_representatives.contains(person)
            }
            NominationKind::JointGroupRepresentatives => {
                facts.group_representatives.contains(person)
            }
            _ => facts.voters.contains(person),
        };
        if !qualified {
            let person = person.clone();
            refusals.push(match kind {
                NominationKind::JointHouseholdRepresentatives => {
                    NominationRefusal::NominatorNotHouseholdRepresentative { person }
                }
                NominationKind::JointGroupRepresentatives => {
                    NominationRefusal::NominatorNotGroupRepresentative { person }
                }
                _ => NominationRefusal::NominatorNotVoter { person },
            });
        }
        let already = facts.already_nominated.contains(person);
        if already {
            refusals.push(NominationRefusal::NominatorAlreadyNominated {
                person: person.clone(),
            });
        }
        if qualified && !already {
            counted += 1;
        }
    }
    let min = match kind {
        NominationKind::JointVoters => rules.joint_voters_min,
        NominationKind::JointHouseholdRepresentatives => rules.joint_household_representatives_min,
        NominationKind::JointGroupRepresentatives => rules.joint_group_representatives_min,
        _ => 1,
    };
    if kind == NominationKind::SelfNomination {
        let nominee_is_signer = match (proposed.nominators.as_slice(), proposed.nominees.as_slice())
        {
            ([signer], [nominee]) => *signer == nominee.person,
            _ => false,
        };
        if !nominee_is_signer {
            refusals.push(NominationRefusal::SelfNominationMismatch);
        }
    } else if counted < min as usize {
        refusals.push(NominationRefusal::TooFewNominators {
            kind,
            count: counted,
            min,
        });
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::Profile;

    fn rules(id: &str) -> NominationRules {
        Profile::by_id(id).unwrap().nomination
    }

    /// Voters 1..=30 (21..=25 household representatives, 26..=28 group
    /// representatives); 1 director, 2 deputies, 4 members.
    fn facts() -> NominationFacts<u32> {
        NominationFacts {
            voters: (1..=30).collect(),
            household_representatives: (21..=25).collect(),
            group_representatives: (26..=28).collect(),
            already_nominated: BTreeSet::new(),
            seats: [
                (Position::Director, 1),
                (Position::Deputy, 2),
                (Position::Member, 4),
            ]
            .into_iter()
            .collect(),
        }
    }

    fn joint(
        nominators: std::ops::RangeInclusive<u32>,
        nominees: &[(u32, Position)],
    ) -> Proposed<u32> {
        Proposed {
            kind: NominationKind::JointVoters,
            nominators: nominators.collect(),
            nominees: nominees
                .iter()
                .map(|&(person, position)| Nominee { person, position })
                .collect(),
        }
    }

    /// R-NOM-1: ten voters jointly, five household representatives, three
    /// group representatives; one fewer is refused.
    #[test]
    fn joint_nominations_need_the_profile_minimum() {
        let r = rules("county-2006");
        let f = facts();
        let ok = joint(1..=10, &[(11, Position::Director)]);
        assert_eq!(check(&ok, &f, &r), Ok(()));
        let nine = joint(1..=9, &[(11, Position::Director)]);
        let refusals = check(&nine, &f, &r).unwrap_err();
        assert_eq!(
            refusals,
            vec![NominationRefusal::TooFewNominators {
                kind: NominationKind::JointVoters,
                count: 9,
                min: 10
            }]
        );
        assert_eq!(refusals[0].rule(), "R-NOM-1");
        assert!(refusals[0].message_zh().contains("10人以上"));

        let hh = Proposed {
            kind: NominationKind::JointHouseholdRepresentatives,
            ..joint(21..=25, &[(1, Position::Member)])
        };
        assert_eq!(check(&hh, &f, &r), Ok(()));
        let hh4 = Proposed {
            kind: NominationKind::JointHouseholdRepresentatives,
            ..joint(21..=24, &[(1, Position::Member)])
        };
        assert_eq!(
            check(&hh4, &f, &r).unwrap_err()[0].code(),
            "too_few_nominators"
        );
        // Household representatives 21..=25 plus voter 20, who is not one.
        let hh_bad = Proposed {
            kind: NominationKind::JointHouseholdRepresentatives,
            ..joint(20..=25, &[(1, Position::Member)])
        };
        assert_eq!(
            check(&hh_bad, &f, &r),
            Err(vec![
                NominationRefusal::NominatorNotHouseholdRepresentative { person: 20 }
            ])
        );
        // A nominator who already nominated does not count either.
        let mut again = facts();
        again.already_nominated.insert(21);
        assert_eq!(
            check(&hh, &again, &r),
            Err(vec![
                NominationRefusal::NominatorAlreadyNominated { person: 21 },
                NominationRefusal::TooFewNominators {
                    kind: NominationKind::JointHouseholdRepresentatives,
                    count: 4,
                    min: 5
                }
            ])
        );

        let grp = Proposed {
            kind: NominationKind::JointGroupRepresentatives,
            ..joint(26..=28, &[(1, Position::Member)])
        };
        assert_eq!(check(&grp, &f, &r), Ok(()));
        let grp_bad = Proposed {
            kind: NominationKind::JointGroupRepresentatives,
            ..joint(25..=27, &[(1, Position::Member)])
        };
        // Only the qualified nominators count toward the minimum.
        assert_eq!(
            check(&grp_bad, &f, &r),
            Err(vec![
                NominationRefusal::NominatorNotGroupRepresentative { person: 25 },
                NominationRefusal::TooFewNominators {
                    kind: NominationKind::JointGroupRepresentatives,
                    count: 2,
                    min: 3
                }
            ])
        );
    }

    /// R-NOM-1: a nominator (and a nominee) must be a voter; each refusal
    /// names who.
    #[test]
    fn nominators_and_nominees_are_voters() {
        let r = rules("county-2006");
        let f = facts();
        let p = joint(25..=35, &[(99, Position::Member)]);
        let refusals = check(&p, &f, &r).unwrap_err();
        let not_voters: Vec<u32> = refusals
            .iter()
            .filter(|x| x.code() == "nominator_not_voter")
            .filter_map(|x| x.person().copied())
            .collect();
        assert_eq!(not_voters, vec![31, 32, 33, 34, 35]);
        assert!(refusals.contains(&NominationRefusal::NomineeNotVoter { person: 99 }));
        assert!(refusals.iter().all(|x| x.rule() == "R-NOM-1"));
    }

    /// R-NOM-2: a voter nominates once (in this nomination and across
    /// nominations).
    #[test]
    fn a_voter_nominates_once() {
        let r = rules("county-2006");
        let mut f = facts();
        f.already_nominated.insert(3);
        let mut p = joint(1..=11, &[(12, Position::Director)]);
        p.nominators.push(4);
        let refusals = check(&p, &f, &r).unwrap_err();
        assert_eq!(
            refusals,
            vec![
                NominationRefusal::NominatorAlreadyNominated { person: 3 },
                NominationRefusal::NominatorListedTwice { person: 4 },
            ]
        );
        assert!(refusals.iter().all(|x| x.rule() == "R-NOM-2"));
        // The repeated signature does not make up the numbers.
        let mut nine = joint(1..=9, &[(11, Position::Director)]);
        nine.nominators.push(9);
        assert!(check(&nine, &facts(), &r)
            .unwrap_err()
            .iter()
            .any(|x| x.code() == "too_few_nominators"));
    }

    /// R-NOM-2: no more people than seats for a position (a position the
    /// election does not have has none).
    #[test]
    fn no_more_nominees_than_seats() {
        let r = rules("county-2006");
        let f = facts();
        let two_directors = joint(
            1..=10,
            &[(11, Position::Director), (12, Position::Director)],
        );
        let refusals = check(&two_directors, &f, &r).unwrap_err();
        assert_eq!(
            refusals,
            vec![NominationRefusal::TooManyNominees {
                position: Position::Director,
                named: 2,
                seats: 1
            }]
        );
        assert_eq!(refusals[0].rule(), "R-NOM-2");
        let full = joint(
            1..=10,
            &[
                (11, Position::Director),
                (12, Position::Deputy),
                (13, Position::Deputy),
                (14, Position::Member),
                (15, Position::Member),
                (16, Position::Member),
                (17, Position::Member),
            ],
        );
        assert_eq!(check(&full, &f, &r), Ok(()));
        let women = joint(1..=10, &[(11, Position::WomenMember)]);
        assert_eq!(
            check(&women, &f, &r).unwrap_err()[0].code(),
            "too_many_nominees"
        );
        let twice = joint(1..=10, &[(11, Position::Member), (11, Position::Member)]);
        assert_eq!(
            check(&twice, &f, &r),
            Err(vec![NominationRefusal::NomineeListedTwice {
                person: 11,
                position: Position::Member
            }])
        );
    }

    /// R-NOM-2 (ZJ-2020): one person for two positions voids the
    /// nomination; County-2006 accepts it.
    #[test]
    fn one_person_two_positions_is_void_under_zj_2020() {
        let p = joint(1..=10, &[(11, Position::Director), (11, Position::Deputy)]);
        assert_eq!(check(&p, &facts(), &rules("county-2006")), Ok(()));
        let refusals = check(&p, &facts(), &rules("zhejiang-2020")).unwrap_err();
        assert_eq!(
            refusals,
            vec![NominationRefusal::SamePersonTwoPositions {
                person: 11,
                positions: vec![Position::Director, Position::Deputy]
            }]
        );
        assert!(refusals[0].voids());
        assert_eq!(refusals[0].rule(), "R-NOM-2");
        assert!(refusals[0].message_zh().contains("主任和副主任"));
    }

    /// R-NOM-1: self-nomination names oneself only; organisations'
    /// nominations carry no nominators to check; a kind the profile does
    /// not list is refused.
    #[test]
    fn self_and_organisation_nominations() {
        let mut r = rules("county-2006");
        let f = facts();
        let own = Proposed {
            kind: NominationKind::SelfNomination,
            nominators: vec![5],
            nominees: vec![Nominee {
                person: 5,
                position: Position::Member,
            }],
        };
        assert_eq!(check(&own, &f, &r), Ok(()));
        let other = Proposed {
            nominees: vec![Nominee {
                person: 6,
                position: Position::Member,
            }],
            ..own.clone()
        };
        assert_eq!(
            check(&other, &f, &r),
            Err(vec![NominationRefusal::SelfNominationMismatch])
        );
        let mut nominated = facts();
        nominated.already_nominated.insert(5);
        assert_eq!(
            check(&own, &nominated, &r),
            Err(vec![NominationRefusal::NominatorAlreadyNominated {
                person: 5
            }])
        );
        let party = Proposed {
            kind: NominationKind::PartyOrganisation,
            nominators: vec![],
            nominees: vec![
                Nominee {
                    person: 1,
                    position: Position::Director,
                },
                Nominee {
                    person: 2,
                    position: Position::Deputy,
                },
            ],
        };
        assert_eq!(check(&party, &f, &r), Ok(()));
        r.kinds.retain(|k| *k != NominationKind::PartyOrganisation);
        assert_eq!(
            check(&party, &f, &r),
            Err(vec![NominationRefusal::KindNotAllowed {
                kind: NominationKind::PartyOrganisation
            }])
        );
        let empty = Proposed {
            kind: NominationKind::ResidentsGroup,
            nominators: vec![],
            nominees: vec![],
        };
        assert_eq!(
            check(&empty, &f, &rules("county-2006")),
            Err(vec![NominationRefusal::<u32>::NoNominee])
        );
    }

    #[test]
    fn refusals_serialise_with_their_code_and_person() {
        let r = NominationRefusal::NominatorNotVoter { person: 7u32 };
        let json = serde_json_like(&r);
        assert!(
            json.contains("nominator_not_voter") && json.contains('7'),
            "{json}"
        );
    }

    /// serde_json is not a dependency of the core; TOML cannot serialise a
    /// bare enum, so wrap it in a table.
    fn serde_json_like<T: Serialize>(v: &T) -> String {
        #[derive(Serialize)]
        struct Wrap<'a, T> {
            r: &'a T,
        }
        toml::to_string(&Wrap { r: v }).unwrap()
    }
}
