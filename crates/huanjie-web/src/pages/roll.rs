//! The voter-registration page of an election: import the resident roll
//! (committee), see the report, search the roll.

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use huanjie_store::{Election, Resident, Role};

use super::election_of as election;
use super::{render, require_user, Chrome, PageError};
use crate::api::roll::SearchParams;
use crate::auth::{MaybePrincipal, Principal};
use crate::error::{HttpError, Message};
use crate::i18n::{Lang, Texts};
use crate::roll::{self, mask_id, RollImport};
use crate::state::AppState;

/// Rows of search results a page shows.
const PAGE_ROWS: u32 = 100;

/// One problem of a refused roll, in the reader's language.
struct ErrorRow {
    row: usize,
    column: String,
    value: String,
    rule: &'static str,
    reason: String,
}

/// One kind of exclusion and how many it keeps off the list.
struct ExclusionRow {
    reason: String,
    rule: &'static str,
    count: usize,
}

/// The outcome of an import, ready to show.
struct ReportView {
    accepted: bool,
    headline: String,
    /// Whether the counts below belong to this report (not after a redirect,
    /// where the roll's own summary above shows them).
    counts: bool,
    rows: usize,
    voters: usize,
    not_registered: usize,
    exclusions: Vec<ExclusionRow>,
    errors: Vec<ErrorRow>,
}

impl ReportView {
    fn new(r: &RollImport, lang: Lang) -> Self {
        let t = lang.texts();
        let pick = |zh: &str, en: &str| match lang {
            Lang::Zh => zh.to_owned(),
            Lang::En => en.to_owned(),
        };
        let headline = match (&r.file_error, r.accepted, r.written) {
            (Some(f), _, _) => format!(
                "{} {}",
                t.err_roll_rejected,
                pick(&f.message, &f.message_en)
            ),
            (None, true, true) => t.roll_accepted_written.to_owned(),
            (None, true, false) => t.roll_accepted_dry_run.to_owned(),
            (None, false, _) => t.err_roll_rejected.to_owned(),
        };
        ReportView {
            accepted: r.accepted,
            headline,
            counts: true,
            rows: r.summary.rows,
            voters: r.summary.voters,
            not_registered: r.summary.not_registered,
            exclusions: r
                .summary
                .not_registered_by_kind
                .iter()
                .map(|k| ExclusionRow {
                    reason: pick(&k.message_zh, &k.message_en),
                    rule: k.rule,
                    count: k.count,
                })
                .collect(),
            errors: r
                .summary
                .errors
                .iter()
                .map(|e| ErrorRow {
                    row: e.row,
                    column: match lang {
                        Lang::Zh => e.column.zh().to_owned(),
                        Lang::En => e.column.en().to_owned(),
                    },
                    value: e.value.clone(),
                    rule: e.rule,
                    reason: pick(&e.message_zh, &e.message_en),
                })
                .collect(),
        }
    }
}

impl ReportView {
    /// The notice shown after the redirect that follows a written import.
    fn written(lang: Lang) -> Self {
        ReportView {
            accepted: true,
            headline: lang.texts().roll_accepted_written.to_owned(),
            rows: 0,
            voters: 0,
            not_registered: 0,
            exclusions: Vec::new(),
            errors: Vec::new(),
            counts: false,
        }
    }
}

/// One search result as the role may see it.
struct ResidentRow {
    name: String,
    gender: &'static str,
    resident_id: String,
    group: String,
    household: String,
    voter: bool,
}

impl ResidentRow {
    fn new(r: &Resident, role: Role, t: &Texts) -> Self {
        ResidentRow {
            name: r.name.clone(),
            gender: if r.gender == "F" {
                t.gender_female
            } else {
                t.gender_male
            },
            resident_id: if role == Role::Committee {
                r.resident_id.clone()
            } else {
                mask_id(&r.resident_id)
            },
            group: r.group.clone(),
            household: r.household.clone(),
            voter: r.exclusion.is_none(),
        }
    }
}

#[derive(Template)]
#[template(path = "roll.html")]
struct RollPage {
    chrome: Chrome,
    election_id: String,
    election_title: String,
    election_day: String,
    residents: u64,
    voters: u64,
    groups: Vec<(String, u64)>,
    imported_at: String,
    report: Option<ReportView>,
    q_name: String,
    q_id: String,
    q_group: String,
    q_voters_only: bool,
    results_label: String,
    results: Vec<ResidentRow>,
}

