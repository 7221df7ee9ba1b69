//! The statutory notices (公告) of nomination as PDFs ready to post,
//! generated from the election's own data: the election committee
//! (R-BODY-5), the nominations (R-NOM-1/2), the initial candidates
//! (R-NOM-3), the formal candidates in surname-stroke order (R-NOM-5), the
//! counting staff (R-POLL-2) and the invalid-ballot rules (R-CNT-4).
//!
//! Shared by `GET /elections/{id}/notices/{kind}` and `huanjie notice`.
//! Each notice is dated: the formal list's by its publication
//! (checked against R-NOM-5 when it was fixed), the others by today.
//! The election-day and polling-station notices need the polling
//! arrangements, which come with the stations (issue 6).

use chrono::{DateTime, Utc};
use huanjie_core::profile::{OvervoteScope, SamePersonRule};
use huanjie_core::resident_id::ResidentId;
use huanjie_core::rule;
use huanjie_print::{
    Announcement, Candidate, CandidatePosition, CommitteeMember, CountingStaff,
    CountingStaffNotice, ElectionCommitteeNotice, FormalCandidatesNotice, InitialCandidatesNotice,
    InvalidBallotRulesNotice, NominationNotice, NominationPosition, Nominee, NoticeInfo,
};
use huanjie_store::{CandidateStatus, Election, Store};

use crate::error::HttpError;
use crate::nomination::{self as nom, Status};
use crate::pdf::{committee_name, fonts, print_error};
use crate::registration::today;

/// The notices this module prints, by the name in the address.
pub const KINDS: [&str; 6] = [
    "election-committee",
    "nominations",
    "initial-candidates",
    "formal-candidates",
    "counting-staff",
    "invalid-ballot-rules",
];

fn info(election: &Election, issue_date: chrono::NaiveDate) -> NoticeInfo {
    NoticeInfo {
        election_title: election.title.clone(),
        committee_name: committee_name(election),
        issue_date,
        number: None,
    }
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
    let (announcement, serves): (Announcement, &'static str) = match kind {
        "election-committee" => (
            ElectionCommitteeNotice {
                info: info(&election, issued),
                formed_by: String::new(),
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
                approved_by: String::new(),
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
