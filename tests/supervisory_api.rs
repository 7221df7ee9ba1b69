//! End-to-end: a residents' affairs supervisory committee (居务监督委员会,
//! R-BODY-4) over HTTP, on a fresh SQLite file and a fresh PostgreSQL
//! database. Its seats are 3–5 with one chair, whatever the households;
//! the committee records who holds a barring office (a residents'
//! committee member, a party-organisation member, the finance staff) and
//! family relations; nominations of barred people and of the spouses and
//! close relatives of committee and party members are refused with the
//! rule id, a party member may stand for chair; then the same machinery
//! prints, polls, counts and certifies it, the results notice names the
//! body, and its exported case recounts to the server's result.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::Duration;
use huanjie_registration::{generate_roll_csv, Encoding};
use huanjie_testkit::app::{call, refused, spawn_postgres_app, spawn_sqlite_app, TestApp};
use huanjie_testkit::app::{ok, today};
use huanjie_testkit::vote::{hold_vote, pdf_text};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// A vote held and certified through the testkit, each ballot's marks
/// from `marks(i)`.
async fn hold(
    app: &TestApp,
    token: &str,
    e: &str,
    voted: u64,
    marks: impl Fn(usize) -> Value,
) -> Value {
    hold_vote(app, token, e, voted, |i| json!({ "marks": marks(i) }))
        .await
        .unwrap()
}

