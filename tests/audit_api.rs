//! End-to-end: the audit log (issue 8) over HTTP, on a fresh SQLite file
//! and on a fresh PostgreSQL database.
//!
//! - `audit_trail`: sign-ins (failed and not), accounts, an election taken
//!   from roll to polls open and close, station tokens issued and revoked,
//!   an observer refused, certification, the pages' sign-ins: each is an
//!   entry on the right chain, with its actor and event, in order, and
//!   nothing secret anywhere (no password, session or station token,
//!   resident ID). Polls open, polls close and certification are
//!   checkpointed at once with the election's key; the chain verifies.
//!   Then the log is tampered with under the store, as the database's
//!   owner can: an edited entry and a cut-off end are named by
//!   `/audit/verify`.
//! - `role_route_matrix`: every route of `crates/huanjie-web/src/api/mod.rs`
//!   (read from the file, so a new route joins by itself), called as an
//!   observer, a station clerk and nobody: observers change nothing, clerks
//!   change nothing outside their own station and read only what the table
//!   below allows, nobody reads anything but the public routes; every
//!   refusal of an observer is in the log under their name.
//! - `public_election_matrix`: the same routes as nobody once an election
//!   is set `public` (issue 8): the observer portal's reads open, nothing
//!   else, no change goes through, another election stays shut.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::Duration;
use huanjie_registration::{generate_roll_csv, Encoding};
use huanjie_testkit::app::{call, spawn_postgres_app, spawn_sqlite_app, TestApp, TEST_PASSWORD};
use huanjie_testkit::app::{ok, today};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// An election with a published voter list, a fixed formal list, a
/// central station with its scrutineers, and a station token for it;
/// returns the election's path, its id, the voters' IDs (whole, as the
/// committee sees them) and the clerk's token.
async fn ready_for_polls(app: &TestApp, token: &str) -> (String, String, Vec<String>, String) {
    let day = today() + Duration::days(31);
    let body = ok(
        &call(
            app,
            Method::POST,
            "/elections",
            token,
            Some(json!({
                "body_kind": "residents_committee", "title": "和平社区",
                "profile": "city-2009", "election_day": day.to_string(),
                "seats": [{"position": "director", "seats": 1}, {"position": "member", "seats": 4}]
            })),
        )
        .await,
        StatusCode::CREATED,
    );
    let id = body["id"].as_str().unwrap().to_owned();
    let e = format!("/elections/{id}");
    let csv = generate_roll_csv(45, 400, day, Encoding::Utf8);
    let reply = app
        .client()
        .post(app.url(&format!("/api/v1{e}/roll")))
        .bearer_auth(token)
        .body(csv)
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
    let residents: Vec<&Value> = page["residents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["waived"] != true)
        .collect();
    let v: Vec<String> = residents
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    let ids: Vec<String> = page["residents"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["resident_id"].as_str().map(str::to_owned))
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
                Some(json!({
                    "kind": "self_nomination",
                    "nominators": [who],
                    "nominees": [{"resident": who, "position": position}],
                })),
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
    let clerk = ok(
        &call(
            app,
            Method::POST,
            &format!("{e}/station-tokens"),
            token,
            Some(json!({"station": "central"})),
        )
        .await,
        StatusCode::CREATED,
    )["token"]
        .as_str()
        .unwrap()
        .to_owned();
    (e, id, ids, clerk)
}

/// Every entry of a chain (`/audit` for the server chain).
async fn read_log(app: &TestApp, token: &str, base: &str) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    loop {
        let after = out.last().map_or(0, |e| e["seq"].as_u64().unwrap());
        let page = ok(
            &call(
                app,
                Method::GET,
                &format!("{base}/audit?after={after}&limit=7"),
                token,
                None,
            )
            .await,
            StatusCode::OK,
        );
        let entries = page["entries"].as_array().unwrap().clone();
        let done = page["next_after"].is_null();
        out.extend(entries);
        if done {
            return out;
        }
    }
}

