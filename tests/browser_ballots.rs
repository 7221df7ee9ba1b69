//! Ballot printing in real headless Chromium, on a tablet-sized screen
//! (issue 5): the committee opens the ballots page from the election page,
//! links to the specimen (A4 and A3), records a batch of three for a
//! station, prints its PDF and watches the progress reach 3 / 3 until the
//! download link appears (a PDF of three pages), prints another batch on
//! A3, voids a spoiled ballot by its serial and sees it counted (and a
//! second void refused, R-POLL-5); on an election whose formal list is not
//! fixed the batch is refused in plain words with its rule id (R-NOM-5).
//! An observer sees the batches without a single form; a clerk gets 403.
//! A screenshot goes to /tmp.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration as StdDuration;

use chrono::{Duration, NaiveDate};
use fantoccini::{Client, Locator};
use huanjie_registration::{generate_roll_csv, Encoding};
use huanjie_testkit::app::{call, spawn_sqlite_app, TestApp, TEST_PASSWORD};
use huanjie_testkit::app::{ok, today};
use huanjie_testkit::browser::{
    click, submit, text_of, type_into, wait_for_path, Browser, Viewport,
};
use reqwest::{Method, StatusCode};
use serde_json::json;

/// A tablet held upright (820×1180 CSS pixels at 2×), as at a polling
/// station's desk.
const TABLET: Viewport = Viewport {
    width: 820,
    height: 1180,
    pixel_ratio: 2.0,
    mobile: true,
};

async fn create_election(app: &TestApp, token: &str, title: &str, day: NaiveDate) -> String {
    let body = ok(
        &call(
            app,
            Method::POST,
            "/elections",
            token,
            Some(json!({
                "body_kind": "residents_committee", "title": title,
                "profile": "zhejiang-2020", "election_day": day.to_string(),
                "seats": [{"position": "director", "seats": 1}, {"position": "member", "seats": 4}]
            })),
        )
        .await,
        StatusCode::CREATED,
    );
    body["id"].as_str().unwrap().to_owned()
}

/// The quickest way to a fixed formal list: a generated roll, its voter
/// list published, self-nominations within the margin (two for the one
/// director, five for four members), the list fixed (R-NOM-5).
async fn fixed_formal_list(app: &TestApp, token: &str, id: &str, day: NaiveDate) -> Vec<String> {
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
    let fixed = ok(
        &call(app, Method::POST, &format!("{e}/formal-list"), token, None).await,
        StatusCode::CREATED,
    );
    fixed["list"]["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_owned())
        .collect()
}

async fn count(c: &Client, css: &str) -> usize {
    c.find_all(Locator::Css(css)).await.unwrap().len()
}

async fn attr(c: &Client, css: &str, name: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
        .attr(name)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("{css} has no {name}"))
}

/// Waits (up to 30 s) until the print job of batch `n`, started by its
/// button, is done: its count reads `total / total`, its `<progress>` is
/// full and its download link shows. Returns the link's address.
async fn wait_for_print(c: &Client, n: u16, total: u64) -> String {
    let expected = format!("{total} / {total}");
    let deadline = tokio::time::Instant::now() + StdDuration::from_secs(30);
    loop {
        let error = c
            .find(Locator::Css(&format!("#print-error-{n}")))
            .await
            .unwrap();
        assert!(
            !error.is_displayed().await.unwrap(),
            "printing batch {n} failed: {}",
            error.text().await.unwrap()
        );
        let shown = c
            .find(Locator::Css(&format!("#print-done-{n}")))
            .await
            .unwrap()
            .is_displayed()
            .await
            .unwrap();
        let counted = text_of(c, &format!("#print-count-{n}")).await;
        if shown {
            assert_eq!(counted, expected);
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "batch {n} never finished printing; at {counted:?}"
        );
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
    let bar = c
        .execute(
            "const p = document.getElementById(arguments[0]); return [p.value, p.max];",
            vec![json!(format!("print-progress-{n}"))],
        )
        .await
        .unwrap();
    assert_eq!(bar, json!([total, total]), "the <progress> is full");
    let href = attr(c, &format!("#print-download-{n}"), "href").await;
    assert!(href.starts_with('/'), "{href}");
    href
}

/// Fetches `url` from the page (the browser's own session cookie): its
/// status, content type, first bytes and length.
async fn fetch_in_page(c: &Client, url: &str) -> (u64, String, String, u64) {
    let got = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             fetch(arguments[0]).then(r => r.arrayBuffer().then(b => done([r.status,
               r.headers.get('content-type'),
               String.fromCharCode.apply(null, new Uint8Array(b.slice(0, 5))), b.byteLength])))
             .catch(e => done([0, String(e), '', 0]));",
            vec![json!(url)],
        )
        .await
        .unwrap();
    (
        got[0].as_u64().unwrap(),
        got[1].as_str().unwrap_or_default().to_owned(),
        got[2].as_str().unwrap().to_owned(),
        got[3].as_u64().unwrap(),
    )
}

