//! The election timeline: every deadline counted from election day under a
//! profile, whether each was met, and whether a step taken on a given day
//! is in time.
//!
//! Dates only: the caller passes election day, the dates things happened
//! and "today" (the web edge reads its clock in China Standard Time).
//! "At least N days before" means on or before election day minus N;
//! "within N days after" means from election day to election day plus N,
//! both included. The registration dates come from
//! [`crate::registration::deadline`], so both modules agree.
//!
//! Late steps, by kind:
//! - a notice (the voter list, R-REG-5; the formal candidate list,
//!   R-NOM-5) published late is refused, unless the profile allows late
//!   notices (`registration.late_publication_allowed`,
//!   `nomination.late_notice_allowed`), and never on or after election day;
//! - lodging an objection or a proxy, answering an objection, a
//!   withdrawal (R-NOM-6) and a further election (R-CNT-7) outside their
//!   dates are refused;
//! - the report to the township (R-CERT-1) and the certificates (R-CERT-2)
//!   remain owed when late: accepted, flagged with the days late.

use crate::profile::Profile;
use crate::registration::deadline;
use crate::rule;
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A dated step of the election.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Milestone {
    /// R-REG-5: the voter list is published.
    VoterListPublished,
    /// R-REG-5: objections to the list are lodged.
    ObjectionsLodged,
    /// R-REG-5: objections lodged in time are answered.
    ObjectionsAnswered,
    /// R-POLL-4: proxies are lodged.
    ProxiesLodged,
    /// R-NOM-5: the formal candidate list is published.
    FormalCandidatesPublished,
    /// R-NOM-6: formal candidates may withdraw.
    Withdrawals,
    /// R-CERT-1: the written report reaches the township.
    ResultsReported,
    /// R-CERT-2: certificates are issued.
    CertificatesIssued,
    /// R-CNT-7: a further election, if one is needed, is held.
    FurtherElection,
}

/// How a deadline is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    /// On or before `deadline` (some days before election day).
    OnOrBefore,
    /// From election day (`from`) to `deadline`.
    WithinDaysAfter,
}

impl Milestone {
    pub const ALL: [Milestone; 9] = [
        Milestone::VoterListPublished,
        Milestone::ObjectionsLodged,
        Milestone::ObjectionsAnswered,
        Milestone::ProxiesLodged,
        Milestone::FormalCandidatesPublished,
        Milestone::Withdrawals,
        Milestone::ResultsReported,
        Milestone::CertificatesIssued,
        Milestone::FurtherElection,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Milestone::VoterListPublished => "voter_list_published",
            Milestone::ObjectionsLodged => "objections_lodged",
            Milestone::ObjectionsAnswered => "objections_answered",
            Milestone::ProxiesLodged => "proxies_lodged",
            Milestone::FormalCandidatesPublished => "formal_candidates_published",
            Milestone::Withdrawals => "withdrawals",
            Milestone::ResultsReported => "results_reported",
            Milestone::CertificatesIssued => "certificates_issued",
            Milestone::FurtherElection => "further_election",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.code() == code)
    }

    pub fn rule(self) -> &'static str {
        match self {
            Milestone::VoterListPublished
            | Milestone::ObjectionsLodged
            | Milestone::ObjectionsAnswered => rule::REG_5,
            Milestone::ProxiesLodged => rule::POLL_4,
            Milestone::FormalCandidatesPublished => rule::NOM_5,
            Milestone::Withdrawals => rule::NOM_6,
            Milestone::ResultsReported => rule::CERT_1,
            Milestone::CertificatesIssued => rule::CERT_2,
            Milestone::FurtherElection => rule::CNT_7,
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Milestone::VoterListPublished => "公布选民名单",
            Milestone::ObjectionsLodged => "对选民名单提出异议",
            Milestone::ObjectionsAnswered => "答复异议",
            Milestone::ProxiesLodged => "办理委托投票",
            Milestone::FormalCandidatesPublished => "公布正式候选人名单",
            Milestone::Withdrawals => "正式候选人退出",
            Milestone::ResultsReported => "向街道（乡镇）书面报告选举结果",
            Milestone::CertificatesIssued => "颁发当选证书",
            Milestone::FurtherElection => "另行选举",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Milestone::VoterListPublished => "publishing the voter list",
            Milestone::ObjectionsLodged => "lodging an objection to the voter list",
            Milestone::ObjectionsAnswered => "answering objections",
            Milestone::ProxiesLodged => "lodging a proxy",
            Milestone::FormalCandidatesPublished => "publishing the formal candidate list",
            Milestone::Withdrawals => "a formal candidate's withdrawal",
            Milestone::ResultsReported => "the written report to the township",
            Milestone::CertificatesIssued => "issuing certificates",
            Milestone::FurtherElection => "the further election",
        }
    }

    pub fn kind(self) -> DeadlineKind {
        match self {
            Milestone::ResultsReported
            | Milestone::CertificatesIssued
            | Milestone::FurtherElection => DeadlineKind::WithinDaysAfter,
            _ => DeadlineKind::OnOrBefore,
        }
    }

    /// Whether a late step stays owed (accepted, flagged) rather than
    /// refused.
    fn late_still_owed(self) -> bool {
        matches!(
            self,
            Milestone::ResultsReported | Milestone::CertificatesIssued
        )
    }

    /// Whether this is a published notice, and if so whether the profile
    /// accepts it late.
    fn late_notice_allowed(self, profile: &Profile) -> bool {
        match self {
            Milestone::VoterListPublished => profile.registration.late_publication_allowed,
            Milestone::FormalCandidatesPublished => profile.nomination.late_notice_allowed,
            _ => false,
        }
    }
}

