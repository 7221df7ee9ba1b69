//! Polling day's count board and review queue in real headless Chromium
//! (issue 6). Set up over the API: a formal list, a central station and
//! S1 with three scrutineers each (R-POLL-2), a batch printed for central,
//! polls opened at both, central closed, S1 still voting.
//!
//! On a desktop-sized board signed in as the committee: both stations with
//! their polls, and the sentence saying why no totals are shown. Four
//! ballots scanned over the API with the clerk's token (one flagged
//! unreadable) show up on the board without a reload (4 counted, 1 to
//! decide); S1 closing makes the candidate rows appear, live, with the
//! right numbers. On a tablet the central clerk opens the review queue
//! from the station page: the unreadable ballot is listed with its serial
//! and reason in words, with no form for the clerk, and a reading posted
//! anyway is refused on the page with R-CNT-4. The committee, on the same
//! tablet, rules on it with marks: the queue lists it as decided (who, what)
//! and the board's numbers change, still without a reload.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration as StdDuration;

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

/// A tablet held upright, as at a polling station's desk.
const TABLET: Viewport = Viewport {
    width: 820,
    height: 1180,
    pixel_ratio: 2.0,
    mobile: true,
};

/// An election with its formal list fixed (one director from two, four
/// members from five), the two stations set up with three scrutineers
/// each. Returns the election's id.
async fn election_with_stations(app: &TestApp, token: &str, day: NaiveDate) -> String {
    let id = ok(
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
    )["id"]
        .as_str()
        .unwrap()
        .to_owned();
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
    for (code, name, kind) in [
        ("central", "中心投票站", "central"),
        ("S1", "第一投票站", "sub"),
    ] {
        ok(
            &call(
                app,
                Method::POST,
                &format!("{e}/stations"),
                token,
                Some(json!({"code": code, "name": name, "kind": kind})),
            )
            .await,
            StatusCode::CREATED,
        );
    }
    // R-POLL-2: three scrutineers per station before its polls open.
    for (station, residents) in [("central", &v[300..303]), ("S1", &v[303..306])] {
        for resident in residents {
            ok(
                &call(
                    app,
                    Method::POST,
                    &format!("{e}/counting-staff"),
                    token,
                    Some(json!({"resident": resident, "role": "scrutineer", "station": station})),
                )
                .await,
                StatusCode::CREATED,
            );
        }
    }
    id
}

/// Waits until the element's text is `want` (the board changes by itself),
/// failing with what it last showed.
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

async fn count(c: &Client, css: &str) -> usize {
    c.find_all(Locator::Css(css)).await.unwrap().len()
}

async fn displayed(c: &Client, css: &str) -> bool {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
        .is_displayed()
        .await
        .unwrap()
}

/// True while the board page is the one loaded at the start (nothing
/// reloaded it): the marker set on it is still there.
async fn same_page(c: &Client) -> bool {
    c.execute("return window.boardMarker === 42", vec![])
        .await
        .unwrap()
        == json!(true)
}

async fn sign_in(c: &Client, app: &TestApp, username: &str) {
    c.goto(&app.url("/signin")).await.unwrap();
    type_into(c, "#username", username).await;
    type_into(c, "#password", TEST_PASSWORD).await;
    submit(c, "#sign-in").await;
    wait_for_path(c, "/elections", |p| p == "/elections").await;
}