/// A PDF's page count and paper (`A4`, `A3`) as `pdfinfo` reports them
/// (poppler-utils, which `scripts/test` installs).
fn pages_and_paper(pdf: &[u8]) -> (u32, String) {
    let info = pdfinfo(pdf);
    let field = |name: &str| {
        info.lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.trim().to_owned())
            .unwrap_or_else(|| panic!("no {name} in {info}"))
    };
    let pages = field("Pages:").parse().unwrap();
    let size = field("Page size:");
    let paper = size
        .rsplit_once('(')
        .map(|(_, p)| p.trim_end_matches(')').to_owned())
        .unwrap_or(size);
    (pages, paper)
}

fn pdfinfo(pdf: &[u8]) -> String {
    assert!(pdf.starts_with(b"%PDF"), "not a PDF");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ballots.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdfinfo")
        .arg(&path)
        .output()
        .expect("pdfinfo (poppler-utils) is needed: run scripts/test once");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

async fn download(app: &TestApp, token: &str, href: &str) -> Vec<u8> {
    let reply = app
        .client()
        .get(app.url(href))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::OK, "{href}");
    assert_eq!(
        reply.headers()["content-type"].to_str().unwrap(),
        "application/pdf"
    );
    reply.bytes().await.unwrap().to_vec()
}

