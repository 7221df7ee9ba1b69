//! Counting staff: scrutineers (监票人), callers (唱票人) and counters
//! (计票人) (R-POLL-1, R-POLL-2).
//!
//! A candidate cannot serve; under ZJ-2020 and SH-2020 (profile flag
//! `counting_staff_relatives_barred`) neither can a candidate's spouse or
//! close relative. Who is related to whom is a fact the committee records;
//! the store passes it in.

use crate::profile::NominationRules;
use crate::rule;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A counting-staff role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    /// 监票人.
    Scrutineer,
    /// 唱票人.
    Caller,
    /// 计票人.
    Counter,
}

impl StaffRole {
    pub fn code(self) -> &'static str {
        match self {
            StaffRole::Scrutineer => "scrutineer",
            StaffRole::Caller => "caller",
            StaffRole::Counter => "counter",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        [StaffRole::Scrutineer, StaffRole::Caller, StaffRole::Counter]
            .into_iter()
            .find(|r| r.code() == code)
    }

    pub fn zh(self) -> &'static str {
        match self {
            StaffRole::Scrutineer => "监票人",
            StaffRole::Caller => "唱票人",
            StaffRole::Counter => "计票人",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            StaffRole::Scrutineer => "scrutineer",
            StaffRole::Caller => "caller",
            StaffRole::Counter => "counter",
        }
    }
}

/// A person proposed for a counting-staff role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaffAssignment<K> {
    pub person: K,
    pub role: StaffRole,
}

/// What the store knows: the formal candidates, and for each proposed
/// staff member who is a candidate's spouse or close relative, the
/// candidates concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffFacts<K> {
    pub candidates: BTreeSet<K>,
    pub relatives_of_candidates: BTreeMap<K, Vec<K>>,
}

impl<K: Ord> Default for StaffFacts<K> {
    fn default() -> Self {
        StaffFacts {
            candidates: BTreeSet::new(),
            relatives_of_candidates: BTreeMap::new(),
        }
    }
}

/// Why someone cannot serve as counting staff. R-POLL-2.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum StaffRefusal<K> {
    #[error("R-POLL-2: a candidate cannot be a {}", role.en())]
    Candidate { person: K, role: StaffRole },
    #[error("R-POLL-2: a candidate's spouse or close relative cannot be a {}", role.en())]
    CandidateRelative {
        person: K,
        role: StaffRole,
        candidates: Vec<K>,
    },
}

impl<K> StaffRefusal<K> {
    pub fn rule(&self) -> &'static str {
        rule::POLL_2
    }

    pub fn code(&self) -> &'static str {
        match self {
            StaffRefusal::Candidate { .. } => "candidate",
            StaffRefusal::CandidateRelative { .. } => "candidate_relative",
        }
    }

    pub fn person(&self) -> &K {
        match self {
            StaffRefusal::Candidate { person, .. }
            | StaffRefusal::CandidateRelative { person, .. } => person,
        }
    }

    pub fn message_zh(&self) -> String {
        match self {
            StaffRefusal::Candidate { role, .. } => format!("候选人不得担任{}", role.zh()),
            StaffRefusal::CandidateRelative { role, .. } => {
                format!("候选人的配偶和近亲属不得担任{}", role.zh())
            }
        }
    }

    pub fn message_en(&self) -> String {
        let text = self.to_string();
        text.strip_prefix("R-POLL-2: ").unwrap_or(&text).to_owned()
    }
}