/// One line of the timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Item {
    pub milestone: Milestone,
    pub code: &'static str,
    pub rule: &'static str,
    pub label_zh: &'static str,
    pub label_en: &'static str,
    pub kind: DeadlineKind,
    /// For [`DeadlineKind::WithinDaysAfter`]: the window's first day
    /// (election day).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<NaiveDate>,
    /// The last day in time.
    pub deadline: NaiveDate,
}

fn after(day: NaiveDate, n: u32) -> NaiveDate {
    day.checked_add_days(Days::new(u64::from(n)))
        .unwrap_or(NaiveDate::MAX)
}

fn before(day: NaiveDate, n: u32) -> NaiveDate {
    day.checked_sub_days(Days::new(u64::from(n)))
        .unwrap_or(NaiveDate::MIN)
}

/// The timeline line of `milestone` for an election on `election_day`.
pub fn item(milestone: Milestone, election_day: NaiveDate, profile: &Profile) -> Item {
    let reg = deadline::deadlines(election_day, &profile.registration);
    let nom = &profile.nomination;
    let deadline = match milestone {
        Milestone::VoterListPublished => reg.publish_by,
        Milestone::ObjectionsLodged => reg.objections_lodged_by,
        Milestone::ObjectionsAnswered => reg.objections_answered_by,
        Milestone::ProxiesLodged => reg.proxies_lodged_by,
        Milestone::FormalCandidatesPublished => {
            before(election_day, nom.formal_list_published_days_before)
        }
        Milestone::Withdrawals => before(election_day, nom.withdrawal_days_before),
        Milestone::ResultsReported => after(election_day, nom.results_report_within_days),
        Milestone::CertificatesIssued => after(election_day, nom.certificates_within_days),
        Milestone::FurtherElection => {
            after(election_day, profile.counting.further_election_within_days)
        }
    };
    let kind = milestone.kind();
    Item {
        milestone,
        code: milestone.code(),
        rule: milestone.rule(),
        label_zh: milestone.zh(),
        label_en: milestone.en(),
        kind,
        from: (kind == DeadlineKind::WithinDaysAfter).then_some(election_day),
        deadline,
    }
}

/// Every deadline of an election on `election_day`, by date (ties in the
/// order of [`Milestone::ALL`]).
pub fn timeline(election_day: NaiveDate, profile: &Profile) -> Vec<Item> {
    let mut items: Vec<Item> = Milestone::ALL
        .into_iter()
        .map(|m| item(m, election_day, profile))
        .collect();
    items.sort_by_key(|i| i.deadline);
    items
}

fn days_between(from: NaiveDate, to: NaiveDate) -> u32 {
    u32::try_from((to - from).num_days()).unwrap_or(0)
}

