//! End-to-end: the term after the election over HTTP (issue 7, item 5), on
//! a fresh SQLite file and a fresh PostgreSQL database. A certified
//! general round; a recall request refused below a fifth of the voters
//! (R-CERT-4), accepted at a fifth, answered once, put to a vote of its
//! own (printed, polled, scanned, certified; no write-ins), and decided
//! from the certified figures; a resignation refused without the
//! meeting's quorum and accepted with it (R-OWN-2, R-CERT-5); a
//! by-election for the vacant member's seat whose winner then sits
//! (R-CERT-5). Observers read the term and change nothing. The recall
//! vote's exported case recounts to the server's result. And a further
//! election keeps a written-in woman's gender (R-CNT-7, R-CNT-8).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration, NaiveDate};
use huanjie_registration::{generate_roll_csv, Encoding};
use huanjie_testkit::app::{
    call, refused, spawn_postgres_app, spawn_sqlite_app, TestApp, TEST_PASSWORD,
};
use huanjie_testkit::app::{ok, today};
use huanjie_testkit::vote::{hold_vote, pdf_text};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// A City-2009 election on `day` with a generated roll, its voter list
/// published, a formal list (director 2 for 1, member 5 for 4), a central
/// station with three scrutineers; returns its path and registered voters.
async fn ready(app: &TestApp, token: &str, day: NaiveDate) -> (String, u64) {
    let body = ok(
        &call(
            app,
            Method::POST,
            "/elections",
            token,
            Some(json!({
                "body_kind": "residents_committee", "title": "和平社区第七届居民委员会选举",
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
        .body(generate_roll_csv(71, 400, day, Encoding::Utf8))
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
        let paper = json!({
            "kind": "self_nomination", "nominators": [who],
            "nominees": [{"resident": who, "position": position}],
        });
        ok(
            &call(
                app,
                Method::POST,
                &format!("{e}/nominations"),
                token,
                Some(paper),
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

/// A vote held and certified through the testkit, each ballot's marks
/// from `marks(i)`.
async fn hold(
    app: &TestApp,
    token: &str,
    e: &str,
    voted: u64,
    marks: impl Fn(usize) -> Value,
) -> Value {
    hold_vote(app, token, e, voted, |i| json!({ "marks": marks(i) }))
        .await
        .unwrap()
}

async fn term(app: &TestApp, token: &str, e: &str) -> Value {
    ok(
        &call(app, Method::GET, &format!("{e}/term"), token, None).await,
        StatusCode::OK,
    )
}

fn sitting(t: &Value, position: &str) -> Vec<String> {
    let mut names: Vec<String> = t["members"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["position"] == position)
        .map(|m| m["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

fn vacant(t: &Value, position: &str) -> u64 {
    t["vacancies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["position"] == position)
        .unwrap()["seats"]
        .as_u64()
        .unwrap()
}

async fn recall_resign_and_by_election(app: TestApp) {
    let token = app.set_up_committee("chair").await.unwrap();
    let day = today() + Duration::days(31);
    let (e, registered) = ready(&app, &token, day).await;
    let voted = registered / 2 + 1;
    // The general round: the first director and members 1-4 elected.
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
    let members: Vec<String> = (0..4).map(|i| name(1, i)).collect();
    let loser = name(1, 4);
    let t = term(&app, &token, &e).await;
    assert_eq!(sitting(&t, "director"), vec![director.clone()], "{t}");
    let mut expected = members.clone();
    expected.sort();
    assert_eq!(sitting(&t, "member"), expected, "{t}");
    assert_eq!((vacant(&t, "director"), vacant(&t, "member")), (0, 0));

    // Observers read the term and change nothing.
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
    let observer = app.sign_in("watcher", TEST_PASSWORD).await.unwrap();
    term(&app, &observer, &e).await;

    // R-CERT-4: a fifth of the registered voters, in writing, with reasons.
    let fifth = registered.div_ceil(5);
    let recall = |who: &str, signatures: u64, reasons: &str| {
        json!({"position": "member", "member": who, "initiated_by": "voters",
               "signatures": signatures, "reasons": reasons})
    };
    let recalled = members[0].clone();
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/recalls"),
        &observer,
        Some(recall(&recalled, fifth, "长期不履行职责")),
    )
    .await;
    assert_eq!(reply.0, StatusCode::FORBIDDEN, "{}", reply.1);
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/recalls"),
        &token,
        Some(recall(&recalled, fifth - 1, "长期不履行职责")),
    )
    .await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-CERT-4",
        "recall_request",
    );
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/recalls"),
        &token,
        Some(recall(&recalled, fifth, "  ")),
    )
    .await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-CERT-4",
        "recall_request",
    );
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/recalls"),
        &token,
        Some(recall(&loser, fifth, "长期不履行职责")),
    )
    .await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-CERT-4",
        "not_a_member",
    );
    // City-2009: 10 representatives may ask instead.
    let by_reps = json!({"position": "member", "member": members[1], "initiated_by": "representatives",
        "signatures": 9, "representatives": 40, "reasons": "违反财务制度"});
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/recalls"),
        &token,
        Some(by_reps),
    )
    .await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-CERT-4",
        "recall_request",
    );
    let event = ok(
        &call(
            &app,
            Method::POST,
            &format!("{e}/recalls"),
            &token,
            Some(recall(&recalled, fifth, "长期不履行职责")),
        )
        .await,
        StatusCode::CREATED,
    );
    assert_eq!(
        (event["number"].as_u64(), event["state"].as_str()),
        (Some(1), Some("requested"))
    );
    assert_eq!(event["request"]["base"], registered);
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/recalls"),
        &token,
        Some(recall(&recalled, fifth, "长期不履行职责")),
    )
    .await;
    refused(&reply, StatusCode::CONFLICT, "R-CERT-4", "recall_open");
    // The member answers, once.
    let answered = ok(
        &call(
            &app,
            Method::POST,
            &format!("{e}/recalls/1/answer"),
            &token,
            Some(json!({"text": "本人一直按时履职"})),
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(answered["answer"]["text"], "本人一直按时履职");
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/recalls/1/answer"),
        &token,
        Some(json!({"text": "再说一次"})),
    )
    .await;
    refused(&reply, StatusCode::CONFLICT, "R-CERT-4", "answer_closed");
    // Deciding before any vote is refused.
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/recalls/1/decision"),
        &token,
        None,
    )
    .await;
    refused(&reply, StatusCode::CONFLICT, "R-CERT-4", "not_voting");

    // The vote: a vote of its own with one row, the member.
    let started = ok(
        &call(
            &app,
            Method::POST,
            &format!("{e}/recalls/1/vote"),
            &token,
            Some(json!({"election_day": (day + Duration::days(90)).to_string()})),
        )
        .await,
        StatusCode::CREATED,
    );
    assert_eq!(started["event"]["state"], "voting");
    assert_eq!(started["vote"]["round"]["purpose"], "recall", "{started}");
    let r = format!("/elections/{}", started["vote"]["id"].as_str().unwrap());
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/recalls/1/vote"),
        &token,
        Some(json!({"election_day": (day + Duration::days(91)).to_string()})),
    )
    .await;
    refused(&reply, StatusCode::CONFLICT, "R-CERT-4", "not_requested");
    // More than half of the voters vote; more than half of them for it.
    let recall_voted = registered / 2 + 1;
    let in_favour = recall_voted / 2 + 1;
    let result = hold(&app, &token, &r, recall_voted, |i| {
        if (i as u64) < in_favour {
            json!({"member": {"1": "for"}})
        } else {
            json!({"member": {"1": "against"}})
        }
    })
    .await;
    assert_eq!(
        result["contests"][0]["tally"][0]["name"],
        recalled.as_str(),
        "{result}"
    );
    // The recall ballot as printed: the member alone, no write-in rows.
    let printed = pdf_text(&app, &token, &format!("{r}/ballots/preview"))
        .await
        .unwrap();
    assert!(
        printed.contains("同意罢免") && printed.contains(&recalled),
        "{printed}"
    );
    assert!(!printed.contains("另选他人"), "{printed}");
    assert_eq!(
        result["contests"][0]["tally"][0]["for"], in_favour,
        "{result}"
    );
    // A write-in on a recall ballot is refused (a spare ballot).
    let spare = ok(
        &call(
            &app,
            Method::POST,
            &format!("{r}/ballot-batches"),
            &token,
            Some(json!({"station": "central", "count": 1})),
        )
        .await,
        StatusCode::CREATED,
    );
    let reply = call(
        &app,
        Method::POST,
        &format!("{r}/stations/central/scans"),
        &token,
        Some(json!({"serial": spare["serials"][0], "marks": {},
                    "write_ins": {"member": [{"name": "某人"}]}})),
    )
    .await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-CERT-4",
        "recall_write_in",
    );
    // The exported case recounts to the server's result.
    let case = app
        .client()
        .get(app.url(&format!("/api/v1{r}/case")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let recount: Value = huanjie_case::count_slice(case.as_bytes())
        .map(|c| huanjie_case::result_json(&c))
        .map(|j| serde_json::from_str(&j).unwrap())
        .unwrap();
    assert_eq!(recount, result);
    let decided = ok(
        &call(
            &app,
            Method::POST,
            &format!("{e}/recalls/1/decision"),
            &token,
            None,
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(decided["state"], "recalled", "{decided}");
    assert_eq!(decided["outcome"]["passed"], true);
    assert_eq!(decided["outcome"]["voted"], recall_voted);
    assert_eq!(decided["outcome"]["in_favour"], in_favour);
    let t = term(&app, &token, &e).await;
    assert!(!sitting(&t, "member").contains(&recalled), "{t}");
    assert_eq!(vacant(&t, "member"), 1);

    // A resignation: in writing, decided by the meeting with its quorum.
    let resign = |present: u64, in_favour: u64| {
        json!({"position": "director", "member": director, "written_on": today().to_string(),
               "reason": "工作调动", "meeting": {"members": 36, "present": present, "in_favour": in_favour}})
    };
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/resignations"),
        &token,
        Some(resign(23, 23)),
    )
    .await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-OWN-2",
        "meeting_quorum",
    );
    let refused_one = ok(
        &call(
            &app,
            Method::POST,
            &format!("{e}/resignations"),
            &token,
            Some(resign(24, 12)),
        )
        .await,
        StatusCode::CREATED,
    );
    assert_eq!(
        refused_one["state"], "refused",
        "12 of 24 is not more than half"
    );
    assert_eq!(
        sitting(&term(&app, &token, &e).await, "director"),
        vec![director.clone()]
    );
    let accepted = ok(
        &call(
            &app,
            Method::POST,
            &format!("{e}/resignations"),
            &token,
            Some(resign(24, 13)),
        )
        .await,
        StatusCode::CREATED,
    );
    assert_eq!(accepted["state"], "accepted");
    let t = term(&app, &token, &e).await;
    assert_eq!(vacant(&t, "director"), 1, "{t}");

    // A by-election for the member's seat (R-CERT-5).
    let later = day + Duration::days(120);
    let by = |candidates: Value| json!({"position": "member", "election_day": later.to_string(), "candidates": candidates});
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/by-elections"),
        &token,
        Some(by(json!([{"name": members[1], "gender": "M"}]))),
    )
    .await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-CERT-5",
        "candidate_sits",
    );
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/by-elections"),
        &token,
        Some(by(json!([{"name": "钱进", "gender": "X"}]))),
    )
    .await;
    assert_eq!(reply.0, StatusCode::BAD_REQUEST, "{}", reply.1);
    let called = ok(
        &call(
            &app,
            Method::POST,
            &format!("{e}/by-elections"),
            &token,
            Some(by(
                json!([{"name": "钱进", "gender": "M"}, {"name": "孙丽", "gender": "F"}]),
            )),
        )
        .await,
        StatusCode::CREATED,
    );
    assert_eq!(called["vote"]["round"]["purpose"], "by-election");
    assert_eq!(
        called["vote"]["seats"],
        json!([{"position": "member", "seats": 1}])
    );
    let number = called["event"]["number"].as_u64().unwrap();
    let b = format!("/elections/{}", called["vote"]["id"].as_str().unwrap());
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/by-elections"),
        &token,
        Some(by(json!([{"name": "钱进", "gender": "M"}]))),
    )
    .await;
    refused(&reply, StatusCode::CONFLICT, "R-CERT-5", "by_election_open");
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/by-elections/{number}/close"),
        &token,
        None,
    )
    .await;
    assert_eq!(
        reply.0,
        StatusCode::CONFLICT,
        "not certified yet: {}",
        reply.1
    );
    hold(
        &app,
        &token,
        &b,
        registered / 2 + 1,
        |_| json!({"member": {"2": "for"}}),
    )
    .await;
    let closed = ok(
        &call(
            &app,
            Method::POST,
            &format!("{e}/by-elections/{number}/close"),
            &token,
            None,
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(closed["state"], "held");
    assert_eq!(closed["outcome"]["elected"], json!(["孙丽"]), "{closed}");
    let t = term(&app, &token, &e).await;
    assert!(sitting(&t, "member").contains(&"孙丽".to_owned()), "{t}");
    assert_eq!((vacant(&t, "member"), vacant(&t, "director")), (0, 1));
    // Every step is in the term's record, in order.
    let kinds: Vec<(&str, &str)> = t["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["kind"].as_str().unwrap(), e["state"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("recall", "recalled"),
            ("resignation", "refused"),
            ("resignation", "accepted"),
            ("by-election", "held"),
        ]
    );
    // The term is the general round's: a vote's own page has none.
    let reply = call(&app, Method::GET, &format!("{r}/term"), &token, None).await;
    refused(&reply, StatusCode::CONFLICT, "R-CERT-5", "not_the_term");
    app.stop().await.unwrap();
}

