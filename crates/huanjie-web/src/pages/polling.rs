//! Polling day pages (issue 6): the committee's stations page and one
//! station's page for its clerks, usable on a tablet.
//!
//! `/elections/{id}/stations` lists the stations with their kind, polls and
//! counters; the committee sets a station up (R-POLL-1: refusals shown with
//! their rule id) and issues a clerk's station token, shown once. Observers
//! read; clerks get 403.
//!
//! A clerk signs in at `/station` with that token: the page checks it and
//! keeps it in the HttpOnly, SameSite=Strict `huanjie_station` cookie
//! ([`crate::auth::STATION_COOKIE`]), which the auth layer reads as the
//! clerk's [`Principal::Clerk`]. `/elections/{id}/stations/{code}` is the
//! station's page: polls opened, ballots issued (+1, +5, a number, take
//! back 1), polls closed (with a confirmation), then the count: the serial
//! (a handheld scanner types it and Enter, which only moves on), one row
//! per candidate per position with 赞成/反对/弃权 (none is an abstention),
//! the write-in rows, "unreadable", and the receipt number after each
//! ballot. With the page's script (`/assets/station.js`) two more ways
//! in: a camera button reads the serial off the ballot's QR code (frames
//! go to the API's `read-serial`; the field is filled and the marks are
//! clicked as before), and "上传扫描件" sends scanned pages to the API's
//! `scan-images` and lists each page's outcome: its receipt, a replayed
//! receipt, waiting for a person (with the reasons and a link to the
//! review queue), or why nothing was stored. A clerk reaches its own
//! station only; committee members any; observers read it.
//!
//! Every step goes through the same use cases as the API
//! ([`crate::polling`], the store's polls steps) and comes back here
//! (Post/Redirect/Get); a refusal is shown in plain words with its rule id
//! and nothing is written. The token is the one answer not redirected: a
//! secret shown once must not travel in an address.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use huanjie_core::polling::{Polls, StationKind};
use huanjie_store::{Election, Role, Station};
use serde::Deserialize;

use super::election_of as election;
use super::{refusal_alert, render, require_user, Chrome, PageError};
use crate::auth::{self, MaybePrincipal, Principal};
use crate::error::{HttpError, Message};
use crate::i18n::{fill, Lang, Texts};
use crate::polling::{BallotMarks, ScanRequest, StationRequest, WriteIn};
use crate::secrets::{self, STATION_TOKEN_PREFIX};
use crate::state::AppState;

struct StationRow {
    code: String,
    name: String,
    kind: &'static str,
    approval: String,
    polls_code: &'static str,
    polls: &'static str,
    issued: u64,
    scanned: u64,
}

fn kind_label(kind: StationKind, t: &Texts) -> &'static str {
    match kind {
        StationKind::Central => t.st_kind_central,
        StationKind::Sub => t.st_kind_sub,
        StationKind::Mobile => t.st_kind_mobile,
    }
}

fn polls_label(polls: Polls, t: &Texts) -> &'static str {
    match polls {
        Polls::NotOpened => t.st_polls_not_opened,
        Polls::Open => t.st_polls_open,
        Polls::Closed => t.st_polls_closed,
    }
}

fn row(s: &Station, t: &Texts) -> StationRow {
    StationRow {
        code: s.code.clone(),
        name: s.name.clone(),
        kind: kind_label(s.kind, t),
        approval: s.approval.clone().unwrap_or_default(),
        polls_code: s.polls.code(),
        polls: polls_label(s.polls, t),
        issued: s.issued,
        scanned: s.scanned,
    }
}

fn bad(code: &'static str, zh: String, en: String) -> HttpError {
    HttpError::BadRequest(Message { code, zh, en })
}

/// Pages get `no-store`: counters change by the minute, and a token page
/// must not stay in a cache.
fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

// --- the committee's stations page ------------------------------------------

/// A clerk's token, just issued: shown on this one answer only.
struct IssuedToken {
    /// “S1的工作人员令牌”.
    title: String,
    token: String,
    expires_at: String,
}

#[derive(Template)]
#[template(path = "stations.html")]
struct StationsPage {
    chrome: Chrome,
    election_id: String,
    election_title: String,
    election_day: String,
    alert: Option<String>,
    flash: Option<String>,
    stations: Vec<StationRow>,
    issued: Option<IssuedToken>,
    /// What was typed into the form, kept after a refusal.
    form: StationForm,
    kinds: Vec<KindOption>,
}

