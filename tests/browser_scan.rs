//! Counting from pictures on the station page, in real headless Chromium
//! on a tablet (issue 6). Set up over the API: an election with its formal
//! list, the central station with three scrutineers, a batch of three
//! ballots printed, polls opened and closed by the clerk. The batch's PDF
//! is rendered at 150 dpi as scanners do.
//!
//! 1. The upload: the clerk chooses two scanned pages in the file input,
//!    one marked in ink (counted: receipt 1), one with a faint grey smear
//!    at a target (stored, and shown as waiting for a person with the
//!    reason in words and a link to the queue: receipt 2); the running
//!    count says 2 of 2 files, 2 pages; the station's counter follows. The
//!    same page again is shown as sent before, with its first receipt.
//! 2. The camera: Chromium's fake camera plays the third ballot's QR code
//!    (a Y4M file written here); "用摄像头扫描二维码" reads it through the
//!    API's read-serial, fills the serial field, stops the camera and puts
//!    the focus on the first mark; the marks are clicked as they are read
//!    out and the ballot is counted (receipt 3), and the API has the
//!    marks. On a tablet without a camera the button says so in plain
//!    words. The read-serial route answers 422 for a picture without a
//!    code. Screenshots go to /tmp.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration as StdDuration, Instant};

use chrono::Duration;
use fantoccini::{Client, Locator};
use huanjie_registration::{generate_roll_csv, Encoding};
use huanjie_testkit::app::{call, spawn_sqlite_app, TestApp};
use huanjie_testkit::app::{ok, today};
use huanjie_testkit::browser::{
    click, submit, text_of, type_into, wait_for_path, Browser, Viewport,
};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// A tablet held upright (820×1180 CSS pixels at 2×).
const TABLET: Viewport = Viewport {
    width: 820,
    height: 1180,
    pixel_ratio: 2.0,
    mobile: true,
};

/// The dots per inch pages are rendered at.
const DPI: usize = 150;

/// An election with a published voter list, self-nominations within the
/// margin (two for the one director, five for four members), the formal
/// list fixed, and three scrutineers for the central station (R-POLL-2).
async fn election_with_formal_list(app: &TestApp, token: &str) -> String {
    let day = today() + Duration::days(31);
    let created = ok(
        &call(
            app,
            Method::POST,
            "/elections",
            token,
            Some(json!({
                "body_kind": "residents_committee", "title": "和平社区第十届",
                "profile": "city-2009", "election_day": day.to_string(),
                "seats": [{"position": "director", "seats": 1}, {"position": "member", "seats": 4}]
            })),
        )
        .await,
        StatusCode::CREATED,
    );
    let id = created["id"].as_str().unwrap().to_owned();
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
    ok(
        &call(app, Method::POST, &format!("{e}/formal-list"), token, None).await,
        StatusCode::CREATED,
    );
    for resident in &v[300..303] {
        ok(
            &call(
                app,
                Method::POST,
                &format!("{e}/counting-staff"),
                token,
                Some(json!({"resident": resident, "role": "scrutineer", "station": "central"})),
            )
            .await,
            StatusCode::CREATED,
        );
    }
    id
}

/// A grey page: width, height, one byte a pixel.
type Grey = (usize, usize, Vec<u8>);

fn grey_png(bytes: &[u8]) -> Grey {
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

fn png_of(page: &Grey) -> Vec<u8> {
    let (w, h, grey) = page;
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, *w as u32, *h as u32);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().unwrap();
        writer.write_image_data(grey).unwrap();
    }
    out
}

/// Tenths of a millimetre to pixels at [`DPI`].
fn px(mm10: i32) -> usize {
    usize::try_from(mm10).unwrap() * DPI / 254
}

/// Paints a mark target's inside (`level`: 0 black … 255 white).
fn paint(page: &mut Grey, rect: huanjie_print::BoxMm10, level: u8) {
    let (w, _, pixels) = page;
    for y in px(rect.y + 8)..px(rect.y + rect.height - 8) {
        for x in px(rect.x + 8)..px(rect.x + rect.width - 8) {
            pixels[y * *w + x] = level;
        }
    }
}

