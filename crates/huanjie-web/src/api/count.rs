//! The live count and the ballots a person decides, over the API (issue 6).
//!
//! - `GET /elections/{id}/count`: the count board as it stands (JSON);
//! - `GET /elections/{id}/count/events`: the same, as server-sent events,
//!   one `count` event per change (a browser's `EventSource`, with the
//!   session or station cookie);
//! - `GET /elections/{id}/reviews[?station=]`: ballots for a person to
//!   decide (R-CNT-4), and those decided;
//! - `POST /elections/{id}/stations/{station}/scans/{number}/decision`:
//!   a person's reading of one of them, once.
//!
//! Everyone who may see the election may watch the board (committee,
//! observers, and the clerks of its stations); deciding is for the
//! committee, or the station's clerk when nothing is to be ruled
//! unreadable.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::Json;
use futures_util::stream::{self, Stream};
use serde::Deserialize;
use serde_json::{json, Value};

use super::roll::election_for;
use super::{to_json, ApiJson};
use crate::auth::Principal;
use crate::error::{HttpError, RuleRefusal};
use crate::polling::{self, BallotMarks};
use crate::state::AppState;
use huanjie_core::rule;
use huanjie_store::Role;

/// `GET /elections/{id}/count`.
pub async fn board(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
) -> Result<Json<Value>, HttpError> {
    let election = election_for(&state, &principal, &election_id).await?;
    let snapshot = state.boards.snapshot(&election).await?;
    Ok(Json((*snapshot).clone()))
}

/// `GET /elections/{id}/count/events`: the board now, then after every
/// change; a comment every 15 s keeps proxies from closing the stream.
pub async fn events(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, HttpError> {
    let election = election_for(&state, &principal, &election_id).await?;
    let receiver = state.boards.watch(&election).await?;
    let closing = state.boards.closing();
    let stream = stream::unfold(
        (receiver, closing, true),
        |(mut receiver, mut closing, first)| async move {
            if *closing.borrow() {
                return None;
            }
            if !first {
                tokio::select! {
                    changed = receiver.changed() => changed.ok()?,
                    _ = closing.changed() => return None,
                }
            }
            let snapshot = receiver.borrow_and_update().clone();
            let event = Event::default()
                .event("count")
                .data(serde_json::to_string(&*snapshot).unwrap_or_else(|_| "null".to_owned()));
            Some((Ok(event), (receiver, closing, false)))
        },
    );
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

#[derive(Debug, Default, Deserialize)]
pub struct ReviewQuery {
    station: Option<String>,
}

/// `GET /elections/{id}/reviews[?station=]`: a clerk sees their own
/// station's only.
pub async fn reviews(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
    Query(query): Query<ReviewQuery>,
) -> Result<Json<Value>, HttpError> {
    let election = election_for(&state, &principal, &election_id).await?;
    let station = match &principal {
        Principal::Clerk(token) => Some(token.station.clone()),
        _ => query.station,
    };
    let reviews = polling::reviews(&state, &election, station.as_deref()).await?;
    Ok(Json(json!({ "reviews": to_json(&reviews)? })))
}

/// `POST /elections/{id}/stations/{station}/scans/{number}/decision`
/// with the marks as read off the paper (`marks`, `write_ins`, or
/// `unreadable: true` for the committee's ruling that it is void).
pub async fn decide(
    State(state): State<AppState>,
    principal: Principal,
    Path((election_id, station, number)): Path<(String, String, u64)>,
    ApiJson(input): ApiJson<BallotMarks>,
) -> Result<Json<Value>, HttpError> {
    let election = election_for(&state, &principal, &election_id).await?;
    let committee = match principal.role() {
        Role::Committee => true,
        Role::Clerk => {
            principal.require_station(election.id, &station)?;
            false
        }
        Role::Observer => return Err(HttpError::Forbidden),
    };
    let by = match &principal {
        Principal::Clerk(token) => format!("station:{}", token.station),
        _ => principal.username(),
    };
    let decided = polling::decide(
        &state,
        &election,
        &station,
        number,
        &input,
        committee,
        &by,
        state.clock.now(),
    )
    .await?;
    Ok(Json(to_json(&decided)?))
}

/// A clerk asked to rule a ballot unreadable: that is the committee's.
pub(crate) fn committee_rules() -> HttpError {
    RuleRefusal::new(
        "committee_rules_unreadable",
        rule::CNT_4,
        "无法辨认的选票由选举委员会裁定".into(),
        "an unreadable ballot is ruled on by the election committee".into(),
    )
    .into()
}

/// `GET /elections/{id}/result`: the round's result, recounted from the
/// stored ballots by the rules core now (`huanjie.result/1`, as
/// `huanjie count` prints it); refused while a station still votes or a
/// ballot waits for a person.
pub async fn result(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
) -> Result<axum::response::Response, HttpError> {
    use axum::response::IntoResponse;
    let election = election_for(&state, &principal, &election_id).await?;
    let result = crate::tally::result(&*state.store, &election).await?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        huanjie_case::result_json(&result),
    )
        .into_response())
}