async fn page(
    state: &AppState,
    principal: &Principal,
    lang: Lang,
    election: &Election,
    params: &SearchParams,
    report: Option<ReportView>,
) -> Result<RollPage, PageError> {
    let fail = |e: huanjie_store::StoreError| PageError::new(e.into(), lang);
    let summary = state.store.roll_summary(election.id).await.map_err(fail)?;
    let mut query = params.query();
    query.limit = query.limit.min(PAGE_ROWS);
    let (total, results) = if summary.residents > 0 {
        let found = state
            .store
            .search_residents(election.id, &query)
            .await
            .map_err(fail)?;
        let t = lang.texts();
        let rows = found
            .residents
            .iter()
            .map(|r| ResidentRow::new(r, principal.role(), t))
            .collect();
        (found.total, rows)
    } else {
        (0, Vec::new())
    };
    Ok(RollPage {
        chrome: Chrome::new(
            lang,
            &format!("/elections/{}/roll", election.id),
            Some(principal),
        ),
        election_id: election.id.to_string(),
        election_title: election.title.clone(),
        election_day: election.election_day.format("%Y-%m-%d").to_string(),
        residents: summary.residents,
        voters: summary.voters,
        groups: summary.groups,
        imported_at: summary
            .imported_at
            .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
            .unwrap_or_default(),
        report,
        q_name: query.name.unwrap_or_default(),
        q_id: query.resident_id.unwrap_or_default(),
        q_group: query.group.unwrap_or_default(),
        q_voters_only: query.voters_only,
        results_label: crate::i18n::fill(lang.texts().roll_results, &[&total.to_string()]),
        results,
    })
}

/// `GET /elections/{id}/roll`: summary, import form, search.
pub async fn show(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path(election_id): Path<String>,
    Query(params): Query<SearchParams>,
) -> Result<Response, PageError> {
    let principal = require_user(principal, lang)?;
    let election = election(&state, &election_id, lang).await?;
    // After a written import (Post/Redirect/Get): say so above the summary.
    let notice = params.imported.is_some().then(|| ReportView::written(lang));
    let view = page(&state, &principal, lang, &election, &params, notice).await?;
    Ok(render(StatusCode::OK, &view))
}

/// `POST /elections/{id}/roll` (multipart: `file`, `dry_run`): import and
/// show the report on the same page.
pub async fn upload(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path(election_id): Path<String>,
    mut form: Multipart,
) -> Result<Response, PageError> {
    let principal = require_user(principal, lang)?;
    principal
        .require_committee()
        .map_err(|e| PageError::new(e, lang))?;
    let election = election(&state, &election_id, lang).await?;
    let bad_form = || {
        PageError::new(
            HttpError::BadRequest(Message::from_table("roll_empty", |t| t.err_roll_empty, &[])),
            lang,
        )
    };
    let mut bytes = Vec::new();
    let mut dry_run = false;
    while let Some(field) = form.next_field().await.map_err(|_| bad_form())? {
        match field.name() {
            Some("file") => bytes = field.bytes().await.map_err(|_| bad_form())?.to_vec(),
            Some("dry_run") => dry_run = true,
            _ => {}
        }
    }
    if bytes.is_empty() {
        return Err(bad_form());
    }
    let outcome = roll::import(&*state.store, &election, bytes, dry_run, state.clock.now())
        .await
        .map_err(|e| PageError::new(e.into(), lang))?;
    tracing::info!(
        election_id = %election.id,
        rows = outcome.summary.rows,
        errors = outcome.summary.errors.len(),
        accepted = outcome.accepted,
        written = outcome.written,
        "roll import (page)"
    );
    if outcome.written {
        // Post/Redirect/Get: a refresh must not offer to import again.
        return Ok(
            Redirect::to(&format!("/elections/{}/roll?imported=1", election.id)).into_response(),
        );
    }
    let status = if outcome.accepted {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let report = ReportView::new(&outcome, lang);
    let view = page(
        &state,
        &principal,
        lang,
        &election,
        &SearchParams::default(),
        Some(report),
    )
    .await?;
    Ok(render(status, &view))
}
