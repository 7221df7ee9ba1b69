//! End-to-end: the homeowners' assembly over HTTP (R-OWN-1; issue 7, item
//! 6), on a fresh SQLite file and on a fresh PostgreSQL database.
//!
//! An estate of twenty small owners (one of them with two flats) and a
//! developer holding thirty unsold flats, three quarters of the area: the
//! developer is one owner. A matter most owners vote for and the developer
//! against passes by headcount and fails by area, and the answer says so;
//! a matter with too few taking part fails its quorum on both measures; a
//! special matter (maintenance funds) passes at exactly three quarters of
//! the owners and fails one owner later by headcount alone. A second vote
//! by the same owner, written or in person, is refused naming the owner.
//! Elections of other bodies have no assembly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration, Utc};
use huanjie_testkit::app::ok;
use huanjie_testkit::app::{
    call, refused, spawn_postgres_app, spawn_sqlite_app, TestApp, TEST_PASSWORD,
};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

async fn election(app: &TestApp, token: &str, body_kind: &str) -> String {
    let day = (Utc::now() + Duration::days(40)).date_naive();
    let body = ok(
        &call(
            app,
            Method::POST,
            "/elections",
            token,
            Some(json!({
                "body_kind": body_kind, "title": "锦绣花园业主大会",
                "profile": "county-2006", "election_day": day.to_string(),
                "seats": [{"position": "member", "seats": 7}]
            })),
        )
        .await,
        StatusCode::CREATED,
    );
    format!("/elections/{}", body["id"].as_str().unwrap())
}

async fn upload(app: &TestApp, token: &str, e: &str, csv: &str) -> (StatusCode, Value) {
    let reply = app
        .client()
        .post(app.url(&format!("/api/v1{e}/homeowners/register")))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(csv.to_owned())
        .send()
        .await
        .unwrap();
    let status = reply.status();
    (status, reply.json().await.unwrap())
}

/// 业主1 … 业主20 (业主1 with two flats of 50 m², the others one), and
/// 锦绣置业's thirty unsold flats of 100 m²: 21 owners, 4,050.00 m².
fn estate_csv() -> String {
    let mut csv = String::from("房号,专有部分面积,业主姓名,是否开发商未售\n");
    for i in 1..=20 {
        csv.push_str(&format!("1-{i:03},50.00,业主{i},否\n"));
    }
    csv.push_str("2-001,50,业主1,否\n");
    for i in 1..=30 {
        csv.push_str(&format!("3-{i:03},100,锦绣置业,是\n"));
    }
    csv
}

async fn vote(
    app: &TestApp,
    token: &str,
    e: &str,
    matter: u64,
    owner: u64,
    choice: &str,
    mode: &str,
) -> (StatusCode, Value) {
    call(
        app,
        Method::POST,
        &format!("{e}/homeowners/matters/{matter}/votes"),
        token,
        Some(json!({"owner": owner, "choice": choice, "mode": mode})),
    )
    .await
}

async fn matter(app: &TestApp, token: &str, e: &str, kind: &str, title: &str) -> u64 {
    let m = ok(
        &call(
            app,
            Method::POST,
            &format!("{e}/homeowners/matters"),
            token,
            Some(json!({"kind": kind, "title": title})),
        )
        .await,
        StatusCode::CREATED,
    );
    assert_eq!(m["kind"], kind);
    m["number"].as_u64().unwrap()
}

fn failed_tests(result: &Value) -> Vec<String> {
    result["failures"]
        .as_array()
        .unwrap()
        .iter()
        .inspect(|f| assert_eq!(f["rule"], "R-OWN-1", "{f}"))
        .map(|f| f["test"].as_str().unwrap().to_owned())
        .collect()
}