/// The board's `for` votes of candidate row `person` for `position` in the
/// API's JSON, and the name it shows.
fn api_row(board: &Value, position: &str, person: &str) -> (String, u64) {
    let row = board["contests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["position"] == position)
        .and_then(|c| {
            c["rows"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["person"] == person)
        })
        .unwrap_or_else(|| panic!("no {position}/{person} in {board}"));
    (
        row["name"].as_str().unwrap().to_owned(),
        row["for"].as_u64().unwrap(),
    )
}

#[tokio::test]
async fn the_count_board_follows_the_count_live_and_the_committee_rules_on_a_ballot() {
    let app = spawn_sqlite_app().await;
    let token = app.set_up_committee("chair").await.unwrap();
    let day = today() + Duration::days(31);
    let id = election_with_stations(&app, &token, day).await;
    let api = |path: &str| format!("/elections/{id}{path}");

    let printed = ok(
        &call(
            &app,
            Method::POST,
            &api("/ballot-batches"),
            &token,
            Some(json!({"station": "central", "count": 6})),
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
            &api("/station-tokens"),
            &token,
            Some(json!({"station": "central"})),
        )
        .await,
        StatusCode::CREATED,
    )["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let step = |station: &'static str, what: &'static str| {
        let (app, path, token) = (&app, api(&format!("/stations/{station}/{what}")), &token);
        async move {
            ok(
                &call(app, Method::POST, &path, token, None).await,
                StatusCode::OK,
            )
        }
    };
    step("central", "open").await;
    step("S1", "open").await;
    ok(
        &call(
            &app,
            Method::POST,
            &api("/stations/central/issued"),
            &token,
            Some(json!({"count": 5})),
        )
        .await,
        StatusCode::OK,
    );
    step("central", "close").await;

    // Nobody signed in is sent to sign in.
    let reply = app
        .client()
        .get(app.url(&format!("/elections/{id}/count")))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.url().path(), "/signin");

    // 1. The board, from the election's page: stations, and no totals
    // while S1 votes.
    let desk = Browser::start(Viewport::DESKTOP)
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    let b = &desk.client;
    sign_in(b, &app, "chair").await;
    b.goto(&app.url(&format!("/elections/{id}"))).await.unwrap();
    submit(b, "#count-board-link").await;
    wait_for_path(b, "the count board", |p| p.ends_with("/count")).await;
    assert_eq!(text_of(b, "h1").await, "计票看板");
    assert_eq!(
        text_of(b, "#board-station-central .station-name").await,
        "中心投票站"
    );
    assert_eq!(
        text_of(b, "#board-station-central .station-polls").await,
        "已结束"
    );
    assert_eq!(
        text_of(b, "#board-station-central .station-issued").await,
        "5"
    );
    assert_eq!(
        text_of(b, "#board-station-S1 .station-name").await,
        "第一投票站"
    );
    assert_eq!(
        text_of(b, "#board-station-S1 .station-polls").await,
        "投票中"
    );
    assert_eq!(text_of(b, "#board-counted").await, "0");
    assert!(displayed(b, "#board-hidden").await);
    let hidden = text_of(b, "#board-hidden").await;
    assert!(hidden.contains("投票结束前不公布"), "{hidden}");
    assert_eq!(count(b, "#board-contests .board-contest").await, 0);
    wait_text(b, "#board-live", "实时").await;
    b.execute("window.boardMarker = 42", vec![]).await.unwrap();

    // 2. Four ballots scanned over the API, one flagged unreadable: the
    // board counts them as they are stored, without a reload.
    let scan = |serial: &String, body: Value| {
        let (app, path, clerk) = (&app, api("/stations/central/scans"), &clerk);
        let mut body = body;
        body["serial"] = json!(serial);
        async move {
            ok(
                &call(app, Method::POST, &path, clerk, Some(body)).await,
                StatusCode::CREATED,
            )
        }
    };
    let ballot =
        json!({"marks": {"director": {"1": "for"}, "member": {"1": "for", "2": "against"}}});
    for serial in &serials[..3] {
        scan(serial, ballot.clone()).await;
    }
    let unreadable = scan(&serials[3], json!({"unreadable": true})).await["number"]
        .as_u64()
        .unwrap();
    assert_eq!(unreadable, 4);
    wait_text(b, "#board-counted", "4").await;
    wait_text(b, "#board-pending", "1").await;
    assert_eq!(
        text_of(b, "#board-station-central .station-counted").await,
        "4"
    );
    assert_eq!(
        text_of(b, "#board-station-central .station-pending").await,
        "1"
    );
    assert_eq!(text_of(b, "#board-station-S1 .station-counted").await, "0");
    assert!(displayed(b, "#board-hidden").await, "S1 still votes");
    assert_eq!(count(b, "#board-contests .board-contest").await, 0);
    let updated = text_of(b, "#board-updated").await;
    assert!(
        updated.len() == 8 && updated.as_bytes()[2] == b':',
        "{updated}"
    );
    assert!(same_page(b).await, "the board was not reloaded");

    // 3. S1 closes: the candidates' rows appear, live, with the numbers.
    step("S1", "close").await;
    wait_text(b, "#board-station-S1 .station-polls", "已结束").await;
    wait_text(
        b,
        "#board-contest-director tr[data-person='1'] .votes-for",
        "3",
    )
    .await;
    assert!(!displayed(b, "#board-hidden").await);
    let board = ok(
        &call(&app, Method::GET, &api("/count"), &token, None).await,
        StatusCode::OK,
    );
    let (director, _) = api_row(&board, "director", "1");
    assert!(!director.is_empty());
    assert_eq!(
        text_of(b, "#board-contest-director tr[data-person='1'] .cand-name").await,
        director
    );
    assert_eq!(
        text_of(b, "#board-contest-director .contest-label").await,
        "主任"
    );
    assert_eq!(count(b, "#board-contest-director .board-row").await, 2);
    assert_eq!(count(b, "#board-contest-member .board-row").await, 5);
    assert_eq!(
        text_of(b, "#board-contest-member tr[data-person='1'] .votes-for").await,
        "3"
    );
    assert_eq!(
        text_of(
            b,
            "#board-contest-member tr[data-person='2'] .votes-against"
        )
        .await,
        "3"
    );
    assert_eq!(
        text_of(b, "#board-contest-member tr[data-person='2'] .votes-for").await,
        "0"
    );
    assert_eq!(text_of(b, "#board-pending").await, "1");
    assert!(same_page(b).await, "the board was not reloaded");
    desk.screenshot("/tmp/huanjie-count-board.png".as_ref())
        .await
        .unwrap();

    // 4. The clerk, on a tablet: from the station page to the queue. The
    // unreadable ballot is there, but it is the committee's to rule on.
    let tablet = Browser::start(TABLET)
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    let t = &tablet.client;
    t.goto(&app.url("/station")).await.unwrap();
    type_into(t, "#station-token", &clerk).await;
    submit(t, "#station-signin-submit").await;
    let station_path = format!("/elections/{id}/stations/central");
    wait_for_path(t, "the station page", |p| p == station_path).await;
    submit(t, "#reviews-link").await;
    wait_for_path(t, "the review queue", |p| p.ends_with("/reviews")).await;
    let item = format!("#review-central-{unreadable}");
    assert_eq!(text_of(t, "#to-decide-count").await, "1");
    assert_eq!(
        text_of(t, &format!("{item} .review-serial")).await,
        serials[3]
    );
    assert_eq!(
        text_of(t, &format!("{item} .review-reasons")).await,
        "无法辨认，待选举委员会裁定"
    );
    assert_eq!(
        text_of(t, &format!("{item} .review-scanned")).await,
        "整张无法辨认"
    );
    assert!(text_of(t, &format!("{item} .review-receipt"))
        .await
        .contains("第4号"));
    assert_eq!(
        count(t, &format!("{item} form")).await,
        0,
        "no form for the clerk"
    );
    assert!(text_of(t, &format!("{item} .review-committee-only"))
        .await
        .contains("R-CNT-4"));
    // A reading posted anyway (as a hand-made form would) is refused on
    // the page, in words and with the rule id, and nothing is decided.
    t.execute(
        "var f = document.createElement('form');
         f.method = 'post'; f.action = arguments[0];
         [['m:director:1', 'for'], ['action', 'read']].forEach(function (p) {
           var i = document.createElement('input');
           i.type = 'hidden'; i.name = p[0]; i.value = p[1]; f.appendChild(i);
         });
         document.body.appendChild(f); f.submit();",
        vec![json!(format!(
            "/elections/{id}/stations/central/scans/{unreadable}/decision"
        ))],
    )
    .await
    .unwrap();
    let alert = text_of(t, "#rv-alert").await;
    assert!(
        alert.contains("无法辨认的选票由选举委员会裁定") && alert.contains("R-CNT-4"),
        "{alert}"
    );
    assert_eq!(text_of(t, "#to-decide-count").await, "1");
    assert_eq!(text_of(t, "#decided-count").await, "0");
    // The clerk may watch the board too.
    let status = app
        .client()
        .get(app.url(&format!("/elections/{id}/count")))
        .header("cookie", format!("huanjie_station={clerk}"))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, StatusCode::OK);
    t.goto(&app.url(&station_path)).await.unwrap();
    submit(t, "#station-signout").await;
    wait_for_path(t, "the station sign-in", |p| p == "/station").await;

    // 5. The committee, at the same tablet, rules on it with marks.
    sign_in(t, &app, "chair").await;
    t.goto(&app.url(&format!("/elections/{id}/stations")))
        .await
        .unwrap();
    submit(t, "#reviews-link").await;
    wait_for_path(t, "the review queue", |p| p.ends_with("/reviews")).await;
    let key = format!("central-{unreadable}");
    assert_eq!(
        count(t, &format!("#void-{key}")).await,
        1,
        "the committee may rule it void"
    );
    assert_eq!(
        count(t, &format!("#read-{key}-director .candidate")).await,
        2
    );
    assert_eq!(
        count(t, &format!("#read-{key}-member input[name^='w:member:']")).await,
        4
    );
    assert_eq!(
        text_of(t, &format!("#read-{key}-director-1 .cand-name")).await,
        director
    );
    for mark in [
        format!("#read-{key}-director-1-for"),
        format!("#read-{key}-member-1-for"),
        format!("#read-{key}-member-2-against"),
    ] {
        click(t, &mark).await;
    }
    tablet
        .screenshot("/tmp/huanjie-review-queue.png".as_ref())
        .await
        .unwrap();
    submit(t, &format!("#record-{key}")).await;
    let saved = text_of(t, "#rv-saved").await;
    assert!(saved.contains("回执第4号"), "{saved}");
    assert_eq!(text_of(t, "#to-decide-count").await, "0");
    assert_eq!(count(t, "#to-decide-empty").await, 1);
    assert_eq!(text_of(t, "#decided-count").await, "1");
    let decision = text_of(t, &format!("#review-{key} .review-decision")).await;
    assert!(
        decision.contains(&format!("主任：{director} 赞成")),
        "{decision}"
    );
    assert_eq!(
        text_of(t, &format!("#review-{key} .review-decided-by")).await,
        "chair"
    );
    assert!(!text_of(t, &format!("#review-{key} .review-decided-at"))
        .await
        .is_empty());

    // 6. The board follows, still without a reload.
    wait_text(
        b,
        "#board-contest-director tr[data-person='1'] .votes-for",
        "4",
    )
    .await;
    wait_text(b, "#board-pending", "0").await;
    assert_eq!(
        text_of(b, "#board-station-central .station-pending").await,
        "0"
    );
    assert_eq!(
        text_of(b, "#board-contest-member tr[data-person='1'] .votes-for").await,
        "4"
    );
    assert_eq!(
        text_of(
            b,
            "#board-contest-member tr[data-person='2'] .votes-against"
        )
        .await,
        "4"
    );
    assert_eq!(text_of(b, "#board-counted").await, "4");
    assert!(same_page(b).await, "the board was not reloaded");

    // The board in English, rendered by the server and kept live.
    b.goto(&app.url(&format!("/elections/{id}/count?lang=en")))
        .await
        .unwrap();
    assert_eq!(text_of(b, "h1").await, "Count board");
    assert_eq!(
        text_of(b, "#board-contest-director .contest-label").await,
        "Director"
    );
    wait_text(b, "#board-live", "Live").await;

    // The board's event stream stays open: close the browsers before the
    // server stops.
    tablet.close().await.unwrap();
    desk.close().await.unwrap();
    app.stop().await.unwrap();
}
