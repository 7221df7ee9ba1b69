//! The nomination page of an election: seats (R-BODY-1/2), the election
//! committee (R-BODY-5), nomination papers (R-NOM-1/2), nominees and the
//! preliminary vote (R-NOM-3/4), the formal list in surname-stroke order
//! with withdrawals (R-NOM-5/6), the counting staff (R-POLL-2) and the
//! timeline of every deadline.
//!
//! Built as the registration page is: one page, one small form per step,
//! each posting to its own address, doing its step through the same use
//! cases as the API ([`crate::nomination`]) and coming back here
//! (Post/Redirect/Get). A refusal is shown on the page in plain words with
//! its rule id, and nothing is written. Observers read; clerks get 403.

use std::collections::{BTreeSet, HashMap};

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use huanjie_collation::StrokeCollator;
use huanjie_core::nomination::formal::{Formal, Replacement};
use huanjie_core::nomination::supervisory::BarringOffice;
use huanjie_core::nomination::supervisory_board::{self, BoardOffice};
use huanjie_core::nomination::timeline::{DeadlineKind, Status as Due};
use huanjie_store::{
    CandidateStatus, CommitteeRole, Election, NominationKind, PositionSeats, StaffRole,
};
use serde::Deserialize;
use uuid::Uuid;

use super::election_of as election;
use super::{render, require_user, Chrome, PageError};
use crate::auth::{MaybePrincipal, Principal};
use crate::elections::position_label;
use crate::error::{HttpError, Message};
use crate::i18n::{fill, Lang, Texts};
use crate::nomination::{self as nom, RefusalView};
use crate::state::AppState;

/// The positions a committee can have, in ballot order.
const POSITIONS: [&str; 4] = ["director", "deputy", "member", "women_member"];

struct ProblemRow {
    rule: &'static str,
    message: String,
}

struct SeatRow {
    label: String,
    seats: u32,
}

struct SeatInput {
    code: &'static str,
    label: String,
    value: String,
}

struct MemberRow {
    number: usize,
    name: String,
    gender: &'static str,
    role: &'static str,
    on_roll: bool,
    left: bool,
    left_reason: String,
}

struct PaperRow {
    number: u32,
    kind: &'static str,
    nominators: String,
    nominees: String,
    nominated_by: String,
    lodged_on: String,
    void: Option<String>,
}

struct NomineeRow {
    input: String,
    name: String,
    gender: &'static str,
    group: String,
    papers: u32,
    votes: String,
    selected: bool,
}

struct PositionBlock {
    code: String,
    label: String,
    seats: u32,
    nominees: Vec<NomineeRow>,
    outcome: String,
    outcome_rule: &'static str,
    settled: bool,
}

struct CandidateRow {
    name: String,
    gender: &'static str,
    group: String,
    withdrawn: bool,
    note: String,
}

struct FormalBlock {
    code: String,
    label: String,
    candidates: Vec<CandidateRow>,
}

struct StaffRow {
    name: String,
    group: String,
    role: &'static str,
    station: String,
}

/// A recorded recusal (R-BODY-4): who, their ID (masked for observers),
/// the office and who recorded it when.
struct RecusalRow {
    name: String,
    resident_id: String,
    office: &'static str,
    recorded: String,
}

struct TimelineRow {
    code: &'static str,
    label: &'static str,
    rule: &'static str,
    window: String,
    state: &'static str,
    status: String,
}

#[derive(Template)]
#[template(path = "nomination.html")]
struct NominationPage {
    chrome: Chrome,
    election_id: String,
    election_title: String,
    election_day: String,
    alert: Option<String>,
    saved: bool,
    flash: Option<String>,
    households: u64,
    formula_members: u32,
    /// The households formula (R-BODY-2) is the residents' committee's.
    formula_applies: bool,
    seats: Vec<SeatRow>,
    seats_total: u32,
    seat_reason: String,
    seat_inputs: Vec<SeatInput>,
    seat_problems: Vec<ProblemRow>,
    members: Vec<MemberRow>,
    committee_problems: Vec<ProblemRow>,
    roles: Vec<(&'static str, &'static str)>,
    papers: Vec<PaperRow>,
    kinds: Vec<(&'static str, &'static str)>,
    positions: Vec<(String, String)>,
    nominee_rows: Vec<usize>,
    blocks: Vec<PositionBlock>,
    any_nominees: bool,
    fixed: bool,
    published_on: String,
    published_by: String,
    late_days: Option<u32>,
    formal: Vec<FormalBlock>,
    women: Option<(bool, String)>,
    standing: Vec<(String, String)>,
    staff: Vec<StaffRow>,
    staff_roles: Vec<(&'static str, &'static str)>,
    timeline: Vec<TimelineRow>,
    /// A supervisory committee (R-BODY-4) or board of supervisors
    /// (R-BODY-6) election: the recusals section, with its rule, its
    /// words and the offices that bar that body.
    supervisory: bool,
    recusal_rule: &'static str,
    recusal_intro: &'static str,
    recusals: Vec<RecusalRow>,
    offices: Vec<(&'static str, &'static str)>,
    /// A board of supervisors' election: its whole size (R-BODY-6).
    board: Option<BoardBlock>,
}

