//! The ballots page of an election (issue 5): a specimen to look at
//! (样票, A4 or A3), a form to print (record) a batch for a polling
//! station, the batches with their manifest hashes and voided ballots,
//! each batch's PDF with its progress shown, and a form to void a spoiled
//! ballot by its serial.
//!
//! Built as the nomination page is: one page, one small form per step,
//! each posting to its own address, doing its step through the same use
//! cases as the API ([`crate::ballots`]) and coming back here
//! (Post/Redirect/Get). A refusal is shown on the page in plain words with
//! its rule id, and nothing is written. Observers read; clerks get 403.
//!
//! A batch's PDF is a plain GET form (paper A4 or A3) to the API's
//! streamed download, which works without any script; `/assets/ballots.js`
//! turns it into a print job (`…/print-jobs`, with the session cookie)
//! whose pages are counted in a `<progress>` until its download link
//! appears.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use huanjie_store::{Batch, Election};
use serde::Deserialize;

use super::election_of as election;
use super::{render, require_user, Chrome, PageError};
use crate::auth::{MaybePrincipal, Principal};
use crate::ballots::{self, BatchRequest};
use crate::error::{HttpError, Message};
use crate::i18n::{fill, Lang};
use crate::state::AppState;

/// How many hex digits of a manifest hash the table shows.
const SHORT_HASH: usize = 12;

struct BatchRow {
    id: String,
    number: u16,
    station: String,
    count: u64,
    voided: u64,
    printed_at: String,
    printed_by: String,
    hash: String,
    hash_short: String,
    /// “第1批 · 中心投票站 · 3张”, over the batch's print controls.
    line: String,
}

#[derive(Template)]
#[template(path = "ballots.html")]
struct BallotsPage {
    chrome: Chrome,
    election_id: String,
    election_title: String,
    election_day: String,
    alert: Option<String>,
    flash: Option<String>,
    /// The formal list is fixed: ballots can be printed (R-NOM-5).
    fixed: bool,
    batches: Vec<BatchRow>,
    total_count: u64,
    total_voided: u64,
    /// What was typed into the batch form, kept after a refusal.
    station: String,
    count: String,
    max_batch: u32,
}

