//! Jurisdiction profiles: where sources disagree, the number is a profile
//! parameter, never a constant in code.
//!
//! A profile is data: one TOML file per jurisdiction under `profiles/`,
//! compiled in with `include_str!` and parsed on demand (no global state).
//! A profile can also be read from a file the caller loaded. Unknown keys
//! are errors, so a misspelt parameter can never silently fall back to a
//! default.

use crate::threshold::Threshold;
use serde::{Deserialize, Serialize};

/// The default profile (the project's founding document).
pub const DEFAULT_PROFILE_ID: &str = "county-2006";

/// Ids of the profiles compiled into the binary.
pub const BUILTIN_PROFILE_IDS: &[&str] =
    &["county-2006", "city-2009", "village-2018", "zhejiang-2020"];

fn builtin_text(id: &str) -> Option<&'static str> {
    Some(match id {
        "county-2006" => include_str!("../profiles/county-2006.toml"),
        "city-2009" => include_str!("../profiles/city-2009.toml"),
        "village-2018" => include_str!("../profiles/village-2018.toml"),
        "zhejiang-2020" => include_str!("../profiles/zhejiang-2020.toml"),
        _ => return None,
    })
}

/// One jurisdiction's parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub id: String,
    /// Chinese title, shown in the UI.
    pub name: String,
    pub name_en: String,
    /// Short name of the source in RULES.md (e.g. `County-2006`).
    pub source: String,
    pub counting: CountingRules,
    pub registration: RegistrationRules,
}

/// Everything voter registration needs from a profile (R-REG-*, R-POLL-4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistrationRules {
    /// R-REG-2: months a resident without household registration must have
    /// lived here by election day.
    pub non_registered_residence_months: u32,
    /// R-REG-5: the voter list is published at least this many days before
    /// election day.
    pub voter_list_published_days_before: u32,
    /// R-REG-5: whether a later publication is accepted (flagged) instead
    /// of refused.
    pub late_publication_allowed: bool,
    /// R-REG-5: objections are lodged at least this many days before.
    pub objection_lodged_days_before: u32,
    /// R-REG-5: the committee answers at least this many days before.
    pub objection_answered_days_before: u32,
    /// R-REG-4: voluntary registrants' minimum share of eligible residents.
    pub voluntary_registration_min_share: Threshold,
    /// R-POLL-4: authorisations one proxy may hold.
    pub proxy_max_per_proxy: u32,
    /// R-POLL-4: proxies are lodged at least this many days before (0: any
    /// time before election day).
    pub proxy_lodged_days_before: u32,
    /// R-REG-6: the fewest residents' representatives (County-2006: 35).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub representatives_min_total: Option<u32>,
}

/// R-CNT-4: how far an overvote reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OvervoteScope {
    /// Void for that contest only.
    Contest,
    /// Void as a whole.
    Ballot,
}

/// R-CNT-4: a ballot voting `for` the same person in two contests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SamePersonRule {
    Allowed,
    VoidBallot,
}

/// R-CNT-5: the base of the general-round majority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WinBase {
    /// Voters who voted (ballots issued).
    Voted,
    /// Ballots taken out of the boxes, void ones included.
    Cast,
}

/// Everything counting needs from a profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountingRules {
    /// R-CNT-4.
    pub overvote_scope: OvervoteScope,
    /// R-CNT-4.
    pub same_person_two_positions: SamePersonRule,
    /// R-CNT-5.
    pub win_base: WinBase,
    /// R-CNT-3: share of registered voters who must vote.
    pub turnout: Threshold,
    /// R-CNT-3: share of representatives present at a representatives'
    /// assembly.
    pub assembly_turnout: Threshold,
    /// R-CNT-5: general-round majority of the base.
    pub win: Threshold,
    /// R-CNT-7: further-election share of ballots cast.
    pub further_win: Threshold,
    /// R-CNT-7: further-election candidates beyond the unfilled seats.
    pub further_margin: u32,
    /// R-CNT-7: the further election is held within this many days.
    pub further_election_within_days: u32,
    /// R-CNT-8: the further election keeps a women's line when no woman is
    /// elected.
    pub further_keeps_womens_line: bool,
    /// R-CNT-8: once this many members are elected, remaining seats may stay
    /// empty after the further election. Absent: never.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seats_may_stay_empty_from: Option<u32>,
    /// R-CNT-9: a director loser's votes counted toward member.
    pub aggregate_across_positions: bool,
}

