//! First-run set-up over the API: `GET` says whether it is still needed,
//! `POST {code, username, password}` creates the first committee account.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::sessions::session_body;
use super::ApiJson;
use crate::accounts;
use crate::error::HttpError;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct SetupRequest {
    #[serde(default)]
    code: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

pub async fn status(State(state): State<AppState>) -> Result<Json<Value>, HttpError> {
    let needed = state.store.count_users().await? == 0;
    Ok(Json(json!({ "setup_needed": needed })))
}

pub async fn claim(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<SetupRequest>,
) -> Result<(StatusCode, Json<Value>), HttpError> {
    let started =
        accounts::first_run_setup(&state, &req.code, &req.username, &req.password).await?;
    Ok((StatusCode::CREATED, Json(session_body(&started))))
}