async fn supervisory_committee_with_recusals(app: TestApp) {
    let token = app.set_up_committee("chair").await.unwrap();
    let day = today() + Duration::days(31);
    let body = ok(
        &call(
            &app,
            Method::POST,
            "/elections",
            &token,
            Some(json!({
                "body_kind": "supervisory_committee", "title": "和平社区第一届居务监督委员会选举",
                "profile": "county-2006", "election_day": day.to_string(),
                "seats": [{"position": "director", "seats": 1}, {"position": "member", "seats": 2}]
            })),
        )
        .await,
        StatusCode::CREATED,
    );
    let e = format!("/elections/{}", body["id"].as_str().unwrap());
    // Recusals are recorded on a published roll.
    let reply = app
        .client()
        .post(app.url(&format!("/api/v1{e}/roll")))
        .bearer_auth(&token)
        .body(generate_roll_csv(83, 400, day, Encoding::Utf8))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::OK);
    ok(
        &call(
            &app,
            Method::POST,
            &format!("{e}/publication"),
            &token,
            None,
        )
        .await,
        StatusCode::CREATED,
    );
    let page = ok(
        &call(
            &app,
            Method::GET,
            &format!("{e}/residents?limit=500&voters_only=true"),
            &token,
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

    // R-BODY-4: 3–5 members with one chair; no households formula.
    let status = ok(
        &call(&app, Method::GET, &format!("{e}/nomination"), &token, None).await,
        StatusCode::OK,
    );
    assert_eq!(status["seat_problems"], json!([]), "{status}");
    let reply = call(&app, Method::PUT, &format!("{e}/seats"), &token,
        Some(json!({"seats": [{"position": "director", "seats": 1}, {"position": "member", "seats": 5}]}))).await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-BODY-4",
        "supervisory_size",
    );
    let reply = call(&app, Method::PUT, &format!("{e}/seats"), &token,
        Some(json!({"seats": [{"position": "director", "seats": 1}, {"position": "deputy", "seats": 1},
                              {"position": "member", "seats": 1}]}))).await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-BODY-4",
        "supervisory_positions",
    );
    ok(
        &call(&app, Method::PUT, &format!("{e}/seats"), &token,
            Some(json!({"seats": [{"position": "director", "seats": 1}, {"position": "member", "seats": 2}]}))).await,
        StatusCode::OK,
    );

    // Who holds a barring office, and who is related to whom.
    let recuse = |who: &str, office: &str| json!({"resident": who, "office": office});
    for (who, office) in [
        (&v[10], "finance_staff"),
        (&v[11], "residents_committee"),
        (&v[13], "party_organisation"),
    ] {
        ok(
            &call(
                &app,
                Method::POST,
                &format!("{e}/recusals"),
                &token,
                Some(recuse(who, office)),
            )
            .await,
            StatusCode::CREATED,
        );
    }
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/recusals"),
        &token,
        Some(recuse(&v[10], "finance_staff")),
    )
    .await;
    assert_eq!(reply.0, StatusCode::CONFLICT, "{}", reply.1);
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/recusals"),
        &token,
        Some(recuse(&v[20], "treasurer")),
    )
    .await;
    assert_eq!(reply.0, StatusCode::BAD_REQUEST, "{}", reply.1);
    assert_eq!(reply.1["error"]["code"], "office", "{}", reply.1);
    let listed = ok(
        &call(&app, Method::GET, &format!("{e}/recusals"), &token, None).await,
        StatusCode::OK,
    );
    assert_eq!(listed["recusals"].as_array().unwrap().len(), 3);
    for (a, b) in [(&v[12], &v[11]), (&v[14], &v[10])] {
        ok(
            &call(
                &app,
                Method::POST,
                &format!("{e}/relations"),
                &token,
                Some(json!({"a": a, "b": b, "kind": "spouse"})),
            )
            .await,
            StatusCode::CREATED,
        );
    }

    let nominate = |who: &String, position: &str| {
        json!({"kind": "self_nomination", "nominators": [who],
               "nominees": [{"resident": who, "position": position}]})
    };
    // The finance staff, a residents' committee member's spouse, and a
    // party member for an ordinary seat: refused, naming the rule.
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/nominations"),
        &token,
        Some(nominate(&v[10], "member")),
    )
    .await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-BODY-4",
        "barred_office",
    );
    assert!(
        reply.1["error"]["message"]
            .as_str()
            .unwrap()
            .contains("社区财务人员"),
        "{}",
        reply.1
    );
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/nominations"),
        &token,
        Some(nominate(&v[11], "director")),
    )
    .await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-BODY-4",
        "barred_office",
    );
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/nominations"),
        &token,
        Some(nominate(&v[12], "member")),
    )
    .await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-BODY-4",
        "barred_relative",
    );
    assert!(
        reply.1["error"]["message"]
            .as_str()
            .unwrap()
            .contains("配偶或近亲属"),
        "{}",
        reply.1
    );
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/nominations"),
        &token,
        Some(nominate(&v[13], "member")),
    )
    .await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-BODY-4",
        "barred_office",
    );
    // A party member may stand for chair; the finance staff's spouse is
    // not barred (RULES.md bars the relatives of committee and party
    // members only).
    for (who, position) in [
        (&v[13], "director"),
        (&v[17], "director"),
        (&v[14], "member"),
        (&v[15], "member"),
        (&v[16], "member"),
    ] {
        ok(
            &call(
                &app,
                Method::POST,
                &format!("{e}/nominations"),
                &token,
                Some(nominate(who, position)),
            )
            .await,
            StatusCode::CREATED,
        );
    }
    ok(
        &call(
            &app,
            Method::POST,
            &format!("{e}/formal-list"),
            &token,
            None,
        )
        .await,
        StatusCode::CREATED,
    );
    // The same polling day as any election.
    ok(
        &call(
            &app,
            Method::POST,
            &format!("{e}/stations"),
            &token,
            Some(json!({"code": "central", "name": "中心投票站", "kind": "central"})),
        )
        .await,
        StatusCode::CREATED,
    );
    for resident in &v[300..303] {
        ok(
            &call(
                &app,
                Method::POST,
                &format!("{e}/counting-staff"),
                &token,
                Some(json!({"resident": resident, "role": "scrutineer", "station": "中心投票站"})),
            )
            .await,
            StatusCode::CREATED,
        );
    }
    let registered = ok(
        &call(
            &app,
            Method::GET,
            &format!("{e}/registration"),
            &token,
            None,
        )
        .await,
        StatusCode::OK,
    )["registered"]
        .as_u64()
        .unwrap();
    let result = hold(
        &app,
        &token,
        &e,
        registered / 2 + 1,
        |_| json!({"director": {"1": "for"}, "member": {"1": "for", "2": "for"}}),
    )
    .await;
    assert_eq!(result["valid"], true, "{result}");
    assert_eq!(result["contests"][0]["elected"], json!(["1"]), "{result}");
    assert_eq!(
        result["contests"][1]["elected"],
        json!(["1", "2"]),
        "{result}"
    );
    let notice = pdf_text(&app, &token, &format!("{e}/documents/results"))
        .await
        .unwrap();
    assert!(notice.contains("居务监督委员会"), "{notice}");
    let case = app
        .client()
        .get(app.url(&format!("/api/v1{e}/case")))
        .bearer_auth(&token)
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
    assert_eq!(recount, result);

    // Recusals belong to supervisory committee elections.
    let other = ok(
        &call(
            &app,
            Method::POST,
            "/elections",
            &token,
            Some(json!({
                "body_kind": "residents_committee", "title": "和平社区第七届居民委员会选举",
                "profile": "county-2006", "election_day": day.to_string(),
                "seats": [{"position": "director", "seats": 1}, {"position": "member", "seats": 4}]
            })),
        )
        .await,
        StatusCode::CREATED,
    );
    let reply = call(
        &app,
        Method::POST,
        &format!("/elections/{}/recusals", other["id"].as_str().unwrap()),
        &token,
        Some(recuse(&v[10], "finance_staff")),
    )
    .await;
    refused(&reply, StatusCode::CONFLICT, "R-BODY-4", "not_supervisory");
    app.stop().await.unwrap();
}

mod sqlite {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn supervisory_committee_with_recusals() {
        super::supervisory_committee_with_recusals(super::spawn_sqlite_app().await).await
    }
}

mod postgres {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn supervisory_committee_with_recusals() {
        super::supervisory_committee_with_recusals(super::spawn_postgres_app().await).await
    }
}
