//! The homeowners' assembly as a page (R-OWN-1; issue 7, item 6):
//! `/elections/{id}/homeowners`.
//!
//! The owners' register with its totals (the developer's unsold units one
//! owner), the matters put to the assembly and each one's count by area
//! and by owners side by side, with the verdict and, when it failed, which
//! test failed. The committee imports the register (until a matter is
//! put), puts matters and records each owner's vote, written as received
//! or in person as cast; observers read. Every form calls the same use
//! case as the API (`crate::homeowners`); a refusal is shown in words with
//! its rule id. The committee also puts an election of the homeowners'
//! committee (业主委员会选举) to the assembly and records each owner's
//! ballot in it ([`committee`]).

pub mod committee;

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use huanjie_store::{Election, Role};
use serde::Deserialize;

use super::count::no_store;
use super::{election_of, refusal_alert, render, Chrome, PageError};
use crate::auth::{MaybePrincipal, Principal};
use crate::error::{HttpError, Message};
use crate::homeowners::committee::{self as committees, CommitteeView};
use crate::homeowners::{
    self as service, threshold_words, MatterRequest, MatterView, RegisterView, ResultView,
    VoteRequest,
};
use crate::i18n::{fill, Lang, Texts};
use crate::state::AppState;
use huanjie_core::homeowners::committee::Standing;
use huanjie_core::homeowners::CommitteeRanking;

struct Row {
    label: &'static str,
    area: String,
    owners: u64,
    class: &'static str,
}

struct VoteRow {
    owner: u32,
    name: String,
    choice: &'static str,
    mode: &'static str,
}

struct OwnerChoice {
    number: u32,
    label: String,
}

struct MatterBlock {
    number: u32,
    heading: String,
    kind: &'static str,
    passed: bool,
    verdict: &'static str,
    summary: String,
    rows: Vec<Row>,
    modes: String,
    votes: Vec<VoteRow>,
    /// Owners who have not voted on it yet.
    open: Vec<OwnerChoice>,
    action: String,
}

/// One candidate's line in a committee election's outcome.
struct CandidateRow {
    number: u32,
    name: String,
    /// Place among those who passed (equal share one), or empty.
    rank: String,
    owners_for: u64,
    area_for: String,
    standing: &'static str,
    /// `elected`, `tied`, `ranked_out`, `failed` (for styling and tests).
    class: &'static str,
    /// Why a candidate failed, in words (empty when passed).
    why: String,
}

/// A committee election's outcome (R-OWN-1, R-BODY-6).
struct CommitteeBlock {
    number: u32,
    heading: String,
    seats: String,
    ranking: String,
    ballots: String,
    summary: String,
    candidates: Vec<CandidateRow>,
    /// Owners with no vote on any of its candidates yet: one ballot each.
    open: Vec<OwnerChoice>,
    /// Where the ballot form posts.
    action: String,
    /// The form's reminder of the limit on 赞成 (R-OWN-1, R-BODY-6).
    ballot_hint: String,
}

