//! The server-rendered web shell: sign-in, first-run set-up, the elections
//! list, an election's page, the create-election form and sign-out.
//!
//! Pages are askama templates (`templates/`), Chinese by default with an
//! English switch; all text comes from [`crate::i18n`]. Forms post with the
//! session cookie. A page never shows a JSON error: [`PageError`] renders
//! the same [`HttpError`] as a page, and "please sign in" becomes a
//! redirect to the sign-in page.

mod account;
mod ballots;
mod count;
mod elections;
mod homeowners;
mod nomination;
mod observe;
mod outcome;
mod polling;
mod registration;
mod reviews;
mod roll;
mod sampling;
mod term;

use askama::Template;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use huanjie_store::Role;

use crate::auth::{MaybePrincipal, Principal};
use crate::error::HttpError;
use crate::i18n::{Lang, Texts};
use crate::state::AppState;

/// The page routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(account::home))
        .route(
            "/setup",
            get(account::setup_page).post(account::setup_submit),
        )
        .route(
            "/signin",
            get(account::sign_in_page).post(account::sign_in_submit),
        )
        .route(
            "/signout",
            get(account::sign_out_page).post(account::sign_out_submit),
        )
        .route("/elections", get(elections::list).post(elections::create))
        .route("/elections/new", get(elections::new_form))
        .route("/elections/{election_id}", get(elections::show))
        .route(
            "/elections/{election_id}/roll",
            get(roll::show)
                .post(roll::upload)
                .layer(axum::extract::DefaultBodyLimit::max(
                    crate::api::ROLL_UPLOAD_LIMIT,
                )),
        )
        .route(
            "/elections/{election_id}/registration",
            get(registration::show),
        )
        .route(
            "/elections/{election_id}/registration/setup",
            post(registration::save_setup),
        )
        .route(
            "/elections/{election_id}/registration/publish",
            post(registration::publish),
        )
        .route(
            "/elections/{election_id}/registration/objections",
            post(registration::lodge_objection),
        )
        .route(
            "/elections/{election_id}/registration/objections/{objection}/decision",
            post(registration::decide_objection),
        )
        .route(
            "/elections/{election_id}/registration/objections/{objection}/answer",
            post(registration::answer_objection),
        )
        .route(
            "/elections/{election_id}/registration/proxies",
            post(registration::register_proxy),
        )
        .route(
            "/elections/{election_id}/registration/proxies/{proxy}/revoke",
            post(registration::revoke_proxy),
        )
        .route(
            "/elections/{election_id}/registration/assistants",
            post(registration::record_assistant),
        )
        .route("/elections/{election_id}/nomination", get(nomination::show))
        .route(
            "/elections/{election_id}/nomination/seats",
            post(nomination::set_seats),
        )
        .route(
            "/elections/{election_id}/nomination/committee",
            post(nomination::add_member),
        )
        .route(
            "/elections/{election_id}/nomination/papers",
            post(nomination::nominate),
        )
        .route(
            "/elections/{election_id}/nomination/votes",
            post(nomination::record_votes),
        )
        .route(
            "/elections/{election_id}/nomination/formal-list",
            post(nomination::fix_formal_list),
        )
        .route(
            "/elections/{election_id}/nomination/withdrawals",
            post(nomination::withdraw),
        )
        .route(
            "/elections/{election_id}/nomination/staff",
            post(nomination::appoint_staff),
        )
        .route("/elections/{election_id}/ballots", get(ballots::show))
        .route(
            "/elections/{election_id}/ballots/batches",
            post(ballots::print_batch),
        )
        .route(
            "/elections/{election_id}/ballots/void",
            post(ballots::void_serial),
        )
        .route(
            "/elections/{election_id}/stations",
            get(polling::stations).post(polling::add_station),
        )
        .route(
            "/elections/{election_id}/stations/{station}",
            get(polling::station),
        )
        .route(
            "/elections/{election_id}/stations/{station}/token",
            post(polling::issue_token),
        )
        .route(
            "/elections/{election_id}/stations/{station}/open",
            post(polling::open),
        )
        .route(
            "/elections/{election_id}/stations/{station}/issued",
            post(polling::issued),
        )
        .route(
            "/elections/{election_id}/stations/{station}/close",
            post(polling::close),
        )
        .route(
            "/elections/{election_id}/stations/{station}/scans",
            post(polling::scan),
        )
        .route(
            "/elections/{election_id}/stations/{station}/scans/{number}/decision",
            post(reviews::decide),
        )
        .route("/elections/{election_id}/count", get(count::board))
        .route("/elections/{election_id}/reviews", get(reviews::show))
        .route("/elections/{election_id}/outcome", get(outcome::show))
        .route(
            "/elections/{election_id}/outcome/certify",
            post(outcome::certify),
        )
        .route(
            "/elections/{election_id}/outcome/rounds",
            post(outcome::create_round),
        )
        .route("/elections/{election_id}/term", get(term::show))
        .route(
            "/elections/{election_id}/term/recalls",
            post(term::request_recall),
        )
        .route(
            "/elections/{election_id}/term/recalls/{number}/answer",
            post(term::answer_recall),
        )
        .route(
            "/elections/{election_id}/term/recalls/{number}/vote",
            post(term::start_recall_vote),
        )
        .route(
            "/elections/{election_id}/term/recalls/{number}/decision",
            post(term::decide_recall),
        )
        .route(
            "/elections/{election_id}/term/resignations",
            post(term::resign),
        )
        .route(
            "/elections/{election_id}/term/by-elections",
            post(term::call_by_election),
        )
        .route(
            "/elections/{election_id}/term/by-elections/{number}/close",
            post(term::close_by_election),
        )
        .route(
            "/elections/{election_id}/nomination/recusals",
            post(nomination::record_recusal),
        )
        .route(
            "/elections/{election_id}/nomination/board",
            post(nomination::set_board_size),
        )
        .route(
            "/elections/{election_id}/sample-audits",
            get(sampling::show).post(sampling::start),
        )
        .route(
            "/elections/{election_id}/sample-audits/{number}/findings",
            post(sampling::record),
        )
        .route("/elections/{election_id}/observe", get(observe::landing))
        .route(
            "/elections/{election_id}/observe/reconciliation",
            get(observe::reconciliation),
        )
        .route(
            "/elections/{election_id}/observe/voter-list",
            get(observe::voter_list),
        )
        .route(
            "/elections/{election_id}/observe/audit",
            get(observe::audit),
        )
        .route(
            "/elections/{election_id}/observer-access",
            post(observe::set_access),
        )
        .route("/elections/{election_id}/homeowners", get(homeowners::show))
        .route(
            "/elections/{election_id}/homeowners/register",
            post(homeowners::import),
        )
        .route(
            "/elections/{election_id}/homeowners/matters",
            post(homeowners::add_matter),
        )
        .route(
            "/elections/{election_id}/homeowners/matters/{number}/votes",
            post(homeowners::vote),
        )
        .route(
            "/elections/{election_id}/homeowners/committees",
            post(homeowners::committee::add),
        )
        .route(
            "/elections/{election_id}/homeowners/committees/{number}/ballots",
            post(homeowners::committee::ballot),
        )
        .route("/assets/count.js", get(crate::assets::count_js))
        .route("/assets/count.css", get(crate::assets::count_css))
        .route(
            "/station",
            get(polling::sign_in_page).post(polling::sign_in_submit),
        )
        .route("/station/signout", post(polling::sign_out))
}

