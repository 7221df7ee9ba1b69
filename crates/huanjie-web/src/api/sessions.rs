//! Signing in and out over the API, and "who am I".

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::ApiJson;
use crate::accounts::{self, StartedSession};
use crate::auth::Principal;
use crate::error::HttpError;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct SignInRequest {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

/// The one time the session secret is shown.
pub fn session_body(started: &StartedSession) -> Value {
    json!({
        "token": started.secret,
        "expires_at": started.expires_at,
        "user": {
            "id": started.user.id,
            "username": started.user.username,
            "role": started.user.role,
        },
    })
}

pub async fn sign_in(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<SignInRequest>,
) -> Result<(StatusCode, Json<Value>), HttpError> {
    let started = accounts::sign_in(&state, &req.username, &req.password).await?;
    Ok((StatusCode::CREATED, Json(session_body(&started))))
}

pub async fn sign_out(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<StatusCode, HttpError> {
    match principal {
        Principal::User { session_hash, .. } => {
            accounts::sign_out(&state, session_hash).await?;
            Ok(StatusCode::NO_CONTENT)
        }
        // A station token is ended by revoking it, not by signing out.
        Principal::Clerk(_) => Err(HttpError::Forbidden),
        // A public portal's reader has no session to end.
        Principal::Public { .. } => Err(HttpError::Unauthenticated),
    }
}

pub async fn current(principal: Principal) -> Result<Json<Value>, HttpError> {
    me(principal).await
}

pub async fn me(principal: Principal) -> Result<Json<Value>, HttpError> {
    Ok(Json(match &principal {
        Principal::User {
            user, expires_at, ..
        } => json!({
            "role": user.role,
            "user": { "id": user.id, "username": user.username, "role": user.role },
            "expires_at": expires_at,
        }),
        Principal::Clerk(token) => json!({
            "role": "clerk",
            "election_id": token.election_id,
            "station": token.station,
            "expires_at": token.expires_at,
        }),
        Principal::Public { election_id } => json!({
            "role": "observer",
            "election_id": election_id,
            "public": true,
        }),
    }))
}