struct KindOption {
    code: &'static str,
    label: &'static str,
    selected: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct StationForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    serves: String,
    #[serde(default)]
    approval: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct StationsParams {
    added: Option<String>,
}

/// What a stations page shows above its table, besides the stations.
#[derive(Default)]
struct Shown {
    alert: Option<String>,
    flash: Option<String>,
    issued: Option<IssuedToken>,
}

async fn stations_view(
    state: &AppState,
    principal: &Principal,
    lang: Lang,
    election: &Election,
    shown: Shown,
    form: StationForm,
) -> Result<StationsPage, HttpError> {
    let t = lang.texts();
    let stations = state
        .store
        .list_stations(election.id)
        .await?
        .iter()
        .map(|s| row(s, t))
        .collect();
    Ok(StationsPage {
        chrome: Chrome::new(
            lang,
            &format!("/elections/{}/stations", election.id),
            Some(principal),
        ),
        election_id: election.id.to_string(),
        election_title: election.title.clone(),
        election_day: election.election_day.to_string(),
        alert: shown.alert,
        flash: shown.flash,
        stations,
        issued: shown.issued,
        kinds: StationKind::ALL
            .iter()
            .map(|k| KindOption {
                code: k.code(),
                label: kind_label(*k, t),
                selected: form.kind == k.code(),
            })
            .collect(),
        form,
    })
}

/// `GET /elections/{id}/stations`: committee and observers; clerks 403.
pub async fn stations(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path(election_id): Path<String>,
    Query(params): Query<StationsParams>,
) -> Result<Response, PageError> {
    let principal = require_user(principal, lang)?;
    let election = election(&state, &election_id, lang).await?;
    let flash = params
        .added
        .map(|code| fill(lang.texts().st_added_flash, &[&code]));
    let page = stations_view(
        &state,
        &principal,
        lang,
        &election,
        Shown {
            flash,
            ..Shown::default()
        },
        StationForm::default(),
    )
    .await
    .map_err(|e| PageError::new(e, lang))?;
    Ok(no_store(render(StatusCode::OK, &page)))
}

/// The committee member behind a committee step, and the election.
async fn committee(
    state: &AppState,
    principal: MaybePrincipal,
    lang: Lang,
    election_id: &str,
) -> Result<(Principal, Election), PageError> {
    let principal = require_user(principal, lang)?;
    principal
        .require_committee()
        .map_err(|e| PageError::new(e, lang))?;
    let election = election(state, election_id, lang).await?;
    Ok((principal, election))
}

/// `POST /elections/{id}/stations`: sets a station up (R-POLL-1).
pub async fn add_station(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path(election_id): Path<String>,
    Form(form): Form<StationForm>,
) -> Result<Response, PageError> {
    let (principal, election) = committee(&state, principal, lang, &election_id).await?;
    let approval = form.approval.trim();
    let request = StationRequest {
        code: form.code.clone(),
        name: form.name.clone(),
        kind: form.kind.clone(),
        place: form.place.clone(),
        serves: form.serves.clone(),
        approval: (!approval.is_empty()).then(|| approval.to_owned()),
    };
    match crate::polling::add_station(&*state.store, &election, &request, state.clock.now()).await {
        Ok(station) => Ok(Redirect::to(&format!(
            "/elections/{}/stations?added={}#stations",
            election.id, station.code
        ))
        .into_response()),
        Err(HttpError::Internal(e)) => Err(PageError::new(HttpError::Internal(e), lang)),
        Err(err) => {
            err.log();
            let page = stations_view(
                &state,
                &principal,
                lang,
                &election,
                Shown {
                    alert: Some(refusal_alert(&err, lang)),
                    ..Shown::default()
                },
                form,
            )
            .await
            .map_err(|e| PageError::new(e, lang))?;
            Ok(no_store(render(err.status(), &page)))
        }
    }
}

/// `POST /elections/{id}/stations/{code}/token`: issues a clerk's token
/// for the station and shows it this once (the answer is the page itself,
/// never a redirect carrying the secret).
pub async fn issue_token(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path((election_id, code)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (principal, election) = committee(&state, principal, lang, &election_id).await?;
    let run = async {
        let known = state
            .store
            .list_stations(election.id)
            .await?
            .iter()
            .any(|s| s.code == code);
        if !known {
            return Err(HttpError::NotFound);
        }
        let secret = secrets::new_token(&state.rng, STATION_TOKEN_PREFIX)
            .map_err(|_| HttpError::Internal(anyhow::anyhow!("the system random source failed")))?;
        let now = state.clock.now();
        let hours = i64::from(state.settings.station_token_hours);
        let token = state
            .store
            .create_station_token(
                election.id,
                &code,
                secret.hash,
                now,
                now + chrono::Duration::hours(hours),
            )
            .await?;
        tracing::info!(election_id = %election.id, station = %code, token_id = %token.id, "station token issued (page)");
        Ok(IssuedToken {
            title: fill(lang.texts().st_token_title, &[&code]),
            token: secret.plain,
            expires_at: token.expires_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        })
    };
    let issued = run.await.map_err(|e| PageError::new(e, lang))?;
    let page = stations_view(
        &state,
        &principal,
        lang,
        &election,
        Shown {
            issued: Some(issued),
            ..Shown::default()
        },
        StationForm::default(),
    )
    .await
    .map_err(|e| PageError::new(e, lang))?;
    Ok(no_store(render(StatusCode::CREATED, &page)))
}

// --- a clerk's sign-in ----------------------------------------------------------

#[derive(Template)]
#[template(path = "station_signin.html")]
struct SignInPage {
    chrome: Chrome,
    alert: Option<String>,
}

fn station_path(election: uuid::Uuid, code: &str) -> String {
    format!("/elections/{election}/stations/{code}")
}

/// `GET /station`: the clerk's sign-in; a clerk already signed in goes on
/// to its station.
pub async fn sign_in_page(principal: MaybePrincipal, lang: Lang) -> Response {
    if let Some(Principal::Clerk(token)) = &principal.0 {
        return Redirect::to(&station_path(token.election_id, &token.station)).into_response();
    }
    let page = SignInPage {
        chrome: Chrome::new(lang, "/station", principal.0.as_ref()),
        alert: None,
    };
    no_store(render(StatusCode::OK, &page))
}

#[derive(Debug, Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    token: String,
}

/// `POST /station`: checks the token and keeps it in the station cookie
/// (any session cookie in this browser is dropped: one browser, one
/// identity), then on to the station's page.
pub async fn sign_in_submit(
    State(state): State<AppState>,
    lang: Lang,
    Form(form): Form<SignInForm>,
) -> Result<Response, PageError> {
    let secret = form.token.trim();
    let now = state.clock.now();
    let found = if secret.starts_with(STATION_TOKEN_PREFIX) {
        state
            .store
            .find_station_token(secrets::sha256(secret.as_bytes()), now)
            .await
            .map_err(|e| PageError::new(e.into(), lang))?
    } else {
        None
    };
    let Some(token) = found else {
        let page = SignInPage {
            chrome: Chrome::new(lang, "/station", None),
            alert: Some(lang.texts().st_signin_refused.to_owned()),
        };
        return Ok(no_store(render(StatusCode::UNAUTHORIZED, &page)));
    };
    let secure = state.settings.secure_cookies;
    let cookie = auth::station_cookie(
        secret,
        (token.expires_at - now).num_seconds().max(0),
        secure,
    )
    .map_err(|e| PageError::new(e, lang))?;
    let mut response =
        Redirect::to(&station_path(token.election_id, &token.station)).into_response();
    let headers = response.headers_mut();
    headers.append(header::SET_COOKIE, cookie);
    headers.append(header::SET_COOKIE, auth::clear_session_cookie(secure));
    Ok(response)
}

/// `POST /station/signout`: forgets the station token in this browser.
pub async fn sign_out(State(state): State<AppState>) -> Response {
    let mut response = Redirect::to("/station").into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        auth::clear_station_cookie(state.settings.secure_cookies),
    );
    response
}

