//! End-to-end: R-CNT-8 over HTTP on zhejiang-2020, on a fresh SQLite file
//! and a fresh PostgreSQL database.
//!
//! 1. The ballot prints a women's-member line; no woman is elected in the
//!    general round, and on that line a man written in leads the women.
//!    The further election keeps the women's line with only the women on
//!    it (R-CNT-7 alone would have listed the man); after it is certified
//!    with a woman elected and 4 members elected in all, the remaining
//!    seat may stay empty, and another further election is still allowed.
//! 2. No women's-member line on the ballot: one of the members' unfilled
//!    seats becomes the women's line, among the members' women; after the
//!    further election 2 members are elected in all, so another further
//!    election is required.
//!
//! Each round's exported case recounts to the server's result, and the
//! outcome page says where the election stands.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;

use chrono::Duration;
use huanjie_registration::{generate_roll_csv, Encoding};
use huanjie_testkit::app::{call, spawn_postgres_app, spawn_sqlite_app, TestApp};
use huanjie_testkit::app::{ok, today};
use huanjie_testkit::vote::hold_vote;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// The man written in on the women's line (not a name the roll makes).
const WRITTEN_IN_MAN: &str = "司马强";

/// A zhejiang-2020 election ready for its vote.
struct Ready {
    /// `/elections/{id}`.
    e: String,
    registered: u64,
    /// Each candidate's name and gender (`M`/`F`).
    gender: HashMap<String, String>,
}

/// A zhejiang-2020 residents' committee election with `seats`, a
/// generated roll published, self-nominations for `nominees` (position,
/// gender) fixed as the formal list, a central station with three
/// scrutineers who stand for nothing.
async fn ready(app: &TestApp, token: &str, seats: Value, nominees: &[(&str, &str)]) -> Ready {
    let day = today() + Duration::days(31);
    let body = ok(
        &call(
            app,
            Method::POST,
            "/elections",
            token,
            Some(json!({
                "body_kind": "residents_committee", "title": "和平社区第八届居民委员会选举",
                "profile": "zhejiang-2020", "election_day": day.to_string(), "seats": seats,
            })),
        )
        .await,
        StatusCode::CREATED,
    );
    let e = format!("/elections/{}", body["id"].as_str().unwrap());
    let reply = app
        .client()
        .post(app.url(&format!("/api/v1{e}/roll")))
        .bearer_auth(token)
        .body(generate_roll_csv(88, 400, day, Encoding::Utf8))
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
    let voters: Vec<Value> = page["residents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["waived"] != true)
        .cloned()
        .collect();
    // Each nominee the next voter of that gender whose name no one else
    // on the roll shares (names identify people on the ballot).
    let name_count = |name: &str| voters.iter().filter(|v| v["name"] == name).count();
    let mut taken: Vec<String> = Vec::new();
    let mut gender = HashMap::new();
    for (position, g) in nominees {
        let who = voters
            .iter()
            .find(|v| {
                let id = v["id"].as_str().unwrap().to_owned();
                let name = v["name"].as_str().unwrap();
                v["gender"] == *g && !taken.contains(&id) && name_count(name) == 1
            })
            .unwrap_or_else(|| panic!("no {g} voter left"));
        let id = who["id"].as_str().unwrap().to_owned();
        gender.insert(who["name"].as_str().unwrap().to_owned(), (*g).to_owned());
        let paper = json!({
            "kind": "self_nomination", "nominators": [id],
            "nominees": [{"resident": id, "position": position}],
        });
        ok(
            &call(
                app,
                Method::POST,
                &format!("{e}/nominations"),
                token,
                Some(paper),
            )
            .await,
            StatusCode::CREATED,
        );
        taken.push(id);
    }
    assert!(!gender.contains_key(WRITTEN_IN_MAN));
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
    let staff: Vec<&Value> = voters
        .iter()
        .rev()
        .filter(|v| !taken.iter().any(|t| v["id"] == t.as_str()))
        .take(3)
        .collect();
    for resident in staff {
        ok(
            &call(
                app,
                Method::POST,
                &format!("{e}/counting-staff"),
                token,
                Some(json!({"resident": resident["id"], "role": "scrutineer",
                            "station": "中心投票站"})),
            )
            .await,
            StatusCode::CREATED,
        );
    }
    let status = ok(
        &call(app, Method::GET, &format!("{e}/registration"), token, None).await,
        StatusCode::OK,
    );
    Ready {
        e,
        registered: status["registered"].as_u64().unwrap(),
        gender,
    }
}

fn contest<'a>(result: &'a Value, id: &str) -> &'a Value {
    result["contests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no {id} in {result}"))
}

