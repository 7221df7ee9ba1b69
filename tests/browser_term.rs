//! The term's page and the supervisory committee's recusals in real
//! headless Chromium (issue 7, item 7).
//!
//! The term: a City-2009 election set up over the API as term_api's
//! (published list, formal list, a central station with three
//! scrutineers). Before its certification the page says there is no term
//! yet; once certified (over the API) the committee reaches the page from
//! the election page, sees the five members and no vacancy; a recall
//! request with one signature short of a fifth of the voters is refused on
//! the page with R-CERT-4, one with a fifth is recorded; the member's
//! answer is recorded once; the recall is put to a vote of its own, whose
//! link appears (and whose own term address links back to the general
//! round); the vote held and certified over the API, the recall is decided
//! on the page from the certified figures and the member's seat falls
//! vacant. A resignation without the meeting's quorum is refused with
//! R-OWN-2, one with it accepted, and the director's seat is vacant. A
//! by-election is called through the form for the member's seat; held
//! over the API, it is closed on the page and its winner sits. An
//! observer reads and gets no form; a clerk gets 403; the English switch
//! renders the page. A screenshot goes to /tmp.
//!
//! The recusals: on a supervisory committee election's nomination page
//! the committee records who holds a barring office (by record id and by
//! resident ID); an ID not on the roll is refused with R-BODY-4; the list
//! shows the names and IDs (masked for an observer); and nominating the
//! recorded finance staff is refused on the page with R-BODY-4.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration, NaiveDate};
use fantoccini::{Client, Locator};
use huanjie_registration::{generate_roll_csv, Encoding};
use huanjie_testkit::app::{call, spawn_sqlite_app, TestApp, TEST_PASSWORD};
use huanjie_testkit::app::{ok, today};
use huanjie_testkit::browser::{submit, text_of, type_into, wait_for_path, Browser, Viewport};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const DESK: Viewport = Viewport {
    width: 1280,
    height: 1000,
    pixel_ratio: 1.0,
    mobile: false,
};

