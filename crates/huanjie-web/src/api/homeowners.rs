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
use crate::homeowners::{self, committee, MatterRequest, VoteRequest};
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

// --- electing the homeowners' committee (R-OWN-1, R-BODY-6) -----------------
//
// - `GET|POST /elections/{id}/homeowners/committees` (`{"title", "seats":
//   5–11 odd, "candidates": [names]}`, committee): every committee election
//   with its outcome;
// - `GET /elections/{id}/homeowners/committees/{number}`: one, with each
//   candidate's area and owners for, why a candidate failed, the elected,
//   a tie at the last seat and the seats left unfilled;
// - `POST /elections/{id}/homeowners/committees/{number}/ballots`
//   (`{"owner", "mode", "for": [candidate numbers], "against": [...]}`,
//   committee): one owner's ballot, at most as many "for" as seats.

/// `GET /elections/{id}/homeowners/committees`.
pub async fn committees(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
) -> Result<Json<Value>, HttpError> {
    principal.require_reader()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let list = committee::committees(&*state.store, &election).await?;
    Ok(Json(json!({ "committees": to_json(&list)? })))
}

/// `POST /elections/{id}/homeowners/committees` (committee).
pub async fn add_committee(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
    ApiJson(input): ApiJson<committee::CommitteeRequest>,
) -> Result<(StatusCode, Json<Value>), HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let c = committee::add_committee(
        &*state.store,
        &election,
        &input,
        &principal.username(),
        state.clock.now(),
    )
    .await?;
    let view = committee::committee(&*state.store, &election, c.number).await?;
    Ok((StatusCode::CREATED, Json(to_json(&view)?)))
}

/// `GET /elections/{id}/homeowners/committees/{number}`.
pub async fn show_committee(
    State(state): State<AppState>,
    principal: Principal,
    Path((election_id, number)): Path<(String, String)>,
) -> Result<Json<Value>, HttpError> {
    principal.require_reader()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let view = committee::committee(&*state.store, &election, matter_number(&number)?).await?;
    Ok(Json(to_json(&view)?))
}

/// `POST /elections/{id}/homeowners/committees/{number}/ballots` (committee).
pub async fn committee_ballot(
    State(state): State<AppState>,
    principal: Principal,
    Path((election_id, number)): Path<(String, String)>,
    ApiJson(input): ApiJson<committee::BallotRequest>,
) -> Result<(StatusCode, Json<Value>), HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let number = matter_number(&number)?;
    let votes = committee::record_ballot(
        &*state.store,
        &election,
        number,
        &input,
        &principal.username(),
        state.clock.now(),
    )
    .await?;
    let view = committee::committee(&*state.store, &election, number).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "votes": to_json(&votes)?, "committee": to_json(&view)? })),
    ))
}