/// (actor, action, event, status) of each entry.
fn summary(log: &[Value]) -> Vec<(String, String, String, u64)> {
    log.iter()
        .map(|e| {
            (
                e["actor"].as_str().unwrap().to_owned(),
                e["action"].as_str().unwrap().to_owned(),
                e["details"]["event"].as_str().unwrap_or("").to_owned(),
                e["details"]["status"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn row(actor: &str, action: &str, event: &str, status: u16) -> (String, String, String, u64) {
    (
        actor.to_owned(),
        action.to_owned(),
        event.to_owned(),
        u64::from(status),
    )
}

async fn audit_trail(app: TestApp) {
    let chair = app.set_up_committee("chair").await.unwrap();
    // A failed sign-in, a successful one, an observer's account.
    let wrong = "wrong horse battery staple";
    let reply = app
        .client()
        .post(app.url("/api/v1/sessions"))
        .json(&json!({"username": "chair", "password": wrong}))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::UNAUTHORIZED);
    let token = app.sign_in("chair", TEST_PASSWORD).await.unwrap();
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

    let (e, id, resident_ids, clerk) = ready_for_polls(&app, &token).await;
    assert!(resident_ids.len() > 300, "the committee sees whole IDs");
    // A second token, revoked at once; an observer refused.
    let spare = ok(
        &call(
            &app,
            Method::POST,
            &format!("{e}/station-tokens"),
            &token,
            Some(json!({"station": "M1"})),
        )
        .await,
        StatusCode::CREATED,
    );
    let spare_id = spare["id"].as_str().unwrap();
    let revoked = call(
        &app,
        Method::POST,
        &format!("{e}/station-tokens/{spare_id}/revoke"),
        &token,
        None,
    )
    .await;
    assert_eq!(revoked.0, StatusCode::NO_CONTENT);
    let refused = call(
        &app,
        Method::POST,
        &format!("{e}/stations/central/open"),
        &observer,
        None,
    )
    .await;
    assert_eq!(refused.0, StatusCode::FORBIDDEN);

    // No checkpoint yet; polls open makes one at once.
    let checkpoints = ok(
        &call(
            &app,
            Method::GET,
            &format!("{e}/audit/checkpoints"),
            &token,
            None,
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(checkpoints["checkpoints"], json!([]));
    ok(
        &call(
            &app,
            Method::POST,
            &format!("{e}/stations/central/open"),
            &clerk,
            None,
        )
        .await,
        StatusCode::OK,
    );
    let checkpoints = ok(
        &call(
            &app,
            Method::GET,
            &format!("{e}/audit/checkpoints"),
            &observer,
            None,
        )
        .await,
        StatusCode::OK,
    );
    let signed = checkpoints["checkpoints"].as_array().unwrap().clone();
    assert_eq!(signed.len(), 1, "{checkpoints}");
    let key = ok(
        &call(
            &app,
            Method::GET,
            &format!("{e}/public-key"),
            &observer,
            None,
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(checkpoints["public_key"], key["public_key"]);
    let open_size = signed[0]["size"].as_u64().unwrap();

    // The election's chain, in order, as an observer reads it.
    let log = read_log(&app, &observer, &e).await;
    assert_eq!(
        log.len() as u64,
        open_size,
        "the checkpoint covers the open"
    );
    let s = summary(&log);
    let api = "/api/v1/elections/{election_id}";
    assert_eq!(
        s[0],
        row("chair", "POST /api/v1/elections", "election_create", 201)
    );
    assert_eq!(
        s[1],
        row("chair", &format!("POST {api}/roll"), "roll_import", 200)
    );
    assert_eq!(
        s[2],
        row(
            "chair",
            &format!("POST {api}/publication"),
            "publication",
            201
        )
    );
    assert!(s[3..10].iter().all(|r| *r
        == row(
            "chair",
            &format!("POST {api}/nominations"),
            "nomination",
            201
        )));
    assert_eq!(
        s[10],
        row(
            "chair",
            &format!("POST {api}/formal-list"),
            "formal_list",
            201
        )
    );
    assert_eq!(
        s[11],
        row("chair", &format!("POST {api}/stations"), "", 201)
    );
    assert_eq!(
        s[15],
        row(
            "chair",
            &format!("POST {api}/station-tokens"),
            "token_issue",
            201
        )
    );
    assert_eq!(log[15]["details"]["result"]["station"], "central");
    assert_eq!(
        s[16],
        row(
            "chair",
            &format!("POST {api}/station-tokens"),
            "token_issue",
            201
        )
    );
    assert_eq!(
        s[17],
        row(
            "chair",
            &format!("POST {api}/station-tokens/{{token_id}}/revoke"),
            "token_revoke",
            204
        )
    );
    assert_eq!(log[17]["details"]["params"], json!({"token_id": spare_id}));
    assert_eq!(
        s[18],
        row(
            "watcher",
            &format!("POST {api}/stations/{{station}}/open"),
            "polls_open_failed",
            403
        )
    );
    assert_eq!(
        s[19],
        row(
            "station:central",
            &format!("POST {api}/stations/{{station}}/open"),
            "polls_open",
            200
        )
    );
    assert_eq!(log[19]["details"]["params"], json!({"station": "central"}));
    assert_eq!(log.len(), 20);
    for (i, entry) in log.iter().enumerate() {
        assert_eq!(entry["seq"], i + 1);
        assert_eq!(entry["chain"], id.as_str());
        assert_eq!(entry["hash"].as_str().unwrap().len(), 64);
    }

    // The server chain: set-up, the failed and the good sign-in, the
    // account, the observer's sign-in.
    let server = read_log(&app, &token, "").await;
    let s = summary(&server);
    assert_eq!(
        s,
        vec![
            row("chair", "POST /api/v1/setup", "setup", 201),
            row("-", "POST /api/v1/sessions", "sign_in_failed", 401),
            row("chair", "POST /api/v1/sessions", "sign_in", 201),
            row("chair", "POST /api/v1/users", "user_create", 201),
            row("watcher", "POST /api/v1/sessions", "sign_in", 201),
        ]
    );
    assert_eq!(
        server[3]["details"]["result"]["username"], "watcher",
        "{}",
        server[3]
    );

    // Clerks do not read the log; observers verify it.
    let reply = call(&app, Method::GET, &format!("{e}/audit"), &clerk, None).await;
    assert_eq!(reply.0, StatusCode::FORBIDDEN);
    let verified = ok(
        &call(
            &app,
            Method::GET,
            &format!("{e}/audit/verify"),
            &observer,
            None,
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(verified["ok"], true, "{verified}");
    assert_eq!(verified["size"], 20);
    assert_eq!(verified["head"], log[19]["hash"]);
    assert_eq!(verified["checkpoints"], 1);
    let verified = ok(
        &call(&app, Method::GET, "/audit/verify", &observer, None).await,
        StatusCode::OK,
    );
    assert_eq!(verified["ok"], true, "{verified}");

    // Polls close: a second checkpoint at once.
    ok(
        &call(
            &app,
            Method::POST,
            &format!("{e}/stations/central/close"),
            &clerk,
            None,
        )
        .await,
        StatusCode::OK,
    );
    // Certification (a void round: nobody voted) is checkpointed too.
    let certify = app
        .client()
        .post(app.url(&format!("/api/v1{e}/certification")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(certify.status(), StatusCode::CREATED);
    let checkpoints = ok(
        &call(
            &app,
            Method::GET,
            &format!("{e}/audit/checkpoints"),
            &token,
            None,
        )
        .await,
        StatusCode::OK,
    );
    let signed = checkpoints["checkpoints"].as_array().unwrap().clone();
    assert_eq!(
        signed
            .iter()
            .map(|c| c["size"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        vec![20, 21, 22]
    );
    // The export holds all of it.
    let export = app
        .client()
        .get(app.url(&format!("/api/v1{e}/audit/export")))
        .bearer_auth(&observer)
        .send()
        .await
        .unwrap();
    assert_eq!(export.status(), StatusCode::OK);
    let export: Value = export.json().await.unwrap();
    assert_eq!(export["format"], "huanjie.audit-log/1");
    assert_eq!(export["entries"].as_array().unwrap().len(), 22);
    assert_eq!(
        summary(&export["entries"].as_array().unwrap()[20..]),
        vec![
            row(
                "station:central",
                "POST /api/v1/elections/{election_id}/stations/{station}/close",
                "polls_close",
                200
            ),
            row(
                "chair",
                "POST /api/v1/elections/{election_id}/certification",
                "certification",
                201
            ),
        ]
    );
    assert_eq!(export["checkpoints"], checkpoints["checkpoints"]);
    assert_eq!(export["public_key"], key["public_key"]);

    // The pages' sign-ins: a user's (on the server chain) and a clerk's
    // tablet (on its election's chain), each as who signed in.
    let pages = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for (path, form) in [
        (
            "/signin",
            format!(
                "username=chair&password={}",
                TEST_PASSWORD.replace(' ', "+")
            ),
        ),
        ("/station", format!("token={clerk}")),
    ] {
        let reply = pages
            .post(app.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form)
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), StatusCode::SEE_OTHER, "{path}");
    }
    let server = read_log(&app, &token, "").await;
    assert_eq!(
        summary(&server[5..]),
        vec![row("chair", "POST /signin", "sign_in", 303)]
    );
    let log = read_log(&app, &observer, &e).await;
    assert_eq!(
        summary(&log[22..]),
        vec![row(
            "station:central",
            "POST /station",
            "station_sign_in",
            303
        )]
    );

    // Nothing secret anywhere.
    let everything = format!("{}{}", json!(log), json!(server));
    for secret in [
        TEST_PASSWORD,
        wrong,
        &chair,
        &token,
        &observer,
        &clerk,
        spare["token"].as_str().unwrap(),
    ] {
        assert!(!everything.contains(secret), "{secret} is in the log");
    }
    for rid in &resident_ids {
        assert!(
            !everything.contains(rid.as_str()),
            "a resident ID is in the log"
        );
    }

    // Tampering, under the store, with the owner's rights.
    let raw = Raw::open(&app.database_url).await;
    raw.drop_guard().await;
    raw.exec(&format!(
        "UPDATE audit_log SET actor = 'someone' WHERE chain = '{id}' AND seq = 19"
    ))
    .await;
    let verified = ok(
        &call(
            &app,
            Method::GET,
            &format!("{e}/audit/verify"),
            &observer,
            None,
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(verified["ok"], false, "{verified}");
    assert_eq!(
        (&verified["code"], &verified["seq"]),
        (&json!("edited"), &json!(19)),
        "{verified}"
    );
    assert!(verified["message"].as_str().unwrap().contains("第 19 条"));
    assert!(verified["message_en"].as_str().unwrap().contains("19"));
    // Put back, it verifies again; the end cut off shows against the
    // checkpoint signed at polls close.
    raw.exec(&format!(
        "UPDATE audit_log SET actor = 'watcher' WHERE chain = '{id}' AND seq = 19"
    ))
    .await;
    let verified = ok(
        &call(
            &app,
            Method::GET,
            &format!("{e}/audit/verify"),
            &observer,
            None,
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(verified["ok"], true, "{verified}");
    raw.exec(&format!(
        "DELETE FROM audit_log WHERE chain = '{id}' AND seq > 20"
    ))
    .await;
    let verified = ok(
        &call(
            &app,
            Method::GET,
            &format!("{e}/audit/verify"),
            &observer,
            None,
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(
        (&verified["ok"], &verified["code"]),
        (&json!(false), &json!("truncated")),
        "{verified}"
    );
    raw.close().await;
    app.stop().await.unwrap();
}

/// The database under the app, for what the app never does.
enum Raw {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

impl Raw {
    async fn open(url: &str) -> Raw {
        if url.starts_with("postgres") {
            let store = huanjie_store::PostgresStore::connect(url).await.unwrap();
            Raw::Postgres(store.pool().clone())
        } else {
            let store = huanjie_store::SqliteStore::open(url).await.unwrap();
            Raw::Sqlite(store.pool().clone())
        }
    }

    async fn exec(&self, sql: &str) -> u64 {
        match self {
            Raw::Sqlite(pool) => sqlx::query(sql)
                .execute(pool)
                .await
                .unwrap()
                .rows_affected(),
            Raw::Postgres(pool) => sqlx::query(sql)
                .execute(pool)
                .await
                .unwrap()
                .rows_affected(),
        }
    }

    /// What the owner of the tables can always do: take the append-only
    /// guard away (as in crates/huanjie-store/tests/audit_conformance.rs).
    async fn drop_guard(&self) {
        let statements: &[&str] = match self {
            Raw::Sqlite(_) => &[
                "DROP TRIGGER audit_log_no_update",
                "DROP TRIGGER audit_log_no_delete",
                "DROP TRIGGER audit_log_in_order",
            ],
            Raw::Postgres(_) => &[
                "GRANT UPDATE, DELETE, TRUNCATE ON audit_log, audit_checkpoints TO CURRENT_USER",
                "ALTER TABLE audit_log DISABLE TRIGGER USER",
            ],
        };
        for sql in statements {
            self.exec(sql).await;
        }
    }

    async fn close(self) {
        match self {
            Raw::Sqlite(pool) => pool.close().await,
            Raw::Postgres(pool) => pool.close().await,
        }
    }
}

// --- the role × route matrix ---------------------------------------------------

/// Every route of the API router, read from its source: (methods, template).
fn api_routes() -> Vec<(Vec<&'static str>, String)> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/crates/huanjie-web/src/api/mod.rs"
    );
    let source = std::fs::read_to_string(path).unwrap();
    let body = source
        .split("pub fn routes()")
        .nth(1)
        .expect("api/mod.rs has `pub fn routes()`");
    let body = body.split(".fallback(").next().unwrap();
    let chunks: Vec<&str> = body.split(".route(").skip(1).collect();
    assert!(chunks.len() > 40, "routes not found in {path}");
    chunks
        .into_iter()
        .map(|chunk| {
            let template = chunk.split('"').nth(1).expect("a route's path").to_owned();
            let mut methods = Vec::new();
            for m in ["get", "post", "put", "patch", "delete"] {
                let found = chunk.match_indices(&format!("{m}(")).any(|(i, _)| {
                    i == 0
                        || !(chunk.as_bytes()[i - 1].is_ascii_alphanumeric()
                            || matches!(chunk.as_bytes()[i - 1], b'_' | b':'))
                });
                if found {
                    methods.push(m);
                }
            }
            assert!(!methods.is_empty(), "no method found for {template}");
            (methods, template)
        })
        .collect()
}

/// What nobody signed in may read.
const PUBLIC: &[(&str, &str)] = &[
    ("get", "/setup"),
    ("get", "/roll-template.csv"),
    ("get", "/roll-template.xlsx"),
];

/// What a clerk may read beyond its own station's routes (`…/stations/
/// {station}/…`): who it is, the election it works for, the public key,
/// and the count as everyone who may see the election sees it (board,
/// result, reconciliation: totals only once every station has closed;
/// reviews: its own station's only).
const CLERK_READS: &[&str] = &[
    "/me",
    "/sessions/current",
    "/profiles",
    "/elections",
    "/elections/{election_id}",
    "/elections/{election_id}/public-key",
    "/elections/{election_id}/count",
    "/elections/{election_id}/count/events",
    "/elections/{election_id}/result",
    "/elections/{election_id}/reconciliation",
    "/elections/{election_id}/reviews",
    "/roll-template.csv",
    "/roll-template.xlsx",
    "/setup",
];

/// What nobody signed in may also read of an election whose committee
/// set its observer access `public` (issue 8): the observer portal's API
/// reads, and nothing that changes state.
const PUBLIC_WHEN_OPEN: &[&str] = &[
    "/elections/{election_id}",
    "/elections/{election_id}/count",
    "/elections/{election_id}/count/events",
    "/elections/{election_id}/reconciliation",
    "/elections/{election_id}/result",
    "/elections/{election_id}/case",
    "/elections/{election_id}/certification",
    "/elections/{election_id}/public-key",
    "/elections/{election_id}/roll-changes",
    "/elections/{election_id}/audit",
    "/elections/{election_id}/audit/checkpoints",
    "/elections/{election_id}/audit/verify",
    "/elections/{election_id}/audit/export",
];

/// The one POST not logged: a station tablet's camera frames, a few a
/// second, storing nothing (crates/huanjie-web/src/audit.rs).
const NOT_LOGGED: &[&str] = &["/elections/{election_id}/stations/{station}/read-serial"];

/// Routes about one's own session: an observer may sign in and out.
fn own_session(method: &str, template: &str) -> bool {
    matches!(
        (method, template),
        ("post", "/sessions") | ("delete", "/sessions/current") | ("post", "/setup")
    )
}

async fn role_route_matrix(app: TestApp) {
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
    let (e, id, _, clerk) = ready_for_polls(&app, &chair).await;
    let other = ok(
        &call(
            &app,
            Method::POST,
            &format!("{e}/station-tokens"),
            &chair,
            Some(json!({"station": "M1"})),
        )
        .await,
        StatusCode::CREATED,
    );
    let other_token_id = other["id"].as_str().unwrap().to_owned();
    let entries_before = read_log(&app, &chair, &e).await.len();

    let routes = api_routes();
    let fill = |template: &str, station: &str| {
        template
            .replace("{election_id}", &id)
            .replace("{station}", station)
            .replace("{token_id}", &other_token_id)
            .replace("{number}", "1")
            .replace("{batch}", "1")
            .replace("{job}", "00000000-0000-4000-8000-000000000001")
            .replace("{kind}", "results")
            .replace("{objection}", "00000000-0000-4000-8000-000000000002")
            .replace("{proxy}", "00000000-0000-4000-8000-000000000003")
            .replace("{resident}", "00000000-0000-4000-8000-000000000004")
    };
    let client = reqwest::Client::new();
    let mut failures = Vec::new();
    let mut observer_refusals = 0usize;
    for (methods, template) in &routes {
        assert!(
            !template.contains('{')
                || fill(template, "S").chars().filter(|c| *c == '{').count() == 0,
            "the matrix does not know a parameter of {template}: add it to `fill`"
        );
        let station_route = template.contains("/stations/{station}");
        for method in methods {
            if own_session(method, template) {
                continue;
            }
            let changes = *method != "get";
            let http = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            // (who, credential, station in the path)
            let mut callers = vec![
                ("observer", Some(observer.as_str()), "central"),
                ("none", None, "central"),
                ("clerk", Some(clerk.as_str()), "M1"),
            ];
            if station_route {
                callers.push(("own clerk", Some(clerk.as_str()), "central"));
            }
            for (who, credential, station) in callers {
                let path = fill(template, station);
                let mut req = client.request(http.clone(), app.url(&format!("/api/v1{path}")));
                if let Some(c) = credential {
                    req = req.bearer_auth(c);
                }
                if changes {
                    req = req.json(&json!({}));
                }
                let status = req.send().await.unwrap().status();
                if status == StatusCode::INTERNAL_SERVER_ERROR {
                    failures.push(format!("{who} {method} {path}: {status}"));
                }
                let allowed = match who {
                    "none" => PUBLIC.contains(&(method, template.as_str())),
                    "observer" => !changes,
                    "clerk" => !changes && CLERK_READS.contains(&template.as_str()),
                    _ => true,
                };
                if status.is_success() && !allowed {
                    failures.push(format!("{who} {method} {path}: {status}"));
                }
                if who == "observer"
                    && changes
                    && template.starts_with("/elections/{election_id}")
                    && !NOT_LOGGED.contains(&template.as_str())
                {
                    observer_refusals += 1;
                }
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");

    // Each of the observer's attempts is in the election's log, by name.
    let log = read_log(&app, &chair, &e).await;
    let by_observer = log[entries_before..]
        .iter()
        .filter(|e| e["actor"] == "watcher" && !e["action"].as_str().unwrap().starts_with("GET "))
        .inspect(|e| assert_eq!(e["details"]["status"], 403, "{e}"))
        .count();
    assert_eq!(by_observer, observer_refusals);
    let verified = ok(
        &call(
            &app,
            Method::GET,
            &format!("{e}/audit/verify"),
            &observer,
            None,
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(verified["ok"], true, "{verified}");
    app.stop().await.unwrap();
}

/// The matrix again as nobody, for an election set `public`: nobody
/// reads the portal's reads (none is shut) and nothing else, changes
/// nothing (no route that changes state answers 2xx, the setting stays,
/// no entry of nobody's is a success), and another election stays shut.
async fn public_election_matrix(app: TestApp) {
    let chair = app.set_up_committee("chair").await.unwrap();
    let (e, id, _, clerk) = ready_for_polls(&app, &chair).await;
    ok(
        &call(
            &app,
            Method::POST,
            &format!("{e}/stations/central/open"),
            &clerk,
            None,
        )
        .await,
        StatusCode::OK,
    );
    // Another election, left at `token`.
    let other_id = ok(
        &call(
            &app,
            Method::POST,
            "/elections",
            &chair,
            Some(json!({
                "body_kind": "residents_committee", "title": "另一个社区",
                "profile": "city-2009", "election_day": (today() + Duration::days(40)).to_string(),
                "seats": [{"position": "member", "seats": 5}]
            })),
        )
        .await,
        StatusCode::CREATED,
    )["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let other = format!("/elections/{other_id}");
    ok(
        &call(
            &app,
            Method::PUT,
            &format!("{e}/observer-access"),
            &chair,
            Some(json!({"access": "public"})),
        )
        .await,
        StatusCode::OK,
    );
    let entries_before = read_log(&app, &chair, &e).await.len();
    let fill = |template: &str, election: &str| {
        template
            .replace("{election_id}", election)
            .replace("{station}", "central")
            .replace("{token_id}", "00000000-0000-4000-8000-000000000005")
            .replace("{number}", "1")
            .replace("{batch}", "1")
            .replace("{job}", "00000000-0000-4000-8000-000000000001")
            .replace("{kind}", "results")
            .replace("{objection}", "00000000-0000-4000-8000-000000000002")
            .replace("{proxy}", "00000000-0000-4000-8000-000000000003")
            .replace("{resident}", "00000000-0000-4000-8000-000000000004")
    };
    let client = reqwest::Client::new();
    let mut failures = Vec::new();
    let mut portal_reads = 0usize;
    for (methods, template) in &api_routes() {
        for method in methods {
            let changes = *method != "get";
            let http = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let portal = !changes && PUBLIC_WHEN_OPEN.contains(&template.as_str());
            for (election, public) in [(&id, true), (&other_id, false)] {
                let path = fill(template, election);
                let mut req = client.request(http.clone(), app.url(&format!("/api/v1{path}")));
                if changes {
                    req = req.json(&json!({}));
                }
                let status = req.send().await.unwrap().status();
                let allowed = PUBLIC.contains(&(method, template.as_str())) || (public && portal);
                if status == StatusCode::INTERNAL_SERVER_ERROR || (status.is_success() && !allowed)
                {
                    failures.push(format!("nobody {method} {path}: {status}"));
                }
                if public && portal {
                    portal_reads += 1;
                    if matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) {
                        failures.push(format!("the portal's {method} {path} is shut: {status}"));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    assert_eq!(
        portal_reads,
        PUBLIC_WHEN_OPEN.len(),
        "every portal read is a route"
    );

    // Nothing changed: the setting, and no success of nobody's in the log.
    let access = ok(
        &call(
            &app,
            Method::GET,
            &format!("{e}/observer-access"),
            &chair,
            None,
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(access["access"], "public");
    let log = read_log(&app, &chair, &e).await;
    let tried = log[entries_before..]
        .iter()
        .filter(|x| x["actor"] == "-" && !x["action"].as_str().unwrap().starts_with("GET "))
        .inspect(|x| {
            let status = x["details"]["status"].as_u64().unwrap();
            assert!(
                !(200..300).contains(&status),
                "nobody changed something: {x}"
            );
        })
        .count();
    assert!(tried > 40, "nobody's attempts are logged ({tried})");
    for chain in [&e, &other] {
        let verified = ok(
            &call(
                &app,
                Method::GET,
                &format!("{chain}/audit/verify"),
                &chair,
                None,
            )
            .await,
            StatusCode::OK,
        );
        assert_eq!(verified["ok"], true, "{verified}");
    }
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

on_both_backends!(audit_trail, role_route_matrix, public_election_matrix);