/// Where a step of the timeline stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Status {
    /// Done in time.
    Met { on: NaiveDate },
    /// Done after the deadline.
    Late { on: NaiveDate, days_late: u32 },
    /// Done before its window opened (before election day).
    Early { on: NaiveDate },
    /// Not done, the deadline not passed.
    Pending { days_left: u32 },
    /// Not done, and the deadline has passed.
    Overdue { days_over: u32 },
}

/// A timeline line and where it stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ItemStatus {
    #[serde(flatten)]
    pub item: Item,
    pub status: Status,
}

/// Where each of `items` stands on `today`, given the dates things
/// happened. Items that do not apply (e.g. no further election) are for
/// the caller to leave out.
pub fn status(
    items: &[Item],
    happened: &BTreeMap<Milestone, NaiveDate>,
    today: NaiveDate,
) -> Vec<ItemStatus> {
    items
        .iter()
        .map(|item| {
            let status = match happened.get(&item.milestone) {
                Some(&on) if item.from.is_some_and(|from| on < from) => Status::Early { on },
                Some(&on) if on <= item.deadline => Status::Met { on },
                Some(&on) => Status::Late {
                    on,
                    days_late: days_between(item.deadline, on),
                },
                None if today <= item.deadline => Status::Pending {
                    days_left: days_between(today, item.deadline),
                },
                None => Status::Overdue {
                    days_over: days_between(item.deadline, today),
                },
            };
            ItemStatus {
                item: *item,
                status,
            }
        })
        .collect()
}

/// A step taken on time, or accepted late.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "timing", rename_all = "snake_case")]
pub enum Timing {
    InTime,
    /// A notice published late, accepted because the profile allows it;
    /// flagged with how late.
    LateAllowed {
        days_late: u32,
    },
    /// An obligation after election day fulfilled late (R-CERT-1/2): still
    /// owed, so accepted, flagged with how late.
    LateOwed {
        days_late: u32,
    },
}

/// A step refused for its date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Untimely {
    #[error("{rule}: {} is due by {deadline}, not {on}", milestone.en())]
    Late {
        rule: &'static str,
        milestone: Milestone,
        deadline: NaiveDate,
        on: NaiveDate,
    },
    #[error("{rule}: {} cannot come before election day ({from}), not {on}", milestone.en())]
    BeforeElectionDay {
        rule: &'static str,
        milestone: Milestone,
        from: NaiveDate,
        on: NaiveDate,
    },
}

impl Untimely {
    pub fn rule(&self) -> &'static str {
        match self {
            Untimely::Late { rule, .. } | Untimely::BeforeElectionDay { rule, .. } => rule,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Untimely::Late { .. } => "late",
            Untimely::BeforeElectionDay { .. } => "before_election_day",
        }
    }

    pub fn message_zh(&self) -> String {
        let zh = |d: &NaiveDate| d.format("%Y年%-m月%-d日").to_string();
        match self {
            Untimely::Late {
                rule,
                milestone,
                deadline,
                on,
            } => format!(
                "{}应不晚于{}（{rule}），现为{}",
                milestone.zh(),
                zh(deadline),
                zh(on)
            ),
            Untimely::BeforeElectionDay {
                rule,
                milestone,
                from,
                on,
            } => format!(
                "{}不得早于选举日{}（{rule}），现为{}",
                milestone.zh(),
                zh(from),
                zh(on)
            ),
        }
    }

    pub fn message_en(&self) -> String {
        let text = self.to_string();
        text.split_once(": ")
            .map_or(text.clone(), |(_, rest)| rest.to_owned())
    }
}

/// Is `milestone` done `on` this day in time, for an election on
/// `election_day`? Late notices are refused unless the profile allows them
/// (and never on or after election day); late R-CERT-1/2 steps are
/// accepted and flagged; every other late step is refused. Every refusal
/// carries the rule id.
pub fn check(
    milestone: Milestone,
    on: NaiveDate,
    election_day: NaiveDate,
    profile: &Profile,
) -> Result<Timing, Untimely> {
    let item = item(milestone, election_day, profile);
    if let Some(from) = item.from {
        if on < from {
            return Err(Untimely::BeforeElectionDay {
                rule: item.rule,
                milestone,
                from,
                on,
            });
        }
    }
    if on <= item.deadline {
        return Ok(Timing::InTime);
    }
    let days_late = days_between(item.deadline, on);
    if milestone.late_still_owed() {
        return Ok(Timing::LateOwed { days_late });
    }
    if milestone.late_notice_allowed(profile) && on < election_day {
        return Ok(Timing::LateAllowed { days_late });
    }
    Err(Untimely::Late {
        rule: item.rule,
        milestone,
        deadline: item.deadline,
        on,
    })
}

