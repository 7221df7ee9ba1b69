//! The term as a page (issue 7, item 7): `/elections/{id}/term`.
//!
//! The committee in office is read from the certified results, never kept
//! beside them ([`crate::term::term`]): the page shows who sits (position,
//! name, the vote that elected them), the seats vacant per position, and
//! the term's record: each recall with its request, the member's answer,
//! its vote (a link to that vote's own pages) and the certified figures it
//! was decided on (R-CERT-4); each resignation with the meeting's figures
//! (R-CERT-5, R-OWN-2); each by-election with its vote and who was elected
//! (R-CERT-5).
//!
//! The committee gets one small form per step, each posting to its own
//! address through the same use cases as the API and coming back here
//! (Post/Redirect/Get); a refusal is shown above the forms with its rule
//! id. Observers read; clerks get 403.
//!
//! The term belongs to the general round: on a later round's, a recall
//! vote's or a by-election's address the page links back to it. Before the
//! general round is certified there is no term, and the page says so.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::{Duration, NaiveDate};
use huanjie_store::{Election, Store, TermEvent};
use serde::Deserialize;
use serde_json::Value;

use super::count::{china_time, no_store};
use super::election_of as election;
use super::{refusal_alert, render, require_user, Chrome, PageError};
use crate::auth::{MaybePrincipal, Principal};
use crate::elections::position_label;
use crate::error::{HttpError, Message};
use crate::i18n::{fill, Lang, Texts, EN, ZH};
use crate::state::AppState;
use crate::term;

struct MemberRow {
    position: String,
    position_label: String,
    name: String,
    elected_in: String,
}

struct VacancyRow {
    position: String,
    label: String,
    seats: u32,
}

/// A vote held for an event: its own election, with its pages.
struct VoteLink {
    id: String,
    title: String,
    day: String,
    certified: bool,
}

struct EventRow {
    number: u32,
    kind: String,
    kind_label: &'static str,
    position: String,
    member: String,
    state: String,
    state_label: &'static str,
    /// The request (or letter, or what the by-election fills), line by line.
    request: Vec<String>,
    /// The member's answer to a recall request.
    answer: Option<String>,
    vote: Option<VoteLink>,
    /// The decision and its figures, line by line.
    outcome: Vec<String>,
    recorded: String,
    can_answer: bool,
    can_vote: bool,
    can_decide: bool,
    can_close: bool,
}

#[derive(Template)]
#[template(path = "term.html")]
struct TermPage {
    chrome: Chrome,
    election_id: String,
    election_title: String,
    alert: Option<String>,
    flash: Option<String>,
    /// A vote just created here (recall vote or by-election).
    created: Option<VoteLink>,
    /// On a later round or a vote of the term: the general round (id, title).
    general: Option<(String, String)>,
    /// The general round is not certified yet: there is no term.
    not_certified: bool,
    members: Vec<MemberRow>,
    vacancies: Vec<VacancyRow>,
    any_vacancy: bool,
    events: Vec<EventRow>,
    /// `{position}:{name}` and its label, for the member choosers.
    sitting: Vec<(String, String)>,
    /// Positions with a vacant seat (code, label with the number).
    vacant_positions: Vec<(String, String)>,
    /// Suggested day of a vote: the day after the later of today and the
    /// election day.
    vote_day: String,
    today: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct TermParams {
    /// `done=1` after a step.
    done: Option<String>,
    /// The vote a step just created.
    vote: Option<String>,
}

fn kind_label(kind: &str, t: &Texts) -> &'static str {
    match kind {
        "recall" => t.tm_kind_recall,
        "resignation" => t.tm_kind_resignation,
        _ => t.tm_kind_by_election,
    }
}

fn state_label(kind: &str, state: &str, t: &Texts) -> &'static str {
    match (kind, state) {
        ("recall", "requested") => t.tm_state_requested,
        ("recall", "voting") => t.tm_state_voting,
        ("recall", "recalled") => t.tm_state_recalled,
        ("recall", "retained") => t.tm_state_retained,
        ("resignation", "accepted") => t.tm_state_accepted,
        ("resignation", "refused") => t.tm_state_refused,
        ("by-election", "voting") => t.tm_state_by_voting,
        ("by-election", "held") => t.tm_state_held,
        _ => "",
    }
}

