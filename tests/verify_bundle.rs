//! End-to-end (issue 8, item 3): an election run over HTTP to its
//! certification, its verification bundle downloaded from the API as an
//! observer would and written by `huanjie export-bundle` (the same bytes),
//! `huanjie verify` passing it, and failing it, naming the file, with one
//! byte changed anywhere in any of its files (`docs/verify-bundle.md`).
//! On SQLite and PostgreSQL; the real binary throughout.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

use huanjie_testkit::app::{spawn_postgres_app, spawn_sqlite_app, TestApp, TEST_PASSWORD};
use huanjie_testkit::certified::{certified_election, CertifiedElection};
use serde_json::Value;

/// The bundle's files, in the order `huanjie verify` lists them.
const FILES: [&str; 5] = [
    "public-key.json",
    "signed-result.json",
    "case.json",
    "checkpoints.json",
    "audit.json",
];

/// Where each file is downloaded from, under the election's path.
fn route(file: &str) -> &'static str {
    match file {
        "public-key.json" => "/public-key",
        "signed-result.json" => "/certification",
        "case.json" => "/case",
        "checkpoints.json" => "/audit/checkpoints",
        "audit.json" => "/audit/export",
        _ => unreachable!(),
    }
}

fn huanjie() -> Command {
    Command::new(env!("CARGO_BIN_EXE_huanjie"))
}

async fn download(app: &TestApp, c: &CertifiedElection, token: &str, file: &str) -> Vec<u8> {
    let reply = app
        .client()
        .get(app.url(&format!("/api/v1{}{}", c.path, route(file))))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), reqwest::StatusCode::OK, "{file}");
    reply.bytes().await.unwrap().to_vec()
}

fn write_bundle(dir: &Path, files: &[(&str, Vec<u8>)]) {
    std::fs::create_dir_all(dir).unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
}

fn read_bundle(dir: &Path) -> Vec<(&'static str, Vec<u8>)> {
    FILES
        .iter()
        .map(|f| (*f, std::fs::read(dir.join(f)).unwrap()))
        .collect()
}

/// `huanjie verify DIR`: whether it passed, the bundle files its findings
/// name, and what it printed.
fn verify(dir: &Path) -> (bool, Vec<String>, String) {
    let out = huanjie().arg("verify").arg(dir).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let code = out.status.code();
    assert!(
        code == Some(0) || code == Some(1),
        "exit {code:?}: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Findings are indented six spaces and start with the file's name.
    let mut named: Vec<String> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("      "))
        .filter_map(|l| FILES.iter().find(|f| l.starts_with(&format!("{f}:"))))
        .map(|f| (*f).to_owned())
        .collect();
    named.sort();
    named.dedup();
    (code == Some(0), named, stdout)
}

/// One edit of one file of `bundle`, verified in a directory of its own.
struct Edit {
    file: &'static str,
    what: String,
    bytes: Vec<u8>,
}