fn committee_block(
    election: &Election,
    c: &CommitteeView,
    matters: &[MatterView],
    register: Option<&RegisterView>,
    lang: Lang,
) -> CommitteeBlock {
    let t = lang.texts();
    let seats = c.seats.to_string();
    // A candidate is an assembly matter: whoever voted on any of them has
    // used their one ballot (the store refuses a second one).
    let voted: Vec<u32> = matters
        .iter()
        .filter(|m| c.candidates.iter().any(|x| x.matter == m.number))
        .flat_map(|m| m.votes.iter().map(|v| v.owner))
        .collect();
    CommitteeBlock {
        open: owner_choices(register, |n| voted.contains(&n)),
        action: format!(
            "/elections/{}/homeowners/committees/{}/ballots",
            election.id, c.number
        ),
        ballot_hint: fill(t.hoc_ballot_hint, &[&seats]),
        number: c.number,
        heading: fill(t.hoc_heading, &[&c.number.to_string(), &c.title]),
        seats: fill(t.hoc_seats, &[&seats, &seats]),
        ranking: fill(
            t.hoc_ranking,
            &[match c.ranking {
                CommitteeRanking::OwnersThenArea => t.hoc_owners_then_area,
                CommitteeRanking::AreaThenOwners => t.hoc_area_then_owners,
            }],
        ),
        ballots: fill(t.hoc_ballots, &[&c.ballots.to_string()]),
        summary: match lang {
            Lang::Zh => c.summary.clone(),
            Lang::En => c.summary_en.clone(),
        },
        candidates: c
            .candidates
            .iter()
            .map(|x| {
                let (standing, class) = match x.standing {
                    Standing::Elected => (t.hoc_elected, "elected"),
                    Standing::Tied => (t.hoc_tied, "tied"),
                    Standing::RankedOut => (t.hoc_ranked_out, "ranked_out"),
                    Standing::Failed => (t.hoc_failed, "failed"),
                };
                CandidateRow {
                    number: x.number,
                    name: x.name.clone(),
                    rank: x.rank.map(|r| r.to_string()).unwrap_or_default(),
                    owners_for: x.result.for_.owners,
                    area_for: x.result.for_.area.clone(),
                    standing,
                    class,
                    why: if x.result.passed {
                        String::new()
                    } else {
                        match lang {
                            Lang::Zh => x.result.summary.clone(),
                            Lang::En => x.result.summary_en.clone(),
                        }
                    },
                }
            })
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "homeowners.html")]
struct HomeownersPage {
    chrome: Chrome,
    election_id: String,
    election_title: String,
    committee: bool,
    alert: Option<String>,
    problems: Vec<String>,
    flash: Option<String>,
    intro: String,
    register: Option<RegisterView>,
    can_import: bool,
    matters: Vec<MatterBlock>,
    committees: Vec<CommitteeBlock>,
}

fn rows(r: &ResultView, t: &Texts) -> Vec<Row> {
    [
        (t.ho_total, &r.total, "ho-total"),
        (t.ho_participating, &r.participating, "ho-participating"),
        (t.ho_for, &r.for_, "ho-for"),
        (t.ho_against, &r.against, "ho-against"),
        (t.ho_abstain, &r.abstain, "ho-abstain"),
    ]
    .into_iter()
    .map(|(label, m, class)| Row {
        label,
        area: m.area.clone(),
        owners: m.owners,
        class,
    })
    .collect()
}

fn block(
    election: &Election,
    m: &MatterView,
    register: Option<&RegisterView>,
    lang: Lang,
) -> MatterBlock {
    let t = lang.texts();
    let choice = |c: huanjie_core::homeowners::Choice| match c {
        huanjie_core::homeowners::Choice::For => t.ho_for,
        huanjie_core::homeowners::Choice::Against => t.ho_against,
        huanjie_core::homeowners::Choice::Abstain => t.ho_abstain,
    };
    let mode = |m: huanjie_core::homeowners::VoteMode| match m {
        huanjie_core::homeowners::VoteMode::Written => t.ho_written,
        huanjie_core::homeowners::VoteMode::InPerson => t.ho_in_person,
    };
    let open = owner_choices(register, |n| m.votes.iter().any(|v| v.owner == n));
    MatterBlock {
        number: m.number,
        heading: fill(t.ho_matter, &[&m.number.to_string(), &m.title]),
        kind: match m.kind {
            huanjie_core::homeowners::MatterKind::Ordinary => t.ho_kind_ordinary,
            huanjie_core::homeowners::MatterKind::Special => t.ho_kind_special,
        },
        passed: m.result.passed,
        verdict: if m.result.passed {
            t.ho_passed
        } else {
            t.ho_not_passed
        },
        summary: match lang {
            Lang::Zh => m.result.summary.clone(),
            Lang::En => m.result.summary_en.clone(),
        },
        rows: rows(&m.result, t),
        modes: fill(
            t.ho_votes_by_mode,
            &[
                &m.result.written.to_string(),
                &m.result.in_person.to_string(),
            ],
        ),
        votes: m
            .votes
            .iter()
            .map(|v| VoteRow {
                owner: v.owner,
                name: v.name.clone(),
                choice: choice(v.choice),
                mode: mode(v.mode),
            })
            .collect(),
        open,
        action: format!(
            "/elections/{}/homeowners/matters/{}/votes",
            election.id, m.number
        ),
    }
}

