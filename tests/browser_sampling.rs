//! The sampling audit's page in real headless Chromium (issue 8). Set up
//! over the API: two stations, ballots printed, polls opened and closed,
//! five ballots counted (one with a write-in). In a desktop browser the
//! committee goes from the election's page to the sampling audit, is
//! refused a seed with a letter in it (the page names the character and
//! keeps what was typed), draws three serials with a dice seed, and sees
//! them listed as the API lists them, each with the marks recorded for it.
//! It records a match and a discrepancy (with a note) on the page: the
//! totals read 1 / 1 / 1, the findings stand beside their serials, their
//! forms are gone, and the report link serves a PDF. An observer sees the
//! same audit with no forms.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use fantoccini::{Client, Locator};
use huanjie_testkit::app::ok;
use huanjie_testkit::app::{call, spawn_sqlite_app, TestApp, TEST_PASSWORD};
use huanjie_testkit::browser::{
    click, submit, text_of, type_into, wait_for_path, Browser, Viewport,
};
use huanjie_testkit::stations::{election_with_stations, print, scan, step};
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

#[tokio::test]
async fn the_committee_draws_a_sample_and_records_findings_on_the_page() {
    let app = spawn_sqlite_app().await;
    let chair = app.set_up_committee("chair").await.unwrap();
    ok(
        &call(
            &app,
            Method::POST,
            "/users",
            &chair,
            Some(json!({"username": "watcher", "password": TEST_PASSWORD, "role": "observer"})),
        )
        .await,
        StatusCode::CREATED,
    );
    let e = election_with_stations(&app, &chair).await;
    let central = print(&app, &chair, &e, "central", 6).await;
    let s1 = print(&app, &chair, &e, "S1", 3).await;
    for station in ["central", "S1"] {
        step(&app, &chair, &e, station, "open").await;
    }
    for station in ["central", "S1"] {
        step(&app, &chair, &e, station, "close").await;
    }
    let ballot =
        json!({"marks": {"director": {"1": "for"}, "member": {"1": "for", "2": "against"}}});
    for serial in &central[..3] {
        scan(&app, &chair, &e, "central", serial, ballot.clone()).await;
    }
    scan(
        &app,
        &chair,
        &e,
        "S1",
        &s1[0],
        json!({"marks": {"director": {"2": "for"}}, "write_ins": {"member": [{"name": "赵六"}]}}),
    )
    .await;
    scan(&app, &chair, &e, "S1", &s1[1], ballot.clone()).await;

    let desk = Browser::start(Viewport::DESKTOP)
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    let b = &desk.client;
    sign_in(b, &app, "chair").await;
    b.goto(&app.url(&e)).await.unwrap();
    submit(b, "#sample-audits-link").await;
    wait_for_path(b, "the sampling audit", |p| p.ends_with("/sample-audits")).await;
    assert_eq!(text_of(b, "h1").await, "抽样核对（纸质选票比对）");
    assert_eq!(text_of(b, "#sa-none").await, "还没有抽样核对。");

    // A mistyped seed: the page names the character, keeps the typing.
    type_into(b, "#sa-seed", "3141 5926 53x8 9793 2384").await;
    type_into(b, "#sa-size", "3").await;
    submit(b, "#sa-start").await;
    let alert = text_of(b, "#sa-alert").await;
    assert!(alert.contains("第 13 个字符“x”不是数字"), "{alert}");
    let kept = b
        .find(Locator::Css("#sa-seed"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some("3141 5926 53x8 9793 2384"));

    // The draw, from dice.
    type_into(b, "#sa-seed", "6253 1442 6615 3216 5421").await;
    type_into(b, "#sa-size", "3").await;
    submit(b, "#sa-start").await;
    let flash = text_of(b, "#sa-flash").await;
    assert!(flash.contains("第1次抽样"), "{flash}");
    assert_eq!(
        text_of(b, "#audit-1 .sa-seed").await,
        "62531442661532165421"
    );
    assert_eq!(text_of(b, "#audit-1 .sa-population").await, "5");
    assert_eq!(
        text_of(b, "#audit-1 .sa-algorithm").await,
        "huanjie-sample/1"
    );
    assert_eq!(text_of(b, "#audit-1-pending").await, "3");
    assert_eq!(count(b, "#audit-1 .sa-ballot").await, 3);
    let api = ok(
        &call(
            &app,
            Method::GET,
            &format!("{e}/sample-audits/1"),
            &chair,
            None,
        )
        .await,
        StatusCode::OK,
    );
    for (i, ballot) in api["ballots"].as_array().unwrap().iter().enumerate() {
        let row = format!("#sa-1-{}", i + 1);
        assert_eq!(
            text_of(b, &format!("{row} .sa-serial")).await,
            ballot["serial"].as_str().unwrap()
        );
        let recorded = text_of(b, &format!("{row} .sa-recorded")).await;
        assert!(recorded.starts_with("主任："), "{recorded}");
        if ballot["serial"] == s1[0] {
            assert!(recorded.contains("另选他人：赵六"), "{recorded}");
        } else {
            assert!(
                recorded.contains("赞成") && recorded.contains("反对"),
                "{recorded}"
            );
        }
        assert_eq!(
            text_of(b, &format!("{row} .sa-finding-label")).await,
            "待核对"
        );
    }

    // A match, then a discrepancy with its note.
    submit(b, "#sa-1-1-record").await;
    assert_eq!(text_of(b, "#sa-flash").await, "已记录核对结果。");
    assert_eq!(text_of(b, "#sa-1-1 .sa-finding-label").await, "相符");
    assert_eq!(count(b, "#sa-1-1-form").await, 0, "recorded once");
    click(b, "#sa-1-2-discrepancy").await;
    type_into(b, "#sa-1-2-note", "纸质选票主任栏为反对").await;
    submit(b, "#sa-1-2-record").await;
    assert_eq!(text_of(b, "#sa-1-2 .sa-finding-label").await, "不符");
    assert_eq!(text_of(b, "#sa-1-2 .sa-note").await, "纸质选票主任栏为反对");
    assert_eq!(text_of(b, "#audit-1-matches").await, "1");
    assert_eq!(text_of(b, "#audit-1-discrepancies").await, "1");
    assert_eq!(text_of(b, "#audit-1-pending").await, "1");
    assert_eq!(count(b, ".sa-finding-form").await, 1);
    desk.screenshot("/tmp/huanjie-sampling.png".as_ref())
        .await
        .unwrap();

    // The report link serves the PDF (fetched with the page's cookie).
    let href = b
        .find(Locator::Css("#audit-1-report"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    let magic = b
        .execute(
            "return fetch(arguments[0]).then(r => r.arrayBuffer()).then(b => \
             String.fromCharCode.apply(null, new Uint8Array(b.slice(0, 4))))",
            vec![json!(href)],
        )
        .await
        .unwrap();
    assert_eq!(magic, json!("%PDF"));

    // An observer reads the same audit, with no forms.
    let watcher = Browser::start(Viewport::DESKTOP)
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    let o = &watcher.client;
    sign_in(o, &app, "watcher").await;
    o.goto(&app.url(&format!("{e}/sample-audits")))
        .await
        .unwrap();
    assert!(!text_of(o, "#sa-read-only").await.is_empty());
    assert_eq!(count(o, "#sa-start-form").await, 0);
    assert_eq!(count(o, ".sa-finding-form").await, 0);
    assert_eq!(text_of(o, "#audit-1-matches").await, "1");
    assert_eq!(text_of(o, "#sa-1-2 .sa-finding-label").await, "不符");
    watcher.close().await.unwrap();
    desk.close().await.unwrap();
    app.stop().await.unwrap();
}
