//! The homeowners' assembly over the API (R-OWN-1; issue 7, item 6), for
//! elections of a homeowners' committee only:
//!
//! - `POST /elections/{id}/homeowners/register`, the units register (CSV)
//!   as the body (committee): 200 with the owners, or 422 naming every
//!   bad row by line, column and rule;
//! - `GET /elections/{id}/homeowners/register`: owners with totals;
//! - `GET|POST /elections/{id}/homeowners/matters` (`{"kind":
//!   "ordinary"|"special", "title"}`, committee): every matter with its
//!   votes and result;
//! - `GET /elections/{id}/homeowners/matters/{number}`: one matter;
//! - `POST /elections/{id}/homeowners/matters/{number}/votes` (`{"owner",
//!   "choice", "mode": "written"|"in_person"}`, committee): written votes
//!   as received, in-person votes as cast; one per owner.
//!
//! See [`crate::homeowners`] for the rules.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

use super::roll::election_for;
use super::{to_json, ApiJson};
use crate::auth::Principal;
use crate::error::HttpError;
use crate::homeowners::{self, MatterRequest, VoteRequest};
use crate::state::AppState;

fn matter_number(raw: &str) -> Result<u32, HttpError> {
    raw.parse().map_err(|_| HttpError::NotFound)
}

/// `POST /elections/{id}/homeowners/register` (committee).
pub async fn import(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let view = homeowners::import_register(
        &*state.store,
        &election,
        &body,
        &principal.username(),
        state.clock.now(),
    )
    .await?;
    Ok(Json(to_json(&view)?))
}

/// `GET /elections/{id}/homeowners/register`.
pub async fn register(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
) -> Result<Json<Value>, HttpError> {
    principal.require_reader()?;
    let election = election_for(&state, &principal, &election_id).await?;
    match homeowners::register(&*state.store, &election).await? {
        Some(view) => Ok(Json(to_json(&view)?)),
        None => Err(HttpError::NotFound),
    }
}

/// `GET /elections/{id}/homeowners/matters`.
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
) -> Result<Json<Value>, HttpError> {
    principal.require_reader()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let matters = homeowners::matters(&*state.store, &election).await?;
    Ok(Json(json!({ "matters": to_json(&matters)? })))
}

/// `POST /elections/{id}/homeowners/matters` (committee).
pub async fn add(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
    ApiJson(input): ApiJson<MatterRequest>,
) -> Result<(StatusCode, Json<Value>), HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let m = homeowners::add_matter(
        &*state.store,
        &election,
        &input,
        &principal.username(),
        state.clock.now(),
    )
    .await?;
    let view = homeowners::matter(&*state.store, &election, m.number).await?;
    Ok((StatusCode::CREATED, Json(to_json(&view)?)))
}

/// `GET /elections/{id}/homeowners/matters/{number}`.
pub async fn show(
    State(state): State<AppState>,
    principal: Principal,
    Path((election_id, number)): Path<(String, String)>,
) -> Result<Json<Value>, HttpError> {
    principal.require_reader()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let view = homeowners::matter(&*state.store, &election, matter_number(&number)?).await?;
    Ok(Json(to_json(&view)?))
}

/// `POST /elections/{id}/homeowners/matters/{number}/votes` (committee).
pub async fn vote(
    State(state): State<AppState>,
    principal: Principal,
    Path((election_id, number)): Path<(String, String)>,
    ApiJson(input): ApiJson<VoteRequest>,
) -> Result<(StatusCode, Json<Value>), HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let number = matter_number(&number)?;
    let recorded = homeowners::record_vote(
        &*state.store,
        &election,
        number,
        &input,
        &principal.username(),
        state.clock.now(),
    )
    .await?;
    let view = homeowners::matter(&*state.store, &election, number).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "vote": to_json(&recorded)?, "matter": to_json(&view)? })),
    ))
}