// --- one station's page ------------------------------------------------------------

struct CandidateView {
    row: usize,
    name: String,
}

struct ContestView {
    position: String,
    label: String,
    seats_line: String,
    candidates: Vec<CandidateView>,
    write_in_rows: Vec<u32>,
}

#[derive(Template)]
#[template(path = "station.html")]
struct StationPage {
    chrome: Chrome,
    election_id: String,
    election_title: String,
    station: StationRow,
    /// The committee or this station's clerk: the forms show.
    can_act: bool,
    is_clerk: bool,
    alert: Option<String>,
    flash: Option<String>,
    /// The last receipt number, shown big after a scan.
    receipt: Option<u64>,
    closed: bool,
    contests: Vec<ContestView>,
    serial: String,
}

fn position_label(code: &str, t: &Texts) -> String {
    match code {
        "director" => t.position_director,
        "deputy" => t.position_deputy,
        "member" => t.position_member,
        "women_member" => t.position_women_member,
        other => return other.to_owned(),
    }
    .to_owned()
}

/// The ballot as the clerk marks it: per position (the election's seats,
/// in order), the candidates in the order the ballot prints them, whose
/// row numbers (1 first) are the scan's candidate keys.
async fn contests(
    state: &AppState,
    election: &Election,
    t: &Texts,
) -> Result<Vec<ContestView>, HttpError> {
    let layout = crate::ballots::layout(&*state.store, election, huanjie_print::Paper::A4).await?;
    Ok(election
        .seats
        .iter()
        .zip(layout.contests)
        .map(|(seat, contest)| ContestView {
            position: seat.position.clone(),
            label: position_label(&seat.position, t),
            seats_line: fill(t.st_seats_line, &[&seat.seats.to_string()]),
            candidates: contest
                .candidates
                .into_iter()
                .enumerate()
                .map(|(i, name)| CandidateView { row: i + 1, name })
                .collect(),
            write_in_rows: (1..=contest.write_in_rows).collect(),
        })
        .collect())
}

