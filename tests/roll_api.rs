//! End-to-end: voter registration over HTTP (issue 3, R-REG-1..3), on a
//! fresh SQLite file and on a fresh PostgreSQL database. Rolls come from the
//! in-repo generator (`huanjie roll generate`): households, groups, children,
//! residents registered elsewhere, non-registered residents.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use huanjie_registration::{generate_roll_csv, generate_roll_with_errors, Encoding, Flaw};
use huanjie_testkit::app::{
    spawn_binary, spawn_postgres_app, spawn_sqlite_app, TestApp, TEST_PASSWORD,
};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::path::Path;

const DAY: &str = "2026-06-01";

fn day() -> NaiveDate {
    NaiveDate::parse_from_str(DAY, "%Y-%m-%d").unwrap()
}

async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = app
        .client()
        .request(method, app.url(path))
        .bearer_auth(token);
    if let Some(body) = body {
        req = req.json(&body);
    }
    let reply = req.send().await.unwrap();
    let status = reply.status();
    (status, reply.json().await.unwrap_or(Value::Null))
}

async fn upload(
    app: &TestApp,
    token: &str,
    election: &str,
    bytes: Vec<u8>,
    dry_run: bool,
) -> (StatusCode, Value) {
    let q = if dry_run { "?dry_run=true" } else { "" };
    let reply = app
        .client()
        .post(app.url(&format!("/api/v1/elections/{election}/roll{q}")))
        .bearer_auth(token)
        .body(bytes)
        .send()
        .await
        .unwrap();
    let status = reply.status();
    (status, reply.json().await.unwrap())
}

