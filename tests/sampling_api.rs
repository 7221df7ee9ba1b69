//! End-to-end: the sampling audit (issue 8; docs/sampling-audit.md) over
//! HTTP, on a fresh SQLite file and on a fresh PostgreSQL database.
//!
//! An election with two stations: ballots printed for both, counted at
//! central (one flagged unreadable) while S1 still votes, so a draw is
//! refused (R-CNT-1); S1 closes and counts two (one with a write-in). A
//! bad seed is refused naming the character, sizes 0 and above the count
//! are refused, an observer cannot draw. The committee draws: the serials
//! are exactly those `huanjie_core::sampling::draw` picks from the counted
//! serials, and the same seed draws them again. Each drawn serial shows
//! the marks recorded for it; findings are recorded once per serial (a
//! second refused, one for a serial not drawn refused, a discrepancy needs
//! a note), the totals follow, and the report PDF carries the seed, the
//! algorithm, every drawn serial and the totals. The audit log has the
//! requests but no serial.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use huanjie_core::sampling::{draw, Seed};
use huanjie_core::serial::SignedSerial;
use huanjie_testkit::app::ok;
use huanjie_testkit::app::{call, spawn_postgres_app, spawn_sqlite_app, TestApp, TEST_PASSWORD};
use huanjie_testkit::stations::{election_with_stations, print, scan, step};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const SEED: &str = "3141 5926 5358 9793 2384";

#[track_caller]
fn refused(reply: &(StatusCode, Value), status: StatusCode, code: &str) -> Value {
    assert_eq!(reply.0, status, "{}", reply.1);
    assert_eq!(reply.1["error"]["code"], code, "{}", reply.1);
    reply.1["error"].clone()
}

fn compact(serial: &str) -> String {
    SignedSerial::parse(serial).unwrap().qr_payload()
}

