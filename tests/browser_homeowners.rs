//! The homeowners' assembly's page in real headless Chromium (R-OWN-1;
//! issue 7, item 6). A homeowners' committee election is made over the
//! API; in a desktop browser the committee goes from the election's page
//! to the assembly, is refused a register with a bad area (the row, the
//! column and the rule are listed, nothing stored), imports the estate
//! (five owners and the developer's three unsold flats, counted as one
//! owner), puts a matter and records five votes on the page, written and
//! in person: four owners for, the developer against. The page shows the
//! count by area and by owners side by side and says the matter failed by
//! area. The register can no longer be replaced; an observer sees the
//! same count with no forms; the page reads in English too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration, Utc};
use fantoccini::{Client, Locator};
use huanjie_testkit::app::ok;
use huanjie_testkit::app::{call, spawn_sqlite_app, TestApp, TEST_PASSWORD};
use huanjie_testkit::browser::{
    click, submit, text_of, type_into, wait_for_path, Browser, Viewport,
};
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

async fn upload(c: &Client, path: &std::path::Path) {
    c.find(Locator::Css("#ho-file"))
        .await
        .unwrap()
        .send_keys(path.to_str().unwrap())
        .await
        .unwrap();
    submit(c, "#ho-import").await;
}

/// Records one vote on matter 1 through its form.
async fn vote_on_page(c: &Client, owner: &str, choice: &str, mode: &str) {
    c.find(Locator::Css("#matter-1-owner"))
        .await
        .unwrap()
        .select_by_value(owner)
        .await
        .unwrap();
    click(c, &format!("#matter-1-{choice}")).await;
    click(c, &format!("#matter-1-{mode}")).await;
    submit(c, "#matter-1-record").await;
    assert_eq!(text_of(c, "#ho-flash").await, "已录入表决票。");
}

