//! End-to-end: the observer portal (issue 8) over HTTP, on a fresh SQLite
//! file and on a fresh PostgreSQL database.
//!
//! - `portal_opens_to_nobody_only_when_public`: an election taken from a
//!   published list (with one amendment after publication) through polls
//!   open, 8 ballots issued, polls closed, 7 scanned and certification. Set
//!   to `token` (the default), nobody gets any portal page (sent to sign
//!   in) or read (401), while a signed-in observer reads it and a clerk is
//!   refused. Set `public`, nobody reads the portal's pages with the right
//!   figures (received 13, issued 8, returned 7, unused 5, the shortfall
//!   flagged under R-CNT-2; the result hidden while the polls were open,
//!   shown after; the fingerprints and the amendment with its reason; the
//!   log verified with its checkpoints, paged) and every download, but
//!   nothing else of the election (no resident search, registration,
//!   election page, station tokens, voter-list export), another election
//!   stays closed, and every state-changing attempt is refused with the
//!   state unchanged. No page or read shows a whole resident ID, only
//!   masked ones. Set back to `token`, nobody is shut out again at once.
//! - `only_the_committee_sets_access`: the setting's route refuses
//!   observers, clerks and nobody, names the field for a bad value, and
//!   the change is in the election's log.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::Duration;
use huanjie_registration::{generate_roll_csv, Encoding};
use huanjie_testkit::app::{call, spawn_postgres_app, spawn_sqlite_app, TestApp, TEST_PASSWORD};
use huanjie_testkit::app::{ok, today};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// What observers see of a resident ID: the first 4 and last 4 characters.
fn masked(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    let n = chars.len();
    let mut out: String = chars[..4].iter().collect();
    out.push_str(&"*".repeat(n - 8));
    out.extend(&chars[n - 4..]);
    out
}

/// A client that neither follows redirects nor sends credentials.
fn nobody() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// GET as nobody (or with a bearer credential): status, body, Location.
async fn get(app: &TestApp, path: &str, bearer: Option<&str>) -> (StatusCode, String, String) {
    let mut req = nobody().get(app.url(path));
    if let Some(b) = bearer {
        req = req.bearer_auth(b);
    }
    let reply = req.send().await.unwrap();
    let status = reply.status();
    let location = reply
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    // The count's event stream never ends: its headers are enough.
    let body = if path.ends_with("/count/events") {
        String::new()
    } else {
        reply.text().await.unwrap()
    };
    (status, body, location)
}

/// The text of the first element with class `class` after `id="row"`.
#[track_caller]
fn cell(html: &str, row: &str, class: &str) -> String {
    let at = html
        .find(&format!("id=\"{row}\""))
        .unwrap_or_else(|| panic!("no #{row} in the page"));
    let rest = &html[at..];
    let at = rest
        .find(&format!("{class}\""))
        .unwrap_or_else(|| panic!("no .{class} in #{row}"));
    let rest = &rest[at..];
    let start = rest.find('>').unwrap() + 1;
    let end = rest[start..].find("</").unwrap();
    rest[start..start + end].trim().to_owned()
}

struct Election {
    /// `/elections/{id}`.
    e: String,
    chair: String,
    observer: String,
    clerk: String,
    /// Every resident ID on the roll, whole (as the committee sees them).
    whole_ids: Vec<String>,
    /// The resident amended after publication: whole ID.
    amended_id: String,
}