fn parse(text: Option<&str>) -> Value {
    text.and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or(Value::Null)
}

fn number(v: &Value) -> String {
    v.as_u64().map(|n| n.to_string()).unwrap_or_default()
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

/// The request, answer and outcome of one event in words.
fn describe(e: &TermEvent, t: &Texts, lang: Lang) -> (Vec<String>, Option<String>, Vec<String>) {
    let request = parse(Some(&e.request));
    let outcome = parse(e.outcome.as_deref());
    let answer = parse(e.answer.as_deref())["text"]
        .as_str()
        .map(str::to_owned);
    let mut req = Vec::new();
    let mut out = Vec::new();
    match e.kind.as_str() {
        "recall" => {
            let template = if request["initiated_by"] == "representatives" {
                t.tm_req_reps
            } else {
                t.tm_req_voters
            };
            req.push(fill(
                template,
                &[&number(&request["signatures"]), &number(&request["base"])],
            ));
            req.push(format!("{}：{}", t.tm_reasons, text(&request["reasons"])));
            if let Some(day) = request["lodged_on"].as_str() {
                req.push(format!("{}：{day}", t.tm_lodged_on));
            }
            if !outcome.is_null() {
                out.push(fill(
                    t.tm_recall_figures,
                    &[
                        &number(&outcome["registered"]),
                        &number(&outcome["voted"]),
                        &number(&outcome["in_favour"]),
                    ],
                ));
                out.push(
                    if outcome["turnout_met"] == true {
                        t.tm_turnout_met
                    } else {
                        t.tm_turnout_not_met
                    }
                    .to_owned(),
                );
                out.push(
                    if outcome["approved"] == true {
                        t.tm_approved
                    } else {
                        t.tm_not_approved
                    }
                    .to_owned(),
                );
            }
        }
        "resignation" => {
            req.push(format!(
                "{}：{}",
                t.tm_written_on,
                text(&request["written_on"])
            ));
            let reason = text(&request["reason"]);
            if !reason.is_empty() {
                req.push(format!("{}：{reason}", t.tm_reason));
            }
            let m = &request["meeting"];
            out.push(fill(
                t.tm_meeting_figures,
                &[
                    &number(&m["members"]),
                    &number(&m["present"]),
                    &number(&m["in_favour"]),
                ],
            ));
            if let Some(day) = m["held_on"].as_str() {
                out.push(format!("{}：{day}", t.tm_held_on));
            }
        }
        _ => {
            req.push(fill(
                t.tm_by_seats,
                &[&number(&request["seats"]), &text(&request["election_day"])],
            ));
            if let Some(names) = outcome["elected"].as_array() {
                let sep = if lang == Lang::Zh { "、" } else { ", " };
                let names: Vec<&str> = names.iter().filter_map(Value::as_str).collect();
                out.push(if names.is_empty() {
                    t.tm_by_nobody.to_owned()
                } else {
                    format!("{}：{}", t.tm_by_elected, names.join(sep))
                });
            }
        }
    }
    (req, answer, out)
}

/// The general round a later round or vote belongs to: up its parents.
async fn general_round(store: &dyn Store, election: &Election) -> Result<Election, HttpError> {
    let mut at = election.clone();
    // Rounds of rounds go a few levels down at most.
    for _ in 0..16 {
        let Some(parent) = at.round.as_ref().map(|r| r.parent) else {
            return Ok(at);
        };
        at = store
            .get_election(parent)
            .await?
            .ok_or(HttpError::NotFound)?;
    }
    Err(HttpError::NotFound)
}

async fn vote_link(store: &dyn Store, id: uuid::Uuid) -> Result<Option<VoteLink>, HttpError> {
    let Some(vote) = store.get_election(id).await? else {
        return Ok(None);
    };
    Ok(Some(VoteLink {
        id: vote.id.to_string(),
        title: vote.title.clone(),
        day: vote.election_day.to_string(),
        certified: !store.certifications(vote.id).await?.is_empty(),
    }))
}

async fn view(
    state: &AppState,
    principal: &Principal,
    lang: Lang,
    election: &Election,
    alert: Option<String>,
    params: &TermParams,
) -> Result<TermPage, HttpError> {
    let t = lang.texts();
    let store = &*state.store;
    let today = crate::registration::today(state.clock.now());
    let vote_day = today.max(election.election_day) + Duration::days(1);
    let mut page = TermPage {
        chrome: Chrome::new(
            lang,
            &format!("/elections/{}/term", election.id),
            Some(principal),
        ),
        election_id: election.id.to_string(),
        election_title: election.title.clone(),
        alert,
        flash: None,
        created: None,
        general: None,
        not_certified: false,
        members: Vec::new(),
        vacancies: Vec::new(),
        any_vacancy: false,
        events: Vec::new(),
        sitting: Vec::new(),
        vacant_positions: Vec::new(),
        vote_day: vote_day.to_string(),
        today: today.to_string(),
    };
    if election.round.is_some() {
        let general = general_round(store, election).await?;
        page.general = Some((general.id.to_string(), general.title));
        return Ok(page);
    }
    let term = match term::term(store, election).await {
        Ok(t) => t,
        Err(HttpError::Rule(r)) if r.code == "not_certified" => {
            page.not_certified = true;
            return Ok(page);
        }
        Err(e) => return Err(e),
    };
    page.members = term
        .members
        .iter()
        .map(|m| MemberRow {
            position: m.position.clone(),
            position_label: position_label(&m.position, lang),
            name: m.name.clone(),
            elected_in: m.elected_in.clone(),
        })
        .collect();
    page.sitting = term
        .members
        .iter()
        .map(|m| {
            (
                format!("{}:{}", m.position, m.name),
                format!("{}（{}）", m.name, position_label(&m.position, lang)),
            )
        })
        .collect();
    page.vacancies = term
        .vacancies
        .iter()
        .map(|(p, n)| VacancyRow {
            position: p.clone(),
            label: position_label(p, lang),
            seats: *n,
        })
        .collect();
    page.any_vacancy = term.vacancies.iter().any(|(_, n)| *n > 0);
    page.vacant_positions = term
        .vacancies
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(p, n)| {
            (
                p.clone(),
                format!(
                    "{}（{}）",
                    position_label(p, lang),
                    fill(t.tm_vacant_n, &[&n.to_string()])
                ),
            )
        })
        .collect();
    for e in store.term_events(election.id).await? {
        let (request, answer, outcome) = describe(&e, t, lang);
        let vote = match e.vote_id {
            Some(id) => vote_link(store, id).await?,
            None => None,
        };
        let recall = e.kind == "recall";
        page.events.push(EventRow {
            number: e.number,
            kind_label: kind_label(&e.kind, t),
            position: position_label(&e.position, lang),
            member: e.member.clone(),
            state_label: state_label(&e.kind, &e.state, t),
            request,
            can_answer: recall && e.state == "requested" && answer.is_none(),
            can_vote: recall && e.state == "requested",
            can_decide: recall && e.state == "voting",
            can_close: e.kind == "by-election" && e.state == "voting",
            answer,
            vote,
            outcome,
            recorded: format!(
                "{} · {}",
                e.updated_by,
                china_time(e.updated_at, "%Y-%m-%d %H:%M")
            ),
            kind: e.kind,
            state: e.state,
        });
    }
    if let Some(id) = params
        .vote
        .as_deref()
        .and_then(|v| uuid::Uuid::parse_str(v).ok())
    {
        // Only a vote of this term is announced.
        if page
            .events
            .iter()
            .any(|e| e.vote.as_ref().is_some_and(|v| v.id == id.to_string()))
        {
            page.created = vote_link(store, id).await?;
        }
    }
    if params.done.is_some() && page.created.is_none() {
        page.flash = Some(t.tm_done.to_owned());
    }
    Ok(page)
}

