//! End-to-end: the real server on port 0, spoken to over HTTP with reqwest,
//! once on a fresh SQLite file and once on a fresh PostgreSQL database
//! (scripts/ensure-postgres.sh starts the server; the suite fails, not
//! skips, without it).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use huanjie_testkit::app::{spawn_postgres_app, spawn_sqlite_app, TestApp, TEST_PASSWORD};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// One request; returns the status and the JSON body (Null if none).
async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = app.client().request(method, app.url(path));
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    if let Some(body) = body {
        req = req.json(&body);
    }
    let reply = req.send().await.unwrap();
    let status = reply.status();
    let text = reply.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn election(title: &str) -> Value {
    json!({
        "body_kind": "residents_committee",
        "title": title,
        "profile": "county-2006",
        "election_day": "2026-06-01",
        "seats": [
            {"position": "director", "seats": 1},
            {"position": "deputy", "seats": 1},
            {"position": "member", "seats": 3}
        ]
    })
}

fn field_codes(body: &Value) -> Vec<(String, String)> {
    body["error"]["fields"]
        .as_array()
        .map(|fields| {
            fields
                .iter()
                .map(|f| {
                    (
                        f["field"].as_str().unwrap().to_owned(),
                        f["code"].as_str().unwrap().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

async fn create_election(app: &TestApp, token: &str, title: &str) -> String {
    let (status, body) = call(
        app,
        Method::POST,
        "/api/v1/elections",
        Some(token),
        Some(election(title)),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_str().unwrap().to_owned()
}

// --- scenarios, each run on both backends -----------------------------------

async fn first_run_setup_and_sign_in(app: TestApp) {
    let (status, body) = call(&app, Method::GET, "/health", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "ok");
    let (_, body) = call(&app, Method::GET, "/api/v1/setup", None, None).await;
    assert_eq!(body["setup_needed"], true);

    let (status, body) = call(
        &app,
        Method::POST,
        "/api/v1/setup",
        None,
        Some(json!({"code": "ZZZZ-ZZZZ", "username": "chair", "password": TEST_PASSWORD})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        field_codes(&body),
        [("code".into(), "setup_code_invalid".into())]
    );

    let token = app.set_up_committee("chair").await.unwrap();
    let (status, body) = call(&app, Method::GET, "/api/v1/me", Some(&token), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["role"], "committee");

    // The code works once.
    let (status, body) = call(
        &app,
        Method::POST,
        "/api/v1/setup",
        None,
        Some(json!({"code": app.setup_code, "username": "second", "password": TEST_PASSWORD})),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "setup_done");

    // Sign-in failures look alike.
    let (s1, wrong_password) = call(
        &app,
        Method::POST,
        "/api/v1/sessions",
        None,
        Some(json!({"username": "chair", "password": "wrong wrong wrong"})),
    )
    .await;
    let (s2, unknown_user) = call(
        &app,
        Method::POST,
        "/api/v1/sessions",
        None,
        Some(json!({"username": "nobody", "password": TEST_PASSWORD})),
    )
    .await;
    assert_eq!(
        (s1, s2),
        (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED)
    );
    assert_eq!(wrong_password, unknown_user);
    assert_eq!(wrong_password["error"]["code"], "sign_in_failed");

    let again = app.sign_in("chair", TEST_PASSWORD).await.unwrap();
    assert_ne!(again, token, "every sign-in gets its own session");
    app.stop().await.unwrap();
}

async fn create_list_show_and_validate(app: TestApp) {
    let token = app.set_up_committee("chair").await.unwrap();
    let id = create_election(&app, &token, "幸福社区居民委员会第七届换届选举").await;

    let (status, body) = call(&app, Method::GET, "/api/v1/elections", Some(&token), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["elections"].as_array().unwrap().len(), 1);
    assert_eq!(body["elections"][0]["id"], id);

    let (status, body) = call(
        &app,
        Method::GET,
        &format!("/api/v1/elections/{id}"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["title"], "幸福社区居民委员会第七届换届选举");
    assert_eq!(body["body_kind"], "residents_committee");
    assert_eq!(body["profile"], "county-2006");
    assert_eq!(body["election_day"], "2026-06-01");
    assert_eq!(
        body["seats"],
        json!([
            {"position": "director", "seats": 1},
            {"position": "deputy", "seats": 1},
            {"position": "member", "seats": 3}
        ])
    );

    // Every rule named by field; nothing written.
    let cases = [
        ("title", json!(""), "required"),
        ("title", json!("   "), "required"),
        ("profile", json!("shanghai-1999"), "unknown_profile"),
        ("election_day", json!("2026-02-30"), "bad_date"),
        ("election_day", json!("1/6/2026"), "bad_date"),
        ("body_kind", json!("village_committee"), "unknown_body_kind"),
    ];
    for (field, value, code) in cases {
        let mut body = election("x");
        body[field] = value.clone();
        let (status, reply) = call(
            &app,
            Method::POST,
            "/api/v1/elections",
            Some(&token),
            Some(body),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{field}={value}");
        assert_eq!(
            field_codes(&reply),
            [(field.to_owned(), code.to_owned())],
            "{field}={value}"
        );
        let message = reply["error"]["fields"][0]["message"].as_str().unwrap();
        let message_en = reply["error"]["fields"][0]["message_en"].as_str().unwrap();
        assert!(
            message.contains(field) && message_en.starts_with(field),
            "{message} / {message_en}"
        );
    }
    let mut body = election("x");
    body["seats"] = json!([
        {"position": "director", "seats": 0},
        {"position": "member", "seats": 3},
        {"position": "member", "seats": 2}
    ]);
    let (status, reply) = call(
        &app,
        Method::POST,
        "/api/v1/elections",
        Some(&token),
        Some(body),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        field_codes(&reply),
        [
            ("seats[0].seats".into(), "seats_at_least_one".into()),
            ("seats[2].position".into(), "duplicate_position".into())
        ]
    );
    let (_, body) = call(&app, Method::GET, "/api/v1/elections", Some(&token), None).await;
    assert_eq!(
        body["elections"].as_array().unwrap().len(),
        1,
        "rejected input wrote nothing"
    );

    let (status, body) = call(
        &app,
        Method::GET,
        "/api/v1/elections/00000000-0000-4000-8000-000000000000",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "not_found");
    app.stop().await.unwrap();
}

async fn observers_are_read_only(app: TestApp) {
    let committee = app.set_up_committee("chair").await.unwrap();
    let id = create_election(&app, &committee, "观察员只读").await;
    let (status, issued) = call(
        &app,
        Method::POST,
        &format!("/api/v1/elections/{id}/station-tokens"),
        Some(&committee),
        Some(json!({"station": "S1"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let token_id = issued["id"].as_str().unwrap();
    let (status, _) = call(
        &app,
        Method::POST,
        "/api/v1/users",
        Some(&committee),
        Some(json!({"username": "observer1", "password": TEST_PASSWORD, "role": "observer"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let observer = app.sign_in("observer1", TEST_PASSWORD).await.unwrap();

    for path in [
        "/api/v1/elections".to_owned(),
        format!("/api/v1/elections/{id}"),
        "/api/v1/me".to_owned(),
    ] {
        let (status, _) = call(&app, Method::GET, &path, Some(&observer), None).await;
        assert_eq!(status, StatusCode::OK, "{path}");
    }
    let state_changing = [
        (
            Method::POST,
            "/api/v1/elections".to_owned(),
            election("observer"),
        ),
        (
            Method::POST,
            "/api/v1/users".to_owned(),
            json!({"username": "x1", "password": TEST_PASSWORD}),
        ),
        (
            Method::POST,
            format!("/api/v1/elections/{id}/station-tokens"),
            json!({"station": "S2"}),
        ),
        (
            Method::POST,
            format!("/api/v1/elections/{id}/station-tokens/{token_id}/revoke"),
            json!({}),
        ),
        (Method::PUT, format!("/api/v1/elections/{id}"), json!({})),
        (Method::PATCH, format!("/api/v1/elections/{id}"), json!({})),
        (Method::DELETE, format!("/api/v1/elections/{id}"), json!({})),
    ];
    for (method, path, body) in state_changing {
        let (status, reply) = call(&app, method.clone(), &path, Some(&observer), Some(body)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}: {reply}");
        assert_eq!(reply["error"]["code"], "forbidden");
        assert!(!reply["error"]["message"].as_str().unwrap().is_empty());
    }
    // The station-token list is committee business too.
    let (status, _) = call(
        &app,
        Method::GET,
        &format!("/api/v1/elections/{id}/station-tokens"),
        Some(&observer),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, body) = call(
        &app,
        Method::GET,
        "/api/v1/elections",
        Some(&committee),
        None,
    )
    .await;
    assert_eq!(
        body["elections"].as_array().unwrap().len(),
        1,
        "observers changed nothing"
    );
    app.stop().await.unwrap();
}

async fn station_tokens_are_bound_revocable_and_expire(app: TestApp) {
    let committee = app.set_up_committee("chair").await.unwrap();
    let id = create_election(&app, &committee, "投票站令牌").await;
    let other = create_election(&app, &committee, "另一场").await;
    let issue = |station: &'static str, hours: u32| {
        let app = &app;
        let committee = committee.clone();
        let id = id.clone();
        async move {
            let (status, body) = call(
                app,
                Method::POST,
                &format!("/api/v1/elections/{id}/station-tokens"),
                Some(&committee),
                Some(json!({"station": station, "valid_for_hours": hours})),
            )
            .await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
            body
        }
    };
    let s1 = issue("S1", 24).await;
    let clerk = s1["token"].as_str().unwrap().to_owned();
    assert_eq!(clerk.len(), 4 + 64, "hjt_ + 256 bits in hex");

    let own = format!("/api/v1/elections/{id}/stations/S1");
    let (status, body) = call(&app, Method::GET, &own, Some(&clerk), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["election"]["id"], id.as_str());
    for path in [
        format!("/api/v1/elections/{id}/stations/S2"),
        format!("/api/v1/elections/{other}/stations/S1"),
        format!("/api/v1/elections/{other}"),
    ] {
        let (status, _) = call(&app, Method::GET, &path, Some(&clerk), None).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }
    let (status, _) = call(
        &app,
        Method::POST,
        "/api/v1/elections",
        Some(&clerk),
        Some(election("clerk")),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The list shows status, never the secret.
    let (status, list) = call(
        &app,
        Method::GET,
        &format!("/api/v1/elections/{id}/station-tokens"),
        Some(&committee),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!list.to_string().contains(&clerk));
    assert_eq!(list["station_tokens"][0]["status"], "active");

    // Revoked: refused at once, and listed as revoked.
    let (status, _) = call(
        &app,
        Method::POST,
        &format!(
            "/api/v1/elections/{id}/station-tokens/{}/revoke",
            s1["id"].as_str().unwrap()
        ),
        Some(&committee),
        Some(json!({})),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = call(&app, Method::GET, &own, Some(&clerk), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], "unauthenticated");
    let (_, list) = call(
        &app,
        Method::GET,
        &format!("/api/v1/elections/{id}/station-tokens"),
        Some(&committee),
        None,
    )
    .await;
    assert_eq!(list["station_tokens"][0]["status"], "revoked");

    // Expired: refused once the server's clock passes the expiry.
    let short = issue("S1", 1).await["token"].as_str().unwrap().to_owned();
    let (status, _) = call(&app, Method::GET, &own, Some(&short), None).await;
    assert_eq!(status, StatusCode::OK);
    app.clock.advance(chrono_minutes(61));
    let (status, _) = call(&app, Method::GET, &own, Some(&short), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    app.stop().await.unwrap();
}

async fn sessions_end_on_sign_out_and_expiry(app: TestApp) {
    let token = app.set_up_committee("chair").await.unwrap();
    let (status, _) = call(
        &app,
        Method::DELETE,
        "/api/v1/sessions/current",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = call(&app, Method::GET, "/api/v1/me", Some(&token), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let token = app.sign_in("chair", TEST_PASSWORD).await.unwrap();
    app.clock.advance(chrono_minutes(12 * 60 + 1));
    let (status, _) = call(&app, Method::GET, "/api/v1/me", Some(&token), None).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "sessions last 12 hours by default"
    );
    app.stop().await.unwrap();
}

fn chrono_minutes(minutes: i64) -> chrono::Duration {
    chrono::Duration::minutes(minutes)
}

macro_rules! on_both_backends {
    ($($scenario:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $scenario() {
                    super::$scenario(super::spawn_sqlite_app().await).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $scenario() {
                    super::$scenario(super::spawn_postgres_app().await).await;
                }
            )*
        }
    };
}

on_both_backends!(
    first_run_setup_and_sign_in,
    create_list_show_and_validate,
    observers_are_read_only,
    station_tokens_are_bound_revocable_and_expire,
    sessions_end_on_sign_out_and_expiry,
);