/// Committee, an observer account, and an election with a published list,
/// one amendment after publication, a fixed formal list and a central
/// station with its scrutineers and a clerk's token, 13 ballots printed.
async fn election(app: &TestApp) -> Election {
    let chair = app.set_up_committee("chair").await.unwrap();
    ok(
        &call(
            app,
            Method::POST,
            "/users",
            &chair,
            Some(json!({"username": "watcher", "password": TEST_PASSWORD, "role": "observer"})),
        )
        .await,
        StatusCode::CREATED,
    );
    let observer = app.sign_in("watcher", TEST_PASSWORD).await.unwrap();
    let day = today() + Duration::days(31);
    let body = ok(
        &call(
            app,
            Method::POST,
            "/elections",
            &chair,
            Some(json!({
                "body_kind": "residents_committee", "title": "和平社区第十届",
                "profile": "city-2009", "election_day": day.to_string(),
                "seats": [{"position": "director", "seats": 1}, {"position": "member", "seats": 4}]
            })),
        )
        .await,
        StatusCode::CREATED,
    );
    let id = body["id"].as_str().unwrap().to_owned();
    let e = format!("/elections/{id}");
    let reply = app
        .client()
        .post(app.url(&format!("/api/v1{e}/roll")))
        .bearer_auth(&chair)
        .body(generate_roll_csv(47, 400, day, Encoding::Utf8))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::OK);
    ok(
        &call(app, Method::POST, &format!("{e}/publication"), &chair, None).await,
        StatusCode::CREATED,
    );
    let page = ok(
        &call(
            app,
            Method::GET,
            &format!("{e}/residents?limit=500"),
            &chair,
            None,
        )
        .await,
        StatusCode::OK,
    );
    let residents = page["residents"].as_array().unwrap().clone();
    let whole_ids: Vec<String> = residents
        .iter()
        .map(|r| r["resident_id"].as_str().unwrap().to_owned())
        .collect();
    assert!(whole_ids.iter().all(|id| id.len() == 18), "whole IDs");
    let voters: Vec<&Value> = residents
        .iter()
        .filter(|r| r["exclusion"].is_null() && r["waived"] != true)
        .collect();
    let v: Vec<String> = voters
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    // One amendment after publication: a name corrected.
    let amended = voters[10];
    ok(
        &call(
            app,
            Method::PATCH,
            &format!("{e}/residents/{}", v[10]),
            &chair,
            Some(json!({"name": "王更正", "reason": "户籍登记更正姓名"})),
        )
        .await,
        StatusCode::OK,
    );
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
                &chair,
                Some(json!({"kind": "self_nomination", "nominators": [who],
                    "nominees": [{"resident": who, "position": position}]})),
            )
            .await,
            StatusCode::CREATED,
        );
    }
    ok(
        &call(app, Method::POST, &format!("{e}/formal-list"), &chair, None).await,
        StatusCode::CREATED,
    );
    ok(
        &call(
            app,
            Method::POST,
            &format!("{e}/stations"),
            &chair,
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
                &chair,
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
            &chair,
            Some(json!({"station": "central"})),
        )
        .await,
        StatusCode::CREATED,
    )["token"]
        .as_str()
        .unwrap()
        .to_owned();
    Election {
        e,
        chair,
        observer,
        clerk,
        whole_ids,
        amended_id: amended["resident_id"].as_str().unwrap().to_owned(),
    }
}