/// Who may see a station's page: the committee and observers any station,
/// a clerk its own only. Returns whether the caller may act on it.
fn station_access(
    principal: &Principal,
    election: uuid::Uuid,
    code: &str,
) -> Result<bool, HttpError> {
    match principal.role() {
        Role::Committee => Ok(true),
        Role::Clerk => principal.require_station(election, code).map(|()| true),
        Role::Observer => Ok(false),
    }
}

/// Where nobody signed in is sent from a station's page: the clerk's
/// sign-in.
fn to_station_sign_in() -> Response {
    Redirect::to("/station").into_response()
}

#[derive(Debug, Default, Deserialize)]
pub struct StationParams {
    done: Option<String>,
    count: Option<i64>,
    receipt: Option<u64>,
    serial: Option<String>,
    replayed: Option<u8>,
}

async fn station_view(
    state: &AppState,
    principal: &Principal,
    lang: Lang,
    election: &Election,
    code: &str,
    alert: Option<String>,
    params: &StationParams,
) -> Result<StationPage, HttpError> {
    let t = lang.texts();
    let can_act = station_access(principal, election.id, code)?;
    let station = state
        .store
        .list_stations(election.id)
        .await?
        .into_iter()
        .find(|s| s.code == code)
        .ok_or(HttpError::NotFound)?;
    let closed = station.polls == Polls::Closed;
    let mut alert = alert;
    let contests = if closed && can_act {
        match contests(state, election, t).await {
            Ok(c) => c,
            Err(HttpError::Internal(e)) => return Err(HttpError::Internal(e)),
            Err(err) => {
                alert.get_or_insert_with(|| refusal_alert(&err, lang));
                Vec::new()
            }
        }
    } else {
        Vec::new()
    };
    let serial = params.serial.clone().unwrap_or_default();
    let flash = match (params.done.as_deref(), params.receipt) {
        (_, Some(n)) if params.replayed == Some(1) => {
            Some(fill(t.st_replayed_flash, &[&n.to_string(), &serial]))
        }
        (_, Some(n)) => Some(fill(t.st_receipt_flash, &[&n.to_string(), &serial])),
        (Some("open"), None) => Some(t.st_opened_flash.to_owned()),
        (Some("issued"), None) => Some(fill(
            t.st_issued_flash,
            &[&params.count.unwrap_or_default().to_string()],
        )),
        (Some("close"), None) => Some(t.st_closed_flash.to_owned()),
        _ => None,
    };
    Ok(StationPage {
        chrome: Chrome::new(lang, &station_path(election.id, code), Some(principal)),
        election_id: election.id.to_string(),
        election_title: election.title.clone(),
        station: row(&station, t),
        can_act,
        is_clerk: principal.role() == Role::Clerk,
        alert,
        flash,
        receipt: params.receipt,
        closed,
        contests,
        // After a counted ballot the field is empty for the next one; after
        // "next" it carries the serial just scanned.
        serial: if params.receipt.is_some() {
            String::new()
        } else {
            serial
        },
    })
}

