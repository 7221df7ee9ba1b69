//! The web shell in real headless Chromium (Debian's chromium and
//! chromium-driver; `scripts/ensure-chromium.sh` installs them, and without
//! them this suite fails rather than skips): first-run set-up, a new
//! election through the form, the list and the detail page, the switch to
//! English, all on a phone-sized screen. Screenshots go to /tmp for a
//! person to look at.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use fantoccini::Locator;
use huanjie_testkit::app::{spawn_sqlite_app, TEST_PASSWORD};
use huanjie_testkit::browser::{submit, text_of, type_into, wait_for_path, Browser, Viewport};

const TITLE: &str = "幸福社区居民委员会第七届换届选举";

async fn start_browser(viewport: Viewport) -> Browser {
    Browser::start(viewport)
        .await
        .unwrap_or_else(|e| panic!("{e:#}"))
}

#[tokio::test]
async fn set_up_create_an_election_and_read_it_in_english_on_a_phone() {
    let app = spawn_sqlite_app().await;
    let browser = start_browser(Viewport::PHONE).await;
    let c = &browser.client;

    // First run: the start page leads to set-up.
    c.goto(&app.url("/")).await.unwrap();
    wait_for_path(c, "/setup", |p| p == "/setup").await;
    assert_eq!(text_of(c, "h1").await, "首次设置");
    browser
        .screenshot("/tmp/huanjie-phone-setup.png".as_ref())
        .await
        .unwrap();

    // A wrong code is reported next to its field.
    type_into(c, "#code", "WRONG-CODE").await;
    type_into(c, "#username", "chair").await;
    type_into(c, "#password", TEST_PASSWORD).await;
    submit(c, "#finish-setup").await;
    let error = text_of(c, "#code-error").await;
    assert!(error.contains("设置码不正确"), "{error}");

    type_into(c, "#code", app.setup_code.as_deref().unwrap()).await;
    type_into(c, "#password", TEST_PASSWORD).await;
    submit(c, "#finish-setup").await;
    wait_for_path(c, "/elections", |p| p == "/elections").await;
    assert!(text_of(c, "main").await.contains("还没有选举"));

    // The form: an empty title is refused beside the field.
    submit(c, "#new-election").await;
    wait_for_path(c, "/elections/new", |p| p == "/elections/new").await;
    let form_text = text_of(c, "#new-election-form").await;
    for label in ["主任", "副主任", "委员", "选举规程", "选举日"] {
        assert!(form_text.contains(label), "{label} in {form_text}");
    }
    submit(c, "#create-election").await;
    let error = text_of(c, "#title-error").await;
    assert!(
        error.contains("选举名称") && error.contains("必须填写"),
        "{error}"
    );
    browser
        .screenshot("/tmp/huanjie-phone-form-errors.png".as_ref())
        .await
        .unwrap();

    // Filled in properly, it creates the election and shows it.
    type_into(c, "#title", TITLE).await;
    // A date input takes typed keys in the browser's locale format; set
    // the value the form posts instead.
    c.execute(
        "document.getElementById('election_day').value = arguments[0];",
        vec![serde_json::json!("2026-06-01")],
    )
    .await
    .unwrap();
    type_into(c, "#seats_member", "5").await;
    submit(c, "#create-election").await;
    let detail = wait_for_path(c, "an election's page", |p| {
        p.starts_with("/elections/") && p != "/elections/new"
    })
    .await;
    assert_eq!(text_of(c, "#election-title").await, TITLE);
    assert_eq!(text_of(c, "#election-day").await, "2026-06-01");
    assert_eq!(text_of(c, "#election-body").await, "居民委员会");
    let seats = text_of(c, "#election-seats").await;
    assert!(
        seats.contains("委员") && seats.contains('5') && seats.contains('7'),
        "{seats}"
    );
    browser
        .screenshot("/tmp/huanjie-phone-detail.png".as_ref())
        .await
        .unwrap();

    // The list shows it and links to it.
    c.goto(&app.url("/elections")).await.unwrap();
    let item = text_of(c, "#election-list").await;
    assert!(
        item.contains(TITLE) && item.contains("2026-06-01"),
        "{item}"
    );
    let href = c
        .find(Locator::Css("#election-list a.election-title"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap();
    assert_eq!(href.as_deref(), Some(detail.as_str()));
    browser
        .screenshot("/tmp/huanjie-phone-elections.png".as_ref())
        .await
        .unwrap();

    // English is one tap away and stays on.
    submit(c, "#lang-switch").await;
    assert_eq!(text_of(c, "h1").await, "Elections");
    assert_eq!(text_of(c, "#new-election").await, "New election");
    assert_eq!(text_of(c, "#lang-switch").await, "中文");
    browser
        .screenshot("/tmp/huanjie-phone-elections-en.png".as_ref())
        .await
        .unwrap();
    c.goto(&app.url(&detail)).await.unwrap();
    let page = text_of(c, "main").await;
    assert!(
        page.contains("Residents' committee") && page.contains("Election day"),
        "{page}"
    );
    assert!(
        page.contains("Director") && page.contains("Member"),
        "{page}"
    );
    browser
        .screenshot("/tmp/huanjie-phone-detail-en.png".as_ref())
        .await
        .unwrap();

    // Signing out ends the session.
    submit(c, "#sign-out").await;
    wait_for_path(c, "/signin", |p| p == "/signin").await;
    assert!(text_of(c, "main").await.contains("You have signed out."));
    c.goto(&app.url("/elections")).await.unwrap();
    wait_for_path(c, "/signin", |p| p == "/signin").await;

    browser.close().await.unwrap();
    app.stop().await.unwrap();
}

#[tokio::test]
async fn sign_in_failure_says_nothing_about_which_part_on_a_desktop() {
    let app = spawn_sqlite_app().await;
    app.set_up_committee("chair").await.unwrap();
    let browser = start_browser(Viewport::DESKTOP).await;
    let c = &browser.client;
    c.goto(&app.url("/signin")).await.unwrap();
    type_into(c, "#username", "chair").await;
    type_into(c, "#password", "not the password").await;
    submit(c, "#sign-in").await;
    let wrong_password = text_of(c, "#sign-in-error").await;
    type_into(c, "#username", "nobody").await;
    type_into(c, "#password", TEST_PASSWORD).await;
    submit(c, "#sign-in").await;
    let unknown_user = text_of(c, "#sign-in-error").await;
    assert_eq!(wrong_password, unknown_user);
    assert_eq!(wrong_password, "用户名或密码不正确。");

    type_into(c, "#password", TEST_PASSWORD).await;
    type_into(c, "#username", "chair").await;
    submit(c, "#sign-in").await;
    wait_for_path(c, "/elections", |p| p == "/elections").await;
    browser
        .screenshot("/tmp/huanjie-desktop-elections.png".as_ref())
        .await
        .unwrap();
    browser.close().await.unwrap();
    app.stop().await.unwrap();
}
