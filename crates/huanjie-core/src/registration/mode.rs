//! The election mode and the registered base (R-REG-4, R-REG-6).
//!
//! The base is the number the round's validity is measured against
//! (R-CNT-3: more than half of registered voters must vote). Who is in it
//! depends on the mode: every voter who has not waived (direct), the
//! household representatives (one per household), or the residents'
//! representatives; in a voluntary-registration community, the voters who
//! registered voluntarily, who must be at least the profile's share of the
//! eligible residents.
//!
//! The store aggregates a [`RollTally`] in SQL (a roll has up to a million
//! rows); the checks here are pure arithmetic over it.

use crate::profile::RegistrationRules;
use crate::rule;
use serde::{Deserialize, Serialize};

/// R-REG-6: how the committee is elected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// 选民直接选举: every voter votes.
    #[default]
    Direct,
    /// 户代表选举: one representative per household votes.
    HouseholdRepresentatives,
    /// 居民代表选举: the residents' representatives vote.
    ResidentsRepresentatives,
}

impl Mode {
    pub const ALL: [Mode; 3] = [
        Mode::Direct,
        Mode::HouseholdRepresentatives,
        Mode::ResidentsRepresentatives,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Mode::Direct => "direct",
            Mode::HouseholdRepresentatives => "household_representatives",
            Mode::ResidentsRepresentatives => "residents_representatives",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.code() == s)
    }

    pub fn zh(self) -> &'static str {
        match self {
            Mode::Direct => "选民直接选举",
            Mode::HouseholdRepresentatives => "户代表选举",
            Mode::ResidentsRepresentatives => "居民代表选举",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Mode::Direct => "direct election by all voters",
            Mode::HouseholdRepresentatives => "election by household representatives",
            Mode::ResidentsRepresentatives => "election by residents' representatives",
        }
    }
}

/// At most this many examples are named in one problem; the count says how
/// many there are in all.
pub const MAX_EXAMPLES: usize = 10;

/// What the mode checks need from a roll, aggregated by the store.
/// "Voter" means a resident without an exclusion (R-REG-1/2).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RollTally {
    /// Voters: the eligible residents.
    pub voters: u64,
    /// Voters who waived their right (R-REG-4).
    pub waived: u64,
    /// Voters who registered voluntarily and did not waive (R-REG-4).
    pub voluntary: u64,
    /// Households with at least one voter.
    pub households_with_voters: u64,
    /// Households with voters but no household representative who is a
    /// voter: how many, and up to [`MAX_EXAMPLES`] household numbers
    /// (`group/household`).
    pub households_without_representative: (u64, Vec<String>),
    /// Households with more than one representative.
    pub households_with_several_representatives: (u64, Vec<String>),
    /// Residents marked as a household or residents' representative who
    /// are not voters (or waived): how many, and up to [`MAX_EXAMPLES`]
    /// file rows.
    pub representatives_not_voters: (u64, Vec<u32>),
    /// Household representatives who are voters (and did not waive).
    pub household_representatives: u64,
    /// Per residents' group, in group order.
    pub groups: Vec<GroupTally>,
}

/// One residents' group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupTally {
    pub group: String,
    pub voters: u64,
    /// Households with at least one resident on the roll.
    pub households: u64,
    /// Residents' representatives who are voters (and did not waive).
    pub residents_representatives: u64,
}

/// The registered base and whatever stands in the way of publishing it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Base {
    pub mode: Mode,
    pub voluntary: bool,
    /// Registered voters for R-CNT-3.
    pub registered: u64,
    /// Empty when the list may be published.
    pub problems: Vec<BaseProblem>,
}

/// Why a roll does not yet fit its mode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum BaseProblem {
    /// R-REG-4: too few voluntary registrations.
    VoluntaryShareTooLow {
        voluntary: u64,
        eligible: u64,
        min_numerator: u32,
        min_denominator: u32,
    },
    /// R-REG-6: households with voters and no representative.
    HouseholdsWithoutRepresentative { count: u64, examples: Vec<String> },
    /// R-REG-6: households with more than one representative.
    HouseholdsWithSeveralRepresentatives { count: u64, examples: Vec<String> },
    /// R-REG-6: representatives who are not voters.
    RepresentativesNotVoters { count: u64, rows: Vec<u32> },
    /// R-REG-6: a group with neither 2–3 representatives nor one per 20–50
    /// households.
    GroupRepresentation {
        group: String,
        representatives: u64,
        households: u64,
    },
    /// R-REG-6: fewer representatives in all than the profile's minimum.
    TooFewRepresentatives { total: u64, min: u32 },
}