async fn homeowners_assembly(app: TestApp) {
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

    // A residents' committee has no homeowners' assembly.
    let residents = election(&app, &token, "residents_committee").await;
    let reply = upload(&app, &token, &residents, &estate_csv()).await;
    refused(&reply, StatusCode::CONFLICT, "R-OWN-1", "not_homeowners");
    let reply = call(
        &app,
        Method::GET,
        &format!("{residents}/homeowners/matters"),
        &token,
        None,
    )
    .await;
    refused(&reply, StatusCode::CONFLICT, "R-OWN-1", "not_homeowners");

    let e = election(&app, &token, "homeowners_committee").await;
    // R-BODY-6: the committee's seats are 5–11, an odd number, one chair;
    // no households formula applies.
    let seats = |members: u32| json!({"seats": [{"position": "director", "seats": 1}, {"position": "member", "seats": members}]});
    for (members, code) in [
        (5, "owners_committee_even"),
        (2, "owners_committee_size"),
        (11, "owners_committee_size"),
    ] {
        let reply = call(
            &app,
            Method::PUT,
            &format!("{e}/seats"),
            &token,
            Some(seats(members)),
        )
        .await;
        refused(&reply, StatusCode::UNPROCESSABLE_ENTITY, "R-BODY-6", code);
    }
    let reply = call(
        &app,
        Method::PUT,
        &format!("{e}/seats"),
        &token,
        Some(seats(6)),
    )
    .await;
    assert_ne!(reply.1["error"]["rule"], "R-BODY-6", "{}", reply.1);
    assert_ne!(
        reply.1["error"]["rule"], "R-BODY-2",
        "seven seats need no reason: {}",
        reply.1
    );
    let reply = call(
        &app,
        Method::GET,
        &format!("{e}/homeowners/register"),
        &token,
        None,
    )
    .await;
    assert_eq!(reply.0, StatusCode::NOT_FOUND, "{}", reply.1);

    // A bad register is refused whole, every bad row named by line,
    // column and rule; nothing is stored.
    let bad = "房号,专有部分面积,业主姓名,是否开发商未售\n\
               1-001,50,业主1,否\n\
               1-002,五十,业主2,否\n\
               1-001,50,业主3,否\n\
               1-004,50.123,,否\n";
    let reply = upload(&app, &token, &e, bad).await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-OWN-1",
        "register_invalid",
    );
    let problems: Vec<(u64, String)> = reply.1["error"]["details"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .inspect(|p| assert_eq!(p["rule"], "R-OWN-1", "{p}"))
        .map(|p| {
            (
                p["row"].as_u64().unwrap(),
                p["column"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        problems,
        [
            (3, "专有部分面积".to_owned()),
            (4, "房号".to_owned()),
            (5, "专有部分面积".to_owned()),
            (5, "业主姓名".to_owned()),
        ]
    );
    let reply = call(
        &app,
        Method::GET,
        &format!("{e}/homeowners/register"),
        &token,
        None,
    )
    .await;
    assert_eq!(reply.0, StatusCode::NOT_FOUND, "{}", reply.1);
    // No matter before a register.
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/homeowners/matters"),
        &token,
        Some(json!({"kind": "ordinary", "title": "管理规约"})),
    )
    .await;
    refused(&reply, StatusCode::CONFLICT, "R-OWN-1", "no_register");

    // The register: the developer's thirty flats are one owner, 业主1's
    // two flats one owner.
    let reg = ok(
        &upload(&app, &token, &e, &estate_csv()).await,
        StatusCode::OK,
    );
    assert_eq!(reg["total_owners"], 21);
    assert_eq!(reg["total_units"], 51);
    assert_eq!(reg["total_area"], "4050.00");
    assert_eq!(reg["total_area_centi"], 405_000);
    let owners = reg["owners"].as_array().unwrap();
    let developer: Vec<&Value> = owners.iter().filter(|o| o["developer"] == true).collect();
    assert_eq!(developer.len(), 1);
    let dev = developer[0];
    assert_eq!(dev["name"], "锦绣置业");
    assert_eq!(dev["units"].as_array().unwrap().len(), 30);
    assert_eq!(dev["area"], "3000.00");
    let dev_no = dev["number"].as_u64().unwrap();
    let number_of = |name: &str| {
        owners
            .iter()
            .find(|o| o["name"] == name)
            .unwrap_or_else(|| panic!("{name}"))["number"]
            .as_u64()
            .unwrap()
    };
    let first = owners.iter().find(|o| o["name"] == "业主1").unwrap();
    assert_eq!(first["area"], "100.00");
    assert_eq!(first["units"], json!(["1-001", "2-001"]));
    // Observers read the register; clerks and anonymous callers do not
    // reach it (the role matrix checks every route).
    let seen = ok(
        &call(
            &app,
            Method::GET,
            &format!("{e}/homeowners/register"),
            &observer,
            None,
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(seen["total_owners"], 21);

    // Matter 1 (ordinary): 业主1–15 for (800 m²), the developer against
    // (3,000 m²): 15 of 16 owners, 800 of 3,800 m².
    let m1 = matter(&app, &token, &e, "ordinary", "选举业主委员会成员").await;
    for i in 1..=15 {
        let mode = if i % 2 == 0 { "written" } else { "in_person" };
        ok(
            &vote(
                &app,
                &token,
                &e,
                m1,
                number_of(&format!("业主{i}")),
                "同意",
                mode,
            )
            .await,
            StatusCode::CREATED,
        );
    }
    let last = ok(
        &vote(&app, &token, &e, m1, dev_no, "against", "in_person").await,
        StatusCode::CREATED,
    );
    assert_eq!(last["vote"]["mode"], "in_person");
    let r = &last["matter"]["result"];
    assert_eq!(r["quorum_met"], true, "{r}");
    assert_eq!(r["participating"]["owners"], 16);
    assert_eq!(r["participating"]["area"], "3800.00");
    assert_eq!(r["for"]["owners"], 15);
    assert_eq!(r["for"]["area"], "800.00");
    assert_eq!(r["against"]["owners"], 1);
    assert_eq!(r["against"]["area"], "3000.00");
    assert_eq!(r["passed_by_owners"], true, "{r}");
    assert_eq!(r["passed_by_area"], false, "{r}");
    assert_eq!(r["passed"], false, "{r}");
    assert_eq!(failed_tests(r), ["area"]);
    assert_eq!(r["failures"][0]["threshold"], ">1/2");
    assert!(
        r["summary"].as_str().unwrap().contains("按面积未通过"),
        "{r}"
    );
    assert!(
        r["summary_en"].as_str().unwrap().contains("fails by area"),
        "{r}"
    );
    assert_eq!(
        r["written"].as_u64().unwrap() + r["in_person"].as_u64().unwrap(),
        16
    );

    // One vote per owner: 业主3 again, in writing this time; the developer
    // again. Both refused, naming the owner; nothing changes.
    let reply = vote(
        &app,
        &token,
        &e,
        m1,
        number_of("业主3"),
        "against",
        "written",
    )
    .await;
    refused(&reply, StatusCode::CONFLICT, "R-OWN-1", "voted_already");
    assert!(
        reply.1["error"]["message"]
            .as_str()
            .unwrap()
            .contains("业主3"),
        "{}",
        reply.1
    );
    assert!(
        reply.1["error"]["message_en"]
            .as_str()
            .unwrap()
            .contains("业主3"),
        "{}",
        reply.1
    );
    let reply = vote(&app, &token, &e, m1, dev_no, "for", "written").await;
    refused(&reply, StatusCode::CONFLICT, "R-OWN-1", "voted_already");
    assert!(reply.1["error"]["message"]
        .as_str()
        .unwrap()
        .contains("锦绣置业"));
    // Bad votes are refused naming the field.
    let reply = vote(&app, &token, &e, m1, 99, "for", "written").await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-OWN-1",
        "unknown_owner",
    );
    let reply = vote(
        &app,
        &token,
        &e,
        m1,
        number_of("业主20"),
        "maybe",
        "written",
    )
    .await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-OWN-1",
        "vote_choice",
    );
    let reply = vote(&app, &token, &e, m1, number_of("业主20"), "for", "by_post").await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-OWN-1",
        "vote_mode",
    );
    // Observers read results and cannot vote.
    let reply = vote(
        &app,
        &observer,
        &e,
        m1,
        number_of("业主20"),
        "for",
        "written",
    )
    .await;
    assert_eq!(reply.0, StatusCode::FORBIDDEN, "{}", reply.1);
    let shown = ok(
        &call(
            &app,
            Method::GET,
            &format!("{e}/homeowners/matters/{m1}"),
            &observer,
            None,
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(shown["votes"].as_array().unwrap().len(), 16);
    assert_eq!(shown["result"], *r);

    // Matter 2 (ordinary): five small owners only. 5 of 21 owners and
    // 300 of 4,050 m² take part: the quorum fails on both measures.
    let m2 = matter(&app, &token, &e, "ordinary", "更换物业服务企业").await;
    for i in 1..=5 {
        ok(
            &vote(
                &app,
                &token,
                &e,
                m2,
                number_of(&format!("业主{i}")),
                "for",
                "written",
            )
            .await,
            StatusCode::CREATED,
        );
    }
    let shown = ok(
        &call(
            &app,
            Method::GET,
            &format!("{e}/homeowners/matters/{m2}"),
            &token,
            None,
        )
        .await,
        StatusCode::OK,
    );
    let r = &shown["result"];
    assert_eq!(r["quorum_met"], false, "{r}");
    assert_eq!(r["passed"], false);
    assert_eq!(failed_tests(r), ["quorum_area", "quorum_owners"]);
    assert_eq!(r["failures"][0]["threshold"], ">=2/3");

    // Matter 3 (special: maintenance funds): the developer and 业主2–12
    // for, 业主13–16 against. 12 of 16 owners is exactly three quarters
    // (enough: at least 3/4); 3,550 of 3,750 m².
    let m3 = matter(&app, &token, &e, "special", "使用专项维修资金更换电梯").await;
    let m4 = matter(&app, &token, &e, "special", "改建地下车库").await;
    for m in [m3, m4] {
        ok(
            &vote(&app, &token, &e, m, dev_no, "for", "written").await,
            StatusCode::CREATED,
        );
        for i in 2..=12 {
            ok(
                &vote(
                    &app,
                    &token,
                    &e,
                    m,
                    number_of(&format!("业主{i}")),
                    "for",
                    "in_person",
                )
                .await,
                StatusCode::CREATED,
            );
        }
        for i in 13..=16 {
            ok(
                &vote(
                    &app,
                    &token,
                    &e,
                    m,
                    number_of(&format!("业主{i}")),
                    "弃权",
                    "written",
                )
                .await,
                StatusCode::CREATED,
            );
        }
    }
    // Matter 4: one more owner against makes 12 of 17: below three
    // quarters by headcount, while the area (3,550 of 3,800) still passes.
    ok(
        &vote(
            &app,
            &token,
            &e,
            m4,
            number_of("业主17"),
            "反对",
            "in_person",
        )
        .await,
        StatusCode::CREATED,
    );
    let all = ok(
        &call(
            &app,
            Method::GET,
            &format!("{e}/homeowners/matters"),
            &token,
            None,
        )
        .await,
        StatusCode::OK,
    );
    let matters = all["matters"].as_array().unwrap();
    assert_eq!(matters.len(), 4);
    let r3 = &matters[2]["result"];
    assert_eq!(matters[2]["kind"], "special");
    assert_eq!(r3["for"]["owners"], 12);
    assert_eq!(r3["participating"]["owners"], 16);
    assert_eq!(r3["passed"], true, "{r3}");
    assert!(failed_tests(r3).is_empty());
    let r4 = &matters[3]["result"];
    assert_eq!(r4["participating"]["owners"], 17);
    assert_eq!(r4["passed"], false, "{r4}");
    assert_eq!(r4["passed_by_area"], true, "{r4}");
    assert_eq!(failed_tests(r4), ["owners"]);
    assert_eq!(r4["failures"][0]["threshold"], ">=3/4");
    assert!(
        r4["summary"].as_str().unwrap().contains("按人数未通过"),
        "{r4}"
    );

    // Once matters are put, the register stands.
    let reply = upload(&app, &token, &e, &estate_csv()).await;
    refused(&reply, StatusCode::CONFLICT, "R-OWN-1", "matters_exist");
    // A matter of an unknown kind is refused naming the field.
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/homeowners/matters"),
        &token,
        Some(json!({"kind": "urgent", "title": "x"})),
    )
    .await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-OWN-1",
        "matter_kind",
    );

    app.stop().await.unwrap();
}

mod sqlite {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn homeowners_assembly() {
        super::homeowners_assembly(super::spawn_sqlite_app().await).await
    }
}

mod postgres {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn homeowners_assembly() {
        super::homeowners_assembly(super::spawn_postgres_app().await).await
    }
}
