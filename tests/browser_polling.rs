//! Polling day in real headless Chromium, on tablet-sized screens
//! (issue 6): the committee sets up a central station and a mobile box
//! from the election's page (under County-2006 a mobile box is refused in
//! plain words with R-POLL-1), and issues the central station's clerk a
//! token, shown once. In a second browser the clerk signs in with it at
//! `/station` (an HttpOnly, SameSite=Strict cookie), opens the polls,
//! issues 3, takes 1 back, issues 1 more (3), closes the polls after
//! confirming, and counts: ballot 1 by its serial and clicked marks
//! (receipt 1), ballot 1 again with other marks (refused, R-CNT-2), ballot
//! 2 as unreadable after the scanner's Enter (receipt 2). The API agrees:
//! 2 counted, and receipt 1's stored marks are the ones clicked. The clerk
//! gets 403 on the committee's pages and on another station; a cross-site
//! post with the clerk's cookie is refused; an observer reads the stations
//! without a single form. Screenshots go to /tmp.
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
use serde_json::{json, Value};

/// A tablet held upright (820×1180 CSS pixels at 2×), as at a polling
/// station's desk.
const TABLET: Viewport = Viewport {
    width: 820,
    height: 1180,
    pixel_ratio: 2.0,
    mobile: true,
};

async fn create_election(
    app: &TestApp,
    token: &str,
    title: &str,
    profile: &str,
    day: NaiveDate,
) -> String {
    let body = ok(
        &call(
            app,
            Method::POST,
            "/elections",
            token,
            Some(json!({
                "body_kind": "residents_committee", "title": title,
                "profile": profile, "election_day": day.to_string(),
                "seats": [{"position": "director", "seats": 1}, {"position": "member", "seats": 4}]
            })),
        )
        .await,
        StatusCode::CREATED,
    );
    body["id"].as_str().unwrap().to_owned()
}

