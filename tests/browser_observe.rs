//! The observer portal in real headless Chromium (issue 8). Set up over the
//! API: a published list with one amendment after publication (a name
//! corrected, with its reason), a fixed formal list, a central station
//! with three scrutineers, 13 ballots printed, polls opened, 8 issued,
//! polls closed, 7 scanned, the round certified; the election set
//! `public`, a second one left at `token`.
//!
//! A visitor who never signs in opens the public election's portal: the
//! landing page, the reconciliation (received 13, issued 8, returned 7,
//! unused 5, the shortfall flagged with R-CNT-2) and the result, the
//! voter list's fingerprints and the amendment (reason, fingerprint
//! after, masked ID), the audit log (verified, its checkpoints, the
//! entries), a download (the public key) and the counting case fetched
//! from the page, the live count board connecting without a session,
//! and the English switch. The same visitor at the `token` election's
//! portal is sent to sign in.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration as StdDuration;

use chrono::Duration;
use fantoccini::{Client, Locator};
use huanjie_registration::{generate_roll_csv, Encoding};
use huanjie_testkit::app::{call, spawn_sqlite_app, TestApp};
use huanjie_testkit::app::{ok, today};
use huanjie_testkit::browser::{submit, text_of, wait_for_path, Browser, Viewport};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const DESK: Viewport = Viewport {
    width: 1280,
    height: 1000,
    pixel_ratio: 1.0,
    mobile: false,
};

fn masked(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    let n = chars.len();
    let mut out: String = chars[..4].iter().collect();
    out.push_str(&"*".repeat(n - 8));
    out.extend(&chars[n - 4..]);
    out
}

async fn new_election(app: &TestApp, token: &str, title: &str) -> String {
    let day = today() + Duration::days(31);
    let body = ok(
        &call(
            app,
            Method::POST,
            "/elections",
            token,
            Some(json!({
                "body_kind": "residents_committee", "title": title,
                "profile": "city-2009", "election_day": day.to_string(),
                "seats": [{"position": "director", "seats": 1}, {"position": "member", "seats": 4}]
            })),
        )
        .await,
        StatusCode::CREATED,
    );
    format!("/elections/{}", body["id"].as_str().unwrap())
}

