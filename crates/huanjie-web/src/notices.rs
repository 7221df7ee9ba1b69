//! The statutory notices (公告) of nomination as PDFs ready to post,
//! generated from the election's own data: the election committee
//! (R-BODY-5), the nominations (R-NOM-1/2), the initial candidates
//! (R-NOM-3), the formal candidates in surname-stroke order (R-NOM-5), the
//! counting staff (R-POLL-2) and the invalid-ballot rules (R-CNT-4).
//!
//! Shared by `GET /elections/{id}/notices/{kind}` and `huanjie notice`.
//! Each notice is dated: the formal list's by its publication
//! (checked against R-NOM-5 when it was fixed), the others by today.
//! The election-day and voter-registration notices come from the
//! arrangements the committee records (`PUT …/arrangements`); the
//! polling-station notice waits for the stations (issue 6).

use chrono::{DateTime, Utc};
use huanjie_core::profile::{OvervoteScope, SamePersonRule};
use huanjie_core::resident_id::ResidentId;
use huanjie_core::rule;
use huanjie_print::{
    Announcement, Candidate, CandidatePosition, CommitteeMember, CountingStaff,
    CountingStaffNotice, ElectionCommitteeNotice, ElectionDayNotice, FormalCandidatesNotice,
    InitialCandidatesNotice, InvalidBallotRulesNotice, MobileBox, NominationNotice,
    NominationPosition, Nominee, NoticeInfo, PollingNotice, PollingStation,
    PositionSeats as PrintSeats, RegistrationPlace, VoterRegistrationNotice,
};
use huanjie_store::{CandidateStatus, Election, Store};

use crate::error::HttpError;
use crate::nomination::{self as nom, Status};
use crate::pdf::{committee_name, fonts, print_error};
use crate::registration::today;

/// The notices this module prints, by the name in the address.
pub const KINDS: [&str; 9] = [
    "election-day",
    "voter-registration",
    "election-committee",
    "nominations",
    "initial-candidates",
    "formal-candidates",
    "counting-staff",
    "polling-stations",
    "invalid-ballot-rules",
];

pub(crate) fn info(election: &Election, issue_date: chrono::NaiveDate) -> NoticeInfo {
    NoticeInfo {
        election_title: election.title.clone(),
        committee_name: committee_name(election),
        issue_date,
        number: None,
    }
}

/// 409 naming the arrangements a notice needs and does not have yet.
fn missing(fields: &[&str], what_zh: &str, serves: &'static str) -> HttpError {
    crate::error::RuleRefusal::new(
        "arrangements_missing",
        serves,
        format!(
            "还没有确定{what_zh}（{}）：请先在选举安排中填写",
            fields.join("、")
        ),
        format!(
            "the arrangements lack {}: record them first",
            fields.join(", ")
        ),
    )
    .conflict()
    .into()
}

/// R-REG-2's categories as the registration notice words them; the
/// residence period comes from the profile.
fn categories(months: u32) -> Vec<String> {
    let period = if months % 12 == 0 {
        format!("{}年", months / 12)
    } else {
        format!("{months}个月")
    };
    vec![
        "户籍在本社区并在本社区居住的居民".to_owned(),
        "户籍在本社区、不在本社区居住，本人表示参加选举的居民".to_owned(),
        format!(
            "户籍不在本社区、在本社区居住{period}以上，本人申请参加选举并经选举委员会同意的居民"
        ),
        "在本社区工作的驻社区单位人员，本人自愿参加选举的".to_owned(),
    ]
}

/// The body elected, as the notices name it.
fn body(election: &Election) -> String {
    match election.body_kind {
        huanjie_store::BodyKind::ResidentsCommittee => "居民委员会",
        huanjie_store::BodyKind::SupervisoryCommittee => "居务监督委员会",
        huanjie_store::BodyKind::HomeownersCommittee => "业主委员会",
        huanjie_store::BodyKind::SupervisoryBoard => "监事会",
    }
    .to_owned()
}

fn gender_zh(code: &str) -> String {
    if code == "F" { "女" } else { "男" }.to_owned()
}

/// The nominees per position, as the status lists them.
fn nominee_positions(
    status: &Status,
    birth: impl Fn(uuid::Uuid) -> Option<chrono::NaiveDate>,
) -> Vec<NominationPosition> {
    status
        .positions
        .iter()
        .map(|p| NominationPosition {
            position: p.label.to_owned(),
            seats: p.seats,
            nominees: p
                .nominees
                .iter()
                .map(|n| {
                    let mut kinds: Vec<&str> = status
                        .nominations
                        .iter()
                        .filter(|paper| paper.paper.void.is_none())
                        .filter(|paper| {
                            paper
                                .paper
                                .nominees
                                .iter()
                                .any(|x| x.resident == n.resident && x.position == p.position)
                        })
                        .map(|paper| paper.kind_label)
                        .collect();
                    kinds.dedup();
                    Nominee {
                        name: n.name.clone(),
                        gender: gender_zh(&n.gender),
                        birth: birth(n.resident),
                        kind: kinds.join("、"),
                        note: String::new(),
                    }
                })
                .collect(),
        })
        .collect()
}