/// Verifies every edit (two at a time: the machine has two cores); each
/// must fail and name only its file.
fn all_fail(base: &Path, bundle: &[(&'static str, Vec<u8>)], edits: Vec<Edit>) {
    let total = edits.len();
    let chunks: Vec<Vec<(usize, Edit)>> = {
        let mut a = Vec::new();
        let mut b = Vec::new();
        for (i, e) in edits.into_iter().enumerate() {
            if i % 2 == 0 {
                a.push((i, e));
            } else {
                b.push((i, e));
            }
        }
        vec![a, b]
    };
    std::thread::scope(|scope| {
        for (worker, chunk) in chunks.into_iter().enumerate() {
            scope.spawn(move || {
                let dir = base.join(format!("edit-{worker}"));
                write_bundle(&dir, bundle);
                for (i, edit) in chunk {
                    std::fs::write(dir.join(edit.file), &edit.bytes).unwrap();
                    let (passed, named, stdout) = verify(&dir);
                    assert!(
                        !passed,
                        "edit {i}/{total} passed: {} {}\n{stdout}",
                        edit.file, edit.what
                    );
                    assert_eq!(
                        named,
                        vec![edit.file.to_owned()],
                        "edit {i}/{total}: {} {}\n{stdout}",
                        edit.file,
                        edit.what
                    );
                    let original = &bundle.iter().find(|(n, _)| *n == edit.file).unwrap().1;
                    std::fs::write(dir.join(edit.file), original).unwrap();
                }
            });
        }
    });
}

/// Positions to change in a file of `len` bytes: all of a small file,
/// else `sample` spread evenly over it (first and last included).
fn positions(len: usize, sample: usize) -> Vec<usize> {
    if len <= sample {
        return (0..len).collect();
    }
    let mut out: Vec<usize> = (0..sample).map(|k| k * (len - 1) / (sample - 1)).collect();
    out.dedup();
    out
}

/// One byte flipped (its low bit; every fourth its ASCII case bit, the
/// high bit, removed, or a space before it) at each of `positions`.
fn byte_edits(file: &'static str, bytes: &[u8], sample: usize) -> Vec<Edit> {
    let mut out = Vec::new();
    for (k, i) in positions(bytes.len(), sample).into_iter().enumerate() {
        let mut changed = bytes.to_vec();
        let what = match k % 5 {
            0 => {
                changed[i] ^= 0x20;
                "^ 0x20"
            }
            1 => {
                changed[i] ^= 0x80;
                "^ 0x80"
            }
            2 => {
                changed.remove(i);
                "removed"
            }
            3 => {
                changed.insert(i, b' ');
                "space before"
            }
            _ => {
                changed[i] ^= 0x01;
                "^ 0x01"
            }
        };
        out.push(Edit {
            file,
            what: format!("byte {i} {what}"),
            bytes: changed,
        });
    }
    out
}

/// `from` replaced once by `to` in `file`.
fn replace(
    bundle: &[(&'static str, Vec<u8>)],
    file: &'static str,
    what: &str,
    from: &str,
    to: &str,
) -> Edit {
    let text =
        String::from_utf8(bundle.iter().find(|(n, _)| *n == file).unwrap().1.clone()).unwrap();
    assert!(text.contains(from), "{file}: {from:?} not found for {what}");
    let changed = text.replacen(from, to, 1);
    assert_ne!(changed, text, "{what}");
    Edit {
        file,
        what: what.to_owned(),
        bytes: changed.into_bytes(),
    }
}

/// One hex digit of `hex` changed at `at`.
fn other_digit(hex: &str, at: usize) -> String {
    let mut out = hex.to_owned();
    let c = &hex[at..=at];
    out.replace_range(at..=at, if c == "0" { "1" } else { "0" });
    out
}

/// Edits of each class the issue names, in every file they apply to.
fn class_edits(bundle: &[(&'static str, Vec<u8>)]) -> Vec<Edit> {
    let text = |file: &str| {
        String::from_utf8(bundle.iter().find(|(n, _)| *n == file).unwrap().1.clone()).unwrap()
    };
    let json = |file: &str| -> Value { serde_json::from_str(&text(file)).unwrap() };
    let mut out = Vec::new();

    // White space JSON would not notice.
    for file in [
        "public-key.json",
        "signed-result.json",
        "checkpoints.json",
        "audit.json",
    ] {
        out.push(replace(bundle, file, "space after {", "{", "{ "));
        out.push(replace(bundle, file, "newline added", "}", "}\n"));
    }
    let case = text("case.json");
    let ballot = case.lines().nth(1).unwrap().to_owned();
    out.push(replace(
        bundle,
        "case.json",
        "space in a ballot",
        &ballot,
        &ballot.replacen(':', ": ", 1),
    ));
    out.push(replace(bundle, "case.json", "CRLF line end", "\n", "\r\n"));
    out.push(replace(
        bundle,
        "case.json",
        "trailing space on the header line",
        "\"ballots\":[\n",
        "\"ballots\":[ \n",
    ));

    // Keys in another order (same values).
    out.push(Edit {
        file: "public-key.json",
        what: "keys reordered".into(),
        bytes: {
            let v = json("public-key.json");
            format!(
                "{{\"public_key\":{},\"algorithm\":\"Ed25519\"}}",
                v["public_key"]
            )
            .into_bytes()
        },
    });
    let signed: Value = json("signed-result.json");
    out.push(Edit {
        file: "signed-result.json",
        what: "keys reordered".into(),
        bytes: format!(
            "{{\"document\":{},\"algorithm\":\"Ed25519\",\"public_key\":{},\"signature\":{}}}\n",
            signed["document"], signed["public_key"], signed["signature"]
        )
        .into_bytes(),
    });
    out.push(replace(
        bundle,
        "checkpoints.json",
        "keys reordered",
        "{\"algorithm\":\"Ed25519\",\"chain\":",
        "{\"chain\":",
    ));
    let audit = json("audit.json");
    let first = &audit["entries"][0];
    let actor = format!("\"actor\":{},", first["actor"]);
    let action = format!("\"action\":{},", first["action"]);
    out.push(replace(
        bundle,
        "audit.json",
        "an entry's keys reordered",
        &format!("{action}{actor}"),
        &format!("{actor}{action}"),
    ));
    let swapped = {
        let v: Value = serde_json::from_str(ballot.trim_end_matches(',')).unwrap();
        let station = format!("\"station\":{}", v["station"]);
        let marks = format!("\"marks\":{}", v["marks"]);
        let comma = if ballot.ends_with(',') { "," } else { "" };
        format!("{{{station},{marks}}}{comma}")
    };
    out.push(replace(
        bundle,
        "case.json",
        "a ballot's keys reordered",
        &ballot,
        &swapped,
    ));

    // A changed digit in a count.
    let issued = format!("\"issued\":{}", json_header(&case)["stations"][0]["issued"]);
    let n: u64 = issued.trim_start_matches("\"issued\":").parse().unwrap();
    out.push(replace(
        bundle,
        "case.json",
        "issued changed",
        &issued,
        &format!("\"issued\":{}", n + 1),
    ));
    let registered = format!("\"registered\":{}", json_header(&case)["registered"]);
    let r: u64 = registered
        .trim_start_matches("\"registered\":")
        .parse()
        .unwrap();
    out.push(replace(
        bundle,
        "case.json",
        "registered changed",
        &registered,
        &format!("\"registered\":{}", r + 1),
    ));
    let cast = signed_document(&signed)["result"]["cast"].as_u64().unwrap();
    out.push(replace(
        bundle,
        "signed-result.json",
        "the certified cast changed",
        &format!("\\\"cast\\\":{cast}"),
        &format!("\\\"cast\\\":{}", cast + 1),
    ));
    // A mark moved from one candidate to the other.
    out.push(replace(
        bundle,
        "case.json",
        "a director's vote moved",
        "\"director\":{\"1\":\"for\"}",
        "\"director\":{\"2\":\"for\"}",
    ));

    // A changed character in the public key, wherever it is.
    let key = json("public-key.json")["public_key"]
        .as_str()
        .unwrap()
        .to_owned();
    for (file, at) in [
        ("public-key.json", 0),
        ("public-key.json", 63),
        ("signed-result.json", 17),
        ("checkpoints.json", 40),
        ("audit.json", 5),
    ] {
        out.push(replace(
            bundle,
            file,
            &format!("public key digit {at}"),
            &key,
            &other_digit(&key, at),
        ));
    }

    // A changed character in a signature.
    let sig = signed["signature"].as_str().unwrap();
    out.push(replace(
        bundle,
        "signed-result.json",
        "signature digit",
        sig,
        &other_digit(sig, 100),
    ));
    for file in ["checkpoints.json", "audit.json"] {
        let row = &json(file)["checkpoints"][0];
        let sig = row["signature"].as_str().unwrap();
        out.push(replace(
            bundle,
            file,
            "checkpoint signature digit",
            sig,
            &other_digit(sig, 3),
        ));
        // A checkpoint's head, size and time.
        let head = row["head"].as_str().unwrap();
        out.push(replace(
            bundle,
            file,
            "checkpoint head digit",
            &format!("\"head\":\"{head}\""),
            &format!("\"head\":\"{}\"", other_digit(head, 9)),
        ));
        let size = row["size"].as_u64().unwrap();
        out.push(replace(
            bundle,
            file,
            "checkpoint size",
            &format!("\"size\":{size}"),
            &format!("\"size\":{}", if size > 1 { size - 1 } else { size + 1 }),
        ));
        let at = row["at"].as_str().unwrap();
        // The last digit of its seconds.
        out.push(replace(
            bundle,
            file,
            "checkpoint time",
            at,
            &other_digit(at, 18),
        ));
    }
    // An entry's hash, its content, its number.
    let entry = &audit["entries"][2];
    let hash = entry["hash"].as_str().unwrap();
    out.push(replace(
        bundle,
        "audit.json",
        "entry hash digit",
        &format!("\"hash\":\"{hash}\""),
        &format!("\"hash\":\"{}\"", other_digit(hash, 0)),
    ));
    out.push(replace(
        bundle,
        "audit.json",
        "entry seq",
        "\"seq\":3}",
        "\"seq\":4}",
    ));
    out.push(replace(
        bundle,
        "audit.json",
        "entry status",
        "\"status\":201",
        "\"status\":200",
    ));
    out
}

/// The case's header line as JSON.
fn json_header(case: &str) -> Value {
    let first = case.lines().next().unwrap();
    serde_json::from_str(&format!("{}}}", first.trim_end_matches(",\"ballots\":["))).unwrap()
}

fn signed_document(signed: &Value) -> Value {
    serde_json::from_str(signed["document"].as_str().unwrap()).unwrap()
}

async fn bundle_verifies_and_any_edit_fails(app: TestApp, full: bool) {
    let c = certified_election(&app, 46).await.unwrap();
    let tmp = tempfile::tempdir().unwrap();

    // An observer's downloads, in the order docs/verify-bundle.md gives
    // (the checkpoints before the log).
    let (status, body) = huanjie_testkit::app::call(
        &app,
        reqwest::Method::POST,
        "/users",
        &c.token,
        Some(serde_json::json!({"username": "watcher", "password": TEST_PASSWORD, "role": "observer"})),
    )
    .await;
    assert_eq!(status, reqwest::StatusCode::CREATED, "{body}");
    let observer = app.sign_in("watcher", TEST_PASSWORD).await.unwrap();
    let mut downloaded = Vec::new();
    for file in FILES {
        downloaded.push((file, download(&app, &c, &observer, file).await));
    }
    assert_eq!(
        downloaded[1].1, c.signed_result,
        "the published signed result is the certified one"
    );
    let by_hand = tmp.path().join("by-hand");
    write_bundle(&by_hand, &downloaded);

    // The signed document binds the case's exact bytes.
    let signed: Value = serde_json::from_slice(&c.signed_result).unwrap();
    let document = signed_document(&signed);
    let case = &downloaded[2].1;
    assert_eq!(
        document["case"]["bytes"].as_u64().unwrap(),
        case.len() as u64
    );
    let sha = ring::digest::digest(&ring::digest::SHA256, case);
    let sha: String = sha.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(document["case"]["sha256"], sha.as_str());

    // `huanjie export-bundle` writes the same five files from the database.
    let exported = tmp.path().join("exported");
    let run = huanjie()
        .args(["export-bundle", "--election", &c.id])
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
    let bundle = read_bundle(&exported);
    // The log and its checkpoints again, in case the 5-minute checkpointer
    // signed one in between.
    let later_checkpoints = download(&app, &c, &observer, "checkpoints.json").await;
    let later_audit = download(&app, &c, &observer, "audit.json").await;
    for ((name, ours), (_, theirs)) in bundle.iter().zip(&downloaded) {
        let later = match *name {
            "checkpoints.json" => Some(&later_checkpoints),
            "audit.json" => Some(&later_audit),
            _ => None,
        };
        assert!(
            ours == theirs || later == Some(ours),
            "{name}: export-bundle wrote other bytes than the API serves\nexported: {}\nAPI:      {}",
            String::from_utf8_lossy(&ours[..ours.len().min(400)]),
            String::from_utf8_lossy(&theirs[..theirs.len().min(400)])
        );
    }
    // An existing bundle is not overwritten.
    let again = huanjie()
        .args(["export-bundle", "--election", &c.id])
        .arg("--database-url")
        .arg(&app.database_url)
        .arg("-o")
        .arg(&exported)
        .output()
        .unwrap();
    assert!(!again.status.success());

    // Both verify, with every check listed.
    for dir in [&by_hand, &exported] {
        let (passed, named, stdout) = verify(dir);
        assert!(passed, "{stdout}");
        assert!(named.is_empty(), "{stdout}");
        assert!(
            stdout.contains("Verdict: VERIFIED, all 15 checks passed."),
            "{stdout}"
        );
        assert!(stdout.contains("结论：核验通过"), "{stdout}");
        assert_eq!(stdout.matches("[通过 PASS]").count(), 15, "{stdout}");
        assert!(stdout.contains(&format!("cast {}", c.voted)), "{stdout}");
        eprintln!("{stdout}");
    }

    // Every class of edit, then bytes all over every file.
    let mut edits = class_edits(&bundle);
    for (name, bytes) in &bundle {
        let sample = match (*name, full) {
            (_, false) => 12,
            ("public-key.json", true) => usize::MAX,
            (_, true) => 300,
        };
        edits.extend(byte_edits(name, bytes, sample));
    }
    let count = edits.len();
    all_fail(tmp.path(), &bundle, edits);
    eprintln!("{count} edited bundles each failed, naming the edited file");

    // A missing file is named; something that is not a bundle is refused.
    let partial = tmp.path().join("partial");
    write_bundle(&partial, &bundle[..4]);
    let (passed, named, stdout) = verify(&partial);
    assert!(!passed);
    assert_eq!(named, vec!["audit.json".to_owned()], "{stdout}");
    let out = huanjie()
        .arg("verify")
        .arg(tmp.path().join("nothing"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));

    // An election that is not certified has no bundle (R-CERT-1).
    let (status, other) = huanjie_testkit::app::call(
        &app,
        reqwest::Method::POST,
        "/elections",
        &c.token,
        Some(serde_json::json!({
            "body_kind": "residents_committee", "title": "未确认", "profile": "city-2009",
            "election_day": "2027-06-01",
            "seats": [{"position": "director", "seats": 1}]
        })),
    )
    .await;
    assert_eq!(status, reqwest::StatusCode::CREATED, "{other}");
    let run = huanjie()
        .args(["export-bundle", "--election", other["id"].as_str().unwrap()])
        .arg("--database-url")
        .arg(&app.database_url)
        .arg("-o")
        .arg(tmp.path().join("uncertified"))
        .output()
        .unwrap();
    assert!(!run.status.success());
    assert!(
        String::from_utf8_lossy(&run.stderr).contains("R-CERT-1"),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(!tmp.path().join("uncertified").exists());
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_bundle_verifies_and_any_edit_fails() {
    bundle_verifies_and_any_edit_fails(spawn_sqlite_app().await, true).await;
}

/// PostgreSQL: the same, with fewer byte positions (the format does not
/// depend on the backend; the export does).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_bundle_verifies_and_any_edit_fails() {
    bundle_verifies_and_any_edit_fails(spawn_postgres_app().await, false).await;
}
