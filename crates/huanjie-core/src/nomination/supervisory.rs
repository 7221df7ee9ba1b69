//! The residents' affairs supervisory committee (居务监督委员会, R-BODY-4):
//! 3–5 members with one chair, and who cannot sit on it (回避).
//!
//! Barred: members of the residents' committee and of the community party
//! organisation, their spouses and close relatives, and the community's
//! finance staff. A party-organisation member may still be the chair
//! ("except a party member serving as its chair"). Who holds which office
//! and who is related to whom are facts the committee records; the store
//! passes them in.
//!
//! The size is the same in every source RULES.md lists, so it is a rule
//! here rather than a profile parameter.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::size::Composition;
use super::Position;
use crate::rule;

/// R-BODY-4: the fewest members (the chair included).
pub const MEMBERS_MIN: u32 = 3;
/// R-BODY-4: the most members (the chair included).
pub const MEMBERS_MAX: u32 = 5;

/// An office that bars a person from the supervisory committee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BarringOffice {
    /// 居民委员会成员.
    ResidentsCommittee,
    /// 社区党组织成员.
    PartyOrganisation,
    /// 社区财务人员.
    FinanceStaff,
}

impl BarringOffice {
    pub const ALL: [BarringOffice; 3] = [
        BarringOffice::ResidentsCommittee,
        BarringOffice::PartyOrganisation,
        BarringOffice::FinanceStaff,
    ];

    pub fn code(self) -> &'static str {
        match self {
            BarringOffice::ResidentsCommittee => "residents_committee",
            BarringOffice::PartyOrganisation => "party_organisation",
            BarringOffice::FinanceStaff => "finance_staff",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.code() == code)
    }

    pub fn zh(self) -> &'static str {
        match self {
            BarringOffice::ResidentsCommittee => "居民委员会成员",
            BarringOffice::PartyOrganisation => "社区党组织成员",
            BarringOffice::FinanceStaff => "社区财务人员",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            BarringOffice::ResidentsCommittee => "a member of the residents' committee",
            BarringOffice::PartyOrganisation => "a member of the community party organisation",
            BarringOffice::FinanceStaff => "the community's finance staff",
        }
    }

    /// Whether the office's spouses and close relatives are barred too.
    fn bars_relatives(self) -> bool {
        !matches!(self, BarringOffice::FinanceStaff)
    }
}

/// The recorded facts: who holds which barring office, and who is whose
/// spouse or close relative (both directions).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recusals<K: Ord> {
    pub offices: BTreeMap<K, BTreeSet<BarringOffice>>,
    pub relatives: BTreeMap<K, BTreeSet<K>>,
}

impl<K: Ord> Default for Recusals<K> {
    fn default() -> Self {
        Recusals {
            offices: BTreeMap::new(),
            relatives: BTreeMap::new(),
        }
    }
}

impl<K: Ord + Copy> Recusals<K> {
    /// Records that `a` and `b` are spouses or close relatives.
    pub fn relate(&mut self, a: K, b: K) {
        self.relatives.entry(a).or_default().insert(b);
        self.relatives.entry(b).or_default().insert(a);
    }
}

/// Why a supervisory committee's seats or nominee were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SupervisoryRefusal<K> {
    #[error("R-BODY-4: the supervisory committee has {min} to {max} members, not {total}")]
    Size { total: u32, min: u32, max: u32 },
    #[error("R-BODY-4: the supervisory committee has one chair, not {count}")]
    Chair { count: u32 },
    #[error("R-BODY-4: the supervisory committee has a chair and members only")]
    OtherPositions,
    #[error("R-BODY-4: {} cannot sit on the supervisory committee", office.en())]
    Holds { person: K, office: BarringOffice },
    #[error("R-BODY-4: a spouse or close relative of {} cannot sit on the supervisory committee", office.en())]
    RelativeOf {
        person: K,
        relative: K,
        office: BarringOffice,
    },
}

impl<K> SupervisoryRefusal<K> {
    pub fn rule(&self) -> &'static str {
        rule::BODY_4
    }

    pub fn code(&self) -> &'static str {
        match self {
            SupervisoryRefusal::Size { .. } => "supervisory_size",
            SupervisoryRefusal::Chair { .. } => "supervisory_chair",
            SupervisoryRefusal::OtherPositions => "supervisory_positions",
            SupervisoryRefusal::Holds { .. } => "barred_office",
            SupervisoryRefusal::RelativeOf { .. } => "barred_relative",
        }
    }
}

impl<K> SupervisoryRefusal<K> {
    /// The refusal in plain Chinese (the person is named by the caller).
    pub fn message_zh(&self) -> String {
        match self {
            SupervisoryRefusal::Size { total, min, max } => {
                format!("居务监督委员会成员共{total}名，应为{min}至{max}名")
            }
            SupervisoryRefusal::Chair { count } => {
                format!("居务监督委员会设主任1名，现为{count}名")
            }
            SupervisoryRefusal::OtherPositions => "居务监督委员会只设主任和委员".into(),
            SupervisoryRefusal::Holds { office, .. } => {
                format!("{}不能担任居务监督委员会成员（回避）", office.zh())
            }
            SupervisoryRefusal::RelativeOf { office, .. } => format!(
                "是{}的配偶或近亲属，不能担任居务监督委员会成员（回避）",
                office.zh()
            ),
        }
    }