/// The board of supervisors' whole size (R-BODY-6): the profile's rule in
/// words, the size as recorded (by whom, when), and what is wrong with the
/// employee seats against it, shown together because each problem is
/// about the size (the seats' own problems stay with the seats).
struct BoardBlock {
    intro: String,
    size: Option<u32>,
    recorded: String,
    problems: Vec<ProblemRow>,
}

fn pick(lang: Lang, zh: &str, en: &str) -> String {
    match lang {
        Lang::Zh => zh.to_owned(),
        Lang::En => en.to_owned(),
    }
}

fn problem(r: &RefusalView, lang: Lang) -> ProblemRow {
    ProblemRow {
        rule: r.rule,
        message: pick(lang, &r.message, &r.message_en),
    }
}

fn kind_label(kind: NominationKind, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => kind.zh(),
        Lang::En => kind.en(),
    }
}

fn role_label(role: CommitteeRole, t: &Texts) -> &'static str {
    match role {
        CommitteeRole::Chair => t.nom_role_chair,
        CommitteeRole::ViceChair => t.nom_role_vice_chair,
        CommitteeRole::Member => t.nom_role_member,
    }
}

fn staff_label(role: StaffRole, t: &Texts) -> &'static str {
    match role {
        StaffRole::Scrutineer => t.nom_staff_scrutineer,
        StaffRole::Caller => t.nom_staff_caller,
        StaffRole::Counter => t.nom_staff_counter,
    }
}

fn gender_label(code: &str, t: &Texts) -> &'static str {
    match code {
        "F" => t.gender_female,
        "M" => t.gender_male,
        _ => "",
    }
}

/// What the page says about how a position's formal candidates are chosen:
/// the text, its rule, whether the list could be fixed as it stands, and
/// who is in.
fn outcome(
    selection: &Result<Formal<Uuid>, RefusalView>,
    names: &HashMap<Uuid, String>,
    lang: Lang,
) -> (String, &'static str, bool, BTreeSet<Uuid>) {
    let t = lang.texts();
    let name = |id: &Uuid| names.get(id).cloned().unwrap_or_else(|| "?".to_owned());
    let sep = if lang == Lang::Zh { "、" } else { ", " };
    match selection {
        Err(r) => (
            pick(lang, &r.message, &r.message_en),
            r.rule,
            false,
            BTreeSet::new(),
        ),
        Ok(Formal::AllNominees { formal }) => (
            t.nom_outcome_all.to_owned(),
            huanjie_core::rule::NOM_4,
            true,
            formal.iter().copied().collect(),
        ),
        Ok(Formal::PreliminaryNeeded {
            nominees,
            places,
            missing_votes,
        }) => (
            fill(
                t.nom_outcome_preliminary,
                &[
                    &nominees.to_string(),
                    &places.to_string(),
                    &missing_votes.len().to_string(),
                ],
            ),
            huanjie_core::rule::NOM_3,
            false,
            BTreeSet::new(),
        ),
        Ok(Formal::ByVotes { formal, .. }) => (
            fill(
                t.nom_outcome_by_votes,
                &[&formal
                    .iter()
                    .map(|r| format!("{}（{}）", name(&r.person), r.votes))
                    .collect::<Vec<_>>()
                    .join(sep)],
            ),
            huanjie_core::rule::NOM_3,
            true,
            formal.iter().map(|r| r.person).collect(),
        ),
        Ok(Formal::TieAtCut {
            formal,
            tied,
            votes,
            places,
            ..
        }) => (
            fill(
                t.nom_outcome_tie,
                &[
                    &tied.iter().map(name).collect::<Vec<_>>().join(sep),
                    &votes.to_string(),
                    &places.to_string(),
                ],
            ),
            huanjie_core::rule::NOM_3,
            false,
            formal.iter().map(|r| r.person).collect(),
        ),
    }
}

/// The flash after a withdrawal, from the redirect's query.
fn replacement_flash(raw: &str, names: &HashMap<Uuid, String>, lang: Lang) -> Option<String> {
    let t = lang.texts();
    let name = |s: &str| {
        Uuid::parse_str(s)
            .ok()
            .and_then(|id| names.get(&id).cloned())
            .unwrap_or_else(|| "?".to_owned())
    };
    let mut parts = raw.splitn(3, ':');
    let (kind, a, b) = (parts.next()?, parts.next()?, parts.next()?);
    Some(match kind {
        "next" => fill(t.nom_replacement_next, &[&name(b), a]),
        "tie" => {
            let sep = if lang == Lang::Zh { "、" } else { ", " };
            let who: Vec<String> = b.split(',').map(name).collect();
            fill(t.nom_replacement_tie, &[&who.join(sep), a])
        }
        "none" => {
            let mut s = fill(t.nom_replacement_none, &[a]);
            if b == "1" {
                s.push_str(t.nom_replacement_below);
            }
            s
        }
        _ => return None,
    })
}

