//! The JSON API under `/api/v1`.
//!
//! Credentials: `Authorization: Bearer hjs_…` (a session from
//! `POST /api/v1/sessions`) or `Bearer hjt_…` (a station token); the session
//! cookie works too. Errors are always
//! `{"error":{"code","message","message_en","fields"?}}`.

pub(crate) mod audit;
mod ballots;
pub(crate) mod count;
mod elections;
mod homeowners;
pub mod nomination;
mod notices;
mod observers;
mod polling;
mod read_serial;
pub mod registration;
pub mod roll;
mod sampling;
mod sessions;
mod setup;
mod station_tokens;
mod term;
mod users;

use axum::extract::{DefaultBodyLimit, FromRequest, Request};
use axum::routing::{get, patch, post, put};
use axum::{Json, Router};
use serde::de::DeserializeOwned;

use crate::error::{HttpError, Message};
use crate::state::AppState;

/// A roll of a million residents is about 100 MB of CSV.
pub const ROLL_UPLOAD_LIMIT: usize = 512 * 1024 * 1024;

/// A value as the JSON of a response.
pub(crate) fn to_json<T: serde::Serialize>(v: &T) -> Result<serde_json::Value, HttpError> {
    serde_json::to_value(v).map_err(|e| HttpError::Internal(e.into()))
}