/// The register's owners who have not voted yet, for a form's select.
fn owner_choices(register: Option<&RegisterView>, voted: impl Fn(u32) -> bool) -> Vec<OwnerChoice> {
    register
        .map(|r| {
            r.owners
                .iter()
                .filter(|o| !voted(o.number))
                .map(|o| OwnerChoice {
                    number: o.number,
                    label: format!("{} · {}（{} ㎡）", o.number, o.name, o.area),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Committee members and observers; a clerk's token is for one station.
fn reader(principal: &Principal, election: &Election) -> Result<bool, HttpError> {
    if !principal.can_see_election(election.id) {
        return Err(HttpError::Forbidden);
    }
    principal.require_reader()?;
    Ok(principal.role() == Role::Committee)
}

fn intro(election: &Election, lang: Lang) -> Result<String, HttpError> {
    let r = crate::registration::profile(election)?.homeowners;
    let words: Vec<String> = [
        r.quorum_area,
        r.quorum_owners,
        r.ordinary_area,
        r.ordinary_owners,
        r.special_area,
        r.special_owners,
    ]
    .into_iter()
    .map(|t| {
        let (zh, en) = threshold_words(t);
        match lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    })
    .collect();
    let args: Vec<&str> = words.iter().map(String::as_str).collect();
    Ok(fill(lang.texts().ho_intro, &args))
}

#[derive(Default)]
struct Shown {
    alert: Option<String>,
    problems: Vec<String>,
    flash: Option<String>,
}

async fn page(
    state: &AppState,
    principal: &Principal,
    lang: Lang,
    election: &Election,
    shown: Shown,
) -> Result<HomeownersPage, HttpError> {
    let committee = reader(principal, election)?;
    let register = service::register(&*state.store, election).await?;
    let matters = service::matters(&*state.store, election).await?;
    let elections = committees::committees(&*state.store, election).await?;
    let path = format!("/elections/{}/homeowners", election.id);
    Ok(HomeownersPage {
        chrome: Chrome::new(lang, &path, Some(principal)),
        election_id: election.id.to_string(),
        election_title: election.title.clone(),
        committee,
        alert: shown.alert,
        problems: shown.problems,
        flash: shown.flash,
        intro: intro(election, lang)?,
        can_import: committee && matters.is_empty(),
        matters: matters
            .iter()
            .map(|m| block(election, m, register.as_ref(), lang))
            .collect(),
        committees: elections
            .iter()
            .map(|c| committee_block(election, c, &matters, register.as_ref(), lang))
            .collect(),
        register,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct Params {
    imported: Option<String>,
    matter: Option<u32>,
    voted: Option<u32>,
    /// A committee election was put (its number).
    committee: Option<u32>,
    /// A ballot was recorded in a committee election (its number).
    ballot: Option<u32>,
}

/// `GET /elections/{id}/homeowners`.
pub async fn show(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path(election_id): Path<String>,
    Query(params): Query<Params>,
) -> Result<Response, PageError> {
    let Some(principal) = principal.0 else {
        return Err(PageError::new(HttpError::Unauthenticated, lang));
    };
    let election = election_of(&state, &election_id, lang).await?;
    let t = lang.texts();
    let flash = if params.imported.is_some() {
        Some(t.ho_imported_flash.to_owned())
    } else if params.voted.is_some() {
        Some(t.ho_vote_flash.to_owned())
    } else if params.matter.is_some() {
        Some(t.ho_matter_flash.to_owned())
    } else if params.ballot.is_some() {
        Some(t.hoc_ballot_flash.to_owned())
    } else if params.committee.is_some() {
        Some(t.hoc_added_flash.to_owned())
    } else {
        None
    };
    let shown = Shown {
        flash,
        ..Shown::default()
    };
    let view = page(&state, &principal, lang, &election, shown)
        .await
        .map_err(|e| PageError::new(e, lang))?;
    Ok(no_store(render(StatusCode::OK, &view)))
}

/// A refusal shown above the forms (every bad row of a register listed).
async fn refused(
    state: &AppState,
    principal: &Principal,
    lang: Lang,
    election: &Election,
    err: HttpError,
) -> Result<Response, PageError> {
    if let HttpError::Internal(e) = err {
        return Err(PageError::new(HttpError::Internal(e), lang));
    }
    err.log();
    let problems = match &err {
        HttpError::Rule(r) => r.details["problems"]
            .as_array()
            .map(|ps| {
                ps.iter()
                    .filter_map(|p| {
                        p[match lang {
                            Lang::Zh => "message",
                            Lang::En => "message_en",
                        }]
                        .as_str()
                        .map(str::to_owned)
                    })
                    .collect()
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    let shown = Shown {
        alert: Some(refusal_alert(&err, lang)),
        problems,
        flash: None,
    };
    let view = page(state, principal, lang, election, shown)
        .await
        .map_err(|e| PageError::new(e, lang))?;
    Ok(no_store(render(err.status(), &view)))
}

fn committee_of(principal: MaybePrincipal, lang: Lang) -> Result<Principal, PageError> {
    let principal = super::require_user(principal, lang)?;
    principal
        .require_committee()
        .map_err(|e| PageError::new(e, lang))?;
    Ok(principal)
}

/// `POST /elections/{id}/homeowners/register` (multipart `file`; committee).
pub async fn import(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path(election_id): Path<String>,
    mut form: Multipart,
) -> Result<Response, PageError> {
    let principal = committee_of(principal, lang)?;
    let election = election_of(&state, &election_id, lang).await?;
    let bad_form = || {
        PageError::new(
            HttpError::BadRequest(Message::from_table("roll_empty", |t| t.err_roll_empty, &[])),
            lang,
        )
    };
    let mut bytes = Vec::new();
    while let Some(field) = form.next_field().await.map_err(|_| bad_form())? {
        if field.name() == Some("file") {
            bytes = field.bytes().await.map_err(|_| bad_form())?.to_vec();
        }
    }
    match service::import_register(
        &*state.store,
        &election,
        &bytes,
        &principal.username(),
        state.clock.now(),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!(
            "/elections/{}/homeowners?imported=1#ho-register",
            election.id
        ))
        .into_response()),
        Err(err) => refused(&state, &principal, lang, &election, err).await,
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct MatterForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    title: String,
}

/// `POST /elections/{id}/homeowners/matters` (committee).
pub async fn add_matter(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path(election_id): Path<String>,
    Form(form): Form<MatterForm>,
) -> Result<Response, PageError> {
    let principal = committee_of(principal, lang)?;
    let election = election_of(&state, &election_id, lang).await?;
    let input = MatterRequest {
        kind: form.kind,
        title: form.title,
    };
    match service::add_matter(
        &*state.store,
        &election,
        &input,
        &principal.username(),
        state.clock.now(),
    )
    .await
    {
        Ok(m) => Ok(Redirect::to(&format!(
            "/elections/{}/homeowners?matter={}#matter-{}",
            election.id, m.number, m.number
        ))
        .into_response()),
        Err(err) => refused(&state, &principal, lang, &election, err).await,
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct VoteForm {
    #[serde(default)]
    owner: String,
    #[serde(default)]
    choice: String,
    #[serde(default)]
    mode: String,
}

/// `POST /elections/{id}/homeowners/matters/{number}/votes` (committee).
pub async fn vote(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path((election_id, number)): Path<(String, String)>,
    Form(form): Form<VoteForm>,
) -> Result<Response, PageError> {
    let principal = committee_of(principal, lang)?;
    let election = election_of(&state, &election_id, lang).await?;
    let number: u32 = number
        .parse()
        .map_err(|_| PageError::new(HttpError::NotFound, lang))?;
    let input = VoteRequest {
        owner: form.owner.trim().parse().ok(),
        choice: form.choice,
        mode: form.mode,
    };
    match service::record_vote(
        &*state.store,
        &election,
        number,
        &input,
        &principal.username(),
        state.clock.now(),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!(
            "/elections/{}/homeowners?voted={number}#matter-{number}",
            election.id
        ))
        .into_response()),
        Err(err) => refused(&state, &principal, lang, &election, err).await,
    }
}
