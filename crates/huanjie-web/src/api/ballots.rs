//! Ballot batches and serials over the API (issue 5). The committee prints
//! batches, checks and voids serials; observers see the manifests (not the
//! serials); station clerks see nothing here yet (scanning is issue 6).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::roll::election_for;
use super::{to_json, ApiJson};
use crate::auth::Principal;
use crate::ballots::{self, BatchRequest};
use crate::error::HttpError;
use crate::state::AppState;

/// `POST /elections/{id}/ballot-batches` `{"station","count","style"?}`:
/// records a batch and answers its manifest and its serials (printed
/// form), for the committee only.
pub async fn print_batch(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
    ApiJson(input): ApiJson<BatchRequest>,
) -> Result<(StatusCode, Json<Value>), HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let printed = ballots::print_batch(
        &*state.store,
        &election,
        &input,
        &principal.username(),
        state.clock.now(),
    )
    .await?;
    let serials: Vec<String> = printed.serials.iter().map(ToString::to_string).collect();
    Ok((
        StatusCode::CREATED,
        Json(json!({ "batch": to_json(&printed.batch)?, "serials": serials })),
    ))
}

/// `GET /elections/{id}/ballot-batches`: the manifests, oldest first.
pub async fn list_batches(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
) -> Result<Json<Value>, HttpError> {
    principal.require_reader()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let batches = state.store.list_batches(election.id).await?;
    Ok(Json(json!({ "batches": to_json(&batches)? })))
}

#[derive(Debug, Deserialize)]
pub struct SerialInput {
    serial: String,
    #[serde(default)]
    batch: Option<u16>,
    #[serde(default)]
    reason: String,
}

/// `POST /elections/{id}/serials/check` `{"serial","batch"?}`.
pub async fn check_serial(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
    ApiJson(input): ApiJson<SerialInput>,
) -> Result<Json<Value>, HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let (check, _) =
        ballots::check_serial(&*state.store, &election, &input.serial, input.batch).await?;
    Ok(Json(to_json(&check)?))
}

/// `POST /elections/{id}/serials/void` `{"serial","reason"}`: a spoiled
/// ballot, voided by its serial.
pub async fn void_serial(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
    ApiJson(input): ApiJson<SerialInput>,
) -> Result<Json<Value>, HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let voided = ballots::void_serial(
        &*state.store,
        &election,
        &input.serial,
        &input.reason,
        state.clock.now(),
    )
    .await?;
    Ok(Json(to_json(&voided)?))
}

#[derive(Debug, Deserialize)]
pub struct PdfParams {
    #[serde(default)]
    paper: Option<String>,
}

fn paper(params: &PdfParams) -> Result<huanjie_print::Paper, HttpError> {
    huanjie_print::Paper::parse(params.paper.as_deref().unwrap_or("a4")).ok_or_else(|| {
        HttpError::BadRequest(crate::error::Message {
            code: "paper",
            zh: "纸张（paper）：应为 a4 或 a3".into(),
            en: "paper: must be a4 or a3".into(),
        })
    })
}

/// `GET /elections/{id}/ballot-batches/{batch}/pdf[?paper=a3]`: the batch's
/// ballots, one page each, for the committee only (the serials are the
/// ballots themselves). Streamed as it is written; for progress, use a
/// print job instead.
pub async fn batch_pdf(
    State(state): State<AppState>,
    principal: Principal,
    Path((election_id, batch)): Path<(String, String)>,
    axum::extract::Query(params): axum::extract::Query<PdfParams>,
) -> Result<axum::response::Response, HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let batch = super::parse_id(&batch)?;
    let body = ballots::batch_pdf(&*state.store, &election, batch, paper(&params)?).await?;
    Ok(crate::pdf::download_body(
        body,
        "application/pdf",
        "ballots.pdf",
    ))
}

/// `GET /elections/{id}/ballots/preview[?paper=a3]`: a specimen ballot
/// (样票, its serial valid for no batch); anyone who may read the election.
pub async fn preview(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
    axum::extract::Query(params): axum::extract::Query<PdfParams>,
) -> Result<axum::response::Response, HttpError> {
    principal.require_reader()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let pdf = ballots::preview(&*state.store, &election, paper(&params)?).await?;
    Ok(crate::pdf::download(
        pdf,
        "application/pdf",
        "ballot-specimen.pdf",
    ))
}

/// `POST /elections/{id}/ballot-batches/{batch}/print-jobs[?paper=a3]`:
/// starts writing the batch's PDF; answers 202 with the job (its `done`
/// and `total` pages). Committee only.
pub async fn start_print_job(
    State(state): State<AppState>,
    principal: Principal,
    Path((election_id, batch)): Path<(String, String)>,
    axum::extract::Query(params): axum::extract::Query<PdfParams>,
) -> Result<(StatusCode, Json<Value>), HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let batch = super::parse_id(&batch)?;
    let job = state
        .print_jobs
        .start(&*state.store, &election, batch, paper(&params)?)
        .await?;
    Ok((StatusCode::ACCEPTED, Json(to_json(&job.view())?)))
}

/// `GET /elections/{id}/print-jobs/{job}`: how far a print job got.
pub async fn print_job(
    State(state): State<AppState>,
    principal: Principal,
    Path((election_id, job)): Path<(String, String)>,
) -> Result<Json<Value>, HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let job = state
        .print_jobs
        .get(election.id, super::parse_id(&job)?)
        .ok_or(HttpError::NotFound)?;
    Ok(Json(to_json(&job.view())?))
}

/// `GET /elections/{id}/print-jobs/{job}/pdf`: a finished job's PDF (409
/// while it is still running or if it failed).
pub async fn print_job_pdf(
    State(state): State<AppState>,
    principal: Principal,
    Path((election_id, job)): Path<(String, String)>,
) -> Result<axum::response::Response, HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let job = state
        .print_jobs
        .get(election.id, super::parse_id(&job)?)
        .ok_or(HttpError::NotFound)?;
    let view = job.view();
    if let crate::print_jobs::JobState::Failed {
        message_zh,
        message_en,
    } = view.state
    {
        return Err(HttpError::Conflict(crate::error::Message {
            code: "print_job_failed",
            zh: message_zh,
            en: message_en,
        }));
    }
    let path = job
        .file()
        .ok_or_else(|| crate::print_jobs::not_ready(&view))?;
    let body = crate::print_jobs::stream_file(path).await?;
    let name = format!("ballots-batch-{}.pdf", job.batch_number);
    Ok(crate::pdf::download_body(body, "application/pdf", &name))
}