/// A generated roll, its voter list published, self-nominations within
/// the margin (two for the one director, five for four members), the
/// formal list fixed (R-NOM-5), as browser_ballots does.
async fn fix_formal_list(app: &TestApp, token: &str, id: &str, day: NaiveDate) {
    let e = format!("/elections/{id}");
    let reply = app
        .client()
        .post(app.url(&format!("/api/v1{e}/roll")))
        .bearer_auth(token)
        .body(generate_roll_csv(42, 400, day, Encoding::Utf8))
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
    let v: Vec<String> = page["residents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["waived"] != true)
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
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
    // R-POLL-2: three scrutineers for the central station, so its polls
    // may open.
    for resident in &v[300..303] {
        ok(
            &call(
                app,
                Method::POST,
                &format!("{e}/counting-staff"),
                token,
                Some(json!({"resident": resident, "role": "scrutineer", "station": "central"})),
            )
            .await,
            StatusCode::CREATED,
        );
    }
}

async fn count(c: &Client, css: &str) -> usize {
    c.find_all(Locator::Css(css)).await.unwrap().len()
}

async fn value_of(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default()
}

async fn sign_in(c: &Client, app: &TestApp, username: &str) {
    c.goto(&app.url("/signin")).await.unwrap();
    type_into(c, "#username", username).await;
    type_into(c, "#password", TEST_PASSWORD).await;
    submit(c, "#sign-in").await;
    wait_for_path(c, "/elections", |p| p == "/elections").await;
}

async fn add_station(c: &Client, code: &str, name: &str, kind: &str) {
    type_into(c, "#station-code", code).await;
    type_into(c, "#station-name", name).await;
    c.find(Locator::Css("#station-kind"))
        .await
        .unwrap()
        .select_by_value(kind)
        .await
        .unwrap();
    submit(c, "#station-submit").await;
}

/// A page fetched with nothing but the clerk's station cookie.
async fn with_cookie(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    origin: Option<&str>,
) -> StatusCode {
    let mut req = app
        .client()
        .request(method, app.url(path))
        .header("cookie", format!("huanjie_station={token}"));
    if let Some(origin) = origin {
        req = req
            .header("origin", origin)
            .header("content-type", "application/json")
            .body(r#"{"count": 1}"#);
    }
    req.send().await.unwrap().status()
}

#[tokio::test]
async fn stations_set_up_and_a_clerk_runs_polling_day_on_a_tablet() {
    let app = spawn_sqlite_app().await;
    let token = app.set_up_committee("chair").await.unwrap();
    let day = today() + Duration::days(31);
    let id = create_election(&app, &token, "和平社区第十届", "city-2009", day).await;
    fix_formal_list(&app, &token, &id, day).await;
    let county = create_election(&app, &token, "安居社区第八届", "county-2006", day).await;
    let api = |path: &str| format!("/elections/{id}{path}");

    // 1. The committee: from the election's page to its stations.
    let browser = Browser::start(TABLET)
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    let c = &browser.client;
    sign_in(c, &app, "chair").await;
    c.goto(&app.url(&format!("/elections/{id}"))).await.unwrap();
    submit(c, "#stations-link").await;
    wait_for_path(c, "the stations page", |p| p.ends_with("/stations")).await;
    assert!(text_of(c, "h1").await.contains("投票站"));
    assert!(text_of(c, "#stations-empty").await.contains("尚未设立"));

    // A central station and a mobile box (City-2009 allows 1–2).
    add_station(c, "central", "中心投票站", "central").await;
    assert!(text_of(c, "#st-saved").await.contains("central"));
    assert_eq!(
        text_of(c, "#station-central .station-kind").await,
        "中心投票站"
    );
    assert_eq!(
        text_of(c, "#station-central .station-polls").await,
        "未开始"
    );
    add_station(c, "M1", "流动票箱一", "mobile").await;
    assert_eq!(text_of(c, "#station-M1 .station-kind").await, "流动票箱");
    assert_eq!(text_of(c, "#station-M1 .station-name").await, "流动票箱一");
    let listed = ok(
        &call(&app, Method::GET, &api("/stations"), &token, None).await,
        StatusCode::OK,
    );
    assert_eq!(listed["stations"].as_array().unwrap().len(), 2);

    // County-2006 forbids mobile boxes: refused with its rule id, nothing
    // set up, what was typed kept.
    c.goto(&app.url(&format!("/elections/{county}/stations")))
        .await
        .unwrap();
    add_station(c, "M1", "流动票箱一", "mobile").await;
    let alert = text_of(c, "#st-alert").await;
    assert!(
        alert.contains("R-POLL-1") && alert.contains("不允许设流动票箱"),
        "{alert}"
    );
    assert!(text_of(c, "#stations-empty").await.contains("尚未设立"));
    assert_eq!(value_of(c, "#station-code").await, "M1");
    assert_eq!(value_of(c, "#station-kind").await, "mobile");

    // 2. A batch of three printed for the central station (API).
    let batch = ok(
        &call(
            &app,
            Method::POST,
            &api("/ballot-batches"),
            &token,
            Some(json!({"station": "central", "count": 3})),
        )
        .await,
        StatusCode::CREATED,
    );
    let serials: Vec<String> = batch["serials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(serials.len(), 3);

    // 3. The clerk's token, issued on the page and shown once.
    c.goto(&app.url(&format!("/elections/{id}/stations")))
        .await
        .unwrap();
    submit(c, "#issue-token-central").await;
    let clerk = text_of(c, "#token-value").await;
    assert!(clerk.starts_with("hjt_") && clerk.len() > 40, "{clerk}");
    assert!(text_of(c, "#token-issued h2").await.contains("central"));
    assert_eq!(
        c.find(Locator::Css("#token-signin-link"))
            .await
            .unwrap()
            .attr("href")
            .await
            .unwrap()
            .as_deref(),
        Some("/station")
    );
    let tokens = ok(
        &call(&app, Method::GET, &api("/station-tokens"), &token, None).await,
        StatusCode::OK,
    );
    assert_eq!(tokens["station_tokens"][0]["station"], "central");
    c.goto(&app.url(&format!("/elections/{id}/stations")))
        .await
        .unwrap();
    assert_eq!(count(c, "#token-value").await, 0, "shown once only");

    // 4. The clerk, in another browser: a wrong token first, then theirs.
    let tablet = Browser::start(TABLET)
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    let t = &tablet.client;
    t.goto(&app.url("/station")).await.unwrap();
    type_into(t, "#station-token", "hjt_0000").await;
    submit(t, "#station-signin-submit").await;
    assert!(text_of(t, "#station-signin-error").await.contains("无效"));
    type_into(t, "#station-token", &clerk).await;
    submit(t, "#station-signin-submit").await;
    let station_path = format!("/elections/{id}/stations/central");
    wait_for_path(t, "the station page", |p| p == station_path).await;
    let cookie = t.get_named_cookie("huanjie_station").await.unwrap();
    assert_eq!(cookie.value(), clerk);
    assert_eq!(cookie.http_only(), Some(true));
    assert!(format!("{:?}", cookie.same_site()).contains("Strict"));
    assert_eq!(text_of(t, "#station-name").await, "中心投票站");
    assert_eq!(text_of(t, "#station-polls").await, "未开始");
    assert!(text_of(t, "#count-wait").await.contains("R-CNT-1"));

    // Open, issue 3, take 1 back, issue 1: 3 issued.
    submit(t, "#open-polls").await;
    assert!(text_of(t, "#station-saved").await.contains("投票已开始"));
    assert_eq!(text_of(t, "#station-polls").await, "投票中");
    type_into(t, "#issue-count", "3").await;
    submit(t, "#issue-submit").await;
    assert_eq!(text_of(t, "#station-issued").await, "3");
    submit(t, "#take-back").await;
    assert_eq!(text_of(t, "#station-issued").await, "2");
    submit(t, "#issue-one").await;
    assert_eq!(text_of(t, "#station-issued").await, "3");
    assert!(text_of(t, "#station-saved").await.contains("1 张"));

    // Close, confirmed.
    click(t, "#close-confirm").await;
    submit(t, "#close-polls").await;
    assert!(text_of(t, "#station-saved").await.contains("投票已结束"));
    assert_eq!(text_of(t, "#station-polls").await, "已结束");
    assert_eq!(count(t, "#contest-director .candidate").await, 2);
    assert_eq!(count(t, "#contest-member .candidate").await, 5);
    assert_eq!(
        count(t, "#contest-member input[name^='w:member:']").await,
        4
    );
    assert!(!text_of(t, "#cand-director-1 .cand-name").await.is_empty());

    // 5. Ballot 1: serial, marks clicked, a write-in; receipt 1.
    type_into(t, "#scan-serial", &serials[0]).await;
    for mark in [
        "#mark-director-1-for",
        "#mark-director-2-against",
        "#mark-member-1-for",
        "#mark-member-3-against",
        "#mark-member-4-abstain",
    ] {
        click(t, mark).await;
    }
    let filled = t
        .execute(
            "return [document.getElementById('mark-director-1-for').parentElement.classList.contains('secondary'),
                     document.getElementById('mark-director-1-against').parentElement.classList.contains('secondary')]",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(filled, json!([false, true]), "the chosen mark is filled in");
    type_into(t, "#write-member-1", "赵六").await;
    submit(t, "#scan-submit").await;
    assert_eq!(text_of(t, "#station-receipt").await, "1");
    let saved = text_of(t, "#station-saved").await;
    assert!(saved.contains("回执第1号"), "{saved}");
    assert_eq!(text_of(t, "#station-scanned").await, "1");
    assert_eq!(value_of(t, "#scan-serial").await, "");

    // Ballot 1 again, other marks: refused (R-CNT-2), nothing counted.
    type_into(t, "#scan-serial", &serials[0]).await;
    click(t, "#mark-director-1-against").await;
    submit(t, "#scan-submit").await;
    let alert = text_of(t, "#station-alert").await;
    assert!(
        alert.contains("R-CNT-2") && alert.contains("第1号"),
        "{alert}"
    );
    assert_eq!(text_of(t, "#station-scanned").await, "1");
    assert_eq!(value_of(t, "#scan-serial").await, serials[0]);

    // Ballot 2: the scanner types the serial and Enter, which only moves
    // on to the marks; then "unreadable": receipt 2.
    t.execute("window.samePage = true", vec![]).await.unwrap();
    type_into(t, "#scan-serial", &format!("{}\u{E007}", serials[1])).await;
    let focused = t
        .execute("return document.activeElement.id", vec![])
        .await
        .unwrap();
    assert_eq!(focused, json!("mark-director-1-for"));
    let same = t
        .execute("return window.samePage === true", vec![])
        .await
        .unwrap();
    assert_eq!(same, json!(true), "Enter after the serial does not submit");
    assert_eq!(value_of(t, "#scan-serial").await, serials[1]);
    submit(t, "#scan-unreadable").await;
    assert_eq!(text_of(t, "#station-receipt").await, "2");
    assert_eq!(text_of(t, "#station-scanned").await, "2");
    t.execute("window.scrollTo(0, 0)", vec![]).await.unwrap();
    tablet
        .screenshot("/tmp/huanjie-tablet-station.png".as_ref())
        .await
        .unwrap();

    // 6. The API agrees: 3 issued, 2 counted; receipt 1 holds the marks
    // clicked (a replay of them gets it back; other marks would be 409).
    let listed = ok(
        &call(&app, Method::GET, &api("/stations"), &token, None).await,
        StatusCode::OK,
    );
    let central = listed["stations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == "central")
        .unwrap();
    assert_eq!(
        (&central["issued"], &central["scanned"], &central["polls"]),
        (&json!(3), &json!(2), &json!("closed"))
    );
    let clicked = json!({
        "marks": {"director": {"1": "for", "2": "against"}, "member": {"1": "for", "3": "against"}},
        "write_ins": {"member": [{"name": "赵六"}]}
    });
    let mut replay = clicked.clone();
    replay["serial"] = json!(serials[0]);
    let receipt = ok(
        &call(
            &app,
            Method::POST,
            &api("/stations/central/scans"),
            &token,
            Some(replay),
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(
        (&receipt["number"], &receipt["replayed"]),
        (&json!(1), &json!(true))
    );
    let stored: Value = serde_json::from_str(receipt["marks"].as_str().unwrap()).unwrap();
    assert_eq!(stored, clicked);

    // 7. The clerk sees its own station only: 403 on the committee's
    // pages, on another station, and a cross-site post is refused.
    t.goto(&app.url(&format!("/elections/{id}/stations")))
        .await
        .unwrap();
    assert_eq!(text_of(t, ".status").await, "403");
    t.goto(&app.url(&format!("/elections/{id}/registration")))
        .await
        .unwrap();
    assert_eq!(text_of(t, ".status").await, "403");
    for path in [
        format!("/elections/{id}/stations"),
        format!("/elections/{id}/registration"),
        format!("/elections/{id}/nomination"),
        format!("/elections/{id}/stations/M1"),
    ] {
        assert_eq!(
            with_cookie(&app, Method::GET, &path, &clerk, None).await,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    assert_eq!(
        with_cookie(&app, Method::GET, &station_path, &clerk, None).await,
        StatusCode::OK
    );
    assert_eq!(
        with_cookie(
            &app,
            Method::POST,
            &format!("/api/v1{}", api("/stations/central/issued")),
            &clerk,
            Some("https://evil.example"),
        )
        .await,
        StatusCode::FORBIDDEN
    );
    // The clerk leaves: the cookie is gone, the station page asks again.
    t.goto(&app.url(&station_path)).await.unwrap();
    submit(t, "#station-signout").await;
    wait_for_path(t, "the station sign-in", |p| p == "/station").await;
    t.goto(&app.url(&station_path)).await.unwrap();
    wait_for_path(t, "the station sign-in", |p| p == "/station").await;
    tablet.close().await.unwrap();

    // 8. An observer reads the stations, without a single form.
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
    c.goto(&app.url(&format!("/elections/{id}/stations")))
        .await
        .unwrap();
    assert_eq!(text_of(c, "#station-central .station-scanned").await, "2");
    assert_eq!(text_of(c, "#station-central .station-issued").await, "3");
    assert_eq!(
        text_of(c, "#station-central .station-polls").await,
        "已结束"
    );
    assert_eq!(count(c, "main form").await, 0, "observers get no forms");
    c.goto(&app.url(&station_path)).await.unwrap();
    assert_eq!(text_of(c, "#station-scanned").await, "2");
    assert_eq!(count(c, "main form, script").await, 0);

    // The page in English.
    c.goto(&app.url(&format!("/elections/{id}/stations?lang=en")))
        .await
        .unwrap();
    assert!(text_of(c, "h1").await.contains("Polling stations"));
    assert!(text_of(c, "#station-M1 .station-kind")
        .await
        .contains("Mobile"));

    browser.close().await.unwrap();
    app.stop().await.unwrap();
}
