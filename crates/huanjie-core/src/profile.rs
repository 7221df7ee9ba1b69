//! Jurisdiction profiles: where sources disagree, the number is a profile
//! parameter, never a constant in code.
//!
//! A profile is data: one TOML file per jurisdiction under `profiles/`,
//! compiled in with `include_str!` and parsed on demand (no global state).
//! A profile can also be read from a file the caller loaded. Unknown keys
//! are errors, so a misspelt parameter can never silently fall back to a
//! default.

use crate::nomination::NominationKind;
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
    pub nomination: NominationRules,
    pub polling: PollingRules,
    /// During the term: recall, resignation, by-election (R-CERT-4/5).
    pub term: crate::term::TermRules,
    /// The homeowners' assembly: quorum and majorities by area and by
    /// owners (R-OWN-1).
    pub homeowners: crate::homeowners::HomeownersRules,
    /// The workers' congress electing a board's employee supervisors, and
    /// the board's make-up (R-SUP-1, R-BODY-6).
    pub workers_congress: crate::electorate::WorkersCongressRules,
}

/// Polling stations and ballot boxes (R-POLL-1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PollingRules {
    /// Mobile ballot boxes (流动票箱) allowed per community; 0 forbids them.
    pub mobile_boxes_max: u32,
    /// Whether each mobile box needs the committee's recorded approval
    /// (and a published list of its voters) before polls open.
    pub mobile_boxes_need_approval: bool,
    /// R-POLL-2: scrutineers (监票人) appointed for a station before its
    /// polls may open (the sources name the office, not a number; three
    /// is the practice the committees asked for).
    pub scrutineers_min: u32,
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

/// Everything nomination, formal candidates, the bodies' sizes and the
/// election calendar after registration need from a profile (R-BODY-*,
/// R-NOM-*, R-POLL-1/2, R-CERT-1/2). Read by [`crate::nomination`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NominationRules {
    /// R-NOM-1: the ways of nominating this profile accepts.
    pub kinds: Vec<NominationKind>,
    /// R-NOM-1: voters nominating jointly (联名) are at least this many.
    pub joint_voters_min: u32,
    /// R-NOM-1: household representatives nominating jointly.
    pub joint_household_representatives_min: u32,
    /// R-NOM-1: group representatives nominating jointly.
    pub joint_group_representatives_min: u32,
    /// R-NOM-2 (ZJ-2020): a nomination naming one person for two positions
    /// is void. When false, it is accepted.
    pub same_person_two_positions_voids: bool,
    /// R-NOM-5: the formal candidate list is published at least this many
    /// days before election day.
    pub formal_list_published_days_before: u32,
    /// R-NOM-6: a withdrawal is accepted at least this many days before
    /// election day.
    pub withdrawal_days_before: u32,
    /// R-NOM-5: whether a notice published after its deadline (but before
    /// election day) is accepted, flagged, instead of refused. The voter
    /// list keeps its own flag (`registration.late_publication_allowed`).
    pub late_notice_allowed: bool,
    /// R-POLL-1: scrutineers (监票人) at each station and each mobile box.
    pub scrutineers_min: u32,
    /// R-POLL-2 (ZJ-2020, SH-2020): candidates' spouses and close
    /// relatives cannot be scrutineers, callers or counters either.
    pub counting_staff_relatives_barred: bool,
    /// R-CERT-1: the written report reaches the township within this many
    /// days after election day.
    pub results_report_within_days: u32,
    /// R-CERT-2: certificates are issued within this many days after
    /// election day.
    pub certificates_within_days: u32,
    /// R-BODY-1/2/3: the committee being elected.
    pub committee: CommitteeRules,
    /// R-NOM-4: formal candidates beyond the seats, per position.
    pub margin: MarginRules,
    /// R-BODY-5: the election committee (选举委员会).
    pub election_committee: ElectionCommitteeRules,
}

/// R-BODY-1/2/3: the residents' committee's composition and size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommitteeRules {
    /// R-BODY-1/2: the fewest members (also the floor of the size formula).
    pub members_min: u32,
    /// R-BODY-1/2: the most members (also the ceiling of the size formula).
    pub members_max: u32,
    /// R-BODY-1: 副主任, fewest.
    pub deputies_min: u32,
    /// R-BODY-1: 副主任, most.
    pub deputies_max: u32,
    /// R-BODY-3: the ballot prints a separate women's-member line
    /// (`women_member`, ZJ-2020).
    pub women_member_line: bool,
    /// R-BODY-2: the size from the number of households, as bands; see
    /// [`SizeBand`]. The first band starts at `above = 0`; bands are in
    /// increasing order of `above`.
    pub size: Vec<SizeBand>,
}

