//! The board of supervisors on the nomination page in real headless
//! Chromium (R-BODY-6, R-SUP-1).
//!
//! An employee supervisors' election (two member seats) is made over the
//! API and its roll published. On its nomination page the committee reads
//! that the board's whole size is not recorded (R-BODY-6); a board of 7 is
//! refused on the page (two of seven is less than 三分之一) and nothing is
//! written; a board of 5 is recorded and the problem goes. The recusals
//! section cites R-BODY-6 and offers the board's offices only; a company
//! director recorded through it is listed. The English switch renders both.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration, Utc};
use fantoccini::{Client, Locator};
use huanjie_registration::{generate_roll_csv, Encoding};
use huanjie_testkit::app::ok;
use huanjie_testkit::app::{call, spawn_sqlite_app, TestApp, TEST_PASSWORD};
use huanjie_testkit::browser::{submit, text_of, type_into, wait_for_path, Browser, Viewport};
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn sign_in(c: &Client, app: &TestApp, username: &str) {
    c.goto(&app.url("/signin")).await.unwrap();
    type_into(c, "#username", username).await;
    type_into(c, "#password", TEST_PASSWORD).await;
    submit(c, "#sign-in").await;
    wait_for_path(c, "/elections", |p| p == "/elections").await;
}

async fn count(c: &Client, css: &str) -> usize {
    c.find_all(Locator::Css(css)).await.unwrap().len()
}

/// The `value`s of a select's options, in order.
async fn options(c: &Client, css: &str) -> Vec<String> {
    let mut values = Vec::new();
    for o in c
        .find_all(Locator::Css(&format!("{css} option")))
        .await
        .unwrap()
    {
        values.push(o.attr("value").await.unwrap().unwrap_or_default());
    }
    values
}

#[tokio::test]
async fn the_committee_records_the_board_size_and_a_director_on_the_nomination_page() {
    let app = spawn_sqlite_app().await;
    let token = app.set_up_committee("chair").await.unwrap();
    let day = (Utc::now() + Duration::days(31)).date_naive();
    let created = ok(
        &call(
            &app,
            Method::POST,
            "/elections",
            &token,
            Some(json!({
                "body_kind": "supervisory_board",
                "title": "和平机械有限公司第三届监事会职工代表监事选举",
                "profile": "county-2006", "election_day": day.to_string(),
                "seats": [{"position": "member", "seats": 2}],
            })),
        )
        .await,
        StatusCode::CREATED,
    );
    let e = format!("/elections/{}", created["id"].as_str().unwrap());
    let reply = app
        .client()
        .post(app.url(&format!("/api/v1{e}/roll")))
        .bearer_auth(&token)
        .body(generate_roll_csv(97, 120, day, Encoding::Utf8))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::OK);
    ok(
        &call(
            &app,
            Method::POST,
            &format!("{e}/publication"),
            &token,
            None,
        )
        .await,
        StatusCode::CREATED,
    );
    let voters = ok(
        &call(
            &app,
            Method::GET,
            &format!("{e}/residents?limit=20&voters_only=true"),
            &token,
            None,
        )
        .await,
        StatusCode::OK,
    );
    let director = &voters["residents"][5];
    let (director_id, director_name) = (
        director["resident_id"].as_str().unwrap().to_owned(),
        director["name"].as_str().unwrap().to_owned(),
    );
    let nomination = format!("{e}/nomination");

    let browser = Browser::start(Viewport::DESKTOP)
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    let c = &browser.client;
    sign_in(c, &app, "chair").await;
    c.goto(&app.url(&nomination)).await.unwrap();

    // The seats form offers the employee supervisors' seats only, and no
    // households formula (R-BODY-2 is the residents' committee's).
    assert_eq!(count(c, "input[name^=seats_]").await, 1);
    assert_eq!(count(c, "#seats-member").await, 1);
    assert_eq!(count(c, "#nom-formula").await, 0);

    // Nothing recorded: the board's problem in words, beside the seats.
    let heading = text_of(c, "#board h3").await;
    assert!(
        heading.contains("监事会成员总数") && heading.contains("R-BODY-6"),
        "{heading}"
    );
    let intro = text_of(c, "#board-intro").await;
    assert!(
        intro.contains("不少于3人") && intro.contains("三分之一以上"),
        "{intro}"
    );
    assert_eq!(text_of(c, "#board-size").await, "尚未登记");
    let problems = text_of(c, "#board-problems").await;
    assert!(
        problems.contains("R-BODY-6") && problems.contains("尚未登记监事会成员总数"),
        "{problems}"
    );

    // Two employee supervisors of seven are less than a third: refused on
    // the page, nothing written.
    type_into(c, "#board-size-input", "7").await;
    submit(c, "#board-submit").await;
    let alert = text_of(c, "#nom-alert").await;
    assert!(
        alert.contains("R-BODY-6") && alert.contains("三分之一") && alert.contains("7人中"),
        "{alert}"
    );
    assert_eq!(text_of(c, "#board-size").await, "尚未登记");

    // Two of five are: recorded, and the problem is gone.
    type_into(c, "#board-size-input", "5").await;
    submit(c, "#board-submit").await;
    wait_for_path(c, "the nomination page", |p| p == nomination).await;
    assert!(!text_of(c, "#nom-saved").await.is_empty());
    assert_eq!(text_of(c, "#board-size").await, "5");
    assert!(text_of(c, "#board-recorded").await.contains("chair"));
    assert_eq!(count(c, "#board-problems").await, 0);
    let status = ok(
        &call(&app, Method::GET, &nomination, &token, None).await,
        StatusCode::OK,
    );
    assert_eq!(status["board_size"], 5, "{status}");

    // The recusals: the board's rule and offices, not the committee's.
    let heading = text_of(c, "#recusals h2").await;
    assert!(heading.contains("R-BODY-6"), "{heading}");
    assert!(text_of(c, "#recusals .hint").await.contains("公司董事"));
    assert_eq!(
        options(c, "#recusal-office").await,
        ["company_director", "senior_manager"]
    );
    type_into(c, "#recusal-resident", &director_id).await;
    c.find(Locator::Css("#recusal-office"))
        .await
        .unwrap()
        .select_by_value("company_director")
        .await
        .unwrap();
    submit(c, "#recusal-submit").await;
    wait_for_path(c, "the nomination page", |p| p == nomination).await;
    assert_eq!(count(c, "#recusal-list tr.recusal").await, 1);
    assert_eq!(text_of(c, ".recusal-name").await, director_name);
    assert_eq!(text_of(c, ".recusal-office").await, "公司董事");
    assert!(text_of(c, ".recusal-id").await.contains(&director_id));

    // The English switch.
    c.goto(&app.url(&format!("{nomination}?lang=en")))
        .await
        .unwrap();
    assert!(text_of(c, "#board h3")
        .await
        .contains("The board's whole size"));
    assert!(text_of(c, "#board-intro").await.contains(">=1/3"));
    assert_eq!(
        text_of(c, ".recusal-office").await,
        "Director of the company"
    );

    browser.close().await.unwrap();
    app.stop().await.unwrap();
}
