//! Nomination in real headless Chromium, on a phone-sized screen: the
//! committee sets the seats with a reason (R-BODY-1/2), records an election
//! committee member (R-BODY-5), a joint nomination of ten voters and
//! self-nominations (R-NOM-1), is told in plain words with the rule id why
//! nine nominators are refused, enters the preliminary votes (R-NOM-3),
//! fixes the formal list (R-NOM-5) and sees it in surname-stroke order with
//! the committee member who became a candidate marked as left, withdraws a
//! candidate and sees who takes the place (R-NOM-6), appoints a scrutineer
//! (R-POLL-2); an observer sees the page without a single form and a clerk
//! gets 403. Screenshots go to /tmp.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration, Utc};
use fantoccini::{Client, Locator};
use huanjie_registration::{generate_roll_csv, Encoding};
use huanjie_testkit::app::{spawn_sqlite_app, TEST_PASSWORD};
use huanjie_testkit::browser::{submit, text_of, type_into, wait_for_path, Browser, Viewport};
use serde_json::{json, Value};

/// Surnames in CLDR stroke order (丁 2, 于 3, 王 4, 白 5, 刘 6, 李 7, 林 8,
/// 赵 9, 秦 10, 曹 11, 谢 12, 魏 17), as huanjie-collation's tests pin it;
/// neither code-point nor pinyin order.
const STROKE_ORDER: [&str; 12] = [
    "丁", "于", "王", "白", "刘", "李", "林", "赵", "秦", "曹", "谢", "魏",
];

#[derive(Debug, Clone)]
struct Person {
    id: String,
    resident_id: String,
    name: String,
    gender: String,
}

async fn select(c: &Client, css: &str, value: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
        .select_by_value(value)
        .await
        .unwrap_or_else(|e| panic!("no option {value} in {css}: {e}"));
}

async fn texts_of(c: &Client, css: &str) -> Vec<String> {
    let mut out = Vec::new();
    for e in c.find_all(Locator::Css(css)).await.unwrap() {
        out.push(e.text().await.unwrap());
    }
    out
}

async fn count(c: &Client, css: &str) -> usize {
    c.find_all(Locator::Css(css)).await.unwrap().len()
}

/// One paper through the form: `nominators` one per line (empty for a
/// self-nomination, which the nominee signs), up to three nominees.
async fn record_paper(
    c: &Client,
    kind: &str,
    nominators: &[&Person],
    nominees: &[(&Person, &str)],
) {
    select(c, "#nom-kind", kind).await;
    let lines: Vec<&str> = nominators.iter().map(|p| p.resident_id.as_str()).collect();
    type_into(c, "#nom-nominators", &lines.join("\n")).await;
    for (i, (who, position)) in nominees.iter().enumerate() {
        type_into(c, &format!("#nominee-{}", i + 1), &who.resident_id).await;
        select(c, &format!("#position-{}", i + 1), position).await;
    }
    submit(c, "#paper-submit").await;
}