impl BaseProblem {
    pub fn rule(&self) -> &'static str {
        match self {
            BaseProblem::VoluntaryShareTooLow { .. } => rule::REG_4,
            _ => rule::REG_6,
        }
    }

    pub fn message_zh(&self) -> String {
        match self {
            BaseProblem::VoluntaryShareTooLow {
                voluntary,
                eligible,
                min_numerator,
                min_denominator,
            } => format!(
                "自愿登记的选民{voluntary}人，未达到有选举权居民{eligible}人的{min_numerator}/{min_denominator}"
            ),
            BaseProblem::HouseholdsWithoutRepresentative { count, examples } => format!(
                "{count}户没有户代表（如：{}）",
                examples.join("、")
            ),
            BaseProblem::HouseholdsWithSeveralRepresentatives { count, examples } => format!(
                "{count}户有不止一名户代表（如：{}）",
                examples.join("、")
            ),
            BaseProblem::RepresentativesNotVoters { count, rows } => format!(
                "{count}名代表不是选民（如第{}行）",
                join_rows(rows, "、")
            ),
            BaseProblem::GroupRepresentation {
                group,
                representatives,
                households,
            } => format!(
                "{group}有居民代表{representatives}名、{households}户：应为每组2至3名，或每20至50户1名"
            ),
            BaseProblem::TooFewRepresentatives { total, min } => {
                format!("居民代表共{total}名，不得少于{min}名")
            }
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            BaseProblem::VoluntaryShareTooLow {
                voluntary,
                eligible,
                min_numerator,
                min_denominator,
            } => format!(
                "{voluntary} voluntary registrations are fewer than {min_numerator}/{min_denominator} of the {eligible} eligible residents"
            ),
            BaseProblem::HouseholdsWithoutRepresentative { count, examples } => format!(
                "{count} households have no representative (e.g. {})",
                examples.join(", ")
            ),
            BaseProblem::HouseholdsWithSeveralRepresentatives { count, examples } => format!(
                "{count} households have more than one representative (e.g. {})",
                examples.join(", ")
            ),
            BaseProblem::RepresentativesNotVoters { count, rows } => format!(
                "{count} representatives are not voters (e.g. row {})",
                join_rows(rows, ", ")
            ),
            BaseProblem::GroupRepresentation {
                group,
                representatives,
                households,
            } => format!(
                "group {group} has {representatives} residents' representatives for {households} households: 2 to 3 per group, or 1 per 20 to 50 households"
            ),
            BaseProblem::TooFewRepresentatives { total, min } => {
                format!("{total} residents' representatives in all, fewer than {min}")
            }
        }
    }
}

fn join_rows(rows: &[u32], sep: &str) -> String {
    rows.iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(sep)
}

/// R-REG-6: a group is represented by 2–3 representatives, or by one per
/// 20–50 households.
fn group_is_represented(representatives: u64, households: u64) -> bool {
    (2..=3).contains(&representatives)
        || (representatives >= 1
            && households >= representatives.saturating_mul(20)
            && households <= representatives.saturating_mul(50))
}

