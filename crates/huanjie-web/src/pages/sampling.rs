//! The sampling audit as a page (issue 8): `/elections/{id}/sample-audits`.
//!
//! The committee types the seed rolled at the count and a size and draws;
//! every audit is listed, newest first, with its seed, algorithm,
//! population and fingerprint, its totals, a link to the report PDF, and
//! each drawn serial (printed form, to find the paper) with the marks
//! recorded for it and how it was decided if it went to a person. Beside
//! each serial still pending the committee records match or discrepancy
//! (with a note). Observers read. Both forms call the same use cases as
//! the API (`crate::sampling`); a refusal is shown in words with its rule
//! id.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use huanjie_store::{Election, Finding, Role};
use serde::Deserialize;

use super::count::{china_time, no_store};
use super::{election_of, refusal_alert, render, Chrome, PageError};
use crate::auth::{MaybePrincipal, Principal};
use crate::error::{FieldError, HttpError};
use crate::i18n::{fill, Lang, Texts};
use crate::sampling::{AuditView, BallotView, FindingRequest, StartRequest};
use crate::state::AppState;

struct BallotRow {
    position: u64,
    serial: String,
    serial_compact: String,
    station: String,
    recorded: Vec<String>,
    reviewed: Option<String>,
    /// `match`, `discrepancy` or empty (pending).
    finding: &'static str,
    finding_label: &'static str,
    note: String,
    by: String,
}

struct AuditBlock {
    number: u64,
    heading: String,
    seed: String,
    algorithm: String,
    size: u64,
    population: u64,
    fingerprint: String,
    started: String,
    matches: u64,
    discrepancies: u64,
    pending: u64,
    report: String,
    population_list: String,
    findings_action: String,
    ballots: Vec<BallotRow>,
}

#[derive(Template)]
#[template(path = "sampling.html")]
struct SamplingPage {
    chrome: Chrome,
    election_id: String,
    election_title: String,
    committee: bool,
    alert: Option<String>,
    flash: Option<String>,
    seed: String,
    size: String,
    audits: Vec<AuditBlock>,
}

fn row(b: &BallotView, t: &Texts) -> BallotRow {
    let recorded = match &b.counted {
        Some(r) => r.lines(t),
        None => vec![t.sa_not_decided.to_owned()],
    };
    let reviewed = (!b.review.is_empty()).then(|| {
        fill(
            t.sa_reviewed,
            &[b.decided_by.as_deref().unwrap_or(t.sa_not_decided)],
        )
    });
    let (finding, finding_label, note, by) = match &b.finding {
        None => ("", t.sa_pending, String::new(), String::new()),
        Some(f) => (
            f.finding.as_str(),
            match f.finding {
                Finding::Match => t.sa_matches,
                Finding::Discrepancy => t.sa_discrepancies,
            },
            f.note.clone(),
            format!(
                "{} · {}",
                f.recorded_by,
                china_time(f.recorded_at, "%Y-%m-%d %H:%M")
            ),
        ),
    };
    BallotRow {
        position: b.position,
        serial: b.serial.clone(),
        serial_compact: b.serial_compact.clone(),
        station: format!(
            "{} · {}",
            b.station_name,
            fill(t.rv_receipt, &[&b.number.to_string()])
        ),
        recorded,
        reviewed,
        finding,
        finding_label,
        note,
        by,
    }
}

fn block(election: &Election, v: &AuditView, t: &Texts) -> AuditBlock {
    let a = &v.audit;
    AuditBlock {
        number: a.number,
        heading: fill(t.sa_audit, &[&a.number.to_string()]),
        seed: a.seed.clone(),
        algorithm: a.algorithm.clone(),
        size: a.size,
        population: a.population,
        fingerprint: a.population_sha256.clone(),
        started: format!(
            "{} · {}",
            a.started_by,
            china_time(a.started_at, "%Y-%m-%d %H:%M")
        ),
        matches: a.matches,
        discrepancies: a.discrepancies,
        pending: a.pending,
        report: format!(
            "/api/v1/elections/{}/sample-audits/{}/report.pdf",
            election.id, a.number
        ),
        population_list: format!(
            "/api/v1/elections/{}/sample-audits/{}/population.txt",
            election.id, a.number
        ),
        findings_action: format!(
            "/elections/{}/sample-audits/{}/findings",
            election.id, a.number
        ),
        ballots: v.ballots.iter().map(|b| row(b, t)).collect(),
    }
}

/// Committee members and observers; a clerk's token is for one station.
fn reader(principal: &Principal, election: &Election) -> Result<bool, HttpError> {
    if !principal.can_see_election(election.id) {
        return Err(HttpError::Forbidden);
    }
    principal.require_reader()?;
    Ok(principal.role() == Role::Committee)
}

struct Shown {
    alert: Option<String>,
    flash: Option<String>,
    seed: String,
    size: String,
}