fn replacement_query(r: &Replacement<Uuid>) -> String {
    match r {
        Replacement::Next { person, votes } => format!("next:{votes}:{person}"),
        Replacement::Tie { tied, votes } => format!(
            "tie:{votes}:{}",
            tied.iter()
                .map(Uuid::to_string)
                .collect::<Vec<_>>()
                .join(",")
        ),
        Replacement::NoneLeft {
            formal_left,
            below_minimum,
        } => format!("none:{formal_left}:{}", u8::from(*below_minimum)),
    }
}

fn timeline_row(item: &huanjie_core::nomination::timeline::ItemStatus, lang: Lang) -> TimelineRow {
    let t = lang.texts();
    let i = &item.item;
    let window = match (i.kind, i.from) {
        (DeadlineKind::WithinDaysAfter, Some(from)) => format!("{from} – {}", i.deadline),
        _ => i.deadline.to_string(),
    };
    let (state, status) = match item.status {
        Due::Met { on } => ("met", fill(t.nom_due_met, &[&on.to_string()])),
        Due::Late { on, days_late } => (
            "late",
            fill(t.nom_due_late, &[&days_late.to_string(), &on.to_string()]),
        ),
        Due::Early { on } => ("early", fill(t.nom_due_early, &[&on.to_string()])),
        Due::Pending { days_left } => (
            "pending",
            fill(t.nom_due_pending, &[&days_left.to_string()]),
        ),
        Due::Overdue { days_over } => (
            "overdue",
            fill(t.nom_due_overdue, &[&days_over.to_string()]),
        ),
    };
    TimelineRow {
        code: i.code,
        label: if lang == Lang::Zh {
            i.label_zh
        } else {
            i.label_en
        },
        rule: i.rule,
        window,
        state,
        status,
    }
}

fn office_label(office: BarringOffice, t: &Texts) -> &'static str {
    match office {
        BarringOffice::ResidentsCommittee => t.rcs_office_residents_committee,
        BarringOffice::PartyOrganisation => t.rcs_office_party_organisation,
        BarringOffice::FinanceStaff => t.rcs_office_finance_staff,
    }
}

fn board_office_label(office: BoardOffice, t: &Texts) -> &'static str {
    match office {
        BoardOffice::CompanyDirector => t.rcs_office_company_director,
        BoardOffice::SeniorManager => t.rcs_office_senior_manager,
    }
}

/// A recorded office in words, whichever body's it is.
fn any_office_label(code: &str, t: &Texts) -> &'static str {
    BarringOffice::parse(code)
        .map(|o| office_label(o, t))
        .or_else(|| BoardOffice::parse(code).map(|o| board_office_label(o, t)))
        .unwrap_or("")
}

/// The board block of a board of supervisors' election: the profile's
/// minimum and share, the recorded size and the board's problems.
async fn board_block(
    state: &AppState,
    election: &Election,
    profile: &huanjie_core::Profile,
    problems: &[RefusalView],
    lang: Lang,
) -> Result<BoardBlock, HttpError> {
    let t = lang.texts();
    let rules = &profile.workers_congress;
    let share = match lang {
        Lang::Zh => huanjie_core::threshold::zh(rules.employee_share),
        Lang::En => rules.employee_share.to_string(),
    };
    let recorded = state.store.board_size(election.id).await?;
    Ok(BoardBlock {
        intro: fill(t.brd_intro, &[&rules.board_min.to_string(), &share]),
        size: recorded.as_ref().map(|b| b.board_size),
        recorded: recorded.as_ref().map_or_else(String::new, |b| {
            format!(
                "{} · {}",
                b.set_by,
                super::count::china_time(b.set_at, "%Y-%m-%d %H:%M")
            )
        }),
        problems: problems
            .iter()
            .filter(|r| supervisory_board::SIZE_CODES.contains(&r.code))
            .map(|r| problem(r, lang))
            .collect(),
    })
}

