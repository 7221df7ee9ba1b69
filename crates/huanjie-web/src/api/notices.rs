//! `GET /elections/{id}/notices/{kind}`: the statutory notices of
//! nomination as PDFs (`crate::notices`); readers are the committee and
//! observers.

use axum::extract::{Path, State};
use axum::response::Response;

use super::roll::election_for;
use crate::auth::Principal;
use crate::error::HttpError;
use crate::notices;
use crate::pdf::download;
use crate::state::AppState;

pub async fn notice(
    State(state): State<AppState>,
    principal: Principal,
    Path((election_id, kind)): Path<(String, String)>,
) -> Result<Response, HttpError> {
    principal.require_reader()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let kind = kind.trim_end_matches(".pdf");
    let (announcement, serves) =
        notices::announcement(&*state.store, &election, kind, state.clock.now()).await?;
    let pdf = tokio::task::spawn_blocking(move || notices::render(&announcement, serves))
        .await
        .map_err(|e| HttpError::Internal(e.into()))??;
    Ok(download(pdf, "application/pdf", &format!("{kind}.pdf")))
}