/// A value given to override a counting parameter by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParameterValue<'a> {
    Text(&'a str),
    Whole(u64),
    Flag(bool),
}

/// Why a profile or a parameter was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    #[error(
        "unknown profile {0:?} (built in: county-2006, city-2009, village-2018, zhejiang-2020)"
    )]
    UnknownProfile(String),
    #[error("the profile file is not valid: {0}")]
    Invalid(String),
    #[error("unknown parameter {0:?}")]
    UnknownParameter(String),
    #[error("parameter {name:?} takes {expected}")]
    BadValue {
        name: String,
        expected: &'static str,
    },
}

impl Profile {
    /// A built-in profile by id.
    pub fn builtin(id: &str) -> Option<Profile> {
        builtin_text(id).and_then(|text| Profile::from_toml(text).ok())
    }

    /// A built-in profile by id, or [`ProfileError::UnknownProfile`].
    pub fn by_id(id: &str) -> Result<Profile, ProfileError> {
        match builtin_text(id) {
            Some(text) => Profile::from_toml(text),
            None => Err(ProfileError::UnknownProfile(id.to_owned())),
        }
    }

    /// Parses a profile's TOML text (e.g. a file the caller has read).
    pub fn from_toml(text: &str) -> Result<Profile, ProfileError> {
        let profile: Profile = toml::from_str(text).map_err(|e| {
            ProfileError::Invalid(e.message().to_owned() + &span_note(text, e.span()))
        })?;
        Ok(profile)
    }
}

fn span_note(text: &str, span: Option<std::ops::Range<usize>>) -> String {
    match span {
        Some(span) => {
            let line = text
                .get(..span.start)
                .map_or(0, |t| t.matches('\n').count())
                + 1;
            format!(" (line {line})")
        }
        None => String::new(),
    }
}

