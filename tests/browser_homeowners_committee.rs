//! The outcome of a homeowners' committee election on the assembly's page
//! in real headless Chromium (R-OWN-1, R-BODY-6). The estate and ballots of
//! tests/homeowners_committee_api.rs are made over the API (twenty owners
//! of 100 m², a developer with 1,000 m²; eight candidates for five seats);
//! an observer opens the page and sees each candidate's owners and area in
//! favour and where each ended: candidate 6, with more area but the fewest
//! owners of those who passed, ranked out by the profile's ranking
//! (owners first); candidate 7 failed by area, in words; the page reads in
//! English too, and the observer is offered none of the committee's forms.
//!
//! The second test works the page's forms as the committee: it puts a
//! committee election (title, seats, candidates one per line) to an estate
//! of five owners, records four owners' ballots (同意, 反对, the rest left at
//! 弃权) and sees the outcome follow; a ballot with six 同意 for five seats
//! is refused in the words of R-OWN-1, in Chinese and in English, and not
//! counted.
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

async fn standing(c: &Client, candidate: u32) -> String {
    c.find(Locator::Css(&format!("#committee-1-candidate-{candidate}")))
        .await
        .unwrap()
        .attr("data-standing")
        .await
        .unwrap()
        .unwrap_or_default()
}

/// As in tests/homeowners_committee_api.rs: candidates 1–4 get eleven
/// small owners each, 5 sixteen, 6 ten, 7 twelve; nobody marks more than
/// five.
fn small_owners_marks() -> Vec<Vec<u32>> {
    let mut marks: Vec<Vec<u32>> = vec![Vec::new(); 20];
    for (candidate, voters) in [
        (1, 11),
        (2, 11),
        (3, 11),
        (4, 11),
        (5, 16),
        (6, 10),
        (7, 12),
    ] {
        let mut order: Vec<usize> = (0..20).collect();
        order.sort_by_key(|&i| (marks[i].len(), i));
        for &i in order.iter().take(voters) {
            marks[i].push(candidate);
        }
    }
    assert!(marks.iter().all(|m| m.len() <= 5), "{marks:?}");
    marks
}

#[tokio::test]
async fn an_observer_sees_who_took_the_seats_and_why_others_did_not() {
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
    let e = format!("/elections/{id}");
    let mut csv = String::from("房号,专有部分面积,业主姓名,是否开发商未售\n");
    for i in 1..=20 {
        csv.push_str(&format!("1-{i:03},100.00,业主{i},否\n"));
    }
    for i in 1..=10 {
        csv.push_str(&format!("3-{i:03},100,锦绣置业,是\n"));
    }
    let reply = app
        .client()
        .post(app.url(&format!("/api/v1{e}/homeowners/register")))
        .bearer_auth(&chair)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::OK);
    let names: Vec<String> = (1..=8).map(|i| format!("候选人{i}")).collect();
    ok(
        &call(
            &app,
            Method::POST,
            &format!("{e}/homeowners/committees"),
            &chair,
            Some(json!({"title": "第一届业主委员会", "seats": 5, "candidates": names})),
        )
        .await,
        StatusCode::CREATED,
    );
    let mut ballots: Vec<(u32, Vec<u32>, Vec<u32>)> = small_owners_marks()
        .into_iter()
        .enumerate()
        .map(|(i, m)| (u32::try_from(i + 1).unwrap(), m, vec![8]))
        .collect();
    ballots.push((21, vec![1, 2, 3, 4, 6], vec![]));
    for (owner, fors, against) in ballots {
        ok(
            &call(
                &app,
                Method::POST,
                &format!("{e}/homeowners/committees/1/ballots"),
                &chair,
                Some(json!({"owner": owner, "mode": "written", "for": fors, "against": against})),
            )
            .await,
            StatusCode::CREATED,
        );
    }

    let watcher = Browser::start(Viewport::DESKTOP)
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    let w = &watcher.client;
    sign_in(w, &app, "watcher").await;
    w.goto(&app.url(&format!("{e}/homeowners"))).await.unwrap();
    assert_eq!(text_of(w, "#ho-committees h2").await, "业主委员会选举");
    let summary = text_of(w, "#committee-1 .ho-committee-summary").await;
    assert!(
        summary.contains("当选5名：候选人5、候选人1、候选人2、候选人3、候选人4"),
        "{summary}"
    );
    assert!(text_of(w, "#committee-1 .ho-ranking")
        .await
        .contains("同意人数多者在前"));
    for n in 1..=5 {
        assert_eq!(standing(w, n).await, "elected", "candidate {n}");
    }
    assert_eq!(standing(w, 6).await, "ranked_out");
    assert_eq!(
        text_of(w, "#committee-1-candidate-6 .hoc-owners").await,
        "11"
    );
    assert_eq!(
        text_of(w, "#committee-1-candidate-6 .hoc-area").await,
        "2000.00"
    );
    assert_eq!(
        text_of(w, "#committee-1-candidate-5 .hoc-area").await,
        "1600.00"
    );
    assert_eq!(text_of(w, "#committee-1-candidate-6 .hoc-rank").await, "6");
    assert_eq!(standing(w, 7).await, "failed");
    assert!(text_of(w, "#committee-1-candidate-7 .hoc-why")
        .await
        .contains("按面积未通过"));

    w.goto(&app.url(&format!("{e}/homeowners?lang=en")))
        .await
        .unwrap();
    assert_eq!(
        text_of(w, "#ho-committees h2").await,
        "Electing the homeowners' committee"
    );
    assert!(text_of(w, "#committee-1-candidate-6 .hoc-standing")
        .await
        .contains("Passed, ranked below the seats"));
    assert!(text_of(w, "#committee-1-candidate-7 .hoc-why")
        .await
        .contains("fails by area"));
    for form in ["#hoc-form", ".hoc-ballot-form"] {
        assert_eq!(
            w.find_all(Locator::Css(form)).await.unwrap().len(),
            0,
            "an observer has no {form}"
        );
    }
    watcher.close().await.unwrap();
    app.stop().await.unwrap();
}

