//! The count's outcome page in real headless Chromium (issue 7): set up
//! over the API as nomination_api's `certified_documents` (City-2009, a
//! published list, a fixed formal list, a central station with three
//! scrutineers, registered/2 + 1 ballots issued and scanned, all with the
//! director's first candidate for and the second member against), the
//! committee reads the reconciliation (received, issued, returned,
//! unused; no discrepancy; R-CNT-2 holds) and the result (the director
//! elected, four member seats unfilled), certifies through the form
//! (a missing confirmation box is refused), sees 已确认 with the public
//! key and the documents (the results notice fetched with the session is
//! a PDF), and creates the further election (R-CNT-7), landing on a link
//! to the new round titled （另行选举）. An observer sees the result but
//! no form; a clerk gets 403.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration, NaiveDate};
use fantoccini::{Client, Locator};
use huanjie_registration::{generate_roll_csv, Encoding};
use huanjie_testkit::app::{call, spawn_sqlite_app, TestApp, TEST_PASSWORD};
use huanjie_testkit::app::{ok, today};
use huanjie_testkit::browser::{
    click, submit, text_of, type_into, wait_for_path, Browser, Viewport,
};
use reqwest::{Method, StatusCode};
use serde_json::json;

const DESK: Viewport = Viewport {
    width: 1280,
    height: 1000,
    pixel_ratio: 1.0,
    mobile: false,
};

