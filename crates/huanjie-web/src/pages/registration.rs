//! The registration page of an election after the import: the mode and
//! base, publication with the fingerprint, the change history, objections,
//! proxies and writing assistants (R-REG-4..6, R-POLL-4).
//!
//! One page, several small forms. Each form posts to its own address, does
//! its one step through the same use cases as the API, and comes back here
//! (Post/Redirect/Get); a refusal is shown on the page in plain words with
//! its rule id, and nothing is written.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use huanjie_core::registration::deadline;
use huanjie_core::registration::mode::Mode;
use huanjie_store::{
    Election, ObjectionDecision, ObjectionKind, ObjectionStatus, RegistrationSetup, ResidentEdit,
    Role, RollChangeKind,
};
use serde::Deserialize;

use super::election_of as election;
use super::{render, require_user, Chrome, PageError};
use crate::auth::{MaybePrincipal, Principal};
use crate::error::{HttpError, RuleRefusal};
use crate::i18n::{Lang, Texts};
use crate::registration as regn;
use crate::state::AppState;

struct ProblemRow {
    rule: &'static str,
    message: String,
}

struct ChangeRow {
    seq: u32,
    at: String,
    author: String,
    what: String,
    reason: String,
}

struct ObjectionRow {
    id: String,
    number: u32,
    lodger: String,
    subject: String,
    kind: &'static str,
    /// The kind's code, which decides the change the decision form offers.
    kind_code: &'static str,
    /// Whether the objection names a resident of the list.
    has_subject: bool,
    claim: String,
    status: &'static str,
    lodged: bool,
    decision: String,
    answered: bool,
    answer_due: String,
}

struct ProxyRow {
    id: String,
    grantor: String,
    grantor_group: String,
    proxy: String,
    proxy_group: String,
    document: String,
    approved_on: String,
    revoked: bool,
}

struct AssistantRow {
    voter: String,
    assistant: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "registration.html")]
struct RegistrationPage {
    chrome: Chrome,
    election_id: String,
    election_title: String,
    election_day: String,
    alert: Option<String>,
    saved: bool,
    modes: Vec<(&'static str, &'static str, bool)>,
    voluntary: bool,
    voters: u64,
    waived: u64,
    registered: u64,
    publish_by: String,
    objections_by: String,
    answers_by: String,
    proxies_by: String,
    problems: Vec<ProblemRow>,
    timing_warning: Option<String>,
    published: bool,
    published_on: String,
    published_by: String,
    late_days: Option<u32>,
    fingerprint: String,
    current_fingerprint: String,
    changes: Vec<ChangeRow>,
    objections: Vec<ObjectionRow>,
    kinds: Vec<(&'static str, &'static str)>,
    proxies: Vec<ProxyRow>,
    assistants: Vec<AssistantRow>,
}

fn mode_label(m: Mode, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => m.zh(),
        Lang::En => m.en(),
    }
}

fn kind_label(k: ObjectionKind, t: &Texts) -> &'static str {
    match k {
        ObjectionKind::Omission => t.obj_kind_omission,
        ObjectionKind::WrongEntry => t.obj_kind_wrong_entry,
        ObjectionKind::Duplicate => t.obj_kind_duplicate,
        ObjectionKind::WrongDetails => t.obj_kind_wrong_details,
        ObjectionKind::Other => t.obj_kind_other,
    }
}

fn status_label(s: ObjectionStatus, t: &Texts) -> &'static str {
    match s {
        ObjectionStatus::Lodged => t.obj_status_lodged,
        ObjectionStatus::Upheld => t.obj_status_upheld,
        ObjectionStatus::Rejected => t.obj_status_rejected,
    }
}