/// A camera's view of the ballot: 640×480, the QR code in the middle at
/// twice the page's 150 dpi (as a tablet held over the ballot sees it), as
/// one frame of a Y4M file (4:2:0, grey: both chroma planes 128).
fn camera_y4m(page: &Grey, qr: huanjie_print::BoxMm10) -> Vec<u8> {
    let (pw, ph, pixels) = page;
    let (w, h) = (640usize, 480usize);
    let cx = px(qr.x + qr.width / 2);
    let cy = px(qr.y + qr.height / 2);
    let (x0, y0) = (cx - w / 4, cy - h / 4);
    let mut y4m = format!("YUV4MPEG2 W{w} H{h} F10:1 Ip A1:1 C420jpeg\nFRAME\n").into_bytes();
    for y in 0..h {
        for x in 0..w {
            let (sx, sy) = (x0 + x / 2, y0 + y / 2);
            y4m.push(if sx < *pw && sy < *ph {
                pixels[sy * pw + sx]
            } else {
                255
            });
        }
    }
    y4m.extend(std::iter::repeat_n(128u8, w * h / 2));
    y4m
}

async fn value_of(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default()
}

/// Waits until `script` returns true in the page.
async fn wait_until(c: &Client, what: &str, script: &str, within: StdDuration) {
    let deadline = Instant::now() + within;
    loop {
        let v = c.execute(script, vec![]).await.unwrap();
        if v == json!(true) {
            return;
        }
        assert!(Instant::now() < deadline, "never {what}");
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_clerk_counts_scans_and_reads_a_serial_with_the_camera() {
    let started = Instant::now();
    let app = spawn_sqlite_app().await;
    let token = app.set_up_committee("chair").await.unwrap();
    let id = election_with_formal_list(&app, &token).await;
    let e = format!("/elections/{id}");
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
    let clerk = ok(
        &call(
            &app,
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

    // The pages as a scanner gives them, and where their targets are.
    let store = huanjie_store::connect(&app.database_url).await.unwrap();
    let election = store
        .get_election(id.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    let layout = huanjie_web::ballots::layout(&*store, &election, huanjie_print::Paper::A4)
        .await
        .unwrap();
    let geometry =
        huanjie_print::ballot_geometry(huanjie_web::pdf::fonts().unwrap(), &layout).unwrap();
    let target = |contest: usize, row: usize, choice: huanjie_print::Choice| {
        geometry
            .targets
            .iter()
            .find(|t| {
                t.contest == contest
                    && t.choice == choice
                    && matches!(&t.row, huanjie_print::Row::Candidate { index, .. } if *index == row)
            })
            .unwrap()
            .rect
    };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("batch.pdf"), &pdf).unwrap();
    let out = std::process::Command::new("pdftoppm")
        .args(["-r", &DPI.to_string(), "-gray", "-png"])
        .arg(dir.path().join("batch.pdf"))
        .arg(dir.path().join("page"))
        .output()
        .expect("pdftoppm (poppler-utils) renders the batch");
    assert!(out.status.success(), "{out:?}");
    let mut pages: Vec<Grey> = (1..=3)
        .map(|i| grey_png(&std::fs::read(dir.path().join(format!("page-{i}.png"))).unwrap()))
        .collect();
    use huanjie_print::Choice;
    // Ballot 1 in ink: director 1 for, member 2 against.
    paint(&mut pages[0], target(0, 0, Choice::For), 0);
    paint(&mut pages[0], target(1, 1, Choice::Against), 0);
    // Ballot 2: director 1 for in ink, a faint grey smear at member 1's
    // 反对: for a person to decide.
    paint(&mut pages[1], target(0, 0, Choice::For), 0);
    paint(&mut pages[1], target(1, 0, Choice::Against), 215);
    let inked = dir.path().join("ballot-inked.png");
    let smeared = dir.path().join("ballot-smeared.png");
    std::fs::write(&inked, png_of(&pages[0])).unwrap();
    std::fs::write(&smeared, png_of(&pages[1])).unwrap();
    // Ballot 3 is shown to the camera.
    let video = dir.path().join("camera.y4m");
    std::fs::write(&video, camera_y4m(&pages[2], geometry.qr)).unwrap();
    let prepared = started.elapsed();

    // The clerk's tablet, with a camera that films ballot 3.
    let capture = format!("--use-file-for-fake-video-capture={}", video.display());
    let tablet = Browser::start_with_args(
        TABLET,
        &[
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            &capture,
        ],
    )
    .await
    .unwrap_or_else(|err| panic!("{err:#}"));
    let t = &tablet.client;
    t.goto(&app.url("/station")).await.unwrap();
    type_into(t, "#station-token", &clerk).await;
    submit(t, "#station-signin-submit").await;
    let station_path = format!("/elections/{id}/stations/central");
    wait_for_path(t, "the station page", |p| p == station_path).await;
    assert_eq!(text_of(t, "#station-polls").await, "已结束");
    assert_eq!(text_of(t, "#upload h2").await, "上传扫描件");
    let needs_js = t
        .find(Locator::Css("#upload-needs-js"))
        .await
        .unwrap()
        .is_displayed()
        .await
        .unwrap();
    assert!(!needs_js, "the script shows the upload form instead");

    // 1. Two scanned pages through the file input.
    let files = t.find(Locator::Css("#upload-files")).await.unwrap();
    files
        .send_keys(&format!("{}\n{}", inked.display(), smeared.display()))
        .await
        .unwrap();
    click(t, "#upload-submit").await;
    wait_until(
        t,
        "finished the upload",
        "return document.getElementById('upload').getAttribute('data-done') === 'true'",
        StdDuration::from_secs(60),
    )
    .await;
    let progress = text_of(t, "#upload-count").await;
    assert_eq!(progress, "已处理 2 / 2 个文件，共 2 页");
    let states = t
        .execute(
            "return Array.prototype.map.call(document.querySelectorAll('#upload-results > li'),
                function (li) { return [li.getAttribute('data-state'), li.getAttribute('data-receipt')]; })",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(states, json!([["counted", "1"], ["review", "2"]]));
    let first = text_of(t, "#upload-results > li:nth-child(1)").await;
    assert!(
        first.contains("ballot-inked.png 第1页")
            && first.contains(&serials[0])
            && first.contains("已计入：回执第1号"),
        "{first}"
    );
    let second = text_of(t, "#upload-results > li:nth-child(2)").await;
    let member_1 = text_of(t, "#cand-member-1 .cand-name").await;
    assert!(
        second.contains(&serials[1])
            && second.contains("待人工裁定 · 已保存：回执第2号")
            && second.contains(&format!("委员第1位候选人（{member_1}）的“反对”格划记不清")),
        "{second}"
    );
    let queue = t
        .find(Locator::Css("#upload-results .upload-review-link"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap();
    assert_eq!(
        queue.as_deref(),
        Some(format!("/elections/{id}/reviews").as_str())
    );
    assert_eq!(text_of(t, "#station-scanned").await, "2");
    t.execute(
        "window.scrollTo(0, document.getElementById('upload').offsetTop)",
        vec![],
    )
    .await
    .unwrap();
    tablet
        .screenshot("/tmp/huanjie-tablet-upload.png".as_ref())
        .await
        .unwrap();

    // The same page again: its first receipt, nothing new.
    files.send_keys(&inked.display().to_string()).await.unwrap();
    click(t, "#upload-submit").await;
    wait_until(
        t,
        "finished the second upload",
        "return document.getElementById('upload').getAttribute('data-done') === 'true'",
        StdDuration::from_secs(60),
    )
    .await;
    let again = text_of(t, "#upload-results > li").await;
    assert!(
        again.contains("重复提交，已返回原回执：回执第1号"),
        "{again}"
    );
    assert_eq!(text_of(t, "#station-scanned").await, "2");

    // 2. The camera reads ballot 3's serial.
    assert_eq!(value_of(t, "#scan-serial").await, "");
    let camera_started = Instant::now();
    click(t, "#camera-start").await;
    let wanted = serials[2].clone();
    wait_until(
        t,
        "read the serial with the camera",
        &format!("return document.getElementById('scan-serial').value === {wanted:?}"),
        StdDuration::from_secs(30),
    )
    .await;
    let camera_took = camera_started.elapsed();
    let focused = t
        .execute("return document.activeElement.id", vec![])
        .await
        .unwrap();
    assert_eq!(focused, json!("mark-director-1-for"));
    let stopped = t
        .execute(
            "return document.getElementById('camera-view').hidden
                && document.getElementById('camera-video').srcObject === null",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        stopped,
        json!(true),
        "the camera stops once the serial is read"
    );
    assert!(text_of(t, "#camera-status").await.contains(&wanted));
    t.execute(
        "window.scrollTo(0, document.getElementById('scan-form').offsetTop)",
        vec![],
    )
    .await
    .unwrap();
    tablet
        .screenshot("/tmp/huanjie-tablet-camera.png".as_ref())
        .await
        .unwrap();
    // The caller reads the ballot out; the clerk clicks.
    click(t, "#mark-director-2-for").await;
    click(t, "#mark-member-3-against").await;
    submit(t, "#scan-submit").await;
    assert_eq!(text_of(t, "#station-receipt").await, "3");
    let saved = text_of(t, "#station-saved").await;
    assert!(
        saved.contains("回执第3号") && saved.contains(&wanted),
        "{saved}"
    );
    assert_eq!(text_of(t, "#station-scanned").await, "3");
    tablet.close().await.unwrap();

    // A tablet without a camera: a plain message, and the typed field is
    // still there.
    let plain = Browser::start(TABLET)
        .await
        .unwrap_or_else(|err| panic!("{err:#}"));
    let p = &plain.client;
    p.goto(&app.url("/station")).await.unwrap();
    type_into(p, "#station-token", &clerk).await;
    submit(p, "#station-signin-submit").await;
    wait_for_path(p, "the station page", |path| path == station_path).await;
    click(p, "#camera-start").await;
    wait_until(
        p,
        "said the camera cannot be used",
        "var s = document.getElementById('camera-status'); return !s.hidden && s.className === 'alert'",
        StdDuration::from_secs(15),
    )
    .await;
    let said = text_of(p, "#camera-status").await;
    assert!(said.contains("无法使用摄像头"), "{said}");
    type_into(p, "#scan-serial", &serials[0]).await;
    assert_eq!(value_of(p, "#scan-serial").await, serials[0]);
    plain.close().await.unwrap();

    // The API agrees: ballot 3 holds the marks clicked (a replay of them
    // gets its receipt back); the smear waits in the queue.
    let receipt = ok(
        &call(
            &app,
            Method::POST,
            &format!("{e}/stations/central/scans"),
            &clerk,
            Some(json!({"serial": wanted,
                "marks": {"director": {"2": "for"}, "member": {"3": "against"}}})),
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(
        (&receipt["number"], &receipt["replayed"]),
        (&json!(3), &json!(true))
    );
    let queue = ok(
        &call(&app, Method::GET, &format!("{e}/reviews"), &clerk, None).await,
        StatusCode::OK,
    );
    assert_eq!(queue["reviews"].as_array().unwrap().len(), 1, "{queue}");
    assert_eq!(
        queue["reviews"][0]["serial"].as_str(),
        Some(serials[1].as_str())
    );

    // read-serial: a picture without a code is 422; a whole scanned page
    // gives its serial.
    let read = |bytes: Vec<u8>, bearer: String| {
        let url = app.url(&format!("/api/v1{e}/stations/central/read-serial"));
        let client = app.client();
        async move {
            let reply = client
                .post(url)
                .bearer_auth(bearer)
                .body(bytes)
                .send()
                .await
                .unwrap();
            let status = reply.status();
            (status, reply.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let blank = png_of(&(64, 64, vec![255; 64 * 64]));
    let refused = read(blank.clone(), clerk.clone()).await;
    assert_eq!(refused.0, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.1["error"]["code"], "qr_unreadable");
    let whole_page = ok(
        &read(png_of(&pages[0]), token.clone()).await,
        StatusCode::OK,
    );
    assert_eq!(whole_page["serial"].as_str(), Some(serials[0].as_str()));
    eprintln!(
        "set-up and rendering {prepared:?}, camera read the serial in {camera_took:?}, whole test {:?}",
        started.elapsed()
    );
    app.stop().await.unwrap();
}
