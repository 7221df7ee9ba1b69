//! End-to-end: the bodies chosen by a meeting of representatives, over
//! HTTP, on a fresh SQLite file and a fresh PostgreSQL database.
//!
//! - A company's employee supervisors, elected by the workers' congress
//!   (R-SUP-1, R-BODY-6): the seats are employee seats only, the board's
//!   whole size is recorded and the employees must be at least a third of
//!   it; directors and senior managers are refused as nominees; the
//!   congress votes into one box; a winner needs more than half of ALL
//!   representatives, so a person with a majority of those present but not
//!   of all is not elected; the exported case carries the congress's
//!   parameters and recounts to the server's result (and, without them,
//!   would have elected that person: the parameters are what decide).
//! - A residents' affairs supervisory committee chosen by the residents'
//!   representatives (R-BODY-4, R-REG-6): the assembly's quorum, more than
//!   2/3 in County-2006 (R-CNT-3), makes a round with exactly 2/3 present
//!   void, where the voters' "more than half" would have made it valid.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::Duration;
use huanjie_registration::{generate_representatives_roll_csv, generate_roll_csv, Encoding};
use huanjie_testkit::app::{call, refused, spawn_postgres_app, spawn_sqlite_app, TestApp};
use huanjie_testkit::app::{ok, today};
use huanjie_testkit::vote::{hold_vote, pdf_text};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// An election of `body` with `seats`, its roll of `residents` imported
/// and published in `mode`; returns its path and its registered base.
async fn election(
    app: &TestApp,
    token: &str,
    body: &str,
    title: &str,
    seats: Value,
    residents: usize,
    mode: &str,
) -> (String, u64) {
    let day = today() + Duration::days(31);
    let created = ok(
        &call(
            app,
            Method::POST,
            "/elections",
            token,
            Some(json!({
                "body_kind": body, "title": title, "profile": "county-2006",
                "election_day": day.to_string(), "seats": seats
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
        .body(if mode == "residents_representatives" {
            generate_representatives_roll_csv(97, residents, day, Encoding::Utf8)
        } else {
            generate_roll_csv(97, residents, day, Encoding::Utf8)
        })
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::OK);
    ok(
        &call(
            app,
            Method::PUT,
            &format!("{e}/registration/setup"),
            token,
            Some(json!({ "mode": mode })),
        )
        .await,
        StatusCode::OK,
    );
    ok(
        &call(app, Method::POST, &format!("{e}/publication"), token, None).await,
        StatusCode::CREATED,
    );
    let registered = ok(
        &call(app, Method::GET, &format!("{e}/registration"), token, None).await,
        StatusCode::OK,
    )["registered"]
        .as_u64()
        .unwrap();
    (e, registered)
}

/// The voters of the roll (record ids), in list order; only the residents'
/// representatives when `representatives`.
async fn voters(app: &TestApp, token: &str, e: &str, representatives: bool) -> Vec<String> {
    let mut out = Vec::new();
    for offset in (0..).step_by(500) {
        let page = ok(
            &call(
                app,
                Method::GET,
                &format!("{e}/residents?limit=500&offset={offset}&voters_only=true"),
                token,
                None,
            )
            .await,
            StatusCode::OK,
        );
        let rows = page["residents"].as_array().unwrap();
        out.extend(
            rows.iter()
                .filter(|r| r["waived"] != true)
                .filter(|r| !representatives || r["residents_representative"] == true)
                .map(|r| r["id"].as_str().unwrap().to_owned()),
        );
        if rows.len() < 500 {
            break;
        }
    }
    out
}

async fn nominate(
    app: &TestApp,
    token: &str,
    e: &str,
    who: &str,
    position: &str,
) -> (StatusCode, Value) {
    call(
        app,
        Method::POST,
        &format!("{e}/nominations"),
        token,
        Some(json!({"kind": "self_nomination", "nominators": [who],
                    "nominees": [{"resident": who, "position": position}]})),
    )
    .await
}

/// The formal list fixed, the central station set up (a meeting votes
/// into one box: a second station is refused, R-POLL-1) and its three
/// scrutineers appointed from `staff`.
async fn ready_to_vote(app: &TestApp, token: &str, e: &str, staff: &[String]) {
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
            Some(json!({"code": "central", "name": "会场投票箱", "kind": "central"})),
        )
        .await,
        StatusCode::CREATED,
    );
    let reply = call(
        app,
        Method::POST,
        &format!("{e}/stations"),
        token,
        Some(json!({"code": "S2", "name": "第二投票站", "kind": "sub"})),
    )
    .await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-POLL-1",
        "assembly_one_box",
    );
    for resident in staff {
        ok(
            &call(
                app,
                Method::POST,
                &format!("{e}/counting-staff"),
                token,
                Some(json!({"resident": resident, "role": "scrutineer", "station": "会场投票箱"})),
            )
            .await,
            StatusCode::CREATED,
        );
    }
}

/// The round's case as served, recounted offline; and recounted once more
/// without its `parameters` (as if the voters had voted).
async fn recounts(app: &TestApp, token: &str, e: &str) -> (Value, Value, Value) {
    let case = app
        .client()
        .get(app.url(&format!("/api/v1{e}/case")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let recount = |bytes: &[u8]| -> Value {
        huanjie_case::count_slice(bytes)
            .map(|c| huanjie_case::result_json(&c))
            .map(|j| serde_json::from_str(&j).unwrap())
            .unwrap()
    };
    let mut plain: Value = serde_json::from_str(&case).unwrap();
    let parameters = plain
        .as_object_mut()
        .unwrap()
        .remove("parameters")
        .unwrap_or(Value::Null);
    let as_voters = recount(plain.to_string().as_bytes());
    (recount(case.as_bytes()), as_voters, parameters)
}

async fn workers_congress_elects_employee_supervisors(app: TestApp) {
    let token = app.set_up_committee("chair").await.unwrap();
    let (e, registered) = election(
        &app,
        &token,
        "supervisory_board",
        "和平机械有限公司第三届监事会职工代表监事选举",
        json!([{"position": "member", "seats": 2}]),
        160,
        "direct",
    )
    .await;
    assert!(registered > 60, "{registered}");
    let v = voters(&app, &token, &e, false).await;

    // R-BODY-6: employee seats only; the board's size recorded and checked.
    let status = ok(
        &call(&app, Method::GET, &format!("{e}/nomination"), &token, None).await,
        StatusCode::OK,
    );
    assert_eq!(
        status["seat_problems"][0]["code"], "board_size_missing",
        "{status}"
    );
    assert_eq!(status["seat_problems"][0]["rule"], "R-BODY-6");
    let reply = call(
        &app,
        Method::PUT,
        &format!("{e}/seats"),
        &token,
        Some(json!({"seats": [{"position": "director", "seats": 1}, {"position": "member", "seats": 2}]})),
    )
    .await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-BODY-6",
        "board_positions",
    );
    let board = |size: u32| Some(json!({ "board_size": size }));
    let reply = call(&app, Method::PUT, &format!("{e}/board"), &token, board(7)).await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-BODY-6",
        "board_employee_share",
    );
    assert!(
        reply.1["error"]["message"]
            .as_str()
            .unwrap()
            .contains("三分之一以上"),
        "{}",
        reply.1
    );
    let reply = call(&app, Method::PUT, &format!("{e}/board"), &token, board(2)).await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-BODY-6",
        "board_size",
    );
    // The formal list waits for the board's size.
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/formal-list"),
        &token,
        None,
    )
    .await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-BODY-6",
        "board_size_missing",
    );
    ok(
        &call(&app, Method::PUT, &format!("{e}/board"), &token, board(5)).await,
        StatusCode::OK,
    );
    let status = ok(
        &call(&app, Method::GET, &format!("{e}/nomination"), &token, None).await,
        StatusCode::OK,
    );
    assert_eq!(status["seat_problems"], json!([]), "{status}");
    assert_eq!(status["board_size"], 5);
    // One employee seat of five is less than a third.
    let reply = call(
        &app,
        Method::PUT,
        &format!("{e}/seats"),
        &token,
        Some(json!({"seats": [{"position": "member", "seats": 1}]})),
    )
    .await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-BODY-6",
        "board_employee_share",
    );

    // Directors and senior managers cannot sit (R-BODY-6).
    for (who, office) in [(&v[10], "company_director"), (&v[11], "senior_manager")] {
        ok(
            &call(
                &app,
                Method::POST,
                &format!("{e}/recusals"),
                &token,
                Some(json!({"resident": who, "office": office})),
            )
            .await,
            StatusCode::CREATED,
        );
    }
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/recusals"),
        &token,
        Some(json!({"resident": &v[12], "office": "finance_staff"})),
    )
    .await;
    assert_eq!(reply.0, StatusCode::BAD_REQUEST, "{}", reply.1);
    assert_eq!(reply.1["error"]["code"], "office", "{}", reply.1);
    for (who, words) in [(&v[10], "公司董事"), (&v[11], "公司高级管理人员")] {
        let reply = nominate(&app, &token, &e, who, "member").await;
        refused(
            &reply,
            StatusCode::UNPROCESSABLE_ENTITY,
            "R-BODY-6",
            "barred_office",
        );
        assert!(
            reply.1["error"]["message"]
                .as_str()
                .unwrap()
                .contains(words),
            "{}",
            reply.1
        );
    }
    for who in &v[14..17] {
        ok(
            &nominate(&app, &token, &e, who, "member").await,
            StatusCode::CREATED,
        );
    }
    ready_to_vote(&app, &token, &e, &v[v.len() - 3..]).await;

    // Two thirds of the representatives present (R-SUP-1 quorum), the
    // first candidate with more than half of all, the second with exactly
    // half of all: a majority of those present, but not elected.
    let voted = (2 * registered).div_ceil(3);
    let first = registered / 2 + 1;
    let second = registered / 2;
    assert!(second * 2 > voted && voted >= first, "{registered}");
    let result = hold_vote(&app, &token, &e, voted, |i| {
        let mark = |yes: bool| if yes { "for" } else { "against" };
        json!({"marks": {"member": {
            "1": mark((i as u64) < first),
            "2": mark((i as u64) < second),
        }}})
    })
    .await
    .unwrap();
    assert_eq!(result["valid"], true, "{result}");
    let member = &result["contests"][0];
    assert_eq!(member["elected"], json!(["1"]), "{result}");
    assert_eq!(member["unfilled"], 1, "{result}");
    assert_eq!(member["further_election"]["candidates"][0], "2", "{result}");

    // The case carries the congress's numbers and recounts to the result;
    // without them the second candidate would have been elected.
    let (recount, as_voters, parameters) = recounts(&app, &token, &e).await;
    assert_eq!(
        parameters,
        json!({"turnout": ">=2/3", "win": ">1/2", "win_base": "registered"})
    );
    assert_eq!(recount, result);
    assert_eq!(
        as_voters["contests"][0]["elected"],
        json!(["1", "2"]),
        "{as_voters}"
    );

    // The notice and the certificate speak of representatives.
    let notice = pdf_text(&app, &token, &format!("{e}/documents/results"))
        .await
        .unwrap();
    for words in [
        "职工代表监事选举结果公告",
        "出席会议的职工代表达到全体职工代表的三分之二以上",
        "获得全体职工代表过半数赞成票",
        "R-SUP-1",
    ] {
        assert!(notice.contains(words), "{words}: {notice}");
    }
    assert!(!notice.contains("登记选民"), "{notice}");
    let certificates = pdf_text(&app, &token, &format!("{e}/documents/certificates"))
        .await
        .unwrap();
    assert!(
        certificates.contains("获得全体职工代表过半数赞成票"),
        "{certificates}"
    );

    // A board's size belongs to a board election.
    let other = ok(
        &call(
            &app,
            Method::POST,
            "/elections",
            &token,
            Some(json!({
                "body_kind": "residents_committee", "title": "和平社区第七届居民委员会选举",
                "profile": "county-2006", "election_day": (today() + Duration::days(31)).to_string(),
                "seats": [{"position": "director", "seats": 1}, {"position": "member", "seats": 4}]
            })),
        )
        .await,
        StatusCode::CREATED,
    );
    let reply = call(
        &app,
        Method::PUT,
        &format!("/elections/{}/board", other["id"].as_str().unwrap()),
        &token,
        board(5),
    )
    .await;
    refused(&reply, StatusCode::CONFLICT, "R-BODY-6", "not_board");
    app.stop().await.unwrap();
}

