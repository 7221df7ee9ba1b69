//! Station tokens: a committee member issues one per polling station
//! (shown once), lists them (never the secret) and revokes them. The
//! station route is what a clerk's token opens: its own station only.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use huanjie_store::{Election, StationToken};
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

use super::{parse_id, ApiJson};
use crate::auth::Principal;
use crate::error::{FieldError, HttpError};
use crate::secrets::{self, STATION_TOKEN_PREFIX};
use crate::state::AppState;

/// The longest validity a token may be given: 30 days.
const MAX_VALID_HOURS: i64 = 24 * 30;

#[derive(Debug, Deserialize)]
pub struct IssueRequest {
    #[serde(default)]
    station: Value,
    /// Hours from now; the configured default when absent.
    #[serde(default)]
    valid_for_hours: Value,
}

fn token_view(token: &StationToken, now: chrono::DateTime<chrono::Utc>) -> Value {
    let status = if token.revoked_at.is_some() {
        "revoked"
    } else if token.expires_at <= now {
        "expired"
    } else {
        "active"
    };
    json!({
        "id": token.id,
        "election_id": token.election_id,
        "station": token.station,
        "created_at": token.created_at,
        "expires_at": token.expires_at,
        "revoked_at": token.revoked_at,
        "status": status,
    })
}

/// `S1`, `M1`, `central`: short codes that fit on a label and in a URL.
fn check_station(value: &Value) -> Result<String, FieldError> {
    let label = |t: &crate::i18n::Texts| t.field_station;
    match value {
        Value::Null => Err(FieldError::new(
            "station",
            label,
            "required",
            |t| t.rule_required,
            &[],
        )),
        Value::String(s) => {
            let s = s.trim();
            let ok = (1..=16).contains(&s.len())
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if s.is_empty() {
                Err(FieldError::new(
                    "station",
                    label,
                    "required",
                    |t| t.rule_required,
                    &[],
                ))
            } else if ok {
                Ok(s.to_owned())
            } else {
                Err(FieldError::new(
                    "station",
                    label,
                    "station_shape",
                    |t| t.rule_station_shape,
                    &[],
                ))
            }
        }
        _ => Err(FieldError::new(
            "station",
            label,
            "station_shape",
            |t| t.rule_station_shape,
            &[],
        )),
    }
}

fn check_hours(value: &Value, default: u32) -> Result<i64, FieldError> {
    let max = MAX_VALID_HOURS.to_string();
    let err = || {
        FieldError::new(
            "valid_for_hours",
            |t| t.field_valid_for_hours,
            "hours_range",
            |t| t.rule_hours_range,
            &[max.as_str()],
        )
    };
    match value {
        Value::Null => Ok(i64::from(default)),
        Value::Number(n) => match n.as_i64() {
            Some(h) if (1..=MAX_VALID_HOURS).contains(&h) => Ok(h),
            _ => Err(err()),
        },
        _ => Err(err()),
    }
}

async fn election_for_committee(
    state: &AppState,
    principal: &Principal,
    election_id: &str,
) -> Result<Election, HttpError> {
    principal.require_committee()?;
    let id = parse_id(election_id)?;
    state
        .store
        .get_election(id)
        .await?
        .ok_or(HttpError::NotFound)
}

pub async fn issue(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
    ApiJson(req): ApiJson<IssueRequest>,
) -> Result<(StatusCode, Json<Value>), HttpError> {
    let election = election_for_committee(&state, &principal, &election_id).await?;
    let station = check_station(&req.station);
    let hours = check_hours(&req.valid_for_hours, state.settings.station_token_hours);
    let (station, hours) = match (station, hours) {
        (Ok(s), Ok(h)) => (s, h),
        (s, h) => {
            return Err(HttpError::Invalid(
                s.err().into_iter().chain(h.err()).collect(),
            ))
        }
    };
    let secret = secrets::new_token(&state.rng, STATION_TOKEN_PREFIX)
        .map_err(|_| HttpError::Internal(anyhow::anyhow!("the system random source failed")))?;
    let now = state.clock.now();
    let token = state
        .store
        .create_station_token(
            election.id,
            &station,
            secret.hash,
            now,
            now + chrono::Duration::hours(hours),
        )
        .await?;
    tracing::info!(election_id = %election.id, station = %station, token_id = %token.id, "station token issued");
    let mut body = token_view(&token, now);
    if let Value::Object(map) = &mut body {
        map.insert("token".to_owned(), Value::String(secret.plain));
    }
    Ok((StatusCode::CREATED, Json(body)))
}

pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
) -> Result<Json<Value>, HttpError> {
    let election = election_for_committee(&state, &principal, &election_id).await?;
    let now = state.clock.now();
    let tokens: Vec<Value> = state
        .store
        .list_station_tokens(election.id)
        .await?
        .iter()
        .map(|t| token_view(t, now))
        .collect();
    Ok(Json(json!({ "station_tokens": tokens })))
}

pub async fn revoke(
    State(state): State<AppState>,
    principal: Principal,
    Path((election_id, token_id)): Path<(String, String)>,
) -> Result<StatusCode, HttpError> {
    let election = election_for_committee(&state, &principal, &election_id).await?;
    let token_id: Uuid = parse_id(&token_id)?;
    // The token must belong to this election, or the URL names nothing.
    let belongs = state
        .store
        .list_station_tokens(election.id)
        .await?
        .iter()
        .any(|t| t.id == token_id);
    if !belongs {
        return Err(HttpError::NotFound);
    }
    state
        .store
        .revoke_station_token(token_id, state.clock.now())
        .await?;
    tracing::info!(election_id = %election.id, token_id = %token_id, "station token revoked");
    Ok(StatusCode::NO_CONTENT)
}

/// A polling station's view of its election: the clerk's starting point
/// (counting entries will hang off this path).
pub async fn station(
    State(state): State<AppState>,
    principal: Principal,
    Path((election_id, station)): Path<(String, String)>,
) -> Result<Json<Value>, HttpError> {
    let id = parse_id(&election_id)?;
    principal.require_station(id, &station)?;
    let election = state
        .store
        .get_election(id)
        .await?
        .ok_or(HttpError::NotFound)?;
    Ok(Json(json!({
        "election": election,
        "station": station,
        "role": principal.role(),
    })))
}