/// Splits a fingerprint into groups of 8 so a person can compare it.
fn grouped(fp: &str) -> String {
    fp.as_bytes()
        .chunks(8)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

async fn view(
    state: &AppState,
    principal: &Principal,
    lang: Lang,
    election: &Election,
    alert: Option<String>,
    saved: bool,
) -> Result<RegistrationPage, HttpError> {
    let t = lang.texts();
    let committee = principal.role() == Role::Committee;
    let rules = regn::rules(election)?;
    let status = regn::status(&*state.store, election, state.clock.now()).await?;
    let setup = status.state.setup;
    let publication = status.state.publication.clone();
    let pick = |zh: &str, en: &str| match lang {
        Lang::Zh => zh.to_owned(),
        Lang::En => en.to_owned(),
    };
    let changes = state
        .store
        .roll_changes(election.id)
        .await?
        .iter()
        .map(|c| {
            let c = regn::change_for(c, committee);
            let fields = c
                .fields
                .iter()
                .map(|f| {
                    format!(
                        "{}: {} → {}",
                        f.field,
                        f.before.as_deref().unwrap_or("—"),
                        f.after.as_deref().unwrap_or("—")
                    )
                })
                .collect::<Vec<_>>()
                .join("; ");
            ChangeRow {
                seq: c.seq,
                at: regn::today(c.at).to_string(),
                author: c.author.clone(),
                what: format!(
                    "{} {} {}: {}",
                    c.kind, c.resident_name, c.resident_id, fields
                ),
                reason: c.reason.clone(),
            }
        })
        .collect();
    let objections = state
        .store
        .list_objections(election.id)
        .await?
        .iter()
        .map(|o| ObjectionRow {
            id: o.id.to_string(),
            number: o.number,
            lodger: o.lodger.clone(),
            subject: o.subject.clone(),
            kind: kind_label(o.kind, t),
            kind_code: o.kind.code(),
            has_subject: o.subject_resident.is_some(),
            claim: o.claim.clone(),
            status: status_label(o.status, t),
            lodged: o.status == ObjectionStatus::Lodged,
            decision: o.decision.clone().unwrap_or_default(),
            answered: o.answered_on.is_some(),
            answer_due: regn::answer_deadline(o, election, &rules).to_string(),
        })
        .collect();
    let mask = |id: &str| {
        if committee {
            id.to_owned()
        } else {
            huanjie_core::resident_id::mask(id)
        }
    };
    let proxies = state
        .store
        .list_proxies(election.id)
        .await?
        .iter()
        .map(|p| ProxyRow {
            id: p.id.to_string(),
            grantor: format!("{} {}", p.grantor.name, mask(&p.grantor.resident_id)),
            grantor_group: p.grantor.group.clone(),
            proxy: format!("{} {}", p.proxy.name, mask(&p.proxy.resident_id)),
            proxy_group: p.proxy.group.clone(),
            document: p.document.clone(),
            approved_on: regn::today(p.approved_at).to_string(),
            revoked: p.revoked_at.is_some(),
        })
        .collect();
    let assistants = state
        .store
        .list_assistants(election.id)
        .await?
        .iter()
        .map(|a| AssistantRow {
            voter: format!("{} {}", a.voter.name, mask(&a.voter.resident_id)),
            assistant: a.assistant.clone(),
            reason: a.reason.clone(),
        })
        .collect();
    Ok(RegistrationPage {
        chrome: Chrome::new(
            lang,
            &format!("/elections/{}/registration", election.id),
            Some(principal),
        ),
        election_id: election.id.to_string(),
        election_title: election.title.clone(),
        election_day: election.election_day.to_string(),
        alert,
        saved,
        modes: Mode::ALL
            .into_iter()
            .map(|m| (m.code(), mode_label(m, lang), m == setup.mode))
            .collect(),
        voluntary: setup.voluntary,
        voters: status.voters,
        waived: status.waived,
        registered: status.registered,
        publish_by: status.deadlines.publish_by.to_string(),
        objections_by: status.deadlines.objections_lodged_by.to_string(),
        answers_by: status.deadlines.objections_answered_by.to_string(),
        proxies_by: status.deadlines.proxies_lodged_by.to_string(),
        problems: status
            .problems
            .iter()
            .map(|p| ProblemRow {
                rule: p.rule,
                message: pick(&p.message, &p.message_en),
            })
            .collect(),
        timing_warning: match &status.publication_timing {
            Some(Err(zh)) if lang == Lang::Zh => Some(zh.clone()),
            Some(Err(_)) => {
                deadline::check_publication(status.today, election.election_day, &rules)
                    .err()
                    .map(|l| l.message_en())
            }
            _ => None,
        },
        published: publication.is_some(),
        published_on: publication
            .as_ref()
            .map(|p| p.published_on.to_string())
            .unwrap_or_default(),
        published_by: publication
            .as_ref()
            .map(|p| p.published_by.clone())
            .unwrap_or_default(),
        late_days: publication.as_ref().and_then(|p| p.late_days),
        fingerprint: publication
            .as_ref()
            .map(|p| grouped(&p.fingerprint))
            .unwrap_or_default(),
        current_fingerprint: publication
            .as_ref()
            .map(|p| grouped(&p.current_fingerprint))
            .unwrap_or_default(),
        changes,
        objections,
        kinds: ObjectionKind::ALL
            .into_iter()
            .map(|k| (k.code(), kind_label(k, t)))
            .collect(),
        proxies,
        assistants,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct ShowParams {
    saved: Option<String>,
}

/// `GET /elections/{id}/registration`.
pub async fn show(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path(election_id): Path<String>,
    Query(params): Query<ShowParams>,
) -> Result<Response, PageError> {
    let principal = require_user(principal, lang)?;
    let election = election(&state, &election_id, lang).await?;
    let page = view(
        &state,
        &principal,
        lang,
        &election,
        None,
        params.saved.is_some(),
    )
    .await
    .map_err(|e| PageError::new(e, lang))?;
    Ok(render(StatusCode::OK, &page))
}

/// Runs one committee step; on success back to the page, on a refusal the
/// page again with the refusal in words (and its rule id).
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
    Fut: std::future::Future<Output = Result<(), HttpError>>,
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
        Ok(()) => Ok(Redirect::to(&format!(
            "/elections/{}/registration?saved=1#{anchor}",
            election.id
        ))
        .into_response()),
        Err(HttpError::Internal(e)) => Err(PageError::new(HttpError::Internal(e), lang)),
        Err(err) => {
            err.log();
            let status = err.status();
            let alert = super::refusal_alert(&err, lang);
            let page = view(&state, &principal, lang, &election, Some(alert), false)
                .await
                .map_err(|e| PageError::new(e, lang))?;
            Ok(render(status, &page))
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct SetupForm {
    mode: String,
    voluntary: Option<String>,
}

/// `POST /elections/{id}/registration/setup`.
pub async fn save_setup(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path(election_id): Path<String>,
    Form(form): Form<SetupForm>,
) -> Result<Response, PageError> {
    step(
        state,
        principal,
        lang,
        election_id,
        "setup",
        |state, election, _| async move {
            let mode = Mode::parse(&form.mode).ok_or_else(|| {
                HttpError::from(RuleRefusal::new(
                    "mode",
                    huanjie_core::rule::REG_6,
                    "选举方式无法识别".into(),
                    "unknown election mode".into(),
                ))
            })?;
            let setup = RegistrationSetup {
                mode,
                voluntary: form.voluntary.is_some(),
            };
            Ok(state
                .store
                .set_registration_setup(election.id, &setup)
                .await?)
        },
    )
    .await
}

/// `POST /elections/{id}/registration/publish`.
pub async fn publish(
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
        "publication",
        |state, election, by| async move {
            regn::publish(&*state.store, &election, &by, state.clock.now())
                .await
                .map(|_| ())
        },
    )
    .await
}

/// `POST /elections/{id}/registration/objections`.
pub async fn lodge_objection(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path(election_id): Path<String>,
    Form(form): Form<regn::ObjectionRequest>,
) -> Result<Response, PageError> {
    step(
        state,
        principal,
        lang,
        election_id,
        "objections",
        |state, election, by| async move {
            regn::lodge_objection(&*state.store, &election, &form, &by, state.clock.now())
                .await
                .map(|_| ())
        },
    )
    .await
}

/// A decision, with the change an upheld objection makes to the list:
/// an omitted voter added (`add_*`), the subject struck off (`strike`), or
/// the subject's entry corrected (`edit_*`). Fields left empty change
/// nothing.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DecisionForm {
    upheld: String,
    reason: String,
    add_name: String,
    add_resident_id: String,
    add_gender: String,
    add_group: String,
    add_household: String,
    add_address: String,
    strike: String,
    edit_name: String,
    edit_group: String,
    edit_household: String,
    edit_address: String,
}

fn filled(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

/// The change an upheld decision makes, from the form; `None` for none.
async fn decision_change(
    state: &AppState,
    election: &Election,
    objection: uuid::Uuid,
    form: &DecisionForm,
) -> Result<Option<RollChangeKind>, HttpError> {
    if form.upheld != "1" {
        return Ok(None);
    }
    if filled(&form.add_name).is_some() || filled(&form.add_resident_id).is_some() {
        let input = regn::ResidentInput {
            name: form.add_name.trim().to_owned(),
            gender: form.add_gender.trim().to_owned(),
            resident_id: form.add_resident_id.trim().to_owned(),
            group: form.add_group.trim().to_owned(),
            household: form.add_household.trim().to_owned(),
            address: form.add_address.trim().to_owned(),
            ..regn::ResidentInput::default()
        };
        return Ok(Some(
            regn::add_change(&*state.store, election, &input).await?,
        ));
    }
    let o = regn::objection_of(&*state.store, election, objection).await?;
    let Some(subject) = o.subject_resident else {
        return Ok(None);
    };
    let edit = if form.strike == "1" {
        ResidentEdit {
            exclusion: Some(Some("struck_off".to_owned())),
            ..ResidentEdit::default()
        }
    } else {
        ResidentEdit {
            name: filled(&form.edit_name),
            group: filled(&form.edit_group),
            household: filled(&form.edit_household),
            address: filled(&form.edit_address),
            ..ResidentEdit::default()
        }
    };
    Ok(
        (edit != ResidentEdit::default()).then_some(RollChangeKind::Edit {
            resident: subject,
            edit,
        }),
    )
}

/// A page path id that is not a UUID names nothing.
fn path_id(raw: &str) -> Result<uuid::Uuid, HttpError> {
    uuid::Uuid::parse_str(raw).map_err(|_| HttpError::NotFound)
}

/// `POST /elections/{id}/registration/objections/{objection}/decision`:
/// the decision and, when upheld, its change to the list in the same step.
pub async fn decide_objection(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path((election_id, objection)): Path<(String, String)>,
    Form(form): Form<DecisionForm>,
) -> Result<Response, PageError> {
    step(
        state,
        principal,
        lang,
        election_id,
        "objections",
        |state, election, by| async move {
            let upheld = form.upheld == "1";
            let now = state.clock.now();
            let id = path_id(&objection)?;
            let change = decision_change(&state, &election, id, &form).await?;
            let decision = ObjectionDecision {
                upheld,
                reason: form.reason,
                by,
                change,
            };
            regn::decide_objection(&*state.store, &election, id, decision, now)
                .await
                .map(|_| ())
        },
    )
    .await
}

/// `POST /elections/{id}/registration/objections/{objection}/answer`.
pub async fn answer_objection(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path((election_id, objection)): Path<(String, String)>,
) -> Result<Response, PageError> {
    step(
        state,
        principal,
        lang,
        election_id,
        "objections",
        |state, election, by| async move {
            let id = path_id(&objection)?;
            regn::answer_objection(&*state.store, &election, id, &by, state.clock.now())
                .await
                .map(|_| ())
        },
    )
    .await
}

/// `POST /elections/{id}/registration/proxies`.
pub async fn register_proxy(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path(election_id): Path<String>,
    Form(form): Form<regn::ProxyRequest>,
) -> Result<Response, PageError> {
    step(
        state,
        principal,
        lang,
        election_id,
        "proxies",
        |state, election, by| async move {
            regn::register_proxy(&*state.store, &election, &form, &by, state.clock.now())
                .await
                .map(|_| ())
        },
    )
    .await
}

/// `POST /elections/{id}/registration/proxies/{proxy}/revoke`.
pub async fn revoke_proxy(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path((election_id, proxy)): Path<(String, String)>,
) -> Result<Response, PageError> {
    step(
        state,
        principal,
        lang,
        election_id,
        "proxies",
        |state, election, by| async move {
            let id = path_id(&proxy)?;
            regn::revoke_proxy(&*state.store, &election, id, &by, state.clock.now())
                .await
                .map(|_| ())
        },
    )
    .await
}

/// `POST /elections/{id}/registration/assistants`.
pub async fn record_assistant(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path(election_id): Path<String>,
    Form(form): Form<regn::AssistantRequest>,
) -> Result<Response, PageError> {
    step(
        state,
        principal,
        lang,
        election_id,
        "assistants",
        |state, election, by| async move {
            regn::record_assistant(&*state.store, &election, &form, &by, state.clock.now())
                .await
                .map(|_| ())
        },
    )
    .await
}