/// The voters of a published list: (record id, resident ID), waived left out.
async fn voters(app: &TestApp, token: &str, e: &str) -> Vec<(String, String)> {
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
    page["residents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["waived"] != true)
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_owned(),
                r["resident_id"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// An election of `body`/`profile` on `day` with a generated roll, its
/// voter list published; its path.
async fn published(
    app: &TestApp,
    token: &str,
    day: NaiveDate,
    body: &str,
    profile: &str,
    seats: Value,
) -> String {
    let created = ok(
        &call(
            app,
            Method::POST,
            "/elections",
            token,
            Some(json!({
                "body_kind": body, "title": "和平社区第七届选举",
                "profile": profile, "election_day": day.to_string(), "seats": seats,
            })),
        )
        .await,
        StatusCode::CREATED,
    );
    let e = format!("/elections/{}", created["id"].as_str().unwrap());
    let reply = app
        .client()
        .post(app.url(&format!("/api/v1{e}/roll")))
        .bearer_auth(token)
        .body(generate_roll_csv(71, 400, day, Encoding::Utf8))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::OK);
    ok(
        &call(app, Method::POST, &format!("{e}/publication"), token, None).await,
        StatusCode::CREATED,
    );
    e
}

/// A residents' committee (director 2 for 1, member 5 for 4), its formal
/// list fixed and a central station with three scrutineers; its path and
/// registered voters.
async fn ready(app: &TestApp, token: &str, day: NaiveDate) -> (String, u64) {
    let e = published(
        app,
        token,
        day,
        "residents_committee",
        "city-2009",
        json!([{"position": "director", "seats": 1}, {"position": "member", "seats": 4}]),
    )
    .await;
    let v: Vec<String> = voters(app, token, &e)
        .await
        .into_iter()
        .map(|(id, _)| id)
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
    let status = ok(
        &call(app, Method::GET, &format!("{e}/registration"), token, None).await,
        StatusCode::OK,
    );
    (e, status["registered"].as_u64().unwrap())
}

/// Holds a vote at the central station of `e` (`voted` ballots, each
/// scanned with `marks(i)`) and certifies it; the certified result.
async fn hold(
    app: &TestApp,
    token: &str,
    e: &str,
    voted: u64,
    marks: impl Fn(usize) -> Value,
) -> Value {
    let printed = ok(
        &call(
            app,
            Method::POST,
            &format!("{e}/ballot-batches"),
            token,
            Some(json!({"station": "central", "count": voted})),
        )
        .await,
        StatusCode::CREATED,
    );
    let at = |step: &str| format!("{e}/stations/central/{step}");
    ok(
        &call(app, Method::POST, &at("open"), token, None).await,
        StatusCode::OK,
    );
    ok(
        &call(
            app,
            Method::POST,
            &at("issued"),
            token,
            Some(json!({"count": voted})),
        )
        .await,
        StatusCode::OK,
    );
    ok(
        &call(app, Method::POST, &at("close"), token, None).await,
        StatusCode::OK,
    );
    for (i, serial) in printed["serials"].as_array().unwrap().iter().enumerate() {
        ok(
            &call(
                app,
                Method::POST,
                &at("scans"),
                token,
                Some(json!({"serial": serial, "marks": marks(i)})),
            )
            .await,
            StatusCode::CREATED,
        );
    }
    let result = ok(
        &call(app, Method::GET, &format!("{e}/result"), token, None).await,
        StatusCode::OK,
    );
    ok(
        &call(
            app,
            Method::POST,
            &format!("{e}/certification"),
            token,
            None,
        )
        .await,
        StatusCode::CREATED,
    );
    result
}

async fn count(c: &Client, css: &str) -> usize {
    c.find_all(Locator::Css(css)).await.unwrap().len()
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

async fn choose(c: &Client, css: &str, value: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
        .select_by_value(value)
        .await
        .unwrap_or_else(|e| panic!("no option {value} in {css}: {e}"));
}

async fn sign_in(c: &Client, app: &TestApp, username: &str) {
    c.goto(&app.url("/signin")).await.unwrap();
    type_into(c, "#username", username).await;
    type_into(c, "#password", TEST_PASSWORD).await;
    submit(c, "#sign-in").await;
    wait_for_path(c, "/elections", |p| p == "/elections").await;
}

/// The names in the members table for `position`, sorted.
async fn sitting(c: &Client, position: &str) -> Vec<String> {
    let mut names = Vec::new();
    for cell in c
        .find_all(Locator::Css(&format!(
            "#members tr.member[data-position={position}] .member-name"
        )))
        .await
        .unwrap()
    {
        names.push(cell.text().await.unwrap());
    }
    names.sort();
    names
}

#[tokio::test]
async fn the_committee_records_recall_resignation_and_by_election_on_the_term_page() {
    let app = spawn_sqlite_app().await;
    let token = app.set_up_committee("chair").await.unwrap();
    let day = today() + Duration::days(31);
    let (e, registered) = ready(&app, &token, day).await;
    let term = format!("{e}/term");

    let browser = Browser::start(DESK)
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    let c = &browser.client;
    sign_in(c, &app, "chair").await;

    // Before certification there is no term, and the page says so.
    c.goto(&app.url(&e)).await.unwrap();
    submit(c, "#term-link").await;
    wait_for_path(c, "the term page", |p| p == term).await;
    assert!(text_of(c, "#tm-not-certified").await.contains("尚未确认"));
    assert_eq!(count(c, "main form[method=post]").await, 0);

    // The general round: the first director and members 1-4 elected.
    let voted = registered / 2 + 1;
    let general = hold(&app, &token, &e, voted, |_| {
        json!({"director": {"1": "for"}, "member": {"1": "for", "2": "for", "3": "for", "4": "for"}})
    })
    .await;
    let name = |contest: usize, row: usize| {
        general["contests"][contest]["tally"][row]["name"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let director = name(0, 0);
    let mut members: Vec<String> = (0..4).map(|i| name(1, i)).collect();
    members.sort();

    // From the outcome page to the term.
    c.goto(&app.url(&format!("{e}/outcome"))).await.unwrap();
    submit(c, "#term-link").await;
    wait_for_path(c, "the term page", |p| p == term).await;
    assert!(text_of(c, "h1").await.contains("任期"));
    assert_eq!(count(c, "#tm-not-certified").await, 0);
    assert_eq!(sitting(c, "director").await, vec![director.clone()]);
    assert_eq!(sitting(c, "member").await, members);
    assert_eq!(text_of(c, "#vacancy-director .vacant").await, "0");
    assert_eq!(text_of(c, "#vacancy-member .vacant").await, "0");
    assert!(text_of(c, "#no-vacancy").await.contains("没有空缺"));
    assert_eq!(count(c, "#by-form").await, 0, "nothing to fill");
    assert!(text_of(c, "#events-none").await.contains("尚无"));

    // R-CERT-4: one signature short of a fifth of the voters, then a fifth.
    let recalled = members[0].clone();
    let fifth = registered.div_ceil(5);
    let request_recall = |signatures: u64| {
        let recalled = recalled.clone();
        async move {
            choose(c, "#recall-member", &format!("member:{recalled}")).await;
            choose(c, "#recall-initiated-by", "voters").await;
            type_into(c, "#recall-signatures", &signatures.to_string()).await;
            type_into(c, "#recall-reasons", "长期不履行职责").await;
            submit(c, "#recall-submit").await;
        }
    };
    request_recall(fifth - 1).await;
    let alert = text_of(c, "#tm-alert").await;
    assert!(alert.contains("R-CERT-4"), "{alert}");
    assert!(alert.contains("联名人数不足"), "{alert}");
    assert_eq!(count(c, "#event-1").await, 0, "nothing was written");
    request_recall(fifth).await;
    wait_for_path(c, "the term page", |p| p == term).await;
    assert_eq!(text_of(c, "#tm-saved").await, "已记录。");
    assert_eq!(text_of(c, "#event-1 .event-state").await, "已提出，待表决");
    let request = text_of(c, "#event-1 .event-request").await;
    assert!(
        request.contains(&format!("选民联名{fifth}人（登记选民{registered}人）")),
        "{request}"
    );
    assert!(request.contains("长期不履行职责"), "{request}");
    assert!(text_of(c, "#event-1 h3").await.contains(&recalled));

    // The member's answer, once.
    type_into(c, "#answer-text-1", "本人一直按时履职").await;
    submit(c, "#answer-submit-1").await;
    assert!(text_of(c, "#event-1 .event-answer")
        .await
        .contains("本人一直按时履职"));
    assert_eq!(count(c, "#answer-form-1").await, 0);

    // The vote: an election of its own, linked from here.
    let vote_day = c
        .find(Locator::Css("#vote-day-1"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert_eq!(vote_day, (day + Duration::days(1)).to_string());
    submit(c, "#vote-submit-1").await;
    wait_for_path(c, "the term page", |p| p == term).await;
    let title = text_of(c, "#new-vote-link").await;
    assert!(
        title.ends_with(&format!("（罢免{recalled}表决）")),
        "{title}"
    );
    let vote = href(c, "#new-vote-link").await;
    assert_ne!(vote, e);
    assert_eq!(href(c, "#event-1 .vote-link").await, vote);
    assert_eq!(
        href(c, "#event-1 .vote-outcome").await,
        format!("{vote}/outcome")
    );
    assert_eq!(text_of(c, "#event-1 .event-state").await, "表决中");
    assert!(text_of(c, "#event-1 .event-vote")
        .await
        .contains("结果尚未确认"));
    assert_eq!(count(c, "#vote-form-1").await, 0);
    // Deciding before the vote is certified is refused.
    submit(c, "#decide-submit-1").await;
    let alert = text_of(c, "#tm-alert").await;
    assert!(alert.contains("R-CERT-1"), "{alert}");
    // The vote's own term address points back to the general round.
    c.goto(&app.url(&format!("{vote}/term"))).await.unwrap();
    assert_eq!(href(c, "#general-term-link").await, term);
    assert_eq!(count(c, "main form[method=post]").await, 0);

    // The recall vote held: more than half vote, more than half for it.
    let in_favour = voted / 2 + 1;
    hold(&app, &token, &vote, voted, |i| {
        if (i as u64) < in_favour {
            json!({"member": {"1": "for"}})
        } else {
            json!({"member": {"1": "against"}})
        }
    })
    .await;
    c.goto(&app.url(&term)).await.unwrap();
    assert!(text_of(c, "#event-1 .event-vote")
        .await
        .contains("结果已确认"));
    submit(c, "#decide-submit-1").await;
    wait_for_path(c, "the term page", |p| p == term).await;
    assert_eq!(text_of(c, "#event-1 .event-state").await, "已罢免");
    let outcome = text_of(c, "#event-1 .event-outcome").await;
    assert!(
        outcome.contains(&format!(
            "登记选民{registered}人，参加投票{voted}人，赞成罢免{in_favour}票"
        )),
        "{outcome}"
    );
    assert!(outcome.contains("参加投票的选民过半数"), "{outcome}");
    assert!(!sitting(c, "member").await.contains(&recalled));
    assert_eq!(text_of(c, "#vacancy-member .vacant").await, "1");

    // A resignation: refused without the meeting's quorum (R-OWN-2), then
    // accepted.
    let resign = |present: u64, in_favour: u64| {
        let director = director.clone();
        async move {
            choose(c, "#resign-member", &format!("director:{director}")).await;
            type_into(c, "#resign-reason", "工作调动").await;
            type_into(c, "#resign-members", "36").await;
            type_into(c, "#resign-present", &present.to_string()).await;
            type_into(c, "#resign-in-favour", &in_favour.to_string()).await;
            submit(c, "#resign-submit").await;
        }
    };
    resign(23, 23).await;
    let alert = text_of(c, "#tm-alert").await;
    assert!(alert.contains("R-OWN-2"), "{alert}");
    assert_eq!(count(c, "#event-2").await, 0, "nothing was written");
    assert_eq!(sitting(c, "director").await, vec![director.clone()]);
    resign(24, 13).await;
    wait_for_path(c, "the term page", |p| p == term).await;
    assert_eq!(text_of(c, "#event-2 .event-state").await, "辞职已接受");
    assert!(text_of(c, "#event-2 .event-outcome")
        .await
        .contains("会议组成人员36人，出席24人，同意13人"));
    assert_eq!(sitting(c, "director").await, Vec::<String>::new());
    assert_eq!(text_of(c, "#vacancy-director .vacant").await, "1");

    // A by-election for the member's seat (R-CERT-5).
    choose(c, "#by-position", "member").await;
    type_into(c, "#by-candidates", "钱进 男\n孙丽 女").await;
    submit(c, "#by-submit").await;
    wait_for_path(c, "the term page", |p| p == term).await;
    let title = text_of(c, "#new-vote-link").await;
    assert!(title.ends_with("（委员补选）"), "{title}");
    let by = href(c, "#new-vote-link").await;
    assert_eq!(text_of(c, "#event-3 .event-state").await, "补选进行中");
    assert_eq!(href(c, "#event-3 .vote-link").await, by);
    hold(
        &app,
        &token,
        &by,
        voted,
        |_| json!({"member": {"2": "for"}}),
    )
    .await;
    c.goto(&app.url(&term)).await.unwrap();
    submit(c, "#close-submit-3").await;
    wait_for_path(c, "the term page", |p| p == term).await;
    assert_eq!(text_of(c, "#event-3 .event-state").await, "已补选");
    assert!(text_of(c, "#event-3 .event-outcome")
        .await
        .contains("当选：孙丽"));
    assert!(sitting(c, "member").await.contains(&"孙丽".to_owned()));
    assert_eq!(text_of(c, "#vacancy-member .vacant").await, "0");
    assert_eq!(text_of(c, "#vacancy-director .vacant").await, "1");
    browser
        .screenshot("/tmp/huanjie-term.png".as_ref())
        .await
        .unwrap();

    // In English.
    c.goto(&app.url(&format!("{term}?lang=en"))).await.unwrap();
    assert!(text_of(c, "h1").await.contains("The term"));
    assert_eq!(text_of(c, "#event-1 .event-state").await, "Recalled");

    // An observer reads, with no form; a clerk gets 403.
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
    c.goto(&app.url(&term)).await.unwrap();
    assert!(sitting(c, "member").await.contains(&"孙丽".to_owned()));
    assert_eq!(text_of(c, "#event-2 .event-state").await, "辞职已接受");
    assert_eq!(count(c, "main form[method=post]").await, 0);
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
    let as_clerk = app
        .client()
        .get(app.url(&term))
        .header("cookie", format!("huanjie_station={clerk}"))
        .send()
        .await
        .unwrap();
    assert_eq!(as_clerk.status(), StatusCode::FORBIDDEN);

    browser.close().await.unwrap();
    app.stop().await.unwrap();
}

#[tokio::test]
async fn the_committee_records_recusals_on_a_supervisory_nomination_page() {
    let app = spawn_sqlite_app().await;
    let token = app.set_up_committee("chair").await.unwrap();
    let day = today() + Duration::days(31);
    let e = published(
        &app,
        &token,
        day,
        "supervisory_committee",
        "county-2006",
        json!([{"position": "director", "seats": 1}, {"position": "member", "seats": 2}]),
    )
    .await;
    let v = voters(&app, &token, &e).await;
    let nomination = format!("{e}/nomination");

    let browser = Browser::start(DESK)
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    let c = &browser.client;
    sign_in(c, &app, "chair").await;
    c.goto(&app.url(&nomination)).await.unwrap();
    assert!(text_of(c, "#recusals h2").await.contains("R-BODY-4"));
    assert!(text_of(c, "#recusals-empty").await.contains("尚未登记"));

    // By record id, by resident ID; an ID not on the roll is refused.
    let record = |who: String, office: &'static str| async move {
        type_into(c, "#recusal-resident", &who).await;
        choose(c, "#recusal-office", office).await;
        submit(c, "#recusal-submit").await;
    };
    record(v[10].0.clone(), "finance_staff").await;
    wait_for_path(c, "the nomination page", |p| p == nomination).await;
    assert!(!text_of(c, "#nom-saved").await.is_empty());
    record(v[11].1.clone(), "residents_committee").await;
    wait_for_path(c, "the nomination page", |p| p == nomination).await;
    record("110101190001010000".to_owned(), "party_organisation").await;
    let alert = text_of(c, "#nom-alert").await;
    assert!(alert.contains("R-BODY-4"), "{alert}");
    assert_eq!(count(c, "#recusal-list tr.recusal").await, 2);
    let ids = text_of(c, "#recusal-list").await;
    assert!(ids.contains(&v[10].1) && ids.contains(&v[11].1), "{ids}");
    assert!(ids.contains("社区财务人员") && ids.contains("居民委员会成员"));

    // The recorded finance staff cannot be nominated (R-BODY-4).
    choose(c, "#nom-kind", "self_nomination").await;
    type_into(c, "#nominee-1", &v[10].1).await;
    choose(c, "#position-1", "member").await;
    submit(c, "#paper-submit").await;
    let alert = text_of(c, "#nom-alert").await;
    assert!(alert.contains("R-BODY-4"), "{alert}");
    assert!(alert.contains("社区财务人员"), "{alert}");

    // An observer sees the list with masked IDs and no recusal form.
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
    c.goto(&app.url(&nomination)).await.unwrap();
    assert_eq!(count(c, "#recusal-list tr.recusal").await, 2);
    assert_eq!(count(c, "#recusal-form").await, 0);
    let ids = text_of(c, "#recusal-list").await;
    assert!(!ids.contains(&v[10].1), "{ids}");
    let masked = format!("{}**********{}", &v[10].1[..4], &v[10].1[14..]);
    assert!(ids.contains(&masked), "{ids}");

    // A residents' committee election has no recusals section.
    let other = ok(
        &call(
            &app,
            Method::POST,
            "/elections",
            &token,
            Some(json!({
                "body_kind": "residents_committee", "title": "和平社区第七届居民委员会选举",
                "profile": "city-2009", "election_day": day.to_string(),
                "seats": [{"position": "director", "seats": 1}, {"position": "member", "seats": 4}],
            })),
        )
        .await,
        StatusCode::CREATED,
    );
    c.goto(&app.url(&format!(
        "/elections/{}/nomination",
        other["id"].as_str().unwrap()
    )))
    .await
    .unwrap();
    assert!(!text_of(c, "h1").await.is_empty());
    assert_eq!(count(c, "#recusals").await, 0);

    browser.close().await.unwrap();
    app.stop().await.unwrap();
}
