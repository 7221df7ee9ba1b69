//! Voter registration in real headless Chromium, on a phone-sized screen:
//! upload a roll with bad rows and read the report (row, column, rule),
//! upload a good one, search the roll. Screenshots go to /tmp.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use fantoccini::Locator;
use huanjie_registration::{generate_roll_csv, generate_roll_with_errors, Encoding, Flaw};
use huanjie_testkit::app::{spawn_sqlite_app, TEST_PASSWORD};
use huanjie_testkit::browser::{submit, text_of, type_into, wait_for_path, Browser, Viewport};
use serde_json::{json, Value};

#[tokio::test]
async fn import_a_roll_fix_it_and_search_it_on_a_phone() {
    let app = spawn_sqlite_app().await;
    let token = app.set_up_committee("chair").await.unwrap();
    let election: Value = app
        .client()
        .post(app.url("/api/v1/elections"))
        .bearer_auth(&token)
        .json(&json!({"body_kind": "residents_committee", "title": "幸福社区第七届", "profile": "county-2006",
            "election_day": "2026-06-01", "seats": [{"position": "director", "seats": 1}]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = election["id"].as_str().unwrap().to_owned();
    let day = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let bad_path = dir.path().join("bad-roll.csv");
    let bad = generate_roll_with_errors(
        4,
        60,
        day,
        Encoding::Gb18030,
        &[Flaw::BadCheckDigit, Flaw::DuplicateId],
    );
    std::fs::write(&bad_path, &bad.bytes).unwrap();
    let good_path = dir.path().join("roll.csv");
    let good = generate_roll_csv(4, 200, day, Encoding::Utf8);
    std::fs::write(&good_path, &good).unwrap();

    let browser = Browser::start(Viewport::PHONE)
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    let c = &browser.client;
    c.goto(&app.url("/signin")).await.unwrap();
    type_into(c, "#username", "chair").await;
    type_into(c, "#password", TEST_PASSWORD).await;
    submit(c, "#sign-in").await;
    wait_for_path(c, "/elections", |p| p == "/elections").await;

    // From the election's page to its registration page.
    c.goto(&app.url(&format!("/elections/{id}"))).await.unwrap();
    submit(c, "#roll-link").await;
    wait_for_path(c, "the roll page", |p| p.ends_with("/roll")).await;
    assert!(text_of(c, "#roll-empty").await.contains("尚未导入"));

    // A roll with a mistyped ID and a resident listed twice: refused whole,
    // every bad row listed with its rule.
    c.find(Locator::Css("#roll-file"))
        .await
        .unwrap()
        .send_keys(bad_path.to_str().unwrap())
        .await
        .unwrap();
    submit(c, "#roll-submit").await;
    let outcome = text_of(c, "#roll-outcome").await;
    assert!(outcome.contains("名册未导入"), "{outcome}");
    let errors = text_of(c, "#roll-errors").await;
    for flaw in &bad.flaws {
        assert!(errors.contains(flaw.rule), "{} in {errors}", flaw.rule);
        assert!(
            errors.contains(&flaw.row.to_string()),
            "row {} in {errors}",
            flaw.row
        );
    }
    assert!(errors.contains("公民身份号码"), "{errors}");
    browser
        .screenshot("/tmp/huanjie-phone-roll-errors.png".as_ref())
        .await
        .unwrap();
    assert!(
        text_of(c, "main").await.contains("尚未导入"),
        "nothing was written"
    );

    // The fixed roll goes in.
    c.find(Locator::Css("#roll-file"))
        .await
        .unwrap()
        .send_keys(good_path.to_str().unwrap())
        .await
        .unwrap();
    submit(c, "#roll-submit").await;
    let outcome = text_of(c, "#roll-outcome").await;
    assert!(outcome.contains("名册已导入"), "{outcome}");
    assert_eq!(text_of(c, "#roll-residents").await, "200");
    let voters: u32 = text_of(c, "#roll-voters").await.parse().unwrap();
    assert!(voters > 0 && voters < 200, "{voters}");

    // Search by name.
    let first_row = String::from_utf8(good)
        .unwrap()
        .lines()
        .nth(1)
        .unwrap()
        .to_owned();
    let name = first_row.split(',').next().unwrap().to_owned();
    type_into(c, "#q-name", &name).await;
    submit(c, "#q-submit").await;
    let results = text_of(c, "#roll-results").await;
    assert!(results.contains(&name), "{name} in {results}");
    assert!(text_of(c, "#roll-total").await.contains("共"));
    browser
        .screenshot("/tmp/huanjie-phone-roll-search.png".as_ref())
        .await
        .unwrap();
    app.stop().await.unwrap();
}