/// An election with a published voter list; its path and the voters.
async fn published_election(app: &TestApp, token: &str, day: NaiveDate) -> (String, Vec<String>) {
    let body = ok(
        &call(
            app,
            Method::POST,
            "/elections",
            token,
            Some(json!({
                "body_kind": "residents_committee", "title": "和平社区第十届",
                "profile": "city-2009", "election_day": day.to_string(),
                "seats": [{"position": "director", "seats": 1}, {"position": "member", "seats": 4}]
            })),
        )
        .await,
        StatusCode::CREATED,
    );
    let e = format!("/elections/{}", body["id"].as_str().unwrap());
    let reply = app
        .client()
        .post(app.url(&format!("/api/v1{e}/roll")))
        .bearer_auth(token)
        .body(generate_roll_csv(46, 400, day, Encoding::Utf8))
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
    let voters = page["residents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["waived"] != true)
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    (e, voters)
}

/// Two self-nominated for director, five for the four members; the
/// formal list fixed; three scrutineers for the central station.
async fn formal_list_and_station(app: &TestApp, token: &str, e: &str, v: &[String]) {
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
}

async fn count(c: &Client, css: &str) -> usize {
    c.find_all(Locator::Css(css)).await.unwrap().len()
}

async fn sign_in(c: &Client, app: &TestApp, username: &str) {
    c.goto(&app.url("/signin")).await.unwrap();
    type_into(c, "#username", username).await;
    type_into(c, "#password", TEST_PASSWORD).await;
    submit(c, "#sign-in").await;
    wait_for_path(c, "/elections", |p| p == "/elections").await;
}

async fn href(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
        .attr("href")
        .await
        .unwrap()
        .unwrap_or_default()
}

#[tokio::test]
async fn the_committee_reconciles_certifies_and_calls_a_further_election() {
    let app = spawn_sqlite_app().await;
    let token = app.set_up_committee("chair").await.unwrap();
    let day = today() + Duration::days(31);
    let (e, v) = published_election(&app, &token, day).await;
    formal_list_and_station(&app, &token, &e, &v).await;
    let status = ok(
        &call(
            &app,
            Method::GET,
            &format!("{e}/registration"),
            &token,
            None,
        )
        .await,
        StatusCode::OK,
    );
    let registered = status["registered"].as_u64().unwrap();
    let voted = registered / 2 + 1;
    let printed = ok(
        &call(
            &app,
            Method::POST,
            &format!("{e}/ballot-batches"),
            &token,
            Some(json!({"station": "central", "count": voted + 5})),
        )
        .await,
        StatusCode::CREATED,
    );
    let serials: Vec<String> = printed["serials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect();
    let clerk = ok(
        &call(
            &app,
            Method::POST,
            &format!("{e}/station-tokens"),
            &token,
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
        &call(&app, Method::POST, &at("open"), &clerk, None).await,
        StatusCode::OK,
    );
    ok(
        &call(
            &app,
            Method::POST,
            &at("issued"),
            &clerk,
            Some(json!({"count": voted})),
        )
        .await,
        StatusCode::OK,
    );

    // While the polls are open the page shows the refusal, not a result.
    let browser = Browser::start(DESK)
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    let c = &browser.client;
    sign_in(c, &app, "chair").await;
    c.goto(&app.url(&e)).await.unwrap();
    submit(c, "#outcome-link").await;
    let outcome = format!("{e}/outcome");
    wait_for_path(c, "the outcome page", |p| p == outcome).await;
    assert!(text_of(c, "h1").await.contains("计票结果"));
    assert!(!text_of(c, "#result-refused").await.is_empty());
    assert_eq!(count(c, "#contest-director").await, 0);

    ok(
        &call(&app, Method::POST, &at("close"), &clerk, None).await,
        StatusCode::OK,
    );
    let url = app.url(&format!("/api/v1{e}/stations/central/scans"));
    let client = app.client();
    for serial in &serials[..usize::try_from(voted).unwrap()] {
        let body = json!({"serial": serial, "marks": {"director": {"1": "for"}, "member": {"2": "against"}}});
        let reply = client
            .post(&url)
            .bearer_auth(&clerk)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), StatusCode::CREATED);
    }

    // 1. The reconciliation and the result.
    c.goto(&app.url(&outcome)).await.unwrap();
    let received = (voted + 5).to_string();
    let voted_s = voted.to_string();
    assert_eq!(text_of(c, "#rec-central .rec-received").await, received);
    assert_eq!(text_of(c, "#rec-central .rec-issued").await, voted_s);
    assert_eq!(text_of(c, "#rec-central .rec-returned").await, voted_s);
    assert_eq!(text_of(c, "#rec-central .rec-unused").await, "5");
    assert_eq!(text_of(c, "#rec-central .rec-problems").await, "无");
    assert_eq!(text_of(c, "#rec-round .rec-returned").await, voted_s);
    assert!(text_of(c, "#round-line").await.contains("R-CNT-2"));
    assert!(href(c, "#count-sheet-central")
        .await
        .ends_with("/stations/central/count-sheet"));
    assert_eq!(count(c, "#result-refused").await, 0);
    assert_eq!(text_of(c, "#result-validity").await, "有效");
    assert_eq!(text_of(c, "#result-cast").await, voted_s);
    let director = text_of(c, "#contest-director").await;
    assert!(director.contains("当选"), "{director}");
    let elected = text_of(c, "#contest-director .contest-elected").await;
    assert_ne!(elected, "当选：无", "{elected}");
    assert_eq!(
        text_of(c, "#contest-member .contest-elected").await,
        "当选：无"
    );
    assert_eq!(
        text_of(c, "#contest-member .contest-unfilled").await,
        "未选足名额：4"
    );
    assert_eq!(
        count(c, "#further-form").await,
        0,
        "only after certification"
    );

    // 2. Certification: refused without the box, then done.
    c.execute(
        "document.getElementById('certify-confirm').removeAttribute('required')",
        vec![],
    )
    .await
    .unwrap();
    submit(c, "#certify-submit").await;
    assert!(text_of(c, "#oc-alert").await.contains("勾选"));
    assert!(text_of(c, "#not-certified").await.contains("尚未确认"));
    click(c, "#certify-confirm").await;
    submit(c, "#certify-submit").await;
    wait_for_path(c, "the outcome page", |p| p == outcome).await;
    assert_eq!(text_of(c, "#certified").await, "已确认");
    assert_eq!(text_of(c, "#certified-by").await, "chair");
    assert_eq!(text_of(c, "#public-key").await.len(), 64);
    assert_eq!(count(c, "#certify-form").await, 0);
    for link in [
        "#doc-signed",
        "#doc-results",
        "#doc-certificates",
        "#doc-json",
        "#doc-nist",
    ] {
        assert!(!href(c, link).await.is_empty(), "{link}");
    }
    assert_eq!(count(c, "#report-form #township").await, 1);
    let session = c.get_named_cookie("huanjie_session").await.unwrap();
    let results = href(c, "#doc-results").await;
    let pdf = app
        .client()
        .get(app.url(&results))
        .header("cookie", format!("huanjie_session={}", session.value()))
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status(), StatusCode::OK);
    assert_eq!(
        pdf.headers()["content-type"].to_str().unwrap(),
        "application/pdf"
    );
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF"));

    // 3. The further election (R-CNT-7) for the four member seats.
    assert_eq!(count(c, "#tie-break-form").await, 0);
    submit(c, "#further-submit").await;
    wait_for_path(c, "the outcome page", |p| p == outcome).await;
    assert!(text_of(c, "#oc-saved").await.contains("另行选举"));
    let title = text_of(c, "#new-round-link").await;
    assert!(title.ends_with("（另行选举）"), "{title}");
    let stations = href(c, "#new-round-stations").await;
    assert!(stations.ends_with("/stations"), "{stations}");
    submit(c, "#new-round-link").await;
    wait_for_path(c, "the new round's page", |p| {
        p.starts_with("/elections/") && p != e
    })
    .await;
    assert!(text_of(c, "#election-title")
        .await
        .ends_with("（另行选举）"));

    // 4. An observer: the result, no form.
    ok(
        &call(
            &app,
            Method::POST,
            "/users",
            &token,
            Some(json!({"username": "watcher", "password": TEST_PASSWORD, "role": "observer"})),
        )
        .await,
        StatusCode::CREATED,
    );
    c.delete_all_cookies().await.unwrap();
    sign_in(c, &app, "watcher").await;
    c.goto(&app.url(&outcome)).await.unwrap();
    assert_eq!(
        text_of(c, "#contest-member .contest-unfilled").await,
        "未选足名额：4"
    );
    assert_eq!(text_of(c, "#certified").await, "已确认");
    assert_eq!(count(c, "main form[method=post]").await, 0);
    assert_eq!(
        count(c, "#certify-submit, #further-submit, #tie-break-submit").await,
        0
    );
    assert!(text_of(c, "#round-list").await.contains("另行选举"));

    // A clerk's station cookie does not open the page.
    let as_clerk = app
        .client()
        .get(app.url(&outcome))
        .header("cookie", format!("huanjie_station={clerk}"))
        .send()
        .await
        .unwrap();
    assert_eq!(as_clerk.status(), StatusCode::FORBIDDEN);

    // In English.
    c.goto(&app.url(&format!("{outcome}?lang=en")))
        .await
        .unwrap();
    assert!(text_of(c, "h1").await.contains("outcome"));

    browser.close().await.unwrap();
    app.stop().await.unwrap();
}