#[tokio::test]
async fn the_committee_records_an_assembly_vote_that_fails_by_area() {
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
    let day = (Utc::now() + Duration::days(40)).date_naive();
    let id = ok(
        &call(
            &app,
            Method::POST,
            "/elections",
            &chair,
            Some(json!({
                "body_kind": "homeowners_committee", "title": "锦绣花园第一届业主委员会",
                "profile": "county-2006", "election_day": day.to_string(),
                "seats": [{"position": "member", "seats": 5}]
            })),
        )
        .await,
        StatusCode::CREATED,
    )["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "房号,专有部分面积,业主姓名,是否开发商未售\n1-101,50,业主甲,否\n1-102,五十,业主乙,否\n",
    )
    .unwrap();
    let good = dir.path().join("estate.csv");
    let mut csv = String::from("房号,专有部分面积,业主姓名,是否开发商未售\n");
    for (unit, owner) in [
        ("1-101", "业主甲"),
        ("1-102", "业主乙"),
        ("1-201", "业主丙"),
        ("1-202", "业主丁"),
        ("1-301", "业主戊"),
    ] {
        csv.push_str(&format!("{unit},50.00,{owner},否\n"));
    }
    for unit in ["2-101", "2-102", "2-201"] {
        csv.push_str(&format!("{unit},100,锦绣置业,是\n"));
    }
    std::fs::write(&good, csv).unwrap();

    let desk = Browser::start(Viewport::DESKTOP)
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    let b = &desk.client;
    sign_in(b, &app, "chair").await;
    b.goto(&app.url(&format!("/elections/{id}"))).await.unwrap();
    submit(b, "#homeowners-link").await;
    wait_for_path(b, "the assembly", |p| p.ends_with("/homeowners")).await;
    assert_eq!(text_of(b, "h1").await, "业主大会：业主名册与表决");
    let intro = text_of(b, "#ho-intro").await;
    assert!(
        intro.contains("不少于2/3") && intro.contains("超过1/2"),
        "{intro}"
    );
    assert_eq!(text_of(b, "#ho-no-register").await, "还没有导入业主名册。");

    // A bad area: refused whole, the row, column and rule named.
    upload(b, &bad).await;
    let alert = text_of(b, "#ho-alert").await;
    assert!(
        alert.contains("R-OWN-1") && alert.contains("整份未导入"),
        "{alert}"
    );
    let problems = text_of(b, "#ho-problems").await;
    assert!(problems.contains("第3行，专有部分面积"), "{problems}");
    assert_eq!(count(b, "#ho-no-register").await, 1, "nothing stored");

    // The estate: the developer's three flats are one owner.
    upload(b, &good).await;
    assert_eq!(text_of(b, "#ho-flash").await, "业主名册已导入。");
    assert_eq!(text_of(b, "#ho-total-owners").await, "6");
    assert_eq!(text_of(b, "#ho-total-units").await, "8");
    assert_eq!(text_of(b, "#ho-total-area").await, "550.00");
    assert_eq!(count(b, "#ho-owners tbody tr").await, 6);
    assert_eq!(count(b, "#ho-owners tr.ho-developer").await, 1);
    let dev = text_of(b, "#ho-owners tr.ho-developer").await;
    assert!(
        dev.contains("锦绣置业") && dev.contains("300.00") && dev.contains("3："),
        "{dev}"
    );

    // A matter, then five votes on the page.
    type_into(b, "#ho-matter-title", "选举第一届业主委员会").await;
    submit(b, "#ho-add-matter").await;
    assert_eq!(text_of(b, "#ho-flash").await, "已提交表决。");
    assert_eq!(
        text_of(b, "#matter-1 h2").await,
        "第1项：选举第一届业主委员会"
    );
    for (owner, mode) in [
        ("1", "written"),
        ("2", "in-person"),
        ("3", "written"),
        ("4", "in-person"),
    ] {
        vote_on_page(b, owner, "for", mode).await;
    }
    // The developer is owner 6 (it first appears after the five owners).
    vote_on_page(b, "6", "against", "in-person").await;
    assert_eq!(text_of(b, "#matter-1 .ho-verdict-word").await, "未通过");
    let summary = text_of(b, "#matter-1 .ho-summary").await;
    assert!(summary.contains("按面积未通过"), "{summary}");
    assert!(!summary.contains("按人数未通过"), "{summary}");
    assert_eq!(text_of(b, "#matter-1 .ho-for .ho-row-area").await, "200.00");
    assert_eq!(text_of(b, "#matter-1 .ho-for .ho-row-owners").await, "4");
    assert_eq!(
        text_of(b, "#matter-1 .ho-against .ho-row-area").await,
        "300.00"
    );
    assert_eq!(
        text_of(b, "#matter-1 .ho-participating .ho-row-owners").await,
        "5"
    );
    assert_eq!(
        text_of(b, "#matter-1 .ho-modes").await,
        "书面表决 2 票，现场表决 3 票"
    );
    // Those who voted are no longer offered; the register stands.
    let offered = text_of(b, "#matter-1-owner").await;
    assert!(
        offered.contains("业主戊") && !offered.contains("业主甲"),
        "{offered}"
    );
    assert_eq!(count(b, "#ho-import-form").await, 0);
    assert!(text_of(b, "#ho-register-fixed")
        .await
        .contains("不能再更换"));

    // The API says the same.
    let api = ok(
        &call(
            &app,
            Method::GET,
            &format!("/elections/{id}/homeowners/matters/1"),
            &chair,
            None,
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(api["result"]["passed_by_owners"], true);
    assert_eq!(api["result"]["passed_by_area"], false);

    // English.
    b.goto(&app.url(&format!("/elections/{id}/homeowners?lang=en")))
        .await
        .unwrap();
    assert_eq!(
        text_of(b, "h1").await,
        "Homeowners' assembly: owners and votes"
    );
    assert!(text_of(b, "#matter-1 .ho-summary")
        .await
        .contains("fails by area"));

    // An observer reads the same count, with no forms.
    let watcher = Browser::start(Viewport::DESKTOP)
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    let w = &watcher.client;
    sign_in(w, &app, "watcher").await;
    w.goto(&app.url(&format!("/elections/{id}/homeowners")))
        .await
        .unwrap();
    assert!(text_of(w, "#ho-read-only").await.contains("观察员"));
    assert_eq!(text_of(w, "#matter-1 .ho-verdict-word").await, "未通过");
    assert_eq!(text_of(w, "#ho-total-owners").await, "6");
    for form in ["#ho-import-form", "#ho-matter-form", ".ho-vote-form"] {
        assert_eq!(count(w, form).await, 0, "{form}");
    }
    watcher.close().await.unwrap();
    desk.close().await.unwrap();
    app.stop().await.unwrap();
}