/// The registered base of a roll under `mode` (and voluntary registration
/// when `voluntary`), with every problem that stands in the way of
/// publication.
pub fn base(tally: &RollTally, mode: Mode, voluntary: bool, rules: &RegistrationRules) -> Base {
    let mut problems = Vec::new();
    let direct_base = tally.voters.saturating_sub(tally.waived);
    let registered = match mode {
        Mode::Direct if voluntary => tally.voluntary,
        Mode::Direct => direct_base,
        Mode::HouseholdRepresentatives => tally.household_representatives,
        Mode::ResidentsRepresentatives => tally
            .groups
            .iter()
            .map(|g| g.residents_representatives)
            .sum(),
    };
    if voluntary {
        let share = rules.voluntary_registration_min_share;
        if !share.is_met(tally.voluntary, tally.voters) {
            problems.push(BaseProblem::VoluntaryShareTooLow {
                voluntary: tally.voluntary,
                eligible: tally.voters,
                min_numerator: share.numerator(),
                min_denominator: share.denominator(),
            });
        }
    }
    if mode != Mode::Direct && tally.representatives_not_voters.0 > 0 {
        problems.push(BaseProblem::RepresentativesNotVoters {
            count: tally.representatives_not_voters.0,
            rows: tally.representatives_not_voters.1.clone(),
        });
    }
    match mode {
        Mode::Direct => {}
        Mode::HouseholdRepresentatives => {
            let (count, examples) = &tally.households_without_representative;
            if *count > 0 {
                problems.push(BaseProblem::HouseholdsWithoutRepresentative {
                    count: *count,
                    examples: examples.clone(),
                });
            }
            let (count, examples) = &tally.households_with_several_representatives;
            if *count > 0 {
                problems.push(BaseProblem::HouseholdsWithSeveralRepresentatives {
                    count: *count,
                    examples: examples.clone(),
                });
            }
        }
        Mode::ResidentsRepresentatives => {
            for g in &tally.groups {
                if !group_is_represented(g.residents_representatives, g.households) {
                    problems.push(BaseProblem::GroupRepresentation {
                        group: g.group.clone(),
                        representatives: g.residents_representatives,
                        households: g.households,
                    });
                }
            }
            if let Some(min) = rules.representatives_min_total {
                if registered < u64::from(min) {
                    problems.push(BaseProblem::TooFewRepresentatives {
                        total: registered,
                        min,
                    });
                }
            }
        }
    }
    Base {
        mode,
        voluntary,
        registered,
        problems,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::Profile;
    use proptest::prelude::*;

    fn county() -> RegistrationRules {
        Profile::by_id("county-2006").unwrap().registration
    }

    fn tally() -> RollTally {
        RollTally {
            voters: 1000,
            waived: 10,
            voluntary: 300,
            households_with_voters: 400,
            household_representatives: 400,
            groups: (1..=12)
                .map(|i| GroupTally {
                    group: format!("第{i}组"),
                    voters: 80,
                    households: 33,
                    residents_representatives: 3,
                })
                .collect(),
            ..RollTally::default()
        }
    }

    #[test]
    fn direct_base_leaves_out_waivers() {
        let b = base(&tally(), Mode::Direct, false, &county());
        assert_eq!(b.registered, 990);
        assert!(b.problems.is_empty());
    }

    #[test]
    fn voluntary_base_needs_thirty_percent_exactly() {
        let rules = county();
        let mut t = tally();
        t.voluntary = 300; // exactly 3/10 of 1000: enough (≥)
        let b = base(&t, Mode::Direct, true, &rules);
        assert_eq!((b.registered, b.problems.len()), (300, 0));
        t.voluntary = 299;
        let b = base(&t, Mode::Direct, true, &rules);
        assert_eq!(b.problems.len(), 1);
        assert_eq!(b.problems[0].rule(), "R-REG-4");
        assert!(b.problems[0].message_zh().contains("299"));
    }

    #[test]
    fn household_mode_needs_exactly_one_representative_each() {
        let mut t = tally();
        let b = base(&t, Mode::HouseholdRepresentatives, false, &county());
        assert_eq!((b.registered, b.problems.len()), (400, 0));
        t.households_without_representative = (2, vec!["第1组/0101".into(), "第2组/0203".into()]);
        t.households_with_several_representatives = (1, vec!["第3组/0301".into()]);
        t.representatives_not_voters = (1, vec![17]);
        let b = base(&t, Mode::HouseholdRepresentatives, false, &county());
        let rules: Vec<_> = b.problems.iter().map(BaseProblem::rule).collect();
        assert_eq!(rules, ["R-REG-6"; 3]);
        assert!(b
            .problems
            .iter()
            .any(|p| p.message_zh().contains("第1组/0101")));
        // The same marks mean nothing in direct mode.
        assert!(base(&t, Mode::Direct, false, &county()).problems.is_empty());
    }

    #[test]
    fn residents_representatives_per_group_and_in_all() {
        let rules = county();
        let t = tally();
        let b = base(&t, Mode::ResidentsRepresentatives, false, &rules);
        assert_eq!((b.registered, b.problems.len()), (36, 0));
        // 11 groups of 3 = 33 < 35 (County-2006).
        let mut short = t.clone();
        short.groups.pop();
        let b = base(&short, Mode::ResidentsRepresentatives, false, &rules);
        assert_eq!(
            b.problems,
            vec![BaseProblem::TooFewRepresentatives { total: 33, min: 35 }]
        );
        // City-2009 has no minimum.
        let city = Profile::by_id("city-2009").unwrap().registration;
        assert!(base(&short, Mode::ResidentsRepresentatives, false, &city)
            .problems
            .is_empty());
    }

    #[test]
    fn group_representation_boundaries() {
        assert!(!group_is_represented(1, 19));
        assert!(group_is_represented(1, 20));
        assert!(group_is_represented(1, 50));
        assert!(!group_is_represented(1, 51));
        assert!(group_is_represented(2, 500));
        assert!(group_is_represented(3, 1));
        assert!(!group_is_represented(4, 79));
        assert!(group_is_represented(4, 80));
        assert!(group_is_represented(4, 200));
        assert!(!group_is_represented(0, 0));
    }

    proptest! {
        #[test]
        fn the_base_never_exceeds_the_voters(
            voters in 0u64..10_000,
            waived in 0u64..10_000,
            voluntary in 0u64..10_000,
            reps in 0u64..10_000,
        ) {
            let t = RollTally {
                voters,
                waived: waived.min(voters),
                voluntary: voluntary.min(voters - waived.min(voters)),
                household_representatives: reps.min(voters),
                ..RollTally::default()
            };
            for mode in Mode::ALL {
                for vol in [false, true] {
                    let b = base(&t, mode, vol, &county());
                    prop_assert!(b.registered <= voters);
                }
            }
        }
    }
}