/// A further election (R-CNT-7) keeps a written-in person's gender as the
/// ballots gave it (R-CNT-8 and R-BODY-3 count the women).
async fn further_round_keeps_a_written_in_womans_gender(app: TestApp) {
    let token = app.set_up_committee("chair").await.unwrap();
    let day = today() + Duration::days(31);
    let (e, registered) = ready(&app, &token, day).await;
    let voted = registered / 2 + 1;
    hold_vote(&app, &token, &e, voted, |i| {
        let mut scan = json!({"marks": {"director": {"1": "for"},
                                        "member": {"1": "for", "2": "for", "3": "for"}}});
        if i < 10 {
            scan["write_ins"] = json!({"member": [{"name": "钱芳", "gender": "F"}]});
        }
        scan
    })
    .await
    .unwrap();
    let round = ok(
        &call(
            &app,
            Method::POST,
            &format!("{e}/rounds"),
            &token,
            Some(json!({"kind": "further"})),
        )
        .await,
        StatusCode::CREATED,
    );
    let contests: Value =
        serde_json::from_str(round["round"]["contests"].as_str().unwrap()).unwrap();
    let people = contests[0]["candidates"].as_array().unwrap();
    let qian = people
        .iter()
        .find(|p| p["name"] == "钱芳")
        .unwrap_or_else(|| panic!("{contests}"));
    assert_eq!(qian["gender"], "F", "{contests}");
    app.stop().await.unwrap();
}

mod sqlite {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn recall_resign_and_by_election() {
        super::recall_resign_and_by_election(super::spawn_sqlite_app().await).await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn further_round_keeps_a_written_in_womans_gender() {
        super::further_round_keeps_a_written_in_womans_gender(super::spawn_sqlite_app().await).await
    }
}

mod postgres {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn recall_resign_and_by_election() {
        super::recall_resign_and_by_election(super::spawn_postgres_app().await).await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn further_round_keeps_a_written_in_womans_gender() {
        super::further_round_keeps_a_written_in_womans_gender(super::spawn_postgres_app().await)
            .await
    }
}