/// Marks one ballot in committee election 1 through its form: the owner,
/// in person or written, 同意 for `fors`, 反对 for `against`, the rest left
/// at 弃权 as the form has them.
async fn mark_ballot(c: &Client, owner: u32, in_person: bool, fors: &[u32], against: &[u32]) {
    c.find(Locator::Css("#committee-1-owner"))
        .await
        .unwrap()
        .select_by_value(&owner.to_string())
        .await
        .unwrap();
    click(
        c,
        if in_person {
            "#committee-1-in-person"
        } else {
            "#committee-1-written"
        },
    )
    .await;
    for n in fors {
        click(c, &format!("#committee-1-c{n}-for")).await;
    }
    for n in against {
        click(c, &format!("#committee-1-c{n}-against")).await;
    }
    submit(c, "#committee-1-record").await;
}

async fn checked(c: &Client, css: &str) -> bool {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
        .prop("checked")
        .await
        .unwrap()
        .as_deref()
        == Some("true")
}

#[tokio::test]
async fn the_committee_puts_a_committee_election_and_records_ballots_on_the_page() {
    let app = spawn_sqlite_app().await;
    let chair = app.set_up_committee("chair").await.unwrap();
    let day = (Utc::now() + Duration::days(40)).date_naive();
    let id = ok(
        &call(
            &app,
            Method::POST,
            "/elections",
            &chair,
            Some(json!({
                "body_kind": "homeowners_committee", "title": "翠苑第一届业主委员会",
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
    let e = format!("/elections/{id}");
    let mut csv = String::from("房号,专有部分面积,业主姓名,是否开发商未售\n");
    for i in 1..=5 {
        csv.push_str(&format!("2-{i:03},100.00,业主{i},否\n"));
    }
    let reply = app
        .client()
        .post(app.url(&format!("/api/v1{e}/homeowners/register")))
        .bearer_auth(&chair)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::OK);

    let browser = Browser::start(Viewport::DESKTOP)
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    let b = &browser.client;
    sign_in(b, &app, "chair").await;
    b.goto(&app.url(&format!("{e}/homeowners"))).await.unwrap();

    // The election put through the form: six candidates, one per line.
    type_into(b, "#hoc-form #hoc-title", "翠苑第一届业主委员会选举").await;
    type_into(b, "#hoc-form #hoc-seats", "5").await;
    type_into(
        b,
        "#hoc-form #hoc-candidates",
        "王一\n李二\n\n张三\n赵四\n钱五\n孙六\n",
    )
    .await;
    submit(b, "#hoc-add").await;
    assert_eq!(text_of(b, "#ho-flash").await, "已提交业主委员会选举。");
    assert_eq!(
        text_of(b, "#committee-1 h3").await,
        "第1次选举：翠苑第一届业主委员会选举"
    );
    assert_eq!(
        b.find_all(Locator::Css("#committee-1 .ho-candidates tbody tr"))
            .await
            .unwrap()
            .len(),
        6
    );
    assert_eq!(
        text_of(b, "#committee-1-candidate-3 td:nth-child(2)").await,
        "张三"
    );
    assert!(text_of(b, "#committee-1 .ho-committee-summary")
        .await
        .contains("应选5名，当选0名"));
    assert!(text_of(b, "#committee-1 .ho-ranking")
        .await
        .contains("0名业主投票"));
    // Every candidate starts at 弃权.
    for n in 1..=6 {
        assert!(
            checked(b, &format!("#committee-1-c{n}-abstain")).await,
            "{n}"
        );
        assert!(!checked(b, &format!("#committee-1-c{n}-for")).await, "{n}");
    }

    // Four ballots through the form: 王一 and 李二 for on each, 张三 against
    // on two; the rest abstain.
    mark_ballot(b, 1, true, &[1, 2], &[3]).await;
    assert_eq!(text_of(b, "#ho-flash").await, "已录入选票。");
    assert!(text_of(b, "#committee-1 .ho-ranking")
        .await
        .contains("1名业主投票"));
    assert_eq!(
        text_of(b, "#committee-1-candidate-1 .hoc-owners").await,
        "1"
    );
    assert_eq!(
        text_of(b, "#committee-1-candidate-1 .hoc-area").await,
        "100.00"
    );
    assert_eq!(
        b.find_all(Locator::Css("#committee-1-owner option[value='1']"))
            .await
            .unwrap()
            .len(),
        0,
        "owner 1 has used their ballot"
    );
    mark_ballot(b, 2, false, &[1, 2], &[3]).await;
    mark_ballot(b, 3, false, &[1, 2], &[]).await;
    mark_ballot(b, 4, true, &[2, 1], &[]).await;
    assert_eq!(text_of(b, "#ho-flash").await, "已录入选票。");
    let summary = text_of(b, "#committee-1 .ho-committee-summary").await;
    assert!(summary.contains("当选2名：王一、李二"), "{summary}");
    assert!(text_of(b, "#committee-1 .ho-ranking")
        .await
        .contains("4名业主投票"));
    assert_eq!(standing(b, 1).await, "elected");
    assert_eq!(standing(b, 2).await, "elected");
    assert_eq!(standing(b, 3).await, "failed");
    assert_eq!(
        text_of(b, "#committee-1-candidate-2 .hoc-owners").await,
        "4"
    );
    assert_eq!(
        text_of(b, "#committee-1-candidate-2 .hoc-area").await,
        "400.00"
    );

    // Six 同意 for five seats: refused whole, in R-OWN-1's words.
    mark_ballot(b, 5, false, &[1, 2, 3, 4, 5, 6], &[]).await;
    let alert = text_of(b, "#ho-alert").await;
    assert!(
        alert.contains("业主业主5（第5号）的选票选了6名，每名业主最多同意5名候选人"),
        "{alert}"
    );
    assert!(alert.contains("整张选票未记录"), "{alert}");
    assert!(alert.contains("R-OWN-1"), "{alert}");
    assert_eq!(
        b.find_all(Locator::Css("#ho-flash")).await.unwrap().len(),
        0
    );
    assert!(text_of(b, "#committee-1 .ho-ranking")
        .await
        .contains("4名业主投票"));
    assert_eq!(
        text_of(b, "#committee-1-candidate-3 .hoc-owners").await,
        "0"
    );

    // The same refusal in English after the language switch.
    b.goto(&app.url(&format!("{e}/homeowners?lang=en")))
        .await
        .unwrap();
    assert_eq!(
        text_of(b, "#committee-1-ballot-form h4").await,
        "Record one owner's ballot"
    );
    mark_ballot(b, 5, false, &[1, 2, 3, 4, 5, 6], &[]).await;
    let alert = text_of(b, "#ho-alert").await;
    assert!(
        alert.contains("owner 业主5 (no. 5) marks 6 more candidates than the 5 seats"),
        "{alert}"
    );
    assert!(alert.contains("R-OWN-1"), "{alert}");

    // Owner 5's ballot within the seats goes through and closes the form.
    mark_ballot(b, 5, false, &[1], &[2]).await;
    assert_eq!(text_of(b, "#ho-flash").await, "Ballot recorded.");
    assert!(text_of(b, "#committee-1 .ho-ranking")
        .await
        .contains("5 owners voted"));
    assert_eq!(
        b.find_all(Locator::Css("#committee-1-ballot-form"))
            .await
            .unwrap()
            .len(),
        0
    );
    assert_eq!(
        text_of(b, "#committee-1-all-voted").await,
        "Every owner has voted in this election."
    );
    browser.close().await.unwrap();
    app.stop().await.unwrap();
}
