//! End-to-end: nomination over HTTP, on a fresh SQLite file and on a fresh
//! PostgreSQL database (issue 4): seats from households (R-BODY-1/2), the
//! election committee (R-BODY-5), nomination papers (R-NOM-1/2), the
//! preliminary vote and its tie (R-NOM-3), the formal list (R-NOM-4/5)
//! taking its candidates off the election committee, a withdrawal and its
//! replacement (R-NOM-6), counting staff (R-POLL-2) and proxies
//! (R-POLL-4) refusing candidates. Every refusal is checked for its rule id.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration, NaiveDate};
use huanjie_registration::{generate_roll_csv, Encoding};
use huanjie_testkit::app::{
    call, refused, spawn_binary, spawn_postgres_app, spawn_sqlite_app, TestApp, TEST_PASSWORD,
};
use huanjie_testkit::app::{ok, today};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// An election on `day` with a generated roll of `residents`, its voter
/// list published; returns its path and the voters' record ids.
async fn published_election(
    app: &TestApp,
    token: &str,
    profile: &str,
    day: NaiveDate,
    seed: u64,
) -> (String, Vec<String>) {
    let body = ok(
        &call(
            app,
            Method::POST,
            "/elections",
            token,
            Some(json!({
                "body_kind": "residents_committee", "title": format!("和平社区{day}"),
                "profile": profile, "election_day": day.to_string(),
                "seats": [{"position": "director", "seats": 1}, {"position": "member", "seats": 4}]
            })),
        )
        .await,
        StatusCode::CREATED,
    );
    let e = format!("/elections/{}", body["id"].as_str().unwrap());
    let csv = generate_roll_csv(seed, 400, day, Encoding::Utf8);
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
    let voters = page["residents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["waived"] != true)
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    (e, voters)
}

fn paper(kind: &str, nominators: &[String], nominees: &[(&String, &str)]) -> Value {
    json!({
        "kind": kind,
        "nominators": nominators,
        "nominees": nominees.iter().map(|(r, p)| json!({"resident": r, "position": p})).collect::<Vec<_>>(),
    })
}

fn self_paper(who: &String, position: &str) -> Value {
    paper(
        "self_nomination",
        std::slice::from_ref(who),
        &[(who, position)],
    )
}

/// Downloads a notice, renders its pages to PNG with pdftoppm (every page
/// must come out a non-empty image) and returns its text from pdftotext,
/// white space removed (pdftotext spaces CJK text unpredictably).
async fn notice_text(app: &TestApp, token: &str, e: &str, kind: &str) -> String {
    pdf_text(app, token, &format!("{e}/notices/{kind}"), kind).await
}

/// The PDF at `path` (under /api/v1), rendered to PNG by pdftoppm (every
/// page a non-empty image) and read back by pdftotext, white space removed.
async fn pdf_text(app: &TestApp, token: &str, path: &str, kind: &str) -> String {
    let reply = app
        .client()
        .get(app.url(&format!("/api/v1{path}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::OK, "{kind}");
    let pdf = reply.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF"), "{kind}");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(format!("{kind}.pdf"));
    std::fs::write(&file, &pdf).unwrap();
    let out = std::process::Command::new("pdftoppm")
        .args(["-r", "40", "-png"])
        .arg(&file)
        .arg(dir.path().join("page"))
        .output()
        .expect("pdftoppm (poppler-utils, installed by scripts/ensure-fonts.sh)");
    assert!(out.status.success(), "pdftoppm {kind}");
    let pngs: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|f| f.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "png"))
        .collect();
    assert!(!pngs.is_empty(), "{kind}: no page rendered");
    for png in &pngs {
        let bytes = std::fs::read(png).unwrap();
        assert!(
            bytes.starts_with(b"\x89PNG") && bytes.len() > 1000,
            "{kind}"
        );
    }
    let out = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext");
    assert!(out.status.success(), "pdftotext {kind}");
    String::from_utf8(out.stdout)
        .unwrap()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

fn zh_date(d: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// The standing formal candidates of a position, by record id.
fn standing(list: &Value, position: &str) -> Vec<String> {
    list["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["position"] == position && c["status"] == "formal")
        .map(|c| c["resident"].as_str().unwrap().to_owned())
        .collect()
}

async fn roll_to_formal_list(app: TestApp) {
    let token = app.set_up_committee("chair").await.unwrap();
    let day = today() + Duration::days(30);
    let (e, v) = published_election(&app, &token, "county-2006", day, 41).await;

    // R-BODY-2: 400 residents make well under 1,500 households: the
    // County-2006 formula gives its floor, 3.
    let status = ok(
        &call(&app, Method::GET, &format!("{e}/nomination"), &token, None).await,
        StatusCode::OK,
    );
    let households = status["households"].as_u64().unwrap();
    assert!(households > 50 && households < 300, "{households}");
    assert_eq!(status["formula_members"], 3);
    // The seats the election was created with have no deputy (R-BODY-1).
    assert_eq!(status["seat_problems"][0]["rule"], "R-BODY-1", "{status}");

    // Seats: five without a reason departs from the formula (R-BODY-2);
    // three deputies are too many (R-BODY-1); the formula's three are fine.
    let seats5 = json!({"seats": [
        {"position": "director", "seats": 1}, {"position": "deputy", "seats": 1},
        {"position": "member", "seats": 3}]});
    let reply = call(
        &app,
        Method::PUT,
        &format!("{e}/seats"),
        &token,
        Some(seats5.clone()),
    )
    .await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-BODY-2",
        "reason_required",
    );
    let reply = call(
        &app,
        Method::PUT,
        &format!("{e}/seats"),
        &token,
        Some(json!({"seats": [
            {"position": "director", "seats": 1}, {"position": "deputy", "seats": 3},
            {"position": "member", "seats": 1}], "reason": "试一试"})),
    )
    .await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-BODY-1",
        "deputies",
    );
    let mut with_reason = seats5.clone();
    with_reason["reason"] = json!("社区面积大、居民分散，经居民代表会议讨论定为5名");
    let plan = ok(
        &call(
            &app,
            Method::PUT,
            &format!("{e}/seats"),
            &token,
            Some(with_reason),
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(plan["formula_members"], 3);
    assert_eq!(plan["households"], households);

    // R-BODY-5: the election committee; a second chair is refused.
    let chair_resident = &v[0];
    ok(
        &call(
            &app,
            Method::POST,
            &format!("{e}/committee-members"),
            &token,
            Some(json!({"name": "主任甲", "gender": "F", "role": "chair", "resident": chair_resident})),
        )
        .await,
        StatusCode::CREATED,
    );
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/committee-members"),
        &token,
        Some(json!({"name": "主任乙", "gender": "M", "role": "chair"})),
    )
    .await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-BODY-5",
        "chair",
    );

    // R-NOM-1: ten voters jointly; nine are too few.
    let signers: Vec<String> = v[100..110].to_vec();
    let (director_a, deputy_a, member_a) = (chair_resident, &v[1], &v[2]);
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/nominations"),
        &token,
        Some(paper(
            "joint_voters",
            &signers[..9],
            &[(director_a, "director")],
        )),
    )
    .await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-NOM-1",
        "too_few_nominators",
    );
    let first = ok(
        &call(
            &app,
            Method::POST,
            &format!("{e}/nominations"),
            &token,
            Some(paper(
                "joint_voters",
                &signers,
                &[
                    (director_a, "director"),
                    (deputy_a, "deputy"),
                    (member_a, "member"),
                ],
            )),
        )
        .await,
        StatusCode::CREATED,
    );
    assert_eq!(first["nomination"]["number"], 1);
    assert_eq!(first["void_because"], json!([]));

    // R-NOM-2: a voter nominates once; a paper naming more people than a
    // position has seats is refused; nothing is written either time.
    let mut again: Vec<String> = v[110..119].to_vec();
    again.push(signers[3].clone());
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/nominations"),
        &token,
        Some(paper("joint_voters", &again, &[(&v[3], "member")])),
    )
    .await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-NOM-2",
        "nominator_already_nominated",
    );
    assert_eq!(
        reply.1["error"]["details"]["problems"][0]["person"],
        signers[3].as_str()
    );
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/nominations"),
        &token,
        Some(paper(
            "joint_voters",
            &v[110..120],
            &[(&v[3], "director"), (&v[4], "director")],
        )),
    )
    .await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-NOM-2",
        "too_many_nominees",
    );

    // Self-nominations: two more for director (three for 1 seat + 1).
    let (director_b, director_c) = (&v[5], &v[6]);
    for (who, position) in [
        (director_b, "director"),
        (director_c, "director"),
        (&v[7], "deputy"),
        (&v[8], "member"),
        (&v[9], "member"),
        (&v[10], "member"),
    ] {
        ok(
            &call(
                &app,
                Method::POST,
                &format!("{e}/nominations"),
                &token,
                Some(self_paper(who, position)),
            )
            .await,
            StatusCode::CREATED,
        );
    }

    // R-NOM-3: three director nominees for two places need a preliminary
    // vote; a tie at the cut is reported, not broken.
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/formal-list"),
        &token,
        None,
    )
    .await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-NOM-3",
        "preliminary_needed",
    );
    let votes = |b: u64, c: u64| {
        json!({"votes": [
            {"resident": director_a, "position": "director", "votes": 50},
            {"resident": director_b, "position": "director", "votes": b},
            {"resident": director_c, "position": "director", "votes": c},
        ]})
    };
    ok(
        &call(
            &app,
            Method::PUT,
            &format!("{e}/preliminary-votes"),
            &token,
            Some(votes(40, 40)),
        )
        .await,
        StatusCode::OK,
    );
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/formal-list"),
        &token,
        None,
    )
    .await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-NOM-3",
        "tie_at_cut",
    );
    // Votes only for nominees, for the position they were named for.
    let reply = call(
        &app,
        Method::PUT,
        &format!("{e}/preliminary-votes"),
        &token,
        Some(json!({"votes": [{"resident": &v[50], "position": "director", "votes": 3}]})),
    )
    .await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-NOM-3",
        "not_a_nominee",
    );
    ok(
        &call(
            &app,
            Method::PUT,
            &format!("{e}/preliminary-votes"),
            &token,
            Some(votes(40, 30)),
        )
        .await,
        StatusCode::OK,
    );

    // R-NOM-4/5: the formal list; the chair of the election committee is a
    // candidate and leaves it (R-BODY-5).
    let fixed = ok(
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
    assert_eq!(fixed["timing"]["timing"], "in_time");
    assert_eq!(
        standing(&fixed["list"], "director"),
        vec![director_a.clone(), director_b.clone()]
    );
    assert_eq!(standing(&fixed["list"], "deputy").len(), 2);
    assert_eq!(standing(&fixed["list"], "member").len(), 4);
    assert_eq!(fixed["left_committee"][0]["name"], "主任甲");
    assert!(fixed["women"]["rule"] == "R-BODY-3", "{}", fixed["women"]);

    // The list is fixed: no more papers (R-NOM-5).
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/nominations"),
        &token,
        Some(self_paper(&v[60], "member")),
    )
    .await;
    refused(
        &reply,
        StatusCode::CONFLICT,
        "R-NOM-5",
        "formal_list_published",
    );

    // R-POLL-4: a candidate cannot hold a proxy; R-POLL-2: nor count.
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/proxies"),
        &token,
        Some(json!({"grantor": &v[200], "proxy": director_a, "document": "WT-1"})),
    )
    .await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-POLL-4",
        "proxy_is_candidate",
    );
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/counting-staff"),
        &token,
        Some(json!({"resident": director_b, "role": "counter", "station": "中心投票站"})),
    )
    .await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-POLL-2",
        "candidate",
    );
    let staff = ok(
        &call(
            &app,
            Method::POST,
            &format!("{e}/counting-staff"),
            &token,
            Some(json!({"resident": &v[201], "role": "scrutineer", "station": "中心投票站"})),
        )
        .await,
        StatusCode::CREATED,
    );
    assert_eq!(staff["role"], "scrutineer");

    // Ballots (issue 5): a batch for the central station; its serials
    // check, an altered one does not (R-POLL-5), a spoiled one is voided.
    let printed = ok(
        &call(
            &app,
            Method::POST,
            &format!("{e}/ballot-batches"),
            &token,
            Some(json!({"station": "中心投票站", "count": 5})),
        )
        .await,
        StatusCode::CREATED,
    );
    assert_eq!(printed["batch"]["number"], 1);
    assert_eq!(printed["batch"]["count"], 5);
    let serials: Vec<String> = printed["serials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(serials.len(), 5);
    assert!(
        serials
            .iter()
            .all(|s| s.starts_with("HJ1-") && s.len() == 53),
        "{serials:?}"
    );
    let checked = ok(
        &call(
            &app,
            Method::POST,
            &format!("{e}/serials/check"),
            &token,
            Some(json!({"serial": &serials[0], "batch": 1})),
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(checked["station"], "中心投票站");
    let mut altered = serials[0].clone().into_bytes();
    let last = altered.len() - 1;
    altered[last] = if altered[last] == b'0' { b'1' } else { b'0' };
    let altered = String::from_utf8(altered).unwrap();
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/serials/check"),
        &token,
        Some(json!({"serial": altered})),
    )
    .await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-POLL-5",
        "serial_bad_tag",
    );
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/serials/check"),
        &token,
        Some(json!({"serial": &serials[1], "batch": 2})),
    )
    .await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-POLL-5",
        "serial_wrong_batch",
    );
    ok(
        &call(
            &app,
            Method::POST,
            &format!("{e}/serials/void"),
            &token,
            Some(json!({"serial": &serials[2], "reason": "印刷污损"})),
        )
        .await,
        StatusCode::OK,
    );
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/serials/check"),
        &token,
        Some(json!({"serial": &serials[2]})),
    )
    .await;
    refused(&reply, StatusCode::CONFLICT, "R-POLL-5", "serial_voided");
    let batches = ok(
        &call(
            &app,
            Method::GET,
            &format!("{e}/ballot-batches"),
            &token,
            None,
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(batches["batches"][0]["voided"], 1);
    let manifest = batches["batches"][0]["serials_sha256"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(manifest.len(), 64);
    // The batch as ballots: one page per serial, each serial printed, the
    // formal candidates on it (rendered and read back).
    let batch_id = printed["batch"]["id"].as_str().unwrap().to_owned();
    let text = pdf_text(
        &app,
        &token,
        &format!("{e}/ballot-batches/{batch_id}/pdf"),
        "ballots",
    )
    .await;
    for serial in &serials {
        assert!(
            text.contains(&serial.replace('-', "")) || text.contains(serial.as_str()),
            "{serial} not printed: {text}"
        );
    }
    let candidate = fixed["list"]["candidates"][0]["name"].as_str().unwrap();
    assert!(text.contains(candidate), "{candidate}: {text}");
    let second = ok(
        &call(
            &app,
            Method::POST,
            &format!("{e}/ballot-batches"),
            &token,
            Some(json!({"station": "流动票箱一", "count": 2})),
        )
        .await,
        StatusCode::CREATED,
    );
    assert_eq!(second["batch"]["number"], 2);
    assert!(!serials.contains(&second["serials"][0].as_str().unwrap().to_owned()));

    // An observer, for what follows.
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

    // Printing with progress: a job writes batch 2's PDF; its pages count
    // up to the batch's size; the download is the batch.
    let second_id = second["batch"]["id"].as_str().unwrap().to_owned();
    let job = ok(
        &call(
            &app,
            Method::POST,
            &format!("{e}/ballot-batches/{second_id}/print-jobs"),
            &token,
            None,
        )
        .await,
        StatusCode::ACCEPTED,
    );
    assert_eq!(job["total"], 2);
    assert_eq!(job["batch_number"], 2);
    let job_path = format!("{e}/print-jobs/{}", job["job"].as_str().unwrap());
    let mut status = job.clone();
    for _ in 0..200 {
        if status["state"] != "running" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        status = ok(
            &call(&app, Method::GET, &job_path, &token, None).await,
            StatusCode::OK,
        );
    }
    assert_eq!(status["state"], "done", "{status}");
    assert_eq!(status["done"], 2);
    assert!(status["bytes"].as_u64().unwrap() > 1000);
    let text = pdf_text(&app, &token, &format!("{job_path}/pdf"), "job").await;
    for serial in second["serials"].as_array().unwrap() {
        let serial = serial.as_str().unwrap();
        assert!(
            text.contains(&serial.replace('-', "")) || text.contains(serial),
            "{serial} not printed by the job: {text}"
        );
    }
    // Observers may not print, nor see another's job.
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/ballot-batches/{second_id}/print-jobs"),
        &observer,
        None,
    )
    .await;
    assert_eq!(reply.0, StatusCode::FORBIDDEN);
    assert_eq!(
        call(&app, Method::GET, &job_path, &observer, None).await.0,
        StatusCode::FORBIDDEN
    );
    let unknown = format!("{e}/print-jobs/{}", uuid::Uuid::new_v4());
    assert_eq!(
        call(&app, Method::GET, &unknown, &token, None).await.0,
        StatusCode::NOT_FOUND
    );
    // The specimen (样票): marked so, and its serial is no ballot's.
    let text = pdf_text(&app, &observer, &format!("{e}/ballots/preview"), "preview").await;
    assert!(text.contains("（样票）"), "{text}");
    assert!(text.contains(candidate), "{text}");
    // The command line prints a batch and lists it, on the same database.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cli-batch.pdf");
    let election_id = e.trim_start_matches("/elections/").to_owned();
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_huanjie"))
        .args([
            "ballots",
            "print",
            "--station",
            "第二投票站",
            "--count",
            "3",
        ])
        .args([
            "--election",
            &election_id,
            "--database-url",
            &app.database_url,
        ])
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(String::from_utf8_lossy(&run.stderr).contains("3 / 3"));
    let pdf = std::fs::read(&out).unwrap();
    assert!(pdf.starts_with(b"%PDF") && pdf.ends_with(b"%%EOF\n"));
    assert!(!dir.path().join("cli-batch.pdf.part").exists());
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_huanjie"))
        .args(["ballots", "batches"])
        .args([
            "--election",
            &election_id,
            "--database-url",
            &app.database_url,
        ])
        .output()
        .unwrap();
    let listing = String::from_utf8_lossy(&run.stdout).into_owned();
    assert!(
        listing.lines().any(|l| l.starts_with("3\t第二投票站\t3\t")),
        "{listing}"
    );
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_huanjie"))
        .args(["ballots", "pdf", "--batch", "9"])
        .args([
            "--election",
            &election_id,
            "--database-url",
            &app.database_url,
        ])
        .output()
        .unwrap();
    assert!(!run.status.success());
    assert!(String::from_utf8_lossy(&run.stderr).contains("no batch 9"));

    // R-NOM-6: director B withdraws; C, next by preliminary votes, takes
    // the place.
    let out = ok(
        &call(
            &app,
            Method::POST,
            &format!("{e}/formal-list/withdrawals"),
            &token,
            Some(json!({"resident": director_b, "position": "director", "reason": "本人书面申请退出"})),
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(out["replacement"]["outcome"], "next");
    assert_eq!(out["replacement"]["person"], director_c.as_str());
    assert_eq!(
        standing(&out["list"], "director"),
        vec![director_a.clone(), director_c.clone()]
    );

    // Observers read, and write nothing.
    let seen = ok(
        &call(
            &app,
            Method::GET,
            &format!("{e}/nomination"),
            &observer,
            None,
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(seen["nominations"].as_array().unwrap().len(), 7);
    assert!(
        !seen.to_string().contains("resident_id"),
        "no resident IDs here"
    );
    let timeline = seen["timeline"].as_array().unwrap();
    let formal_line = timeline
        .iter()
        .find(|i| i["code"] == "formal_candidates_published")
        .unwrap();
    assert_eq!(formal_line["status"]["status"], "met", "{formal_line}");
    assert_eq!(
        formal_line["deadline"],
        (day - Duration::days(3)).to_string()
    );
    for (method, path) in [
        (Method::PUT, format!("{e}/seats")),
        (Method::POST, format!("{e}/committee-members")),
        (Method::POST, format!("{e}/nominations")),
        (Method::PUT, format!("{e}/preliminary-votes")),
        (Method::POST, format!("{e}/formal-list")),
        (Method::POST, format!("{e}/formal-list/withdrawals")),
        (Method::POST, format!("{e}/counting-staff")),
        (Method::POST, format!("{e}/ballot-batches")),
        (Method::POST, format!("{e}/serials/check")),
        (Method::POST, format!("{e}/serials/void")),
    ] {
        let (status, _) = call(&app, method, &path, &observer, Some(json!({}))).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }

    // Arrangements feed the election-day and registration notices; until
    // they are recorded those notices are refused, naming what is missing.
    let reply = app
        .client()
        .get(app.url(&format!("/api/v1{e}/notices/election-day")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::CONFLICT);
    let body: Value = reply.json().await.unwrap();
    assert_eq!(body["error"]["code"], "arrangements_missing", "{body}");
    assert_eq!(body["error"]["rule"], "R-BODY-1", "{body}");
    let arrangements = |open: &str, to: NaiveDate| {
        json!({
            "polls_open": open, "polls_close": "17:30:00",
            "registration_from": (day - Duration::days(29)).to_string(),
            "registration_to": to.to_string(),
            "registration_hours": "每日8:30至17:00",
            "registration_places": [{"place": "社区服务中心一楼大厅", "serves": "全体居民"}],
            "committee_formed_by": "经社区居民代表会议推选",
        })
    };
    let reply = call(
        &app,
        Method::PUT,
        &format!("{e}/arrangements"),
        &token,
        Some(arrangements("18:00:00", day - Duration::days(25))),
    )
    .await;
    assert_eq!(reply.0, StatusCode::BAD_REQUEST, "{}", reply.1);
    assert_eq!(reply.1["error"]["code"], "polls_hours");
    // R-REG-5: registration ends by the voter list's deadline (20 days before).
    let reply = call(
        &app,
        Method::PUT,
        &format!("{e}/arrangements"),
        &token,
        Some(arrangements("08:00:00", day - Duration::days(19))),
    )
    .await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-REG-5",
        "registration_too_late",
    );
    ok(
        &call(
            &app,
            Method::PUT,
            &format!("{e}/arrangements"),
            &token,
            Some(arrangements("08:00:00", day - Duration::days(25))),
        )
        .await,
        StatusCode::OK,
    );
    let text = notice_text(&app, &token, &e, "election-day").await;
    assert!(
        text.contains("选举日公告") && text.contains(&zh_date(day)),
        "{text}"
    );
    assert!(
        text.contains("8:00") && text.contains("17:30") && text.contains("选民直接选举"),
        "{text}"
    );
    let text = notice_text(&app, &token, &e, "voter-registration").await;
    assert!(text.contains("社区服务中心一楼大厅"), "{text}");
    assert!(text.contains(&zh_date(day - Duration::days(25))), "{text}");
    assert!(
        text.contains("居住1年以上"),
        "County-2006: one year: {text}"
    );

    // The notices, rendered and read back: names and dates.
    let names: std::collections::HashMap<String, String> = seen["positions"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["nominees"].as_array().unwrap().clone())
        .map(|n| {
            (
                n["resident"].as_str().unwrap().to_owned(),
                n["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let name = |id: &String| names[id].clone();
    let issued = zh_date(today());
    let text = notice_text(&app, &observer, &e, "formal-candidates").await;
    assert!(text.contains("正式候选人公告"), "{text}");
    assert!(
        text.contains(&zh_date(day)),
        "election day on the formal list: {text}"
    );
    assert!(text.contains(&issued), "{text}");
    for id in [director_a, director_c, deputy_a, member_a] {
        assert!(text.contains(&name(id)), "{} missing: {text}", name(id));
    }
    assert!(!text.contains(&name(director_b)), "withdrawn: {text}");
    // R-NOM-6's last day, from the profile (County-2006: 3 days before).
    assert!(text.contains(&zh_date(day - Duration::days(3))), "{text}");
    // The same notice from the command line, on the same database.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("formal.pdf");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_huanjie"))
        .args(["notice", "formal-candidates", "--election"])
        .arg(e.trim_start_matches("/elections/"))
        .arg("--database-url")
        .arg(&app.database_url)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let cli_text = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&out)
        .arg("-")
        .output()
        .unwrap()
        .stdout;
    let cli_text: String = String::from_utf8(cli_text)
        .unwrap()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert!(cli_text.contains(&name(director_c)), "{cli_text}");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_huanjie"))
        .args(["notice", "no-such-notice", "--election"])
        .arg(e.trim_start_matches("/elections/"))
        .arg("--database-url")
        .arg(&app.database_url)
        .output()
        .unwrap();
    assert!(!run.status.success());
    assert!(String::from_utf8_lossy(&run.stderr).contains("formal-candidates"));
    let text = notice_text(&app, &token, &e, "nominations").await;
    assert!(
        text.contains("提名公告") && text.contains(&issued),
        "{text}"
    );
    for id in [director_a, director_b, director_c, &v[7], &v[10]] {
        assert!(text.contains(&name(id)), "{} missing: {text}", name(id));
    }
    assert!(
        text.contains("选民联名提名") && text.contains("本人自荐"),
        "{text}"
    );
    let text = notice_text(&app, &token, &e, "initial-candidates").await;
    assert!(
        text.contains("初步候选人公告") && text.contains(&name(director_c)),
        "{text}"
    );
    let text = notice_text(&app, &token, &e, "election-committee").await;
    assert!(!text.contains("主任甲"), "left the committee: {text}");
    let text = notice_text(&app, &token, &e, "counting-staff").await;
    assert!(
        text.contains("监票人") && text.contains(staff["name"].as_str().unwrap()),
        "{text}"
    );
    let text = notice_text(&app, &token, &e, "invalid-ballot-rules").await;
    assert!(
        text.contains("无效票认定规则公告") && text.contains(&issued),
        "{text}"
    );
    let reply = app
        .client()
        .get(app.url(&format!("/api/v1{e}/notices/no-such-notice")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::NOT_FOUND);

    // R-NOM-6: two days before election day a withdrawal is late.
    app.clock.advance(Duration::days(
        (day - Duration::days(2) - today()).num_days(),
    ));
    let token = app.sign_in("chair", TEST_PASSWORD).await.unwrap();
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/formal-list/withdrawals"),
        &token,
        Some(json!({"resident": director_c, "position": "director", "reason": "迟到的退出"})),
    )
    .await;
    refused(&reply, StatusCode::UNPROCESSABLE_ENTITY, "R-NOM-6", "late");
    app.stop().await.unwrap();
}

/// Self-nominations (director 2 for 1 seat, member 5 for 4) and the
/// formal list fixed.
async fn fix_formal_list(app: &TestApp, token: &str, e: &str, v: &[String]) {
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
                Some(self_paper(who, position)),
            )
            .await,
            StatusCode::CREATED,
        );
    }
    ok(
        &call(app, Method::POST, &format!("{e}/formal-list"), token, None).await,
        StatusCode::CREATED,
    );
}

/// Appoints three scrutineers for `station` (R-POLL-2: polls open only
/// with them), residents `v[from..from + 3]` (none of them candidates).
async fn appoint_scrutineers(
    app: &TestApp,
    token: &str,
    e: &str,
    v: &[String],
    station: &str,
    from: usize,
) {
    for resident in &v[from..from + 3] {
        ok(
            &call(
                app,
                Method::POST,
                &format!("{e}/counting-staff"),
                token,
                Some(json!({"resident": resident, "role": "scrutineer", "station": station})),
            )
            .await,
            StatusCode::CREATED,
        );
    }
}

/// A token for the central station's clerk.
async fn clerk_token(app: &TestApp, token: &str, e: &str) -> String {
    ok(
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
        .to_owned()
}

/// The central station's day: polls open, `issued` ballots handed out,
/// polls closed.
async fn polls_open_and_close(app: &TestApp, who: &str, e: &str, issued: u64) {
    let at = |step: &str| format!("{e}/stations/central/{step}");
    ok(
        &call(app, Method::POST, &at("open"), who, None).await,
        StatusCode::OK,
    );
    ok(
        &call(
            app,
            Method::POST,
            &at("issued"),
            who,
            Some(json!({"count": issued})),
        )
        .await,
        StatusCode::OK,
    );
    ok(
        &call(app, Method::POST, &at("close"), who, None).await,
        StatusCode::OK,
    );
}

/// An election ready to count: City-2009, a fixed formal list (director
/// 2 for 1 seat, member 5 for 4), a closed central station with `count`
/// ballots printed for it; returns the committee token, the election's
/// path, the central clerk's token and the serials.
async fn ready_to_count(app: &TestApp, count: u32) -> (String, String, String, Vec<String>) {
    let token = app.set_up_committee("chair").await.unwrap();
    let day = today() + Duration::days(31);
    let (e, v) = published_election(app, &token, "city-2009", day, 44).await;
    fix_formal_list(app, &token, &e, &v).await;
    ok(
        &call(
            app,
            Method::POST,
            &format!("{e}/stations"),
            &token,
            Some(json!({"code": "central", "name": "中心投票站", "kind": "central"})),
        )
        .await,
        StatusCode::CREATED,
    );
    appoint_scrutineers(app, &token, &e, &v, "中心投票站", 300).await;
    let printed = ok(
        &call(
            app,
            Method::POST,
            &format!("{e}/ballot-batches"),
            &token,
            Some(json!({"station": "central", "count": count})),
        )
        .await,
        StatusCode::CREATED,
    );
    let serials = printed["serials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect();
    let clerk = ok(
        &call(
            app,
            Method::POST,
            &format!("{e}/station-tokens"),
            &token,
            Some(json!({"station": "central"})),
        )
        .await,
        StatusCode::CREATED,
    )["token"]
        .as_str()
        .unwrap()
        .to_owned();
    for step in ["open", "close"] {
        ok(
            &call(
                app,
                Method::POST,
                &format!("{e}/stations/central/{step}"),
                &clerk,
                None,
            )
            .await,
            StatusCode::OK,
        );
    }
    (token, e, clerk, serials)
}

/// `clients` concurrent clients scan `serials` (client k takes every
/// `clients`-th one), each scan sent twice (a retry); returns the
/// latencies of the first sends, in seconds, and the elapsed time.
async fn scan_load(
    app: &TestApp,
    e: &str,
    clerk: &str,
    serials: &[String],
    clients: usize,
) -> (Vec<f64>, f64) {
    let url = app.url(&format!("/api/v1{e}/stations/central/scans"));
    let started = std::time::Instant::now();
    let mut tasks = Vec::new();
    for k in 0..clients {
        let mine: Vec<String> = serials.iter().skip(k).step_by(clients).cloned().collect();
        let client = app.client();
        let url = url.clone();
        let clerk = clerk.to_owned();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            for (i, serial) in mine.iter().enumerate() {
                let body = json!({"serial": serial, "marks": {"director": {"1": "for"}, "member": {"2": "against"}}});
                let t = std::time::Instant::now();
                let reply = client.post(&url).bearer_auth(&clerk).json(&body).send().await.unwrap();
                latencies.push(t.elapsed().as_secs_f64());
                assert_eq!(reply.status(), StatusCode::CREATED, "{}", reply.text().await.unwrap());
                let first: Value = reply.json().await.unwrap();
                // Every tenth scan is retried: the first receipt comes back.
                if i % 10 == 0 {
                    let again = client.post(&url).bearer_auth(&clerk).json(&body).send().await.unwrap();
                    assert_eq!(again.status(), StatusCode::OK);
                    let again: Value = again.json().await.unwrap();
                    assert_eq!(again["number"], first["number"]);
                }
            }
            latencies
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    (all, started.elapsed().as_secs_f64())
}

/// Many clients at once (group commit): every first send is stored (201),
/// every retry gets the first receipt back (200), and the station counts
/// each ballot once.
async fn concurrent_scans_count_once(app: TestApp) {
    let (token, e, clerk, serials) = ready_to_count(&app, 300).await;
    let (latencies, _) = scan_load(&app, &e, &clerk, &serials, 16).await;
    assert_eq!(latencies.len(), 300);
    let stations = ok(
        &call(&app, Method::GET, &format!("{e}/stations"), &token, None).await,
        StatusCode::OK,
    );
    assert_eq!(stations["stations"][0]["scanned"], 300);
    app.stop().await.unwrap();
}

/// The issue's benchmark: 64 concurrent station clients over HTTP.
/// `cargo test --release --test nomination_api -- --ignored --nocapture scan_bench`
#[allow(clippy::float_arithmetic)]
async fn scan_bench(app: TestApp) {
    let n = 20_000;
    let (_, e, clerk, serials) = ready_to_count(&app, n).await;
    let (mut latencies, secs) = scan_load(&app, &e, &clerk, &serials, 64).await;
    latencies.sort_by(f64::total_cmp);
    let p = |q: f64| latencies[((latencies.len() as f64 - 1.0) * q) as usize] * 1000.0;
    println!(
        "{n} scans (+{} retries) from 64 clients in {secs:.2} s: {:.0} acknowledged scans/s; latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        n / 10,
        f64::from(n) / secs,
        p(0.5),
        p(0.99),
        p(1.0)
    );
    app.stop().await.unwrap();
}

/// Durability (issue 6): the real `huanjie serve` binary is killed with
/// SIGKILL at 100 moments while 8 clients count ballots, and started
/// again on the same database each time. Every scan acknowledged (201 or
/// 200) must be there afterwards with the receipt number it was given,
/// none stored twice: at the end every ballot is sent once more, and each
/// answer must be a replay of its first receipt, and the station's count
/// the number of ballots.
async fn scans_survive_sigkill(app: TestApp) {
    const KILLS: usize = 100;
    const CLIENTS: usize = 8;
    let (token, e, clerk, serials) = ready_to_count(&app, 1200).await;
    let dir = tempfile::tempdir().unwrap();
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_huanjie"));
    let env = [
        ("HUANJIE_LISTEN", "127.0.0.1:0"),
        ("HUANJIE_DATABASE_URL", app.database_url.as_str()),
    ];
    // serial → receipt number, for every acknowledged scan.
    let acked = std::sync::Arc::new(std::sync::Mutex::new(std::collections::HashMap::<
        String,
        u64,
    >::new()));
    let mut next = 0usize;
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let mut kills = 0;
    while kills < KILLS {
        let running = spawn_binary(bin, &["serve"], &env, dir.path())
            .await
            .unwrap();
        let url = format!("{}/api/v1{e}/stations/central/scans", running.address);
        // Each round resends the last few ballots (some may have been
        // stored without an answer) and goes on with new ones.
        let from = next.saturating_sub(CLIENTS * 2);
        let upto = (next + 40).min(serials.len());
        let round: Vec<String> = serials[from..upto].to_vec();
        next = upto;
        let mut tasks = Vec::new();
        for k in 0..CLIENTS {
            let mine: Vec<String> = round.iter().skip(k).step_by(CLIENTS).cloned().collect();
            let (url, clerk, acked) = (url.clone(), clerk.clone(), acked.clone());
            tasks.push(tokio::spawn(async move {
                let client = reqwest::Client::new();
                for serial in mine {
                    let body = json!({"serial": &serial, "marks": {"director": {"1": "for"}}});
                    let Ok(reply) = client
                        .post(&url)
                        .bearer_auth(&clerk)
                        .json(&body)
                        .send()
                        .await
                    else {
                        return;
                    };
                    let status = reply.status();
                    let Ok(receipt) = reply.json::<Value>().await else {
                        return;
                    };
                    assert!(
                        status == StatusCode::CREATED || status == StatusCode::OK,
                        "{status}: {receipt}"
                    );
                    let number = receipt["number"].as_u64().unwrap();
                    let mut acked = acked.lock().unwrap();
                    if let Some(first) = acked.insert(serial.clone(), number) {
                        assert_eq!(first, number, "{serial}: a second receipt number");
                    }
                }
            }));
        }
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let wait = 20 + (seed >> 33) % 300;
        tokio::time::sleep(std::time::Duration::from_millis(wait)).await;
        let mut running = running;
        running.child.kill().await.unwrap();
        kills += 1;
        if kills % 20 == 0 {
            eprintln!(
                "{kills} kills, {} acknowledged",
                acked.lock().unwrap().len()
            );
        }
        for t in tasks {
            t.await.unwrap();
        }
    }
    // Once more, cleanly: every ballot sent so far is sent again.
    let running = spawn_binary(bin, &["serve"], &env, dir.path())
        .await
        .unwrap();
    let url = format!("{}/api/v1{e}/stations/central/scans", running.address);
    let client = reqwest::Client::new();
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() > 200,
        "only {} scans acknowledged in {KILLS} rounds",
        acked.len()
    );
    for serial in &serials[..next] {
        let body = json!({"serial": serial, "marks": {"director": {"1": "for"}}});
        let reply = client
            .post(&url)
            .bearer_auth(&clerk)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = reply.status();
        let receipt: Value = reply.json().await.unwrap();
        if let Some(number) = acked.get(serial) {
            assert_eq!(
                status,
                StatusCode::OK,
                "{serial} was acknowledged, then lost: {receipt}"
            );
            assert_eq!(receipt["number"].as_u64(), Some(*number), "{serial}");
        } else {
            assert!(
                status == StatusCode::OK || status == StatusCode::CREATED,
                "{status}: {receipt}"
            );
        }
    }
    let stations: Value = client
        .get(format!("{}/api/v1{e}/stations", running.address))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        stations["stations"][0]["scanned"].as_u64(),
        Some(next as u64),
        "{stations}"
    );
    println!("{KILLS} kills: {} scans acknowledged before a kill, {next} ballots in all, none lost, none twice", acked.len());
    assert!(running.terminate().await.unwrap().success());
    app.stop().await.unwrap();
}

/// Polling day over HTTP (issue 6): stations per City-2009 (R-POLL-1),
/// a clerk's token for its own station only, polls opened with zero
/// counters, ballots issued as a count, counting only after close
/// (R-CNT-1), every scan verified and stored once: a retry gets the first
/// receipt, other marks for the same ballot are refused (R-CNT-2), as are
/// another station's ballot, a forged or voided serial, and marks the
/// ballot cannot carry (R-CNT-4).
async fn polling_day(app: TestApp) {
    let token = app.set_up_committee("chair").await.unwrap();
    let day = today() + Duration::days(31);
    let (e, v) = published_election(&app, &token, "city-2009", day, 43).await;
    fix_formal_list(&app, &token, &e, &v).await;
    // Stations: one central, City-2009 allows two mobile boxes.
    let stations_path = format!("{e}/stations");
    let add = |body: Value| call(&app, Method::POST, &stations_path, &token, Some(body));
    // The polling notice needs the stations, the hours and the count venue.
    let reply = call(
        &app,
        Method::GET,
        &format!("{e}/notices/polling-stations"),
        &token,
        None,
    )
    .await;
    refused(
        &reply,
        StatusCode::CONFLICT,
        "R-POLL-1",
        "arrangements_missing",
    );
    let central = ok(
        &add(
            json!({"code": "central", "name": "中心投票站", "kind": "central",
            "place": "社区服务中心一楼大厅", "serves": "全体选民"}),
        )
        .await,
        StatusCode::CREATED,
    );
    assert_eq!(
        (central["polls"].as_str(), central["issued"].as_u64()),
        (Some("not_opened"), Some(0))
    );
    assert_eq!(central["place"], "社区服务中心一楼大厅");
    for (code, name) in [("M1", "流动票箱一"), ("M2", "流动票箱二")] {
        ok(
            &add(json!({"code": code, "name": name, "kind": "mobile",
                "place": "9:00至11:30", "serves": "行动不便的选民"}))
            .await,
            StatusCode::CREATED,
        );
    }
    ok(
        &call(
            &app,
            Method::PUT,
            &format!("{e}/arrangements"),
            &token,
            Some(json!({"polls_open": "08:00:00", "polls_close": "17:00:00",
                "count_venue": "社区服务中心二楼会议室"})),
        )
        .await,
        StatusCode::OK,
    );
    let text = notice_text(&app, &token, &e, "polling-stations").await;
    for needle in [
        "中心投票站",
        "社区服务中心一楼大厅",
        "流动票箱二",
        "行动不便的选民",
        "9:00至11:30",
        "社区服务中心二楼会议室",
    ] {
        assert!(
            text.contains(needle),
            "{needle} not on the polling notice: {text}"
        );
    }
    let reply = add(json!({"code": "M3", "name": "流动票箱三", "kind": "mobile"})).await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-POLL-1",
        "too_many_mobile_boxes",
    );
    let reply = add(json!({"code": "C2", "name": "第二中心", "kind": "central"})).await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-POLL-1",
        "second_central_station",
    );
    let reply = add(json!({"code": "中心", "name": "x", "kind": "sub"})).await;
    assert_eq!(reply.0, StatusCode::BAD_REQUEST, "{}", reply.1);
    // Ballots for the central station and for M1.
    let printed = ok(
        &call(
            &app,
            Method::POST,
            &format!("{e}/ballot-batches"),
            &token,
            Some(json!({"station": "中心投票站", "count": 5})),
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
    let mobile = ok(
        &call(
            &app,
            Method::POST,
            &format!("{e}/ballot-batches"),
            &token,
            Some(json!({"station": "M1", "count": 1})),
        )
        .await,
        StatusCode::CREATED,
    );
    let mobile_serial = mobile["serials"][0].as_str().unwrap().to_owned();
    // The central station's clerk, with its token.
    let issued = ok(
        &call(
            &app,
            Method::POST,
            &format!("{e}/station-tokens"),
            &token,
            Some(json!({"station": "central"})),
        )
        .await,
        StatusCode::CREATED,
    );
    let clerk = issued["token"].as_str().unwrap().to_owned();
    let at = |station: &str, step: &str| format!("{e}/stations/{station}/{step}");
    assert_eq!(
        call(&app, Method::POST, &at("M1", "open"), &clerk, None)
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    let ballot =
        json!({"director": {"1": "for", "2": "against"}, "member": {"1": "for", "3": "abstain"}});
    let scan_at = |station: String, serial: String, body: Value, who: String| {
        let app = &app;
        async move {
            let mut body = body;
            body["serial"] = json!(serial);
            call(app, Method::POST, &station, &who, Some(body)).await
        }
    };
    let central_scans = at("central", "scans");
    // Not before polls close (R-CNT-1).
    let reply = scan_at(
        central_scans.clone(),
        serials[0].clone(),
        json!({"marks": ballot}),
        clerk.clone(),
    )
    .await;
    refused(&reply, StatusCode::CONFLICT, "R-CNT-1", "polls_not_closed");
    // R-POLL-2: not before three scrutineers are appointed for the station
    // (by its name or its code).
    let reply = call(&app, Method::POST, &at("central", "open"), &clerk, None).await;
    refused(
        &reply,
        StatusCode::CONFLICT,
        "R-POLL-2",
        "too_few_scrutineers",
    );
    appoint_scrutineers(&app, &token, &e, &v, "中心投票站", 300).await;
    appoint_scrutineers(&app, &token, &e, &v, "M1", 303).await;
    let opened = ok(
        &call(&app, Method::POST, &at("central", "open"), &clerk, None).await,
        StatusCode::OK,
    );
    assert_eq!(opened["polls"], "open");
    assert!(opened["opened_at"].is_string());
    let reply = call(&app, Method::POST, &at("central", "open"), &clerk, None).await;
    refused(
        &reply,
        StatusCode::CONFLICT,
        "R-POLL-5",
        "polls_already_open",
    );
    ok(
        &call(
            &app,
            Method::POST,
            &at("central", "issued"),
            &clerk,
            Some(json!({"count": 3})),
        )
        .await,
        StatusCode::OK,
    );
    let after = ok(
        &call(
            &app,
            Method::POST,
            &at("central", "issued"),
            &clerk,
            Some(json!({})),
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(after["issued"], 4);
    let after = ok(
        &call(
            &app,
            Method::POST,
            &at("central", "issued"),
            &clerk,
            Some(json!({"count": -1})),
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(after["issued"], 3);
    let reply = call(
        &app,
        Method::POST,
        &at("central", "issued"),
        &clerk,
        Some(json!({"count": -4})),
    )
    .await;
    refused(&reply, StatusCode::CONFLICT, "R-POLL-5", "nothing_issued");
    let closed = ok(
        &call(&app, Method::POST, &at("central", "close"), &clerk, None).await,
        StatusCode::OK,
    );
    assert_eq!(closed["polls"], "closed");
    let reply = call(
        &app,
        Method::POST,
        &at("central", "issued"),
        &clerk,
        Some(json!({"count": 1})),
    )
    .await;
    refused(&reply, StatusCode::CONFLICT, "R-POLL-5", "polls_not_open");

    // Counting.
    let first = ok(
        &scan_at(
            central_scans.clone(),
            serials[0].clone(),
            json!({"marks": ballot}),
            clerk.clone(),
        )
        .await,
        StatusCode::CREATED,
    );
    assert_eq!(
        (first["number"].as_u64(), first["replayed"].as_bool()),
        (Some(1), Some(false))
    );
    assert_eq!(first["station"], "central");
    // A retry: the first receipt, nothing written.
    let again = ok(
        &scan_at(
            central_scans.clone(),
            serials[0].clone(),
            json!({"marks": ballot}),
            clerk.clone(),
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(
        (again["number"].as_u64(), again["replayed"].as_bool()),
        (Some(1), Some(true))
    );
    assert_eq!(again["scanned_at"], first["scanned_at"]);
    // The same ballot with other marks: never counted twice (R-CNT-2).
    let reply = scan_at(
        central_scans.clone(),
        serials[0].clone(),
        json!({"marks": {"director": {"1": "against"}}}),
        clerk.clone(),
    )
    .await;
    refused(
        &reply,
        StatusCode::CONFLICT,
        "R-CNT-2",
        "serial_already_counted",
    );
    // An unreadable ballot, for the committee (R-CNT-4), and a write-in.
    let second = ok(
        &scan_at(
            central_scans.clone(),
            serials[1].clone(),
            json!({"unreadable": true}),
            token.clone(),
        )
        .await,
        StatusCode::CREATED,
    );
    assert_eq!(second["number"], 2);
    let third = ok(
        &scan_at(central_scans.clone(), serials[2].clone(),
            json!({"marks": {"director": {"1": "against"}}, "write_ins": {"director": [{"name": " 赵六 ", "gender": "F"}]}}),
            clerk.clone()).await,
        StatusCode::CREATED,
    );
    assert!(
        third["marks"].as_str().unwrap().contains("\"赵六\""),
        "{third}"
    );
    // Marks the ballot cannot carry (R-CNT-4): no such row, no such
    // choice, more write-ins than rows, marks on an unreadable ballot.
    for bad in [
        json!({"marks": {"director": {"3": "for"}}}),
        json!({"marks": {"director": {"1": "yes"}}}),
        json!({"marks": {"deputy": {"1": "for"}}}),
        json!({"write_ins": {"director": [{"name": "甲"}, {"name": "乙"}]}}),
        json!({"unreadable": true, "marks": {"director": {"1": "for"}}}),
    ] {
        let reply = scan_at(
            central_scans.clone(),
            serials[3].clone(),
            bad.clone(),
            clerk.clone(),
        )
        .await;
        refused(
            &reply,
            StatusCode::UNPROCESSABLE_ENTITY,
            "R-CNT-4",
            "bad_marks",
        );
    }
    // Another station's ballot, a forged serial, a voided one.
    let reply = scan_at(
        central_scans.clone(),
        mobile_serial.clone(),
        json!({"marks": ballot}),
        clerk.clone(),
    )
    .await;
    refused(
        &reply,
        StatusCode::CONFLICT,
        "R-POLL-5",
        "serial_other_station",
    );
    let mut forged: Vec<char> = serials[4].chars().collect();
    let k = forged.len() - 2;
    forged[k] = if forged[k] == '0' { '1' } else { '0' };
    let forged: String = forged.into_iter().collect();
    let reply = scan_at(
        central_scans.clone(),
        forged,
        json!({"marks": ballot}),
        clerk.clone(),
    )
    .await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-POLL-5",
        "serial_bad_tag",
    );
    ok(
        &call(
            &app,
            Method::POST,
            &format!("{e}/serials/void"),
            &token,
            Some(json!({"serial": &serials[4], "reason": "污损"})),
        )
        .await,
        StatusCode::OK,
    );
    let reply = scan_at(
        central_scans.clone(),
        serials[4].clone(),
        json!({"marks": ballot}),
        clerk.clone(),
    )
    .await;
    refused(&reply, StatusCode::CONFLICT, "R-POLL-5", "serial_voided");
    // The stations: 3 issued, 3 counted at the central station.
    let stations = ok(
        &call(&app, Method::GET, &format!("{e}/stations"), &token, None).await,
        StatusCode::OK,
    );
    let c = &stations["stations"][0];
    assert_eq!(
        (
            c["code"].as_str(),
            c["issued"].as_u64(),
            c["scanned"].as_u64()
        ),
        (Some("central"), Some(3), Some(3))
    );
    assert_eq!(stations["stations"][1]["scanned"], 0);
    // Observers read and change nothing.
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
    ok(
        &call(&app, Method::GET, &format!("{e}/stations"), &observer, None).await,
        StatusCode::OK,
    );
    for path in [
        at("M1", "open"),
        at("central", "scans"),
        format!("{e}/stations"),
    ] {
        let reply = call(
            &app,
            Method::POST,
            &path,
            &observer,
            Some(json!({"serial": &serials[3], "marks": {}})),
        )
        .await;
        assert_eq!(reply.0, StatusCode::FORBIDDEN, "{path}");
    }
    // The clerk cannot set up stations.
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/stations"),
        &clerk,
        Some(json!({"code": "S9", "name": "x", "kind": "sub"})),
    )
    .await;
    assert_eq!(reply.0, StatusCode::FORBIDDEN);
    app.stop().await.unwrap();
}

/// ZJ-2020: a paper naming one person for two positions is kept, void, and
/// spends nobody's nomination (R-NOM-2); a candidate's spouse cannot be
/// counting staff (R-POLL-2); too few scrutineers are shown (R-POLL-1).
async fn zhejiang_voids_double_papers_and_bars_relatives(app: TestApp) {
    let token = app.set_up_committee("chair").await.unwrap();
    let day = today() + Duration::days(31);
    let (e, v) = published_election(&app, &token, "zhejiang-2020", day, 42).await;
    let signers: Vec<String> = v[10..20].to_vec();
    let void = ok(
        &call(
            &app,
            Method::POST,
            &format!("{e}/nominations"),
            &token,
            Some(paper(
                "joint_voters",
                &signers,
                &[(&v[1], "director"), (&v[1], "member")],
            )),
        )
        .await,
        StatusCode::CREATED,
    );
    assert_eq!(void["nomination"]["void"]["rule"], "R-NOM-2", "{void}");
    assert_eq!(void["void_because"][0]["code"], "same_person_two_positions");
    assert_eq!(void["nomination"]["nominees"], json!([]));
    // The same signers may still nominate, validly.
    let valid = ok(
        &call(
            &app,
            Method::POST,
            &format!("{e}/nominations"),
            &token,
            Some(paper("joint_voters", &signers, &[(&v[1], "director")])),
        )
        .await,
        StatusCode::CREATED,
    );
    assert_eq!(valid["nomination"]["number"], 2);
    assert!(valid["nomination"]["void"].is_null());

    // R-POLL-2 under ZJ-2020: a candidate's spouse cannot count either.
    for (who, position) in [
        (&v[2], "director"),
        (&v[3], "member"),
        (&v[4], "member"),
        (&v[5], "member"),
        (&v[6], "member"),
        (&v[7], "member"),
    ] {
        ok(
            &call(
                &app,
                Method::POST,
                &format!("{e}/nominations"),
                &token,
                Some(self_paper(who, position)),
            )
            .await,
            StatusCode::CREATED,
        );
    }
    // Ballots come from the formal list: none before it (R-NOM-5).
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/ballot-batches"),
        &token,
        Some(json!({"station": "中心投票站", "count": 1})),
    )
    .await;
    refused(
        &reply,
        StatusCode::CONFLICT,
        "R-NOM-5",
        "formal_list_not_published",
    );
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
    let relation = ok(
        &call(
            &app,
            Method::POST,
            &format!("{e}/relations"),
            &token,
            Some(json!({"a": &v[30], "b": &v[3], "kind": "spouse"})),
        )
        .await,
        StatusCode::CREATED,
    );
    assert_eq!(relation["kind"], "spouse");
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/relations"),
        &token,
        Some(json!({"a": &v[3], "b": &v[30], "kind": "close_relative"})),
    )
    .await;
    assert_eq!(reply.0, StatusCode::CONFLICT, "{}", reply.1);
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/counting-staff"),
        &token,
        Some(json!({"resident": &v[30], "role": "counter", "station": "中心投票站"})),
    )
    .await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-POLL-2",
        "candidate_relative",
    );
    ok(
        &call(
            &app,
            Method::POST,
            &format!("{e}/counting-staff"),
            &token,
            Some(json!({"resident": &v[31], "role": "scrutineer", "station": "中心投票站"})),
        )
        .await,
        StatusCode::CREATED,
    );
    // R-POLL-1: one scrutineer where three are needed is shown.
    let status = ok(
        &call(&app, Method::GET, &format!("{e}/nomination"), &token, None).await,
        StatusCode::OK,
    );
    assert_eq!(status["staff_problems"][0]["rule"], "R-POLL-1", "{status}");
    assert_eq!(status["relations"][0]["kind"], "spouse");
    app.stop().await.unwrap();
}

fn hex_to(text: &str, out: &mut [u8]) {
    assert_eq!(text.len(), out.len() * 2, "{text}");
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).unwrap();
    }
}

/// An observer's session (made on first use).
async fn observer_or(app: &TestApp, token: &str) -> String {
    if let Ok(t) = app.sign_in("watcher", TEST_PASSWORD).await {
        return t;
    }
    ok(
        &call(
            app,
            Method::POST,
            "/users",
            token,
            Some(json!({"username": "watcher", "password": TEST_PASSWORD, "role": "observer"})),
        )
        .await,
        StatusCode::CREATED,
    );
    app.sign_in("watcher", TEST_PASSWORD).await.unwrap()
}

/// Reads server-sent `count` events from `response` until one satisfies
/// `done` (10 s at most); returns it.
async fn count_event(response: &mut reqwest::Response, done: impl Fn(&Value) -> bool) -> Value {
    let mut buffer = String::new();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        while let Some(end) = buffer.find("\n\n") {
            let event: String = buffer.drain(..end + 2).collect();
            if !event.contains("event: count") {
                continue;
            }
            let data: String = event
                .lines()
                .filter_map(|l| l.strip_prefix("data: "))
                .collect();
            let board: Value = serde_json::from_str(&data).unwrap();
            if done(&board) {
                return board;
            }
        }
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        let chunk = tokio::time::timeout(left, response.chunk())
            .await
            .expect("the awaited count event within 10 s")
            .unwrap()
            .expect("the event stream stays open");
        buffer.push_str(std::str::from_utf8(&chunk).unwrap());
    }
}

/// `for` votes of candidate row `row` for `position` on a board.
fn votes_for(board: &Value, position: &str, row: &str) -> u64 {
    board["contests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["position"] == position)
        .and_then(|c| {
            c["rows"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["person"] == row)
        })
        .map_or(0, |r| r["for"].as_u64().unwrap())
}

/// The live count board and the ballots a person decides (issue 6): no
/// totals while a station is still voting; each candidate's running count
/// once every station has closed, updated by server-sent events; a ballot
/// flagged unreadable counts as cast but not its marks until the
/// committee rules (R-CNT-4), once; a clerk cannot rule it; observers
/// watch but decide nothing. On PostgreSQL, a second `huanjie serve`
/// process sharing the database sees the ballots the first one stored
/// (LISTEN/NOTIFY).
async fn count_board_and_reviews(app: TestApp) {
    let token = app.set_up_committee("chair").await.unwrap();
    let day = today() + Duration::days(31);
    let (e, v) = published_election(&app, &token, "city-2009", day, 45).await;
    fix_formal_list(&app, &token, &e, &v).await;
    for (code, name, kind) in [
        ("central", "中心投票站", "central"),
        ("S1", "第一投票站", "sub"),
    ] {
        ok(
            &call(
                &app,
                Method::POST,
                &format!("{e}/stations"),
                &token,
                Some(json!({"code": code, "name": name, "kind": kind})),
            )
            .await,
            StatusCode::CREATED,
        );
    }
    appoint_scrutineers(&app, &token, &e, &v, "中心投票站", 300).await;
    appoint_scrutineers(&app, &token, &e, &v, "S1", 303).await;
    let printed = ok(
        &call(
            &app,
            Method::POST,
            &format!("{e}/ballot-batches"),
            &token,
            Some(json!({"station": "central", "count": 8})),
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
    let clerk = clerk_token(&app, &token, &e).await;
    let step = |station: &'static str, step: &'static str| {
        let (app, e, token) = (&app, e.clone(), token.clone());
        async move {
            ok(
                &call(
                    app,
                    Method::POST,
                    &format!("{e}/stations/{station}/{step}"),
                    &token,
                    None,
                )
                .await,
                StatusCode::OK,
            );
        }
    };
    step("central", "open").await;
    step("S1", "open").await;
    ok(
        &call(
            &app,
            Method::POST,
            &format!("{e}/stations/central/issued"),
            &token,
            Some(json!({"count": 5})),
        )
        .await,
        StatusCode::OK,
    );
    step("central", "close").await;

    let mut events = app
        .client()
        .get(app.url(&format!("/api/v1{e}/count/events")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(events.status(), StatusCode::OK);
    assert!(events.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    let first = count_event(&mut events, |_| true).await;
    assert_eq!(first["counted"], 0);

    let scan = |serial: &String, body: Value| {
        let (app, e, clerk) = (&app, e.clone(), clerk.clone());
        let mut body = body;
        body["serial"] = json!(serial);
        async move {
            call(
                app,
                Method::POST,
                &format!("{e}/stations/central/scans"),
                &clerk,
                Some(body),
            )
            .await
        }
    };
    let ballot =
        json!({"marks": {"director": {"1": "for"}, "member": {"1": "for", "2": "against"}}});
    for serial in &serials[..3] {
        ok(&scan(serial, ballot.clone()).await, StatusCode::CREATED);
    }
    ok(
        &scan(&serials[3], json!({"unreadable": true})).await,
        StatusCode::CREATED,
    );

    // Each stored ballot is in the audit log, written with the ballot in
    // the scan writer's transaction: never its serial; the chain verifies.
    let log = ok(
        &call(
            &app,
            Method::GET,
            &format!("{e}/audit?limit=1000"),
            &token,
            None,
        )
        .await,
        StatusCode::OK,
    );
    let scans: Vec<&Value> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["details"]["event"] == "scan")
        .collect();
    assert_eq!(scans.len(), 4, "{log}");
    for x in &scans {
        assert_eq!(
            x["action"],
            "POST /api/v1/elections/{election_id}/stations/{station}/scans"
        );
        assert_eq!(x["actor"], "station:central");
        assert_eq!(x["details"]["status"], 201);
        assert_eq!(x["details"]["params"]["station"], "central");
    }
    assert!(
        !log.to_string().contains(&serials[0]),
        "no serial in the log"
    );
    let verified = ok(
        &call(
            &app,
            Method::GET,
            &format!("{e}/audit/verify"),
            &token,
            None,
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(verified["ok"], true, "{verified}");
    // S1 still votes: ballots counted per station, no totals anywhere.
    let board = count_event(&mut events, |b| b["counted"] == 4).await;
    assert_eq!(board["totals_hidden"], true, "{board}");
    assert_eq!(board["contests"], json!([]));
    assert!(board["hidden_because"]["zh"]
        .as_str()
        .unwrap()
        .contains("投票"));
    assert_eq!(board["pending"], 1);
    let central = &board["stations"][0];
    assert_eq!(
        (
            central["code"].as_str(),
            central["counted"].as_u64(),
            central["pending"].as_u64()
        ),
        (Some("central"), Some(4), Some(1))
    );
    assert_eq!(board["stations"][1]["polls"], "open");
    let snapshot = ok(
        &call(&app, Method::GET, &format!("{e}/count"), &token, None).await,
        StatusCode::OK,
    );
    assert_eq!(snapshot["contests"], json!([]));
    // No result while a station votes (R-CNT-1).
    let reply = call(&app, Method::GET, &format!("{e}/result"), &token, None).await;
    refused(&reply, StatusCode::CONFLICT, "R-CNT-1", "polls_not_closed");
    // Nor on a count sheet: the box's figures, not its votes.
    let early = pdf_text(
        &app,
        &token,
        &format!("{e}/stations/central/count-sheet"),
        "early sheet",
    )
    .await;
    assert!(early.contains("仍有投票站未结束投票"), "{early}");
    assert!(!early.contains("本票箱无效票"), "{early}");

    step("S1", "close").await;
    let board = count_event(&mut events, |b| b["totals_hidden"] == false).await;
    assert_eq!(votes_for(&board, "director", "1"), 3, "{board}");
    assert_eq!(votes_for(&board, "member", "1"), 3);
    assert_eq!(votes_for(&board, "member", "2"), 0);
    assert_eq!(board["counted"], 4);

    // Nor while a ballot waits for the committee (R-CNT-4).
    let reply = call(&app, Method::GET, &format!("{e}/case"), &token, None).await;
    refused(&reply, StatusCode::CONFLICT, "R-CNT-4", "reviews_pending");
    // The queue: the flagged ballot, to be found by its serial.
    let queue = ok(
        &call(&app, Method::GET, &format!("{e}/reviews"), &token, None).await,
        StatusCode::OK,
    );
    let reviews = queue["reviews"].as_array().unwrap();
    assert_eq!(reviews.len(), 1, "{queue}");
    assert_eq!(reviews[0]["serial"].as_str(), Some(serials[3].as_str()));
    assert_eq!(reviews[0]["needs_committee"], true);
    assert_eq!(reviews[0]["reasons"][0]["kind"], "unreadable");
    let clerk_queue = ok(
        &call(&app, Method::GET, &format!("{e}/reviews"), &clerk, None).await,
        StatusCode::OK,
    );
    assert_eq!(clerk_queue["reviews"].as_array().unwrap().len(), 1);

    let decision = format!(
        "{e}/stations/central/scans/{}/decision",
        reviews[0]["number"]
    );
    let read = json!({"marks": {"director": {"1": "for"}}});
    let reply = call(&app, Method::POST, &decision, &clerk, Some(read.clone())).await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-CNT-4",
        "committee_rules_unreadable",
    );
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
    assert_eq!(
        call(&app, Method::POST, &decision, &observer, Some(read.clone()))
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    let watched = ok(
        &call(&app, Method::GET, &format!("{e}/count"), &observer, None).await,
        StatusCode::OK,
    );
    assert_eq!(watched["counted"], 4);
    // Checked like any scan.
    let reply = call(
        &app,
        Method::POST,
        &decision,
        &token,
        Some(json!({"marks": {"director": {"9": "for"}}})),
    )
    .await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-CNT-4",
        "bad_marks",
    );

    let decided = ok(
        &call(&app, Method::POST, &decision, &token, Some(read.clone())).await,
        StatusCode::OK,
    );
    assert_eq!(decided["decision"]["marks"]["director"]["1"], "for");
    assert_eq!(decided["decided_by"], "chair");
    let reply = call(&app, Method::POST, &decision, &token, Some(read)).await;
    refused(&reply, StatusCode::CONFLICT, "R-CNT-4", "nothing_to_decide");
    let board = count_event(&mut events, |b| b["pending"] == 0).await;
    assert_eq!(votes_for(&board, "director", "1"), 4, "{board}");
    drop(events);

    // The result, recounted from the stored ballots, and the counting
    // case: `huanjie count` on the exported file gives the same result.
    let result = ok(
        &call(&app, Method::GET, &format!("{e}/result"), &observer, None).await,
        StatusCode::OK,
    );
    assert_eq!(result["format"], "huanjie.result/1");
    assert_eq!(
        (result["voted"].as_u64(), result["cast"].as_u64()),
        (Some(5), Some(4))
    );
    let director = result["contests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "director")
        .unwrap();
    let row1 = director["tally"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["person"] == "1")
        .unwrap();
    assert_eq!(row1["for"], 4, "{result}");
    let case = app
        .client()
        .get(app.url(&format!("/api/v1{e}/case")))
        .bearer_auth(&observer)
        .send()
        .await
        .unwrap();
    assert_eq!(case.status(), StatusCode::OK);
    let case = case.text().await.unwrap();
    let parsed: Value = serde_json::from_str(&case).unwrap();
    assert_eq!(parsed["format"], "huanjie.case/1");
    assert_eq!(parsed["ballots"].as_array().unwrap().len(), 4);
    assert!(
        parsed["ballots"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b == &json!({"station": "central", "marks": {"director": {"1": "for"}}})),
        "{case}"
    );
    // The case says nothing of who scanned what when.
    assert!(!case.contains("number") && !case.contains("scanned") && !case.contains(&serials[0]));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("case.json");
    std::fs::write(&file, &case).unwrap();
    let recount = std::process::Command::new(env!("CARGO_BIN_EXE_huanjie"))
        .arg("count")
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        recount.status.success(),
        "{}",
        String::from_utf8_lossy(&recount.stderr)
    );
    let recounted: Value = serde_json::from_slice(&recount.stdout).unwrap();
    assert_eq!(recounted, result, "huanjie count on the exported case");
    // `huanjie export-case` writes the same file from the database.
    let exported = dir.path().join("exported.json");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_huanjie"))
        .args([
            "export-case",
            "--election",
            e.trim_start_matches("/elections/"),
        ])
        .arg("--database-url")
        .arg(&app.database_url)
        .arg("-o")
        .arg(&exported)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(std::fs::read_to_string(&exported).unwrap(), case);

    // Reconciliation: central printed 8, issued 5, 4 in the box; S1 none.
    let rec = ok(
        &call(
            &app,
            Method::GET,
            &format!("{e}/reconciliation"),
            &observer,
            None,
        )
        .await,
        StatusCode::OK,
    );
    let central = &rec["stations"][0];
    assert_eq!(
        [
            &central["received"],
            &central["spoiled"],
            &central["issued"],
            &central["returned"],
            &central["unused"],
            &central["pending"]
        ],
        [
            &json!(8),
            &json!(0),
            &json!(5),
            &json!(4),
            &json!(3),
            &json!(0)
        ],
        "{rec}"
    );
    assert_eq!(
        central["discrepancies"],
        json!([{"kind": "fewer_returned_than_issued", "missing": 1}])
    );
    assert_eq!(rec["stations"][1]["received"], 0);
    assert_eq!(rec["round"]["returned_within_issued"], true);
    assert_eq!(rec["round"]["issued"], 5);
    // The count sheet its staff sign: figures, this box's votes, names.
    let sheet = pdf_text(
        &app,
        &token,
        &format!("{e}/stations/central/count-sheet"),
        "count-sheet",
    )
    .await;
    for expected in [
        "中心投票站计票单",
        "领取选票：8张",
        "收回选票：4张",
        "剩余选票：3张",
        "收回选票比发出选票少1张",
        "本票箱计票结果",
        "工作人员签名",
    ] {
        assert!(sheet.contains(expected), "{expected} in {sheet}");
    }
    assert_eq!(sheet.matches("监票人").count(), 3, "{sheet}");

    if app.database_url.starts_with("postgres") {
        // A second process on the same database: its board follows the
        // ballots this one stores.
        let dir = tempfile::tempdir().unwrap();
        let bin = std::path::Path::new(env!("CARGO_BIN_EXE_huanjie"));
        let env = [
            ("HUANJIE_LISTEN", "127.0.0.1:0"),
            ("HUANJIE_DATABASE_URL", app.database_url.as_str()),
        ];
        let other = spawn_binary(bin, &["serve"], &env, dir.path())
            .await
            .unwrap();
        let mut remote = reqwest::Client::new()
            .get(format!("{}/api/v1{e}/count/events", other.address))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(remote.status(), StatusCode::OK);
        let seen = count_event(&mut remote, |_| true).await;
        assert_eq!(seen["counted"], 4);
        ok(
            &scan(&serials[4], ballot.clone()).await,
            StatusCode::CREATED,
        );
        let seen = count_event(&mut remote, |b| b["counted"] == 5).await;
        assert_eq!(votes_for(&seen, "director", "1"), 5, "{seen}");
        drop(remote);
        drop(other);
    }
    // Certification (R-CERT-1): the committee only; recounted, signed
    // with the election's Ed25519 key, and the ballots locked.
    for who in [&observer, &clerk] {
        let reply = call(&app, Method::POST, &format!("{e}/certification"), who, None).await;
        assert_eq!(reply.0, StatusCode::FORBIDDEN);
    }
    let result_now = ok(
        &call(&app, Method::GET, &format!("{e}/result"), &token, None).await,
        StatusCode::OK,
    );
    let certify = app
        .client()
        .post(app.url(&format!("/api/v1{e}/certification")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(certify.status(), StatusCode::CREATED);
    let signed = certify.bytes().await.unwrap();
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
    let mut public = [0u8; 32];
    hex_to(key["public_key"].as_str().unwrap(), &mut public);
    let verified = huanjie_case::signed::verify(&signed, Some(&public)).unwrap();
    assert_eq!(verified.document["result"], result_now);
    assert_eq!(verified.document["certified_by"], "chair");
    assert_eq!(verified.document["round"], "general");
    let published = app
        .client()
        .get(app.url(&format!("/api/v1{e}/certification")))
        .bearer_auth(&observer)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(
        published, signed,
        "the published file is the certified one, byte for byte"
    );
    let mut forged = signed.to_vec();
    let at = forged.len() / 2;
    forged[at] ^= 1;
    assert!(huanjie_case::signed::verify(&forged, Some(&public)).is_err());
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/certification"),
        &token,
        None,
    )
    .await;
    refused(
        &reply,
        StatusCode::CONFLICT,
        "R-CERT-1",
        "already_certified",
    );
    // A void round (5 of hundreds voted, R-CNT-3): no announcement of
    // winners, no certificates; the report still goes to the township.
    let reply = call(
        &app,
        Method::GET,
        &format!("{e}/documents/results"),
        &token,
        None,
    )
    .await;
    refused(&reply, StatusCode::CONFLICT, "R-CNT-3", "round_void");
    let reply = call(
        &app,
        Method::GET,
        &format!("{e}/documents/certificates"),
        &token,
        None,
    )
    .await;
    refused(&reply, StatusCode::CONFLICT, "R-CNT-3", "round_void");
    let report = pdf_text(
        &app,
        &token,
        &format!("{e}/documents/report?township=和平街道"),
        "report",
    )
    .await;
    assert!(report.contains("R-CNT-3"), "{report}");
    let reply = scan(&serials[6], ballot.clone()).await;
    refused(&reply, StatusCode::CONFLICT, "R-CERT-1", "result_certified");
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/stations/S1/open"),
        &token,
        None,
    )
    .await;
    refused(&reply, StatusCode::CONFLICT, "R-CERT-1", "result_certified");

    // A board left open does not hold up a graceful shutdown: the
    // stream ends when the server stops.
    let mut open = app
        .client()
        .get(app.url(&format!("/api/v1{e}/count/events")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    count_event(&mut open, |_| true).await;
    tokio::time::timeout(std::time::Duration::from_secs(20), app.stop())
        .await
        .expect("the server stops with a count board open")
        .unwrap();
    let end = tokio::time::timeout(std::time::Duration::from_secs(5), async {
        while let Ok(Some(_)) = open.chunk().await {}
    })
    .await;
    assert!(end.is_ok(), "the event stream ended");
}

/// After certification (issue 7, item 4): a valid round (more than half
/// of the registered voters voted, R-CNT-3) certified, then its results
/// announcement, the certificate of the one person elected, the report to
/// the township and the exports, all from the certified document; none
/// before certification.
async fn certified_documents(app: TestApp) {
    let token = app.set_up_committee("chair").await.unwrap();
    let day = today() + Duration::days(31);
    let (e, v) = published_election(&app, &token, "city-2009", day, 46).await;
    fix_formal_list(&app, &token, &e, &v).await;
    let status = ok(
        &call(
            &app,
            Method::GET,
            &format!("{e}/registration"),
            &token,
            None,
        )
        .await,
        StatusCode::OK,
    );
    let registered = status["registered"].as_u64().expect("the registered base");
    let voted = registered / 2 + 1;
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
    appoint_scrutineers(&app, &token, &e, &v, "中心投票站", 300).await;
    let printed = ok(
        &call(
            &app,
            Method::POST,
            &format!("{e}/ballot-batches"),
            &token,
            Some(json!({"station": "central", "count": voted + 5})),
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
    let clerk = clerk_token(&app, &token, &e).await;
    polls_open_and_close(&app, &clerk, &e, voted).await;
    scan_load(
        &app,
        &e,
        &clerk,
        &serials[..usize::try_from(voted).unwrap()],
        8,
    )
    .await;

    let reply = call(
        &app,
        Method::GET,
        &format!("{e}/documents/results"),
        &token,
        None,
    )
    .await;
    refused(&reply, StatusCode::CONFLICT, "R-CERT-1", "not_certified");
    ok(
        &call(
            &app,
            Method::POST,
            &format!("{e}/certification"),
            &token,
            None,
        )
        .await,
        StatusCode::CREATED,
    );
    let result = ok(
        &call(&app, Method::GET, &format!("{e}/result"), &token, None).await,
        StatusCode::OK,
    );
    assert_eq!(result["valid"], true, "{result}");
    let director = &result["contests"][0];
    assert_eq!(director["id"], "director");
    assert_eq!(director["elected"], json!(["1"]), "{result}");
    let member = &result["contests"][1];
    assert_eq!(member["unfilled"], 4);

    let notice = pdf_text(&app, &token, &format!("{e}/documents/results"), "results").await;
    assert!(notice.contains("选举结果公告"), "{notice}");
    assert!(notice.contains(&format!("参加投票：{voted}人")), "{notice}");
    assert!(
        notice.contains(&format!("登记选民：{registered}人")),
        "{notice}"
    );
    assert!(notice.contains("委员应选4名，当选0名"), "{notice}");
    let certificates = pdf_text(
        &app,
        &token,
        &format!("{e}/documents/certificates"),
        "certificates",
    )
    .await;
    assert_eq!(
        certificates.matches("当选证书").count(),
        1,
        "{certificates}"
    );
    assert!(
        certificates.contains(&format!("获得参加投票选民过半数赞成票（{voted}票）")),
        "{certificates}"
    );
    assert!(certificates.contains("当选为"), "{certificates}");
    let reply = call(
        &app,
        Method::GET,
        &format!("{e}/documents/report"),
        &token,
        None,
    )
    .await;
    assert_eq!(reply.0, StatusCode::BAD_REQUEST);
    let report = pdf_text(
        &app,
        &token,
        &format!("{e}/documents/report?township=和平街道办事处"),
        "report",
    )
    .await;
    for expected in ["和平街道办事处", "特此报告", "中心投票站", "另行选举"] {
        assert!(report.contains(expected), "{expected} in {report}");
    }
    let exported = ok(
        &call(
            &app,
            Method::GET,
            &format!("{e}/documents/results.json"),
            &token,
            None,
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(exported["format"], "huanjie.signed-result/1");
    assert_eq!(exported["result"], result);
    let nist = ok(
        &call(
            &app,
            Method::GET,
            &format!("{e}/documents/results.nist.json"),
            &token,
            None,
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(nist["@type"], "ElectionResults.ElectionReport");
    assert_eq!(nist["Status"], "certified");

    // The unfilled member seats go to a further election (R-CNT-7): a
    // round of its own from the certified result; nothing ties, so no
    // tie-break (R-CNT-6).
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/rounds"),
        &token,
        Some(json!({"kind": "tie-break"})),
    )
    .await;
    refused(&reply, StatusCode::CONFLICT, "R-CNT-6", "nothing_to_hold");
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/rounds"),
        &observer_or(&app, &token).await,
        Some(json!({"kind": "further"})),
    )
    .await;
    assert_eq!(reply.0, StatusCode::FORBIDDEN);
    let late = (day + Duration::days(31)).to_string();
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/rounds"),
        &token,
        Some(json!({"kind": "further", "election_day": late})),
    )
    .await;
    refused(&reply, StatusCode::CONFLICT, "R-CNT-7", "round_day");
    let round = ok(
        &call(
            &app,
            Method::POST,
            &format!("{e}/rounds"),
            &token,
            Some(json!({"kind": "further"})),
        )
        .await,
        StatusCode::CREATED,
    );
    assert_eq!(round["round"]["kind"], "further");
    assert_eq!(round["round"]["number"], 2);
    assert_eq!(
        round["seats"],
        json!([{"position": "member", "seats": 4}]),
        "{round}"
    );
    let contests: Value =
        serde_json::from_str(round["round"]["contests"].as_str().unwrap()).unwrap();
    assert_eq!(
        contests[0]["candidates"].as_array().unwrap().len(),
        5,
        "{contests}"
    );
    assert!(round["title"].as_str().unwrap().ends_with("（另行选举）"));
    let f = format!("/elections/{}", round["id"].as_str().unwrap());
    let stations = ok(
        &call(&app, Method::GET, &format!("{f}/stations"), &token, None).await,
        StatusCode::OK,
    );
    assert_eq!(stations["stations"][0]["code"], "central");
    assert_eq!(stations["stations"][0]["polls"], "not_opened");
    let printed = ok(
        &call(
            &app,
            Method::POST,
            &format!("{f}/ballot-batches"),
            &token,
            Some(json!({"station": "central", "count": voted})),
        )
        .await,
        StatusCode::CREATED,
    );
    let round_serials: Vec<String> = printed["serials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect();
    let round_ballots = pdf_text(
        &app,
        &token,
        &format!(
            "{f}/ballot-batches/{}/pdf",
            printed["batch"]["id"].as_str().unwrap()
        ),
        "further ballots",
    )
    .await;
    assert!(round_ballots.contains("另行选举"), "{round_ballots}");
    // The general round's serials are not this round's ballots.
    let round_clerk = clerk_token(&app, &token, &f).await;
    let at = |step: &str| format!("{f}/stations/central/{step}");
    // The scrutineers approved for the day serve this round too.
    ok(
        &call(&app, Method::POST, &at("open"), &round_clerk, None).await,
        StatusCode::OK,
    );
    ok(
        &call(
            &app,
            Method::POST,
            &at("issued"),
            &round_clerk,
            Some(json!({"count": voted})),
        )
        .await,
        StatusCode::OK,
    );
    ok(
        &call(&app, Method::POST, &at("close"), &round_clerk, None).await,
        StatusCode::OK,
    );
    let reply = call(
        &app,
        Method::POST,
        &at("scans"),
        &round_clerk,
        Some(json!({"serial": &serials[0], "marks": {"member": {"1": "for"}}})),
    )
    .await;
    assert!(reply.0.is_client_error(), "{reply:?}");
    // Rows 1-3 on every ballot; row 4 on fewer than a third (R-CNT-7).
    let fourth = usize::try_from(voted / 3).unwrap() - 1;
    for (i, serial) in round_serials.iter().enumerate() {
        let mut marks = json!({"1": "for", "2": "for", "3": "for"});
        if i < fourth {
            marks["4"] = json!("for");
        }
        ok(
            &call(
                &app,
                Method::POST,
                &at("scans"),
                &round_clerk,
                Some(json!({"serial": serial, "marks": {"member": marks}})),
            )
            .await,
            StatusCode::CREATED,
        );
    }
    let further = ok(
        &call(&app, Method::GET, &format!("{f}/result"), &token, None).await,
        StatusCode::OK,
    );
    assert_eq!(further["round"], "further");
    assert_eq!(further["valid"], true, "{further}");
    assert_eq!(
        further["contests"][0]["elected"],
        json!(["1", "2", "3"]),
        "{further}"
    );
    assert_eq!(further["contests"][0]["unfilled"], 1);
    ok(
        &call(
            &app,
            Method::POST,
            &format!("{f}/certification"),
            &token,
            None,
        )
        .await,
        StatusCode::CREATED,
    );
    let case = app
        .client()
        .get(app.url(&format!("/api/v1{f}/case")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("further.json"), &case).unwrap();
    let recount = std::process::Command::new(env!("CARGO_BIN_EXE_huanjie"))
        .arg("count")
        .arg(dir.path().join("further.json"))
        .output()
        .unwrap();
    assert!(
        recount.status.success(),
        "{}",
        String::from_utf8_lossy(&recount.stderr)
    );
    let recounted: Value = serde_json::from_slice(&recount.stdout).unwrap();
    assert_eq!(
        recounted, further,
        "huanjie count on the further round's case"
    );
    let certificates = pdf_text(
        &app,
        &token,
        &format!("{f}/documents/certificates"),
        "further certificates",
    )
    .await;
    assert_eq!(
        certificates.matches("当选证书").count(),
        3,
        "{certificates}"
    );
    app.stop().await.unwrap();
}

/// A rendered page as 8-bit grey: (width, height, pixels).
fn grey_png(bytes: &[u8]) -> (usize, usize, Vec<u8>) {
    let mut decoder = png::Decoder::new(bytes);
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let (w, h) = (info.width as usize, info.height as usize);
    let channels = buf.len() / (w * h);
    let grey = buf.chunks(channels).take(w * h).map(|p| p[0]).collect();
    (w, h, grey)
}

fn png_of(w: usize, h: usize, grey: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, w as u32, h as u32);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().unwrap();
        writer.write_image_data(grey).unwrap();
    }
    out
}

/// Paints a mark target's inside (`level`: 0 black … 255 white), in a
/// page rendered at `dpi`.
fn paint(page: &mut (usize, usize, Vec<u8>), rect: huanjie_print::BoxMm10, dpi: usize, level: u8) {
    let px = |mm10: i32| usize::try_from(mm10).unwrap() * dpi / 254;
    let (w, _, pixels) = page;
    for y in px(rect.y + 8)..px(rect.y + rect.height - 8) {
        for x in px(rect.x + 8)..px(rect.x + rect.width - 8) {
            pixels[y * *w + x] = level;
        }
    }
}

/// Ballots counted from scanned images (issue 6): the batch printed by
/// the system, rendered at 150 dpi, one ballot marked in ink, one with a
/// faint grey smear where a mark would be, one blank; each uploaded as a
/// PNG and read by the mark reader. The clear mark is counted, the smear
/// goes to the review queue (never decided by the machine), the blank is
/// counted with no marks; the same upload again is a replay; a PDF
/// without page images (the printer's own file) is refused, nothing
/// stored.
async fn scanned_images_are_counted(app: TestApp) {
    let token = app.set_up_committee("chair").await.unwrap();
    let day = today() + Duration::days(31);
    let (e, v) = published_election(&app, &token, "city-2009", day, 47).await;
    fix_formal_list(&app, &token, &e, &v).await;
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
    appoint_scrutineers(&app, &token, &e, &v, "中心投票站", 300).await;
    let printed = ok(
        &call(
            &app,
            Method::POST,
            &format!("{e}/ballot-batches"),
            &token,
            Some(json!({"station": "central", "count": 3})),
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
    let batch = printed["batch"]["id"].as_str().unwrap().to_owned();
    let pdf = app
        .client()
        .get(app.url(&format!("/api/v1{e}/ballot-batches/{batch}/pdf")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let clerk = clerk_token(&app, &token, &e).await;
    for step in ["open", "close"] {
        ok(
            &call(
                &app,
                Method::POST,
                &format!("{e}/stations/central/{step}"),
                &clerk,
                None,
            )
            .await,
            StatusCode::OK,
        );
    }

    // Where the targets are: the election's ballot as the server lays it out.
    let store = huanjie_store::connect(&app.database_url).await.unwrap();
    let id: uuid::Uuid = e.trim_start_matches("/elections/").parse().unwrap();
    let election = store.get_election(id).await.unwrap().unwrap();
    let layout = huanjie_web::ballots::layout(&*store, &election, huanjie_print::Paper::A4)
        .await
        .unwrap();
    let geometry =
        huanjie_print::ballot_geometry(huanjie_web::pdf::fonts().unwrap(), &layout).unwrap();
    let target = |contest: usize, row: usize, choice: huanjie_print::Choice| {
        geometry.targets.iter().find(|t| t.contest == contest && t.choice == choice
            && matches!(&t.row, huanjie_print::Row::Candidate { index, .. } if *index == row)).unwrap().rect
    };

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("batch.pdf"), &pdf).unwrap();
    let out = std::process::Command::new("pdftoppm")
        .args(["-r", "150", "-gray", "-png"])
        .arg(dir.path().join("batch.pdf"))
        .arg(dir.path().join("page"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let mut pages: Vec<(usize, usize, Vec<u8>)> = (1..=3)
        .map(|i| grey_png(&std::fs::read(dir.path().join(format!("page-{i}.png"))).unwrap()))
        .collect();
    use huanjie_print::Choice;
    paint(&mut pages[0], target(0, 0, Choice::For), 150, 0);
    paint(&mut pages[0], target(1, 1, Choice::Against), 150, 0);
    paint(&mut pages[1], target(0, 0, Choice::For), 150, 0);
    paint(&mut pages[1], target(1, 0, Choice::Against), 150, 215);

    let upload = |bytes: Vec<u8>| {
        let (app, url, clerk) = (
            &app,
            app.url(&format!("/api/v1{e}/stations/central/scan-images")),
            clerk.clone(),
        );
        async move {
            let reply = app
                .client()
                .post(url)
                .bearer_auth(clerk)
                .body(bytes)
                .send()
                .await
                .unwrap();
            let status = reply.status();
            (status, reply.json::<Value>().await.unwrap())
        }
    };
    let mut receipts = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        let answer = ok(
            &upload(png_of(page.0, page.1, &page.2)).await,
            StatusCode::OK,
        );
        let outcome = &answer["pages"][0];
        assert_eq!(
            outcome["serial"].as_str(),
            Some(serials[i].as_str()),
            "{answer}"
        );
        assert!(outcome["error"].is_null(), "{answer}");
        receipts.push(outcome["receipt"].clone());
        match i {
            0 => {
                assert_eq!(outcome["reasons"], json!([]), "{answer}");
                assert_eq!(
                    outcome["receipt"]["marks"],
                    r#"{"marks":{"director":{"1":"for"},"member":{"2":"against"}}}"#
                );
            }
            1 => {
                assert_eq!(
                    outcome["reasons"],
                    json!([{"kind": "ambiguous", "position": "member", "row": "1", "choice": "against"}]),
                    "{answer}"
                );
                assert_eq!(
                    outcome["receipt"]["marks"],
                    r#"{"marks":{"director":{"1":"for"}}}"#
                );
            }
            _ => assert_eq!(outcome["receipt"]["marks"], r#"{"marks":{}}"#, "{answer}"),
        }
    }
    // The same scan again: the first receipt, nothing new.
    let again = ok(
        &upload(png_of(pages[0].0, pages[0].1, &pages[0].2)).await,
        StatusCode::OK,
    );
    assert_eq!(again["pages"][0]["receipt"]["replayed"], true, "{again}");
    assert_eq!(
        again["pages"][0]["receipt"]["number"],
        receipts[0]["number"]
    );
    // The smear waits for a person.
    let queue = ok(
        &call(&app, Method::GET, &format!("{e}/reviews"), &clerk, None).await,
        StatusCode::OK,
    );
    assert_eq!(queue["reviews"].as_array().unwrap().len(), 1, "{queue}");
    assert_eq!(
        queue["reviews"][0]["serial"].as_str(),
        Some(serials[1].as_str())
    );
    // The printer's PDF has no scanned page in it: the first page is
    // refused in words, the pages after it are named as not read (not
    // silently dropped), nothing is stored.
    let reply = upload(pdf.to_vec()).await;
    assert_eq!(reply.0, StatusCode::OK);
    let refused_pages = reply.1["pages"].as_array().unwrap();
    assert_eq!(refused_pages.len(), 3, "{reply:?}");
    assert_eq!(refused_pages[0]["error"]["code"], "page_unreadable");
    assert!(refused_pages[0]["error"]["message"]
        .as_str()
        .unwrap()
        .contains("无法识别"));
    for p in &refused_pages[1..] {
        assert_eq!(p["error"]["code"], "page_not_read", "{p}");
    }
    assert!(refused_pages.iter().all(|p| p["receipt"].is_null()));
    let stations = ok(
        &call(&app, Method::GET, &format!("{e}/stations"), &token, None).await,
        StatusCode::OK,
    );
    assert_eq!(stations["stations"][0]["scanned"], 3);
    app.stop().await.unwrap();
}

/// A tie at the last seats (R-CNT-6): five members each with more than
/// half of the votes for four seats, all equal; the certified round holds
/// no one for those seats, and the tie-break vote among the five only
/// (new ballots, no write-in rows) seats the four with most votes.
async fn tie_break_round(app: TestApp) {
    let token = app.set_up_committee("chair").await.unwrap();
    let day = today() + Duration::days(31);
    let (e, v) = published_election(&app, &token, "city-2009", day, 48).await;
    fix_formal_list(&app, &token, &e, &v).await;
    let status = ok(
        &call(
            &app,
            Method::GET,
            &format!("{e}/registration"),
            &token,
            None,
        )
        .await,
        StatusCode::OK,
    );
    let registered = status["registered"].as_u64().unwrap();
    let voted = (registered / 2 / 5 + 1) * 5;
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
    appoint_scrutineers(&app, &token, &e, &v, "中心投票站", 300).await;
    // Runs a round at the central station: ballots printed, polls, and
    // each ballot's marks from `marks(i)`.
    let run = |e: String, marks: Box<dyn Fn(usize) -> Value>| {
        let (app, token) = (&app, token.clone());
        async move {
            let printed = ok(
                &call(
                    app,
                    Method::POST,
                    &format!("{e}/ballot-batches"),
                    &token,
                    Some(json!({"station": "central", "count": voted})),
                )
                .await,
                StatusCode::CREATED,
            );
            let at = |step: &str| format!("{e}/stations/central/{step}");
            ok(
                &call(app, Method::POST, &at("open"), &token, None).await,
                StatusCode::OK,
            );
            ok(
                &call(
                    app,
                    Method::POST,
                    &at("issued"),
                    &token,
                    Some(json!({"count": voted})),
                )
                .await,
                StatusCode::OK,
            );
            ok(
                &call(app, Method::POST, &at("close"), &token, None).await,
                StatusCode::OK,
            );
            for (i, serial) in printed["serials"].as_array().unwrap().iter().enumerate() {
                ok(
                    &call(
                        app,
                        Method::POST,
                        &at("scans"),
                        &token,
                        Some(json!({"serial": serial, "marks": marks(i)})),
                    )
                    .await,
                    StatusCode::CREATED,
                );
            }
            ok(
                &call(app, Method::GET, &format!("{e}/result"), &token, None).await,
                StatusCode::OK,
            )
        }
    };
    // Each ballot: the director, and four of the five members, leaving out
    // each one in turn.
    let general = run(
        e.clone(),
        Box::new(|i| {
            let mut member = serde_json::Map::new();
            for k in 1..=5 {
                if k != i % 5 + 1 {
                    member.insert(k.to_string(), json!("for"));
                }
            }
            json!({"director": {"1": "for"}, "member": member})
        }),
    )
    .await;
    let member = &general["contests"][1];
    assert_eq!(member["elected"], json!([]), "{general}");
    assert_eq!(member["tie"], json!(["1", "2", "3", "4", "5"]), "{general}");
    assert_eq!(member["unfilled"], 0);
    ok(
        &call(
            &app,
            Method::POST,
            &format!("{e}/certification"),
            &token,
            None,
        )
        .await,
        StatusCode::CREATED,
    );
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/rounds"),
        &token,
        Some(json!({"kind": "further"})),
    )
    .await;
    refused(&reply, StatusCode::CONFLICT, "R-CNT-7", "nothing_to_hold");
    let round = ok(
        &call(
            &app,
            Method::POST,
            &format!("{e}/rounds"),
            &token,
            Some(json!({"kind": "tie-break"})),
        )
        .await,
        StatusCode::CREATED,
    );
    assert_eq!(round["round"]["kind"], "tie-break");
    assert_eq!(
        round["seats"],
        json!([{"position": "member", "seats": 4}]),
        "{round}"
    );
    let t = format!("/elections/{}", round["id"].as_str().unwrap());
    // Only the tied people, no write-in rows: a write-in is refused.
    let tie = run(
        t.clone(),
        Box::new(|i| {
            let mut member = json!({"1": "for", "2": "for", "3": "for"});
            member[if i % 3 == 0 { "5" } else { "4" }] = json!("for");
            json!({"member": member})
        }),
    )
    .await;
    assert_eq!(tie["round"], "tie-break");
    // Only the tied people: a write-in is refused.
    let spare = ok(
        &call(
            &app,
            Method::POST,
            &format!("{t}/ballot-batches"),
            &token,
            Some(json!({"station": "central", "count": 1})),
        )
        .await,
        StatusCode::CREATED,
    );
    let reply = call(&app, Method::POST, &format!("{t}/stations/central/scans"), &token,
        Some(json!({"serial": spare["serials"][0], "marks": {}, "write_ins": {"member": [{"name": "某人"}]}}))).await;
    refused(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "R-CNT-6",
        "tie_break_write_in",
    );
    assert_eq!(
        tie["contests"][0]["elected"],
        json!(["1", "2", "3", "4"]),
        "{tie}"
    );
    ok(
        &call(
            &app,
            Method::POST,
            &format!("{t}/certification"),
            &token,
            None,
        )
        .await,
        StatusCode::CREATED,
    );
    let case = app
        .client()
        .get(app.url(&format!("/api/v1{t}/case")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        huanjie_case::count_slice(case.as_bytes())
            .map(|r| huanjie_case::result_json(&r))
            .map(|j| serde_json::from_str::<Value>(&j).unwrap())
            .unwrap(),
        tie
    );
    app.stop().await.unwrap();
}

/// A void round (R-CNT-3): turnout at exactly half of the registered
/// voters (`2 × voted ≤ registered`). Certified as void: no winners, no
/// results announcement of winners, no certificates, no further election;
/// the report to the township says why.
async fn void_round_at_exactly_half(app: TestApp) {
    let token = app.set_up_committee("chair").await.unwrap();
    let day = today() + Duration::days(31);
    let (e, v) = published_election(&app, &token, "city-2009", day, VOID_SEED).await;
    fix_formal_list(&app, &token, &e, &v).await;
    let status = ok(
        &call(
            &app,
            Method::GET,
            &format!("{e}/registration"),
            &token,
            None,
        )
        .await,
        StatusCode::OK,
    );
    let registered = status["registered"].as_u64().unwrap();
    assert_eq!(
        registered % 2,
        0,
        "the seed gives an even base ({registered}): exactly half is possible"
    );
    let voted = registered / 2;
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
    appoint_scrutineers(&app, &token, &e, &v, "中心投票站", 300).await;
    let printed = ok(
        &call(
            &app,
            Method::POST,
            &format!("{e}/ballot-batches"),
            &token,
            Some(json!({"station": "central", "count": voted})),
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
    polls_open_and_close(&app, &token, &e, voted).await;
    scan_load(&app, &e, &token, &serials, 8).await;
    let result = ok(
        &call(&app, Method::GET, &format!("{e}/result"), &token, None).await,
        StatusCode::OK,
    );
    assert_eq!(
        (result["voted"].as_u64(), result["registered"].as_u64()),
        (Some(voted), Some(registered))
    );
    assert_eq!(result["valid"], false, "{result}");
    assert_eq!(result["void_reasons"], json!(["R-CNT-3"]));
    assert!(result["contests"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["elected"] == json!([])));
    ok(
        &call(
            &app,
            Method::POST,
            &format!("{e}/certification"),
            &token,
            None,
        )
        .await,
        StatusCode::CREATED,
    );
    for kind in ["results", "certificates"] {
        let reply = call(
            &app,
            Method::GET,
            &format!("{e}/documents/{kind}"),
            &token,
            None,
        )
        .await;
        refused(&reply, StatusCode::CONFLICT, "R-CNT-3", "round_void");
    }
    let reply = call(
        &app,
        Method::POST,
        &format!("{e}/rounds"),
        &token,
        Some(json!({"kind": "further"})),
    )
    .await;
    refused(&reply, StatusCode::CONFLICT, "R-CNT-3", "round_void");
    let report = pdf_text(
        &app,
        &token,
        &format!("{e}/documents/report?township=和平街道"),
        "void report",
    )
    .await;
    assert!(report.contains("R-CNT-3"), "{report}");
    app.stop().await.unwrap();
}

/// A roll seed whose registered base is even.
const VOID_SEED: u64 = 49;

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
    roll_to_formal_list,
    zhejiang_voids_double_papers_and_bars_relatives,
    polling_day,
    concurrent_scans_count_once,
    scans_survive_sigkill,
    count_board_and_reviews,
    certified_documents,
    scanned_images_are_counted,
    tie_break_round,
    void_round_at_exactly_half
);

mod bench {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore]
    async fn scan_bench_sqlite() {
        super::scan_bench(super::spawn_sqlite_app().await).await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore]
    async fn scan_bench_postgres() {
        super::scan_bench(super::spawn_postgres_app().await).await
    }
}