    /// The refusal in English, without the rule id (shown beside it).
    pub fn message_en(&self) -> String {
        let text = match self {
            SupervisoryRefusal::Size { total, min, max } => {
                format!("the supervisory committee has {min} to {max} members, not {total}")
            }
            SupervisoryRefusal::Chair { count } => {
                format!("the supervisory committee has one chair, not {count}")
            }
            SupervisoryRefusal::OtherPositions => {
                "the supervisory committee has a chair and members only".into()
            }
            SupervisoryRefusal::Holds { office, .. } => {
                format!("{} cannot sit on the supervisory committee", office.en())
            }
            SupervisoryRefusal::RelativeOf { office, .. } => format!(
                "a spouse or close relative of {} cannot sit on the supervisory committee",
                office.en()
            ),
        };
        text
    }
}

/// R-BODY-4: the seats of a supervisory committee (a chair, 主任, and
/// members; 3–5 in all).
pub fn check_composition(c: &Composition) -> Result<(), Vec<SupervisoryRefusal<()>>> {
    let mut refusals = Vec::new();
    let total = c.total();
    if !(MEMBERS_MIN..=MEMBERS_MAX).contains(&total) {
        refusals.push(SupervisoryRefusal::Size {
            total,
            min: MEMBERS_MIN,
            max: MEMBERS_MAX,
        });
    }
    if c.director != 1 {
        refusals.push(SupervisoryRefusal::Chair { count: c.director });
    }
    if c.deputies > 0 || c.women_member > 0 {
        refusals.push(SupervisoryRefusal::OtherPositions);
    }
    if refusals.is_empty() {
        Ok(())
    } else {
        Err(refusals)
    }
}

/// R-BODY-4: whether `person` may stand for `position` of the supervisory
/// committee. The first reason found is given (offices before relations).
pub fn check_nominee<K: Ord + Copy>(
    person: K,
    position: Position,
    recusals: &Recusals<K>,
) -> Result<(), SupervisoryRefusal<K>> {
    let chair = position == Position::Director;
    for office in recusals.offices.get(&person).into_iter().flatten() {
        if *office == BarringOffice::PartyOrganisation && chair {
            continue;
        }
        return Err(SupervisoryRefusal::Holds {
            person,
            office: *office,
        });
    }
    for relative in recusals.relatives.get(&person).into_iter().flatten() {
        let barring = recusals
            .offices
            .get(relative)
            .into_iter()
            .flatten()
            .find(|o| o.bars_relatives());
        if let Some(office) = barring {
            return Err(SupervisoryRefusal::RelativeOf {
                person,
                relative: *relative,
                office: *office,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    fn seats(director: u32, deputies: u32, members: u32) -> Composition {
        Composition {
            director,
            deputies,
            members,
            women_member: 0,
        }
    }

    #[test]
    fn three_to_five_with_one_chair() {
        assert!(check_composition(&seats(1, 0, 2)).is_ok());
        assert!(check_composition(&seats(1, 0, 4)).is_ok());
        let too_many = check_composition(&seats(1, 0, 5)).unwrap_err();
        assert_eq!(too_many[0].code(), "supervisory_size");
        assert_eq!(too_many[0].rule(), "R-BODY-4");
        assert!(check_composition(&seats(1, 0, 1)).is_err());
        let codes: Vec<_> = check_composition(&seats(2, 1, 1))
            .unwrap_err()
            .iter()
            .map(SupervisoryRefusal::code)
            .collect();
        assert_eq!(codes, ["supervisory_chair", "supervisory_positions"]);
    }

    fn facts() -> Recusals<u32> {
        let mut r = Recusals::default();
        r.offices
            .insert(1, [BarringOffice::ResidentsCommittee].into());
        r.offices
            .insert(2, [BarringOffice::PartyOrganisation].into());
        r.offices.insert(3, [BarringOffice::FinanceStaff].into());
        r.relate(10, 1); // spouse of a residents' committee member
        r.relate(20, 2); // relative of a party-organisation member
        r.relate(30, 3); // relative of the finance staff
        r
    }

    #[test]
    fn offices_and_relatives_are_barred() {
        let r = facts();
        let member = Position::Member;
        assert_eq!(
            check_nominee(1, member, &r).unwrap_err(),
            SupervisoryRefusal::Holds {
                person: 1,
                office: BarringOffice::ResidentsCommittee
            }
        );
        assert_eq!(
            check_nominee(3, member, &r).unwrap_err().code(),
            "barred_office"
        );
        assert_eq!(
            check_nominee(10, member, &r).unwrap_err(),
            SupervisoryRefusal::RelativeOf {
                person: 10,
                relative: 1,
                office: BarringOffice::ResidentsCommittee
            }
        );
        assert_eq!(
            check_nominee(20, member, &r).unwrap_err().code(),
            "barred_relative"
        );
        // RULES.md bars the relatives of committee and party members, not
        // of the finance staff.
        assert!(check_nominee(30, member, &r).is_ok());
        assert!(check_nominee(99, member, &r).is_ok());
    }

    #[test]
    fn a_party_member_may_be_the_chair_only() {
        let r = facts();
        assert!(check_nominee(2, Position::Director, &r).is_ok());
        assert!(check_nominee(2, Position::Member, &r).is_err());
        // A residents' committee member may not, even as chair.
        assert!(check_nominee(1, Position::Director, &r).is_err());
    }

    proptest! {
        #[test]
        fn nobody_unrecorded_is_barred(person in 100u32..1000, chair in any::<bool>()) {
            let position = if chair { Position::Director } else { Position::Member };
            prop_assert!(check_nominee(person, position, &facts()).is_ok());
        }

        #[test]
        fn relating_to_a_committee_member_always_bars(person in 100u32..1000) {
            let mut r = facts();
            r.relate(person, 1);
            prop_assert_eq!(check_nominee(person, Position::Member, &r).unwrap_err().code(), "barred_relative");
        }
    }
}