/// `GET /elections/{id}/case`: the round's counting case
/// (`huanjie.case/1`) to recount offline with `huanjie count`.
pub async fn case(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
) -> Result<axum::response::Response, HttpError> {
    use axum::response::IntoResponse;
    let election = election_for(&state, &principal, &election_id).await?;
    let key = state
        .store
        .find_ballot_key(election.id)
        .await?
        .ok_or_else(crate::ballots::not_printed)?;
    let case = crate::tally::case_json(&*state.store, &election, &key.0).await?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "application/json"),
            (
                axum::http::header::CONTENT_DISPOSITION,
                "attachment; filename=\"case.json\"",
            ),
        ],
        case,
    )
        .into_response())
}

/// `GET /elections/{id}/reconciliation`: every station's ballots received,
/// spoiled, issued, returned and unused, with discrepancies, and the
/// round's figures (R-CNT-2).
pub async fn reconciliation(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
) -> Result<Json<Value>, HttpError> {
    let election = election_for(&state, &principal, &election_id).await?;
    let r = crate::reconciliation::reconcile(&*state.store, &election).await?;
    Ok(Json(to_json(&r)?))
}

/// `GET /elections/{id}/stations/{station}/count-sheet`: the station's
/// count sheet (计票单) as a PDF, for its staff to sign.
pub async fn count_sheet(
    State(state): State<AppState>,
    principal: Principal,
    Path((election_id, station)): Path<(String, String)>,
) -> Result<axum::response::Response, HttpError> {
    let election = election_for(&state, &principal, &election_id).await?;
    let today = crate::registration::today(state.clock.now());
    let pdf = crate::reconciliation::count_sheet(&*state.store, &election, &station, today).await?;
    Ok(crate::pdf::download(
        pdf,
        "application/pdf",
        &format!("count-sheet-{station}.pdf"),
    ))
}

/// `POST /elections/{id}/certification` (committee): certifies the
/// round (R-CERT-1): recounted now, signed, stored, and the ballots
/// locked. 201 with the signed result file.
pub async fn certify(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
) -> Result<(axum::http::StatusCode, axum::response::Response), HttpError> {
    use axum::response::IntoResponse;
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let (_, file) = crate::certification::certify(
        &*state.store,
        &state.rng,
        &election,
        &principal.username(),
        state.clock.now(),
    )
    .await?;
    Ok((
        axum::http::StatusCode::CREATED,
        (
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            file,
        )
            .into_response(),
    ))
}

/// `GET /elections/{id}/certification`: the signed result file
/// (`huanjie.signed-result/1`), byte for byte as certified.
pub async fn certification(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
) -> Result<axum::response::Response, HttpError> {
    use axum::response::IntoResponse;
    let election = election_for(&state, &principal, &election_id).await?;
    let store = &*state.store;
    let certified = store.certifications(election.id).await?;
    let (Some(c), Some(key)) = (
        certified.into_iter().find(|c| {
            c.round
                == election
                    .round
                    .as_ref()
                    .map_or("general", |r| r.kind.as_str())
        }),
        crate::certification::public_key(store, &election).await?,
    ) else {
        return Err(HttpError::NotFound);
    };
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "application/json"),
            (
                axum::http::header::CONTENT_DISPOSITION,
                "attachment; filename=\"signed-result.json\"",
            ),
        ],
        crate::certification::signed_file(&c, &key),
    )
        .into_response())
}

/// `GET /elections/{id}/public-key`: the election's published Ed25519
/// public key (404 before anything was signed).
pub async fn public_key(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
) -> Result<Json<Value>, HttpError> {
    let election = election_for(&state, &principal, &election_id).await?;
    let key = crate::certification::public_key(&*state.store, &election)
        .await?
        .ok_or(HttpError::NotFound)?;
    Ok(Json(
        json!({ "algorithm": "Ed25519", "public_key": hex::encode(key) }),
    ))
}