/// `GET /elections/{id}/stations/{code}`: the station's page.
pub async fn station(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path((election_id, code)): Path<(String, String)>,
    Query(params): Query<StationParams>,
) -> Result<Response, PageError> {
    let Some(principal) = principal.0 else {
        return Ok(to_station_sign_in());
    };
    let election = election(&state, &election_id, lang).await?;
    let page = station_view(&state, &principal, lang, &election, &code, None, &params)
        .await
        .map_err(|e| PageError::new(e, lang))?;
    Ok(no_store(render(StatusCode::OK, &page)))
}

/// Runs one step at a station (the committee or the station's clerk); on
/// success back to the page with the query the step returns, on a refusal
/// the page again with it in words and its rule id.
async fn station_step<F, Fut>(
    state: AppState,
    principal: MaybePrincipal,
    lang: Lang,
    election_id: String,
    code: String,
    kept_serial: Option<String>,
    run: F,
) -> Result<Response, PageError>
where
    F: FnOnce(AppState, Election, Principal) -> Fut,
    Fut: std::future::Future<Output = Result<String, HttpError>>,
{
    let Some(principal) = principal.0 else {
        return Ok(to_station_sign_in());
    };
    let election = election(&state, &election_id, lang).await?;
    let may_act =
        station_access(&principal, election.id, &code).map_err(|e| PageError::new(e, lang))?;
    if !may_act {
        return Err(PageError::new(HttpError::Forbidden, lang));
    }
    match run(state.clone(), election.clone(), principal.clone()).await {
        Ok(query) => Ok(
            Redirect::to(&format!("{}?{query}", station_path(election.id, &code))).into_response(),
        ),
        Err(HttpError::Internal(e)) => Err(PageError::new(HttpError::Internal(e), lang)),
        Err(err) => {
            err.log();
            let params = StationParams {
                serial: kept_serial,
                ..StationParams::default()
            };
            let page = station_view(
                &state,
                &principal,
                lang,
                &election,
                &code,
                Some(refusal_alert(&err, lang)),
                &params,
            )
            .await
            .map_err(|e| PageError::new(e, lang))?;
            Ok(no_store(render(err.status(), &page)))
        }
    }
}

