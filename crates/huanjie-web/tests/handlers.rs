//! Handler tests: the whole router, driven with `tower::ServiceExt::oneshot`
//! on a fresh SQLite store per test. No sockets; the end-to-end suites in
//! the workspace's `tests/` start the real server.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use huanjie_store::sqlite::SqliteStore;
use huanjie_web::state::Settings;
use huanjie_web::{secrets, AppState, Clock, Config};
use serde_json::{json, Value};
use tower::ServiceExt;

struct Harness {
    router: Router,
    state: AppState,
    setup_code: String,
    _dir: tempfile::TempDir,
}

const PASSWORD: &str = "correct horse battery";

async fn harness() -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("huanjie.db"))
        .await
        .unwrap();
    let config = Config {
        password_iterations: 1_000,
        ..Config::default()
    };
    let state = AppState::new(
        Arc::new(store),
        Clock::system(),
        Settings::from_config(&config).unwrap(),
    )
    .unwrap();
    let code = secrets::new_setup_code(&state.rng).unwrap();
    state
        .store
        .put_setup_code(code.hash, state.clock.now())
        .await
        .unwrap();
    Harness {
        router: huanjie_web::router(state.clone()),
        state,
        setup_code: code.plain,
        _dir: dir,
    }
}

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    json: Value,
    text: String,
}