#[tokio::test]
async fn nominate_fix_the_formal_list_and_withdraw_on_a_phone() {
    let app = spawn_sqlite_app().await;
    let token = app.set_up_committee("chair").await.unwrap();
    let today = (Utc::now() + Duration::hours(8)).date_naive();
    let day = today + Duration::days(30);
    // Created with a director and two members: three, as the formula gives,
    // but no deputy (R-BODY-1).
    let election: Value = app
        .client()
        .post(app.url("/api/v1/elections"))
        .bearer_auth(&token)
        .json(&json!({"body_kind": "residents_committee", "title": "和睦社区第九届", "profile": "county-2006",
            "election_day": day.to_string(),
            "seats": [{"position": "director", "seats": 1}, {"position": "member", "seats": 2}]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = election["id"].as_str().unwrap().to_owned();
    let api = |path: &str| app.url(&format!("/api/v1/elections/{id}{path}"));
    let reply = app
        .client()
        .post(api("/roll"))
        .bearer_auth(&token)
        .body(generate_roll_csv(43, 400, day, Encoding::Utf8))
        .send()
        .await
        .unwrap();
    assert!(reply.status().is_success());
    let reply = app
        .client()
        .post(api("/publication"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert!(
        reply.status().is_success(),
        "{}",
        reply.text().await.unwrap()
    );
    let listed: Value = app
        .client()
        .get(api("/residents?voters_only=true&limit=500"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let voters: Vec<Person> = listed["residents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["waived"] != true)
        .map(|r| Person {
            id: r["id"].as_str().unwrap().to_owned(),
            resident_id: r["resident_id"].as_str().unwrap().to_owned(),
            name: r["name"].as_str().unwrap().to_owned(),
            gender: r["gender"].as_str().unwrap().to_owned(),
        })
        .collect();
    assert!(voters.len() > 150, "{}", voters.len());

    // The member nominees: one voter for each of several surnames of
    // known stroke order, whose names occur once on the roll. Four in a
    // row whose record order (the stored list's order) is not stroke
    // order, so that the page's order is its own doing.
    let unique = |p: &&Person| voters.iter().filter(|q| q.name == p.name).count() == 1;
    let by_surname: Vec<Person> = STROKE_ORDER
        .iter()
        .filter_map(|s| {
            voters
                .iter()
                .filter(unique)
                .find(|p| p.name.starts_with(s) && p.name.chars().count() <= 3)
                .cloned()
        })
        .collect();
    assert!(by_surname.len() >= 4, "{by_surname:?}");
    let window = by_surname
        .windows(4)
        .find(|w| {
            let mut ids: Vec<&str> = w.iter().map(|p| p.id.as_str()).collect();
            ids.sort_unstable();
            ids != w.iter().map(|p| p.id.as_str()).collect::<Vec<_>>()
        })
        .unwrap_or(&by_surname[..4]);
    let members: Vec<Person> = window.to_vec();
    let mut others = voters
        .iter()
        .filter(unique)
        .filter(|p| !members.iter().any(|m| m.id == p.id));
    let mut next = || others.next().unwrap().clone();
    let (a, b, c_) = (next(), next(), next());
    let (d1, d2) = (next(), next());
    let scrutineer = next();
    let signers: Vec<Person> = (0..10).map(|_| next()).collect();
    let signer_refs: Vec<&Person> = signers.iter().collect();

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
    submit(c, "#nomination-link").await;
    wait_for_path(c, "the nomination page", |p| p.ends_with("/nomination")).await;

    // 1. Seats. 400 residents are far fewer than 300 households: County-2006
    // gives its floor, 3 (R-BODY-2); the seats lack a deputy (R-BODY-1).
    assert_eq!(text_of(c, "#nom-formula").await, "3");
    let households: u64 = text_of(c, "#nom-households").await.parse().unwrap();
    assert!(households > 50 && households < 300, "{households}");
    assert!(text_of(c, "#seat-problems").await.contains("R-BODY-1"));
    assert_eq!(text_of(c, "#seats-total").await, "3");
    type_into(c, "#seats-director", "1").await;
    type_into(c, "#seats-deputy", "1").await;
    type_into(c, "#seats-member", "3").await;
    submit(c, "#seats-submit").await;
    let alert = text_of(c, "#nom-alert").await;
    assert!(
        alert.contains("R-BODY-2") && alert.contains("理由"),
        "{alert}"
    );
    assert_eq!(text_of(c, "#seats-total").await, "3", "nothing written");
    type_into(c, "#seats-director", "1").await;
    type_into(c, "#seats-deputy", "1").await;
    type_into(c, "#seats-member", "3").await;
    type_into(c, "#seats-reason", "居民分散，经居民代表会议讨论定为5名").await;
    submit(c, "#seats-submit").await;
    assert!(text_of(c, "#nom-saved").await.contains("已保存"));
    assert_eq!(text_of(c, "#seats-total").await, "5");
    assert!(text_of(c, "#seat-list").await.contains("副主任"));
    assert_eq!(
        text_of(c, "#seat-reason").await,
        "居民分散，经居民代表会议讨论定为5名"
    );
    assert_eq!(count(c, "#seat-problems").await, 0);

    // 2. The election committee: its chair is on the roll (and will be a
    // candidate); one member is too few (R-BODY-5).
    type_into(c, "#member-name", &a.name).await;
    select(c, "#member-gender", &a.gender).await;
    select(c, "#member-role", "chair").await;
    type_into(c, "#member-resident", &a.resident_id).await;
    submit(c, "#member-submit").await;
    let row = text_of(c, "#member-1").await;
    assert!(row.contains(&a.name) && row.contains("在任"), "{row}");
    assert!(text_of(c, "#committee-problems").await.contains("R-BODY-5"));

    // 3. Nominations. Nine voters cannot nominate jointly (R-NOM-1), and
    // nothing is written; ten can.
    record_paper(c, "joint_voters", &signer_refs[..9], &[(&a, "director")]).await;
    let alert = text_of(c, "#nom-alert").await;
    assert!(alert.contains("R-NOM-1") && alert.contains("10"), "{alert}");
    assert!(text_of(c, "#papers-empty").await.contains("尚无提名"));
    record_paper(
        c,
        "joint_voters",
        &signer_refs,
        &[(&a, "director"), (&d1, "deputy")],
    )
    .await;
    let paper = text_of(c, "#paper-1").await;
    assert!(
        paper.contains("选民联名提名")
            && paper.contains(&format!("{}（主任）", a.name))
            && paper.contains(&format!("{}（副主任）", d1.name))
            && paper.contains(&signers[9].name),
        "{paper}"
    );
    // Self-nominations: two more for director, one for deputy, and the
    // members in reverse stroke order.
    let mut own: Vec<(&Person, &str)> = vec![(&b, "director"), (&c_, "director"), (&d2, "deputy")];
    own.extend(members.iter().rev().map(|m| (m, "member")));
    for (who, position) in &own {
        record_paper(c, "self_nomination", &[], &[(who, position)]).await;
    }
    let last = text_of(c, "#paper-8").await;
    assert!(
        last.contains("本人自荐") && last.contains(&members[0].name),
        "{last}"
    );

    // 4. Three director nominees for two places need a preliminary vote
    // (R-NOM-3); the list cannot be fixed before it.
    let director = text_of(c, "#outcome-director").await;
    assert!(
        director.contains("R-NOM-3") && director.contains("须进行预选"),
        "{director}"
    );
    assert!(text_of(c, "#outcome-member")
        .await
        .contains("全部为正式候选人"));
    assert!(text_of(c, "#outcome-deputy")
        .await
        .contains("全部为正式候选人"));
    submit(c, "#formal-submit").await;
    let alert = text_of(c, "#nom-alert").await;
    assert!(
        alert.contains("R-NOM-3") && alert.contains("预选"),
        "{alert}"
    );
    assert_eq!(count(c, "#formal-not-fixed").await, 1);
    for (who, votes) in [(&a, "50"), (&b, "40"), (&c_, "30")] {
        type_into(
            c,
            &format!("#nominees-director tr[data-name='{}'] input", who.name),
            votes,
        )
        .await;
    }
    submit(c, "#votes-submit").await;
    let director = text_of(c, "#outcome-director").await;
    assert!(
        director.contains("按预选得票")
            && director.contains(&format!("{}（50）", a.name))
            && director.contains(&format!("{}（40）", b.name))
            && !director.contains(&c_.name),
        "{director}"
    );

    // 5. The formal list: in stroke order, the committee's chair marked as
    // having left it (R-BODY-5), the women counted (R-BODY-3).
    submit(c, "#formal-submit").await;
    assert_eq!(text_of(c, "#formal-published-on").await, today.to_string());
    let listed = texts_of(c, "#formal-member li .candidate-name").await;
    let expected: Vec<String> = members.iter().map(|m| m.name.clone()).collect();
    assert_eq!(listed, expected, "members in surname-stroke order");
    let directors = texts_of(c, "#formal-director li .candidate-name").await;
    assert_eq!(directors.len(), 2, "{directors:?}");
    assert!(directors.contains(&a.name) && directors.contains(&b.name));
    let row = text_of(c, "#member-1").await;
    assert!(
        row.contains("已退出") && row.contains("成为正式候选人"),
        "{row}"
    );
    let standing: Vec<&Person> = [&a, &b, &d1, &d2].into_iter().chain(&members).collect();
    let women = standing.iter().filter(|p| p.gender == "F").count();
    let report = text_of(c, "#women-report").await;
    assert!(report.contains("R-BODY-3"), "{report}");
    if women > 0 {
        assert!(
            report.contains(&format!("8名中有女性{women}名")),
            "{report}"
        );
    } else {
        assert!(report.contains("没有女性"), "{report}");
    }
    let line = text_of(c, "#timeline-formal_candidates_published").await;
    assert!(
        line.contains("已按时完成") && line.contains(&today.to_string()),
        "{line}"
    );
    assert!(text_of(c, "#timeline-withdrawals").await.contains("待办"));
    assert_eq!(count(c, "#paper-form").await, 0, "no papers after R-NOM-5");

    // The formal list's notice, linked from the page, is a PDF.
    let href = c
        .find(Locator::Css("#formal-pdf"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        href,
        format!("/api/v1/elections/{id}/notices/formal-candidates.pdf")
    );
    let pdf = app
        .client()
        .get(app.url(&href))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status(), reqwest::StatusCode::OK);
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF"));

    // 6. B withdraws; C, next by preliminary votes, takes the place (R-NOM-6).
    select(c, "#withdraw-candidate", &format!("director:{}", b.id)).await;
    type_into(c, "#withdraw-reason", "本人书面申请退出").await;
    submit(c, "#withdraw-submit").await;
    let outcome = text_of(c, "#withdraw-outcome").await;
    assert!(
        outcome.contains(&c_.name) && outcome.contains("30") && outcome.contains("递补"),
        "{outcome}"
    );
    let gone = text_of(c, "#formal-director li.withdrawn").await;
    assert!(
        gone.contains(&b.name) && gone.contains("本人书面申请退出"),
        "{gone}"
    );
    let directors = text_of(c, "#formal-director").await;
    assert!(
        directors.contains(&format!("递补{}", b.name)) && directors.contains(&c_.name),
        "{directors}"
    );

    // 7. Counting staff: a candidate is refused (R-POLL-2), a voter appointed.
    type_into(c, "#staff-resident", &a.resident_id).await;
    select(c, "#staff-role", "counter").await;
    type_into(c, "#staff-station", "中心投票站").await;
    submit(c, "#staff-submit").await;
    assert!(text_of(c, "#nom-alert").await.contains("R-POLL-2"));
    assert!(text_of(c, "#staff-empty").await.contains("尚未确定"));
    type_into(c, "#staff-resident", &scrutineer.resident_id).await;
    select(c, "#staff-role", "scrutineer").await;
    type_into(c, "#staff-station", "中心投票站").await;
    submit(c, "#staff-submit").await;
    let staff = text_of(c, "#staff-list").await;
    assert!(
        staff.contains(&scrutineer.name)
            && staff.contains("监票人")
            && staff.contains("中心投票站"),
        "{staff}"
    );
    c.execute("document.getElementById('formal').scrollIntoView()", vec![])
        .await
        .unwrap();
    browser
        .screenshot("/tmp/huanjie-phone-nomination.png".as_ref())
        .await
        .unwrap();

    // 8. An observer reads the same page, without a form and without a
    // resident ID; a station clerk gets 403.
    let reply = app
        .client()
        .post(app.url("/api/v1/users"))
        .bearer_auth(&token)
        .json(&json!({"username": "watcher", "password": TEST_PASSWORD, "role": "observer"}))
        .send()
        .await
        .unwrap();
    assert!(reply.status().is_success());
    c.delete_all_cookies().await.unwrap();
    c.goto(&app.url("/signin")).await.unwrap();
    type_into(c, "#username", "watcher").await;
    type_into(c, "#password", TEST_PASSWORD).await;
    submit(c, "#sign-in").await;
    wait_for_path(c, "/elections", |p| p == "/elections").await;
    c.goto(&app.url(&format!("/elections/{id}/nomination")))
        .await
        .unwrap();
    assert_eq!(
        texts_of(c, "#formal-member li .candidate-name").await,
        expected
    );
    assert!(text_of(c, "#staff-list").await.contains(&scrutineer.name));
    assert_eq!(
        count(c, "section.card form").await,
        0,
        "observers get no forms"
    );
    assert_eq!(count(c, "input[name=resident], #votes-submit").await, 0);
    let source = c.source().await.unwrap();
    assert!(
        !source.contains(&a.resident_id),
        "no resident IDs for observers"
    );
    // The same page in English.
    c.goto(&app.url(&format!("/elections/{id}/nomination?lang=en")))
        .await
        .unwrap();
    assert!(text_of(c, "h1")
        .await
        .contains("Nomination and formal candidates"));
    let line = text_of(c, "#timeline-formal_candidates_published").await;
    assert!(line.contains("Done in time"), "{line}");
    let row = text_of(c, "#member-1").await;
    assert!(row.contains("became a formal candidate"), "{row}");

    let issued: Value = app
        .client()
        .post(api("/station-tokens"))
        .bearer_auth(&token)
        .json(&json!({"station": "S1"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let clerk = issued["token"].as_str().unwrap();
    let page = app
        .client()
        .get(app.url(&format!("/elections/{id}/nomination")))
        .bearer_auth(clerk)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), reqwest::StatusCode::FORBIDDEN);
    let post = app
        .client()
        .post(app.url(&format!("/elections/{id}/nomination/staff")))
        .bearer_auth(clerk)
        .form(&[
            ("resident", scrutineer.resident_id.as_str()),
            ("role", "caller"),
            ("station", "S1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), reqwest::StatusCode::FORBIDDEN);

    browser.close().await.unwrap();
    app.stop().await.unwrap();
}