/// R-NOM-5: may the formal candidate list be published `on` this day?
pub fn check_formal_list_publication(
    on: NaiveDate,
    election_day: NaiveDate,
    profile: &Profile,
) -> Result<Timing, Untimely> {
    check(
        Milestone::FormalCandidatesPublished,
        on,
        election_day,
        profile,
    )
}

/// R-NOM-6: may a withdrawal be accepted `on` this day?
pub fn check_withdrawal(
    on: NaiveDate,
    election_day: NaiveDate,
    profile: &Profile,
) -> Result<(), Untimely> {
    check(Milestone::Withdrawals, on, election_day, profile).map(|_| ())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn profile(id: &str) -> Profile {
        Profile::by_id(id).unwrap()
    }

    fn deadline_of(items: &[Item], m: Milestone) -> NaiveDate {
        items.iter().find(|i| i.milestone == m).unwrap().deadline
    }

    /// Every deadline from election day (County-2006 and City-2009).
    #[test]
    fn county_timeline() {
        let e = day("2026-12-20");
        let items = timeline(e, &profile("county-2006"));
        assert_eq!(items.len(), Milestone::ALL.len());
        assert!(items.windows(2).all(|w| w[0].deadline <= w[1].deadline));
        let expect = [
            (Milestone::VoterListPublished, "2026-11-30", "R-REG-5"),
            (Milestone::ObjectionsLodged, "2026-12-15", "R-REG-5"),
            (Milestone::ObjectionsAnswered, "2026-12-17", "R-REG-5"),
            (
                Milestone::FormalCandidatesPublished,
                "2026-12-17",
                "R-NOM-5",
            ),
            (Milestone::Withdrawals, "2026-12-17", "R-NOM-6"),
            (Milestone::ProxiesLodged, "2026-12-19", "R-POLL-4"),
            (Milestone::ResultsReported, "2026-12-23", "R-CERT-1"),
            (Milestone::CertificatesIssued, "2027-01-04", "R-CERT-2"),
            (Milestone::FurtherElection, "2027-01-19", "R-CNT-7"),
        ];
        for (m, d, r) in expect {
            let i = items.iter().find(|i| i.milestone == m).unwrap();
            assert_eq!((i.deadline, i.rule), (day(d), r), "{m:?}");
            assert_eq!(i.code, m.code());
            assert_eq!(Milestone::parse(i.code), Some(m));
            assert!(!i.label_zh.is_empty() && !i.label_en.is_empty());
        }
        let report = items
            .iter()
            .find(|i| i.milestone == Milestone::ResultsReported)
            .unwrap();
        assert_eq!(report.kind, DeadlineKind::WithinDaysAfter);
        assert_eq!(report.from, Some(e));
        // The registration lines agree with registration::deadline.
        let reg = deadline::deadlines(e, &profile("county-2006").registration);
        assert_eq!(
            deadline_of(&items, Milestone::VoterListPublished),
            reg.publish_by
        );
        assert_eq!(
            deadline_of(&items, Milestone::ProxiesLodged),
            reg.proxies_lodged_by
        );
    }

    /// R-NOM-5: City-2009 ≥ 5 days before, County-2006 ≥ 3.
    #[test]
    fn formal_list_publication_by_profile() {
        let e = day("2026-12-20");
        let city = profile("city-2009");
        let county = profile("county-2006");
        assert_eq!(
            check_formal_list_publication(day("2026-12-15"), e, &city),
            Ok(Timing::InTime)
        );
        let late = check_formal_list_publication(day("2026-12-16"), e, &city).unwrap_err();
        assert_eq!(late.rule(), "R-NOM-5");
        assert_eq!(late.code(), "late");
        assert!(
            late.message_zh().contains("2026年12月15日"),
            "{}",
            late.message_zh()
        );
        assert!(late.to_string().starts_with("R-NOM-5: "));
        assert_eq!(
            check_formal_list_publication(day("2026-12-16"), e, &county),
            Ok(Timing::InTime)
        );
        assert!(check_formal_list_publication(day("2026-12-18"), e, &county).is_err());
        // A profile may accept a late notice, flagged, before election day.
        let mut lenient = county.clone();
        lenient.nomination.late_notice_allowed = true;
        assert_eq!(
            check_formal_list_publication(day("2026-12-19"), e, &lenient),
            Ok(Timing::LateAllowed { days_late: 2 })
        );
        assert!(check_formal_list_publication(e, e, &lenient).is_err());
        // The voter list keeps the registration flag.
        assert!(check(
            Milestone::VoterListPublished,
            day("2026-12-01"),
            e,
            &lenient
        )
        .is_err());
    }

    /// R-NOM-6: a withdrawal is accepted ≥ 3 days before election day.
    #[test]
    fn withdrawals_three_days_before() {
        let e = day("2026-12-20");
        let p = profile("zhejiang-2020");
        assert_eq!(check_withdrawal(day("2026-12-17"), e, &p), Ok(()));
        let late = check_withdrawal(day("2026-12-18"), e, &p).unwrap_err();
        assert_eq!(late.rule(), "R-NOM-6");
        // Not a notice: the lenient flag does not apply.
        let mut lenient = p.clone();
        lenient.nomination.late_notice_allowed = true;
        assert!(check_withdrawal(day("2026-12-18"), e, &lenient).is_err());
    }

    /// R-CERT-1/2: within 3 and 15 days after; late stays owed (flagged);
    /// R-CNT-7: a further election outside its window is refused.
    #[test]
    fn after_election_day() {
        let e = day("2026-12-20");
        let p = profile("county-2006");
        assert_eq!(
            check(Milestone::ResultsReported, e, e, &p),
            Ok(Timing::InTime)
        );
        assert_eq!(
            check(Milestone::ResultsReported, day("2026-12-23"), e, &p),
            Ok(Timing::InTime)
        );
        assert_eq!(
            check(Milestone::ResultsReported, day("2026-12-24"), e, &p),
            Ok(Timing::LateOwed { days_late: 1 })
        );
        assert_eq!(
            check(Milestone::CertificatesIssued, day("2027-01-04"), e, &p),
            Ok(Timing::InTime)
        );
        assert_eq!(
            check(Milestone::CertificatesIssued, day("2027-01-05"), e, &p),
            Ok(Timing::LateOwed { days_late: 1 })
        );
        let early = check(Milestone::CertificatesIssued, day("2026-12-19"), e, &p).unwrap_err();
        assert_eq!(
            (early.rule(), early.code()),
            ("R-CERT-2", "before_election_day")
        );
        assert_eq!(
            check(Milestone::FurtherElection, day("2027-01-19"), e, &p),
            Ok(Timing::InTime)
        );
        let late = check(Milestone::FurtherElection, day("2027-01-20"), e, &p).unwrap_err();
        assert_eq!(late.rule(), "R-CNT-7");
    }

    /// Met, late, early, pending and overdue against `today`.
    #[test]
    fn status_against_today() {
        let e = day("2026-12-20");
        let items = timeline(e, &profile("county-2006"));
        let happened = BTreeMap::from([
            (Milestone::VoterListPublished, day("2026-11-29")),
            (Milestone::FormalCandidatesPublished, day("2026-12-18")),
            (Milestone::CertificatesIssued, day("2026-12-01")),
        ]);
        let today = day("2026-12-16");
        let got: BTreeMap<Milestone, Status> = status(&items, &happened, today)
            .into_iter()
            .map(|s| (s.item.milestone, s.status))
            .collect();
        assert_eq!(
            got[&Milestone::VoterListPublished],
            Status::Met {
                on: day("2026-11-29")
            }
        );
        assert_eq!(
            got[&Milestone::FormalCandidatesPublished],
            Status::Late {
                on: day("2026-12-18"),
                days_late: 1
            }
        );
        assert_eq!(
            got[&Milestone::CertificatesIssued],
            Status::Early {
                on: day("2026-12-01")
            }
        );
        assert_eq!(
            got[&Milestone::ObjectionsLodged],
            Status::Overdue { days_over: 1 }
        );
        assert_eq!(
            got[&Milestone::ObjectionsAnswered],
            Status::Pending { days_left: 1 }
        );
        assert_eq!(
            got[&Milestone::ResultsReported],
            Status::Pending { days_left: 7 }
        );
    }
}