async fn representatives_without_their_quorum(app: TestApp) {
    let token = app.set_up_committee("chair").await.unwrap();
    let (e, registered) = election(
        &app,
        &token,
        "supervisory_committee",
        "和平社区第二届居务监督委员会选举",
        json!([{"position": "director", "seats": 1}, {"position": "member", "seats": 2}]),
        6000,
        "residents_representatives",
    )
    .await;
    let reps = voters(&app, &token, &e, true).await;
    assert_eq!(
        reps.len() as u64,
        registered,
        "the base is the representatives"
    );
    assert!(registered >= 35, "{registered}");
    for (who, position) in [
        (&reps[0], "director"),
        (&reps[1], "director"),
        (&reps[2], "member"),
        (&reps[3], "member"),
        (&reps[4], "member"),
    ] {
        ok(
            &nominate(&app, &token, &e, who, position).await,
            StatusCode::CREATED,
        );
    }
    ready_to_vote(&app, &token, &e, &reps[reps.len() - 3..]).await;

    // Exactly two thirds or just under: not more than 2/3 (R-CNT-3,
    // County-2006's assembly quorum), though far more than half.
    let voted = 2 * registered / 3;
    assert!(2 * voted > registered);
    let result = hold_vote(
        &app,
        &token,
        &e,
        voted,
        |_| json!({"marks": {"director": {"1": "for"}, "member": {"1": "for", "2": "for"}}}),
    )
    .await
    .unwrap();
    assert_eq!(result["valid"], false, "{result}");
    assert_eq!(result["void_reasons"], json!(["R-CNT-3"]), "{result}");
    assert_eq!(result["contests"][0]["elected"], json!([]), "{result}");

    let (recount, as_voters, parameters) = recounts(&app, &token, &e).await;
    assert_eq!(parameters, json!({"turnout": ">2/3"}));
    assert_eq!(recount, result);
    assert_eq!(as_voters["valid"], true, "{as_voters}");

    // The report to the township says why, in the assembly's words.
    let report = pdf_text(
        &app,
        &token,
        &format!("{e}/documents/report?township=和平街道"),
    )
    .await
    .unwrap();
    assert!(
        report.contains("出席会议的代表未超过全体代表的三分之二（R-CNT-3）"),
        "{report}"
    );
    assert!(report.contains("应到代表"), "{report}");
    // And so does the outcome page.
    let reply = app
        .client()
        .get(app.url(&format!("{e}/outcome")))
        .header("cookie", format!("huanjie_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::OK);
    let html = reply.text().await.unwrap();
    assert!(
        html.contains("出席会议的代表未超过全体代表的三分之二（R-CNT-3）"),
        "{html}"
    );
    assert!(!html.contains("参加投票的选民未过半数"), "{html}");
    app.stop().await.unwrap();
}

#[tokio::test]
async fn workers_congress_on_sqlite() {
    workers_congress_elects_employee_supervisors(spawn_sqlite_app().await).await;
}

#[tokio::test]
async fn workers_congress_on_postgres() {
    workers_congress_elects_employee_supervisors(spawn_postgres_app().await).await;
}

#[tokio::test]
async fn representatives_quorum_on_sqlite() {
    representatives_without_their_quorum(spawn_sqlite_app().await).await;
}

#[tokio::test]
async fn representatives_quorum_on_postgres() {
    representatives_without_their_quorum(spawn_postgres_app().await).await;
}
