//! The one router: JSON API under `/api/v1`, the pages, the stylesheet, the
//! ballots and station pages' scripts and `/health`, with the layers every
//! request passes through.

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};
use tower_http::trace::TraceLayer;

use crate::i18n::{query_lang, LANG_COOKIE};
use crate::state::AppState;
use crate::{api, assets, audit, auth, pages};

/// The whole app, ready for `axum::serve`.
pub fn router(state: AppState) -> Router {
    Router::new()
        .nest("/api/v1", api::routes())
        .merge(pages::routes())
        .route("/assets/app.css", get(assets::app_css))
        .route("/assets/ballots.js", get(assets::ballots_js))
        .route("/assets/station.js", get(assets::station_js))
        .route("/health", get(health))
        .fallback(pages::not_found)
        .layer(middleware::from_fn(remember_lang))
        // Inside `resolve_principal`: tells the audit log who is asking.
        .layer(middleware::from_fn(audit::note_actor))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::resolve_principal,
        ))
        // Outside it, so that its refusals are logged too: every state
        // change and download is appended before it is answered.
        .layer(middleware::from_fn_with_state(state.clone(), audit::record))
        .layer(middleware::from_fn(security_headers))
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .with_state(state)
}

/// For load balancers and the tests: up, and on which backend.
/// The request's span names the method and the path, never the query
/// string: searches carry resident IDs there, and IDs never go to logs.
fn request_span(req: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    tracing::debug_span!("request", method = %req.method(), path = %req.uri().path())
}

async fn health(axum::extract::State(state): axum::extract::State<AppState>) -> Json<Value> {
    Json(json!({ "status": "ok", "backend": state.store.backend() }))
}

/// `?lang=en` on any page switches the language and remembers it for a year.
async fn remember_lang(req: Request, next: Next) -> Response {
    let chosen = query_lang(req.uri().query());
    let mut response = next.run(req).await;
    if let Some(lang) = chosen {
        let cookie = format!(
            "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
            lang.code()
        );
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// Headers that cost nothing and close whole classes of attack: no framing,
/// no MIME sniffing, no scripts or styles from anywhere but here.
async fn security_headers(req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    headers.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    headers.insert(
        "content-security-policy",
        HeaderValue::from_static("default-src 'self'; frame-ancestors 'none'; form-action 'self'"),
    );
    if is_api {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}
