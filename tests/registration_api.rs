//! End-to-end: voter registration after the import, over HTTP, on a fresh
//! SQLite file and on a fresh PostgreSQL database (issue 3): the mode and
//! the base (R-REG-4/6), publication and its deadline (R-REG-5), changes
//! with their reasons and the fingerprint, objections, proxies (R-POLL-4)
//! and writing assistants. Every refusal is checked for its rule id.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration, NaiveDate};
use huanjie_core::resident_id::check_character;
use huanjie_registration::{generate_roll_csv, Encoding};
use huanjie_testkit::app::today;
use huanjie_testkit::app::{
    call, refused, spawn_postgres_app, spawn_sqlite_app, TestApp, TEST_PASSWORD,
};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

async fn election_with_roll(
    app: &TestApp,
    token: &str,
    day: NaiveDate,
    residents: usize,
) -> String {
    let (status, body) = call(
        app,
        Method::POST,
        "/elections",
        token,
        Some(json!({
            "body_kind": "residents_committee", "title": format!("和平社区{day}"),
            "profile": "county-2006", "election_day": day.to_string(),
            "seats": [{"position": "director", "seats": 1}, {"position": "member", "seats": 4}]
        })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let election = body["id"].as_str().unwrap().to_owned();
    let csv = generate_roll_csv(23, residents, day, Encoding::Utf8);
    let reply = app
        .client()
        .post(app.url(&format!("/api/v1/elections/{election}/roll")))
        .bearer_auth(token)
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::OK);
    election
}

/// Residents of the roll (first 500), as the committee sees them.
async fn residents(app: &TestApp, token: &str, election: &str, voters_only: bool) -> Vec<Value> {
    let q = if voters_only { "&voters_only=true" } else { "" };
    let (status, body) = call(
        app,
        Method::GET,
        &format!("/elections/{election}/residents?limit=500{q}"),
        token,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    body["residents"].as_array().unwrap().clone()
}

/// A valid resident ID nobody on a generated roll has (born 1970).
fn fresh_id(serial: u32) -> String {
    let first17 = format!(
        "530102197001{:02}{:03}",
        1 + serial % 28,
        100 + serial % 800
    );
    let digits: Vec<u32> = first17.chars().map(|c| c.to_digit(10).unwrap()).collect();
    let check = check_character(&digits.try_into().unwrap());
    format!("{first17}{check}")
}

fn gender_of(id: &str) -> &'static str {
    let d = id.as_bytes()[16] - b'0';
    if d % 2 == 1 {
        "男"
    } else {
        "女"
    }
}

// --- scenarios ----------------------------------------------------------------

async fn publish_then_objections_proxies_and_assistants(app: TestApp) {
    let token = app.set_up_committee("chair").await.unwrap();
    let day = today() + Duration::days(30);
    let election = app_election(&app, &token, day).await;
    let e = format!("/elections/{election}");

    // The base as the roll stands: direct, every voter.
    let (status, reg) = call(
        &app,
        Method::GET,
        &format!("{e}/registration"),
        &token,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{reg}");
    let voters = reg["voters"].as_u64().unwrap();
    assert!(voters > 1000, "{reg}");
    assert_eq!(reg["registered"], voters);
    assert_eq!(reg["problems"], json!([]));
    assert_eq!(
        reg["deadlines"]["publish_by"],
        (day - Duration::days(20)).to_string()
    );

    // R-REG-4: a voluntary-registration community with no one registered.
    let (status, _) = call(
        &app,
        Method::PUT,
        &format!("{e}/registration/setup"),
        &token,
        Some(json!({"mode": "direct", "voluntary": true})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/publication"),
        &token,
        None,
    )
    .await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-REG-4",
        "list_does_not_fit_mode",
    );
    assert_eq!(
        reply.1["error"]["details"]["problems"][0]["code"],
        "voluntary_share_too_low"
    );
    // R-REG-6: residents' representatives, fewer than County-2006's 35.
    call(
        &app,
        Method::PUT,
        &format!("{e}/registration/setup"),
        &token,
        Some(json!({"mode": "residents_representatives"})),
    )
    .await;
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/publication"),
        &token,
        None,
    )
    .await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-REG-6",
        "list_does_not_fit_mode",
    );
    let reply = call(
        &app,
        Method::PUT,
        &format!("{e}/registration/setup"),
        &token,
        Some(json!({"mode": "by_lot"})),
    )
    .await;
    refused(&reply, StatusCode::UNPROCESSABLE_ENTITY, "R-REG-6", "mode");
    call(
        &app,
        Method::PUT,
        &format!("{e}/registration/setup"),
        &token,
        Some(json!({"mode": "direct", "voluntary": false})),
    )
    .await;

    // A waiver before publication (R-REG-4): out of the base, with a reason.
    let roll = residents(&app, &token, &election, true).await;
    let waiver = &roll[0];
    let (status, body) = call(
        &app,
        Method::PATCH,
        &format!("{e}/residents/{}", waiver["id"].as_str().unwrap()),
        &token,
        Some(json!({"waived": true})),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "a change needs its reason: {body}"
    );
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("reason"));
    let (status, change) = call(
        &app,
        Method::PATCH,
        &format!("{e}/residents/{}", waiver["id"].as_str().unwrap()),
        &token,
        Some(json!({"waived": true, "reason": "本人书面声明放弃选举权利"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{change}");
    assert_eq!(change["seq"], 1);
    assert_eq!(change["fingerprint_after"], Value::Null);
    let (_, reg) = call(
        &app,
        Method::GET,
        &format!("{e}/registration"),
        &token,
        None,
    )
    .await;
    assert_eq!(reg["registered"], voters - 1);

    // Publication (R-REG-5), in time: frozen and fingerprinted.
    let (status, publication) = call(
        &app,
        Method::POST,
        &format!("{e}/publication"),
        &token,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{publication}");
    let fingerprint = publication["fingerprint"].as_str().unwrap().to_owned();
    assert_eq!(fingerprint.len(), 64);
    assert_eq!(publication["voters"], voters);
    assert_eq!(publication["registered"], voters - 1);
    assert_eq!(publication["late_days"], Value::Null);
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/publication"),
        &token,
        None,
    )
    .await;
    refused(&reply, StatusCode::CONFLICT, "R-REG-5", "list_published");
    let reply = call(
        &app,
        Method::PUT,
        &format!("{e}/registration/setup"),
        &token,
        Some(json!({"mode": "household_representatives"})),
    )
    .await;
    refused(&reply, StatusCode::CONFLICT, "R-REG-5", "list_published");
    let reply = app
        .client()
        .post(app.url(&format!("/api/v1{e}/roll")))
        .bearer_auth(&token)
        .body(generate_roll_csv(5, 50, day, Encoding::Utf8))
        .send()
        .await
        .unwrap();
    let status = reply.status();
    let reimport = (status, reply.json::<Value>().await.unwrap());
    refused(&reimport, StatusCode::CONFLICT, "R-REG-5", "list_published");

    // The posted notice (PDF, anyone signed in) and the committee's export.
    for (path, magic) in [
        ("voter-list.pdf", &b"%PDF"[..]),
        ("voter-list.xlsx", &b"PK"[..]),
    ] {
        let reply = app
            .client()
            .get(app.url(&format!("/api/v1{e}/{path}")))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), StatusCode::OK, "{path}");
        assert!(reply.bytes().await.unwrap().starts_with(magic), "{path}");
    }

    // Objection 1 (漏登), upheld: the missing voter is added in the same
    // step, recorded with the decision's reason; the fingerprint moves.
    let missing = fresh_id(7);
    let (status, o1) = call(
        &app,
        Method::POST,
        &format!("{e}/objections"),
        &token,
        Some(
            json!({"lodger": "赵敏", "subject": "钱多多", "kind": "omission",
                    "claim": "本人户籍在本社区，名单上没有本人"}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{o1}");
    assert_eq!(
        (o1["number"].as_u64(), o1["status"].as_str()),
        (Some(1), Some("lodged"))
    );
    assert_eq!(o1["answer_due"], (day - Duration::days(3)).to_string());
    let o1_id = o1["id"].as_str().unwrap();
    let (status, decided) = call(
        &app,
        Method::POST,
        &format!("{e}/objections/{o1_id}/decision"),
        &token,
        Some(json!({"upheld": true, "reason": "经核实户籍登记，确属漏登",
            "change": {"kind": "add", "resident": {"name": "钱多多", "gender": gender_of(&missing),
                "resident_id": missing, "group": "一组", "household": "9001", "address": "和平路1号"}}})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{decided}");
    assert_eq!(decided["status"], "upheld");
    assert!(decided["change"].is_string());
    // Deciding twice is refused.
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/objections/{o1_id}/decision"),
        &token,
        Some(json!({"upheld": false, "reason": "再议"})),
    )
    .await;
    refused(&reply, StatusCode::CONFLICT, "R-REG-5", "objection_state");
    let (status, answered) = call(
        &app,
        Method::POST,
        &format!("{e}/objections/{o1_id}/answer"),
        &token,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answered}");
    assert_eq!(answered["answer_late"], false);
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/objections/{o1_id}/answer"),
        &token,
        None,
    )
    .await;
    refused(&reply, StatusCode::CONFLICT, "R-REG-5", "objection_state");

    // Objection 2 (错登) about someone on the roll, rejected.
    let subject = &roll[1];
    let (status, o2) = call(
        &app,
        Method::POST,
        &format!("{e}/objections"),
        &token,
        Some(
            json!({"lodger": "孙立", "subject_resident": subject["resident_id"],
                    "kind": "wrong_entry", "claim": "此人已迁出"}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{o2}");
    assert_eq!(o2["number"], 2);
    assert_eq!(o2["subject"], subject["name"]);
    let (status, o2) = call(
        &app,
        Method::POST,
        &format!("{e}/objections/{}/decision", o2["id"].as_str().unwrap()),
        &token,
        Some(json!({"upheld": false, "reason": "经核实仍在本社区居住"})),
    )
    .await;
    assert_eq!(
        (status, o2["status"].as_str()),
        (StatusCode::OK, Some("rejected"))
    );
    // An objection without its claim names the field.
    let (status, body) = call(
        &app,
        Method::POST,
        &format!("{e}/objections"),
        &token,
        Some(json!({"lodger": "孙立", "subject": "某人", "kind": "other", "claim": " "})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"]["message_en"]
        .as_str()
        .unwrap()
        .starts_with("claim"));

    // The change history: the waiver before publication, the addition after.
    let (_, changes) = call(
        &app,
        Method::GET,
        &format!("{e}/roll-changes"),
        &token,
        None,
    )
    .await;
    let changes = changes["changes"].as_array().unwrap().clone();
    assert_eq!(changes.len(), 2, "{changes:?}");
    assert_eq!(changes[1]["kind"], "add");
    assert_eq!(changes[1]["objection"], o1["id"]);
    assert_eq!(changes[1]["reason"], "经核实户籍登记，确属漏登");
    let after = changes[1]["fingerprint_after"].as_str().unwrap();
    assert_ne!(after, fingerprint);
    let (_, reg) = call(
        &app,
        Method::GET,
        &format!("{e}/registration"),
        &token,
        None,
    )
    .await;
    assert_eq!(reg["state"]["publication"]["current_fingerprint"], after);
    assert_eq!(
        reg["state"]["publication"]["fingerprint"],
        fingerprint.as_str()
    );
    assert_eq!(reg["state"]["publication"]["changes"], 1);

    // Proxies (R-POLL-4): three to one proxy, not a fourth.
    let roll = residents(&app, &token, &election, true).await;
    let voter = |i: usize| roll[i]["resident_id"].as_str().unwrap().to_owned();
    let proxy = voter(10);
    let mut first_proxy = String::new();
    for (n, i) in [11, 12, 13].into_iter().enumerate() {
        let (status, p) = call(
            &app,
            Method::POST,
            &format!("{e}/proxies"),
            &token,
            Some(json!({"grantor": voter(i), "proxy": proxy, "document": format!("WT-{n}")})),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{p}");
        if n == 0 {
            first_proxy = p["id"].as_str().unwrap().to_owned();
        }
    }
    let fourth = json!({"grantor": voter(14), "proxy": proxy, "document": "WT-4"});
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/proxies"),
        &token,
        Some(fourth.clone()),
    )
    .await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-POLL-4",
        "proxy_full",
    );
    // No passing on, either way.
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/proxies"),
        &token,
        Some(json!({"grantor": proxy, "proxy": voter(15), "document": "WT-5"})),
    )
    .await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-POLL-4",
        "grantor_is_proxy",
    );
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/proxies"),
        &token,
        Some(json!({"grantor": voter(16), "proxy": voter(11), "document": "WT-6"})),
    )
    .await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-POLL-4",
        "proxy_has_granted",
    );
    // A resident who is not a voter cannot hold a proxy.
    let everyone = residents(&app, &token, &election, false).await;
    let child = everyone
        .iter()
        .find(|r| r["exclusion"] == "under_18")
        .expect("a generated roll has children");
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/proxies"),
        &token,
        Some(json!({"grantor": voter(17), "proxy": child["resident_id"], "document": "WT-7"})),
    )
    .await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-POLL-4",
        "proxy_not_voter",
    );
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/proxies"),
        &token,
        Some(json!({"grantor": voter(17), "proxy": fresh_id(99), "document": "WT-8"})),
    )
    .await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-POLL-4",
        "not_on_roll",
    );
    // Revoking one frees the slot.
    let (status, revoked) = call(
        &app,
        Method::POST,
        &format!("{e}/proxies/{first_proxy}/revoke"),
        &token,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{revoked}");
    assert!(revoked["revoked_at"].is_string());
    let (status, body) = call(
        &app,
        Method::POST,
        &format!("{e}/proxies"),
        &token,
        Some(fourth),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    // Writing assistants (代写): voters only.
    let (status, a) = call(
        &app,
        Method::POST,
        &format!("{e}/assistants"),
        &token,
        Some(json!({"voter": voter(20), "assistant": "李华", "reason": "视力障碍"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{a}");
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/assistants"),
        &token,
        Some(json!({"voter": child["resident_id"], "assistant": "李华", "reason": "年幼"})),
    )
    .await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-POLL-4",
        "not_a_voter",
    );

    // Observers read, masked, and change nothing.
    call(
        &app,
        Method::POST,
        "/users",
        &token,
        Some(json!({"username": "watcher", "password": TEST_PASSWORD, "role": "observer"})),
    )
    .await;
    let observer = app.sign_in("watcher", TEST_PASSWORD).await.unwrap();
    let (status, proxies) = call(&app, Method::GET, &format!("{e}/proxies"), &observer, None).await;
    assert_eq!(status, StatusCode::OK);
    let shown = proxies["proxies"][0]["grantor"]["resident_id"]
        .as_str()
        .unwrap();
    assert!(shown.contains("**********"), "{shown}");
    let (_, changes) = call(
        &app,
        Method::GET,
        &format!("{e}/roll-changes"),
        &observer,
        None,
    )
    .await;
    assert!(changes["changes"][1]["resident_id"]
        .as_str()
        .unwrap()
        .contains("**********"));
    assert!(!changes.to_string().contains(&missing));
    let reply = app
        .client()
        .get(app.url(&format!("/api/v1{e}/voter-list.xlsx")))
        .bearer_auth(&observer)
        .send()
        .await
        .unwrap();
    assert_eq!(
        reply.status(),
        StatusCode::FORBIDDEN,
        "full IDs are for the committee"
    );
    let reply = app
        .client()
        .get(app.url(&format!("/api/v1{e}/proxies.pdf")))
        .bearer_auth(&observer)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::OK);
    assert!(reply.bytes().await.unwrap().starts_with(b"%PDF"));
    for (method, path) in [
        (Method::POST, format!("{e}/objections")),
        (Method::POST, format!("{e}/proxies")),
        (Method::POST, format!("{e}/publication")),
        (Method::PUT, format!("{e}/registration/setup")),
    ] {
        let (status, _) = call(&app, method, &path, &observer, Some(json!({}))).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }

    // Deadlines (R-REG-5, R-POLL-4): 4 days before election day objections
    // are late; on election day proxies are.
    let to_day = |d: NaiveDate| Duration::days((d - today()).num_days());
    app.clock.advance(to_day(day - Duration::days(4)));
    // (Sessions do not last weeks: sign in again.)
    let token = app.sign_in("chair", TEST_PASSWORD).await.unwrap();
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/objections"),
        &token,
        Some(json!({"lodger": "周", "subject": "某", "kind": "other", "claim": "迟到的异议"})),
    )
    .await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-REG-5",
        "objection_late",
    );
    app.clock.advance(Duration::days(4));
    let token = app.sign_in("chair", TEST_PASSWORD).await.unwrap();
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/proxies"),
        &token,
        Some(json!({"grantor": voter(30), "proxy": voter(31), "document": "WT-9"})),
    )
    .await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-POLL-4",
        "proxy_late",
    );
    app.stop().await.unwrap();
}