/// The recorded recusals with the residents' names; whole resident IDs
/// for the committee only, masked for observers (as on the registration
/// page).
async fn recusal_rows(
    state: &AppState,
    principal: &Principal,
    election: &Election,
    t: &Texts,
) -> Result<Vec<RecusalRow>, HttpError> {
    let committee = principal.role() == huanjie_store::Role::Committee;
    let mut rows = Vec::new();
    for r in state.store.list_recusals(election.id).await? {
        let resident = state.store.get_resident(election.id, r.resident).await?;
        let (name, id) = resident.map_or_else(
            || (r.resident.to_string(), String::new()),
            |p| (p.name, p.resident_id),
        );
        rows.push(RecusalRow {
            name,
            resident_id: if committee {
                id
            } else {
                huanjie_core::resident_id::mask(&id)
            },
            office: any_office_label(&r.office, t),
            recorded: format!(
                "{} · {}",
                r.recorded_by,
                super::count::china_time(r.recorded_at, "%Y-%m-%d %H:%M")
            ),
        });
    }
    Ok(rows)
}

fn collator() -> Result<StrokeCollator, HttpError> {
    StrokeCollator::new().map_err(|e| HttpError::Internal(e.into()))
}

async fn view(
    state: &AppState,
    principal: &Principal,
    lang: Lang,
    election: &Election,
    alert: Option<String>,
    params: &ShowParams,
) -> Result<NominationPage, HttpError> {
    let t = lang.texts();
    let profile = nom::profile(election)?;
    let status = nom::status(&*state.store, election, state.clock.now()).await?;

    // Everyone the page names, by record id.
    let mut names: HashMap<Uuid, String> = HashMap::new();
    for p in &status.positions {
        for n in &p.nominees {
            names.insert(n.resident, n.name.clone());
        }
    }
    if let Some(list) = &status.formal_list {
        for c in &list.candidates {
            names.insert(c.resident, c.name.clone());
        }
    }

    let women_line = profile.nomination.committee.women_member_line;
    // The positions each body elects: the workers' congress elects
    // employee supervisors only (R-BODY-6), the supervisory committee a
    // chair and members (R-BODY-4).
    let offered = |code: &str| match election.body_kind {
        huanjie_store::BodyKind::SupervisoryBoard => code == "member",
        huanjie_store::BodyKind::SupervisoryCommittee => matches!(code, "director" | "member"),
        _ => code != "women_member" || women_line,
    };
    let seat_inputs = POSITIONS
        .into_iter()
        .filter(|code| offered(code))
        .map(|code| SeatInput {
            code,
            label: position_label(code, lang),
            value: status
                .seats
                .iter()
                .find(|s| s.position == code)
                .map(|s| s.seats.to_string())
                .unwrap_or_default(),
        })
        .collect();

    let members = status
        .committee
        .iter()
        .enumerate()
        .map(|(i, m)| MemberRow {
            number: i + 1,
            name: m.name.clone(),
            gender: gender_label(&m.gender, t),
            role: role_label(m.role, t),
            on_roll: m.resident.is_some(),
            left: m.left_at.is_some(),
            left_reason: match m.left_reason.as_deref() {
                Some("formal_candidate") => t.nom_left_formal_candidate.to_owned(),
                Some(other) => other.to_owned(),
                None => String::new(),
            },
        })
        .collect();

    let sep = if lang == Lang::Zh { "、" } else { ", " };
    let papers = status
        .nominations
        .iter()
        .map(|p| PaperRow {
            number: p.paper.number,
            kind: kind_label(p.paper.kind, lang),
            nominators: p.nominator_names.join(sep),
            nominees: p
                .paper
                .nominees
                .iter()
                .zip(&p.nominee_names)
                .map(|(n, name)| format!("{name}（{}）", position_label(&n.position, lang)))
                .collect::<Vec<_>>()
                .join(sep),
            nominated_by: p.paper.nominated_by.clone(),
            lodged_on: p.paper.lodged_on.to_string(),
            void: p
                .paper
                .void
                .as_ref()
                .map(|v| format!("{}（{}，{}）", t.nom_paper_void, v.rule, v.code)),
        })
        .collect();

    let blocks: Vec<PositionBlock> = status
        .positions
        .iter()
        .map(|p| {
            let (outcome, outcome_rule, settled, selected) = outcome(&p.selection, &names, lang);
            PositionBlock {
                code: p.position.clone(),
                label: position_label(&p.position, lang),
                seats: p.seats,
                nominees: p
                    .nominees
                    .iter()
                    .map(|n| NomineeRow {
                        input: format!("v:{}:{}", p.position, n.resident),
                        name: n.name.clone(),
                        gender: gender_label(&n.gender, t),
                        group: n.group.clone(),
                        papers: n.papers,
                        votes: n.votes.map(|v| v.to_string()).unwrap_or_default(),
                        selected: selected.contains(&n.resident),
                    })
                    .collect(),
                outcome,
                outcome_rule,
                settled,
            }
        })
        .collect();

    let collator = collator()?;
    let mut formal = Vec::new();
    let mut standing = Vec::new();
    if let Some(list) = &status.formal_list {
        for s in &status.seats {
            let mut candidates: Vec<_> = list
                .candidates
                .iter()
                .filter(|c| c.position == s.position)
                .collect();
            collator.sort_by_keys(&mut candidates, |c| (c.name.as_str(), c.resident));
            let label = position_label(&s.position, lang);
            for c in candidates
                .iter()
                .filter(|c| c.status == CandidateStatus::Formal)
            {
                standing.push((
                    format!("{}:{}", s.position, c.resident),
                    format!("{}（{label}）", c.name),
                ));
            }
            formal.push(FormalBlock {
                code: s.position.clone(),
                label,
                candidates: candidates
                    .iter()
                    .map(|c| {
                        let withdrawn = c.status == CandidateStatus::Withdrawn;
                        let note = if withdrawn {
                            fill(
                                t.nom_withdrawn_note,
                                &[
                                    &c.withdrawn_on.map(|d| d.to_string()).unwrap_or_default(),
                                    c.withdrawal_reason.as_deref().unwrap_or(""),
                                ],
                            )
                        } else if let Some(r) = c.replaces {
                            fill(
                                t.nom_replaces_note,
                                &[&names.get(&r).cloned().unwrap_or_default()],
                            )
                        } else {
                            String::new()
                        };
                        CandidateRow {
                            name: c.name.clone(),
                            gender: gender_label(&c.gender, t),
                            group: c.group.clone(),
                            withdrawn,
                            note,
                        }
                    })
                    .collect(),
            });
        }
    }

    let staff = status
        .staff
        .iter()
        .map(|s| StaffRow {
            name: s.name.clone(),
            group: s.group.clone(),
            role: staff_label(s.role, t),
            station: s.station.clone(),
        })
        .collect();

    let is_board = election.body_kind == huanjie_store::BodyKind::SupervisoryBoard;
    let supervisory =
        is_board || election.body_kind == huanjie_store::BodyKind::SupervisoryCommittee;
    let board = if is_board {
        Some(board_block(state, election, &profile, &status.seat_problems, lang).await?)
    } else {
        None
    };
    let recusals = if supervisory {
        recusal_rows(state, principal, election, t).await?
    } else {
        Vec::new()
    };

    let flash = params
        .replacement
        .as_deref()
        .and_then(|r| replacement_flash(r, &names, lang));

    Ok(NominationPage {
        chrome: Chrome::new(
            lang,
            &format!("/elections/{}/nomination", election.id),
            Some(principal),
        ),
        election_id: election.id.to_string(),
        election_title: election.title.clone(),
        election_day: election.election_day.to_string(),
        alert,
        saved: params.saved.is_some(),
        flash,
        households: status.households,
        formula_members: status.formula_members,
        formula_applies: election.body_kind == huanjie_store::BodyKind::ResidentsCommittee,
        seats: status
            .seats
            .iter()
            .map(|s| SeatRow {
                label: position_label(&s.position, lang),
                seats: s.seats,
            })
            .collect(),
        seats_total: status.seats.iter().map(|s| s.seats).sum(),
        seat_reason: status
            .seat_plan
            .as_ref()
            .map(|p| p.reason.clone())
            .unwrap_or_default(),
        seat_inputs,
        seat_problems: status
            .seat_problems
            .iter()
            .filter(|r| !is_board || !supervisory_board::SIZE_CODES.contains(&r.code))
            .map(|r| problem(r, lang))
            .collect(),
        members,
        committee_problems: status
            .committee_problems
            .iter()
            .map(|r| problem(r, lang))
            .collect(),
        roles: [
            CommitteeRole::Chair,
            CommitteeRole::ViceChair,
            CommitteeRole::Member,
        ]
        .into_iter()
        .map(|r| (r.code(), role_label(r, t)))
        .collect(),
        papers,
        kinds: NominationKind::ALL
            .into_iter()
            .filter(|k| profile.nomination.kinds.contains(k))
            .map(|k| (k.code(), kind_label(k, lang)))
            .collect(),
        positions: status
            .seats
            .iter()
            .map(|s| (s.position.clone(), position_label(&s.position, lang)))
            .collect(),
        nominee_rows: vec![1, 2, 3],
        any_nominees: blocks.iter().any(|b| !b.nominees.is_empty()),
        blocks,
        fixed: status.formal_list.is_some(),
        published_on: status
            .formal_list
            .as_ref()
            .map(|l| l.published_on.to_string())
            .unwrap_or_default(),
        published_by: status
            .formal_list
            .as_ref()
            .map(|l| l.published_by.clone())
            .unwrap_or_default(),
        late_days: status.formal_list.as_ref().and_then(|l| l.late_days),
        formal,
        women: status.women.as_ref().map(|w| {
            let text = match lang {
                Lang::Zh => w.message_zh(),
                Lang::En => w.message_en(),
            };
            (w.met, text)
        }),
        standing,
        staff,
        staff_roles: [StaffRole::Scrutineer, StaffRole::Caller, StaffRole::Counter]
            .into_iter()
            .map(|r| (r.code(), staff_label(r, t)))
            .collect(),
        timeline: status
            .timeline
            .iter()
            .map(|i| timeline_row(i, lang))
            .collect(),
        supervisory,
        recusal_rule: if is_board {
            huanjie_core::rule::BODY_6
        } else {
            huanjie_core::rule::BODY_4
        },
        recusal_intro: if is_board {
            t.rcs_intro_board
        } else {
            t.rcs_intro
        },
        recusals,
        offices: if is_board {
            BoardOffice::ALL
                .into_iter()
                .map(|o| (o.code(), board_office_label(o, t)))
                .collect()
        } else {
            BarringOffice::ALL
                .into_iter()
                .map(|o| (o.code(), office_label(o, t)))
                .collect()
        },
        board,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct ShowParams {
    saved: Option<String>,
    /// After a withdrawal: who took the place (`next:votes:id`,
    /// `tie:votes:id,id`, `none:left:0|1`).
    replacement: Option<String>,
}

/// `GET /elections/{id}/nomination`.
pub async fn show(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path(election_id): Path<String>,
    Query(params): Query<ShowParams>,
) -> Result<Response, PageError> {
    let principal = require_user(principal, lang)?;
    let election = election(&state, &election_id, lang).await?;
    let page = view(&state, &principal, lang, &election, None, &params)
        .await
        .map_err(|e| PageError::new(e, lang))?;
    Ok(render(StatusCode::OK, &page))
}

/// Runs one committee step; on success back to the page (with `extra`
/// query parameters the step returns), on a refusal the page again with
/// the refusal in words and its rule id.
async fn step<F, Fut>(
    state: AppState,
    principal: MaybePrincipal,
    lang: Lang,
    election_id: String,
    anchor: &str,
    run: F,
) -> Result<Response, PageError>
where
    F: FnOnce(AppState, Election, String) -> Fut,
    Fut: std::future::Future<Output = Result<String, HttpError>>,
{
    let principal = require_user(principal, lang)?;
    principal
        .require_committee()
        .map_err(|e| PageError::new(e, lang))?;
    let election = election(&state, &election_id, lang).await?;
    let by = principal
        .user()
        .map_or_else(String::new, |u| u.username.clone());
    match run(state.clone(), election.clone(), by).await {
        Ok(extra) => Ok(Redirect::to(&format!(
            "/elections/{}/nomination?saved=1{extra}#{anchor}",
            election.id
        ))
        .into_response()),
        Err(HttpError::Internal(e)) => Err(PageError::new(HttpError::Internal(e), lang)),
        Err(err) => {
            err.log();
            let status = err.status();
            let alert = super::refusal_alert(&err, lang);
            let page = view(
                &state,
                &principal,
                lang,
                &election,
                Some(alert),
                &ShowParams::default(),
            )
            .await
            .map_err(|e| PageError::new(e, lang))?;
            Ok(render(status, &page))
        }
    }
}

fn bad_request(code: &'static str, zh: String, en: String) -> HttpError {
    HttpError::BadRequest(Message { code, zh, en })
}

/// A whole number typed into a form; empty is `None`.
fn whole_number(field: &str, label: &str, raw: &str) -> Result<Option<u64>, HttpError> {
    let v = raw.trim();
    if v.is_empty() {
        return Ok(None);
    }
    v.parse::<u64>().map(Some).map_err(|_| {
        bad_request(
            "not_a_number",
            format!("{label}：“{v}”不是整数"),
            format!("{field}: {v:?} is not a whole number"),
        )
    })
}

#[derive(Debug, Deserialize)]
pub struct SeatsForm {
    #[serde(default)]
    seats_director: String,
    #[serde(default)]
    seats_deputy: String,
    #[serde(default)]
    seats_member: String,
    #[serde(default)]
    seats_women_member: String,
    #[serde(default)]
    reason: String,
}

impl SeatsForm {
    fn request(&self, lang: Lang) -> Result<nom::SeatsRequest, HttpError> {
        let mut seats = Vec::new();
        for (code, raw) in [
            ("director", &self.seats_director),
            ("deputy", &self.seats_deputy),
            ("member", &self.seats_member),
            ("women_member", &self.seats_women_member),
        ] {
            let label = position_label(code, lang);
            if let Some(n) = whole_number(code, &label, raw)? {
                let n = u32::try_from(n).map_err(|_| {
                    bad_request(
                        "too_many",
                        format!("{label}：席位数过大"),
                        format!("{code}: too many seats"),
                    )
                })?;
                if n > 0 {
                    seats.push(PositionSeats {
                        position: code.to_owned(),
                        seats: n,
                    });
                }
            }
        }
        Ok(nom::SeatsRequest {
            seats,
            reason: self.reason.clone(),
        })
    }
}

/// `POST /elections/{id}/nomination/seats`.
pub async fn set_seats(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path(election_id): Path<String>,
    Form(form): Form<SeatsForm>,
) -> Result<Response, PageError> {
    step(
        state,
        principal,
        lang,
        election_id,
        "seats",
        |state, election, by| async move {
            let request = form.request(lang)?;
            nom::set_seats(&*state.store, &election, &request, &by, state.clock.now()).await?;
            Ok(String::new())
        },
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct BoardForm {
    #[serde(default)]
    board_size: String,
}

impl BoardForm {
    fn request(&self, lang: Lang) -> Result<nom::BoardRequest, HttpError> {
        let label = lang.texts().brd_size;
        let n = whole_number("board_size", label, &self.board_size)?.ok_or_else(|| {
            bad_request(
                "required",
                format!("{label}（board_size）：必须填写"),
                "board_size: required".into(),
            )
        })?;
        let board_size = u32::try_from(n).map_err(|_| {
            bad_request(
                "too_many",
                format!("{label}：人数过大"),
                "board_size: too large".into(),
            )
        })?;
        Ok(nom::BoardRequest { board_size })
    }
}

/// `POST /elections/{id}/nomination/board`: a board of supervisors' whole
/// size, checked with the employee seats (R-BODY-6).
pub async fn set_board_size(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path(election_id): Path<String>,
    Form(form): Form<BoardForm>,
) -> Result<Response, PageError> {
    step(
        state,
        principal,
        lang,
        election_id,
        "board",
        |state, election, by| async move {
            let request = form.request(lang)?;
            nom::set_board_size(&*state.store, &election, &request, &by, state.clock.now()).await?;
            Ok(String::new())
        },
    )
    .await
}

/// `POST /elections/{id}/nomination/committee`.
pub async fn add_member(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path(election_id): Path<String>,
    Form(form): Form<nom::MemberRequest>,
) -> Result<Response, PageError> {
    step(
        state,
        principal,
        lang,
        election_id,
        "committee",
        |state, election, _| async move {
            nom::add_member(&*state.store, &election, &form, state.clock.now()).await?;
            Ok(String::new())
        },
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct NominationForm {
    #[serde(default)]
    kind: String,
    /// One resident ID per line.
    #[serde(default)]
    nominators: String,
    #[serde(default)]
    nominee_1: String,
    #[serde(default)]
    position_1: String,
    #[serde(default)]
    nominee_2: String,
    #[serde(default)]
    position_2: String,
    #[serde(default)]
    nominee_3: String,
    #[serde(default)]
    position_3: String,
    #[serde(default)]
    nominated_by: String,
}

impl NominationForm {
    fn request(&self) -> nom::NominationRequest {
        let nominees: Vec<nom::NamedRequest> = [
            (&self.nominee_1, &self.position_1),
            (&self.nominee_2, &self.position_2),
            (&self.nominee_3, &self.position_3),
        ]
        .into_iter()
        .filter(|(who, _)| !who.trim().is_empty())
        .map(|(who, position)| nom::NamedRequest {
            resident: who.trim().to_owned(),
            position: position.trim().to_owned(),
        })
        .collect();
        let mut nominators: Vec<String> = self
            .nominators
            .split(['\n', '\r', ',', '，', ';', '；'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        // A self-nomination is signed by the nominee: an empty nominators
        // field means them.
        if self.kind.trim() == NominationKind::SelfNomination.code() && nominators.is_empty() {
            nominators.extend(nominees.first().map(|n| n.resident.clone()));
        }
        nom::NominationRequest {
            kind: self.kind.trim().to_owned(),
            nominators,
            nominees,
            nominated_by: self.nominated_by.clone(),
        }
    }
}

/// `POST /elections/{id}/nomination/papers`.
pub async fn nominate(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path(election_id): Path<String>,
    Form(form): Form<NominationForm>,
) -> Result<Response, PageError> {
    step(
        state,
        principal,
        lang,
        election_id,
        "papers",
        |state, election, by| async move {
            let request = form.request();
            if request.nominees.is_empty() {
                return Err(bad_request(
                    "required",
                    "被提名人（nominees）：至少填写一名".into(),
                    "nominees: give at least one".into(),
                ));
            }
            nom::nominate(&*state.store, &election, &request, &by, state.clock.now()).await?;
            Ok(String::new())
        },
    )
    .await
}

/// `POST /elections/{id}/nomination/votes`: every nominee's preliminary
/// votes at once, from inputs named `v:{position}:{record id}`; empty
/// inputs are left out.
pub async fn record_votes(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path(election_id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    step(
        state,
        principal,
        lang,
        election_id,
        "nominees",
        |state, election, _| async move {
            let label = lang.texts().nom_votes;
            let mut votes = Vec::new();
            for (key, value) in &form {
                let Some((position, resident)) =
                    key.strip_prefix("v:").and_then(|k| k.split_once(':'))
                else {
                    continue;
                };
                if let Some(n) = whole_number("votes", label, value)? {
                    votes.push(nom::VoteRequest {
                        resident: resident.to_owned(),
                        position: position.to_owned(),
                        votes: n,
                    });
                }
            }
            nom::record_votes(&*state.store, &election, &votes).await?;
            Ok(String::new())
        },
    )
    .await
}

/// `POST /elections/{id}/nomination/formal-list`.
pub async fn fix_formal_list(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path(election_id): Path<String>,
) -> Result<Response, PageError> {
    step(
        state,
        principal,
        lang,
        election_id,
        "formal",
        |state, election, by| async move {
            nom::fix_formal_list(&*state.store, &election, &by, state.clock.now()).await?;
            Ok(String::new())
        },
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct WithdrawalForm {
    /// `{position}:{record id}` of a standing formal candidate.
    #[serde(default)]
    candidate: String,
    #[serde(default)]
    reason: String,
}

/// `POST /elections/{id}/nomination/withdrawals`: back to the page with
/// who took the place.
pub async fn withdraw(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path(election_id): Path<String>,
    Form(form): Form<WithdrawalForm>,
) -> Result<Response, PageError> {
    step(
        state,
        principal,
        lang,
        election_id,
        "formal",
        |state, election, by| async move {
            let Some((position, resident)) = form.candidate.split_once(':') else {
                return Err(bad_request(
                    "required",
                    "退出的正式候选人（candidate）：必须选择".into(),
                    "candidate: choose the formal candidate who withdraws".into(),
                ));
            };
            let request = nom::WithdrawalRequest {
                resident: resident.to_owned(),
                position: position.to_owned(),
                reason: form.reason.clone(),
            };
            let outcome =
                nom::withdraw(&*state.store, &election, &request, &by, state.clock.now()).await?;
            Ok(format!(
                "&replacement={}",
                replacement_query(&outcome.replacement)
            ))
        },
    )
    .await
}

/// `POST /elections/{id}/nomination/staff`.
pub async fn appoint_staff(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path(election_id): Path<String>,
    Form(form): Form<nom::StaffRequest>,
) -> Result<Response, PageError> {
    step(
        state,
        principal,
        lang,
        election_id,
        "staff",
        |state, election, by| async move {
            nom::appoint_staff(&*state.store, &election, &form, &by, state.clock.now()).await?;
            Ok(String::new())
        },
    )
    .await
}

/// `POST /elections/{id}/nomination/recusals`: a resident holds an office
/// that bars them from the supervisory committee (R-BODY-4) or the board
/// of supervisors (R-BODY-6).
pub async fn record_recusal(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path(election_id): Path<String>,
    Form(form): Form<nom::RecusalRequest>,
) -> Result<Response, PageError> {
    step(
        state,
        principal,
        lang,
        election_id,
        "recusals",
        |state, election, by| async move {
            nom::record_recusal(&*state.store, &election, &form, &by, state.clock.now()).await?;
            Ok(String::new())
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replacement_round_trips_through_the_query() {
        let a = Uuid::new_v4();
        let b = Uuid::new_v4();
        let names: HashMap<Uuid, String> = [(a, "丁一".to_owned()), (b, "王二".to_owned())].into();
        let next = replacement_query(&Replacement::Next {
            person: a,
            votes: 30,
        });
        let text = replacement_flash(&next, &names, Lang::Zh).unwrap();
        assert!(text.contains("丁一") && text.contains("30"), "{text}");
        let tie = replacement_query(&Replacement::Tie {
            tied: vec![a, b],
            votes: 7,
        });
        let text = replacement_flash(&tie, &names, Lang::En).unwrap();
        assert!(text.contains("丁一, 王二") && text.contains('7'), "{text}");
        let none = replacement_query(&Replacement::NoneLeft {
            formal_left: 1,
            below_minimum: true,
        });
        let text = replacement_flash(&none, &names, Lang::Zh).unwrap();
        assert!(text.contains("R-NOM-4"), "{text}");
        assert_eq!(replacement_flash("bogus", &names, Lang::Zh), None);
    }

    #[test]
    fn the_nomination_form_reads_one_id_per_line() {
        let form = NominationForm {
            kind: "joint_voters".into(),
            nominators: "110101199001011234\r\n\r\n 110101199001015678 \n".into(),
            nominee_1: "110101199001019999".into(),
            position_1: "director".into(),
            nominee_2: String::new(),
            position_2: "member".into(),
            nominee_3: String::new(),
            position_3: String::new(),
            nominated_by: String::new(),
        };
        let r = form.request();
        assert_eq!(r.nominators, ["110101199001011234", "110101199001015678"]);
        assert_eq!(r.nominees.len(), 1);
        let own = NominationForm {
            kind: "self_nomination".into(),
            nominators: String::new(),
            ..form
        };
        assert_eq!(own.request().nominators, ["110101199001019999"]);
    }
}
