//! Two polling stations ready to vote over HTTP: what the suites of the
//! sampling audit (API and page) share.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::Duration;
use huanjie_registration::{generate_roll_csv, Encoding};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::app::{call, ok, today, TestApp};

/// An election with its formal list fixed, stations central and S1 with
/// three scrutineers each; returns its path (`/elections/{id}`).
pub async fn election_with_stations(app: &TestApp, token: &str) -> String {
    let day = today() + Duration::days(31);
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
    e
}

/// Prints `count` ballots for `station`; their serials.
pub async fn print(app: &TestApp, token: &str, e: &str, station: &str, count: u32) -> Vec<String> {
    ok(
        &call(
            app,
            Method::POST,
            &format!("{e}/ballot-batches"),
            token,
            Some(json!({"station": station, "count": count})),
        )
        .await,
        StatusCode::CREATED,
    )["serials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

/// A polling-day step of `station`: `open`, `close` ….
pub async fn step(app: &TestApp, token: &str, e: &str, station: &str, what: &str) {
    ok(
        &call(
            app,
            Method::POST,
            &format!("{e}/stations/{station}/{what}"),
            token,
            None,
        )
        .await,
        StatusCode::OK,
    );
}

/// Scans the ballot `serial` at `station` with `body`'s marks.
pub async fn scan(app: &TestApp, token: &str, e: &str, station: &str, serial: &str, body: Value) {
    let mut body = body;
    body["serial"] = json!(serial);
    ok(
        &call(
            app,
            Method::POST,
            &format!("{e}/stations/{station}/scans"),
            token,
            Some(body),
        )
        .await,
        StatusCode::CREATED,
    );
}