/// R-POLL-2: may these people serve? Every assignment that may not is
/// reported, naming the person.
pub fn check<K: Ord + Clone>(
    staff: &[StaffAssignment<K>],
    facts: &StaffFacts<K>,
    rules: &NominationRules,
) -> Result<(), Vec<StaffRefusal<K>>> {
    let mut refusals = Vec::new();
    for s in staff {
        if facts.candidates.contains(&s.person) {
            refusals.push(StaffRefusal::Candidate {
                person: s.person.clone(),
                role: s.role,
            });
            continue;
        }
        if rules.counting_staff_relatives_barred {
            let related: Vec<K> = facts
                .relatives_of_candidates
                .get(&s.person)
                .map(|cs| {
                    cs.iter()
                        .filter(|c| facts.candidates.contains(c))
                        .cloned()
                        .collect()
                })
                .unwrap_or_default();
            if !related.is_empty() {
                refusals.push(StaffRefusal::CandidateRelative {
                    person: s.person.clone(),
                    role: s.role,
                    candidates: related,
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

/// R-POLL-1: a station or mobile box with too few scrutineers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error(
    "R-POLL-1: {station} has {count} scrutineers; each station and mobile box needs at least {min}"
)]
pub struct ScrutineerShortfall {
    pub station: String,
    pub count: u32,
    pub min: u32,
}

impl ScrutineerShortfall {
    pub fn rule(&self) -> &'static str {
        rule::POLL_1
    }

    pub fn code(&self) -> &'static str {
        "scrutineer_shortfall"
    }

    pub fn message_zh(&self) -> String {
        format!(
            "{}有监票人{}名，每个投票站和流动票箱至少{}名",
            self.station, self.count, self.min
        )
    }

    pub fn message_en(&self) -> String {
        let text = self.to_string();
        text.strip_prefix("R-POLL-1: ").unwrap_or(&text).to_owned()
    }
}

/// R-POLL-1: the stations (and mobile boxes), by name, with fewer
/// scrutineers than the profile requires.
pub fn scrutineer_shortfalls(
    scrutineers_per_station: &BTreeMap<String, u32>,
    rules: &NominationRules,
) -> Vec<ScrutineerShortfall> {
    scrutineers_per_station
        .iter()
        .filter(|(_, &count)| count < rules.scrutineers_min)
        .map(|(station, &count)| ScrutineerShortfall {
            station: station.clone(),
            count,
            min: rules.scrutineers_min,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::Profile;

    fn rules(id: &str) -> NominationRules {
        Profile::by_id(id).unwrap().nomination
    }

    fn facts() -> StaffFacts<u32> {
        StaffFacts {
            candidates: BTreeSet::from([1, 2]),
            // 10 is 1's spouse; 11 is related to 99, who is no candidate.
            relatives_of_candidates: BTreeMap::from([(10, vec![1]), (11, vec![99])]),
        }
    }

    fn staff(people: &[(u32, StaffRole)]) -> Vec<StaffAssignment<u32>> {
        people
            .iter()
            .map(|&(person, role)| StaffAssignment { person, role })
            .collect()
    }

    /// R-POLL-2: a candidate cannot serve, under every profile.
    #[test]
    fn candidates_cannot_serve() {
        for id in crate::profile::BUILTIN_PROFILE_IDS {
            let s = staff(&[(2, StaffRole::Caller), (5, StaffRole::Counter)]);
            let refusals = check(&s, &facts(), &rules(id)).unwrap_err();
            assert_eq!(
                refusals,
                vec![StaffRefusal::Candidate {
                    person: 2,
                    role: StaffRole::Caller
                }]
            );
            assert_eq!(refusals[0].rule(), "R-POLL-2");
            assert_eq!(*refusals[0].person(), 2);
            assert!(refusals[0].message_zh().contains("唱票人"));
        }
    }

    /// R-POLL-2 (ZJ-2020): nor a candidate's spouse or close relative;
    /// County-2006 does not bar them.
    #[test]
    fn relatives_by_profile() {
        let s = staff(&[(10, StaffRole::Scrutineer), (11, StaffRole::Counter)]);
        assert_eq!(check(&s, &facts(), &rules("county-2006")), Ok(()));
        let refusals = check(&s, &facts(), &rules("zhejiang-2020")).unwrap_err();
        assert_eq!(
            refusals,
            vec![StaffRefusal::CandidateRelative {
                person: 10,
                role: StaffRole::Scrutineer,
                candidates: vec![1]
            }]
        );
        assert!(refusals[0].to_string().starts_with("R-POLL-2: "));
        assert!(refusals[0].message_zh().contains("近亲属"));
    }

    /// R-POLL-1: at least 3 scrutineers per station and mobile box.
    #[test]
    fn three_scrutineers_per_station() {
        let r = rules("county-2006");
        let stations = BTreeMap::from([("中心投票站".to_owned(), 3), ("流动票箱1".to_owned(), 2)]);
        let short = scrutineer_shortfalls(&stations, &r);
        assert_eq!(
            short,
            vec![ScrutineerShortfall {
                station: "流动票箱1".into(),
                count: 2,
                min: 3
            }]
        );
        assert_eq!(short[0].rule(), "R-POLL-1");
        assert!(short[0].message_zh().contains("至少3名"));
    }
}
