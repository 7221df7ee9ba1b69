//! Publication, an objection and proxies in real headless Chromium, on a
//! phone-sized screen: the committee publishes the list, sees the
//! fingerprint, records and decides an objection, registers proxies and is
//! told in plain words, with the rule id, why a fourth one is refused.
//! Screenshots go to /tmp.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration, Utc};
use fantoccini::Locator;
use huanjie_registration::{generate_roll_csv, Encoding};
use huanjie_testkit::app::{spawn_sqlite_app, TEST_PASSWORD};
use huanjie_testkit::browser::{submit, text_of, type_into, wait_for_path, Browser, Viewport};
use serde_json::{json, Value};

#[tokio::test]
async fn publish_object_and_register_proxies_on_a_phone() {
    let app = spawn_sqlite_app().await;
    let token = app.set_up_committee("chair").await.unwrap();
    let day = (Utc::now() + Duration::hours(8)).date_naive() + Duration::days(30);
    let election: Value = app
        .client()
        .post(app.url("/api/v1/elections"))
        .bearer_auth(&token)
        .json(&json!({"body_kind": "residents_committee", "title": "幸福社区第八届", "profile": "county-2006",
            "election_day": day.to_string(), "seats": [{"position": "director", "seats": 1}]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = election["id"].as_str().unwrap().to_owned();
    let reply = app
        .client()
        .post(app.url(&format!("/api/v1/elections/{id}/roll")))
        .bearer_auth(&token)
        .body(generate_roll_csv(8, 300, day, Encoding::Utf8))
        .send()
        .await
        .unwrap();
    assert!(reply.status().is_success());
    let voters: Value = app
        .client()
        .get(app.url(&format!(
            "/api/v1/elections/{id}/residents?voters_only=true&limit=10"
        )))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let voter = |i: usize| {
        voters["residents"][i]["resident_id"]
            .as_str()
            .unwrap()
            .to_owned()
    };

    let browser = Browser::start(Viewport::PHONE)
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    let c = &browser.client;
    c.goto(&app.url("/signin")).await.unwrap();
    type_into(c, "#username", "chair").await;
    type_into(c, "#password", TEST_PASSWORD).await;
    submit(c, "#sign-in").await;
    wait_for_path(c, "/elections", |p| p == "/elections").await;

    c.goto(&app.url(&format!("/elections/{id}"))).await.unwrap();
    submit(c, "#registration-link").await;
    wait_for_path(c, "the registration page", |p| p.ends_with("/registration")).await;
    assert_eq!(
        text_of(c, "#publish-by").await,
        (day - Duration::days(20)).to_string()
    );

    // Voluntary registration with nobody registered: the rule says why not.
    c.find(Locator::Css("#voluntary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    submit(c, "#setup-submit").await;
    assert!(text_of(c, "#reg-problems").await.contains("R-REG-4"));
    submit(c, "#publish-submit").await;
    let alert = text_of(c, "#reg-alert").await;
    assert!(
        alert.contains("R-REG-4") && alert.contains("自愿登记"),
        "{alert}"
    );
    c.find(Locator::Css("#voluntary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    submit(c, "#setup-submit").await;

    // Publish: the fingerprint is shown in groups of eight.
    submit(c, "#publish-submit").await;
    let fingerprint = text_of(c, "#fingerprint").await;
    assert_eq!(fingerprint.split(' ').count(), 8, "{fingerprint}");
    assert!(text_of(c, "#reg-published").await.contains("已公布"));

    // An objection, lodged and rejected with reasons, then answered.
    type_into(c, "#obj-lodger", "赵敏").await;
    type_into(c, "#obj-subject-id", &voter(2)).await;
    type_into(c, "#obj-claim", "此人已迁出本社区").await;
    submit(c, "#objection-submit").await;
    assert!(text_of(c, "#objection-1").await.contains("待处理"));
    type_into(c, "#reason-1", "经核实仍在本社区居住").await;
    submit(c, "#objection-1 .reject").await;
    let row = text_of(c, "#objection-1").await;
    assert!(row.contains("不成立") && row.contains("经核实"), "{row}");
    submit(c, "#objection-1 .answer").await;
    assert!(text_of(c, "#objection-1").await.contains("已答复"));

    // Upheld objections change the list in the same step: a wrong entry
    // struck off, an omitted voter added; both recorded with the reason.
    let voters_now = |t: String| t.trim().parse::<u64>().unwrap();
    let before = voters_now(text_of(c, "#reg-voters").await);
    type_into(c, "#obj-lodger", "钱七").await;
    type_into(c, "#obj-subject-id", &voter(8)).await;
    c.find(Locator::Css("#obj-kind"))
        .await
        .unwrap()
        .select_by_value("wrong_entry")
        .await
        .unwrap();
    type_into(c, "#obj-claim", "此人已将户籍迁往外省并在外省登记").await;
    submit(c, "#objection-submit").await;
    c.find(Locator::Css("#strike-2"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    type_into(c, "#reason-2", "经核实已在外省登记").await;
    submit(c, "#objection-2 .uphold").await;
    assert!(text_of(c, "#objection-2").await.contains("成立"));
    let changes = text_of(c, "#reg-changes").await;
    assert!(
        changes.contains(&voter(8)) && changes.contains("经核实已在外省登记"),
        "{changes}"
    );
    assert_eq!(voters_now(text_of(c, "#reg-voters").await), before - 1);

    let first17 = "53010219700101135";
    let digits: Vec<u32> = first17.chars().map(|ch| ch.to_digit(10).unwrap()).collect();
    let missing = format!(
        "{first17}{}",
        huanjie_core::resident_id::check_character(&digits.try_into().unwrap())
    );
    type_into(c, "#obj-lodger", "孙八").await;
    type_into(c, "#obj-subject", "周九").await;
    c.find(Locator::Css("#obj-kind"))
        .await
        .unwrap()
        .select_by_value("omission")
        .await
        .unwrap();
    type_into(c, "#obj-claim", "周九在本社区居住多年，名单上没有").await;
    submit(c, "#objection-submit").await;
    type_into(c, "#add-name-3", "周九").await;
    type_into(c, "#add-id-3", &missing).await;
    type_into(c, "#add-group-3", "第一居民小组").await;
    type_into(c, "#add-household-3", "0999").await;
    type_into(c, "#reason-3", "经核实应予补登").await;
    submit(c, "#objection-3 .uphold").await;
    assert!(text_of(c, "#objection-3").await.contains("成立"));
    let changes = text_of(c, "#reg-changes").await;
    assert!(
        changes.contains("周九") && changes.contains(&missing),
        "{changes}"
    );
    assert_eq!(voters_now(text_of(c, "#reg-voters").await), before);

    // Three proxies to one voter; the fourth is refused with R-POLL-4.
    for (n, grantor) in [3, 4, 5, 6].into_iter().enumerate() {
        type_into(c, "#proxy-grantor", &voter(grantor)).await;
        type_into(c, "#proxy-proxy", &voter(7)).await;
        type_into(c, "#proxy-document", &format!("WT-{n}")).await;
        submit(c, "#proxy-submit").await;
    }
    let alert = text_of(c, "#reg-alert").await;
    assert!(alert.contains("R-POLL-4") && alert.contains('3'), "{alert}");
    assert_eq!(
        c.find_all(Locator::Css("#proxy-list tbody tr"))
            .await
            .unwrap()
            .len(),
        3
    );
    browser
        .screenshot("/tmp/huanjie-phone-registration.png".as_ref())
        .await
        .unwrap();
    app.stop().await.unwrap();
}