impl CountingRules {
    /// Overrides one parameter by its name in the profile file. This is how
    /// a counting case's `parameters` object applies.
    pub fn set(&mut self, name: &str, value: ParameterValue<'_>) -> Result<(), ProfileError> {
        fn bad(name: &str, expected: &'static str) -> ProfileError {
            ProfileError::BadValue {
                name: name.to_owned(),
                expected,
            }
        }
        fn threshold(name: &str, value: ParameterValue<'_>) -> Result<Threshold, ProfileError> {
            match value {
                ParameterValue::Text(t) => t
                    .parse()
                    .map_err(|_| bad(name, "a threshold such as \">1/2\" or \">=1/3\"")),
                _ => Err(bad(name, "a threshold such as \">1/2\" or \">=1/3\"")),
            }
        }
        fn whole(name: &str, value: ParameterValue<'_>) -> Result<u32, ProfileError> {
            match value {
                ParameterValue::Whole(n) => {
                    u32::try_from(n).map_err(|_| bad(name, "a whole number"))
                }
                _ => Err(bad(name, "a whole number")),
            }
        }
        fn flag(name: &str, value: ParameterValue<'_>) -> Result<bool, ProfileError> {
            match value {
                ParameterValue::Flag(b) => Ok(b),
                _ => Err(bad(name, "true or false")),
            }
        }
        match name {
            "overvote_scope" => {
                self.overvote_scope = match value {
                    ParameterValue::Text("contest") => OvervoteScope::Contest,
                    ParameterValue::Text("ballot") => OvervoteScope::Ballot,
                    _ => return Err(bad(name, "\"contest\" or \"ballot\"")),
                }
            }
            "same_person_two_positions" => {
                self.same_person_two_positions = match value {
                    ParameterValue::Text("allowed") => SamePersonRule::Allowed,
                    ParameterValue::Text("void_ballot") => SamePersonRule::VoidBallot,
                    _ => return Err(bad(name, "\"allowed\" or \"void_ballot\"")),
                }
            }
            "win_base" => {
                self.win_base = match value {
                    ParameterValue::Text("voted") => WinBase::Voted,
                    ParameterValue::Text("cast") => WinBase::Cast,
                    _ => return Err(bad(name, "\"voted\" or \"cast\"")),
                }
            }
            "turnout" => self.turnout = threshold(name, value)?,
            "assembly_turnout" => self.assembly_turnout = threshold(name, value)?,
            "win" => self.win = threshold(name, value)?,
            "further_win" => self.further_win = threshold(name, value)?,
            "further_margin" => self.further_margin = whole(name, value)?,
            "further_election_within_days" => {
                self.further_election_within_days = whole(name, value)?
            }
            "further_keeps_womens_line" => self.further_keeps_womens_line = flag(name, value)?,
            "seats_may_stay_empty_from" => {
                self.seats_may_stay_empty_from = Some(whole(name, value)?)
            }
            "aggregate_across_positions" => self.aggregate_across_positions = flag(name, value)?,
            _ => return Err(ProfileError::UnknownParameter(name.to_owned())),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_parses_and_carries_its_own_id() {
        for id in BUILTIN_PROFILE_IDS {
            let p = Profile::by_id(id).unwrap_or_else(|e| panic!("{id}: {e}"));
            assert_eq!(&p.id, id);
        }
        assert!(Profile::builtin(DEFAULT_PROFILE_ID).is_some());
        assert_eq!(
            Profile::by_id("mars-2100"),
            Err(ProfileError::UnknownProfile("mars-2100".into()))
        );
    }

    #[test]
    fn builtin_values_follow_the_rules() {
        let county = Profile::by_id("county-2006").unwrap().counting;
        assert_eq!(county.overvote_scope, OvervoteScope::Contest);
        assert_eq!(county.same_person_two_positions, SamePersonRule::Allowed);
        assert_eq!(county.win_base, WinBase::Voted);
        assert_eq!(county.win, Threshold::MORE_THAN_HALF);
        assert_eq!(county.turnout, Threshold::MORE_THAN_HALF);
        assert_eq!(county.further_win, Threshold::AT_LEAST_A_THIRD);
        assert_eq!(county.further_margin, 1);
        assert_eq!(county.seats_may_stay_empty_from, None);
        let zj = Profile::by_id("zhejiang-2020").unwrap().counting;
        assert_eq!(zj.overvote_scope, OvervoteScope::Ballot);
        assert_eq!(zj.same_person_two_positions, SamePersonRule::VoidBallot);
        assert_eq!(zj.seats_may_stay_empty_from, Some(3));
        assert!(zj.further_keeps_womens_line);
        let county = Profile::by_id("county-2006").unwrap().registration;
        assert_eq!(county.non_registered_residence_months, 12);
        assert_eq!(county.voter_list_published_days_before, 20);
        assert_eq!(county.proxy_max_per_proxy, 3);
        assert_eq!(county.representatives_min_total, Some(35));
        assert_eq!(
            county.voluntary_registration_min_share,
            Threshold::at_least(3, 10).unwrap()
        );
        let zj = Profile::by_id("zhejiang-2020").unwrap().registration;
        assert_eq!(zj.proxy_lodged_days_before, 3);
        assert_eq!(zj.representatives_min_total, None);
    }

    #[test]
    fn unknown_keys_are_errors() {
        let text = include_str!("../profiles/county-2006.toml").replace(
            "further_margin = 1",
            "further_margin = 1\nfurther_marign = 2",
        );
        let err = Profile::from_toml(&text).unwrap_err();
        assert!(
            matches!(&err, ProfileError::Invalid(m) if m.contains("further_marign")),
            "{err}"
        );
        let text =
            include_str!("../profiles/county-2006.toml").replace("win = \">1/2\"", "win = \"0.5\"");
        assert!(Profile::from_toml(&text).is_err());
    }

    #[test]
    fn overrides_by_name() {
        let mut rules = Profile::by_id("county-2006").unwrap().counting;
        rules
            .set("overvote_scope", ParameterValue::Text("ballot"))
            .unwrap();
        assert_eq!(rules.overvote_scope, OvervoteScope::Ballot);
        rules
            .set("further_margin", ParameterValue::Whole(2))
            .unwrap();
        assert_eq!(rules.further_margin, 2);
        rules.set("win", ParameterValue::Text(">=1/2")).unwrap();
        assert_eq!(rules.win, Threshold::at_least(1, 2).unwrap());
        assert_eq!(
            rules.set("overvote", ParameterValue::Text("ballot")),
            Err(ProfileError::UnknownParameter("overvote".into()))
        );
        assert!(matches!(
            rules.set("win_base", ParameterValue::Text("registered")),
            Err(ProfileError::BadValue { .. })
        ));
        assert!(matches!(
            rules.set("further_margin", ParameterValue::Text("1")),
            Err(ProfileError::BadValue { .. })
        ));
    }
}