async fn set_access(app: &TestApp, el: &Election, access: &str) {
    let set = ok(
        &call(
            app,
            Method::PUT,
            &format!("{}/observer-access", el.e),
            &el.chair,
            Some(json!({ "access": access })),
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(set["access"], access);
}

/// The portal's pages and the API reads it uses, for one election.
fn portal_paths(e: &str) -> Vec<String> {
    let mut paths: Vec<String> = ["/observe", "/observe/reconciliation", "/observe/voter-list"]
        .iter()
        .chain(&["/observe/audit", "/count"])
        .map(|p| format!("{e}{p}"))
        .collect();
    for api in [
        "",
        "/count",
        "/count/events",
        "/reconciliation",
        "/result",
        "/case",
        "/certification",
        "/public-key",
        "/roll-changes",
        "/audit",
        "/audit/checkpoints",
        "/audit/verify",
        "/audit/export",
    ] {
        paths.push(format!("/api/v1{e}{api}"));
    }
    paths
}

/// Nobody is shut out of every portal address: pages send to sign-in, the
/// API says 401.
async fn shut_out(app: &TestApp, e: &str) {
    for path in portal_paths(e) {
        let (status, body, location) = get(app, &path, None).await;
        if path.starts_with("/api/") {
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}: {body}");
        } else {
            assert_eq!(status, StatusCode::SEE_OTHER, "{path}");
            assert_eq!(location, "/signin", "{path}");
        }
    }
}

/// No whole resident ID in `text`.
#[track_caller]
fn no_whole_ids(el: &Election, what: &str, text: &str) {
    for id in &el.whole_ids {
        assert!(
            !text.contains(id.as_str()),
            "{what} shows a whole resident ID"
        );
    }
}

async fn portal_opens_to_nobody_only_when_public(app: TestApp) {
    let el = election(&app).await;
    let e = el.e.as_str();
    // Another election, never set: it stays closed throughout.
    let other = ok(
        &call(
            &app,
            Method::POST,
            "/elections",
            &el.chair,
            Some(json!({
                "body_kind": "residents_committee", "title": "另一个社区",
                "profile": "city-2009", "election_day": (today() + Duration::days(40)).to_string(),
                "seats": [{"position": "member", "seats": 5}]
            })),
        )
        .await,
        StatusCode::CREATED,
    );
    let other = format!("/elections/{}", other["id"].as_str().unwrap());
    let printed = ok(
        &call(
            &app,
            Method::POST,
            &format!("{e}/ballot-batches"),
            &el.chair,
            Some(json!({"station": "central", "count": 13})),
        )
        .await,
        StatusCode::CREATED,
    );
    let serials: Vec<String> = printed["serials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect();
    let at = |step: &str| format!("{e}/stations/central/{step}");
    ok(
        &call(&app, Method::POST, &at("open"), &el.clerk, None).await,
        StatusCode::OK,
    );
    ok(
        &call(
            &app,
            Method::POST,
            &at("issued"),
            &el.clerk,
            Some(json!({"count": 8})),
        )
        .await,
        StatusCode::OK,
    );

    // 1. `token` (the default): nobody is sent to sign in; the observer
    //    reads; a clerk is refused.
    let access = ok(
        &call(
            &app,
            Method::GET,
            &format!("{e}/observer-access"),
            &el.observer,
            None,
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(access["access"], "token");
    shut_out(&app, e).await;
    for page in [
        "/observe",
        "/observe/reconciliation",
        "/observe/voter-list",
        "/observe/audit",
    ] {
        let (status, body, _) = get(&app, &format!("{e}{page}"), Some(&el.observer)).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(
            page != "/observe" || body.contains("须登录"),
            "the landing page says how it is read"
        );
        assert!(body.contains("<h1>"), "{page}");
        let (status, _, _) = get(&app, &format!("{e}{page}"), Some(&el.clerk)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "a clerk on {page}");
    }

    // 2. `public`: nobody reads the portal, polls still open.
    set_access(&app, &el, "public").await;
    let (status, landing, _) = get(&app, &format!("{e}/observe"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(landing.contains("公开：任何人无需登录即可查看"));
    for link in [
        "/count",
        "/observe/reconciliation",
        "/observe/voter-list",
        "/observe/audit",
    ] {
        assert!(landing.contains(&format!("href=\"{e}{link}\"")), "{link}");
    }
    // Nothing is signed yet and the round is not certified.
    assert!(landing.contains("id=\"dl-signed\" class=\"muted\""));
    assert!(landing.contains(&format!("href=\"/api/v1{e}/case\"")));
    assert!(landing.contains(&format!("href=\"/api/v1{e}/audit/export\"")));
    let (status, rec, _) = get(&app, &format!("{e}/observe/reconciliation"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(cell(&rec, "rec-central", "rec-issued"), "8");
    assert!(
        rec.contains("id=\"result-later\""),
        "no result while polls are open"
    );
    assert!(!rec.contains("id=\"contest-director\""));
    let (status, _, _) = get(&app, &format!("/api/v1{e}/result"), None).await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "the API's own gate, for nobody too"
    );
    let (status, board, _) = get(&app, &format!("{e}/count"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        board.contains(&format!("href=\"{e}/observe\"")),
        "the board leads back to the portal"
    );
    assert!(!board.contains("id=\"reviews-link\""));
    let (status, _, _) = get(&app, &format!("/api/v1{e}/count/events"), None).await;
    assert_eq!(status, StatusCode::OK, "the live board's stream");

    // Polls close, 7 of the 8 come back, certification.
    ok(
        &call(&app, Method::POST, &at("close"), &el.clerk, None).await,
        StatusCode::OK,
    );
    for serial in &serials[..7] {
        let body = json!({"serial": serial, "marks": {"director": {"1": "for"}, "member": {"2": "against"}}});
        ok(
            &call(&app, Method::POST, &at("scans"), &el.clerk, Some(body)).await,
            StatusCode::CREATED,
        );
    }
    let certify = app
        .client()
        .post(app.url(&format!("/api/v1{e}/certification")))
        .bearer_auth(&el.chair)
        .send()
        .await
        .unwrap();
    assert_eq!(certify.status(), StatusCode::CREATED);

    // The figures, the shortfall flagged, the result.
    let (_, rec, _) = get(&app, &format!("{e}/observe/reconciliation"), None).await;
    assert_eq!(cell(&rec, "rec-central", "rec-received"), "13");
    assert_eq!(cell(&rec, "rec-central", "rec-issued"), "8");
    assert_eq!(cell(&rec, "rec-central", "rec-returned"), "7");
    assert_eq!(cell(&rec, "rec-central", "rec-spoiled"), "0");
    assert_eq!(cell(&rec, "rec-central", "rec-unused"), "5");
    assert!(rec.contains("id=\"rec-central\" class=\"flagged\""));
    assert!(
        rec.contains("收回选票比发出选票少1张（R-CNT-2）"),
        "the shortfall flagged"
    );
    assert!(!rec.contains("id=\"result-later\""));
    assert_eq!(cell(&rec, "result", "result-cast"), "7");
    // All 7 for the director's first candidate.
    let director = &rec[rec.find("id=\"contest-director\"").unwrap()..];
    assert!(director.contains("votes-for\">7</td>"), "{director}");
    let (_, rec_en, _) = get(&app, &format!("{e}/observe/reconciliation?lang=en"), None).await;
    assert!(rec_en.contains("1 fewer ballots returned than issued（R-CNT-2）"));
    assert!(rec_en.contains("Reconciliation and results"));

    // The voter list: fingerprints and the amendment, masked.
    let (_, list, _) = get(&app, &format!("{e}/observe/voter-list"), None).await;
    let publication = ok(
        &call(
            &app,
            Method::GET,
            &format!("{e}/registration"),
            &el.chair,
            None,
        )
        .await,
        StatusCode::OK,
    )["state"]["publication"]
        .clone();
    let published = publication["fingerprint"].as_str().unwrap();
    let current = publication["current_fingerprint"].as_str().unwrap();
    assert_ne!(published, current, "the amendment changed the list");
    assert_eq!(
        cell(&list, "voter-list", "published-fingerprint"),
        published
    );
    assert_eq!(cell(&list, "voter-list", "current-fingerprint"), current);
    assert_eq!(cell(&list, "change-1", "change-reason"), "户籍登记更正姓名");
    assert_eq!(cell(&list, "change-1", "change-fingerprint"), current);
    let resident = cell(&list, "change-1", "change-resident");
    assert!(resident.contains(&masked(&el.amended_id)), "{resident}");
    assert!(cell(&list, "change-1", "change-what").contains("王更正"));

    // The log: verified, checkpoints at polls open, close and
    // certification, paged.
    let (_, log, _) = get(&app, &format!("{e}/observe/audit"), None).await;
    assert!(
        log.contains("id=\"verdict\" data-ok=\"true\""),
        "the log verifies"
    );
    let verify = ok(
        &call(
            &app,
            Method::GET,
            &format!("{e}/audit/verify"),
            &el.observer,
            None,
        )
        .await,
        StatusCode::OK,
    );
    let size = verify["size"].as_u64().unwrap();
    assert!(log.contains(&format!("日志完整：{size} 条记录")), "{size}");
    assert!(log.matches("class=\"checkpoint\"").count() >= 3);
    assert!(log.contains("id=\"entry-1\""));
    assert!(
        log.contains("observer_access"),
        "the setting's change is logged"
    );
    let (_, later, _) = get(&app, &format!("{e}/observe/audit?after=10"), None).await;
    assert!(!later.contains("id=\"entry-10\"") && later.contains("id=\"entry-11\""));
    assert!(later.contains("id=\"entries-first\""));

    // Every download, as nobody.
    for (path, key, value) in [
        ("/case", "format", "huanjie.case/1"),
        ("/certification", "algorithm", "Ed25519"),
        ("/public-key", "algorithm", "Ed25519"),
        ("/audit/export", "format", "huanjie.audit-log/1"),
        ("/audit/checkpoints", "algorithm", "Ed25519"),
    ] {
        let (status, body, _) = get(&app, &format!("/api/v1{e}{path}"), None).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        let json: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(json[key], value, "{path}");
        if path == "/certification" {
            assert!(json["document"]
                .as_str()
                .unwrap()
                .contains("huanjie.signed-result/1"));
        }
    }
    let (_, landing, _) = get(&app, &format!("{e}/observe"), None).await;
    assert!(landing.contains(&format!("href=\"/api/v1{e}/certification\"")));
    assert!(landing.contains(&format!("href=\"/api/v1{e}/public-key\"")));

    // Masked IDs only, on every portal page and read.
    for path in portal_paths(e) {
        let (status, body, _) = get(&app, &path, None).await;
        assert!(status.is_success(), "{path}: {status}");
        no_whole_ids(&el, &path, &body);
    }
    let changes = get(&app, &format!("/api/v1{e}/roll-changes"), None).await.1;
    assert!(changes.contains(&masked(&el.amended_id)));

    // Nothing else of the election, and no other election.
    for path in [
        format!("/api/v1{e}/residents"),
        format!("/api/v1{e}/registration"),
        format!("/api/v1{e}/station-tokens"),
        format!("/api/v1{e}/stations"),
        format!("/api/v1{e}/voter-list.xlsx"),
        format!("/api/v1{e}/stations/central/count-sheet"),
        format!("/api/v1{e}/observer-access"),
        "/api/v1/elections".to_owned(),
        "/api/v1/audit".to_owned(),
    ] {
        let (status, _, _) = get(&app, &path, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
    }
    for page in [
        e.to_owned(),
        format!("{e}/outcome"),
        format!("{e}/registration"),
        format!("{e}/stations"),
        format!("{e}/reviews"),
    ] {
        let (status, _, location) = get(&app, &page, None).await;
        assert_eq!(
            (status, location.as_str()),
            (StatusCode::SEE_OTHER, "/signin"),
            "{page}"
        );
    }
    shut_out(&app, &other).await;

    // No change goes through, and nothing changed.
    let client = nobody();
    let tries: Vec<(Method, String, Option<Value>)> = vec![
        (
            Method::PUT,
            format!("/api/v1{e}/observer-access"),
            Some(json!({"access": "token"})),
        ),
        (
            Method::POST,
            format!("/api/v1{e}/stations/central/open"),
            None,
        ),
        (
            Method::POST,
            format!("/api/v1{e}/stations/central/scans"),
            Some(json!({"serial": serials[7]})),
        ),
        (Method::POST, format!("/api/v1{e}/certification"), None),
        (
            Method::POST,
            format!("/api/v1{e}/objections"),
            Some(json!({})),
        ),
        (
            Method::POST,
            format!("/api/v1{e}/rounds"),
            Some(json!({"kind": "further"})),
        ),
        (Method::POST, format!("{e}/observer-access"), None),
        (Method::POST, format!("{e}/observe"), None),
        (Method::POST, format!("{e}/observe/audit"), None),
    ];
    for (method, path, body) in tries {
        let mut req = client.request(method.clone(), app.url(&path));
        req = match body {
            Some(b) => req.json(&b),
            None => req.form(&[("access", "token")]),
        };
        let status = req.send().await.unwrap().status();
        assert!(!status.is_success(), "nobody {method} {path}: {status}");
    }
    let access = ok(
        &call(
            &app,
            Method::GET,
            &format!("{e}/observer-access"),
            &el.chair,
            None,
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(access["access"], "public", "unchanged");
    let after = ok(
        &call(
            &app,
            Method::GET,
            &format!("{e}/audit/verify"),
            &el.observer,
            None,
        )
        .await,
        StatusCode::OK,
    );
    let log = get(&app, &format!("/api/v1{e}/audit?after={size}"), None)
        .await
        .1;
    let log: Value = serde_json::from_str(&log).unwrap();
    for entry in log["entries"].as_array().unwrap() {
        let status = entry["details"]["status"].as_u64().unwrap_or(0);
        assert!(
            entry["actor"] != "-"
                || !(200..300).contains(&status)
                || entry["action"].as_str().unwrap().starts_with("GET "),
            "nobody changed something: {entry}"
        );
    }
    assert_eq!(after["ok"], true);

    // 3. Back to `token`: shut out again at once.
    set_access(&app, &el, "token").await;
    shut_out(&app, e).await;
    let (_, election_page, _) = get(&app, e, Some(&el.chair)).await;
    assert!(election_page.contains("id=\"access-token\" checked"));
    app.stop().await.unwrap();
}

async fn only_the_committee_sets_access(app: TestApp) {
    let el = election(&app).await;
    let e = el.e.as_str();
    let path = format!("{e}/observer-access");
    for (who, credential, status) in [
        ("observer", el.observer.as_str(), StatusCode::FORBIDDEN),
        ("clerk", el.clerk.as_str(), StatusCode::FORBIDDEN),
        ("nobody", "", StatusCode::UNAUTHORIZED),
    ] {
        let reply = call(
            &app,
            Method::PUT,
            &path,
            credential,
            Some(json!({"access": "public"})),
        )
        .await;
        assert_eq!(reply.0, status, "{who}: {}", reply.1);
    }
    // A clerk does not read it either.
    let reply = call(&app, Method::GET, &path, &el.clerk, None).await;
    assert_eq!(reply.0, StatusCode::FORBIDDEN);
    let reply = call(
        &app,
        Method::PUT,
        &path,
        &el.chair,
        Some(json!({"access": "everyone"})),
    )
    .await;
    assert_eq!(reply.0, StatusCode::BAD_REQUEST, "{}", reply.1);
    assert_eq!(reply.1["error"]["code"], "observer_access");
    assert!(reply.1["error"]["message_en"]
        .as_str()
        .unwrap()
        .starts_with("access:"));
    let reply = call(&app, Method::GET, &path, &el.chair, None).await;
    assert_eq!(reply.1["access"], "token", "nothing was set");

    // The election page's form, as the committee.
    let form = nobody()
        .post(app.url(&path))
        .bearer_auth(&el.chair)
        .form(&[("access", "public")])
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), StatusCode::SEE_OTHER);
    let (_, page, _) = get(&app, &format!("{e}?observers=saved"), Some(&el.chair)).await;
    assert!(page.contains("id=\"observer-saved\""));
    assert!(page.contains("id=\"access-public\" checked"));
    let (status, _, _) = get(&app, &format!("{e}/observe"), None).await;
    assert_eq!(status, StatusCode::OK, "public through the page's form");
    // Observers see the setting but get no form.
    let (_, page, _) = get(&app, e, Some(&el.observer)).await;
    assert!(page.contains("id=\"observer-access-now\""));
    assert!(!page.contains("id=\"observer-access-form\""));

    let log = ok(
        &call(
            &app,
            Method::GET,
            &format!("{e}/audit?limit=10000"),
            &el.observer,
            None,
        )
        .await,
        StatusCode::OK,
    );
    let events: Vec<(String, u64)> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| {
            x["details"]["event"]
                .as_str()
                .is_some_and(|ev| ev.starts_with("observer_access"))
        })
        .map(|x| {
            (
                x["actor"].as_str().unwrap().to_owned(),
                x["details"]["status"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        events,
        vec![
            ("watcher".to_owned(), 403),
            ("station:central".to_owned(), 403),
            ("-".to_owned(), 401),
            ("chair".to_owned(), 400),
            ("chair".to_owned(), 303),
        ],
        "every attempt on the setting is in the log"
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
    portal_opens_to_nobody_only_when_public,
    only_the_committee_sets_access
);
