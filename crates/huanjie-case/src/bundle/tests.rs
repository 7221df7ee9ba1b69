//! The verifier on a small bundle made here the way the server makes one:
//! it passes whole, and fails with any byte changed, added or removed in
//! any file, every finding naming that file.
#![allow(clippy::unwrap_used)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use huanjie_core::audit::{next, Checkpoint, Entry, Head, NewEntry};
use ring::signature::{Ed25519KeyPair, KeyPair};
use serde_json::json;
use uuid::Uuid;

use super::files::{self, AuditFile, CheckpointsFile, PublicKeyFile};
use super::{verify, Bundle, InMemory, Outcome, Report};
use crate::signed::{self, CaseDigest};

const CASE: &str = concat!(
    r#"{"contests":[{"candidates":[{"gender":"M","id":"c1","name":"王建国"},{"gender":"F","id":"c2","name":"李秀英"}],"id":"director","seats":1,"title":"主任"}],"format":"huanjie.case/1","profile":"county-2006","registered":5,"round":"general","stations":[{"id":"S1","issued":2},{"id":"S2","issued":1}],"ballots":["#,
    "\n",
    r#"{"marks":{"director":{"c1":"for","c2":"against"}},"station":"S1"},"#,
    "\n",
    r#"{"marks":{"director":{"c1":"for"}},"station":"S2"},"#,
    "\n",
    r#"{"station":"S1","unreadable":true}"#,
    "\n]}\n"
);

