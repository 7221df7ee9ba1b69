//! Sign-in, first-run set-up and sign-out pages.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

use super::{render, require_user, Chrome, PageError};
use crate::accounts::{self, StartedSession};
use crate::auth::{self, MaybePrincipal, Principal};
use crate::error::HttpError;
use crate::i18n::Lang;
use crate::state::AppState;

/// `/`: wherever the visitor should be now.
pub async fn home(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
) -> Result<Redirect, PageError> {
    if principal.0.is_some() {
        return Ok(Redirect::to("/elections"));
    }
    let users = state
        .store
        .count_users()
        .await
        .map_err(|e| PageError::new(e.into(), lang))?;
    Ok(Redirect::to(if users == 0 { "/setup" } else { "/signin" }))
}

/// A form field's error, shown beside it.
fn field_error(error: &HttpError, field: &str, lang: Lang) -> Option<String> {
    error
        .fields()
        .iter()
        .find(|f| f.field == field)
        .map(|f| f.in_lang(lang).to_owned())
}

/// Sets the session cookie and goes to the elections list.
fn signed_in(state: &AppState, started: &StartedSession) -> Result<Response, HttpError> {
    let cookie = auth::session_cookie(
        &started.secret,
        state.settings.session_ttl.num_seconds(),
        state.settings.secure_cookies,
    )?;
    let mut response = Redirect::to("/elections").into_response();
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(response)
}

// --- first-run set-up ----------------------------------------------------

#[derive(Template)]
#[template(path = "setup.html")]
struct SetupPage {
    chrome: Chrome,
    code: String,
    username: String,
    code_error: Option<String>,
    username_error: Option<String>,
    password_error: Option<String>,
    general_error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct SetupForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

pub async fn setup_page(State(state): State<AppState>, lang: Lang) -> Result<Response, PageError> {
    let users = state
        .store
        .count_users()
        .await
        .map_err(|e| PageError::new(e.into(), lang))?;
    if users > 0 {
        return Ok(Redirect::to("/signin?setup=done").into_response());
    }
    let page = SetupPage {
        chrome: Chrome::new(lang, "/setup", None),
        code: String::new(),
        username: String::new(),
        code_error: None,
        username_error: None,
        password_error: None,
        general_error: None,
    };
    Ok(render(StatusCode::OK, &page))
}

pub async fn setup_submit(
    State(state): State<AppState>,
    lang: Lang,
    Form(form): Form<SetupForm>,
) -> Result<Response, PageError> {
    match accounts::first_run_setup(&state, &form.code, &form.username, &form.password).await {
        Ok(started) => signed_in(&state, &started).map_err(|e| PageError::new(e, lang)),
        Err(HttpError::Conflict(_)) => Ok(Redirect::to("/signin?setup=done").into_response()),
        Err(err @ HttpError::Invalid(_)) => {
            let page = SetupPage {
                chrome: Chrome::new(lang, "/setup", None),
                code: form.code.trim().to_owned(),
                username: form.username.trim().to_owned(),
                code_error: field_error(&err, "code", lang),
                username_error: field_error(&err, "username", lang),
                password_error: field_error(&err, "password", lang),
                general_error: Some(lang.texts().form_has_errors.to_owned()),
            };
            Ok(render(err.status(), &page))
        }
        Err(other) => Err(PageError::new(other, lang)),
    }
}

// --- sign-in ----------------------------------------------------------------

#[derive(Template)]
#[template(path = "signin.html")]
struct SignInPage {
    chrome: Chrome,
    username: String,
    notice: Option<&'static str>,
    error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct SignInQuery {
    setup: Option<String>,
    signed_out: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

pub async fn sign_in_page(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Query(query): Query<SignInQuery>,
) -> Result<Response, PageError> {
    if principal.0.is_some() {
        return Ok(Redirect::to("/elections").into_response());
    }
    if state
        .store
        .count_users()
        .await
        .map_err(|e| PageError::new(e.into(), lang))?
        == 0
    {
        return Ok(Redirect::to("/setup").into_response());
    }
    let t = lang.texts();
    let notice = if query.setup.is_some() {
        Some(t.setup_done_notice)
    } else if query.signed_out.is_some() {
        Some(t.signed_out_notice)
    } else {
        None
    };
    let page = SignInPage {
        chrome: Chrome::new(lang, "/signin", None),
        username: String::new(),
        notice,
        error: None,
    };
    Ok(render(StatusCode::OK, &page))
}

pub async fn sign_in_submit(
    State(state): State<AppState>,
    lang: Lang,
    Form(form): Form<SignInForm>,
) -> Result<Response, PageError> {
    match accounts::sign_in(&state, &form.username, &form.password).await {
        Ok(started) => signed_in(&state, &started).map_err(|e| PageError::new(e, lang)),
        Err(err @ HttpError::SignInFailed) => {
            let page = SignInPage {
                chrome: Chrome::new(lang, "/signin", None),
                username: form.username.trim().to_owned(),
                notice: None,
                error: Some(err.message().in_lang(lang).to_owned()),
            };
            Ok(render(StatusCode::UNAUTHORIZED, &page))
        }
        Err(other) => Err(PageError::new(other, lang)),
    }
}

// --- sign-out -----------------------------------------------------------------

#[derive(Template)]
#[template(path = "signout.html")]
struct SignOutPage {
    chrome: Chrome,
}

/// A confirmation page, so that a link can lead here without a GET that
/// changes anything.
pub async fn sign_out_page(principal: MaybePrincipal, lang: Lang) -> Result<Response, PageError> {
    let principal = require_user(principal, lang)?;
    let page = SignOutPage {
        chrome: Chrome::new(lang, "/signout", Some(&principal)),
    };
    Ok(render(StatusCode::OK, &page))
}

pub async fn sign_out_submit(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
) -> Result<Response, PageError> {
    if let Some(Principal::User { session_hash, .. }) = principal.0 {
        accounts::sign_out(&state, session_hash)
            .await
            .map_err(|e| PageError::new(e, lang))?;
    }
    let mut response = Redirect::to("/signin?signed_out=1").into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        auth::clear_session_cookie(state.settings.secure_cookies),
    );
    Ok(response)
}
