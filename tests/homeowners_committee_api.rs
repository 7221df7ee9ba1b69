//! End-to-end: the homeowners' assembly elects its committee over HTTP
//! (R-OWN-1, R-BODY-6), on a fresh SQLite file and on a fresh PostgreSQL
//! database.
//!
//! Twenty owners of one 100 m² flat and a developer holding ten unsold
//! flats (1,000 m², one owner): 21 owners, 3,000.00 m². Every owner casts
//! a ballot for five seats among eight candidates. Six candidates pass
//! (more than half of the participating area AND owners), one more than
//! the seats: the profile's ranking (`owners_then_area`) gives the seats
//! by owners in favour first, so candidate 6, with the developer's area
//! behind it (2,000 m²) but the fewest owners (11), loses its seat to
//! candidate 5 (16 owners, 1,600 m²). Candidate 7, for whom twelve of
//! twenty-one owners voted but only 1,200 m², fails by area alone. An
//! owner's ballot with six "for" for five seats is refused whole, and so
//! is a sixth "for" given one candidate at a time. A second committee
//! election with one ballot leaves all its seats unfilled, and says so.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration, Utc};
use huanjie_testkit::app::ok;
use huanjie_testkit::app::{
    call, refused, spawn_postgres_app, spawn_sqlite_app, TestApp, TEST_PASSWORD,
};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

async fn election(app: &TestApp, token: &str) -> String {
    let day = (Utc::now() + Duration::days(40)).date_naive();
    let body = ok(
        &call(
            app,
            Method::POST,
            "/elections",
            token,
            Some(json!({
                "body_kind": "homeowners_committee", "title": "锦绣花园业主大会",
                "profile": "county-2006", "election_day": day.to_string(),
                "seats": [{"position": "member", "seats": 5}]
            })),
        )
        .await,
        StatusCode::CREATED,
    );
    format!("/elections/{}", body["id"].as_str().unwrap())
}

/// 业主1 … 业主20 with a 100 m² flat each (owners 1–20), 锦绣置业's ten
/// unsold flats (owner 21).
fn estate_csv() -> String {
    let mut csv = String::from("房号,专有部分面积,业主姓名,是否开发商未售\n");
    for i in 1..=20 {
        csv.push_str(&format!("1-{i:03},100.00,业主{i},否\n"));
    }
    for i in 1..=10 {
        csv.push_str(&format!("3-{i:03},100,锦绣置业,是\n"));
    }
    csv
}

async fn upload(app: &TestApp, token: &str, e: &str) {
    let reply = app
        .client()
        .post(app.url(&format!("/api/v1{e}/homeowners/register")))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(estate_csv())
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::OK);
}

async fn ballot(
    app: &TestApp,
    token: &str,
    e: &str,
    committee: u64,
    owner: u32,
    fors: &[u32],
    against: &[u32],
) -> (StatusCode, Value) {
    call(
        app,
        Method::POST,
        &format!("{e}/homeowners/committees/{committee}/ballots"),
        token,
        Some(json!({"owner": owner, "mode": "written", "for": fors, "against": against})),
    )
    .await
}

const DEVELOPER: u32 = 21;

/// Each small owner's "for" marks: candidates 1–4 get 11 small owners
/// each, candidate 5 sixteen, candidate 6 ten, candidate 7 twelve, each
/// time the owners with the fewest marks so far, so nobody marks more than
/// five. The developer votes for 1, 2, 3, 4 and 6.
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

