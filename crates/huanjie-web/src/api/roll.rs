//! The resident roll of an election: import (committee), summary and
//! search (committee sees full resident IDs; observers see them masked;
//! station clerks see nothing of the roll).

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use huanjie_store::{Election, Resident, ResidentQuery, Role};
use serde::Deserialize;
use serde_json::{json, Value};

use super::parse_id;
use crate::auth::Principal;
use crate::error::{HttpError, Message};
use crate::roll::{self, mask_id, RollImportError};
use crate::state::AppState;

/// The most rows one search returns.
const MAX_LIMIT: u32 = 500;

impl From<RollImportError> for HttpError {
    fn from(err: RollImportError) -> Self {
        match err {
            RollImportError::Store(e) => e.into(),
            other => HttpError::Internal(anyhow::Error::new(other)),
        }
    }
}

pub(crate) async fn election_for(
    state: &AppState,
    principal: &Principal,
    raw_id: &str,
) -> Result<Election, HttpError> {
    let id = parse_id(raw_id)?;
    if !principal.can_see_election(id) {
        return Err(HttpError::Forbidden);
    }
    state
        .store
        .get_election(id)
        .await?
        .ok_or(HttpError::NotFound)
}

#[derive(Debug, Default, Deserialize)]
pub struct ImportParams {
    #[serde(default)]
    dry_run: Option<String>,
}

fn truthy(v: Option<&str>) -> bool {
    matches!(v, Some("1" | "true" | "yes" | "on"))
}

/// `POST /elections/{id}/roll[?dry_run=true]`, the file as the body (CSV
/// or XLSX). 200 when accepted; 422 with the full report when refused.
pub async fn import(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
    Query(params): Query<ImportParams>,
    body: Bytes,
) -> Result<Response, HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    if body.is_empty() {
        return Err(HttpError::BadRequest(Message::from_table(
            "roll_empty",
            |t| t.err_roll_empty,
            &[],
        )));
    }
    let dry_run = truthy(params.dry_run.as_deref());
    let outcome = roll::import(
        &*state.store,
        &election,
        body.to_vec(),
        dry_run,
        state.clock.now(),
    )
    .await?;
    // Counts only: rows may hold resident IDs, which never go to logs.
    tracing::info!(
        election_id = %election.id,
        rows = outcome.summary.rows,
        voters = outcome.summary.voters,
        errors = outcome.summary.errors.len(),
        accepted = outcome.accepted,
        written = outcome.written,
        "roll import"
    );
    let mut body = serde_json::to_value(&outcome).map_err(|e| HttpError::Internal(e.into()))?;
    if outcome.accepted {
        return Ok((StatusCode::OK, Json(body)).into_response());
    }
    let message = Message::from_table("roll_rejected", |t| t.err_roll_rejected, &[]);
    if let Value::Object(map) = &mut body {
        map.insert(
            "error".into(),
            serde_json::to_value(&message).unwrap_or(Value::Null),
        );
    }
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response())
}

/// `GET /elections/{id}/roll`: how many residents and voters, by group.
pub async fn summary(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
) -> Result<Json<Value>, HttpError> {
    principal.require_reader()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let s = state.store.roll_summary(election.id).await?;
    let groups: Vec<Value> = s
        .groups
        .iter()
        .map(|(group, voters)| json!({ "group": group, "voters": voters }))
        .collect();
    Ok(Json(json!({
        "residents": s.residents,
        "voters": s.voters,
        "groups": groups,
        "imported_at": s.imported_at,
    })))
}

#[derive(Debug, Default, Deserialize)]
pub struct SearchParams {
    name: Option<String>,
    resident_id: Option<String>,
    group: Option<String>,
    voters_only: Option<String>,
    limit: Option<u32>,
    offset: Option<u64>,
    /// Page only: set by the redirect after an import was written.
    pub imported: Option<String>,
}

impl SearchParams {
    pub fn query(&self) -> ResidentQuery {
        let nonblank = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        ResidentQuery {
            name: nonblank(&self.name),
            resident_id: nonblank(&self.resident_id),
            group: nonblank(&self.group),
            voters_only: truthy(self.voters_only.as_deref()),
            limit: self.limit.unwrap_or(50).min(MAX_LIMIT),
            offset: self.offset.unwrap_or(0),
        }
    }
}

/// One resident as a role may see them: observers get a masked ID and no
/// address.
pub fn resident_json(r: &Resident, role: Role) -> Value {
    let full = role == Role::Committee;
    json!({
        "id": r.id,
        "row": r.row,
        "resident_id": if full { r.resident_id.clone() } else { mask_id(&r.resident_id) },
        "name": r.name,
        "gender": r.gender,
        "group": r.group,
        "household": r.household,
        "address": if full { Value::from(r.address.clone()) } else { Value::Null },
        "category": r.category,
        "voter": r.exclusion.is_none(),
        "exclusion": r.exclusion,
        "waived": r.waived,
        "voluntary": r.voluntary,
        "household_representative": r.household_representative,
        "residents_representative": r.residents_representative,
    })
}

/// `GET /elections/{id}/residents?name=&resident_id=&group=&voters_only=&limit=&offset=`.
pub async fn search(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
    Query(params): Query<SearchParams>,
) -> Result<Json<Value>, HttpError> {
    let role = principal.role();
    if role == Role::Clerk {
        return Err(HttpError::Forbidden);
    }
    let election = election_for(&state, &principal, &election_id).await?;
    let page = state
        .store
        .search_residents(election.id, &params.query())
        .await?;
    let residents: Vec<Value> = page
        .residents
        .iter()
        .map(|r| resident_json(r, role))
        .collect();
    Ok(Json(json!({ "total": page.total, "residents": residents })))
}

/// `GET /roll-template.csv`: the roll template, UTF-8 with BOM for Excel.
pub async fn template_csv() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"roll-template.csv\"",
            ),
        ],
        huanjie_registration::template_csv(),
    )
        .into_response()
}

/// `GET /roll-template.xlsx`: the roll template with a notes sheet.
pub async fn template_xlsx() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"roll-template.xlsx\"",
            ),
        ],
        huanjie_registration::template_xlsx(),
    )
        .into_response()
}
