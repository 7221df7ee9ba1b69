//! Elections: create (committee), list and show (everyone signed in; a
//! station clerk sees only the election their token is bound to).

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::Json;
use huanjie_store::Election;
use serde_json::{json, Value};

use super::{parse_id, ApiJson};
use crate::auth::Principal;
use crate::elections::{validate, ElectionInput};
use crate::error::HttpError;
use crate::profiles;
use crate::state::AppState;

pub async fn profiles(_principal: Principal) -> Json<Value> {
    Json(json!({ "profiles": profiles::builtin() }))
}

pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<Value>, HttpError> {
    let elections: Vec<Election> = state
        .store
        .list_elections()
        .await?
        .into_iter()
        .filter(|e| principal.can_see_election(e.id))
        .collect();
    Ok(Json(json!({ "elections": elections })))
}

pub async fn show(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
) -> Result<Json<Election>, HttpError> {
    let id = parse_id(&election_id)?;
    if !principal.can_see_election(id) {
        return Err(HttpError::Forbidden);
    }
    let election = state
        .store
        .get_election(id)
        .await?
        .ok_or(HttpError::NotFound)?;
    Ok(Json(election))
}

pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(input): ApiJson<ElectionInput>,
) -> Result<(StatusCode, HeaderMap, Json<Election>), HttpError> {
    principal.require_committee()?;
    let new = validate(&input).map_err(HttpError::Invalid)?;
    let election = state.store.create_election(&new, state.clock.now()).await?;
    tracing::info!(election_id = %election.id, title = %election.title, "election created");
    let mut headers = HeaderMap::new();
    if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/elections/{}", election.id)) {
        headers.insert(header::LOCATION, location);
    }
    Ok((StatusCode::CREATED, headers, Json(election)))
}