/// The five files, by name.
#[derive(Clone)]
struct Files(Vec<(&'static str, Vec<u8>)>);

impl Files {
    fn get(&self, name: &str) -> &[u8] {
        &self.0.iter().find(|(n, _)| *n == name).unwrap().1
    }

    fn with(&self, name: &str, bytes: Vec<u8>) -> Files {
        let mut out = self.clone();
        out.0.iter_mut().find(|(n, _)| *n == name).unwrap().1 = bytes;
        out
    }

    fn verify(&self) -> Report {
        let case = InMemory(self.get(files::CASE));
        verify(&Bundle {
            public_key: Ok(self.get(files::PUBLIC_KEY)),
            signed_result: Ok(self.get(files::SIGNED_RESULT)),
            case: Ok(&case),
            checkpoints: Ok(self.get(files::CHECKPOINTS)),
            audit: Ok(self.get(files::AUDIT)),
        })
    }
}

fn election() -> Uuid {
    Uuid::from_u128(0x0192_f0c1_5a3e_7d2b_8c4f_1e2d_3c4b_5a69)
}

fn at(seconds: i64, micros: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 20, 8, 0, 0)
        .single()
        .unwrap()
        + Duration::seconds(seconds)
        + Duration::microseconds(micros)
}

fn bundle() -> Files {
    let key = Ed25519KeyPair::from_seed_unchecked(&[9; 32]).unwrap();
    let mut public = [0u8; 32];
    public.copy_from_slice(key.public_key().as_ref());
    let events = [
        (
            "chair",
            "POST /api/v1/elections/{election_id}/stations/{station}/open",
            json!({"event": "polls_open", "params": {"station": "S1"}, "status": 200}),
        ),
        (
            "station:S1",
            "POST /api/v1/elections/{election_id}/stations/{station}/scans",
            json!({"count": 3, "event": "scan", "params": {"station": "S1"}, "status": 201}),
        ),
        (
            "chair",
            "POST /api/v1/elections/{election_id}/stations/{station}/close",
            json!({"event": "polls_close", "params": {"station": "S1"}, "status": 200}),
        ),
        (
            "chair",
            "POST /api/v1/elections/{election_id}/certification",
            json!({"event": "certification", "params": {}, "status": 201}),
        ),
        (
            "观察员",
            "GET /api/v1/elections/{election_id}/case",
            json!({"event": "export", "params": {}, "status": 200, "note": "\"引号\"\n"}),
        ),
    ];
    let mut entries: Vec<Entry> = Vec::new();
    for (i, (actor, action, details)) in events.into_iter().enumerate() {
        let i = i64::try_from(i).unwrap();
        let e = next(
            entries.last(),
            NewEntry {
                chain: election(),
                at: at(i * 60, i * 123_457),
                actor: actor.into(),
                action: action.into(),
                details,
            },
        )
        .unwrap();
        entries.push(e);
    }
    let checkpoint = |size: usize, seconds: i64, micros: i64| {
        let c = Checkpoint::new(
            election(),
            Head::of(entries[..size].last()),
            at(seconds, micros),
        );
        (c, c.sign(&key))
    };
    let checkpoints = vec![
        checkpoint(1, 61, 0),
        checkpoint(3, 200, 5),
        checkpoint(4, 241, 999_999),
    ];

    let result = crate::count_slice(CASE.as_bytes()).unwrap();
    let result: serde_json::Value = serde_json::from_str(&crate::result_json(&result)).unwrap();
    let document = signed::document(
        json!({"id": election(), "title": "幸福社区第七届"}),
        "general",
        result,
        Some(&CaseDigest::of(CASE.as_bytes())),
        "chair",
        "2026-12-20T08:03:00Z",
    );
    Files(vec![
        (files::PUBLIC_KEY, PublicKeyFile::new(&public).render()),
        (
            files::SIGNED_RESULT,
            signed::sign(&key, &document).into_bytes(),
        ),
        (files::CASE, CASE.as_bytes().to_vec()),
        (
            files::CHECKPOINTS,
            CheckpointsFile::new(election(), Some(&public), &checkpoints[..2]).render(),
        ),
        (
            files::AUDIT,
            AuditFile::new(election(), Some(&public), entries, &checkpoints).render(),
        ),
    ])
}

#[track_caller]
fn fails_naming(files: &Files, name: &str, what: &str) {
    let report = files.verify();
    assert!(!report.passed(), "{what} passed:\n{}", report.render());
    let findings: Vec<_> = report.findings().collect();
    assert!(
        !findings.is_empty(),
        "{what}: no finding\n{}",
        report.render()
    );
    for f in findings {
        assert_eq!(
            f.file,
            name,
            "{what}: a finding names another file\n{}",
            report.render()
        );
    }
}

#[test]
fn a_whole_bundle_verifies() {
    let b = bundle();
    let report = b.verify();
    assert!(report.passed(), "{}", report.render());
    assert_eq!(report.checks.len(), 15);
    let text = report.render();
    assert!(
        text.contains("Verdict: VERIFIED, all 15 checks passed"),
        "{text}"
    );
    assert!(text.contains("核验通过"), "{text}");
    assert!(
        matches!(&report.check("recount").unwrap().outcome, Outcome::Pass(d) if d.contains("cast 3"))
    );
}

/// Every byte of every file changed (its low bit: a digit, a hex digit, a
/// letter), and, in turn along the file, its ASCII case bit, its high bit
/// (invalid UTF-8), removed, or a space put before it. Files run on
/// threads of their own (every change is a whole verification).
#[test]
fn any_changed_byte_fails_and_names_its_file() {
    let b = bundle();
    std::thread::scope(|scope| {
        for name in files::ALL {
            let b = &b;
            scope.spawn(move || {
                let original = b.get(name).to_vec();
                for i in 0..original.len() {
                    let mut changed = original.clone();
                    changed[i] ^= 0x01;
                    fails_naming(
                        &b.with(name, changed),
                        name,
                        &format!("{name} byte {i} ^ 0x01"),
                    );
                    let mut changed = original.clone();
                    let what = match i % 4 {
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
                        _ => {
                            changed.insert(i, b' ');
                            "with a space before it"
                        }
                    };
                    fails_naming(
                        &b.with(name, changed),
                        name,
                        &format!("{name} byte {i} {what}"),
                    );
                }
                let mut longer = original.clone();
                longer.push(b'\n');
                fails_naming(
                    &b.with(name, longer),
                    name,
                    &format!("{name} newline at the end"),
                );
            });
        }
    });
}

/// Two keys swapped, in every JSON file: the same value, other bytes.
#[test]
fn keys_in_another_order_fail() {
    let b = bundle();
    let swap = |name: &str, a: &str, c: &str| {
        let text = String::from_utf8(b.get(name).to_vec()).unwrap();
        let swapped = text
            .replacen(a, "\u{0}", 1)
            .replacen(c, a, 1)
            .replacen('\u{0}', c, 1);
        assert_ne!(swapped, text, "{name}: {a} / {c} not found");
        swapped.into_bytes()
    };
    let pk = swap(
        files::PUBLIC_KEY,
        "\"algorithm\":\"Ed25519\"",
        "\"public_key\"",
    );
    // Swapping whole members keeps the file valid JSON.
    let text = String::from_utf8(b.get(files::PUBLIC_KEY).to_vec()).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let reordered = format!(
        "{{\"public_key\":{},\"algorithm\":\"Ed25519\"}}",
        v["public_key"]
    );
    assert_ne!(pk, reordered.as_bytes());
    fails_naming(
        &b.with(files::PUBLIC_KEY, reordered.into_bytes()),
        files::PUBLIC_KEY,
        "public key reordered",
    );
    let audit = String::from_utf8(b.get(files::AUDIT).to_vec()).unwrap();
    let reordered = audit
        .replacen("\"actor\":\"chair\",\"at\"", "\"at\"", 1)
        .replacen("\"details\"", "\"actor\":\"chair\",\"details\"", 1);
    let report = b
        .with(files::AUDIT, reordered.clone().into_bytes())
        .verify();
    // Still the same entries, so the chain holds: only the form fails.
    assert!(serde_json::from_str::<serde_json::Value>(&reordered).is_ok());
    fails_naming(
        &b.with(files::AUDIT, reordered.into_bytes()),
        files::AUDIT,
        "audit reordered",
    );
    assert!(
        report.check("audit_chain").unwrap().passed(),
        "{}",
        report.render()
    );
    assert!(!report.check("audit_file").unwrap().passed());
    let case = CASE.replace(
        r#"{"station":"S1","unreadable":true}"#,
        r#"{"unreadable":true,"station":"S1"}"#,
    );
    let report = b.with(files::CASE, case.clone().into_bytes()).verify();
    fails_naming(
        &b.with(files::CASE, case.into_bytes()),
        files::CASE,
        "case reordered",
    );
    let text = report.render();
    assert!(
        text.contains("case.json: line 4, column 3, at unreadable"),
        "{text}"
    );
}

/// What the verdict says for each class of change: the file, and where.
#[test]
fn each_failure_says_where() {
    let b = bundle();
    let report_for = |name: &str, from: &str, to: &str| {
        let text = String::from_utf8(b.get(name).to_vec()).unwrap();
        assert!(text.contains(from), "{name}: {from}");
        b.with(name, text.replacen(from, to, 1).into_bytes())
            .verify()
            .render()
    };
    // A count changed in the case: the recount differs where.
    let text = report_for(files::CASE, "\"issued\":1", "\"issued\":2");
    assert!(text.contains("case.json: signed result's document.result.voted\n        确认的结果为 3，按案卷重新计票为 4\n        certified 3, the case recounts to 4"), "{text}");
    // A ballot moved to another station: the recount agrees, the digest
    // does not.
    let text = report_for(files::CASE, "\"station\":\"S2\"", "\"station\":\"S1\"");
    assert!(text.contains("the case is not the one certified"), "{text}");
    assert!(
        report_for(files::CASE, "\"station\":\"S2\"", "\"station\":\"S1\"")
            .contains("[通过 PASS] 按计票案卷重新计票")
    );
    // A space in the case: its line.
    let text = report_for(
        files::CASE,
        "{\"marks\":{\"director\":{\"c1\":\"for\"}}",
        "{\"marks\": {\"director\":{\"c1\":\"for\"}}",
    );
    assert!(
        text.contains("case.json: line 3, column 10, at marks"),
        "{text}"
    );
    // An entry's details: its number and the part.
    let text = report_for(files::AUDIT, "\"count\":3", "\"count\":4");
    assert!(
        text.contains("entries[1] (entry 2), field content"),
        "{text}"
    );
    let audit = String::from_utf8(b.get(files::AUDIT).to_vec()).unwrap();
    let v: serde_json::Value = serde_json::from_str(&audit).unwrap();
    let hash = v["entries"][2]["hash"].as_str().unwrap();
    let mut edited = hash.to_owned();
    edited.replace_range(0..1, if hash.starts_with('0') { "1" } else { "0" });
    let text = report_for(
        files::AUDIT,
        &format!("\"hash\":\"{hash}\""),
        &format!("\"hash\":\"{edited}\""),
    );
    assert!(text.contains("entries[2] (entry 3), field hash"), "{text}");
    let prev = v["entries"][3]["prev_hash"].as_str().unwrap();
    let text = report_for(
        files::AUDIT,
        &format!("\"prev_hash\":\"{prev}\""),
        &format!("\"prev_hash\":\"{}\"", prev.replace('a', "b")),
    );
    assert!(
        text.contains("entries[3] (entry 4), field prev_hash"),
        "{text}"
    );
    // A checkpoint's signature.
    let cps = String::from_utf8(b.get(files::CHECKPOINTS).to_vec()).unwrap();
    let v: serde_json::Value = serde_json::from_str(&cps).unwrap();
    let sig = v["checkpoints"][1]["signature"].as_str().unwrap();
    let mut edited = sig.to_owned();
    edited.replace_range(10..11, if &sig[10..11] == "0" { "1" } else { "0" });
    let text = report_for(files::CHECKPOINTS, sig, &edited);
    assert!(
        text.contains("checkpoints.json: checkpoints[1] (size 3), field signature / at"),
        "{text}"
    );
    // The published key.
    let pk = String::from_utf8(b.get(files::PUBLIC_KEY).to_vec()).unwrap();
    let v: serde_json::Value = serde_json::from_str(&pk).unwrap();
    let key = v["public_key"].as_str().unwrap();
    let mut edited = key.to_owned();
    edited.replace_range(5..6, if &key[5..6] == "0" { "1" } else { "0" });
    let text = report_for(files::PUBLIC_KEY, key, &edited);
    assert!(text.contains("public-key.json: at public_key"), "{text}");
    assert!(
        text.contains("Verdict: NOT VERIFIED, 1 of 15 checks failed (files: public-key.json)"),
        "{text}"
    );
    // The signed result's signature.
    let signed_text = String::from_utf8(b.get(files::SIGNED_RESULT).to_vec()).unwrap();
    let parsed: signed::SignedResult = serde_json::from_str(&signed_text).unwrap();
    let mut edited = parsed.signature.clone();
    edited.replace_range(
        7..8,
        if &parsed.signature[7..8] == "0" {
            "1"
        } else {
            "0"
        },
    );
    let text = report_for(files::SIGNED_RESULT, &parsed.signature, &edited);
    assert!(
        text.contains("signed-result.json: at document / signature"),
        "{text}"
    );
    // A certified count changed in the signed document.
    let text = report_for(files::SIGNED_RESULT, "\\\"cast\\\":3", "\\\"cast\\\":4");
    assert!(
        text.contains("signed-result.json: at document / signature"),
        "{text}"
    );
}

#[test]
fn a_missing_file_is_named() {
    let b = bundle();
    let case = InMemory(b.get(files::CASE));
    let report = verify(&Bundle {
        public_key: Ok(b.get(files::PUBLIC_KEY)),
        signed_result: Ok(b.get(files::SIGNED_RESULT)),
        case: Ok(&case),
        checkpoints: Err("No such file or directory".into()),
        audit: Ok(b.get(files::AUDIT)),
    });
    assert!(!report.passed());
    assert!(
        report.findings().all(|f| f.file == files::CHECKPOINTS),
        "{}",
        report.render()
    );
    assert!(
        report
            .render()
            .contains("checkpoints.json:\n        文件缺失或无法读取"),
        "{}",
        report.render()
    );
}

/// A signed result from before the case digest: it still verifies as a
/// signed result, but the bundle cannot tie the case to it.
#[test]
fn a_signed_result_without_the_case_digest_fails_the_bundle() {
    let b = bundle();
    let key = Ed25519KeyPair::from_seed_unchecked(&[9; 32]).unwrap();
    let result = crate::count_slice(CASE.as_bytes()).unwrap();
    let result: serde_json::Value = serde_json::from_str(&crate::result_json(&result)).unwrap();
    let document = signed::document(
        json!({"id": election(), "title": "幸福社区第七届"}),
        "general",
        result,
        None,
        "chair",
        "2026-12-20T08:03:00Z",
    );
    let old = signed::sign(&key, &document);
    assert!(signed::verify(old.as_bytes(), None).is_ok());
    let report = b.with(files::SIGNED_RESULT, old.into_bytes()).verify();
    assert!(!report.passed());
    assert!(!report.check("case_certified").unwrap().passed());
    assert!(report.check("result_matches").unwrap().passed());
}