/// The public election taken to certification; returns the amended
/// resident's whole ID.
async fn counted_and_certified(app: &TestApp, token: &str, e: &str) -> String {
    let day = today() + Duration::days(31);
    let reply = app
        .client()
        .post(app.url(&format!("/api/v1{e}/roll")))
        .bearer_auth(token)
        .body(generate_roll_csv(48, 400, day, Encoding::Utf8))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::OK);
    ok(
        &call(app, Method::POST, &format!("{e}/publication"), token, None).await,
        StatusCode::CREATED,
    );
    let page = ok(
        &call(
            app,
            Method::GET,
            &format!("{e}/residents?limit=500&voters_only=true"),
            token,
            None,
        )
        .await,
        StatusCode::OK,
    );
    let voters: Vec<Value> = page["residents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["waived"] != true)
        .cloned()
        .collect();
    let v: Vec<String> = voters
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    ok(
        &call(
            app,
            Method::PATCH,
            &format!("{e}/residents/{}", v[10]),
            token,
            Some(json!({"name": "王更正", "reason": "户籍登记更正姓名"})),
        )
        .await,
        StatusCode::OK,
    );
    for (who, position) in [
        (&v[1], "director"),
        (&v[2], "director"),
        (&v[3], "member"),
        (&v[4], "member"),
        (&v[5], "member"),
        (&v[6], "member"),
        (&v[7], "member"),
    ] {
        ok(
            &call(
                app,
                Method::POST,
                &format!("{e}/nominations"),
                token,
                Some(json!({"kind": "self_nomination", "nominators": [who],
                    "nominees": [{"resident": who, "position": position}]})),
            )
            .await,
            StatusCode::CREATED,
        );
    }
    ok(
        &call(app, Method::POST, &format!("{e}/formal-list"), token, None).await,
        StatusCode::CREATED,
    );
    ok(
        &call(
            app,
            Method::POST,
            &format!("{e}/stations"),
            token,
            Some(json!({"code": "central", "name": "中心投票站", "kind": "central"})),
        )
        .await,
        StatusCode::CREATED,
    );
    for resident in &v[300..303] {
        ok(
            &call(
                app,
                Method::POST,
                &format!("{e}/counting-staff"),
                token,
                Some(json!({"resident": resident, "role": "scrutineer", "station": "中心投票站"})),
            )
            .await,
            StatusCode::CREATED,
        );
    }
    let printed = ok(
        &call(
            app,
            Method::POST,
            &format!("{e}/ballot-batches"),
            token,
            Some(json!({"station": "central", "count": 13})),
        )
        .await,
        StatusCode::CREATED,
    );
    let clerk = ok(
        &call(
            app,
            Method::POST,
            &format!("{e}/station-tokens"),
            token,
            Some(json!({"station": "central"})),
        )
        .await,
        StatusCode::CREATED,
    )["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let at = |step: &str| format!("{e}/stations/central/{step}");
    ok(
        &call(app, Method::POST, &at("open"), &clerk, None).await,
        StatusCode::OK,
    );
    ok(
        &call(
            app,
            Method::POST,
            &at("issued"),
            &clerk,
            Some(json!({"count": 8})),
        )
        .await,
        StatusCode::OK,
    );
    ok(
        &call(app, Method::POST, &at("close"), &clerk, None).await,
        StatusCode::OK,
    );
    for serial in printed["serials"].as_array().unwrap().iter().take(7) {
        let body = json!({"serial": serial, "marks": {"director": {"1": "for"}, "member": {"2": "against"}}});
        ok(
            &call(app, Method::POST, &at("scans"), &clerk, Some(body)).await,
            StatusCode::CREATED,
        );
    }
    let certify = app
        .client()
        .post(app.url(&format!("/api/v1{e}/certification")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(certify.status(), StatusCode::CREATED);
    voters[10]["resident_id"].as_str().unwrap().to_owned()
}

async fn count(c: &Client, css: &str) -> usize {
    c.find_all(Locator::Css(css)).await.unwrap().len()
}

async fn attr(c: &Client, css: &str, name: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
        .attr(name)
        .await
        .unwrap()
        .unwrap_or_default()
}

/// Waits until the element's text is `want` (the board changes by itself).
async fn wait_text(c: &Client, css: &str, want: &str) {
    let deadline = tokio::time::Instant::now() + StdDuration::from_secs(15);
    loop {
        let now = match c.find(Locator::Css(css)).await {
            Ok(e) => e.text().await.unwrap_or_default(),
            Err(_) => "(missing)".to_owned(),
        };
        if now == want {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{css} never showed {want:?}; it shows {now:?}"
        );
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
}

/// Fetches `url` from the page, with whatever the browser holds (here:
/// nothing); its status and its body.
async fn fetch_in_page(c: &Client, url: &str) -> (u64, String) {
    let got = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             fetch(arguments[0]).then(r => r.text().then(t => done([r.status, t])))
             .catch(e => done([0, String(e)]));",
            vec![json!(url)],
        )
        .await
        .unwrap();
    (
        got[0].as_u64().unwrap(),
        got[1].as_str().unwrap_or_default().to_owned(),
    )
}

#[tokio::test]
async fn an_anonymous_visitor_walks_a_public_portal_and_is_sent_to_sign_in_at_a_token_one() {
    let app = spawn_sqlite_app().await;
    let token = app.set_up_committee("chair").await.unwrap();
    let e = new_election(&app, &token, "和平社区第十届").await;
    let closed = new_election(&app, &token, "另一个社区").await;
    let amended_id = counted_and_certified(&app, &token, &e).await;
    ok(
        &call(
            &app,
            Method::PUT,
            &format!("{e}/observer-access"),
            &token,
            Some(json!({"access": "public"})),
        )
        .await,
        StatusCode::OK,
    );

    let browser = Browser::start(DESK)
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    let c = &browser.client;
    let portal = format!("{e}/observe");

    // The landing page, no sign-in.
    c.goto(&app.url(&portal)).await.unwrap();
    wait_for_path(c, "the portal", |p| p == portal).await;
    assert_eq!(text_of(c, "h1").await, "观察员页面");
    assert!(text_of(c, "#observe-access")
        .await
        .contains("任何人无需登录"));
    assert_eq!(count(c, "#sign-out").await, 0, "nobody is signed in");

    // Reconciliation and results.
    submit(c, "#observe-reconciliation").await;
    wait_for_path(c, "the reconciliation", |p| {
        p.ends_with("/observe/reconciliation")
    })
    .await;
    assert_eq!(text_of(c, "#rec-central .rec-received").await, "13");
    assert_eq!(text_of(c, "#rec-central .rec-issued").await, "8");
    assert_eq!(text_of(c, "#rec-central .rec-returned").await, "7");
    assert_eq!(text_of(c, "#rec-central .rec-spoiled").await, "0");
    assert_eq!(text_of(c, "#rec-central .rec-unused").await, "5");
    assert_eq!(
        text_of(c, "#rec-central .rec-problems").await,
        "收回选票比发出选票少1张（R-CNT-2）"
    );
    assert_eq!(text_of(c, "#result-cast").await, "7");
    assert_eq!(count(c, "#contest-director .person").await, 2);
    submit(c, "#back-to-portal").await;

    // The voter list's fingerprints and its amendment.
    submit(c, "#observe-voter-list").await;
    wait_for_path(c, "the voter list", |p| p.ends_with("/observe/voter-list")).await;
    let published = text_of(c, "#published-fingerprint").await;
    let current = text_of(c, "#current-fingerprint").await;
    assert_eq!(published.len(), 64);
    assert_ne!(published, current);
    assert_eq!(
        text_of(c, "#change-1 .change-reason").await,
        "户籍登记更正姓名"
    );
    assert_eq!(text_of(c, "#change-1 .change-fingerprint").await, current);
    let resident = text_of(c, "#change-1 .change-resident").await;
    assert!(resident.contains(&masked(&amended_id)), "{resident}");
    let whole_page = c.source().await.unwrap();
    assert!(!whole_page.contains(&amended_id), "a whole resident ID");
    submit(c, "#back-to-portal").await;

    // The audit log with its checkpoints.
    submit(c, "#observe-audit").await;
    wait_for_path(c, "the audit log", |p| p.ends_with("/observe/audit")).await;
    assert_eq!(attr(c, "#verdict", "data-ok").await, "true");
    assert!(text_of(c, "#verdict").await.starts_with("日志完整"));
    assert!(count(c, "#checkpoints-table .checkpoint").await >= 3);
    assert!(count(c, "#entries-table .entry").await > 10);
    assert_eq!(
        text_of(c, "#entry-1 .entry-action").await,
        "POST /api/v1/elections"
    );
    submit(c, "#back-to-portal").await;

    // Downloads: the public key opens; the counting case is fetched.
    let case = attr(c, "#dl-case", "href").await;
    let (status, body) = fetch_in_page(c, &case).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"huanjie.case/1\""), "{body}");
    let (status, body) = fetch_in_page(c, &attr(c, "#dl-signed", "href").await).await;
    assert_eq!(status, 200, "{body}");
    submit(c, "#dl-key").await;
    let key = c.source().await.unwrap();
    assert!(key.contains("Ed25519"), "{key}");
    c.back().await.unwrap();
    wait_for_path(c, "the portal again", |p| p == portal).await;

    // The live board connects without a session.
    submit(c, "#observe-count").await;
    wait_for_path(c, "the count board", |p| p.ends_with("/count")).await;
    wait_text(c, "#board-live", "实时").await;
    assert_eq!(text_of(c, "#board-counted").await, "7");
    assert_eq!(count(c, "#reviews-link").await, 0);
    submit(c, "#observe-link").await;
    wait_for_path(c, "back to the portal", |p| p == portal).await;

    // English.
    submit(c, "#lang-switch").await;
    assert_eq!(text_of(c, "h1").await, "Observer portal");
    assert!(text_of(c, "#observe-reconciliation")
        .await
        .contains("Reconciliation"));

    // A `token` election's portal sends the visitor to sign in.
    c.goto(&app.url(&format!("{closed}/observe")))
        .await
        .unwrap();
    wait_for_path(c, "the sign-in page", |p| p == "/signin").await;

    browser.close().await.unwrap();
    app.stop().await.unwrap();
}