impl Harness {
    async fn send(&self, req: Request<Body>) -> Reply {
        let response = self.router.clone().oneshot(req).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            json,
            text,
        }
    }

    async fn api(
        &self,
        method: Method,
        uri: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        let mut req = Request::builder().method(method).uri(uri);
        if let Some(token) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let req = match body {
            Some(body) => req
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string())),
            None => req.body(Body::empty()),
        };
        self.send(req.unwrap()).await
    }

    async fn page(
        &self,
        method: Method,
        uri: &str,
        cookie: Option<&str>,
        form: Option<&str>,
    ) -> Reply {
        let mut req = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::HOST, "localhost");
        if let Some(cookie) = cookie {
            req = req.header(header::COOKIE, cookie);
        }
        let req = match form {
            Some(form) => req
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(form.to_owned())),
            None => req.body(Body::empty()),
        };
        self.send(req.unwrap()).await
    }

    /// Runs first-run set-up; returns the committee member's session token.
    async fn committee(&self) -> String {
        let r = self
            .api(
                Method::POST,
                "/api/v1/setup",
                None,
                Some(json!({"code": self.setup_code, "username": "chair", "password": PASSWORD})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        r.json["token"].as_str().unwrap().to_owned()
    }

    async fn observer(&self, committee: &str) -> String {
        let r = self
            .api(
                Method::POST,
                "/api/v1/users",
                Some(committee),
                Some(json!({"username": "watcher", "password": PASSWORD, "role": "observer"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        let r = self
            .api(
                Method::POST,
                "/api/v1/sessions",
                None,
                Some(json!({"username": "watcher", "password": PASSWORD})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        r.json["token"].as_str().unwrap().to_owned()
    }

    async fn election(&self, token: &str, title: &str) -> String {
        let r = self
            .api(
                Method::POST,
                "/api/v1/elections",
                Some(token),
                Some(election_body(title)),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        r.json["id"].as_str().unwrap().to_owned()
    }
}

fn election_body(title: &str) -> Value {
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

fn error_code(r: &Reply) -> &str {
    r.json["error"]["code"].as_str().unwrap_or("<no code>")
}

#[tokio::test]
async fn health_names_the_backend() {
    let h = harness().await;
    let r = h.api(Method::GET, "/health", None, None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json, json!({"status": "ok", "backend": "sqlite"}));
}

#[tokio::test]
async fn first_run_setup_works_once_with_the_right_code() {
    let h = harness().await;
    let r = h.api(Method::GET, "/api/v1/setup", None, None).await;
    assert_eq!(r.json["setup_needed"], true);

    let r = h
        .api(
            Method::POST,
            "/api/v1/setup",
            None,
            Some(json!({"code": "AAAA-AAAA", "username": "chair", "password": PASSWORD})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json["error"]["fields"][0]["field"], "code");
    assert_eq!(r.json["error"]["fields"][0]["code"], "setup_code_invalid");

    let r = h
        .api(
            Method::POST,
            "/api/v1/setup",
            None,
            Some(json!({"code": h.setup_code, "username": "c", "password": "short"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let fields: Vec<&str> = r.json["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["username", "password"]);
    assert_eq!(
        h.state.store.count_users().await.unwrap(),
        0,
        "rejected input writes nothing"
    );

    let token = h.committee().await;
    assert!(token.starts_with("hjs_"));
    let r = h.api(Method::GET, "/api/v1/me", Some(&token), None).await;
    assert_eq!(r.json["role"], "committee");
    assert_eq!(r.json["user"]["username"], "chair");

    let r = h
        .api(
            Method::POST,
            "/api/v1/setup",
            None,
            Some(json!({"code": h.setup_code, "username": "again", "password": PASSWORD})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(error_code(&r), "setup_done");
    let r = h.api(Method::GET, "/api/v1/setup", None, None).await;
    assert_eq!(r.json["setup_needed"], false);
}

#[tokio::test]
async fn sign_in_failures_do_not_say_which_part_was_wrong() {
    let h = harness().await;
    h.committee().await;
    let wrong_password = h
        .api(
            Method::POST,
            "/api/v1/sessions",
            None,
            Some(json!({"username": "chair", "password": "not the password"})),
        )
        .await;
    let unknown_user = h
        .api(
            Method::POST,
            "/api/v1/sessions",
            None,
            Some(json!({"username": "nobody", "password": PASSWORD})),
        )
        .await;
    assert_eq!(wrong_password.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong_password.text, unknown_user.text);
    assert_eq!(error_code(&wrong_password), "sign_in_failed");
    assert!(wrong_password.json["error"]["message"]
        .as_str()
        .unwrap()
        .contains("用户名或密码"));
}

#[tokio::test]
async fn create_list_and_show_elections() {
    let h = harness().await;
    let token = h.committee().await;
    let r = h
        .api(
            Method::POST,
            "/api/v1/elections",
            Some(&token),
            Some(election_body("幸福社区居民委员会第七届换届选举")),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let id = r.json["id"].as_str().unwrap().to_owned();
    assert_eq!(
        r.headers[header::LOCATION].to_str().unwrap(),
        format!("/api/v1/elections/{id}")
    );
    assert_eq!(r.json["election_day"], "2026-06-01");
    assert_eq!(
        r.json["seats"][2],
        json!({"position": "member", "seats": 3})
    );

    let r = h
        .api(Method::GET, "/api/v1/elections", Some(&token), None)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json["elections"][0]["id"], id);

    let r = h
        .api(
            Method::GET,
            &format!("/api/v1/elections/{id}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json["title"], "幸福社区居民委员会第七届换届选举");
    assert_eq!(r.json["profile"], "county-2006");
    assert_eq!(r.json["body_kind"], "residents_committee");

    let missing = "00000000-0000-4000-8000-000000000000";
    let r = h
        .api(
            Method::GET,
            &format!("/api/v1/elections/{missing}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(error_code(&r), "not_found");
    let r = h
        .api(
            Method::GET,
            "/api/v1/elections/not-a-uuid",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn invalid_elections_are_refused_field_by_field_and_write_nothing() {
    let h = harness().await;
    let token = h.committee().await;
    let r = h
        .api(
            Method::POST,
            "/api/v1/elections",
            Some(&token),
            Some(json!({
                "body_kind": "residents_committee",
                "title": "",
                "profile": "nowhere-1999",
                "election_day": "2026-02-30",
                "seats": [
                    {"position": "director", "seats": 0},
                    {"position": "director", "seats": 1}
                ]
            })),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&r), "invalid_input");
    let fields: Vec<(String, String)> = r.json["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["field"].as_str().unwrap().to_owned(),
                f["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        fields,
        [
            ("title".to_owned(), "required".to_owned()),
            ("profile".to_owned(), "unknown_profile".to_owned()),
            ("election_day".to_owned(), "bad_date".to_owned()),
            ("seats[0].seats".to_owned(), "seats_at_least_one".to_owned()),
            (
                "seats[1].position".to_owned(),
                "duplicate_position".to_owned()
            ),
        ]
    );
    for f in r.json["error"]["fields"].as_array().unwrap() {
        assert!(!f["message"].as_str().unwrap().is_empty());
        assert!(f["message_en"]
            .as_str()
            .unwrap()
            .starts_with(f["field"].as_str().unwrap()));
    }
    let r = h
        .api(Method::GET, "/api/v1/elections", Some(&token), None)
        .await;
    assert_eq!(
        r.json["elections"],
        json!([]),
        "rejected input writes nothing"
    );
}

#[tokio::test]
async fn unreadable_bodies_get_a_plain_400() {
    let h = harness().await;
    let token = h.committee().await;
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/elections")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{not json"))
        .unwrap();
    let r = h.send(req).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&r), "malformed_body");
    assert!(r.json["error"]["message_en"]
        .as_str()
        .unwrap()
        .contains("JSON"));
}

#[tokio::test]
async fn no_credentials_means_401_with_a_json_error() {
    let h = harness().await;
    for (method, uri) in [
        (Method::GET, "/api/v1/elections"),
        (Method::POST, "/api/v1/elections"),
        (Method::GET, "/api/v1/me"),
    ] {
        let r = h.api(method, uri, None, Some(json!({}))).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{uri}");
        assert_eq!(error_code(&r), "unauthenticated");
        assert_eq!(r.headers[header::WWW_AUTHENTICATE], "Bearer");
    }
    let r = h
        .api(Method::GET, "/api/v1/elections", Some("hjs_forged"), None)
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn observers_read_but_every_state_change_is_403() {
    let h = harness().await;
    let committee = h.committee().await;
    let election = h.election(&committee, "观察员测试").await;
    let issued = h
        .api(
            Method::POST,
            &format!("/api/v1/elections/{election}/station-tokens"),
            Some(&committee),
            Some(json!({"station": "S1"})),
        )
        .await;
    let token_id = issued.json["id"].as_str().unwrap().to_owned();
    let observer = h.observer(&committee).await;

    let r = h
        .api(Method::GET, "/api/v1/elections", Some(&observer), None)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = h
        .api(
            Method::GET,
            &format!("/api/v1/elections/{election}"),
            Some(&observer),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);

    for (method, uri, body) in [
        (
            Method::POST,
            "/api/v1/elections".to_owned(),
            election_body("x"),
        ),
        (
            Method::POST,
            "/api/v1/users".to_owned(),
            json!({"username": "sneaky", "password": PASSWORD}),
        ),
        (
            Method::POST,
            format!("/api/v1/elections/{election}/station-tokens"),
            json!({"station": "S2"}),
        ),
        (
            Method::POST,
            format!("/api/v1/elections/{election}/station-tokens/{token_id}/revoke"),
            json!({}),
        ),
        (
            Method::PUT,
            format!("/api/v1/elections/{election}"),
            json!({}),
        ),
        (
            Method::DELETE,
            format!("/api/v1/elections/{election}"),
            json!({}),
        ),
    ] {
        let r = h
            .api(method.clone(), &uri, Some(&observer), Some(body))
            .await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "{method} {uri}: {}",
            r.text
        );
        assert_eq!(error_code(&r), "forbidden");
    }
    assert_eq!(h.state.store.list_elections().await.unwrap().len(), 1);

    // Signing out is the observer's own business.
    let r = h
        .api(
            Method::DELETE,
            "/api/v1/sessions/current",
            Some(&observer),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = h
        .api(Method::GET, "/api/v1/me", Some(&observer), None)
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "the session is gone");
}

#[tokio::test]
async fn station_tokens_are_bound_expire_and_can_be_revoked() {
    let h = harness().await;
    let committee = h.committee().await;
    let election = h.election(&committee, "投票站测试").await;
    let other = h.election(&committee, "另一场选举").await;

    let r = h
        .api(
            Method::POST,
            &format!("/api/v1/elections/{election}/station-tokens"),
            Some(&committee),
            Some(json!({"station": "S1", "valid_for_hours": 2})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let clerk = r.json["token"].as_str().unwrap().to_owned();
    let token_id = r.json["id"].as_str().unwrap().to_owned();
    assert!(clerk.starts_with("hjt_") && clerk.len() == 68);
    assert_eq!(r.json["status"], "active");

    // The list never shows the secret.
    let r = h
        .api(
            Method::GET,
            &format!("/api/v1/elections/{election}/station-tokens"),
            Some(&committee),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json["station_tokens"][0]["station"], "S1");
    assert!(!r.text.contains(&clerk));

    // Bound to its election and station.
    let own = format!("/api/v1/elections/{election}/stations/S1");
    let r = h.api(Method::GET, &own, Some(&clerk), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["role"], "clerk");
    let r = h
        .api(
            Method::GET,
            &format!("/api/v1/elections/{election}/stations/S2"),
            Some(&clerk),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = h
        .api(
            Method::GET,
            &format!("/api/v1/elections/{other}"),
            Some(&clerk),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = h
        .api(Method::GET, "/api/v1/elections", Some(&clerk), None)
        .await;
    assert_eq!(r.json["elections"].as_array().unwrap().len(), 1);
    assert_eq!(r.json["elections"][0]["id"], election);
    let r = h
        .api(
            Method::POST,
            "/api/v1/elections",
            Some(&clerk),
            Some(election_body("clerk")),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = h
        .api(
            Method::POST,
            &format!("/api/v1/elections/{election}/station-tokens"),
            Some(&clerk),
            Some(json!({"station": "S9"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // Revoked: refused at once.
    let r = h
        .api(
            Method::POST,
            &format!("/api/v1/elections/{other}/station-tokens/{token_id}/revoke"),
            Some(&committee),
            Some(json!({})),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::NOT_FOUND,
        "a token is revoked through its own election"
    );
    let r = h
        .api(
            Method::POST,
            &format!("/api/v1/elections/{election}/station-tokens/{token_id}/revoke"),
            Some(&committee),
            Some(json!({})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let r = h.api(Method::GET, &own, Some(&clerk), None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);

    // Expired: refused once the clock passes its expiry.
    let r = h
        .api(
            Method::POST,
            &format!("/api/v1/elections/{election}/station-tokens"),
            Some(&committee),
            Some(json!({"station": "S1", "valid_for_hours": 1})),
        )
        .await;
    let short = r.json["token"].as_str().unwrap().to_owned();
    assert_eq!(
        h.api(Method::GET, &own, Some(&short), None).await.status,
        StatusCode::OK
    );
    h.state.clock.advance(chrono::Duration::minutes(61));
    assert_eq!(
        h.api(Method::GET, &own, Some(&short), None).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn station_token_input_is_validated() {
    let h = harness().await;
    let committee = h.committee().await;
    let election = h.election(&committee, "校验").await;
    let r = h
        .api(
            Method::POST,
            &format!("/api/v1/elections/{election}/station-tokens"),
            Some(&committee),
            Some(json!({"station": "站 1", "valid_for_hours": 0})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json["error"]["fields"][0]["field"], "station");
    assert_eq!(r.json["error"]["fields"][1]["field"], "valid_for_hours");
    let missing = "00000000-0000-4000-8000-000000000000";
    let r = h
        .api(
            Method::POST,
            &format!("/api/v1/elections/{missing}/station-tokens"),
            Some(&committee),
            Some(json!({"station": "S1"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn usernames_are_unique_and_clerks_get_no_accounts() {
    let h = harness().await;
    let committee = h.committee().await;
    let r = h
        .api(
            Method::POST,
            "/api/v1/users",
            Some(&committee),
            Some(json!({"username": "chair", "password": PASSWORD})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(error_code(&r), "username_taken");
    let r = h
        .api(
            Method::POST,
            "/api/v1/users",
            Some(&committee),
            Some(json!({"username": "clerk1", "password": PASSWORD, "role": "clerk"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json["error"]["fields"][0]["field"], "role");
}

#[tokio::test]
async fn sessions_expire() {
    let h = harness().await;
    let token = h.committee().await;
    assert_eq!(
        h.api(Method::GET, "/api/v1/me", Some(&token), None)
            .await
            .status,
        StatusCode::OK
    );
    h.state.clock.advance(chrono::Duration::hours(13));
    assert_eq!(
        h.api(Method::GET, "/api/v1/me", Some(&token), None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}

// --- pages ----------------------------------------------------------------

fn session_cookie(r: &Reply) -> String {
    let set = r
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with("huanjie_session="))
        .expect("a session cookie");
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict"),
        "{set}"
    );
    set.split(';').next().unwrap().to_owned()
}

#[tokio::test]
async fn pages_lead_through_setup_then_sign_in() {
    let h = harness().await;
    let r = h.page(Method::GET, "/", None, None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.headers[header::LOCATION], "/setup");
    let r = h.page(Method::GET, "/setup", None, None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("首次设置"));

    let r = h
        .page(
            Method::POST,
            "/setup",
            None,
            Some("code=WRONG-CODE&username=chair&password=correct+horse+battery"),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.text.contains("id=\"code-error\""),
        "the error sits next to the field"
    );

    let form = format!(
        "code={}&username=chair&password=correct+horse+battery",
        h.setup_code
    );
    let r = h.page(Method::POST, "/setup", None, Some(&form)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(r.headers[header::LOCATION], "/elections");
    let cookie = session_cookie(&r);

    let r = h.page(Method::GET, "/elections", Some(&cookie), None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("选举列表") && r.text.contains("还没有选举"));

    // Signed out: the list sends you to sign in.
    let r = h
        .page(Method::POST, "/signout", Some(&cookie), Some(""))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = h.page(Method::GET, "/elections", Some(&cookie), None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.headers[header::LOCATION], "/signin");

    let r = h
        .page(
            Method::POST,
            "/signin",
            None,
            Some("username=chair&password=wrong+password"),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.text.contains("用户名或密码不正确"));
    let r = h
        .page(
            Method::POST,
            "/signin",
            None,
            Some("username=chair&password=correct+horse+battery"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    session_cookie(&r);
}

#[tokio::test]
async fn the_form_creates_an_election_or_shows_errors_by_field() {
    let h = harness().await;
    let form = format!(
        "code={}&username=chair&password=correct+horse+battery",
        h.setup_code
    );
    let cookie = session_cookie(&h.page(Method::POST, "/setup", None, Some(&form)).await);

    let r = h
        .page(Method::GET, "/elections/new", Some(&cookie), None)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    for text in ["主任", "副主任", "委员", "county-2006", "居民委员会"] {
        assert!(r.text.contains(text), "{text}");
    }

    let bad = "body_kind=residents_committee&title=&profile=county-2006&election_day=2026-6-1&seats_director=0&seats_deputy=&seats_member=3";
    let r = h
        .page(Method::POST, "/elections", Some(&cookie), Some(bad))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text.contains("id=\"title-error\""));
    assert!(r.text.contains("id=\"election_day-error\""));
    assert!(
        r.text.contains("id=\"seats_director-error\""),
        "the seat error is on its row"
    );
    assert!(!r.text.contains("id=\"seats_member-error\""));
    assert!(h.state.store.list_elections().await.unwrap().is_empty());

    let good = "body_kind=residents_committee&title=%E5%B9%B8%E7%A6%8F%E7%A4%BE%E5%8C%BA&profile=county-2006&election_day=2026-06-01&seats_director=1&seats_deputy=1&seats_member=3";
    let r = h
        .page(Method::POST, "/elections", Some(&cookie), Some(good))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let location = r.headers[header::LOCATION].to_str().unwrap().to_owned();
    let r = h.page(Method::GET, &location, Some(&cookie), None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("幸福社区") && r.text.contains("2026-06-01"));
}

#[tokio::test]
async fn english_is_one_click_away_and_remembered() {
    let h = harness().await;
    let r = h.page(Method::GET, "/setup?lang=en", None, None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("First-run set-up") && r.text.contains("lang=\"en\""));
    let set = r.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(set.starts_with("lang=en"), "{set}");
    let r = h.page(Method::GET, "/setup", Some("lang=en"), None).await;
    assert!(r.text.contains("Finish set-up"));
    assert!(
        r.text.contains("href=\"/setup?lang=zh\""),
        "the switch leads back to Chinese"
    );
}

#[tokio::test]
async fn page_posts_from_another_site_are_refused() {
    let h = harness().await;
    let token = h.committee().await;
    let req = Request::builder()
        .method(Method::POST)
        .uri("/elections")
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, "https://evil.example")
        .header(header::COOKIE, format!("huanjie_session={token}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("title=x"))
        .unwrap();
    let r = h.send(req).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(
        r.text.contains("<!doctype html>"),
        "pages get an error page, not JSON"
    );
}

#[tokio::test]
async fn observers_get_a_403_page_for_the_form() {
    let h = harness().await;
    let committee = h.committee().await;
    let observer = h.observer(&committee).await;
    let cookie = format!("huanjie_session={observer}");
    let r = h.page(Method::GET, "/elections", Some(&cookie), None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        !r.text.contains("id=\"new-election\""),
        "no create button for observers"
    );
    let r = h
        .page(Method::GET, "/elections/new", Some(&cookie), None)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.text.contains("无权操作"));
    let r = h
        .page(Method::POST, "/elections", Some(&cookie), Some("title=x"))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn unknown_pages_and_api_paths_are_404_in_their_own_form() {
    let h = harness().await;
    let r = h.page(Method::GET, "/no/such/page", None, None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.text.contains("<!doctype html>"));
    let r = h
        .api(Method::GET, "/api/v1/no-such-thing", None, None)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(error_code(&r), "not_found");
    let token = h.committee().await;
    let r = h
        .api(
            Method::PUT,
            "/api/v1/elections",
            Some(&token),
            Some(json!({})),
        )
        .await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(error_code(&r), "method_not_allowed");
    let r = h.api(Method::GET, "/assets/app.css", None, None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/css"));
}
