//! The audit log for observers (issue 8), read-only:
//!
//! - `GET /elections/{id}/audit?after=&limit=`: the election's entries
//!   numbered above `after` (default 0), at most `limit` (default 1,000,
//!   at most 10,000), hashes in hex, and the chain's head;
//! - `GET /elections/{id}/audit/checkpoints`: its signed checkpoints
//!   (size, head, time, Ed25519 signature) and the election's public key;
//! - `GET /elections/{id}/audit/verify`: the whole chain and its
//!   checkpoints checked on the server (`huanjie_core::audit::verify_all`)
//!   with the election's public key: `{ok, size, head, checkpoints}`, or
//!   `{ok: false, seq, code, message, message_en}` naming the first entry
//!   where it breaks;
//! - `GET /elections/{id}/audit/export`: all of it in one file (entries,
//!   checkpoints, public key) to verify offline;
//! - `GET /audit`, `GET /audit/verify`: the same for the server chain
//!   (sign-ins, accounts, elections created), which has no checkpoints
//!   (see [`crate::audit`]).
//!
//! For the committee and observers, not station clerks. Nothing here is
//! itself logged: reading the log changes nothing.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use huanjie_core::audit::{hex, ChainError, Checkpoint, Entry, Head, SERVER_CHAIN};
use huanjie_store::MAX_AUDIT_PAGE;
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

use super::roll::election_for;
use crate::auth::Principal;
use crate::error::HttpError;
use crate::state::AppState;

/// Entries per page unless `limit` says otherwise.
const DEFAULT_PAGE: u32 = 1_000;

#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    after: Option<u64>,
    #[serde(default)]
    limit: Option<u32>,
}

