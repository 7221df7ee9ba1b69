//! Accounts: a committee member adds observers (or fellow members).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::ApiJson;
use crate::accounts;
use crate::auth::Principal;
use crate::error::HttpError;
use crate::state::AppState;

fn default_role() -> String {
    "observer".to_owned()
}

#[derive(Debug, Deserialize)]
pub struct NewUserRequest {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    /// `observer` unless said otherwise.
    #[serde(default = "default_role")]
    role: String,
}

pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(req): ApiJson<NewUserRequest>,
) -> Result<(StatusCode, Json<Value>), HttpError> {
    principal.require_committee()?;
    let user = accounts::create_user(&state, &req.username, &req.password, &req.role).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "id": user.id,
            "username": user.username,
            "role": user.role,
            "created_at": user.created_at,
        })),
    ))
}