/// One band of the R-BODY-2 size formula. For a number of households `h`,
/// the band used is the last one with `above < h` (the first band for
/// `h = 0`); the size is `base`, plus, when `per` is given, one member per
/// `per` households beyond `above`, counted by `rounding`; the result is
/// then kept within `members_min..=members_max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SizeBand {
    /// Households strictly above this number fall in this band (or a later
    /// one).
    pub above: u64,
    /// Members at the start of the band.
    pub base: u32,
    /// One more member per this many households beyond `above`; absent: a
    /// flat band.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per: Option<u64>,
    /// How a partial `per` counts; required with `per`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rounding: Option<Rounding>,
}

/// How a partial block of households counts in R-BODY-2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// Only a full block counts (1 per 300: 599 households give 1).
    Floor,
    /// A started block counts (+1 per further 500: 1,501 households give +1).
    Ceiling,
}

/// R-NOM-4: the contest margin (差额) of each position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarginRules {
    pub director: Margin,
    pub deputy: Margin,
    pub member: Margin,
    pub women_member: Margin,
}

/// Formal candidates number from `seats + min` to `seats + max`. `min = 0`
/// allows an equal-number (等额) election.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Margin {
    pub min: u32,
    pub max: u32,
}

/// R-BODY-5: the election committee's composition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ElectionCommitteeRules {
    pub members_min: u32,
    pub members_max: u32,
    /// The number of members must be odd (City-2009).
    pub odd: bool,
    pub vice_chairs_min: u32,
    pub vice_chairs_max: u32,
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
    /// Everyone on the list, voting or not: the workers' congress, where a
    /// winner needs more than half of all representatives (R-SUP-1). An
    /// extension of the counting case's `win_base` (docs/assembly-rounds.md).
    Registered,
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
        profile
            .nomination
            .validate()
            .map_err(ProfileError::Invalid)?;
        profile.term.validate().map_err(ProfileError::Invalid)?;
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

impl SizeBand {
    /// Members this band gives `households` (before the bounds), saturating.
    pub(crate) fn members(&self, households: u64) -> u64 {
        let extra = households.saturating_sub(self.above);
        let steps = match (self.per, self.rounding) {
            (Some(per), Some(Rounding::Ceiling)) if per > 0 => extra.div_ceil(per),
            (Some(per), _) if per > 0 => extra / per,
            _ => 0,
        };
        u64::from(self.base).saturating_add(steps)
    }
}

impl CommitteeRules {
    /// The band that applies to `households` (R-BODY-2).
    pub(crate) fn band(&self, households: u64) -> Option<&SizeBand> {
        self.size
            .iter()
            .rev()
            .find(|b| b.above < households)
            .or(self.size.first())
    }
}

