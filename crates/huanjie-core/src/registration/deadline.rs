//! The registration calendar (R-REG-5, R-POLL-4), counted back from
//! election day.
//!
//! Dates, not instants: the rules speak of days before election day, and the
//! caller (the web edge, which owns the clock) passes today's date in the
//! election's own calendar. "At least N days before" means on or before the
//! date N days before election day.

use crate::profile::RegistrationRules;
use crate::rule;
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// Every registration deadline of one election.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadlines {
    /// R-REG-5: the voter list is published on or before this date.
    pub publish_by: NaiveDate,
    /// R-REG-5: objections are lodged on or before this date.
    pub objections_lodged_by: NaiveDate,
    /// R-REG-5: objections lodged in time are answered on or before this
    /// date (see [`objection_answer_deadline`] for late lodgings).
    pub objections_answered_by: NaiveDate,
    /// R-POLL-4: proxies are lodged on or before this date.
    pub proxies_lodged_by: NaiveDate,
}

/// `day` minus `n` days (saturating at the earliest date chrono knows, which
/// no election comes near).
fn before(day: NaiveDate, n: u32) -> NaiveDate {
    day.checked_sub_days(Days::new(u64::from(n)))
        .unwrap_or(NaiveDate::MIN)
}

/// The deadlines of an election held on `election_day` under `rules`.
pub fn deadlines(election_day: NaiveDate, rules: &RegistrationRules) -> Deadlines {
    Deadlines {
        publish_by: before(election_day, rules.voter_list_published_days_before),
        objections_lodged_by: before(election_day, rules.objection_lodged_days_before),
        objections_answered_by: before(election_day, rules.objection_answered_days_before),
        // 0 days: any time before election day, i.e. the day before at last.
        proxies_lodged_by: before(election_day, rules.proxy_lodged_days_before.max(1)),
    }
}

/// A step taken after its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{rule}: {what} is due by {deadline}, and today is {today}")]
pub struct Late {
    pub rule: &'static str,
    pub what: Step,
    pub deadline: NaiveDate,
    pub today: NaiveDate,
}

/// The dated steps of registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Publication,
    ObjectionLodging,
    ObjectionAnswer,
    ProxyLodging,
}

impl std::fmt::Display for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.en())
    }
}

impl Step {
    pub fn en(self) -> &'static str {
        match self {
            Step::Publication => "publishing the voter list",
            Step::ObjectionLodging => "lodging an objection",
            Step::ObjectionAnswer => "answering an objection",
            Step::ProxyLodging => "lodging a proxy",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Step::Publication => "公布选民名单",
            Step::ObjectionLodging => "提出异议",
            Step::ObjectionAnswer => "答复异议",
            Step::ProxyLodging => "办理委托投票",
        }
    }
}

impl Late {
    pub fn message_zh(&self) -> String {
        format!(
            "{}应不晚于{}（{}），今天是{}",
            self.what.zh(),
            self.deadline.format("%Y年%-m月%-d日"),
            self.rule,
            self.today.format("%Y年%-m月%-d日"),
        )
    }

    pub fn message_en(&self) -> String {
        format!(
            "{} is due by {} ({}); today is {}",
            self.what.en(),
            self.deadline,
            self.rule,
            self.today
        )
    }
}

fn due(today: NaiveDate, deadline: NaiveDate, rule: &'static str, what: Step) -> Result<(), Late> {
    if today <= deadline {
        Ok(())
    } else {
        Err(Late {
            rule,
            what,
            deadline,
            today,
        })
    }
}

/// How a publication stands against R-REG-5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PublicationTiming {
    /// On or before the deadline.
    InTime,
    /// After the deadline, accepted because the profile allows it; the
    /// publication is flagged with the rule and how late it is.
    LateAllowed { days_late: u32 },
}

/// R-REG-5: may the voter list be published `today`? Refused when late
/// unless the profile allows late publication.
pub fn check_publication(
    today: NaiveDate,
    election_day: NaiveDate,
    rules: &RegistrationRules,
) -> Result<PublicationTiming, Late> {
    let deadline = deadlines(election_day, rules).publish_by;
    match due(today, deadline, rule::REG_5, Step::Publication) {
        Ok(()) => Ok(PublicationTiming::InTime),
        Err(_) if rules.late_publication_allowed && today < election_day => {
            let days = (today - deadline).num_days();
            Ok(PublicationTiming::LateAllowed {
                days_late: u32::try_from(days).unwrap_or(u32::MAX),
            })
        }
        Err(late) => Err(late),
    }
}

/// R-REG-5: may an objection be lodged `today`?
pub fn check_objection_lodging(
    today: NaiveDate,
    election_day: NaiveDate,
    rules: &RegistrationRules,
) -> Result<(), Late> {
    due(
        today,
        deadlines(election_day, rules).objections_lodged_by,
        rule::REG_5,
        Step::ObjectionLodging,
    )
}