async fn create_election(app: &TestApp, token: &str, title: &str, day: &str) -> String {
    let (status, body) = call(
        app,
        Method::POST,
        "/api/v1/elections",
        token,
        Some(json!({
            "body_kind": "residents_committee", "title": title, "profile": "county-2006",
            "election_day": day,
            "seats": [{"position": "director", "seats": 1}, {"position": "member", "seats": 4}]
        })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_str().unwrap().to_owned()
}

async fn summary(app: &TestApp, token: &str, election: &str) -> Value {
    let (status, body) = call(
        app,
        Method::GET,
        &format!("/api/v1/elections/{election}/roll"),
        token,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

async fn search(app: &TestApp, token: &str, election: &str, query: &[(&str, &str)]) -> Value {
    let reply = app
        .client()
        .get(app.url(&format!("/api/v1/elections/{election}/residents")))
        .query(query)
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::OK);
    reply.json().await.unwrap()
}

/// The data rows of a generated CSV, split into cells.
fn rows(csv: &[u8]) -> Vec<Vec<String>> {
    String::from_utf8(csv.to_vec())
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect()
}

// --- scenarios ----------------------------------------------------------------

async fn a_realistic_roll_is_checked_imported_and_searchable(app: TestApp) {
    let token = app.set_up_committee("chair").await.unwrap();
    let election = create_election(&app, &token, "幸福社区第七届", DAY).await;
    let csv = generate_roll_csv(11, 3000, day(), Encoding::Utf8);

    // A dry run reports and writes nothing.
    let (status, dry) = upload(&app, &token, &election, csv.clone(), true).await;
    assert_eq!(status, StatusCode::OK, "{dry}");
    assert_eq!(
        (
            dry["accepted"].as_bool(),
            dry["written"].as_bool(),
            dry["dry_run"].as_bool()
        ),
        (Some(true), Some(false), Some(true))
    );
    assert_eq!(dry["rows"], 3000);
    assert_eq!(summary(&app, &token, &election).await["residents"], 0);

    let (status, done) = upload(&app, &token, &election, csv.clone(), false).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["written"], true);
    let voters = done["voters"].as_u64().unwrap();
    let excluded = done["not_registered"].as_u64().unwrap();
    assert_eq!(voters + excluded, 3000);
    // A realistic roll has children on it: R-REG-1 keeps them off the list.
    let kinds = done["not_registered_by_kind"].as_array().unwrap();
    assert!(
        kinds
            .iter()
            .any(|k| k["rule"] == "R-REG-1" && k["count"].as_u64().unwrap() > 0),
        "{kinds:?}"
    );
    let s = summary(&app, &token, &election).await;
    assert_eq!(
        (s["residents"].as_u64(), s["voters"].as_u64()),
        (Some(3000), Some(voters))
    );
    let by_group: u64 = s["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["voters"].as_u64().unwrap())
        .sum();
    assert_eq!(by_group, voters);

    // Search: by full name, by name prefix, by ID, by ID prefix, by group.
    let first = &rows(&csv)[0];
    let (name, id, group) = (&first[0], &first[2], &first[3]);
    let found = search(&app, &token, &election, &[("name", name)]).await;
    assert!(found["residents"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["resident_id"] == id.as_str()));
    let surname: String = name.chars().take(1).collect();
    let by_surname = search(
        &app,
        &token,
        &election,
        &[("name", &surname), ("limit", "500")],
    )
    .await;
    assert!(by_surname["total"].as_u64().unwrap() >= 1);
    assert!(by_surname["residents"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["name"].as_str().unwrap().starts_with(&surname)));
    let by_id = search(&app, &token, &election, &[("resident_id", id)]).await;
    assert_eq!(by_id["total"], 1);
    assert_eq!(by_id["residents"][0]["name"], name.as_str());
    let by_prefix = search(&app, &token, &election, &[("resident_id", &id[..10])]).await;
    assert!(by_prefix["total"].as_u64().unwrap() >= 1);
    let in_group = search(
        &app,
        &token,
        &election,
        &[("group", group), ("voters_only", "true"), ("limit", "500")],
    )
    .await;
    let expected = s["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["group"] == group.as_str())
        .unwrap()["voters"]
        .clone();
    assert_eq!(in_group["total"], expected);
    assert!(in_group["residents"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["voter"] == true && r["group"] == group.as_str()));
    app.stop().await.unwrap();
}

async fn every_bad_row_is_reported_and_nothing_is_written(app: TestApp) {
    let token = app.set_up_committee("chair").await.unwrap();
    let election = create_election(&app, &token, "幸福社区第七届", DAY).await;
    // A good roll first: a refused import must leave it as it was.
    let good = generate_roll_csv(5, 400, day(), Encoding::Utf8);
    assert_eq!(
        upload(&app, &token, &election, good, false).await.0,
        StatusCode::OK
    );

    let bad = generate_roll_with_errors(6, 600, day(), Encoding::Gb18030, &Flaw::ALL);
    assert_eq!(bad.flaws.len(), Flaw::ALL.len());
    let (status, report) = upload(&app, &token, &election, bad.bytes, false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{report}");
    assert_eq!(
        (report["accepted"].as_bool(), report["written"].as_bool()),
        (Some(false), Some(false))
    );
    assert_eq!(report["error"]["code"], "roll_rejected");
    let errors = report["errors"].as_array().unwrap();
    for flaw in &bad.flaws {
        let hit = errors.iter().any(|e| {
            e["row"].as_u64() == Some(flaw.row as u64)
                && e["column"] == flaw.column.en()
                && e["rule"] == flaw.rule
                && !e["message_zh"].as_str().unwrap().is_empty()
                && !e["message_en"].as_str().unwrap().is_empty()
        });
        assert!(
            hit,
            "{:?} at row {} ({}) not reported: {errors:?}",
            flaw.flaw, flaw.row, flaw.rule
        );
    }
    // Nothing changed.
    let s = summary(&app, &token, &election).await;
    assert_eq!(s["residents"], 400);

    // A file-level problem: an unknown header.
    let (status, report) = upload(
        &app,
        &token,
        &election,
        "姓名,性别,公民身份号码,居民小组,户号,户籍类别,血型\n"
            .as_bytes()
            .to_vec(),
        false,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        report["file_error"]["message_en"]
            .as_str()
            .unwrap()
            .contains("血型"),
        "{report}"
    );
    // An empty body.
    let (status, report) = upload(&app, &token, &election, Vec::new(), false).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{report}");
    assert_eq!(summary(&app, &token, &election).await["residents"], 400);
    app.stop().await.unwrap();
}

async fn no_one_is_registered_twice_in_the_same_round(app: TestApp) {
    // R-REG-3: same election day and body kind, different communities.
    let token = app.set_up_committee("chair").await.unwrap();
    let first = create_election(&app, &token, "幸福社区第七届", DAY).await;
    let second = create_election(&app, &token, "和谐社区第七届", DAY).await;
    let later = create_election(&app, &token, "和谐社区第八届", "2029-06-01").await;
    let csv = generate_roll_csv(21, 300, day(), Encoding::Utf8);
    assert_eq!(
        upload(&app, &token, &first, csv.clone(), false).await.0,
        StatusCode::OK
    );

    let (status, report) = upload(&app, &token, &second, csv.clone(), false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{report}");
    let errors = report["errors"].as_array().unwrap();
    let voters = summary(&app, &token, &first).await["voters"]
        .as_u64()
        .unwrap();
    assert_eq!(
        errors.len() as u64,
        voters,
        "one error per voter registered in the first election"
    );
    assert!(errors
        .iter()
        .all(|e| e["rule"] == "R-REG-3" && e["column"] == "resident_id"));
    assert!(errors[0]["message_zh"]
        .as_str()
        .unwrap()
        .contains("幸福社区第七届"));
    assert_eq!(summary(&app, &token, &second).await["residents"], 0);

    // Another round (a different election day): fine.
    let later_day = NaiveDate::from_ymd_opt(2029, 6, 1).unwrap();
    let (status, report) = upload(
        &app,
        &token,
        &later,
        generate_roll_csv(21, 300, later_day, Encoding::Utf8),
        false,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    app.stop().await.unwrap();
}

async fn only_the_committee_sees_full_ids(app: TestApp) {
    let committee = app.set_up_committee("chair").await.unwrap();
    let election = create_election(&app, &committee, "幸福社区第七届", DAY).await;
    let csv = generate_roll_csv(3, 50, day(), Encoding::Utf8);
    assert_eq!(
        upload(&app, &committee, &election, csv.clone(), false)
            .await
            .0,
        StatusCode::OK
    );
    let (status, _) = call(
        &app,
        Method::POST,
        "/api/v1/users",
        &committee,
        Some(json!({"username": "watcher", "password": TEST_PASSWORD, "role": "observer"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let observer = app.sign_in("watcher", TEST_PASSWORD).await.unwrap();

    let full = search(&app, &committee, &election, &[("limit", "5")]).await;
    let masked = search(&app, &observer, &election, &[("limit", "5")]).await;
    for (f, m) in full["residents"]
        .as_array()
        .unwrap()
        .iter()
        .zip(masked["residents"].as_array().unwrap())
    {
        let id = f["resident_id"].as_str().unwrap();
        assert_eq!(id.len(), 18);
        assert_eq!(
            m["resident_id"].as_str().unwrap(),
            format!("{}**********{}", &id[..4], &id[14..])
        );
        assert!(m["address"].is_null());
    }
    // Observers cannot import; clerks see nothing of the roll.
    let (status, _) = upload(&app, &observer, &election, csv, false).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, issued) = call(
        &app,
        Method::POST,
        &format!("/api/v1/elections/{election}/station-tokens"),
        &committee,
        Some(json!({"station": "S1"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let clerk = issued["token"].as_str().unwrap();
    let (status, _) = call(
        &app,
        Method::GET,
        &format!("/api/v1/elections/{election}/residents"),
        clerk,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = call(
        &app,
        Method::GET,
        &format!("/api/v1/elections/{election}/roll"),
        clerk,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // The template is there to download.
    let reply = app
        .client()
        .get(app.url("/api/v1/roll-template.xlsx"))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::OK);
    assert!(reply.bytes().await.unwrap().starts_with(b"PK"));
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
    a_realistic_roll_is_checked_imported_and_searchable,
    every_bad_row_is_reported_and_nothing_is_written,
    no_one_is_registered_twice_in_the_same_round,
    only_the_committee_sees_full_ids,
);

/// Logs never contain resident IDs, even at debug level (the real binary,
/// its stderr captured).
#[tokio::test]
async fn resident_ids_never_reach_the_logs() {
    let dir = tempfile::tempdir().unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_huanjie"));
    let running = spawn_binary(
        bin,
        &[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            "logs.db",
        ],
        &[("RUST_LOG", "debug")],
        dir.path(),
    )
    .await
    .unwrap();
    let base = running.address.clone();
    let client = reqwest::Client::new();
    let code = running.setup_code.clone().unwrap();
    let token: Value = client
        .post(format!("{base}/api/v1/setup"))
        .json(&json!({"code": code, "username": "chair", "password": TEST_PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = token["token"].as_str().unwrap().to_owned();
    let election: Value = client.post(format!("{base}/api/v1/elections")).bearer_auth(&token)
        .json(&json!({"body_kind": "residents_committee", "title": "日志", "profile": "county-2006", "election_day": DAY,
            "seats": [{"position": "director", "seats": 1}]}))
        .send().await.unwrap().json().await.unwrap();
    let election = election["id"].as_str().unwrap();
    let csv = generate_roll_csv(9, 30, day(), Encoding::Utf8);
    let ids: Vec<String> = rows(&csv).into_iter().map(|r| r[2].clone()).collect();
    let reply = client
        .post(format!("{base}/api/v1/elections/{election}/roll"))
        .bearer_auth(&token)
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::OK);
    // A bad roll too: its report quotes IDs back to the committee, never to the log.
    let bad = generate_roll_with_errors(9, 30, day(), Encoding::Utf8, &Flaw::ALL);
    let reply = client
        .post(format!("{base}/api/v1/elections/{election}/roll"))
        .bearer_auth(&token)
        .body(bad.bytes)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let reply = client
        .get(format!("{base}/api/v1/elections/{election}/residents"))
        .query(&[("resident_id", ids[0].as_str())])
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::OK);
    assert!(running.terminate().await.unwrap().success());
    let log = std::fs::read_to_string(dir.path().join("huanjie-stderr.log")).unwrap();
    assert!(log.contains("roll import"), "the log was captured: {log}");
    for id in &ids {
        assert!(
            !log.contains(id.as_str()),
            "resident ID {}… found in the log",
            &id[..6]
        );
    }
}