impl NominationRules {
    /// Checks what the types cannot: bounds in order, size bands that
    /// start at 0, increase, and never make the size go down (R-BODY-2).
    pub fn validate(&self) -> Result<(), String> {
        let c = &self.committee;
        if c.members_min == 0 || c.members_min > c.members_max {
            return Err(
                "nomination.committee: members_min must be 1 to members_max (R-BODY-1)".into(),
            );
        }
        if c.deputies_min > c.deputies_max {
            return Err(
                "nomination.committee: deputies_min exceeds deputies_max (R-BODY-1)".into(),
            );
        }
        let needed = 1 + c.deputies_min + u32::from(c.women_member_line);
        if needed > c.members_max {
            return Err(format!(
                "nomination.committee: members_max {} leaves no room for a director and {} deputies (R-BODY-1)",
                c.members_max, c.deputies_min
            ));
        }
        match c.size.first() {
            Some(b) if b.above == 0 => {}
            _ => {
                return Err(
                    "nomination.committee.size: the first band must have above = 0 (R-BODY-2)"
                        .into(),
                )
            }
        }
        for (i, b) in c.size.iter().enumerate() {
            match (b.per, b.rounding) {
                (Some(0), _) => {
                    return Err(format!(
                        "nomination.committee.size[{i}]: per must be at least 1 (R-BODY-2)"
                    ))
                }
                (Some(_), None) | (None, Some(_)) => {
                    return Err(format!(
                        "nomination.committee.size[{i}]: per and rounding go together (R-BODY-2)"
                    ))
                }
                _ => {}
            }
            if let Some(prev) = i.checked_sub(1).and_then(|j| c.size.get(j)) {
                if b.above <= prev.above {
                    return Err(format!(
                        "nomination.committee.size[{i}]: bands must be in increasing order of above (R-BODY-2)"
                    ));
                }
                if prev.members(b.above) > b.members(b.above.saturating_add(1)) {
                    return Err(format!(
                        "nomination.committee.size[{i}]: the size would go down after {} households (R-BODY-2)",
                        b.above
                    ));
                }
            }
        }
        for (name, m) in [
            ("director", self.margin.director),
            ("deputy", self.margin.deputy),
            ("member", self.margin.member),
            ("women_member", self.margin.women_member),
        ] {
            if m.min > m.max {
                return Err(format!(
                    "nomination.margin.{name}: min exceeds max (R-NOM-4)"
                ));
            }
        }
        let e = &self.election_committee;
        if e.members_min > e.members_max || 1 + e.vice_chairs_min > e.members_max {
            return Err("nomination.election_committee: members_min..members_max must hold a chair and the vice-chairs (R-BODY-5)".into());
        }
        if e.vice_chairs_min > e.vice_chairs_max {
            return Err(
                "nomination.election_committee: vice_chairs_min exceeds vice_chairs_max (R-BODY-5)"
                    .into(),
            );
        }
        if e.odd && e.members_min == e.members_max && e.members_min % 2 == 0 {
            return Err(
                "nomination.election_committee: no odd size within the bounds (R-BODY-5)".into(),
            );
        }
        Ok(())
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
                    ParameterValue::Text("registered") => WinBase::Registered,
                    _ => return Err(bad(name, "\"voted\", \"cast\" or \"registered\"")),
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

    /// R-BODY-1/2/5, R-NOM-1/2/4/5/6, R-POLL-1/2, R-CERT-1/2: the
    /// nomination section of each built-in profile.
    #[test]
    fn builtin_nomination_values_follow_the_rules() {
        for id in BUILTIN_PROFILE_IDS {
            let n = Profile::by_id(id).unwrap().nomination;
            assert_eq!(n.validate(), Ok(()), "{id}");
            assert_eq!(n.kinds.len(), 7, "{id}: R-NOM-1");
            assert_eq!(
                (
                    n.joint_voters_min,
                    n.joint_household_representatives_min,
                    n.joint_group_representatives_min
                ),
                (10, 5, 3),
                "{id}: R-NOM-1"
            );
            assert_eq!(n.withdrawal_days_before, 3, "{id}: R-NOM-6");
            assert_eq!(n.scrutineers_min, 3, "{id}: R-POLL-1");
            assert_eq!(n.results_report_within_days, 3, "{id}: R-CERT-1");
            assert_eq!(n.certificates_within_days, 15, "{id}: R-CERT-2");
            assert_eq!((n.committee.deputies_min, n.committee.deputies_max), (1, 2));
            assert!(n.margin.director.min >= 1, "{id}: R-NOM-4: no 等额");
            assert_eq!((n.margin.member.min, n.margin.member.max), (1, 3));
        }
        let county = Profile::by_id("county-2006").unwrap().nomination;
        assert_eq!(county.formal_list_published_days_before, 3);
        assert_eq!(
            (county.committee.members_min, county.committee.members_max),
            (3, 9)
        );
        assert!(!county.same_person_two_positions_voids);
        assert!(!county.committee.women_member_line);
        assert!(!county.counting_staff_relatives_barred);
        let e = county.election_committee;
        assert_eq!((e.members_min, e.members_max, e.odd), (5, 9, false));
        let city = Profile::by_id("city-2009").unwrap().nomination;
        assert_eq!(city.formal_list_published_days_before, 5);
        let e = city.election_committee;
        assert_eq!((e.members_min, e.members_max, e.odd), (5, 7, true));
        let zj = Profile::by_id("zhejiang-2020").unwrap().nomination;
        assert!(zj.same_person_two_positions_voids);
        assert!(zj.committee.women_member_line);
        assert!(zj.counting_staff_relatives_barred);
        assert_eq!((zj.committee.members_min, zj.committee.members_max), (3, 7));
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
        let text = include_str!("../profiles/county-2006.toml").replace(
            "scrutineers_min = 3",
            "scrutineers_min = 3\nscrutiners_min = 3",
        );
        let err = Profile::from_toml(&text).unwrap_err();
        assert!(
            matches!(&err, ProfileError::Invalid(m) if m.contains("scrutiners_min")),
            "{err}"
        );
        let text = include_str!("../profiles/county-2006.toml").replace(
            "director = { min = 1, max = 1 }",
            "director = { min = 1, max = 1, mx = 2 }",
        );
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
        // R-SUP-1: the workers' congress counts a winner against all
        // representatives.
        rules
            .set("win_base", ParameterValue::Text("registered"))
            .unwrap();
        assert_eq!(rules.win_base, WinBase::Registered);
        assert!(matches!(
            rules.set("win_base", ParameterValue::Text("everyone")),
            Err(ProfileError::BadValue { .. })
        ));
        assert!(matches!(
            rules.set("further_margin", ParameterValue::Text("1")),
            Err(ProfileError::BadValue { .. })
        ));
    }
}