/// `GET /elections/{id}/term`: committee and observers; clerks 403.
pub async fn show(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path(election_id): Path<String>,
    Query(params): Query<TermParams>,
) -> Result<Response, PageError> {
    let principal = require_user(principal, lang)?;
    let election = election(&state, &election_id, lang).await?;
    let page = view(&state, &principal, lang, &election, None, &params)
        .await
        .map_err(|e| PageError::new(e, lang))?;
    Ok(no_store(render(StatusCode::OK, &page)))
}

/// Runs one committee step: back to the page (with `query`, the step's
/// answer) on success, the page again with the refusal and its rule id
/// otherwise.
async fn step<F, Fut>(
    state: AppState,
    principal: MaybePrincipal,
    lang: Lang,
    election_id: String,
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
    match run(state.clone(), election.clone(), principal.username()).await {
        Ok(query) => Ok(Redirect::to(&format!(
            "/elections/{}/term?done=1{query}#record",
            election.id
        ))
        .into_response()),
        Err(HttpError::Internal(e)) => Err(PageError::new(HttpError::Internal(e), lang)),
        Err(err) => {
            err.log();
            let status = err.status();
            let page = view(
                &state,
                &principal,
                lang,
                &election,
                Some(refusal_alert(&err, lang)),
                &TermParams::default(),
            )
            .await
            .map_err(|e| PageError::new(e, lang))?;
            Ok(no_store(render(status, &page)))
        }
    }
}