/// The names of `ids` (people of `c`'s tally).
fn names(c: &Value, ids: &Value) -> Vec<String> {
    ids.as_array()
        .unwrap()
        .iter()
        .map(|id| {
            c["tally"]
                .as_array()
                .unwrap()
                .iter()
                .find(|row| row["person"] == *id)
                .unwrap()["name"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

/// Everyone `result` elected, by name.
fn elected(result: &Value) -> Vec<String> {
    result["contests"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| names(c, &c["elected"]))
        .collect()
}

/// The round's exported case recounts, offline, to the server's result.
async fn recounts(app: &TestApp, token: &str, e: &str, result: &Value) {
    let case = app
        .client()
        .get(app.url(&format!("/api/v1{e}/case")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let recount: Value = huanjie_case::count_slice(case.as_bytes())
        .map(|c| huanjie_case::result_json(&c))
        .map(|j| serde_json::from_str(&j).unwrap())
        .unwrap();
    assert_eq!(&recount, result, "the case of {e} recounts differently");
}

/// A further election from the certified round `e`: (its path, the
/// creation's answer, its contests as fixed).
async fn further(app: &TestApp, token: &str, e: &str) -> (String, Value, Value) {
    let created = ok(
        &call(
            app,
            Method::POST,
            &format!("{e}/rounds"),
            token,
            Some(json!({"kind": "further"})),
        )
        .await,
        StatusCode::CREATED,
    );
    let contests: Value =
        serde_json::from_str(created["round"]["contests"].as_str().unwrap()).unwrap();
    (
        format!("/elections/{}", created["id"].as_str().unwrap()),
        created,
        contests,
    )
}

fn round_contest<'a>(contests: &'a Value, position: &str) -> &'a Value {
    contests
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["position"] == position)
        .unwrap_or_else(|| panic!("no {position} in {contests}"))
}

fn standing(contest: &Value) -> Vec<(String, String)> {
    contest["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().to_owned(),
                p["gender"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn completion(app: &TestApp, token: &str, e: &str) -> Value {
    ok(
        &call(app, Method::GET, &format!("{e}/rounds"), token, None).await,
        StatusCode::OK,
    )["completion"]
        .clone()
}

/// A page as the signed-in committee member's browser gets it.
async fn page(app: &TestApp, token: &str, path: &str) -> String {
    let reply = app
        .client()
        .get(app.url(path))
        .header("cookie", format!("huanjie_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::OK, "{path}");
    reply.text().await.unwrap()
}

async fn womens_line_kept_and_seats_may_stay_empty(app: TestApp) {
    let token = app.set_up_committee("chair").await.unwrap();
    let seats = json!([{"position": "director", "seats": 1}, {"position": "member", "seats": 3},
                       {"position": "women_member", "seats": 1}]);
    let nominees = [
        ("director", "M"),
        ("director", "M"),
        ("member", "M"),
        ("member", "M"),
        ("member", "M"),
        ("member", "M"),
        ("women_member", "F"),
        ("women_member", "F"),
    ];
    let ready = ready(&app, &token, seats, &nominees).await;
    let e = ready.e.clone();
    let voted = ready.registered / 2 + 1;
    // The director and two members elected (all men); on the women's line
    // the written-in man leads 20 : 10 : 5, no one with half.
    let general = hold_vote(&app, &token, &e, voted, |i| {
        let mut scan = json!({"marks": {"director": {"1": "for"},
                                        "member": {"1": "for", "2": "for"}}});
        match i {
            0..20 => {
                scan["write_ins"] =
                    json!({"women_member": [{"name": WRITTEN_IN_MAN, "gender": "M"}]});
            }
            20..30 => scan["marks"]["women_member"] = json!({"1": "for"}),
            30..35 => scan["marks"]["women_member"] = json!({"2": "for"}),
            _ => {}
        }
        scan
    })
    .await
    .unwrap();
    recounts(&app, &token, &e, &general).await;
    assert_eq!(general["women_elected"], 0, "{general}");
    let first = elected(&general);
    assert_eq!(first.len(), 3, "{general}");
    assert!(first.iter().all(|n| ready.gender[n] == "M"), "{first:?}");
    let line = contest(&general, "women_member");
    // R-CNT-7 alone lists the written-in man first.
    assert_eq!(
        line["further_election"]["candidates"][0],
        format!("write-in:{WRITTEN_IN_MAN}"),
        "{line}"
    );
    // The women in tally order: 10 votes, then 5.
    let women: Vec<String> = names(line, &json!(["1", "2"]));
    assert!(women.iter().all(|n| ready.gender[n] == "F"), "{women:?}");
    let tally_women: Vec<String> = line["tally"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["person"] != format!("write-in:{WRITTEN_IN_MAN}"))
        .map(|r| r["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(tally_women, women);

    // Three elected but no further election yet: one is required.
    let status = completion(&app, &token, &e).await;
    assert_eq!(status["status"], "further_required", "{status}");
    assert_eq!(
        (status["elected"].as_u64(), status["empty"].as_u64()),
        (Some(3), Some(2))
    );
    assert_eq!(status["rule"], "R-CNT-8");
    // The outcome page says so, and who stands on the women's line.
    let html = page(&app, &token, &format!("{e}/outcome")).await;
    assert!(html.contains("id=\"chain-status\""), "R-CNT-8: no status");
    assert!(
        html.contains("须另行选举"),
        "R-CNT-8: not required on the page"
    );
    assert!(
        html.contains("id=\"womens-line-kept\""),
        "R-CNT-8: no women's line"
    );
    assert!(
        html.contains(&women.join("、")),
        "R-CNT-8: the women not listed"
    );

    // R-CNT-8: the women's line lists only the women.
    let (r, created, contests) = further(&app, &token, &e).await;
    assert_eq!(created["womens_line"], "women_member_line", "{created}");
    assert_eq!(created["notes"], json!([]), "{created}");
    let on_line = standing(round_contest(&contests, "women_member"));
    assert_eq!(
        on_line,
        women
            .iter()
            .map(|n| (n.clone(), "F".to_owned()))
            .collect::<Vec<_>>(),
        "R-CNT-8: {contests}"
    );
    assert!(
        !contests.to_string().contains(WRITTEN_IN_MAN),
        "R-CNT-8: the written-in man stands: {contests}"
    );
    let members = standing(round_contest(&contests, "member"));
    assert_eq!(members.len(), 2, "1 seat + the margin: {contests}");
    assert_eq!(round_contest(&contests, "member")["seats"], 1);

    // The further election: the first woman on the line elected, no one for
    // the member's seat.
    let second = hold_vote(
        &app,
        &token,
        &r,
        voted,
        |_| json!({"marks": {"women_member": {"1": "for"}}}),
    )
    .await
    .unwrap();
    recounts(&app, &token, &r, &second).await;
    assert_eq!(elected(&second), vec![women[0].clone()], "{second}");
    assert_eq!(second["women_elected"], 1);

    // Four elected over both rounds (at least 3): the last seat may stay
    // empty; another further election is allowed, not required.
    for at in [&e, &r] {
        let status = completion(&app, &token, at).await;
        assert_eq!(status["status"], "may_stay_empty", "{status}");
        assert_eq!(status["elected"], 4);
        assert_eq!(status["empty"], 1);
        assert_eq!(status["may_stay_empty_from"], 3);
        assert_eq!(status["further_allowed"], true);
        assert_eq!(status["further_required"], false);
        assert_eq!(status["rule"], "R-CNT-8");
        assert!(
            status["en"].as_str().unwrap().contains("may stay empty"),
            "{status}"
        );
        assert!(
            status["zh"].as_str().unwrap().contains("可以空缺"),
            "{status}"
        );
    }
    let html = page(&app, &token, &format!("{r}/outcome")).await;
    assert!(
        html.contains("可以空缺"),
        "R-CNT-8: the page does not say so"
    );
    assert!(
        html.contains("id=\"further-form\""),
        "another further election is allowed"
    );
    let rounds = ok(
        &call(&app, Method::GET, &format!("{e}/rounds"), &token, None).await,
        StatusCode::OK,
    );
    assert_eq!(rounds["rounds"][0]["certified"], true, "{rounds}");
    assert_eq!(rounds["rounds"][0]["kind"], "further", "{rounds}");

    // Another one is still allowed; a woman is elected now, so no line.
    let (_, again, contests) = further(&app, &token, &r).await;
    assert_eq!(again["womens_line"], "not_needed", "{again}");
    assert!(contests
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["position"] == "member"));
    app.stop().await.unwrap();
}

async fn a_members_seat_becomes_the_line_and_another_further_is_required(app: TestApp) {
    let token = app.set_up_committee("chair").await.unwrap();
    let seats = json!([{"position": "director", "seats": 1}, {"position": "member", "seats": 4}]);
    let nominees = [
        ("director", "M"),
        ("director", "M"),
        ("member", "M"),
        ("member", "M"),
        ("member", "M"),
        ("member", "F"),
        ("member", "F"),
    ];
    let ready = ready(&app, &token, seats, &nominees).await;
    let e = ready.e.clone();
    let voted = ready.registered / 2 + 1;
    // The director elected; the members' votes spread so that no one has
    // half; a man written in among them.
    let general = hold_vote(&app, &token, &e, voted, |i| {
        let member = match i % 4 {
            0 => json!({"1": "for", "2": "for"}),
            1 => json!({"3": "for"}),
            2 => json!({"4": "for", "5": "for"}),
            _ => json!({}),
        };
        let mut scan = json!({"marks": {"director": {"1": "for"}, "member": member}});
        if i < 15 {
            scan["write_ins"] = json!({"member": [{"name": WRITTEN_IN_MAN, "gender": "M"}]});
        }
        scan
    })
    .await
    .unwrap();
    recounts(&app, &token, &e, &general).await;
    assert_eq!(elected(&general).len(), 1, "{general}");
    assert_eq!(general["women_elected"], 0);
    let members = contest(&general, "member");
    assert_eq!(members["elected"], json!([]), "{members}");
    let tally: Vec<String> = members["tally"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_owned())
        .collect();
    let women: Vec<String> = tally
        .iter()
        .filter(|n| ready.gender.get(*n).is_some_and(|g| g == "F"))
        .cloned()
        .collect();
    assert_eq!(women.len(), 2, "{tally:?}");

    let (r, created, contests) = further(&app, &token, &e).await;
    assert_eq!(created["womens_line"], "from_member_seats", "{created}");
    let line = round_contest(&contests, "women_member");
    assert_eq!(line["seats"], 1, "R-CNT-8: {contests}");
    assert_eq!(
        standing(line),
        women
            .iter()
            .map(|n| (n.clone(), "F".to_owned()))
            .collect::<Vec<_>>(),
        "R-CNT-8: {contests}"
    );
    let rest = round_contest(&contests, "member");
    assert_eq!(rest["seats"], 3, "{contests}");
    let rest = standing(rest);
    assert!(rest.iter().all(|(_, g)| g == "M"), "{rest:?}");
    assert_eq!(rest.len(), 4, "3 seats + the margin: {rest:?}");
    // Printed in the order of the position (member, then the women's line).
    let order: Vec<&str> = contests
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["position"].as_str().unwrap())
        .collect();
    assert_eq!(order, ["member", "women_member"]);

    // The further election fills the women's line only.
    let second = hold_vote(
        &app,
        &token,
        &r,
        voted,
        |_| json!({"marks": {"women_member": {"1": "for"}}}),
    )
    .await
    .unwrap();
    recounts(&app, &token, &r, &second).await;
    assert_eq!(elected(&second), vec![women[0].clone()], "{second}");

    // Two elected in all, fewer than 3: another further election is required.
    let status = completion(&app, &token, &r).await;
    assert_eq!(status["status"], "further_required", "R-CNT-8: {status}");
    assert_eq!(status["elected"], 2);
    assert_eq!(status["empty"], 3);
    assert_eq!(status["may_stay_empty_from"], 3);
    assert_eq!(status["further_required"], true);
    let html = page(&app, &token, &format!("{r}/outcome")).await;
    assert!(
        html.contains("须另行选举"),
        "R-CNT-8: the page does not say so"
    );

    // The term: the woman sits in one of the members' seats; 3 are vacant.
    let term = ok(
        &call(&app, Method::GET, &format!("{e}/term"), &token, None).await,
        StatusCode::OK,
    );
    let vacant = |position: &str| {
        term["vacancies"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["position"] == position)
            .unwrap()["seats"]
            .clone()
    };
    assert_eq!(vacant("member"), 3, "R-CNT-8: {term}");
    assert_eq!(vacant("director"), 0, "{term}");
    app.stop().await.unwrap();
}

mod sqlite {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn womens_line_kept_and_seats_may_stay_empty() {
        super::womens_line_kept_and_seats_may_stay_empty(super::spawn_sqlite_app().await).await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_members_seat_becomes_the_line_and_another_further_is_required() {
        super::a_members_seat_becomes_the_line_and_another_further_is_required(
            super::spawn_sqlite_app().await,
        )
        .await
    }
}

mod postgres {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn womens_line_kept_and_seats_may_stay_empty() {
        super::womens_line_kept_and_seats_may_stay_empty(super::spawn_postgres_app().await).await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_members_seat_becomes_the_line_and_another_further_is_required() {
        super::a_members_seat_becomes_the_line_and_another_further_is_required(
            super::spawn_postgres_app().await,
        )
        .await
    }
}