/// R-REG-5: the day by which an objection lodged on `lodged_on` is
/// answered: the profile's days before election day, or, when fewer days
/// than that remained at lodging, the day before election day.
pub fn objection_answer_deadline(
    lodged_on: NaiveDate,
    election_day: NaiveDate,
    rules: &RegistrationRules,
) -> NaiveDate {
    let usual = deadlines(election_day, rules).objections_answered_by;
    if lodged_on > usual {
        before(election_day, 1)
    } else {
        usual
    }
}

/// R-REG-5: is an answer given `today` to an objection lodged on
/// `lodged_on` in time? A late answer is still recorded (the lodger is owed
/// it), flagged with this error.
pub fn check_objection_answer(
    today: NaiveDate,
    lodged_on: NaiveDate,
    election_day: NaiveDate,
    rules: &RegistrationRules,
) -> Result<(), Late> {
    due(
        today,
        objection_answer_deadline(lodged_on, election_day, rules),
        rule::REG_5,
        Step::ObjectionAnswer,
    )
}

/// R-POLL-4: may a proxy be lodged `today`?
pub fn check_proxy_lodging(
    today: NaiveDate,
    election_day: NaiveDate,
    rules: &RegistrationRules,
) -> Result<(), Late> {
    due(
        today,
        deadlines(election_day, rules).proxies_lodged_by,
        rule::POLL_4,
        Step::ProxyLodging,
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::Profile;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn county() -> RegistrationRules {
        Profile::by_id("county-2006").unwrap().registration
    }

    #[test]
    fn publication_is_due_twenty_days_before() {
        let e = day("2026-12-20");
        let rules = county();
        assert_eq!(deadlines(e, &rules).publish_by, day("2026-11-30"));
        assert_eq!(
            check_publication(day("2026-11-30"), e, &rules),
            Ok(PublicationTiming::InTime)
        );
        let late = check_publication(day("2026-12-01"), e, &rules).unwrap_err();
        assert_eq!(late.rule, "R-REG-5");
        assert_eq!(late.deadline, day("2026-11-30"));
        assert!(
            late.message_zh().contains("R-REG-5"),
            "{}",
            late.message_zh()
        );
        assert!(late.message_zh().contains("2026年11月30日"));
    }

    #[test]
    fn a_profile_may_accept_late_publication_before_election_day() {
        let e = day("2026-12-20");
        let mut rules = county();
        rules.late_publication_allowed = true;
        assert_eq!(
            check_publication(day("2026-12-03"), e, &rules),
            Ok(PublicationTiming::LateAllowed { days_late: 3 })
        );
        // Never on or after election day.
        assert!(check_publication(e, e, &rules).is_err());
    }

    #[test]
    fn objections_five_days_before_answers_three() {
        let e = day("2026-12-20");
        let rules = county();
        assert!(check_objection_lodging(day("2026-12-15"), e, &rules).is_ok());
        let late = check_objection_lodging(day("2026-12-16"), e, &rules).unwrap_err();
        assert_eq!((late.rule, late.what), ("R-REG-5", Step::ObjectionLodging));
        assert_eq!(
            objection_answer_deadline(day("2026-12-15"), e, &rules),
            day("2026-12-17")
        );
        assert!(check_objection_answer(day("2026-12-17"), day("2026-12-15"), e, &rules).is_ok());
        assert!(check_objection_answer(day("2026-12-18"), day("2026-12-15"), e, &rules).is_err());
    }

    #[test]
    fn an_objection_lodged_with_fewer_days_left_is_answered_before_election_day() {
        let e = day("2026-12-20");
        let mut rules = county();
        rules.objection_lodged_days_before = 1;
        assert_eq!(
            objection_answer_deadline(day("2026-12-18"), e, &rules),
            day("2026-12-19")
        );
        assert_eq!(
            objection_answer_deadline(day("2026-12-17"), e, &rules),
            day("2026-12-17")
        );
    }

    #[test]
    fn proxies_by_profile() {
        let e = day("2026-12-20");
        let county = county();
        assert_eq!(deadlines(e, &county).proxies_lodged_by, day("2026-12-19"));
        assert!(check_proxy_lodging(day("2026-12-19"), e, &county).is_ok());
        assert!(check_proxy_lodging(e, e, &county).is_err());
        let zj = Profile::by_id("zhejiang-2020").unwrap().registration;
        assert_eq!(deadlines(e, &zj).proxies_lodged_by, day("2026-12-17"));
        let late = check_proxy_lodging(day("2026-12-18"), e, &zj).unwrap_err();
        assert_eq!(late.rule, "R-POLL-4");
    }
}
