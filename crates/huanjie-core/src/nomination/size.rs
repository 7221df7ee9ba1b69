//! The residents' committee's size and composition (R-BODY-1, R-BODY-2) and
//! "at least one woman" (R-BODY-3).
//!
//! The size formula is profile data: bands of households, each with a base
//! and optionally one more member per so many households beyond the band's
//! start, rounded down (only a full block counts) or up (a started block
//! counts), then kept within the profile's bounds. Readings:
//! - County-2006 "1 member per 300 households": a full 300 counts
//!   (`floor`): 1,500 households give 5, 1,499 give 4.
//! - "above 1,500, +1 per further 500" (County-2006) and "above 3,000, +1
//!   per further 500" (City-2009): a started 500 counts (`ceiling`), as
//!   City-2009's own table counts 1,501 households in the next band.

use super::Position;
use crate::counting::Gender;
use crate::profile::CommitteeRules;
use crate::rule;
use serde::{Deserialize, Serialize};

/// R-BODY-2: the committee's size for `households` households, within the
/// profile's bounds.
pub fn size(households: u64, rules: &CommitteeRules) -> u32 {
    let raw = rules.band(households).map_or(0, |b| b.members(households));
    let clamped = raw.clamp(
        u64::from(rules.members_min),
        u64::from(rules.members_max.max(rules.members_min)),
    );
    u32::try_from(clamped).unwrap_or(rules.members_max)
}

/// The committee's seats per position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Composition {
    /// 主任: exactly 1.
    pub director: u32,
    /// 副主任.
    pub deputies: u32,
    /// 委员.
    pub members: u32,
    /// 妇女委员: a separate line, only where the profile prints one.
    pub women_member: u32,
}

impl Composition {
    pub fn total(&self) -> u32 {
        self.director
            .saturating_add(self.deputies)
            .saturating_add(self.members)
            .saturating_add(self.women_member)
    }

    /// Seats per position, in ballot order, positions with no seat left
    /// out.
    pub fn seats(&self) -> Vec<(Position, u32)> {
        [
            (Position::Director, self.director),
            (Position::Deputy, self.deputies),
            (Position::Member, self.members),
            (Position::WomenMember, self.women_member),
        ]
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .collect()
    }
}

/// R-BODY-1: the default composition of a committee of `total` members: 1
/// director, the fewest deputies, the women's line when the profile prints
/// one, the rest members. `total` is first kept within the bounds.
pub fn default_composition(total: u32, rules: &CommitteeRules) -> Composition {
    let total = total.clamp(rules.members_min, rules.members_max.max(rules.members_min));
    let women_member = u32::from(rules.women_member_line);
    let deputies = rules.deputies_min.max(1).min(rules.deputies_max);
    Composition {
        director: 1,
        deputies,
        women_member,
        members: total.saturating_sub(1 + deputies + women_member),
    }
}

/// Why a committee's composition is refused. Every refusal is R-BODY-1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum CompositionRefusal {
    #[error("R-BODY-1: the committee has {total} members; it must have {min} to {max}")]
    Total { total: u32, min: u32, max: u32 },
    #[error("R-BODY-1: the committee has exactly 1 director, not {count}")]
    Director { count: u32 },
    #[error("R-BODY-1: the committee has {min} to {max} deputy directors, not {count}")]
    Deputies { count: u32, min: u32, max: u32 },
    #[error("R-BODY-1: this profile prints no women's-member line")]
    WomenMemberLineNotPrinted { count: u32 },
    #[error("R-BODY-1: the women's-member line has at most 1 seat, not {count}")]
    WomenMemberLine { count: u32 },
}