fn candidate(view: &Value, number: u64) -> &Value {
    view["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["number"] == number)
        .unwrap()
}

fn failed_tests(c: &Value) -> Vec<String> {
    c["result"]["failures"]
        .as_array()
        .unwrap()
        .iter()
        .inspect(|f| assert_eq!(f["rule"], "R-OWN-1", "{f}"))
        .map(|f| f["test"].as_str().unwrap().to_owned())
        .collect()
}

async fn committee_election(app: TestApp) {
    let token = app.set_up_committee("chair").await.unwrap();
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
    let e = election(&app, &token).await;
    let add = |body: Value| {
        let (app, token, e) = (&app, token.clone(), e.clone());
        async move {
            call(
                app,
                Method::POST,
                &format!("{e}/homeowners/committees"),
                &token,
                Some(body),
            )
            .await
        }
    };
    let names: Vec<String> = (1..=8).map(|i| format!("候选人{i}")).collect();

    // Before the register: nothing to elect by.
    let reply = add(json!({"title": "第一届业主委员会", "seats": 5, "candidates": names})).await;
    refused(&reply, StatusCode::CONFLICT, "R-OWN-1", "no_register");
    upload(&app, &token, &e).await;

    // R-BODY-6: 5 to 11 seats, odd; the field is named.
    let reply = add(json!({"title": "第一届业主委员会", "seats": 6, "candidates": names})).await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-BODY-6",
        "owners_committee_even",
    );
    assert!(reply.1["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("席位数（seats）"));
    assert!(reply.1["error"]["message_en"]
        .as_str()
        .unwrap()
        .starts_with("seats:"));
    let reply = add(json!({"title": "第一届业主委员会", "seats": 3, "candidates": names})).await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-BODY-6",
        "owners_committee_size",
    );
    let reply =
        add(json!({"title": "第一届业主委员会", "seats": 5, "candidates": ["甲", " 甲 "]})).await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-OWN-1",
        "committee_candidate_twice",
    );
    // Observers read but never write.
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/homeowners/committees"),
        &observer,
        Some(json!({"title": "x", "seats": 5, "candidates": names})),
    )
    .await;
    assert_eq!(reply.0, StatusCode::FORBIDDEN, "{}", reply.1);

    let created = ok(
        &add(json!({"title": "第一届业主委员会", "seats": 5, "candidates": names})).await,
        StatusCode::CREATED,
    );
    assert_eq!(created["number"], 1);
    assert_eq!(created["seats"], 5);
    assert_eq!(created["ranking"], "owners_then_area");
    assert_eq!(created["unfilled"], 5);
    let c = created["number"].as_u64().unwrap();

    // Six "for" for five seats: refused whole, naming the field and rules.
    let reply = ballot(&app, &token, &e, c, 1, &[1, 2, 3, 4, 5, 6], &[]).await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-OWN-1",
        "too_many_for",
    );
    let message = reply.1["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("同意（for）")
            && message.contains("R-BODY-6")
            && message.contains("业主1"),
        "{message}"
    );
    assert!(reply.1["error"]["message_en"]
        .as_str()
        .unwrap()
        .starts_with("for:"));
    let reply = ballot(&app, &token, &e, c, 1, &[9], &[]).await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-OWN-1",
        "unknown_candidate",
    );
    let reply = ballot(&app, &token, &e, c, 1, &[1], &[1]).await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-OWN-1",
        "candidate_twice",
    );
    let reply = ballot(&app, &token, &e, c, 99, &[1], &[]).await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-OWN-1",
        "unknown_owner",
    );
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/homeowners/committees/{c}/ballots"),
        &observer,
        Some(json!({"owner": 1, "mode": "written", "for": [1]})),
    )
    .await;
    assert_eq!(reply.0, StatusCode::FORBIDDEN, "{}", reply.1);
    let view = ok(
        &call(
            &app,
            Method::GET,
            &format!("{e}/homeowners/committees/{c}"),
            &token,
            None,
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(view["ballots"], 0, "a refused ballot leaves nothing behind");

    // Every owner votes; candidate 8 gets the small owners' "against".
    for (i, marks) in small_owners_marks().iter().enumerate() {
        let owner = u32::try_from(i + 1).unwrap();
        ok(
            &ballot(&app, &token, &e, c, owner, marks, &[8]).await,
            StatusCode::CREATED,
        );
    }
    let last = ok(
        &ballot(&app, &token, &e, c, DEVELOPER, &[1, 2, 3, 4, 6], &[]).await,
        StatusCode::CREATED,
    );
    assert_eq!(last["votes"].as_array().unwrap().len(), 8);
    // One ballot per owner.
    let reply = ballot(&app, &token, &e, c, DEVELOPER, &[], &[7]).await;
    refused(&reply, StatusCode::CONFLICT, "R-OWN-1", "voted_already");

    let view = ok(
        &call(
            &app,
            Method::GET,
            &format!("{e}/homeowners/committees/{c}"),
            &observer,
            None,
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(view["ballots"], 21);
    // Owners first: 5 (16 owners), then 1–4 (12 owners each).
    assert_eq!(view["elected"], json!([5, 1, 2, 3, 4]), "{view}");
    assert_eq!(view["tie"], Value::Null);
    assert_eq!(view["unfilled"], 0);
    let five = candidate(&view, 5);
    let six = candidate(&view, 6);
    assert_eq!(five["standing"], "elected");
    assert_eq!(five["result"]["for"]["owners"], 16);
    assert_eq!(five["result"]["for"]["area"], "1600.00");
    // More area than an elected candidate, fewer owners: passed, and
    // ranked out of the seats.
    assert_eq!(six["result"]["passed"], true);
    assert_eq!(six["result"]["for"]["owners"], 11);
    assert_eq!(six["result"]["for"]["area"], "2000.00");
    assert!(
        six["result"]["for"]["area_centi"].as_u64() > five["result"]["for"]["area_centi"].as_u64()
    );
    assert_eq!(six["standing"], "ranked_out");
    assert_eq!(six["rank"], 6);
    for n in 1..=4 {
        let x = candidate(&view, n);
        assert_eq!(
            (&x["standing"], &x["result"]["for"]["owners"]),
            (&json!("elected"), &json!(12))
        );
    }
    // A majority of the owners, not of the area: fails by area alone.
    let seven = candidate(&view, 7);
    assert_eq!(seven["standing"], "failed");
    assert_eq!(seven["result"]["for"]["owners"], 12);
    assert_eq!(seven["result"]["participating"]["owners"], 21);
    assert_eq!(seven["result"]["passed_by_owners"], true);
    assert_eq!(seven["result"]["passed_by_area"], false);
    assert_eq!(failed_tests(seven), ["area"]);
    assert!(seven["result"]["summary"]
        .as_str()
        .unwrap()
        .contains("按面积未通过"));
    let eight = candidate(&view, 8);
    assert_eq!(failed_tests(eight), ["area", "owners"]);
    assert_eq!(eight["result"]["against"]["owners"], 20);
    assert!(view["summary"]
        .as_str()
        .unwrap()
        .contains("当选5名：候选人5、候选人1、候选人2、候选人3、候选人4"));

    // A second committee election: one candidate at a time, the same
    // limit (409: it clashes with the owner's votes recorded already).
    let second = ok(
        &add(json!({"title": "补选", "seats": 5, "candidates": ["甲", "乙", "丙", "丁", "戊", "己"]}))
            .await,
        StatusCode::CREATED,
    );
    let matters: Vec<u64> = second["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["matter"].as_u64().unwrap())
        .collect();
    assert_eq!(matters, [9, 10, 11, 12, 13, 14]);
    let single = |matter: u64, choice: &'static str| {
        let (app, token, e) = (&app, token.clone(), e.clone());
        async move {
            call(
                app,
                Method::POST,
                &format!("{e}/homeowners/matters/{matter}/votes"),
                &token,
                Some(json!({"owner": 1, "choice": choice, "mode": "in_person"})),
            )
            .await
        }
    };
    for m in &matters[..5] {
        ok(&single(*m, "for").await, StatusCode::CREATED);
    }
    let reply = single(matters[5], "for").await;
    refused(&reply, StatusCode::CONFLICT, "R-OWN-1", "too_many_for");
    ok(&single(matters[5], "against").await, StatusCode::CREATED);
    // One owner of 21 took part: no quorum, every seat unfilled.
    let view = ok(
        &call(
            &app,
            Method::GET,
            &format!("{e}/homeowners/committees/{}", second["number"]),
            &token,
            None,
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(view["elected"], json!([]));
    assert_eq!(view["unfilled"], 5);
    assert!(view["summary"].as_str().unwrap().contains("空缺"), "{view}");
    assert_eq!(
        failed_tests(candidate(&view, 1)),
        ["quorum_area", "quorum_owners"]
    );
    let list = ok(
        &call(
            &app,
            Method::GET,
            &format!("{e}/homeowners/committees"),
            &observer,
            None,
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(list["committees"].as_array().unwrap().len(), 2);

    app.stop().await.unwrap();
}

mod sqlite {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn committee_election() {
        super::committee_election(super::spawn_sqlite_app().await).await
    }
}

mod postgres {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn committee_election() {
        super::committee_election(super::spawn_postgres_app().await).await
    }
}