#[tokio::test]
async fn print_batches_with_progress_and_void_a_ballot_on_a_tablet() {
    let app = spawn_sqlite_app().await;
    let token = app.set_up_committee("chair").await.unwrap();
    let day = today() + Duration::days(31);
    let id = create_election(&app, &token, "和平社区第十届", day).await;
    let names = fixed_formal_list(&app, &token, &id, day).await;
    assert_eq!(names.len(), 7, "{names:?}");
    // Another election, its formal list not fixed: no ballots yet.
    let early = create_election(&app, &token, "安居社区第八届", day).await;
    let api = |path: &str| format!("/elections/{id}{path}");

    let browser = Browser::start(TABLET)
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    let c = &browser.client;
    c.goto(&app.url("/signin")).await.unwrap();
    type_into(c, "#username", "chair").await;
    type_into(c, "#password", TEST_PASSWORD).await;
    submit(c, "#sign-in").await;
    wait_for_path(c, "/elections", |p| p == "/elections").await;
    c.goto(&app.url(&format!("/elections/{id}"))).await.unwrap();
    submit(c, "#ballots-link").await;
    wait_for_path(c, "the ballots page", |p| p.ends_with("/ballots")).await;
    assert!(text_of(c, "h1").await.contains("选票印制"));
    assert!(text_of(c, "#batches-empty").await.contains("尚未印制"));

    // 1. The specimen, A4 and A3: PDFs of one page in the paper asked for.
    let a4 = attr(c, "#preview-a4", "href").await;
    let a3 = attr(c, "#preview-a3", "href").await;
    assert_eq!(
        a4,
        format!("/api/v1/elections/{id}/ballots/preview?paper=a4")
    );
    assert_eq!(
        a3,
        format!("/api/v1/elections/{id}/ballots/preview?paper=a3")
    );
    assert_eq!(
        pages_and_paper(&download(&app, &token, &a4).await),
        (1, "A4".to_owned())
    );
    assert_eq!(
        pages_and_paper(&download(&app, &token, &a3).await),
        (1, "A3".to_owned())
    );

    // 2. A batch of three for the central station, recorded by the form.
    type_into(c, "#batch-station", "中心投票站").await;
    type_into(c, "#batch-count", "3").await;
    submit(c, "#batch-submit").await;
    let saved = text_of(c, "#bal-saved").await;
    assert!(saved.contains("第1批") && saved.contains("3张"), "{saved}");
    assert_eq!(text_of(c, "#batch-1 .batch-station").await, "中心投票站");
    assert_eq!(text_of(c, "#batch-1 .batch-count").await, "3");
    assert_eq!(text_of(c, "#batch-1 .batch-voided").await, "0");
    assert_eq!(text_of(c, "#bal-total").await, "3");
    let row = text_of(c, "#batch-1").await;
    assert!(row.contains("chair"), "{row}");
    let listed = ok(
        &call(&app, Method::GET, &api("/ballot-batches"), &token, None).await,
        StatusCode::OK,
    );
    let manifest = listed["batches"][0]["serials_sha256"].as_str().unwrap();
    assert_eq!(listed["batches"][0]["count"], 3);
    assert_eq!(attr(c, "#batch-1 .batch-hash", "title").await, manifest);
    assert_eq!(
        text_of(c, "#batch-1 .batch-hash").await,
        format!("{}…", &manifest[..12])
    );
    // Without the script the same form downloads the batch, streamed.
    let batch_id = listed["batches"][0]["id"].as_str().unwrap();
    assert_eq!(
        attr(c, "#print-form-1", "action").await,
        format!("/api/v1/elections/{id}/ballot-batches/{batch_id}/pdf")
    );

    // 3. Print it: the progress counts the pages to 3 / 3, then the
    // download link shows; it is the batch, three pages on A4.
    assert!(!c
        .find(Locator::Css("#print-status-1"))
        .await
        .unwrap()
        .is_displayed()
        .await
        .unwrap());
    c.find(Locator::Css("#print-paper-1"))
        .await
        .unwrap()
        .select_by_value("a4")
        .await
        .unwrap();
    click(c, "#print-submit-1").await;
    let href = wait_for_print(c, 1, 3).await;
    let job_prefix = format!("/api/v1/elections/{id}/print-jobs/");
    assert!(
        href.starts_with(&job_prefix) && href.ends_with("/pdf"),
        "{href}"
    );
    assert!(c.current_url().await.unwrap().path().ends_with("/ballots"));
    let (status, kind, head, len) = fetch_in_page(c, &href).await;
    assert_eq!(
        (status, kind.as_str(), head.as_str()),
        (200, "application/pdf", "%PDF-")
    );
    let pdf = download(&app, &token, &href).await;
    assert_eq!(pdf.len() as u64, len);
    assert_eq!(pages_and_paper(&pdf), (3, "A4".to_owned()));

    // 4. A second batch, through the API, whose answer gives its serials;
    // printed from the page on A3.
    let second = ok(
        &call(
            &app,
            Method::POST,
            &api("/ballot-batches"),
            &token,
            Some(json!({"station": "流动票箱一", "count": 2})),
        )
        .await,
        StatusCode::CREATED,
    );
    assert_eq!(second["batch"]["number"], 2);
    let serial = second["serials"][0].as_str().unwrap().to_owned();
    c.refresh().await.unwrap();
    assert_eq!(text_of(c, "#batch-2 .batch-station").await, "流动票箱一");
    assert_eq!(text_of(c, "#bal-total").await, "5");
    c.find(Locator::Css("#print-paper-2"))
        .await
        .unwrap()
        .select_by_value("a3")
        .await
        .unwrap();
    click(c, "#print-submit-2").await;
    let href = wait_for_print(c, 2, 2).await;
    c.execute(
        "document.getElementById('print-batch-1').scrollIntoView()",
        vec![],
    )
    .await
    .unwrap();
    browser
        .screenshot("/tmp/huanjie-tablet-ballots.png".as_ref())
        .await
        .unwrap();
    let pdf = download(&app, &token, &href).await;
    assert_eq!(pages_and_paper(&pdf), (2, "A3".to_owned()));

    // 5. A spoiled ballot of batch 2 voided by its serial; voiding it
    // again is refused with its rule id (R-POLL-5), nothing changes.
    type_into(c, "#void-serial", &serial).await;
    type_into(c, "#void-reason", "印刷污损").await;
    submit(c, "#void-submit").await;
    let saved = text_of(c, "#bal-saved").await;
    assert!(saved.contains("第2批"), "{saved}");
    assert_eq!(text_of(c, "#batch-2 .batch-voided").await, "1");
    assert_eq!(text_of(c, "#batch-1 .batch-voided").await, "0");
    assert_eq!(text_of(c, "#bal-total-voided").await, "1");
    type_into(c, "#void-serial", &serial).await;
    type_into(c, "#void-reason", "再试一次").await;
    submit(c, "#void-submit").await;
    let alert = text_of(c, "#bal-alert").await;
    assert!(
        alert.contains("R-POLL-5") && alert.contains("已作废"),
        "{alert}"
    );
    assert_eq!(text_of(c, "#batch-2 .batch-voided").await, "1");
    let listed = ok(
        &call(&app, Method::GET, &api("/ballot-batches"), &token, None).await,
        StatusCode::OK,
    );
    assert_eq!(listed["batches"][1]["voided"], 1);

    // 6. The other election: its formal list is not fixed, so a batch is
    // refused in plain words with the rule id (R-NOM-5); nothing is
    // recorded and what was typed stays.
    c.goto(&app.url(&format!("/elections/{early}/ballots")))
        .await
        .unwrap();
    assert!(text_of(c, "#bal-not-fixed").await.contains("R-NOM-5"));
    assert_eq!(count(c, "#preview-a4").await, 0);
    type_into(c, "#batch-station", "第二投票站").await;
    type_into(c, "#batch-count", "2").await;
    submit(c, "#batch-submit").await;
    let alert = text_of(c, "#bal-alert").await;
    assert!(
        alert.contains("R-NOM-5") && alert.contains("正式候选人"),
        "{alert}"
    );
    assert!(text_of(c, "#batches-empty").await.contains("尚未印制"));
    assert_eq!(attr(c, "#batch-station", "value").await, "第二投票站");
    let listed = ok(
        &call(
            &app,
            Method::GET,
            &format!("/elections/{early}/ballot-batches"),
            &token,
            None,
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(listed["batches"], json!([]));

    // The page in English.
    c.goto(&app.url(&format!("/elections/{id}/ballots?lang=en")))
        .await
        .unwrap();
    assert!(text_of(c, "h1").await.contains("Ballot printing"));
    assert!(text_of(c, "#batch-list").await.contains("Manifest hash"));

    // 7. An observer sees the batches and the specimen, without a single
    // form (nor the print script); a station clerk gets 403.
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
    c.delete_all_cookies().await.unwrap();
    c.goto(&app.url("/signin")).await.unwrap();
    type_into(c, "#username", "watcher").await;
    type_into(c, "#password", TEST_PASSWORD).await;
    submit(c, "#sign-in").await;
    wait_for_path(c, "/elections", |p| p == "/elections").await;
    c.goto(&app.url(&format!("/elections/{id}/ballots")))
        .await
        .unwrap();
    assert_eq!(text_of(c, "#batch-1 .batch-station").await, "中心投票站");
    assert_eq!(text_of(c, "#batch-2 .batch-voided").await, "1");
    assert_eq!(count(c, "#preview-a4, #preview-a3").await, 2);
    assert_eq!(count(c, "main form").await, 0, "observers get no forms");
    assert_eq!(count(c, "script, .print-status").await, 0);
    let observer = app.sign_in("watcher", TEST_PASSWORD).await.unwrap();
    let post = app
        .client()
        .post(app.url(&format!("/elections/{id}/ballots/batches")))
        .bearer_auth(&observer)
        .form(&[("station", "S1"), ("count", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), StatusCode::FORBIDDEN);

    let issued = ok(
        &call(
            &app,
            Method::POST,
            &api("/station-tokens"),
            &token,
            Some(json!({"station": "S1"})),
        )
        .await,
        StatusCode::CREATED,
    );
    let clerk = issued["token"].as_str().unwrap();
    let page = app
        .client()
        .get(app.url(&format!("/elections/{id}/ballots")))
        .bearer_auth(clerk)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::FORBIDDEN);
    let post = app
        .client()
        .post(app.url(&format!("/elections/{id}/ballots/void")))
        .bearer_auth(clerk)
        .form(&[("serial", serial.as_str()), ("reason", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), StatusCode::FORBIDDEN);
    let listed = ok(
        &call(&app, Method::GET, &api("/ballot-batches"), &token, None).await,
        StatusCode::OK,
    );
    assert_eq!(listed["batches"].as_array().unwrap().len(), 2);

    browser.close().await.unwrap();
    app.stop().await.unwrap();
}