/// A form's field refused before the step: its label in both languages.
fn bad_field(
    code: &'static str,
    template: fn(&Texts) -> &'static str,
    label: fn(&Texts) -> &'static str,
) -> HttpError {
    HttpError::BadRequest(Message {
        code,
        zh: fill(template(&ZH), &[label(&ZH)]),
        en: fill(template(&EN), &[label(&EN)]),
    })
}

/// A whole number typed into a form; empty is `None`.
fn whole(
    raw: &str,
    code: &'static str,
    label: fn(&Texts) -> &'static str,
) -> Result<Option<u64>, HttpError> {
    let v = raw.trim();
    if v.is_empty() {
        return Ok(None);
    }
    v.parse::<u64>()
        .map(Some)
        .map_err(|_| bad_field(code, |t| t.tm_bad_number, label))
}

fn required_whole(
    raw: &str,
    code: &'static str,
    label: fn(&Texts) -> &'static str,
) -> Result<u64, HttpError> {
    whole(raw, code, label)?.ok_or_else(|| bad_field(code, |t| t.tm_required, label))
}

/// A date typed into a form (`2026-12-01`); empty is `None`.
fn date(
    raw: &str,
    code: &'static str,
    label: fn(&Texts) -> &'static str,
) -> Result<Option<NaiveDate>, HttpError> {
    let v = raw.trim();
    if v.is_empty() {
        return Ok(None);
    }
    v.parse()
        .map(Some)
        .map_err(|_| bad_field(code, |t| t.tm_bad_date, label))
}

fn required_date(
    raw: &str,
    code: &'static str,
    label: fn(&Texts) -> &'static str,
) -> Result<NaiveDate, HttpError> {
    date(raw, code, label)?.ok_or_else(|| bad_field(code, |t| t.tm_required, label))
}

/// `{position}:{name}` from a member chooser.
fn sitting_member(raw: &str) -> Result<(String, String), HttpError> {
    raw.split_once(':')
        .filter(|(p, n)| !p.is_empty() && !n.trim().is_empty())
        .map(|(p, n)| (p.to_owned(), n.to_owned()))
        .ok_or_else(|| bad_field("member", |t| t.tm_required, |t| t.tm_member))
}

#[derive(Debug, Default, Deserialize)]
pub struct RecallForm {
    /// `{position}:{name}` of a sitting member.
    #[serde(default)]
    member: String,
    #[serde(default)]
    initiated_by: String,
    #[serde(default)]
    signatures: String,
    #[serde(default)]
    representatives: String,
    #[serde(default)]
    reasons: String,
    #[serde(default)]
    lodged_on: String,
}

impl RecallForm {
    fn request(&self) -> Result<term::RecallRequest, HttpError> {
        let (position, member) = sitting_member(&self.member)?;
        Ok(term::RecallRequest {
            position,
            member,
            initiated_by: self.initiated_by.trim().to_owned(),
            signatures: required_whole(&self.signatures, "signatures", |t| t.tm_signatures)?,
            representatives: whole(&self.representatives, "representatives", |t| {
                t.tm_representatives
            })?,
            reasons: self.reasons.clone(),
            lodged_on: date(&self.lodged_on, "lodged_on", |t| t.tm_lodged_on)?,
        })
    }
}