/// The notice `kind` (one of [`KINDS`]) of `election` as it stands at
/// `now`, with the rule it serves (for errors); `NotFound` for another
/// kind, 409 for the formal candidates before the list is fixed.
pub async fn announcement(
    store: &dyn Store,
    election: &Election,
    kind: &str,
    now: DateTime<Utc>,
) -> Result<(Announcement, &'static str), HttpError> {
    if !KINDS.contains(&kind) {
        return Err(HttpError::NotFound);
    }
    let election = election.clone();
    let status = nom::status(store, &election, now).await?;
    let profile = nom::profile(&election)?;
    // Birth dates (出生年月) from the resident IDs, which are never printed.
    let mut births = std::collections::HashMap::new();
    for p in &status.positions {
        for n in &p.nominees {
            if let Some(r) = store.get_resident(election.id, n.resident).await? {
                if let Ok(id) = r.resident_id.parse::<ResidentId>() {
                    births.insert(n.resident, id.birth_date());
                }
            }
        }
    }
    if let Some(list) = &status.formal_list {
        for c in &list.candidates {
            if let Some(r) = store.get_resident(election.id, c.resident).await? {
                if let Ok(id) = r.resident_id.parse::<ResidentId>() {
                    births.insert(c.resident, id.birth_date());
                }
            }
        }
    }
    let birth = |id: uuid::Uuid| births.get(&id).copied();
    let issued = today(now);
    let arrangements = store.arrangements(election.id).await?;
    let (announcement, serves): (Announcement, &'static str) = match kind {
        "election-day" => {
            let (Some(open), Some(close)) = (arrangements.polls_open, arrangements.polls_close)
            else {
                return Err(missing(
                    &["polls_open", "polls_close"],
                    "投票时间",
                    rule::BODY_1,
                ));
            };
            let setup = store.registration_state(election.id).await?.setup;
            (
                ElectionDayNotice {
                    info: info(&election, issued),
                    body: body(&election),
                    election_day: election.election_day,
                    polls_open: open,
                    polls_close: close,
                    mode: setup.mode.zh().to_owned(),
                    seats: election
                        .seats
                        .iter()
                        .map(|s| PrintSeats {
                            position: huanjie_core::nomination::Position::parse(&s.position)
                                .map_or_else(|| s.position.clone(), |p| p.zh().to_owned()),
                            seats: s.seats,
                        })
                        .collect(),
                    closing: String::new(),
                }
                .announcement(),
                rule::BODY_1,
            )
        }
        "voter-registration" => {
            let (Some(from), Some(to)) =
                (arrangements.registration_from, arrangements.registration_to)
            else {
                return Err(missing(
                    &["registration_from", "registration_to"],
                    "选民登记日期",
                    rule::REG_2,
                ));
            };
            if arrangements.registration_places.is_empty() {
                return Err(missing(&["registration_places"], "登记地点", rule::REG_2));
            }
            let publication = store.registration_state(election.id).await?.publication;
            (
                VoterRegistrationNotice {
                    info: info(&election, issued),
                    election_day: election.election_day,
                    registration_from: from,
                    registration_to: to,
                    hours: arrangements.registration_hours.clone(),
                    places: arrangements
                        .registration_places
                        .iter()
                        .map(|p| RegistrationPlace {
                            place: p.place.clone(),
                            serves: p.serves.clone(),
                        })
                        .collect(),
                    categories: categories(profile.registration.non_registered_residence_months),
                    list_publication: publication.map(|p| p.published_on),
                    closing: String::new(),
                }
                .announcement(),
                rule::REG_2,
            )
        }
        "election-committee" => (
            ElectionCommitteeNotice {
                info: info(&election, issued),
                formed_by: arrangements.committee_formed_by.clone(),
                members: status
                    .committee
                    .iter()
                    .filter(|m| m.left_at.is_none())
                    .map(|m| CommitteeMember {
                        name: m.name.clone(),
                        role: m.role,
                        note: String::new(),
                    })
                    .collect(),
            }
            .announcement(),
            rule::BODY_5,
        ),
        "nominations" => (
            NominationNotice {
                info: info(&election, issued),
                body: body(&election),
                positions: nominee_positions(&status, birth),
                closing: String::new(),
            }
            .announcement(),
            rule::NOM_1,
        ),
        "initial-candidates" => (
            InitialCandidatesNotice {
                info: info(&election, issued),
                body: body(&election),
                positions: nominee_positions(&status, birth)
                    .into_iter()
                    .map(|p| CandidatePosition {
                        position: p.position,
                        seats: p.seats,
                        candidates: p
                            .nominees
                            .into_iter()
                            .map(|n| Candidate {
                                name: n.name,
                                gender: n.gender,
                                birth: n.birth,
                                note: String::new(),
                            })
                            .collect(),
                    })
                    .collect(),
                preliminary_vote: None,
                closing: String::new(),
            }
            .announcement(),
            rule::NOM_3,
        ),
        "formal-candidates" => {
            let Some(list) = &status.formal_list else {
                return Err(huanjie_store::StoreError::from(
                    huanjie_store::NominationStateError::FormalListNotPublished,
                )
                .into());
            };
            let mut positions = Vec::new();
            for s in &election.seats {
                let mut candidates: Vec<Candidate> = list
                    .candidates
                    .iter()
                    .filter(|c| c.position == s.position && c.status == CandidateStatus::Formal)
                    .map(|c| Candidate {
                        name: c.name.clone(),
                        gender: gender_zh(&c.gender),
                        birth: birth(c.resident),
                        note: String::new(),
                    })
                    .collect();
                huanjie_print::sort_by_strokes(&mut candidates, |c| c.name.as_str())
                    .map_err(|e| print_error(e, rule::NOM_5))?;
                let label = huanjie_core::nomination::Position::parse(&s.position)
                    .map_or(s.position.as_str(), |p| p.zh());
                positions.push(CandidatePosition {
                    position: label.to_owned(),
                    seats: s.seats,
                    candidates,
                });
            }
            (
                FormalCandidatesNotice {
                    info: info(&election, list.published_on),
                    body: body(&election),
                    election_day: election.election_day,
                    last_withdrawal_day: huanjie_core::nomination::timeline::item(
                        huanjie_core::nomination::timeline::Milestone::Withdrawals,
                        election.election_day,
                        &profile,
                    )
                    .deadline,
                    positions,
                    closing: String::new(),
                }
                .announcement(),
                rule::NOM_5,
            )
        }
        "counting-staff" => (
            CountingStaffNotice {
                info: info(&election, issued),
                approved_by: arrangements.staff_approved_by.clone(),
                staff: status
                    .staff
                    .iter()
                    .map(|s| CountingStaff {
                        name: s.name.clone(),
                        role: s.role,
                        post: s.station.clone(),
                    })
                    .collect(),
                relatives_barred: profile.nomination.counting_staff_relatives_barred,
                closing: String::new(),
            }
            .announcement(),
            rule::POLL_2,
        ),
        "polling-stations" => {
            let (Some(open), Some(close)) = (arrangements.polls_open, arrangements.polls_close)
            else {
                return Err(missing(
                    &["polls_open", "polls_close"],
                    "投票时间",
                    rule::POLL_1,
                ));
            };
            if arrangements.count_venue.trim().is_empty() {
                return Err(missing(&["count_venue"], "计票地点", rule::CNT_1));
            }
            let stations = store.list_stations(election.id).await?;
            if !stations
                .iter()
                .any(|s| s.kind != huanjie_core::polling::StationKind::Mobile)
            {
                return Err(missing(&["stations"], "投票站", rule::POLL_1));
            }
            let (mobile, fixed): (Vec<_>, Vec<_>) = stations
                .into_iter()
                .partition(|s| s.kind == huanjie_core::polling::StationKind::Mobile);
            (
                PollingNotice {
                    info: info(&election, issued),
                    election_day: election.election_day,
                    polls_open: open,
                    polls_close: close,
                    stations: fixed
                        .into_iter()
                        .map(|s| PollingStation {
                            name: s.name,
                            place: s.place,
                            serves: s.serves,
                        })
                        .collect(),
                    mobile_boxes: mobile
                        .into_iter()
                        .map(|s| MobileBox {
                            name: s.name,
                            serves: s.serves,
                            hours: s.place,
                        })
                        .collect(),
                    count_venue: arrangements.count_venue.clone(),
                    closing: String::new(),
                }
                .announcement(),
                rule::POLL_1,
            )
        }
        _ => (
            InvalidBallotRulesNotice {
                info: info(&election, issued),
                rules: huanjie_print::standard_invalid_ballot_rules(
                    profile.counting.overvote_scope == OvervoteScope::Ballot,
                    profile.counting.same_person_two_positions == SamePersonRule::VoidBallot,
                ),
                closing: String::new(),
            }
            .announcement(),
            rule::CNT_4,
        ),
    };
    Ok((announcement, serves))
}

/// The notice as PDF bytes (blocking: run it off the async threads).
pub fn render(announcement: &Announcement, serves: &'static str) -> Result<Vec<u8>, HttpError> {
    announcement
        .to_pdf(fonts()?)
        .map_err(|e| print_error(e, serves))
}