fn row(b: &Batch, lang: Lang) -> BatchRow {
    BatchRow {
        line: fill(
            lang.texts().bal_batch_line,
            &[&b.number.to_string(), &b.station, &b.count.to_string()],
        ),
        id: b.id.to_string(),
        number: b.number,
        station: b.station.clone(),
        count: b.count,
        voided: b.voided,
        printed_at: b.printed_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        printed_by: b.printed_by.clone(),
        hash: b.serials_sha256.clone(),
        hash_short: b.serials_sha256.chars().take(SHORT_HASH).collect(),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ShowParams {
    /// After printing: the new batch's number.
    printed: Option<u16>,
    /// After voiding: the number of the batch the ballot was in.
    voided: Option<u16>,
}

async fn view(
    state: &AppState,
    principal: &Principal,
    lang: Lang,
    election: &Election,
    alert: Option<String>,
    params: &ShowParams,
    typed: &BatchForm,
) -> Result<BallotsPage, HttpError> {
    let t = lang.texts();
    let fixed = state.store.formal_list(election.id).await?.is_some();
    let batches: Vec<BatchRow> = state
        .store
        .list_batches(election.id)
        .await?
        .iter()
        .map(|b| row(b, lang))
        .collect();
    let flash = match (params.printed, params.voided) {
        (Some(n), _) => batches
            .iter()
            .find(|b| b.number == n)
            .map(|b| fill(t.bal_printed_flash, &[&n.to_string(), &b.count.to_string()])),
        (None, Some(n)) => Some(fill(t.bal_voided_flash, &[&n.to_string()])),
        (None, None) => None,
    };
    Ok(BallotsPage {
        chrome: Chrome::new(
            lang,
            &format!("/elections/{}/ballots", election.id),
            Some(principal),
        ),
        election_id: election.id.to_string(),
        election_title: election.title.clone(),
        election_day: election.election_day.to_string(),
        alert,
        flash,
        fixed,
        total_count: batches.iter().map(|b| b.count).sum(),
        total_voided: batches.iter().map(|b| b.voided).sum(),
        batches,
        station: typed.station.clone(),
        count: typed.count.clone(),
        max_batch: ballots::MAX_BATCH,
    })
}

/// `GET /elections/{id}/ballots`.
pub async fn show(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path(election_id): Path<String>,
    Query(params): Query<ShowParams>,
) -> Result<Response, PageError> {
    let principal = require_user(principal, lang)?;
    let election = election(&state, &election_id, lang).await?;
    let page = view(
        &state,
        &principal,
        lang,
        &election,
        None,
        &params,
        &BatchForm::default(),
    )
    .await
    .map_err(|e| PageError::new(e, lang))?;
    Ok(render(StatusCode::OK, &page))
}

/// Runs one committee step; on success back to the page (with the query
/// the step returns), on a refusal the page again with the refusal in
/// words and its rule id, and what was typed into the batch form.
async fn step<F, Fut>(
    state: AppState,
    principal: MaybePrincipal,
    lang: Lang,
    election_id: String,
    typed: BatchForm,
    run: F,
) -> Result<Response, PageError>
where
    F: FnOnce(AppState, Election, String) -> Fut,
    Fut: std::future::Future<Output = Result<String, HttpError>>,
{
    let principal = require_user(principal, lang)?;
    principal
        .require_committee()
        .map_err(|e| PageError::new(e, lang))?;
    let election = election(&state, &election_id, lang).await?;
    let by = principal
        .user()
        .map_or_else(String::new, |u| u.username.clone());
    match run(state.clone(), election.clone(), by).await {
        Ok(query) => Ok(
            Redirect::to(&format!("/elections/{}/ballots?{query}", election.id)).into_response(),
        ),
        Err(HttpError::Internal(e)) => Err(PageError::new(HttpError::Internal(e), lang)),
        Err(err) => {
            err.log();
            let status = err.status();
            let alert = super::refusal_alert(&err, lang);
            let page = view(
                &state,
                &principal,
                lang,
                &election,
                Some(alert),
                &ShowParams::default(),
                &typed,
            )
            .await
            .map_err(|e| PageError::new(e, lang))?;
            Ok(render(status, &page))
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct BatchForm {
    #[serde(default)]
    station: String,
    #[serde(default)]
    count: String,
}

impl BatchForm {
    /// The batch to print: one style (the general round's ballot).
    fn request(&self) -> Result<BatchRequest, HttpError> {
        let raw = self.count.trim();
        let count = raw.parse::<u32>().map_err(|_| {
            HttpError::BadRequest(Message {
                code: "count",
                zh: format!(
                    "张数（count）：“{raw}”不是 1 到 {} 之间的整数",
                    ballots::MAX_BATCH
                ),
                en: format!(
                    "count: {raw:?} is not a whole number from 1 to {}",
                    ballots::MAX_BATCH
                ),
            })
        })?;
        Ok(BatchRequest {
            station: self.station.clone(),
            count,
            style: 1,
            reprint_of: None,
        })
    }
}

/// `POST /elections/{id}/ballots/batches`: records a batch (its serials
/// signed, its manifest stored), then back to the page, where its PDF is
/// printed.
pub async fn print_batch(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path(election_id): Path<String>,
    Form(form): Form<BatchForm>,
) -> Result<Response, PageError> {
    let typed = form.clone();
    step(
        state,
        principal,
        lang,
        election_id,
        typed,
        |state, election, by| async move {
            let request = form.request()?;
            let printed =
                ballots::print_batch(&*state.store, &election, &request, &by, state.clock.now())
                    .await?;
            Ok(format!("printed={}#batches", printed.batch.number))
        },
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct VoidForm {
    #[serde(default)]
    serial: String,
    #[serde(default)]
    reason: String,
}

/// `POST /elections/{id}/ballots/void`: voids a spoiled ballot by its
/// serial, with a reason.
pub async fn void_serial(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path(election_id): Path<String>,
    Form(form): Form<VoidForm>,
) -> Result<Response, PageError> {
    step(
        state,
        principal,
        lang,
        election_id,
        BatchForm::default(),
        |state, election, _| async move {
            let voided = ballots::void_serial(
                &*state.store,
                &election,
                form.serial.trim(),
                &form.reason,
                state.clock.now(),
            )
            .await?;
            Ok(format!("voided={}#batches", voided.batch_number))
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_batch_form_reads_a_whole_count() {
        let form = BatchForm {
            station: "中心投票站".into(),
            count: " 12 ".into(),
        };
        let r = form.request().unwrap();
        assert_eq!((r.count, r.style, r.reprint_of), (12, 1, None));
        let bad = BatchForm {
            station: "中心投票站".into(),
            count: "十二".into(),
        };
        let err = bad.request().unwrap_err();
        assert!(err.message().zh.contains("十二"), "{err}");
        assert_eq!(err.status(), StatusCode::BAD_REQUEST);
    }

    #[test]
    fn a_row_shortens_the_manifest_hash() {
        let b = Batch {
            id: uuid::Uuid::nil(),
            election_id: uuid::Uuid::nil(),
            number: 3,
            station: "S".into(),
            style: 1,
            count: 5,
            serials_sha256: "ab".repeat(32),
            reprint_of: None,
            printed_by: "chair".into(),
            printed_at: chrono::DateTime::UNIX_EPOCH,
            voided: 1,
        };
        let r = row(&b, Lang::Zh);
        assert_eq!(r.line, "第3批 · S · 5张");
        assert_eq!(r.hash_short.len(), SHORT_HASH);
        assert_eq!(r.hash.len(), 64);
        assert_eq!(r.printed_at, "1970-01-01 00:00 UTC");
    }
}