impl CompositionRefusal {
    pub fn rule(&self) -> &'static str {
        rule::BODY_1
    }

    pub fn code(&self) -> &'static str {
        match self {
            CompositionRefusal::Total { .. } => "total",
            CompositionRefusal::Director { .. } => "director",
            CompositionRefusal::Deputies { .. } => "deputies",
            CompositionRefusal::WomenMemberLineNotPrinted { .. } => "women_member_line_not_printed",
            CompositionRefusal::WomenMemberLine { .. } => "women_member_line",
        }
    }

    pub fn message_zh(&self) -> String {
        match self {
            CompositionRefusal::Total { total, min, max } => {
                format!("居民委员会成员共{total}名，应为{min}至{max}名")
            }
            CompositionRefusal::Director { count } => format!("主任应为1名，现为{count}名"),
            CompositionRefusal::Deputies { count, min, max } => {
                format!("副主任应为{min}至{max}名，现为{count}名")
            }
            CompositionRefusal::WomenMemberLineNotPrinted { .. } => "本规程不单列妇女委员".into(),
            CompositionRefusal::WomenMemberLine { count } => {
                format!("妇女委员至多1名，现为{count}名")
            }
        }
    }

    pub fn message_en(&self) -> String {
        let text = self.to_string();
        text.strip_prefix("R-BODY-1: ").unwrap_or(&text).to_owned()
    }
}

/// R-BODY-1: checks a composition the committee set (an override of the
/// size formula): the total within the profile's bounds, exactly 1
/// director, the deputies within theirs, the women's line only where the
/// profile prints one (and then 0 or 1 seat: the line is optional). Every
/// failing rule is reported.
pub fn check_composition(
    c: &Composition,
    rules: &CommitteeRules,
) -> Result<(), Vec<CompositionRefusal>> {
    let mut refusals = Vec::new();
    let total = c.total();
    if total < rules.members_min || total > rules.members_max {
        refusals.push(CompositionRefusal::Total {
            total,
            min: rules.members_min,
            max: rules.members_max,
        });
    }
    if c.director != 1 {
        refusals.push(CompositionRefusal::Director { count: c.director });
    }
    if c.deputies < rules.deputies_min || c.deputies > rules.deputies_max {
        refusals.push(CompositionRefusal::Deputies {
            count: c.deputies,
            min: rules.deputies_min,
            max: rules.deputies_max,
        });
    }
    if c.women_member > 0 && !rules.women_member_line {
        refusals.push(CompositionRefusal::WomenMemberLineNotPrinted {
            count: c.women_member,
        });
    } else if c.women_member > 1 {
        refusals.push(CompositionRefusal::WomenMemberLine {
            count: c.women_member,
        });
    }
    if refusals.is_empty() {
        Ok(())
    } else {
        Err(refusals)
    }
}

/// R-BODY-3: whether a set of people (formal candidates, or those elected)
/// includes a woman. A report, not an error: the caller decides what to do
/// (warn on the candidate list, keep a women's line in the further
/// election, R-CNT-8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WomenReport<K> {
    pub rule: &'static str,
    /// People counted.
    pub total: usize,
    /// The women among them, in the order given.
    pub women: Vec<K>,
    /// At least one woman.
    pub met: bool,
}

impl<K> WomenReport<K> {
    pub fn message_zh(&self) -> String {
        if self.met {
            format!("{}名中有女性{}名", self.total, self.women.len())
        } else {
            format!(
                "{}名中没有女性，应至少有一名女性成员（{}）",
                self.total, self.rule
            )
        }
    }

    pub fn message_en(&self) -> String {
        if self.met {
            format!("{} of {} are women", self.women.len(), self.total)
        } else {
            format!(
                "none of the {} is a woman; at least one woman member is required ({})",
                self.total, self.rule
            )
        }
    }
}

