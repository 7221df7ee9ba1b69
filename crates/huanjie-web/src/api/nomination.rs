//! Nomination over the API: seats, the election committee, nomination
//! papers, preliminary votes, the formal list, withdrawals and the
//! counting staff (R-BODY-1/2/5, R-NOM-1..6, R-POLL-2).
//!
//! The committee writes; observers read (no resident IDs appear here:
//! people are named and referred to by record id); station clerks see
//! nothing. Every rule refusal is a 422 (409 for a step that does not fit
//! where the election stands) naming the rule id.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::roll::election_for;
use super::{to_json, ApiJson};
use crate::auth::Principal;
use crate::error::HttpError;
use crate::nomination::{
    self as nom, MemberRequest, NominationRequest, RelationRequest, SeatsRequest, StaffRequest,
    VoteRequest, WithdrawalRequest,
};
use crate::state::AppState;

/// `GET /elections/{id}/nomination`: seats, committee, papers, nominees
/// with the formal selection as it stands, the formal list, staff and
/// the timeline.
pub async fn status(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
) -> Result<Json<Value>, HttpError> {
    principal.require_reader()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let status = nom::status(&*state.store, &election, state.clock.now()).await?;
    Ok(Json(to_json(&status)?))
}

/// `PUT /elections/{id}/seats` `{"seats":[{"position","seats"}],"reason"}`.
pub async fn set_seats(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
    ApiJson(input): ApiJson<SeatsRequest>,
) -> Result<Json<Value>, HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let plan = nom::set_seats(
        &*state.store,
        &election,
        &input,
        &principal.username(),
        state.clock.now(),
    )
    .await?;
    Ok(Json(to_json(&plan)?))
}

/// `PUT /elections/{id}/board` `{"board_size"}`: a board of supervisors'
/// whole size, checked with the employee seats (R-BODY-6).
pub async fn set_board_size(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
    ApiJson(input): ApiJson<nom::BoardRequest>,
) -> Result<Json<Value>, HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let size = nom::set_board_size(
        &*state.store,
        &election,
        &input,
        &principal.username(),
        state.clock.now(),
    )
    .await?;
    Ok(Json(to_json(&size)?))
}

/// `POST /elections/{id}/committee-members` `{"name","gender","role","resident"}`.
pub async fn add_member(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
    ApiJson(input): ApiJson<MemberRequest>,
) -> Result<(StatusCode, Json<Value>), HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let member = nom::add_member(&*state.store, &election, &input, state.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(to_json(&member)?)))
}

/// `POST /elections/{id}/nominations`
/// `{"kind","nominators":[…],"nominees":[{"resident","position"}],"nominated_by"}`.
pub async fn nominate(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
    ApiJson(input): ApiJson<NominationRequest>,
) -> Result<(StatusCode, Json<Value>), HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let outcome = nom::nominate(
        &*state.store,
        &election,
        &input,
        &principal.username(),
        state.clock.now(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(to_json(&outcome)?)))
}

#[derive(Debug, Deserialize)]
pub struct VotesInput {
    votes: Vec<VoteRequest>,
}

/// `PUT /elections/{id}/preliminary-votes` `{"votes":[{"resident","position","votes"}]}`.
pub async fn record_votes(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
    ApiJson(input): ApiJson<VotesInput>,
) -> Result<Json<Value>, HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let votes = nom::record_votes(&*state.store, &election, &input.votes).await?;
    Ok(Json(to_json(&votes)?))
}

/// `POST /elections/{id}/formal-list`: fixes and publishes the formal
/// candidates today.
pub async fn fix_formal_list(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
) -> Result<(StatusCode, Json<Value>), HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let outcome = nom::fix_formal_list(
        &*state.store,
        &election,
        &principal.username(),
        state.clock.now(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(to_json(&outcome)?)))
}

/// `POST /elections/{id}/formal-list/withdrawals` `{"resident","position","reason"}`.
pub async fn withdraw(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
    ApiJson(input): ApiJson<WithdrawalRequest>,
) -> Result<Json<Value>, HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let outcome = nom::withdraw(
        &*state.store,
        &election,
        &input,
        &principal.username(),
        state.clock.now(),
    )
    .await?;
    Ok(Json(to_json(&outcome)?))
}

/// `POST /elections/{id}/counting-staff` `{"resident","role","station"}`.
pub async fn appoint_staff(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
    ApiJson(input): ApiJson<StaffRequest>,
) -> Result<(StatusCode, Json<Value>), HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let staff = nom::appoint_staff(
        &*state.store,
        &election,
        &input,
        &principal.username(),
        state.clock.now(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(to_json(&staff)?)))
}

/// `GET /elections/{id}/arrangements`: polling hours, the registration
/// period and places, and the notices' wording.
pub async fn arrangements(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
) -> Result<Json<Value>, HttpError> {
    principal.require_reader()?;
    let election = election_for(&state, &principal, &election_id).await?;
    Ok(Json(to_json(
        &state.store.arrangements(election.id).await?,
    )?))
}

/// `PUT /elections/{id}/arrangements` (the whole document).
pub async fn set_arrangements(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
    ApiJson(input): ApiJson<huanjie_store::Arrangements>,
) -> Result<Json<Value>, HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let stored = nom::set_arrangements(&*state.store, &election, &input).await?;
    Ok(Json(to_json(&stored)?))
}

/// `POST /elections/{id}/relations` `{"a","b","kind"}`: two residents are
/// spouses or close relatives (R-POLL-2, R-BODY-4).
pub async fn record_relation(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
    ApiJson(input): ApiJson<RelationRequest>,
) -> Result<(StatusCode, Json<Value>), HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let relation =
        nom::record_relation(&*state.store, &election, &input, &principal.username()).await?;
    Ok((StatusCode::CREATED, Json(to_json(&relation)?)))
}

/// `POST /elections/{id}/recusals` `{"resident","office"}`: a resident holds
/// an office that bars them from the supervisory committee (R-BODY-4).
pub async fn record_recusal(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
    ApiJson(input): ApiJson<nom::RecusalRequest>,
) -> Result<(StatusCode, Json<Value>), HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let recusal = nom::record_recusal(
        &*state.store,
        &election,
        &input,
        &principal.username(),
        state.clock.now(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(to_json(&recusal)?)))
}

/// `GET /elections/{id}/recusals`: the recorded offices (committee only:
/// they name residents).
pub async fn recusals(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
) -> Result<Json<Value>, HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let list = state.store.list_recusals(election.id).await?;
    Ok(Json(json!({ "recusals": to_json(&list)? })))
}