/// The signed-in person as the page header shows them.
#[derive(Debug, Clone)]
pub struct Badge {
    pub username: String,
    pub role: &'static str,
}

/// What the shell around every page needs: texts, language switch, user.
#[derive(Debug, Clone)]
pub struct Chrome {
    pub t: &'static Texts,
    pub html_lang: &'static str,
    pub switch_href: String,
    pub user: Option<Badge>,
    pub is_committee: bool,
}

impl Chrome {
    /// `path` is the current page, so the language link comes back to it.
    pub fn new(lang: Lang, path: &str, principal: Option<&Principal>) -> Chrome {
        let t = lang.texts();
        let user = principal.and_then(Principal::user).map(|u| Badge {
            username: u.username.clone(),
            role: role_label(u.role, t),
        });
        Chrome {
            t,
            html_lang: lang.html_lang(),
            switch_href: format!("{path}?lang={}", lang.other().code()),
            user,
            is_committee: principal.is_some_and(|p| p.role() == Role::Committee),
        }
    }
}

fn role_label(role: Role, t: &Texts) -> &'static str {
    match role {
        Role::Committee => t.role_committee,
        Role::Clerk => t.role_clerk,
        Role::Observer => t.role_observer,
    }
}

/// Renders a template with a status, or a plain 500 page if rendering fails.
pub fn render<T: Template>(status: StatusCode, page: &T) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(err) => {
            tracing::error!(error = %err, "rendering a page failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Html("<!doctype html><meta charset=utf-8><title>500</title><p>服务器出错 / Something went wrong</p>"),
            )
                .into_response()
        }
    }
}