/// `POST /elections/{id}/stations/{code}/open`.
pub async fn open(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path((election_id, code)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let station = code.clone();
    station_step(
        state,
        principal,
        lang,
        election_id,
        code,
        None,
        |state, election, _| async move {
            crate::polling::open_polls(&*state.store, &election, &station, state.clock.now())
                .await?;
            Ok("done=open".to_owned())
        },
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct IssuedForm {
    #[serde(default)]
    count: String,
}

/// A number of ballots handed out (negative: taken back), not zero.
fn issued_count(raw: &str) -> Result<i64, HttpError> {
    let raw = raw.trim();
    match raw.parse::<i64>() {
        Ok(n) if n != 0 && n.abs() <= 100_000 => Ok(n),
        _ => Err(bad(
            "count",
            format!("张数（count）：“{raw}”不是非零整数"),
            format!("count: {raw:?} is not a whole number other than zero"),
        )),
    }
}

/// `POST /elections/{id}/stations/{code}/issued` `count=n`.
pub async fn issued(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path((election_id, code)): Path<(String, String)>,
    Form(form): Form<IssuedForm>,
) -> Result<Response, PageError> {
    let station = code.clone();
    station_step(
        state,
        principal,
        lang,
        election_id,
        code,
        None,
        |state, election, _| async move {
            let count = issued_count(&form.count)?;
            state
                .store
                .record_issued(election.id, &station, count, state.clock.now())
                .await?;
            Ok(format!("done=issued&count={count}"))
        },
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct CloseForm {
    #[serde(default)]
    confirm: String,
}

/// `POST /elections/{id}/stations/{code}/close` `confirm=yes`.
pub async fn close(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path((election_id, code)): Path<(String, String)>,
    Form(form): Form<CloseForm>,
) -> Result<Response, PageError> {
    let station = code.clone();
    station_step(
        state,
        principal,
        lang,
        election_id,
        code,
        None,
        |state, election, _| async move {
            if form.confirm != "yes" {
                return Err(bad(
                    "confirm",
                    crate::i18n::ZH.st_confirm_required.to_owned(),
                    crate::i18n::EN.st_confirm_required.to_owned(),
                ));
            }
            state
                .store
                .close_polls(election.id, &station, state.clock.now())
                .await?;
            Ok("done=close".to_owned())
        },
    )
    .await
}

/// A serial as it goes into the address after a scan: whatever the
/// scanner typed, percent-encoded.
fn query_value(raw: &str) -> String {
    raw.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// What the count form posts: `serial`, `action` (`serial`: Enter after
/// the serial, which only moves on; `count`; `unreadable`), marks as
/// `m:{position}:{row}` = `for` / `against` / `abstain`, write-ins as
/// `w:{position}:{row}` = a name.
fn scan_request(fields: &[(String, String)]) -> (Option<String>, ScanRequest) {
    let mut action = None;
    let mut request = ScanRequest::default();
    for (key, value) in fields {
        if key == "serial" {
            request.serial = value.trim().to_owned();
        } else if key == "action" {
            action = Some(value.clone());
        } else if let Some(rest) = key.strip_prefix("m:") {
            // None marked is an abstention; an explicit 弃权 is stored the
            // same way, so a retry of the same ballot is the same scan.
            if let Some((position, row)) = rest.split_once(':') {
                if value != "abstain" {
                    request
                        .ballot
                        .marks
                        .entry(position.to_owned())
                        .or_default()
                        .insert(row.to_owned(), value.clone());
                }
            }
        } else if let Some(rest) = key.strip_prefix("w:") {
            if let Some((position, _row)) = rest.split_once(':') {
                if !value.trim().is_empty() {
                    request
                        .ballot
                        .write_ins
                        .entry(position.to_owned())
                        .or_default()
                        .push(WriteIn {
                            name: value.trim().to_owned(),
                            gender: None,
                        });
                }
            }
        }
    }
    if action.as_deref() == Some("unreadable") {
        request.ballot = BallotMarks {
            marks: BTreeMap::new(),
            write_ins: BTreeMap::new(),
            unreadable: true,
        };
    }
    (action, request)
}

/// `POST /elections/{id}/stations/{code}/scans`: counts one ballot.
pub async fn scan(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path((election_id, code)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (action, request) = scan_request(&fields);
    let station = code.clone();
    let kept = request.serial.clone();
    station_step(
        state,
        principal,
        lang,
        election_id,
        code,
        Some(kept),
        |state, election, principal| async move {
            let serial_query = query_value(&request.serial);
            if action.as_deref() == Some("serial") {
                return Ok(format!("serial={serial_query}#count"));
            }
            let by = match &principal {
                Principal::Clerk(token) => format!("station:{}", token.station),
                _ => principal.username(),
            };
            let receipt = crate::polling::scan(
                &state.scans,
                &election,
                &station,
                &request,
                &by,
                None,
                state.clock.now(),
            )
            .await?;
            Ok(format!(
                "receipt={}&replayed={}&serial={serial_query}#count",
                receipt.receipt.number,
                u8::from(receipt.replayed)
            ))
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn the_count_form_reads_marks_and_write_ins() {
        let (action, r) = scan_request(&pairs(&[
            ("serial", " HJ1-abc "),
            ("action", "count"),
            ("m:director:1", "for"),
            ("m:director:2", "abstain"),
            ("m:member:3", "against"),
            ("w:member:1", " 赵六 "),
            ("w:member:2", ""),
        ]));
        assert_eq!(action.as_deref(), Some("count"));
        assert_eq!(r.serial, "HJ1-abc");
        assert_eq!(r.ballot.marks["director"].len(), 1);
        assert_eq!(r.ballot.marks["director"]["1"], "for");
        assert_eq!(r.ballot.marks["member"]["3"], "against");
        assert_eq!(r.ballot.write_ins["member"].len(), 1);
        assert_eq!(r.ballot.write_ins["member"][0].name, "赵六");
        assert!(!r.ballot.unreadable);
    }

    #[test]
    fn unreadable_drops_the_marks() {
        let (_, r) = scan_request(&pairs(&[
            ("serial", "x"),
            ("m:director:1", "for"),
            ("action", "unreadable"),
        ]));
        assert!(r.ballot.unreadable && r.ballot.marks.is_empty());
    }

    #[test]
    fn serials_are_encoded_for_the_address() {
        assert_eq!(query_value("HJ1-ab_c"), "HJ1-ab_c");
        assert_eq!(query_value("a b/\n"), "a%20b%2F%0A");
    }

    #[test]
    fn issued_counts_are_whole_and_not_zero() {
        assert_eq!(issued_count(" -1 ").unwrap(), -1);
        assert_eq!(issued_count("5").unwrap(), 5);
        assert!(issued_count("0").is_err());
        assert!(issued_count("五").is_err());
    }
}