async fn app_election(app: &TestApp, token: &str, day: NaiveDate) -> String {
    election_with_roll(app, token, day, 2500).await
}

async fn late_publication_is_refused_with_its_rule(app: TestApp) {
    let token = app.set_up_committee("chair").await.unwrap();
    let day = today() + Duration::days(19);
    let election = election_with_roll(&app, &token, day, 200).await;
    let reply = call(
        &app,
        Method::POST,
        &format!("/elections/{election}/publication"),
        &token,
        None,
    )
    .await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-REG-5",
        "publication_late",
    );
    assert_eq!(
        reply.1["error"]["details"]["deadline"],
        (day - Duration::days(20)).to_string()
    );
    // Objections and proxies wait for publication.
    let reply = call(
        &app,
        Method::POST,
        &format!("/elections/{election}/objections"),
        &token,
        Some(json!({"lodger": "周", "subject": "某", "kind": "other", "claim": "名单有误"})),
    )
    .await;
    refused(
        &reply,
        StatusCode::CONFLICT,
        "R-REG-5",
        "list_not_published",
    );
    app.stop().await.unwrap();
}

macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test] async fn $name() { super::$name(super::spawn_sqlite_app().await).await })*
        }
        mod postgres {
            $(#[tokio::test] async fn $name() { super::$name(super::spawn_postgres_app().await).await })*
        }
    };
}

on_both_backends!(
    publish_then_objections_proxies_and_assistants,
    late_publication_is_refused_with_its_rule,
);
