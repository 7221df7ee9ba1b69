//! The report as the API sends it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use huanjie_core::registration::Column;
use huanjie_registration::{generate_roll_csv, Encoding};
use serde_json::{json, Value};

#[test]
fn errors_have_every_field() {
    let mut row = voter_row("张三", 1);
    row[3] = String::new();
    let report = check_bytes(csv_of(&[row]).as_bytes());
    let v = serde_json::to_value(&report).unwrap();
    assert_eq!(v["accepted"], json!(false));
    assert_eq!(
        v["errors"][0],
        json!({
            "row": 2,
            "column": "group",
            "value": "",
            "rule": "R-REG-3",
            "message_zh": "“居民小组”为必填项，此处为空",
            "message_en": "residents' group is required and is blank",
        })
    );
}

#[test]
fn voters_and_exclusions_with_rules_and_messages() {
    let mut child = voter_row("小明", 2);
    child[2] = id("11010520150101001");
    let report = check_bytes(csv_of(&[voter_row("张三", 1), child]).as_bytes());
    let v = serde_json::to_value(&report).unwrap();
    assert_eq!(v["accepted"], json!(true));
    let voter = &v["voters"][0];
    assert_eq!(voter["row"], json!(2));
    assert_eq!(voter["name"], json!("张三"));
    assert_eq!(voter["gender"], json!("M"));
    assert_eq!(voter["resident_id"], json!(voter_row("张三", 1)[2]));
    assert_eq!(voter["category"], json!("registered"));
    assert_eq!(voter["residence_since"], Value::Null);
    assert_eq!(voter["household_representative"], json!(true));
    for c in Column::ALL {
        assert!(voter.get(c.en()).is_some(), "{}", c.en());
    }
    let excluded = &v["not_registered"][0];
    assert_eq!(excluded["row"], json!(3));
    assert_eq!(excluded["name"], json!("小明"));
    assert_eq!(
        excluded["exclusion"],
        json!({
            "kind": "under18",
            "age": 11,
            "rule": "R-REG-1",
            "message_zh": "选举日未满18周岁（11岁）",
            "message_en": "under 18 on election day (11)",
        })
    );
}

#[test]
fn the_summary_counts_instead_of_listing() {
    let bytes = generate_roll_csv(9, 3000, election_day(), Encoding::Utf8);
    let report = check_bytes(&bytes);
    let summary = report.summary(2);
    assert!(summary.accepted);
    assert_eq!(summary.rows, 3000);
    assert_eq!(summary.voters, report.voters.len());
    assert_eq!(summary.not_registered, report.not_registered.len());
    let counted: usize = summary.not_registered_by_kind.iter().map(|k| k.count).sum();
    assert_eq!(counted, summary.not_registered);
    let kinds: Vec<&str> = summary
        .not_registered_by_kind
        .iter()
        .map(|k| k.kind)
        .collect();
    assert_eq!(kinds[0], "under18");
    assert!(kinds.contains(&"not_taking_part"), "{kinds:?}");
    assert!(summary.not_registered_sample.len() <= 2 * kinds.len());
    let v = serde_json::to_value(&summary).unwrap();
    assert!(v.get("voters").unwrap().is_u64());
    assert_eq!(
        v["not_registered_by_kind"][0]["message_en"],
        json!("under 18 on election day")
    );
    assert_eq!(v["not_registered_by_kind"][0]["rule"], json!("R-REG-1"));
    assert_eq!(v["not_registered_by_kind"][0]["code"], json!("under_18"));
    assert!(v["not_registered_sample"][0]["exclusion"]["rule"].is_string());
    // Every exclusion kind name matches the core's serde tag.
    for (_, e) in &report.not_registered {
        let tag = serde_json::to_value(e).unwrap()["kind"].clone();
        assert!(summary
            .not_registered_by_kind
            .iter()
            .any(|k| json!(k.kind) == tag));
    }
    // Small enough to send: a few hundred bytes, not the voter list.
    assert!(serde_json::to_string(&summary).unwrap().len() < 10_000);
}

#[test]
fn file_errors_name_their_headers() {
    let err = huanjie_registration::read_roll("姓名,性别,备注\n".as_bytes()).unwrap_err();
    let headers: Vec<&str> = err.headers().iter().map(|h| h.text.as_str()).collect();
    assert_eq!(headers, vec!["备注"]);
}
