//! Observer access over the API (issue 8):
//!
//! - `GET /elections/{id}/observer-access`: `{"access": "public"|"token"}`
//!   (committee and observers);
//! - `PUT /elections/{id}/observer-access` `{"access": …}` (committee).
//!
//! See [`crate::observers`] for what each setting opens.

use axum::extract::{Path, State};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::roll::election_for;
use super::ApiJson;
use crate::auth::Principal;
use crate::error::HttpError;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct AccessInput {
    access: String,
}

/// `GET /elections/{id}/observer-access`.
pub async fn show(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
) -> Result<Json<Value>, HttpError> {
    principal.require_reader()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let access = state.store.observer_access(election.id).await?;
    Ok(Json(json!({ "access": access })))
}

/// `PUT /elections/{id}/observer-access` (committee).
pub async fn set(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
    ApiJson(input): ApiJson<AccessInput>,
) -> Result<Json<Value>, HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let access = crate::observers::parse_access(&input.access)?;
    crate::observers::set(&state, &election, access, &principal.username()).await?;
    Ok(Json(json!({ "access": access })))
}