/// `GET /elections/{id}/audit`.
pub async fn entries(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Json<Value>, HttpError> {
    let chain = readable_election(&state, &principal, &election_id).await?;
    page(&state, chain, q).await
}

/// `GET /audit`: the server chain.
pub async fn server_entries(
    State(state): State<AppState>,
    principal: Principal,
    Query(q): Query<PageQuery>,
) -> Result<Json<Value>, HttpError> {
    principal.require_reader()?;
    page(&state, SERVER_CHAIN, q).await
}

/// `GET /audit/checkpoints`: the server chain's signed checkpoints and
/// the server's public key (committee and observers).
pub async fn server_checkpoints(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<Value>, HttpError> {
    principal.require_reader()?;
    let signed = state.store.list_checkpoints(SERVER_CHAIN).await?;
    let key = public_key(&state, SERVER_CHAIN).await?;
    Ok(Json(json!({
        "chain": SERVER_CHAIN,
        "algorithm": "Ed25519",
        "public_key": key.map(|k| hex(&k)),
        "checkpoints": signed.iter().map(checkpoint_json).collect::<Vec<_>>(),
    })))
}

/// `GET /elections/{id}/audit/checkpoints`.
pub async fn checkpoints(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
) -> Result<Json<Value>, HttpError> {
    let chain = readable_election(&state, &principal, &election_id).await?;
    let signed = state.store.list_checkpoints(chain).await?;
    let key = public_key(&state, chain).await?;
    Ok(Json(json!({
        "chain": chain,
        "algorithm": "Ed25519",
        "public_key": key.map(|k| hex(&k)),
        "checkpoints": signed.iter().map(checkpoint_json).collect::<Vec<_>>(),
    })))
}

/// `GET /elections/{id}/audit/verify`.
pub async fn verify(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
) -> Result<Json<Value>, HttpError> {
    let chain = readable_election(&state, &principal, &election_id).await?;
    verified(&state, chain).await.map(Json)
}

/// `GET /audit/verify`: the server chain (no checkpoints).
pub async fn server_verify(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<Value>, HttpError> {
    principal.require_reader()?;
    verified(&state, SERVER_CHAIN).await.map(Json)
}

/// `GET /elections/{id}/audit/export`: one JSON file,
/// `huanjie.audit-log/1`.
pub async fn export(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
) -> Result<Response, HttpError> {
    let chain = readable_election(&state, &principal, &election_id).await?;
    // Checkpoints before entries: a checkpoint signed in between would
    // otherwise count entries the file does not hold, which `huanjie
    // verify` must read as a log cut short (docs/verify-bundle.md).
    let signed = state.store.list_checkpoints(chain).await?;
    let entries = all_entries(&state, chain).await?;
    let key = public_key(&state, chain).await?;
    let file = json!({
        "format": "huanjie.audit-log/1",
        "chain": chain,
        "algorithm": "Ed25519",
        "public_key": key.map(|k| hex(&k)),
        "entries": entries,
        "checkpoints": signed.iter().map(checkpoint_json).collect::<Vec<_>>(),
    });
    let body = serde_json::to_vec(&file).map_err(|e| HttpError::Internal(e.into()))?;
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"audit-{chain}.json\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

/// The election's id once the caller may read its log (committee and
/// observers; not clerks).
async fn readable_election(
    state: &AppState,
    principal: &Principal,
    election_id: &str,
) -> Result<Uuid, HttpError> {
    principal.require_reader()?;
    Ok(election_for(state, principal, election_id).await?.id)
}

async fn public_key(state: &AppState, chain: Uuid) -> Result<Option<[u8; 32]>, HttpError> {
    if chain == SERVER_CHAIN {
        return Ok(state
            .store
            .find_server_signing_key()
            .await?
            .map(|k| k.public_key));
    }
    Ok(state
        .store
        .find_signing_key(chain)
        .await?
        .map(|k| k.public_key))
}

async fn page(state: &AppState, chain: Uuid, q: PageQuery) -> Result<Json<Value>, HttpError> {
    let after = q.after.unwrap_or(0);
    let limit = q.limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_AUDIT_PAGE);
    let entries = state.store.list_audit(chain, after, limit).await?;
    let head = Head::of(state.store.audit_head(chain).await?.as_ref());
    let next = entries.last().filter(|e| e.seq < head.size).map(|e| e.seq);
    Ok(Json(json!({
        "chain": chain,
        "head": head,
        "entries": entries,
        "next_after": next,
    })))
}

/// Every entry of a chain, in order.
async fn all_entries(state: &AppState, chain: Uuid) -> Result<Vec<Entry>, HttpError> {
    let mut out: Vec<Entry> = Vec::new();
    loop {
        let after = out.last().map_or(0, |e| e.seq);
        let page = state.store.list_audit(chain, after, MAX_AUDIT_PAGE).await?;
        let full = page.len() >= usize::try_from(MAX_AUDIT_PAGE).unwrap_or(usize::MAX);
        out.extend(page);
        if !full {
            return Ok(out);
        }
    }
}

fn checkpoint_json((c, signature): &(Checkpoint, [u8; 64])) -> Value {
    json!({
        "chain": c.chain,
        "size": c.size,
        "head": hex(&c.head),
        "at": c.at,
        "signature": hex(signature),
    })
}

/// The verification verdict as `/audit/verify` gives it (also shown on
/// the observer portal's log page).
pub(crate) async fn verified(state: &AppState, chain: Uuid) -> Result<Value, HttpError> {
    let entries = all_entries(state, chain).await?;
    let signed = state.store.list_checkpoints(chain).await?;
    let key = public_key(state, chain).await?;
    let key: &[u8] = key.as_ref().map_or(&[], |k| k.as_slice());
    Ok(
        match huanjie_core::audit::verify_all(chain, &entries, &signed, key) {
            Ok(head) => json!({
                "ok": true,
                "chain": chain,
                "size": head.size,
                "head": hex(&head.hash),
                "checkpoints": signed.len(),
            }),
            Err(e) => {
                let (code, zh) = in_words(&e);
                json!({
                    "ok": false,
                    "chain": chain,
                    "seq": e.seq(),
                    "code": code,
                    "message": zh,
                    "message_en": e.to_string(),
                    "checkpoints": signed.len(),
                })
            }
        },
    )
}

/// A verification failure's stable code and its Chinese wording (the
/// English is the error's own).
fn in_words(e: &ChainError) -> (&'static str, String) {
    match *e {
        ChainError::WrongChain { seq } => ("wrong_chain", format!("第 {seq} 条记录属于另一条日志链")),
        ChainError::Gap { expected, found } => (
            "gap",
            format!("第 {expected} 条记录缺失（该位置上是第 {found} 条）：有记录被删除或移动"),
        ),
        ChainError::Edited { seq } => ("edited", format!("第 {seq} 条记录在写入后被改动过")),
        ChainError::Broken { seq } => (
            "broken",
            format!(
                "第 {seq} 条记录接不上第 {} 条：之前的记录被删除、调换或改写",
                seq.saturating_sub(1)
            ),
        ),
        ChainError::Truncated {
            checkpoint_size,
            log_size,
        } => (
            "truncated",
            format!("日志只有 {log_size} 条记录，但已签名的检查点记有 {checkpoint_size} 条：末尾的记录被删除了"),
        ),
        ChainError::CheckpointMismatch { size } => (
            "checkpoint_mismatch",
            format!("日志第 {size} 条记录与已签名的检查点不符"),
        ),
        ChainError::BadSignature { size } => (
            "bad_signature",
            format!("记至第 {size} 条的检查点不是用本次选举的密钥签名的"),
        ),
    }
}