async fn page(
    state: &AppState,
    principal: &Principal,
    lang: Lang,
    election: &Election,
    shown: Shown,
) -> Result<SamplingPage, HttpError> {
    let committee = reader(principal, election)?;
    let t = lang.texts();
    let audits = crate::sampling::all(&*state.store, election).await?;
    let path = format!("/elections/{}/sample-audits", election.id);
    Ok(SamplingPage {
        chrome: Chrome::new(lang, &path, Some(principal)),
        election_id: election.id.to_string(),
        election_title: election.title.clone(),
        committee,
        alert: shown.alert,
        flash: shown.flash,
        seed: shown.seed,
        size: shown.size,
        audits: audits.iter().map(|a| block(election, a, t)).collect(),
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct Params {
    /// After a draw: its number.
    started: Option<u64>,
    /// After a finding.
    recorded: Option<u64>,
}

/// `GET /elections/{id}/sample-audits`.
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
    let flash = match (params.started, params.recorded) {
        (Some(n), _) => Some(fill(t.sa_started_flash, &[&n.to_string()])),
        (None, Some(_)) => Some(t.sa_recorded_flash.to_owned()),
        _ => None,
    };
    let shown = Shown {
        alert: None,
        flash,
        seed: String::new(),
        size: String::new(),
    };
    let view = page(&state, &principal, lang, &election, shown)
        .await
        .map_err(|e| PageError::new(e, lang))?;
    Ok(no_store(render(StatusCode::OK, &view)))
}

#[derive(Debug, Default, Deserialize)]
pub struct StartForm {
    #[serde(default)]
    seed: String,
    #[serde(default)]
    size: String,
}

/// A refusal shown above the forms, what was typed kept.
async fn refused(
    state: &AppState,
    principal: &Principal,
    lang: Lang,
    election: &Election,
    err: HttpError,
    seed: String,
    size: String,
) -> Result<Response, PageError> {
    if let HttpError::Internal(e) = err {
        return Err(PageError::new(HttpError::Internal(e), lang));
    }
    err.log();
    let alert = match &err {
        HttpError::Invalid(fields) => fields
            .iter()
            .map(|f| f.in_lang(lang).to_owned())
            .collect::<Vec<_>>()
            .join("；"),
        other => refusal_alert(other, lang),
    };
    let shown = Shown {
        alert: Some(alert),
        flash: None,
        seed,
        size,
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

/// `POST /elections/{id}/sample-audits` (committee): draws.
pub async fn start(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path(election_id): Path<String>,
    Form(form): Form<StartForm>,
) -> Result<Response, PageError> {
    let principal = committee_of(principal, lang)?;
    let election = election_of(&state, &election_id, lang).await?;
    let Ok(size) = form.size.trim().parse::<u64>() else {
        let err = HttpError::Invalid(vec![FieldError::new(
            "size",
            |t| t.sa_size,
            "sample_size_not_a_number",
            |t| t.sa_bad_size,
            &[],
        )]);
        return refused(
            &state, &principal, lang, &election, err, form.seed, form.size,
        )
        .await;
    };
    let input = StartRequest {
        seed: form.seed.clone(),
        size,
    };
    match crate::sampling::start(
        &*state.store,
        &election,
        &input,
        &principal.username(),
        state.clock.now(),
    )
    .await
    {
        Ok(audit) => Ok(Redirect::to(&format!(
            "/elections/{}/sample-audits?started={}#audit-{}",
            election.id, audit.number, audit.number
        ))
        .into_response()),
        Err(err) => {
            refused(
                &state, &principal, lang, &election, err, form.seed, form.size,
            )
            .await
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct FindingForm {
    #[serde(default)]
    serial: String,
    #[serde(default)]
    finding: String,
    #[serde(default)]
    note: String,
}

/// `POST /elections/{id}/sample-audits/{number}/findings` (committee).
pub async fn record(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path((election_id, number)): Path<(String, String)>,
    Form(form): Form<FindingForm>,
) -> Result<Response, PageError> {
    let principal = committee_of(principal, lang)?;
    let election = election_of(&state, &election_id, lang).await?;
    let number: u64 = number
        .parse()
        .map_err(|_| PageError::new(HttpError::NotFound, lang))?;
    let input = FindingRequest {
        serial: form.serial,
        finding: form.finding,
        note: form.note,
    };
    match crate::sampling::record(
        &*state.store,
        &election,
        number,
        &input,
        &principal.username(),
        state.clock.now(),
    )
    .await
    {
        Ok(b) => Ok(Redirect::to(&format!(
            "/elections/{}/sample-audits?recorded={number}#sa-{number}-{}",
            election.id, b.position
        ))
        .into_response()),
        Err(err) => {
            refused(
                &state,
                &principal,
                lang,
                &election,
                err,
                String::new(),
                String::new(),
            )
            .await
        }
    }
}