/// The PDF's text from pdftotext, white space removed.
async fn pdf_text(app: &TestApp, token: &str, path: &str) -> String {
    let reply = app
        .client()
        .get(app.url(&format!("/api/v1{path}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::OK);
    let pdf = reply.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.pdf");
    std::fs::write(&file, &pdf).unwrap();
    // Kept for a look, like the browser tests' screenshots.
    let _ = std::fs::write("/tmp/huanjie-sample-report.pdf", &pdf);
    let out = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext");
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

async fn sampling_audit(app: TestApp) {
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
    let observer = app.sign_in("watcher", TEST_PASSWORD).await.unwrap();
    let e = election_with_stations(&app, &chair).await;
    let central = print(&app, &chair, &e, "central", 8).await;
    let s1 = print(&app, &chair, &e, "S1", 4).await;
    let clerk = ok(
        &call(
            &app,
            Method::POST,
            &format!("{e}/station-tokens"),
            &chair,
            Some(json!({"station": "central"})),
        )
        .await,
        StatusCode::CREATED,
    )["token"]
        .as_str()
        .unwrap()
        .to_owned();
    step(&app, &chair, &e, "central", "open").await;
    step(&app, &chair, &e, "S1", "open").await;
    step(&app, &chair, &e, "central", "close").await;
    let ballot =
        json!({"marks": {"director": {"1": "for"}, "member": {"1": "for", "2": "against"}}});
    for serial in &central[..4] {
        scan(&app, &chair, &e, "central", serial, ballot.clone()).await;
    }
    scan(
        &app,
        &chair,
        &e,
        "central",
        &central[4],
        json!({"unreadable": true}),
    )
    .await;
    let audits = format!("{e}/sample-audits");

    // R-CNT-1: not while a station still votes.
    let err = refused(
        &call(
            &app,
            Method::POST,
            &audits,
            &chair,
            Some(json!({"seed": SEED, "size": 2})),
        )
        .await,
        StatusCode::CONFLICT,
        "sample_polls_open",
    );
    assert_eq!(err["rule"], "R-CNT-1");
    assert!(err["message"].as_str().unwrap().contains("未结束投票"));

    step(&app, &chair, &e, "S1", "close").await;
    scan(&app, &chair, &e, "S1", &s1[0], ballot.clone()).await;
    scan(
        &app,
        &chair,
        &e,
        "S1",
        &s1[1],
        json!({"marks": {"director": {"2": "for"}}, "write_ins": {"member": [{"name": "赵六"}]}}),
    )
    .await;
    let counted: Vec<String> = central[..5].iter().chain(&s1[..2]).cloned().collect();

    // The seed: which character is wrong; the size: within the count.
    let err = refused(
        &call(
            &app,
            Method::POST,
            &audits,
            &chair,
            Some(json!({"seed": "3141 5926 53x8 9793 2384", "size": 2})),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "invalid_input",
    );
    assert_eq!(err["fields"][0]["field"], "seed", "{err}");
    assert_eq!(err["fields"][0]["code"], "seed_bad_character", "{err}");
    let words = err["fields"][0]["message"].as_str().unwrap();
    assert!(words.contains("第 13 个字符“x”"), "{words}");
    let too_few = refused(
        &call(
            &app,
            Method::POST,
            &audits,
            &chair,
            Some(json!({"seed": "123456", "size": 2})),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "invalid_input",
    );
    assert_eq!(too_few["fields"][0]["code"], "seed_too_short");
    for (size, code) in [(0, "sample_size_zero"), (8, "sample_size_above_population")] {
        let err = refused(
            &call(
                &app,
                Method::POST,
                &audits,
                &chair,
                Some(json!({"seed": SEED, "size": size})),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            code,
        );
        assert_eq!(err["rule"], "R-CNT-1");
    }
    // Observers and clerks draw nothing.
    for who in [&observer, &clerk] {
        let reply = call(
            &app,
            Method::POST,
            &audits,
            who,
            Some(json!({"seed": SEED, "size": 2})),
        )
        .await;
        assert_eq!(reply.0, StatusCode::FORBIDDEN, "{}", reply.1);
    }
    assert!(
        ok(
            &call(&app, Method::GET, &audits, &chair, None).await,
            StatusCode::OK
        )["audits"]
            .as_array()
            .unwrap()
            .is_empty(),
        "refusals stored nothing"
    );

    // The draw is the core's draw over the counted serials.
    let first = ok(
        &call(
            &app,
            Method::POST,
            &audits,
            &chair,
            Some(json!({"seed": SEED, "size": 4})),
        )
        .await,
        StatusCode::CREATED,
    );
    assert_eq!(first["number"], 1);
    assert_eq!(first["seed"], "31415926535897932384");
    assert_eq!(first["algorithm"], "huanjie-sample/1");
    assert_eq!(
        (first["size"].as_u64(), first["population"].as_u64()),
        (Some(4), Some(7))
    );
    let population: Vec<String> = counted.iter().map(|s| compact(s)).collect();
    let expected = draw(&Seed::parse(SEED).unwrap(), &population, 4).unwrap();
    assert_eq!(
        first["population_sha256"],
        huanjie_core::sampling::hex(&expected.population_sha256)
    );
    let drawn: Vec<String> = first["ballots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["serial_compact"].as_str().unwrap().to_owned())
        .collect();
    let want: Vec<String> = expected.drawn.iter().map(|d| d.serial.clone()).collect();
    assert_eq!(drawn, want);
    // The same seed draws the same serials again.
    let second = ok(
        &call(
            &app,
            Method::POST,
            &audits,
            &chair,
            Some(json!({"seed": "31415-92653-58979-32384", "size": 4})),
        )
        .await,
        StatusCode::CREATED,
    );
    assert_eq!(second["number"], 2);
    let again: Vec<&str> = second["ballots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["serial_compact"].as_str().unwrap())
        .collect();
    assert_eq!(again, drawn);

    // Every drawn serial with the marks recorded for it, as anyone who may
    // see the election reads it (not a clerk: one station's token).
    let one = format!("{audits}/1");
    let shown = ok(
        &call(&app, Method::GET, &one, &observer, None).await,
        StatusCode::OK,
    );
    assert_eq!(shown["ballots"], first["ballots"]);
    let reply = call(&app, Method::GET, &one, &clerk, None).await;
    assert_eq!(reply.0, StatusCode::FORBIDDEN);
    for b in shown["ballots"].as_array().unwrap() {
        let printed = b["serial"].as_str().unwrap();
        assert!(counted.iter().any(|c| c == printed), "{printed}");
        let i = counted.iter().position(|c| c == printed).unwrap();
        let station = if i < 5 { "central" } else { "S1" };
        assert_eq!(b["station"], station);
        match i {
            4 => {
                assert_eq!(b["review"][0]["kind"], "unreadable", "{b}");
                assert!(b["counted"].is_null(), "waiting for a person: {b}");
                assert_eq!(b["scanned"]["unreadable"], true);
            }
            6 => {
                let positions = b["counted"]["positions"].as_array().unwrap();
                assert_eq!(positions[0]["position"], "director");
                assert_eq!(positions[0]["marked"][0]["row"], "2");
                assert_eq!(positions[1]["write_ins"], json!(["赵六"]), "{b}");
            }
            _ => {
                let positions = b["counted"]["positions"].as_array().unwrap();
                assert_eq!(positions[0]["position"], "director", "{b}");
                assert_eq!(positions[0]["marked"][0]["choice"], "for");
                assert!(!positions[0]["marked"][0]["name"]
                    .as_str()
                    .unwrap()
                    .is_empty());
                assert_eq!(positions[1]["marked"][1]["choice"], "against");
                assert!(b["review"].as_array().unwrap().is_empty());
            }
        }
        assert!(b["finding"].is_null());
    }

    // Findings: once per drawn serial, the committee's.
    let findings = format!("{one}/findings");
    let printed0 = shown["ballots"][0]["serial"].as_str().unwrap().to_owned();
    let printed1 = shown["ballots"][1]["serial"].as_str().unwrap().to_owned();
    let reply = call(
        &app,
        Method::POST,
        &findings,
        &observer,
        Some(json!({"serial": printed0, "finding": "match"})),
    )
    .await;
    assert_eq!(reply.0, StatusCode::FORBIDDEN);
    // The printed form, in lower case, reads as the drawn serial.
    let recorded = ok(
        &call(
            &app,
            Method::POST,
            &findings,
            &chair,
            Some(json!({"serial": printed0.to_lowercase(), "finding": "match"})),
        )
        .await,
        StatusCode::CREATED,
    );
    assert_eq!(recorded["finding"]["finding"], "match");
    assert_eq!(recorded["finding"]["recorded_by"], "chair");
    let err = refused(
        &call(
            &app,
            Method::POST,
            &findings,
            &chair,
            Some(json!({"serial": printed1, "finding": "discrepancy", "note": "  "})),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "invalid_input",
    );
    assert_eq!(err["fields"][0]["field"], "note");
    ok(
        &call(
            &app,
            Method::POST,
            &findings,
            &chair,
            Some(json!({"serial": printed1, "finding": "discrepancy", "note": "纸质选票委员栏第2位为赞成"})),
        )
        .await,
        StatusCode::CREATED,
    );
    let err = refused(
        &call(
            &app,
            Method::POST,
            &findings,
            &chair,
            Some(json!({"serial": compact(&printed0), "finding": "discrepancy", "note": "再看"})),
        )
        .await,
        StatusCode::CONFLICT,
        "finding_recorded",
    );
    assert_eq!(err["rule"], "R-CNT-1");
    let not_drawn = counted
        .iter()
        .find(|c| !drawn.contains(&compact(c)))
        .unwrap();
    refused(
        &call(
            &app,
            Method::POST,
            &findings,
            &chair,
            Some(json!({"serial": not_drawn, "finding": "match"})),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "serial_not_in_sample",
    );
    let err = refused(
        &call(
            &app,
            Method::POST,
            &findings,
            &chair,
            Some(json!({"serial": "HJ1-not-a-serial", "finding": "match"})),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "invalid_input",
    );
    assert_eq!(err["fields"][0]["field"], "serial");
    refused(
        &call(
            &app,
            Method::POST,
            &findings,
            &chair,
            Some(json!({"serial": printed1, "finding": "maybe"})),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "invalid_input",
    );
    let reply = call(
        &app,
        Method::POST,
        &format!("{audits}/9/findings"),
        &chair,
        Some(json!({"serial": printed0, "finding": "match"})),
    )
    .await;
    assert_eq!(reply.0, StatusCode::NOT_FOUND);

    let list = ok(
        &call(&app, Method::GET, &audits, &observer, None).await,
        StatusCode::OK,
    );
    let a = &list["audits"][0];
    assert_eq!(
        (
            a["matches"].as_u64(),
            a["discrepancies"].as_u64(),
            a["pending"].as_u64()
        ),
        (Some(1), Some(1), Some(2))
    );
    assert_eq!(list["audits"][1]["pending"], 4, "findings are per audit");

    // The list drawn from, for anyone to redo the draw: its SHA-256 is the
    // fingerprint, and the core's draw over it gives the same serials.
    let reply = app
        .client()
        .get(app.url(&format!("/api/v1{one}/population.txt")))
        .bearer_auth(&observer)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::OK);
    let listed = reply.text().await.unwrap();
    let mut sorted = population.clone();
    sorted.sort();
    assert_eq!(
        listed,
        sorted.iter().map(|s| format!("{s}\n")).collect::<String>()
    );
    let lines: Vec<&str> = listed.lines().collect();
    let redone = draw(&Seed::parse("31415926535897932384").unwrap(), &lines, 4).unwrap();
    assert_eq!(
        huanjie_core::sampling::hex(&redone.population_sha256),
        first["population_sha256"].as_str().unwrap()
    );
    let redrawn: Vec<String> = redone.drawn.into_iter().map(|d| d.serial).collect();
    assert_eq!(redrawn, drawn);

    // The report: seed, algorithm, fingerprint, every drawn serial, totals.
    let text = pdf_text(&app, &observer, &format!("{one}/report.pdf")).await;
    assert!(text.contains("抽样核对报告（第1次）"), "{text}");
    assert!(text.contains("31415926535897932384"), "{text}");
    assert!(text.contains("huanjie-sample/1"), "{text}");
    assert!(
        text.contains(first["population_sha256"].as_str().unwrap()),
        "{text}"
    );
    for b in shown["ballots"].as_array().unwrap() {
        let serial = b["serial"].as_str().unwrap();
        assert!(text.contains(serial), "{serial} not in {text}");
    }
    assert!(text.contains("相符1张"), "{text}");
    assert!(text.contains("不符1张"), "{text}");
    assert!(text.contains("待核对2张"), "{text}");
    assert!(text.contains("纸质选票委员栏第2位为赞成"), "{text}");
    assert!(text.contains("监票人"), "{text}");

    // The log has each step, and no serial.
    let log = ok(
        &call(
            &app,
            Method::GET,
            &format!("{e}/audit?limit=1000"),
            &chair,
            None,
        )
        .await,
        StatusCode::OK,
    );
    let entries = log["entries"].as_array().unwrap();
    let actions: Vec<&str> = entries
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(
        actions
            .iter()
            .any(|a| a.contains("/sample-audits/{number}/findings")),
        "{actions:?}"
    );
    let dump = serde_json::to_string(&log).unwrap();
    for serial in &counted {
        assert!(!dump.contains(serial.as_str()), "{serial} in the log");
        assert!(!dump.contains(&compact(serial)), "{serial} in the log");
    }

    // A ballot counted after the draw: the list is no longer the one drawn
    // from, and says so rather than serve another.
    scan(&app, &chair, &e, "S1", &s1[2], ballot.clone()).await;
    refused(
        &call(
            &app,
            Method::GET,
            &format!("{one}/population.txt"),
            &observer,
            None,
        )
        .await,
        StatusCode::CONFLICT,
        "sample_population_changed",
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

on_both_backends!(sampling_audit);
