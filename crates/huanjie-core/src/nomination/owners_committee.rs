//! The homeowners' committee (业主委员会, R-BODY-6): 5–11 members, an odd
//! number, one chair (主任); vice-chairs (副主任) as the assembly decides.
//! The same in every source RULES.md lists, so a rule here rather than a
//! profile parameter.

use super::size::Composition;
use crate::rule;

/// R-BODY-6: the fewest members.
pub const MEMBERS_MIN: u32 = 5;
/// R-BODY-6: the most members.
pub const MEMBERS_MAX: u32 = 11;

/// Why a homeowners' committee's seats were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OwnersCommitteeRefusal {
    #[error("R-BODY-6: the homeowners' committee has {min} to {max} members, not {total}")]
    Size { total: u32, min: u32, max: u32 },
    #[error("R-BODY-6: the homeowners' committee has an odd number of members, not {total}")]
    Even { total: u32 },
    #[error("R-BODY-6: the homeowners' committee has one chair, not {count}")]
    Chair { count: u32 },
    #[error("R-BODY-6: the homeowners' committee has no separate women's-member line")]
    WomenLine,
}

impl OwnersCommitteeRefusal {
    pub fn rule(&self) -> &'static str {
        rule::BODY_6
    }

    pub fn code(&self) -> &'static str {
        match self {
            OwnersCommitteeRefusal::Size { .. } => "owners_committee_size",
            OwnersCommitteeRefusal::Even { .. } => "owners_committee_even",
            OwnersCommitteeRefusal::Chair { .. } => "owners_committee_chair",
            OwnersCommitteeRefusal::WomenLine => "owners_committee_positions",
        }
    }

    pub fn message_zh(&self) -> String {
        match self {
            OwnersCommitteeRefusal::Size { total, min, max } => {
                format!("业主委员会成员共{total}名，应为{min}至{max}名")
            }
            OwnersCommitteeRefusal::Even { total } => {
                format!("业主委员会成员应为单数，现为{total}名")
            }
            OwnersCommitteeRefusal::Chair { count } => {
                format!("业主委员会设主任1名，现为{count}名")
            }
            OwnersCommitteeRefusal::WomenLine => "业主委员会不单列妇女委员".into(),
        }
    }

    pub fn message_en(&self) -> String {
        let text = self.to_string();
        text.strip_prefix("R-BODY-6: ").unwrap_or(&text).to_owned()
    }
}

/// R-BODY-6: the seats of a homeowners' committee.
pub fn check_composition(c: &Composition) -> Result<(), Vec<OwnersCommitteeRefusal>> {
    let mut refusals = Vec::new();
    let total = c.total();
    if !(MEMBERS_MIN..=MEMBERS_MAX).contains(&total) {
        refusals.push(OwnersCommitteeRefusal::Size {
            total,
            min: MEMBERS_MIN,
            max: MEMBERS_MAX,
        });
    }
    if total % 2 == 0 {
        refusals.push(OwnersCommitteeRefusal::Even { total });
    }
    if c.director != 1 {
        refusals.push(OwnersCommitteeRefusal::Chair { count: c.director });
    }
    if c.women_member > 0 {
        refusals.push(OwnersCommitteeRefusal::WomenLine);
    }
    if refusals.is_empty() {
        Ok(())
    } else {
        Err(refusals)
    }
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
    fn five_to_eleven_odd_with_one_chair() {
        assert!(check_composition(&seats(1, 1, 3)).is_ok());
        assert!(check_composition(&seats(1, 2, 8)).is_ok());
        let codes = |c| {
            check_composition(&c)
                .unwrap_err()
                .iter()
                .map(OwnersCommitteeRefusal::code)
                .collect::<Vec<_>>()
        };
        assert_eq!(codes(seats(1, 0, 5)), ["owners_committee_even"]);
        assert_eq!(codes(seats(1, 0, 2)), ["owners_committee_size"]);
        assert_eq!(
            codes(seats(1, 2, 9)),
            ["owners_committee_size", "owners_committee_even"]
        );
        assert_eq!(codes(seats(0, 1, 4)), ["owners_committee_chair"]);
        let e = check_composition(&seats(1, 0, 5)).unwrap_err();
        assert_eq!(e[0].rule(), "R-BODY-6");
        assert!(e[0].message_zh().contains("单数"));
    }

    proptest! {
        #[test]
        fn accepted_exactly_when_odd_in_range_with_one_chair(d in 0u32..3, v in 0u32..4, m in 0u32..12) {
            let c = seats(d, v, m);
            let t = d + v + m;
            prop_assert_eq!(check_composition(&c).is_ok(), d == 1 && (5..=11).contains(&t) && t % 2 == 1);
        }
    }
}
