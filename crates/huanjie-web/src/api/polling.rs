//! Polling day over the API (issue 6). The committee sets up stations;
//! the committee or the station's own clerk (with its station token)
//! opens polls, records ballots issued, closes polls and counts ballots.
//! Observers read the stations; they change nothing.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::roll::election_for;
use super::{to_json, ApiJson};
use crate::auth::Principal;
use crate::error::HttpError;
use crate::polling::{self, ScanRequest, StationRequest};
use crate::state::AppState;
use huanjie_store::Role;

/// The committee, or the clerk of this very station.
fn require_station_staff(
    principal: &Principal,
    election: uuid::Uuid,
    station: &str,
) -> Result<(), HttpError> {
    match principal.role() {
        Role::Committee => Ok(()),
        Role::Clerk => principal.require_station(election, station),
        Role::Observer => Err(HttpError::Forbidden),
    }
}

/// `GET /elections/{id}/stations`: every station with its counters.
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
) -> Result<Json<Value>, HttpError> {
    principal.require_reader()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let stations = state.store.list_stations(election.id).await?;
    Ok(Json(json!({ "stations": to_json(&stations)? })))
}

/// `POST /elections/{id}/stations` `{"code","name","kind","approval"?}`.
pub async fn add(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
    ApiJson(input): ApiJson<StationRequest>,
) -> Result<(StatusCode, Json<Value>), HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let station = polling::add_station(&*state.store, &election, &input, state.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(to_json(&station)?)))
}

#[derive(Debug, Deserialize)]
pub struct IssuedRequest {
    /// Ballots handed out now (negative: a mistaken entry taken back).
    #[serde(default = "one")]
    count: i64,
}

fn one() -> i64 {
    1
}

/// A step of a station's day.
enum Step {
    Open,
    Issued(i64),
    Close,
}

async fn station_step(
    state: &AppState,
    principal: &Principal,
    election_id: &str,
    station: &str,
    step: Step,
) -> Result<Json<Value>, HttpError> {
    let election = election_for(state, principal, election_id).await?;
    require_station_staff(principal, election.id, station)?;
    let now = state.clock.now();
    let store = &*state.store;
    let updated = match step {
        Step::Open => polling::open_polls(store, &election, station, now).await?,
        Step::Issued(count) => {
            store
                .record_issued(election.id, station, count, now)
                .await?
        }
        Step::Close => store.close_polls(election.id, station, now).await?,
    };
    Ok(Json(to_json(&updated)?))
}

/// `POST /elections/{id}/stations/{station}/open`: polls open (only with
/// every counter at zero).
pub async fn open(
    State(state): State<AppState>,
    principal: Principal,
    Path((election_id, station)): Path<(String, String)>,
) -> Result<Json<Value>, HttpError> {
    station_step(&state, &principal, &election_id, &station, Step::Open).await
}

/// `POST /elections/{id}/stations/{station}/issued` `{"count": n}`: ballots
/// handed out (a count; never to whom, R-POLL-5).
pub async fn issued(
    State(state): State<AppState>,
    principal: Principal,
    Path((election_id, station)): Path<(String, String)>,
    ApiJson(input): ApiJson<IssuedRequest>,
) -> Result<Json<Value>, HttpError> {
    station_step(
        &state,
        &principal,
        &election_id,
        &station,
        Step::Issued(input.count),
    )
    .await
}

/// `POST /elections/{id}/stations/{station}/close`: polls close.
pub async fn close(
    State(state): State<AppState>,
    principal: Principal,
    Path((election_id, station)): Path<(String, String)>,
) -> Result<Json<Value>, HttpError> {
    station_step(&state, &principal, &election_id, &station, Step::Close).await
}

/// `POST /elections/{id}/stations/{station}/scans` `{"serial", "marks",
/// "write_ins"?, "unreadable"?}`: counts one ballot; 201 with the receipt
/// once stored, 200 with the first receipt for a retried request.
pub async fn scan(
    State(state): State<AppState>,
    principal: Principal,
    matched: axum::extract::MatchedPath,
    Path((election_id, station)): Path<(String, String)>,
    ApiJson(input): ApiJson<ScanRequest>,
) -> Result<axum::response::Response, HttpError> {
    use axum::response::IntoResponse;
    let id = crate::api::parse_id(&election_id)?;
    if !principal.can_see_election(id) {
        return Err(HttpError::Forbidden);
    }
    let election = state.scans.election(id).await?.ok_or(HttpError::NotFound)?;
    require_station_staff(&principal, election.id, &station)?;
    let by = match &principal {
        Principal::Clerk(token) => format!("station:{}", token.station),
        _ => principal.username(),
    };
    // The ballot's audit entry is written with the ballot, in the scan
    // writer's transaction (one commit for both, issue 8).
    let log = crate::scan_service::ScanLog {
        actor: by.clone(),
        action: format!("POST {}", matched.as_str()),
    };
    let receipt = polling::scan(
        &state.scans,
        &election,
        &station,
        &input,
        &by,
        Some(log),
        state.clock.now(),
    )
    .await?;
    let status = if receipt.replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    let mut response = (status, Json(to_json(&receipt)?)).into_response();
    response
        .extensions_mut()
        .insert(crate::audit::LoggedWithChange);
    Ok(response)
}

#[derive(Debug, Default, Deserialize)]
pub struct ImagesQuery {
    /// `a4` (the default) or `a3`: the paper the ballots were printed on.
    paper: Option<String>,
}

/// `POST /elections/{id}/stations/{station}/scan-images[?paper=a3]` with
/// the scan as the body (PNG, JPEG, TIFF or PDF; one ballot a page):
/// every page read by the mark reader and counted like a scan; 200 with
/// one outcome per page (stored, stored for a person to decide, or why
/// nothing was stored).
pub async fn scan_images(
    State(state): State<AppState>,
    principal: Principal,
    Path((election_id, station)): Path<(String, String)>,
    axum::extract::Query(query): axum::extract::Query<ImagesQuery>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, HttpError> {
    let election = election_for(&state, &principal, &election_id).await?;
    require_station_staff(&principal, election.id, &station)?;
    let paper = match query.paper.as_deref() {
        None => huanjie_print::Paper::A4,
        Some(p) => huanjie_print::Paper::parse(p).ok_or_else(|| {
            HttpError::BadRequest(crate::error::Message {
                code: "paper",
                zh: "纸张（paper）应为 a4 或 a3".into(),
                en: "paper: must be a4 or a3".into(),
            })
        })?,
    };
    let by = match &principal {
        Principal::Clerk(token) => format!("station:{}", token.station),
        _ => principal.username(),
    };
    let pages = crate::omr_upload::count_images(
        &state,
        &election,
        &station,
        body,
        paper,
        &by,
        state.clock.now(),
    )
    .await?;
    Ok(Json(json!({ "pages": to_json(&pages)? })))
}