/// `POST /elections/{id}/term/recalls`: a recall request (R-CERT-4).
pub async fn request_recall(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path(election_id): Path<String>,
    Form(form): Form<RecallForm>,
) -> Result<Response, PageError> {
    step(
        state,
        principal,
        lang,
        election_id,
        |state, election, by| async move {
            let request = form.request()?;
            term::request_recall(&*state.store, &election, &request, &by, state.clock.now())
                .await?;
            Ok(String::new())
        },
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    text: String,
}

/// `POST /elections/{id}/term/recalls/{n}/answer`: the member's answer.
pub async fn answer_recall(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path((election_id, number)): Path<(String, u32)>,
    Form(form): Form<AnswerForm>,
) -> Result<Response, PageError> {
    step(
        state,
        principal,
        lang,
        election_id,
        |state, election, by| async move {
            term::answer_recall(
                &*state.store,
                &election,
                number,
                &form.text,
                &by,
                state.clock.now(),
            )
            .await?;
            Ok(String::new())
        },
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
pub struct DayForm {
    #[serde(default)]
    election_day: String,
}

/// `POST /elections/{id}/term/recalls/{n}/vote`: the recall vote, an
/// election of its own; back here with a link to it.
pub async fn start_recall_vote(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path((election_id, number)): Path<(String, u32)>,
    Form(form): Form<DayForm>,
) -> Result<Response, PageError> {
    step(
        state,
        principal,
        lang,
        election_id,
        |state, election, by| async move {
            let day = required_date(&form.election_day, "election_day", |t| t.tm_vote_day)?;
            let (_, vote) = term::start_recall_vote(
                &*state.store,
                &election,
                number,
                day,
                &by,
                state.clock.now(),
            )
            .await?;
            Ok(format!("&vote={}", vote.id))
        },
    )
    .await
}

/// `POST /elections/{id}/term/recalls/{n}/decision`: decided from the
/// recall vote's certified figures.
pub async fn decide_recall(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path((election_id, number)): Path<(String, u32)>,
) -> Result<Response, PageError> {
    step(
        state,
        principal,
        lang,
        election_id,
        |state, election, by| async move {
            term::decide_recall(&*state.store, &election, number, &by, state.clock.now()).await?;
            Ok(String::new())
        },
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
pub struct ResignationForm {
    /// `{position}:{name}` of a sitting member.
    #[serde(default)]
    member: String,
    #[serde(default)]
    written_on: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    meeting_members: String,
    #[serde(default)]
    meeting_present: String,
    #[serde(default)]
    meeting_in_favour: String,
    #[serde(default)]
    held_on: String,
}

impl ResignationForm {
    fn request(&self) -> Result<term::ResignationRequest, HttpError> {
        let (position, member) = sitting_member(&self.member)?;
        Ok(term::ResignationRequest {
            position,
            member,
            written_on: required_date(&self.written_on, "written_on", |t| t.tm_written_on)?,
            reason: self.reason.clone(),
            meeting: term::Meeting {
                members: required_whole(&self.meeting_members, "meeting", |t| {
                    t.tm_meeting_members
                })?,
                present: required_whole(&self.meeting_present, "meeting", |t| {
                    t.tm_meeting_present
                })?,
                in_favour: required_whole(&self.meeting_in_favour, "meeting", |t| {
                    t.tm_meeting_in_favour
                })?,
                held_on: date(&self.held_on, "held_on", |t| t.tm_held_on)?,
            },
        })
    }
}

/// `POST /elections/{id}/term/resignations`: a written resignation and the
/// meeting's decision (R-CERT-5, R-OWN-2).
pub async fn resign(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path(election_id): Path<String>,
    Form(form): Form<ResignationForm>,
) -> Result<Response, PageError> {
    step(
        state,
        principal,
        lang,
        election_id,
        |state, election, by| async move {
            let request = form.request()?;
            term::resign(&*state.store, &election, &request, &by, state.clock.now()).await?;
            Ok(String::new())
        },
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
pub struct ByElectionForm {
    #[serde(default)]
    position: String,
    #[serde(default)]
    election_day: String,
    /// One candidate a line: the name, then the gender (M/F, 男/女).
    #[serde(default)]
    candidates: String,
}

/// One line of the candidates box: `钱进 男`, `孙丽，F`, `Li Lei M`. A
/// line without a recognisable gender keeps the whole line as the name and
/// an empty gender, which the use case refuses naming the line.
fn candidate_line(line: &str) -> crate::tally::RoundCandidate {
    let line = line.trim();
    let split = line
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace() || matches!(c, ',' | '，' | '、' | ';' | '；'))
        .map(|(i, c)| (line[..i].trim(), line[i + c.len_utf8()..].trim()));
    let gender = |g: &str| match g {
        "M" | "m" | "男" => Some("M"),
        "F" | "f" | "女" => Some("F"),
        _ => None,
    };
    match split.and_then(|(name, g)| gender(g).map(|g| (name, g))) {
        Some((name, g)) => crate::tally::RoundCandidate {
            name: name.to_owned(),
            gender: g.to_owned(),
        },
        None => crate::tally::RoundCandidate {
            name: line.to_owned(),
            gender: String::new(),
        },
    }
}

impl ByElectionForm {
    fn request(&self) -> Result<term::ByElectionRequest, HttpError> {
        Ok(term::ByElectionRequest {
            position: self.position.trim().to_owned(),
            election_day: required_date(&self.election_day, "election_day", |t| t.tm_by_day)?,
            candidates: self
                .candidates
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(candidate_line)
                .collect(),
        })
    }
}

/// `POST /elections/{id}/term/by-elections`: a by-election for a
/// position's vacant seats (R-CERT-5); back here with a link to its vote.
pub async fn call_by_election(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path(election_id): Path<String>,
    Form(form): Form<ByElectionForm>,
) -> Result<Response, PageError> {
    step(
        state,
        principal,
        lang,
        election_id,
        |state, election, by| async move {
            let request = form.request()?;
            let (_, vote) =
                term::call_by_election(&*state.store, &election, &request, &by, state.clock.now())
                    .await?;
            Ok(format!("&vote={}", vote.id))
        },
    )
    .await
}

/// `POST /elections/{id}/term/by-elections/{n}/close`: its vote certified,
/// who was elected sits from now on.
pub async fn close_by_election(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path((election_id, number)): Path<(String, u32)>,
) -> Result<Response, PageError> {
    step(
        state,
        principal,
        lang,
        election_id,
        |state, election, by| async move {
            term::close_by_election(&*state.store, &election, number, &by, state.clock.now())
                .await?;
            Ok(String::new())
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_candidate_line_gives_name_and_gender() {
        let c = candidate_line(" 钱进 男 ");
        assert_eq!((c.name.as_str(), c.gender.as_str()), ("钱进", "M"));
        let c = candidate_line("孙丽，F");
        assert_eq!((c.name.as_str(), c.gender.as_str()), ("孙丽", "F"));
        let c = candidate_line("Li Lei m");
        assert_eq!((c.name.as_str(), c.gender.as_str()), ("Li Lei", "M"));
        // No gender: the whole line, refused later naming the line.
        let c = candidate_line("王五");
        assert_eq!((c.name.as_str(), c.gender.as_str()), ("王五", ""));
        let c = candidate_line("王五 X");
        assert_eq!((c.name.as_str(), c.gender.as_str()), ("王五 X", ""));
    }

    #[test]
    fn a_member_choice_is_position_and_name() {
        assert_eq!(
            sitting_member("member:欧阳:娜").unwrap(),
            ("member".to_owned(), "欧阳:娜".to_owned())
        );
        assert!(sitting_member("").is_err());
        assert!(sitting_member("member:").is_err());
    }

    #[test]
    fn form_numbers_and_dates_are_refused_naming_the_field() {
        let err = required_whole("x", "signatures", |t| t.tm_signatures).unwrap_err();
        assert!(err.message().in_lang(Lang::Zh).contains(ZH.tm_signatures));
        assert!(required_whole(" ", "signatures", |t| t.tm_signatures).is_err());
        assert_eq!(whole("", "s", |t| t.tm_signatures).unwrap(), None);
        assert!(date("2026-13-01", "d", |t| t.tm_vote_day).is_err());
        assert_eq!(
            date("2026-12-01", "d", |t| t.tm_vote_day).unwrap(),
            NaiveDate::from_ymd_opt(2026, 12, 1)
        );
    }
}
