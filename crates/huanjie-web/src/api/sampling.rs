//! The sampling audit over the API (issue 8; docs/sampling-audit.md):
//!
//! - `POST /elections/{id}/sample-audits` `{seed, size}` (committee):
//!   draws once every station's polls are closed (R-CNT-1); 201 with the
//!   audit and its drawn serials;
//! - `GET /elections/{id}/sample-audits`: every audit with its totals;
//! - `GET /elections/{id}/sample-audits/{number}`: one audit, each drawn
//!   serial with the marks recorded for it and its finding;
//! - `POST /elections/{id}/sample-audits/{number}/findings`
//!   `{serial, finding: match|discrepancy, note}` (committee), once per
//!   serial;
//! - `GET /elections/{id}/sample-audits/{number}/report.pdf`;
//! - `GET /elections/{id}/sample-audits/{number}/population.txt`: the
//!   sorted counted serials the audit was drawn from, one per line (their
//!   SHA-256 is the audit's fingerprint), to redo the draw.
//!
//! Readers are the committee and observers (the public too where the
//! election's observer portal is public); a station clerk's token works
//! at one station and has no part in an election-wide audit. Why findings
//! are the committee's: `crate::sampling`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

use super::roll::election_for;
use super::{to_json, ApiJson};
use crate::auth::Principal;
use crate::error::HttpError;
use crate::sampling::{self, FindingRequest, StartRequest};
use crate::state::AppState;

/// `POST /elections/{id}/sample-audits` (committee).
pub async fn start(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
    ApiJson(input): ApiJson<StartRequest>,
) -> Result<(StatusCode, Json<Value>), HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let audit = sampling::start(
        &*state.store,
        &election,
        &input,
        &principal.username(),
        state.clock.now(),
    )
    .await?;
    let view = sampling::show(&*state.store, &election, audit.number).await?;
    Ok((StatusCode::CREATED, Json(to_json(&view)?)))
}

/// `GET /elections/{id}/sample-audits`.
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
) -> Result<Json<Value>, HttpError> {
    principal.require_reader()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let audits = state.store.list_sample_audits(election.id).await?;
    Ok(Json(json!({
        "algorithm": huanjie_core::sampling::ALGORITHM,
        "audits": to_json(&audits)?,
    })))
}

/// `GET /elections/{id}/sample-audits/{number}`.
pub async fn show(
    State(state): State<AppState>,
    principal: Principal,
    Path((election_id, number)): Path<(String, String)>,
) -> Result<Json<Value>, HttpError> {
    principal.require_reader()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let view = sampling::show(&*state.store, &election, number_of(&number)?).await?;
    Ok(Json(to_json(&view)?))
}

/// `POST /elections/{id}/sample-audits/{number}/findings` (committee).
pub async fn record(
    State(state): State<AppState>,
    principal: Principal,
    Path((election_id, number)): Path<(String, String)>,
    ApiJson(input): ApiJson<FindingRequest>,
) -> Result<(StatusCode, Json<Value>), HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let ballot = sampling::record(
        &*state.store,
        &election,
        number_of(&number)?,
        &input,
        &principal.username(),
        state.clock.now(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(to_json(&ballot)?)))
}

/// `GET /elections/{id}/sample-audits/{number}/report.pdf`.
pub async fn report(
    State(state): State<AppState>,
    principal: Principal,
    Path((election_id, number)): Path<(String, String)>,
) -> Result<axum::response::Response, HttpError> {
    principal.require_reader()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let number = number_of(&number)?;
    let today = crate::registration::today(state.clock.now());
    let pdf = sampling::report(&*state.store, &election, number, today).await?;
    Ok(crate::pdf::download(
        pdf,
        "application/pdf",
        &format!("sample-audit-{number}.pdf"),
    ))
}

/// `GET /elections/{id}/sample-audits/{number}/population.txt`.
pub async fn population(
    State(state): State<AppState>,
    principal: Principal,
    Path((election_id, number)): Path<(String, String)>,
) -> Result<axum::response::Response, HttpError> {
    principal.require_reader()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let number = number_of(&number)?;
    let text = sampling::population(&*state.store, &election, number).await?;
    Ok(crate::pdf::download(
        text.into_bytes(),
        "text/plain; charset=utf-8",
        &format!("sample-audit-{number}-population.txt"),
    ))
}

/// An audit's number in a path; anything else names nothing.
fn number_of(raw: &str) -> Result<u64, HttpError> {
    raw.parse().map_err(|_| HttpError::NotFound)
}
