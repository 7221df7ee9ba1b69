//! The term's API (issue 7, item 5): the committee in office, recalls
//! (R-CERT-4), resignations and by-elections (R-CERT-5). Reading is for
//! anyone who may see the election; every step is the committee's.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{json, Value};

use super::roll::election_for;
use super::{to_json, ApiJson};
use crate::auth::Principal;
use crate::error::HttpError;
use crate::state::AppState;
use crate::term;

/// `GET /elections/{id}/term`: members, vacancies and every event.
pub async fn show(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
) -> Result<Json<Value>, HttpError> {
    let election = election_for(&state, &principal, &election_id).await?;
    let t = term::term(&*state.store, &election).await?;
    Ok(Json(term::term_json(&t)))
}

/// `POST /elections/{id}/recalls`: a recall request (201).
pub async fn request_recall(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
    ApiJson(input): ApiJson<term::RecallRequest>,
) -> Result<(StatusCode, Json<Value>), HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let e = term::request_recall(
        &*state.store,
        &election,
        &input,
        &principal.username(),
        state.clock.now(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(term::event_json(&e))))
}

#[derive(Debug, Deserialize)]
pub struct Answer {
    pub text: String,
}

/// `POST /elections/{id}/recalls/{n}/answer {text}`: the member's answer.
pub async fn answer(
    State(state): State<AppState>,
    principal: Principal,
    Path((election_id, number)): Path<(String, u32)>,
    ApiJson(input): ApiJson<Answer>,
) -> Result<Json<Value>, HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let e = term::answer_recall(
        &*state.store,
        &election,
        number,
        &input.text,
        &principal.username(),
        state.clock.now(),
    )
    .await?;
    Ok(Json(term::event_json(&e)))
}

#[derive(Debug, Deserialize)]
pub struct VoteDay {
    pub election_day: NaiveDate,
}

/// `POST /elections/{id}/recalls/{n}/vote {election_day}`: the recall vote,
/// an election of its own (201 with it).
pub async fn vote(
    State(state): State<AppState>,
    principal: Principal,
    Path((election_id, number)): Path<(String, u32)>,
    ApiJson(input): ApiJson<VoteDay>,
) -> Result<(StatusCode, Json<Value>), HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let (e, vote) = term::start_recall_vote(
        &*state.store,
        &election,
        number,
        input.election_day,
        &principal.username(),
        state.clock.now(),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "event": term::event_json(&e), "vote": to_json(&vote)? })),
    ))
}

/// `POST /elections/{id}/recalls/{n}/decision`: decides the recall from
/// its certified vote.
pub async fn decide(
    State(state): State<AppState>,
    principal: Principal,
    Path((election_id, number)): Path<(String, u32)>,
) -> Result<Json<Value>, HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let e = term::decide_recall(
        &*state.store,
        &election,
        number,
        &principal.username(),
        state.clock.now(),
    )
    .await?;
    Ok(Json(term::event_json(&e)))
}

/// `POST /elections/{id}/resignations`: a written resignation and the
/// meeting's decision (201).
pub async fn resign(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
    ApiJson(input): ApiJson<term::ResignationRequest>,
) -> Result<(StatusCode, Json<Value>), HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let e = term::resign(
        &*state.store,
        &election,
        &input,
        &principal.username(),
        state.clock.now(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(term::event_json(&e))))
}

/// `POST /elections/{id}/by-elections`: a by-election for a position's
/// vacant seats (201 with the event and the vote).
pub async fn by_election(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
    ApiJson(input): ApiJson<term::ByElectionRequest>,
) -> Result<(StatusCode, Json<Value>), HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let (e, vote) = term::call_by_election(
        &*state.store,
        &election,
        &input,
        &principal.username(),
        state.clock.now(),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "event": term::event_json(&e), "vote": to_json(&vote)? })),
    ))
}

/// `POST /elections/{id}/by-elections/{n}/close`: the by-election is held
/// (its vote certified); its winners sit from now on.
pub async fn close_by_election(
    State(state): State<AppState>,
    principal: Principal,
    Path((election_id, number)): Path<(String, u32)>,
) -> Result<Json<Value>, HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let e = term::close_by_election(
        &*state.store,
        &election,
        number,
        &principal.username(),
        state.clock.now(),
    )
    .await?;
    Ok(Json(term::event_json(&e)))
}