/// The API routes, to be nested under `/api/v1`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/setup", get(setup::status).post(setup::claim))
        .route("/sessions", post(sessions::sign_in))
        .route(
            "/sessions/current",
            get(sessions::current).delete(sessions::sign_out),
        )
        .route("/me", get(sessions::me))
        .route("/users", post(users::create))
        .route("/profiles", get(elections::profiles))
        .route("/elections", get(elections::list).post(elections::create))
        .route("/elections/{election_id}", get(elections::show))
        .route(
            "/elections/{election_id}/station-tokens",
            get(station_tokens::list).post(station_tokens::issue),
        )
        .route(
            "/elections/{election_id}/station-tokens/{token_id}/revoke",
            post(station_tokens::revoke),
        )
        .route(
            "/elections/{election_id}/stations/{station}",
            get(station_tokens::station),
        )
        .route(
            "/elections/{election_id}/stations",
            get(polling::list).post(polling::add),
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
            "/elections/{election_id}/stations/{station}/scan-images",
            post(polling::scan_images)
                .layer(DefaultBodyLimit::max(crate::omr_upload::UPLOAD_LIMIT)),
        )
        .route(
            "/elections/{election_id}/stations/{station}/read-serial",
            post(read_serial::read_serial)
                .layer(DefaultBodyLimit::max(read_serial::READ_SERIAL_LIMIT)),
        )
        .route(
            "/elections/{election_id}/stations/{station}/scans/{number}/decision",
            post(count::decide),
        )
        .route("/elections/{election_id}/reviews", get(count::reviews))
        .route("/elections/{election_id}/count", get(count::board))
        .route("/elections/{election_id}/count/events", get(count::events))
        .route("/elections/{election_id}/result", get(count::result))
        .route("/elections/{election_id}/case", get(count::case))
        .route(
            "/elections/{election_id}/certification",
            get(count::certification).post(count::certify),
        )
        .route(
            "/elections/{election_id}/public-key",
            get(count::public_key),
        )
        .route(
            "/elections/{election_id}/documents/{kind}",
            get(count::document),
        )
        .route(
            "/elections/{election_id}/rounds",
            get(count::rounds).post(count::create_round),
        )
        .route("/elections/{election_id}/term", get(term::show))
        .route(
            "/elections/{election_id}/recalls",
            post(term::request_recall),
        )
        .route(
            "/elections/{election_id}/recalls/{number}/answer",
            post(term::answer),
        )
        .route(
            "/elections/{election_id}/recalls/{number}/vote",
            post(term::vote),
        )
        .route(
            "/elections/{election_id}/recalls/{number}/decision",
            post(term::decide),
        )
        .route("/elections/{election_id}/resignations", post(term::resign))
        .route(
            "/elections/{election_id}/by-elections",
            post(term::by_election),
        )
        .route(
            "/elections/{election_id}/by-elections/{number}/close",
            post(term::close_by_election),
        )
        .route(
            "/elections/{election_id}/reconciliation",
            get(count::reconciliation),
        )
        .route(
            "/elections/{election_id}/stations/{station}/count-sheet",
            get(count::count_sheet),
        )
        .route(
            "/elections/{election_id}/roll",
            get(roll::summary)
                .post(roll::import)
                .layer(DefaultBodyLimit::max(ROLL_UPLOAD_LIMIT)),
        )
        .route(
            "/elections/{election_id}/residents",
            get(roll::search).post(registration::add_resident),
        )
        .route(
            "/elections/{election_id}/residents/{resident}",
            patch(registration::edit_resident),
        )
        .route(
            "/elections/{election_id}/registration",
            get(registration::status),
        )
        .route(
            "/elections/{election_id}/nomination",
            get(nomination::status),
        )
        .route("/elections/{election_id}/seats", put(nomination::set_seats))
        .route(
            "/elections/{election_id}/board",
            put(nomination::set_board_size),
        )
        .route(
            "/elections/{election_id}/committee-members",
            post(nomination::add_member),
        )
        .route(
            "/elections/{election_id}/nominations",
            post(nomination::nominate),
        )
        .route(
            "/elections/{election_id}/preliminary-votes",
            put(nomination::record_votes),
        )
        .route(
            "/elections/{election_id}/formal-list",
            post(nomination::fix_formal_list),
        )
        .route(
            "/elections/{election_id}/formal-list/withdrawals",
            post(nomination::withdraw),
        )
        .route(
            "/elections/{election_id}/counting-staff",
            post(nomination::appoint_staff),
        )
        .route(
            "/elections/{election_id}/ballot-batches",
            get(ballots::list_batches).post(ballots::print_batch),
        )
        .route(
            "/elections/{election_id}/ballot-batches/{batch}/pdf",
            get(ballots::batch_pdf),
        )
        .route(
            "/elections/{election_id}/ballots/preview",
            get(ballots::preview),
        )
        .route(
            "/elections/{election_id}/ballot-batches/{batch}/print-jobs",
            post(ballots::start_print_job),
        )
        .route(
            "/elections/{election_id}/print-jobs/{job}",
            get(ballots::print_job),
        )
        .route(
            "/elections/{election_id}/print-jobs/{job}/pdf",
            get(ballots::print_job_pdf),
        )
        .route(
            "/elections/{election_id}/serials/check",
            post(ballots::check_serial),
        )
        .route(
            "/elections/{election_id}/serials/void",
            post(ballots::void_serial),
        )
        .route(
            "/elections/{election_id}/relations",
            post(nomination::record_relation),
        )
        .route(
            "/elections/{election_id}/recusals",
            get(nomination::recusals).post(nomination::record_recusal),
        )
        .route(
            "/elections/{election_id}/arrangements",
            get(nomination::arrangements).put(nomination::set_arrangements),
        )
        .route(
            "/elections/{election_id}/notices/{kind}",
            get(notices::notice),
        )
        .route(
            "/elections/{election_id}/registration/setup",
            put(registration::set_setup),
        )
        .route(
            "/elections/{election_id}/publication",
            post(registration::publish),
        )
        .route(
            "/elections/{election_id}/roll-changes",
            get(registration::changes),
        )
        .route(
            "/elections/{election_id}/objections",
            get(registration::list_objections).post(registration::lodge_objection),
        )
        .route(
            "/elections/{election_id}/objections/{objection}",
            get(registration::show_objection),
        )
        .route(
            "/elections/{election_id}/objections/{objection}/decision",
            post(registration::decide_objection),
        )
        .route(
            "/elections/{election_id}/objections/{objection}/answer",
            post(registration::answer_objection),
        )
        .route(
            "/elections/{election_id}/proxies",
            get(registration::list_proxies).post(registration::register_proxy),
        )
        .route(
            "/elections/{election_id}/proxies/{proxy}/revoke",
            post(registration::revoke_proxy),
        )
        .route(
            "/elections/{election_id}/voter-list.pdf",
            get(registration::voter_list_pdf),
        )
        .route(
            "/elections/{election_id}/voter-list.xlsx",
            get(registration::voter_list_xlsx),
        )
        .route(
            "/elections/{election_id}/proxies.pdf",
            get(registration::proxies_pdf),
        )
        .route(
            "/elections/{election_id}/assistants",
            get(registration::list_assistants).post(registration::record_assistant),
        )
        .route("/audit", get(audit::server_entries))
        .route("/audit/verify", get(audit::server_verify))
        .route("/audit/checkpoints", get(audit::server_checkpoints))
        .route("/elections/{election_id}/audit", get(audit::entries))
        .route(
            "/elections/{election_id}/audit/checkpoints",
            get(audit::checkpoints),
        )
        .route("/elections/{election_id}/audit/verify", get(audit::verify))
        .route("/elections/{election_id}/audit/export", get(audit::export))
        .route(
            "/elections/{election_id}/observer-access",
            get(observers::show).put(observers::set),
        )
        .route(
            "/elections/{election_id}/sample-audits",
            get(sampling::list).post(sampling::start),
        )
        .route(
            "/elections/{election_id}/sample-audits/{number}",
            get(sampling::show),
        )
        .route(
            "/elections/{election_id}/sample-audits/{number}/findings",
            post(sampling::record),
        )
        .route(
            "/elections/{election_id}/sample-audits/{number}/report.pdf",
            get(sampling::report),
        )
        .route(
            "/elections/{election_id}/sample-audits/{number}/population.txt",
            get(sampling::population),
        )
        .route(
            "/elections/{election_id}/homeowners/register",
            get(homeowners::register).post(homeowners::import),
        )
        .route(
            "/elections/{election_id}/homeowners/matters",
            get(homeowners::list).post(homeowners::add),
        )
        .route(
            "/elections/{election_id}/homeowners/matters/{number}",
            get(homeowners::show),
        )
        .route(
            "/elections/{election_id}/homeowners/matters/{number}/votes",
            post(homeowners::vote),
        )
        .route(
            "/elections/{election_id}/homeowners/committees",
            get(homeowners::committees).post(homeowners::add_committee),
        )
        .route(
            "/elections/{election_id}/homeowners/committees/{number}",
            get(homeowners::show_committee),
        )
        .route(
            "/elections/{election_id}/homeowners/committees/{number}/ballots",
            post(homeowners::committee_ballot),
        )
        .route("/roll-template.csv", get(roll::template_csv))
        .route("/roll-template.xlsx", get(roll::template_xlsx))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
}

async fn not_found() -> HttpError {
    HttpError::NotFound
}

async fn method_not_allowed() -> HttpError {
    HttpError::MethodNotAllowed
}

/// `Json<T>` whose rejection is our [`HttpError`] (400 with a plain message)
/// instead of axum's plain-text body.
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = HttpError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(HttpError::BadRequest(Message::from_table(
                "malformed_body",
                |t| t.err_malformed_body,
                &[rejection.body_text().as_str()],
            ))),
        }
    }
}

/// Path ids that are not UUIDs name nothing: 404, like an unknown UUID.
pub(crate) fn parse_id(raw: &str) -> Result<uuid::Uuid, HttpError> {
    uuid::Uuid::parse_str(raw).map_err(|_| HttpError::NotFound)
}