/// `GET /elections/{id}/documents/{kind}[?township=]`: what follows
/// certification, made from the certified document: `results` (选举结果公告),
/// `certificates` (当选证书, one page per winner), `report` (the report
/// to the township, `township` required) as PDFs; `results.json` (the
/// certified document) and `results.nist.json` (NIST SP 1500-100).
pub async fn document(
    State(state): State<AppState>,
    principal: Principal,
    Path((election_id, kind)): Path<(String, String)>,
    Query(query): Query<DocumentQuery>,
) -> Result<axum::response::Response, HttpError> {
    let election = election_for(&state, &principal, &election_id).await?;
    let store = &*state.store;
    let certified = crate::documents::certified(store, &election).await?;
    let today = crate::registration::today(state.clock.now());
    let pdf = |bytes: Result<Vec<u8>, huanjie_print::PrintError>, rule, name: &str| {
        bytes
            .map(|b| crate::pdf::download(b, "application/pdf", name))
            .map_err(|e| crate::pdf::print_error(e, rule))
    };
    let fonts = || crate::pdf::fonts();
    let valid = certified.document["result"]["valid"].as_bool() == Some(true);
    let void = || -> HttpError {
        RuleRefusal::new(
            "round_void",
            rule::CNT_3,
            "本轮选举无效（见选举情况报告中的原因），没有当选人员可以公告或发证".into(),
            "this round is void (the report gives why): there is no one elected to announce or certify"
                .into(),
        )
        .conflict()
        .into()
    };
    match kind.as_str() {
        "results" | "certificates" if !valid => Err(void()),
        "results" => pdf(
            crate::documents::results_notice(
                &election,
                &certified,
                crate::documents::vote_basis(&*state.store, &election).await?,
                today,
            )
            .announcement()
            .to_pdf(fonts()?),
            rule::CERT_1,
            "results.pdf",
        ),
        "certificates" => {
            let basis = crate::documents::vote_basis(&*state.store, &election).await?;
            let certificates = crate::documents::certificates(&election, &certified, basis, today);
            if certificates.is_empty() {
                return Err(RuleRefusal::new(
                    "no_one_elected",
                    rule::CERT_2,
                    "本轮没有当选人员，无需发当选证书".into(),
                    "no one was elected in this round: there is no certificate to issue".into(),
                )
                .conflict()
                .into());
            }
            pdf(
                huanjie_print::certificates_pdf(fonts()?, &certificates),
                rule::CERT_2,
                "certificates.pdf",
            )
        }
        "report" => {
            let township = query.township.as_deref().map(str::trim).unwrap_or("");
            if township.is_empty() {
                return Err(HttpError::BadRequest(crate::error::Message {
                    code: "township",
                    zh: "请填写报送的街道办事处或乡镇（township）".into(),
                    en: "township: the township or street office the report goes to".into(),
                }));
            }
            let report =
                crate::documents::report(store, &election, &certified, township, today).await?;
            pdf(
                report.announcement().to_pdf(fonts()?),
                rule::CERT_1,
                "report.pdf",
            )
        }
        "results.json" => Ok(crate::pdf::download(
            serde_json::to_vec_pretty(&certified.document)
                .map_err(|e| HttpError::Internal(e.into()))?,
            "application/json",
            "results.json",
        )),
        "results.nist.json" => Ok(crate::pdf::download(
            serde_json::to_vec_pretty(&crate::documents::nist(&election, &certified))
                .map_err(|e| HttpError::Internal(e.into()))?,
            "application/json",
            "results.nist.json",
        )),
        _ => Err(HttpError::NotFound),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct DocumentQuery {
    township: Option<String>,
}

/// `POST /elections/{id}/rounds` `{"kind": "further"|"tie-break",
/// "election_day"?}` (committee): a further election or tie-break vote
/// from this round's certified result; 201 with the new round (an
/// election of its own, stations copied).
pub async fn create_round(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
    ApiJson(input): ApiJson<crate::rounds::RoundRequest>,
) -> Result<(axum::http::StatusCode, Json<Value>), HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let created =
        crate::rounds::create(&*state.store, &election, &input, state.clock.now()).await?;
    let mut body = to_json(&created.election)?;
    // R-CNT-8: what the women's line came to, and why none when none.
    if let (Some(plan), Some(object)) = (&created.plan, body.as_object_mut()) {
        if let Some(fields) = crate::rounds::plan_json(plan).as_object() {
            object.extend(fields.clone());
        }
    }
    Ok((axum::http::StatusCode::CREATED, Json(body)))
}

/// `GET /elections/{id}/rounds`: the chain the round belongs to (its
/// general round and every later round, each with whether it is
/// certified) and where it stands after its certified rounds (R-CNT-6/7/8:
/// complete, a tie-break pending, another further election required, or
/// the remaining seats may stay empty); `completion` is null before the
/// general round is certified. Committee and observers.
pub async fn rounds(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
) -> Result<Json<Value>, HttpError> {
    principal.require_reader()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let store = &*state.store;
    let (general, later) = crate::rounds::chain(store, &election).await?;
    let mut rounds = Vec::with_capacity(later.len());
    for round in &later {
        let certified = store
            .certifications(round.id)
            .await?
            .iter()
            .any(|c| Some(c.round.as_str()) == round.round.as_ref().map(|r| r.kind.as_str()));
        let of = round.round.as_ref();
        rounds.push(serde_json::json!({
            "id": round.id,
            "title": round.title,
            "kind": of.map(|r| r.kind.as_str()),
            "number": of.map(|r| r.number),
            "parent": of.map(|r| r.parent),
            "certified": certified,
        }));
    }
    let completion = crate::rounds::completion(store, &election)
        .await?
        .map(|c| crate::rounds::completion_json(&c));
    Ok(Json(serde_json::json!({
        "general": general.id,
        "rounds": rounds,
        "completion": completion,
    })))
}