/// Requires a signed-in committee member or observer; clerks work through
/// the API with their station token.
/// The election a page address names; 404 for an id that is not a UUID
/// or names nothing.
pub async fn election_of(
    state: &AppState,
    raw: &str,
    lang: Lang,
) -> Result<huanjie_store::Election, PageError> {
    let id = uuid::Uuid::parse_str(raw).map_err(|_| PageError::new(HttpError::NotFound, lang))?;
    state
        .store
        .get_election(id)
        .await
        .map_err(|e| PageError::new(e.into(), lang))?
        .ok_or_else(|| PageError::new(HttpError::NotFound, lang))
}

/// A refusal as a page shows it above its forms: the message in the
/// page's language and, for a rule, its id (“……（R-NOM-1）”).
pub fn refusal_alert(err: &HttpError, lang: Lang) -> String {
    let rule = match err {
        HttpError::Rule(r) => format!("（{}）", r.rule),
        _ => String::new(),
    };
    format!("{}{rule}", err.message().in_lang(lang))
}

pub fn require_user(principal: MaybePrincipal, lang: Lang) -> Result<Principal, PageError> {
    match principal.0 {
        Some(p @ Principal::User { .. }) => Ok(p),
        Some(Principal::Clerk(_)) => Err(PageError::new(HttpError::Forbidden, lang)),
        // A public portal's reader is nobody signed in anywhere else.
        Some(Principal::Public { .. }) | None => {
            Err(PageError::new(HttpError::Unauthenticated, lang))
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: Chrome,
    heading: &'static str,
    message: String,
    status: u16,
}

/// An [`HttpError`] met by a page: rendered as a page in the reader's
/// language; 401 turns into a redirect to the sign-in page.
#[derive(Debug)]
pub struct PageError {
    pub error: HttpError,
    pub lang: Lang,
}

impl PageError {
    pub fn new(error: HttpError, lang: Lang) -> Self {
        PageError { error, lang }
    }
}

impl From<(HttpError, Lang)> for PageError {
    fn from((error, lang): (HttpError, Lang)) -> Self {
        PageError { error, lang }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        self.error.log();
        let status = self.error.status();
        if status == StatusCode::UNAUTHORIZED {
            return Redirect::to("/signin").into_response();
        }
        let t = self.lang.texts();
        let heading = match status {
            StatusCode::BAD_REQUEST => t.error_title_400,
            StatusCode::FORBIDDEN => t.error_title_403,
            StatusCode::NOT_FOUND => t.error_title_404,
            StatusCode::CONFLICT => t.error_title_409,
            StatusCode::UNPROCESSABLE_ENTITY => t.error_title_422,
            StatusCode::METHOD_NOT_ALLOWED => t.error_title_405,
            _ => t.error_title_500,
        };
        let page = ErrorPage {
            chrome: Chrome::new(self.lang, "/", None),
            heading,
            message: self.error.message().in_lang(self.lang).to_owned(),
            status: status.as_u16(),
        };
        let mut response = render(status, &page);
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("no-store"),
        );
        response
    }
}

/// The page for unknown addresses.
pub async fn not_found(lang: Lang) -> PageError {
    PageError::new(HttpError::NotFound, lang)
}
