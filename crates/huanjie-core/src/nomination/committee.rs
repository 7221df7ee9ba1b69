//! The election committee (选举委员会, R-BODY-5): its composition, and who
//! leaves it on becoming a formal candidate.
//!
//! Reading: the profile's bounds (5–9; City-2009 5–7 and odd) apply to the
//! committee as constituted; after members leave for candidacy, the
//! remaining committee is checked again and its shortfalls are reported as
//! vacancies to refill, not as an error.

use crate::profile::ElectionCommitteeRules;
use crate::rule;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// A seat on the election committee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommitteeRole {
    /// 主任.
    Chair,
    /// 副主任.
    ViceChair,
    /// 委员.
    Member,
}

impl CommitteeRole {
    pub fn code(self) -> &'static str {
        match self {
            CommitteeRole::Chair => "chair",
            CommitteeRole::ViceChair => "vice_chair",
            CommitteeRole::Member => "member",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        [
            CommitteeRole::Chair,
            CommitteeRole::ViceChair,
            CommitteeRole::Member,
        ]
        .into_iter()
        .find(|r| r.code() == code)
    }

    pub fn zh(self) -> &'static str {
        match self {
            CommitteeRole::Chair => "主任",
            CommitteeRole::ViceChair => "副主任",
            CommitteeRole::Member => "委员",
        }
    }
}

/// A member of the election committee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommitteeSeat<K> {
    pub person: K,
    pub role: CommitteeRole,
}

/// Why an election committee's composition is refused. Every refusal is
/// R-BODY-5.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum ElectionCommitteeRefusal<K> {
    #[error("R-BODY-5: the election committee has {count} members; it must have {min} to {max}")]
    Size { count: usize, min: u32, max: u32 },
    #[error("R-BODY-5: the election committee has an odd number of members, not {count}")]
    Even { count: usize },
    #[error("R-BODY-5: the election committee has exactly 1 chair, not {count}")]
    Chair { count: usize },
    #[error("R-BODY-5: the election committee has {min} to {max} vice-chairs, not {count}")]
    ViceChairs { count: usize, min: u32, max: u32 },
    #[error("R-BODY-5: a person sits on the election committee twice")]
    PersonTwice { person: K },
}

impl<K> ElectionCommitteeRefusal<K> {
    pub fn rule(&self) -> &'static str {
        rule::BODY_5
    }

    pub fn code(&self) -> &'static str {
        match self {
            ElectionCommitteeRefusal::Size { .. } => "size",
            ElectionCommitteeRefusal::Even { .. } => "even",
            ElectionCommitteeRefusal::Chair { .. } => "chair",
            ElectionCommitteeRefusal::ViceChairs { .. } => "vice_chairs",
            ElectionCommitteeRefusal::PersonTwice { .. } => "person_twice",
        }
    }

    pub fn message_zh(&self) -> String {
        match self {
            ElectionCommitteeRefusal::Size { count, min, max } => {
                format!("选举委员会成员{count}名，应为{min}至{max}名")
            }
            ElectionCommitteeRefusal::Even { count } => {
                format!("选举委员会成员应为单数，现为{count}名")
            }
            ElectionCommitteeRefusal::Chair { count } => {
                format!("选举委员会主任应为1名，现为{count}名")
            }
            ElectionCommitteeRefusal::ViceChairs { count, min, max } => {
                format!("选举委员会副主任应为{min}至{max}名，现为{count}名")
            }
            ElectionCommitteeRefusal::PersonTwice { .. } => "同一人在选举委员会中重复列出".into(),
        }
    }

    pub fn message_en(&self) -> String {
        let text = self.to_string();
        text.strip_prefix("R-BODY-5: ").unwrap_or(&text).to_owned()
    }
}

/// R-BODY-5: the election committee's composition: size within the
/// profile's bounds (odd where required), 1 chair, the vice-chairs within
/// theirs, nobody twice. Every failing rule is reported.
pub fn check<K: Ord + Clone>(
    members: &[CommitteeSeat<K>],
    rules: &ElectionCommitteeRules,
) -> Result<(), Vec<ElectionCommitteeRefusal<K>>> {
    let refusals = problems(members, rules);
    if refusals.is_empty() {
        Ok(())
    } else {
        Err(refusals)
    }
}

fn problems<K: Ord + Clone>(
    members: &[CommitteeSeat<K>],
    rules: &ElectionCommitteeRules,
) -> Vec<ElectionCommitteeRefusal<K>> {
    let mut refusals = Vec::new();
    let mut seen = BTreeSet::new();
    for m in members {
        if !seen.insert(&m.person) {
            refusals.push(ElectionCommitteeRefusal::PersonTwice {
                person: m.person.clone(),
            });
        }
    }
    let count = members.len();
    if count < rules.members_min as usize || count > rules.members_max as usize {
        refusals.push(ElectionCommitteeRefusal::Size {
            count,
            min: rules.members_min,
            max: rules.members_max,
        });
    }
    if rules.odd && count % 2 == 0 {
        refusals.push(ElectionCommitteeRefusal::Even { count });
    }
    let chairs = members
        .iter()
        .filter(|m| m.role == CommitteeRole::Chair)
        .count();
    if chairs != 1 {
        refusals.push(ElectionCommitteeRefusal::Chair { count: chairs });
    }
    let vice = members
        .iter()
        .filter(|m| m.role == CommitteeRole::ViceChair)
        .count();
    if vice < rules.vice_chairs_min as usize || vice > rules.vice_chairs_max as usize {
        refusals.push(ElectionCommitteeRefusal::ViceChairs {
            count: vice,
            min: rules.vice_chairs_min,
            max: rules.vice_chairs_max,
        });
    }
    refusals
}

