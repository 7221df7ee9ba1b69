//! A certified election, run over HTTP from nothing: for suites that need
//! one at its end (the verification bundle, the observer portal).
//!
//! City-2009 profile, a residents' committee (director 1 seat, members 4),
//! a generated roll of 400 residents published, seven self-nominations
//! fixed as the formal list (two for director, five for member), one
//! central station with three scrutineers, ballots printed, polls opened,
//! more than half the registered voters issued a ballot (so the round is
//! valid, R-CNT-3), polls closed, those ballots scanned with varied marks,
//! and the round certified (R-CERT-1). The same steps and numbers as
//! `certified_documents` in `tests/nomination_api.rs`.

use anyhow::{bail, Context, Result};
use chrono::{Duration, NaiveDate, Utc};
use huanjie_registration::{generate_roll_csv, Encoding};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::app::{call, TestApp};

/// What a test needs of the certified election.
#[derive(Debug, Clone)]
pub struct CertifiedElection {
    /// The committee's session token (user `chair`).
    pub token: String,
    /// The election's id.
    pub id: String,
    /// `/elections/{id}`, to append to `/api/v1`.
    pub path: String,
    pub registered: u64,
    /// Ballots issued and scanned.
    pub voted: u64,
    /// The signed result file as certification answered it.
    pub signed_result: Vec<u8>,
}

/// Today in China Standard Time, as the server reads it.
fn today() -> NaiveDate {
    (Utc::now() + Duration::hours(8)).date_naive()
}

async fn ok(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
    want: StatusCode,
) -> Result<Value> {
    let (status, reply) = call(app, method.clone(), path, token, body).await;
    if status != want {
        bail!("{method} {path}: expected {want}, got {status}: {reply}");
    }
    Ok(reply)
}

/// Runs an election to certification on a fresh app (the first-run
/// set-up is used, so the app must be new); `seed` picks the roll.
pub async fn certified_election(app: &TestApp, seed: u64) -> Result<CertifiedElection> {
    let token = app.set_up_committee("chair").await?;
    let day = today() + Duration::days(31);
    let created = ok(
        app,
        Method::POST,
        "/elections",
        &token,
        Some(json!({
            "body_kind": "residents_committee", "title": format!("和平社区{day}"),
            "profile": "city-2009", "election_day": day.to_string(),
            "seats": [{"position": "director", "seats": 1}, {"position": "member", "seats": 4}]
        })),
        StatusCode::CREATED,
    )
    .await?;
    let id = created["id"]
        .as_str()
        .context("no id for the new election")?
        .to_owned();
    let e = format!("/elections/{id}");

    let csv = generate_roll_csv(seed, 400, day, Encoding::Utf8);
    let reply = app
        .client()
        .post(app.url(&format!("/api/v1{e}/roll")))
        .bearer_auth(&token)
        .body(csv)
        .send()
        .await?;
    if reply.status() != StatusCode::OK {
        bail!("roll import: {}", reply.text().await.unwrap_or_default());
    }
    ok(
        app,
        Method::POST,
        &format!("{e}/publication"),
        &token,
        None,
        StatusCode::CREATED,
    )
    .await?;
    let page = ok(
        app,
        Method::GET,
        &format!("{e}/residents?limit=500&voters_only=true"),
        &token,
        None,
        StatusCode::OK,
    )
    .await?;
    let voters: Vec<String> = page["residents"]
        .as_array()
        .context("no residents")?
        .iter()
        .filter(|r| r["waived"] != true)
        .filter_map(|r| r["id"].as_str().map(str::to_owned))
        .collect();
    if voters.len() < 310 {
        bail!("only {} voters on the roll", voters.len());
    }

    for (who, position) in [
        (&voters[1], "director"),
        (&voters[2], "director"),
        (&voters[3], "member"),
        (&voters[4], "member"),
        (&voters[5], "member"),
        (&voters[6], "member"),
        (&voters[7], "member"),
    ] {
        ok(
            app,
            Method::POST,
            &format!("{e}/nominations"),
            &token,
            Some(json!({
                "kind": "self_nomination",
                "nominators": [who],
                "nominees": [{"resident": who, "position": position}],
            })),
            StatusCode::CREATED,
        )
        .await?;
    }
    ok(
        app,
        Method::POST,
        &format!("{e}/formal-list"),
        &token,
        None,
        StatusCode::CREATED,
    )
    .await?;

    let status = ok(
        app,
        Method::GET,
        &format!("{e}/registration"),
        &token,
        None,
        StatusCode::OK,
    )
    .await?;
    let registered = status["registered"]
        .as_u64()
        .context("the registered base")?;
    let voted = registered / 2 + 1;

    ok(
        app,
        Method::POST,
        &format!("{e}/stations"),
        &token,
        Some(json!({"code": "central", "name": "中心投票站", "kind": "central"})),
        StatusCode::CREATED,
    )
    .await?;
    for resident in &voters[300..303] {
        ok(
            app,
            Method::POST,
            &format!("{e}/counting-staff"),
            &token,
            Some(json!({"resident": resident, "role": "scrutineer", "station": "中心投票站"})),
            StatusCode::CREATED,
        )
        .await?;
    }
    let printed = ok(
        app,
        Method::POST,
        &format!("{e}/ballot-batches"),
        &token,
        Some(json!({"station": "central", "count": voted + 5})),
        StatusCode::CREATED,
    )
    .await?;
    let serials: Vec<String> = printed["serials"]
        .as_array()
        .context("no serials")?
        .iter()
        .filter_map(|s| s.as_str().map(str::to_owned))
        .collect();
    let clerk = ok(
        app,
        Method::POST,
        &format!("{e}/station-tokens"),
        &token,
        Some(json!({"station": "central"})),
        StatusCode::CREATED,
    )
    .await?["token"]
        .as_str()
        .context("no clerk token")?
        .to_owned();
    let at = |step: &str| format!("{e}/stations/central/{step}");
    ok(app, Method::POST, &at("open"), &clerk, None, StatusCode::OK).await?;
    ok(
        app,
        Method::POST,
        &at("issued"),
        &clerk,
        Some(json!({"count": voted})),
        StatusCode::OK,
    )
    .await?;
    ok(
        app,
        Method::POST,
        &at("close"),
        &clerk,
        None,
        StatusCode::OK,
    )
    .await?;

    let count = usize::try_from(voted)?;
    for (i, serial) in serials.iter().take(count).enumerate() {
        // Varied marks: the directors share the votes, members get for,
        // against and abstain (no mark).
        let director = if i % 3 == 0 { "2" } else { "1" };
        let member = if i % 2 == 0 { "for" } else { "against" };
        let mut marks = json!({
            "director": {director: "for"},
            "member": {"1": "for", "2": member},
        });
        if i % 5 == 0 {
            marks["member"]["3"] = json!("for");
        }
        ok(
            app,
            Method::POST,
            &at("scans"),
            &clerk,
            Some(json!({"serial": serial, "marks": marks})),
            StatusCode::CREATED,
        )
        .await?;
    }

    let reply = app
        .client()
        .post(app.url(&format!("/api/v1{e}/certification")))
        .bearer_auth(&token)
        .send()
        .await?;
    if reply.status() != StatusCode::CREATED {
        bail!("certification: {}", reply.text().await.unwrap_or_default());
    }
    let signed_result = reply.bytes().await?.to_vec();
    Ok(CertifiedElection {
        token,
        id,
        path: e,
        registered,
        voted,
        signed_result,
    })
}