/// R-BODY-3: is at least one of `people` a woman?
pub fn women<K: Clone>(people: &[(K, Gender)]) -> WomenReport<K> {
    let women: Vec<K> = people
        .iter()
        .filter(|(_, g)| *g == Gender::Female)
        .map(|(k, _)| k.clone())
        .collect();
    WomenReport {
        rule: rule::BODY_3,
        total: people.len(),
        met: !women.is_empty(),
        women,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::profile::{Rounding, SizeBand};
    use crate::Profile;
    use proptest::prelude::*;

    fn committee(id: &str) -> CommitteeRules {
        Profile::by_id(id).unwrap().nomination.committee
    }

    /// R-BODY-2, County-2006: 1 per full 300; above 1,500, +1 per started
    /// further 500; 3 to 9.
    #[test]
    fn county_size_at_the_boundaries() {
        let c = committee("county-2006");
        for (households, members) in [
            (0, 3),
            (899, 3),
            (900, 3),
            (1199, 3),
            (1200, 4),
            (1499, 4),
            (1500, 5),
            (1501, 6),
            (2000, 6),
            (2001, 7),
            (2500, 7),
            (3000, 8),
            (3001, 9),
            (3500, 9),
            (3501, 9),
            (100_000, 9),
            (u64::MAX, 9),
        ] {
            assert_eq!(
                size(households, &c),
                members,
                "R-BODY-2: {households} households"
            );
        }
    }

    /// R-BODY-2, City-2009: ≤1,500 → 3; 1,501–2,000 → 5; 2,001–3,000 → 7;
    /// above 3,000 +1 per started further 500; at most 9.
    #[test]
    fn city_size_at_the_boundaries() {
        let c = committee("city-2009");
        for (households, members) in [
            (0, 3),
            (1, 3),
            (1500, 3),
            (1501, 5),
            (2000, 5),
            (2001, 7),
            (3000, 7),
            (3001, 8),
            (3500, 8),
            (3501, 9),
            (4000, 9),
            (4001, 9),
            (u64::MAX, 9),
        ] {
            assert_eq!(
                size(households, &c),
                members,
                "R-BODY-2: {households} households"
            );
        }
    }

    /// R-BODY-2: the rounding of a partial block is a profile parameter.
    #[test]
    fn rounding_is_a_parameter() {
        let mut c = committee("county-2006");
        assert_eq!(size(1501, &c), 6);
        c.size[1].rounding = Some(Rounding::Floor);
        assert_eq!(size(1501, &c), 5);
        assert_eq!(size(1999, &c), 5);
        assert_eq!(size(2000, &c), 6);
    }

    /// R-BODY-2: a profile whose bands would make the size go down, or that
    /// misses its first band, is refused when read.
    #[test]
    fn bad_bands_are_refused() {
        let mut n = Profile::by_id("county-2006").unwrap().nomination;
        n.committee.size[1].base = 4; // 1,500 → 5, 1,501 → 4 + 1 = 5: fine
        assert_eq!(n.validate(), Ok(()));
        n.committee.size[1].base = 3; // 1,501 → 4 < 5
        assert!(n.validate().unwrap_err().contains("R-BODY-2"));
        let mut n = Profile::by_id("county-2006").unwrap().nomination;
        n.committee.size.remove(0);
        assert!(n.validate().unwrap_err().contains("above = 0"));
        let mut n = Profile::by_id("county-2006").unwrap().nomination;
        n.committee.size.push(SizeBand {
            above: 9000,
            base: 9,
            per: Some(0),
            rounding: Some(Rounding::Floor),
        });
        assert!(n.validate().is_err());
        let text = include_str!("../../profiles/county-2006.toml")
            .replace("above = 1500, base = 5", "above = 1500, base = 2");
        assert!(matches!(
            Profile::from_toml(&text),
            Err(crate::profile::ProfileError::Invalid(m)) if m.contains("R-BODY-2")
        ));
    }

    fn all_committees() -> Vec<(&'static str, CommitteeRules)> {
        crate::profile::BUILTIN_PROFILE_IDS
            .iter()
            .map(|id| (*id, committee(id)))
            .collect()
    }

    /// R-BODY-2: never down as households grow, always within bounds, for
    /// every built-in profile.
    #[test]
    fn size_is_monotone_and_bounded() {
        let all = all_committees();
        proptest!(|(a in 0u64..20_000, b in 0u64..20_000)| {
            for (id, c) in &all {
                let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
                prop_assert!(size(lo, c) <= size(hi, c), "{id}: {lo} vs {hi}");
                let s = size(a, c);
                prop_assert!((c.members_min..=c.members_max).contains(&s), "{id}: {a} → {s}");
            }
        });
    }

    /// R-BODY-1: the default composition of any size passes the check.
    #[test]
    fn default_composition_passes() {
        let all = all_committees();
        proptest!(|(households in 0u64..20_000)| {
            for (_, c) in &all {
                let comp = default_composition(size(households, c), c);
                prop_assert_eq!(comp.total(), size(households, c));
                prop_assert_eq!(check_composition(&comp, c), Ok(()));
            }
        });
    }

    /// R-BODY-1: the override's bounds, one director, 1–2 deputies.
    #[test]
    fn composition_refusals_cite_r_body_1() {
        let c = committee("county-2006");
        let ok = Composition {
            director: 1,
            deputies: 2,
            members: 4,
            women_member: 0,
        };
        assert_eq!(check_composition(&ok, &c), Ok(()));
        assert_eq!(
            ok.seats(),
            vec![
                (Position::Director, 1),
                (Position::Deputy, 2),
                (Position::Member, 4)
            ]
        );
        let too_big = Composition { members: 7, ..ok };
        assert_eq!(
            check_composition(&too_big, &c),
            Err(vec![CompositionRefusal::Total {
                total: 10,
                min: 3,
                max: 9
            }])
        );
        let bad = Composition {
            director: 2,
            deputies: 0,
            members: 0,
            women_member: 0,
        };
        let refusals = check_composition(&bad, &c).unwrap_err();
        assert_eq!(
            refusals,
            vec![
                CompositionRefusal::Total {
                    total: 2,
                    min: 3,
                    max: 9
                },
                CompositionRefusal::Director { count: 2 },
                CompositionRefusal::Deputies {
                    count: 0,
                    min: 1,
                    max: 2
                },
            ]
        );
        for r in &refusals {
            assert_eq!(r.rule(), "R-BODY-1");
            assert!(r.to_string().starts_with("R-BODY-1: "));
            assert!(!r.message_en().starts_with("R-BODY-1"));
            assert!(!r.message_zh().is_empty());
        }
        let three_deputies = Composition {
            deputies: 3,
            members: 3,
            ..ok
        };
        assert_eq!(
            check_composition(&three_deputies, &c).unwrap_err()[0].code(),
            "deputies"
        );
        // RCOL-2018 as revised: 5 to 9, as data.
        let mut rcol = c.clone();
        rcol.members_min = 5;
        let four = Composition {
            members: 2,
            deputies: 1,
            ..ok
        };
        assert_eq!(four.total(), 4);
        assert!(check_composition(&four, &c).is_ok());
        assert_eq!(
            check_composition(&four, &rcol),
            Err(vec![CompositionRefusal::Total {
                total: 4,
                min: 5,
                max: 9
            }])
        );
    }

    /// R-BODY-1/3: the women's line only where the profile prints one
    /// (ZJ-2020), and then at most one seat.
    #[test]
    fn womens_line_by_profile() {
        let county = committee("county-2006");
        let zj = committee("zhejiang-2020");
        let with_line = Composition {
            director: 1,
            deputies: 1,
            members: 2,
            women_member: 1,
        };
        assert_eq!(check_composition(&with_line, &zj), Ok(()));
        assert_eq!(
            check_composition(&with_line, &county),
            Err(vec![CompositionRefusal::WomenMemberLineNotPrinted {
                count: 1
            }])
        );
        let two = Composition {
            women_member: 2,
            members: 1,
            ..with_line
        };
        assert_eq!(
            check_composition(&two, &zj),
            Err(vec![CompositionRefusal::WomenMemberLine { count: 2 }])
        );
        assert_eq!(default_composition(5, &zj).women_member, 1);
        assert_eq!(default_composition(5, &county).women_member, 0);
        // ZJ-2020 (VCOL-2018 art. 6): at most 7.
        let eight = Composition {
            members: 6,
            ..with_line
        };
        assert_eq!(
            check_composition(&eight, &zj).unwrap_err()[0].code(),
            "total"
        );
    }

    /// R-BODY-3: a report naming the women, not a panic.
    #[test]
    fn at_least_one_woman() {
        let none = women(&[("a", Gender::Male), ("b", Gender::Male)]);
        assert!(!none.met);
        assert_eq!(none.rule, "R-BODY-3");
        assert_eq!(none.total, 2);
        assert!(none.message_zh().contains("R-BODY-3"));
        let one = women(&[("a", Gender::Male), ("b", Gender::Female)]);
        assert!(one.met);
        assert_eq!(one.women, vec!["b"]);
        let empty = women::<u32>(&[]);
        assert!(!empty.met);
    }
}