/// R-BODY-5: the members who leave the election committee because they
/// are formal candidates, and what the committee then lacks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Departures<K> {
    pub rule: &'static str,
    /// Members who are formal candidates, in the committee's order.
    pub leaving: Vec<CommitteeSeat<K>>,
    /// Seats vacated, to be refilled (one per member leaving).
    pub vacancies: usize,
    /// The chair is among those leaving.
    pub chair_vacant: bool,
    /// What the remaining committee breaks until the vacancies are
    /// refilled (empty when it still stands as it is).
    pub remaining_problems: Vec<ElectionCommitteeRefusal<K>>,
}

/// R-BODY-5: who of `members` must leave because they are among
/// `formal_candidates`.
pub fn departures<K: Ord + Clone>(
    members: &[CommitteeSeat<K>],
    formal_candidates: &BTreeSet<K>,
    rules: &ElectionCommitteeRules,
) -> Departures<K> {
    let (leaving, staying): (Vec<_>, Vec<_>) = members
        .iter()
        .cloned()
        .partition(|m| formal_candidates.contains(&m.person));
    let remaining_problems = if leaving.is_empty() {
        Vec::new()
    } else {
        problems(&staying, rules)
    };
    Departures {
        rule: rule::BODY_5,
        vacancies: leaving.len(),
        chair_vacant: leaving.iter().any(|m| m.role == CommitteeRole::Chair),
        leaving,
        remaining_problems,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::Profile;

    fn rules(id: &str) -> ElectionCommitteeRules {
        Profile::by_id(id).unwrap().nomination.election_committee
    }

    fn committee(n: u32, vice: u32) -> Vec<CommitteeSeat<u32>> {
        (0..n)
            .map(|person| CommitteeSeat {
                person,
                role: match person {
                    0 => CommitteeRole::Chair,
                    p if p <= vice => CommitteeRole::ViceChair,
                    _ => CommitteeRole::Member,
                },
            })
            .collect()
    }

    /// R-BODY-5: 5–9 members (City-2009: 5–7, odd), 1 chair, 1–2
    /// vice-chairs.
    #[test]
    fn composition_by_profile() {
        let county = rules("county-2006");
        let city = rules("city-2009");
        for n in 5..=9 {
            assert_eq!(check(&committee(n, 1), &county), Ok(()), "{n}");
        }
        assert_eq!(
            check(&committee(4, 1), &county),
            Err(vec![ElectionCommitteeRefusal::Size {
                count: 4,
                min: 5,
                max: 9
            }])
        );
        assert_eq!(check(&committee(7, 2), &city), Ok(()));
        assert_eq!(
            check(&committee(6, 2), &city),
            Err(vec![ElectionCommitteeRefusal::Even { count: 6 }])
        );
        assert_eq!(
            check(&committee(9, 2), &city),
            Err(vec![ElectionCommitteeRefusal::Size {
                count: 9,
                min: 5,
                max: 7
            }])
        );
        let three_vice = check(&committee(7, 3), &county).unwrap_err();
        assert_eq!(
            three_vice,
            vec![ElectionCommitteeRefusal::ViceChairs {
                count: 3,
                min: 1,
                max: 2
            }]
        );
        assert_eq!(three_vice[0].rule(), "R-BODY-5");
        assert!(three_vice[0].message_zh().contains("副主任"));
        let mut no_chair = committee(5, 1);
        no_chair[0].role = CommitteeRole::Member;
        assert_eq!(
            check(&no_chair, &county),
            Err(vec![ElectionCommitteeRefusal::Chair { count: 0 }])
        );
        let mut twice = committee(5, 1);
        twice[4].person = 3;
        assert_eq!(
            check(&twice, &county),
            Err(vec![ElectionCommitteeRefusal::PersonTwice { person: 3 }])
        );
    }

    /// R-BODY-5: a member who becomes a formal candidate leaves; the
    /// vacancies and what the remaining committee lacks are flagged.
    #[test]
    fn formal_candidates_leave_the_committee() {
        let county = rules("county-2006");
        let members = committee(5, 1);
        let none = departures(&members, &BTreeSet::from([42]), &county);
        assert!(none.leaving.is_empty());
        assert_eq!(none.vacancies, 0);
        assert!(none.remaining_problems.is_empty());

        let d = departures(&members, &BTreeSet::from([0, 3, 42]), &county);
        assert_eq!(d.rule, "R-BODY-5");
        assert_eq!(
            d.leaving.iter().map(|m| m.person).collect::<Vec<_>>(),
            vec![0, 3]
        );
        assert_eq!(d.vacancies, 2);
        assert!(d.chair_vacant);
        assert_eq!(
            d.remaining_problems,
            vec![
                ElectionCommitteeRefusal::Size {
                    count: 3,
                    min: 5,
                    max: 9
                },
                ElectionCommitteeRefusal::Chair { count: 0 },
            ]
        );
        // Seven members, one leaves: six still stand (County-2006), but
        // not under City-2009's odd rule.
        let seven = committee(7, 1);
        let d = departures(&seven, &BTreeSet::from([6]), &county);
        assert_eq!(d.vacancies, 1);
        assert!(!d.chair_vacant);
        assert!(d.remaining_problems.is_empty());
        let d = departures(&seven, &BTreeSet::from([6]), &rules("city-2009"));
        assert_eq!(
            d.remaining_problems,
            vec![ElectionCommitteeRefusal::Even { count: 6 }]
        );
    }
}
