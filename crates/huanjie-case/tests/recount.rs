//! Every worked case of the spec recounts to its result, whatever the key
//! order (streaming and buffering paths) and ballot order.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use huanjie_case::{count_reader, count_slice};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn case_dirs() -> Vec<PathBuf> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    vec![
        here.join("../../../shared/cases"),
        here.join("tests/fixtures"),
    ]
}

/// (name, case bytes, expected result) for every case on disk.
fn cases() -> Vec<(String, Vec<u8>, Value)> {
    let mut out = Vec::new();
    for dir in case_dirs() {
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry in entries {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if let Some(stem) = name.strip_suffix(".case.json") {
                let result = path.with_file_name(format!("{stem}.result.json"));
                let expected: Value =
                    serde_json::from_slice(&std::fs::read(&result).unwrap()).unwrap();
                out.push((name, std::fs::read(&path).unwrap(), expected));
            }
        }
    }
    assert!(
        out.len() >= 4,
        "expected the shared cases and the spec example, found {}",
        out.len()
    );
    out
}

fn as_value(r: &huanjie_core::counting::RoundResult) -> Value {
    serde_json::to_value(r).unwrap()
}

/// Re-serialises a case with its top-level keys in the given order.
fn reorder(case: &[u8], order: &[&str]) -> Vec<u8> {
    let v: Value = serde_json::from_slice(case).unwrap();
    let obj = v.as_object().unwrap();
    let mut text = String::from("{");
    for (i, key) in order.iter().filter(|k| obj.contains_key(**k)).enumerate() {
        if i > 0 {
            text.push(',');
        }
        text.push_str(&format!("{}:{}", Value::from(*key), obj[*key]));
    }
    text.push('}');
    text.into_bytes()
}

#[test]
fn every_worked_case_recounts_to_its_result() {
    for (name, case, expected) in cases() {
        assert_eq!(
            as_value(&count_slice(&case).unwrap()),
            expected,
            "{name} (from memory)"
        );
        assert_eq!(
            as_value(&count_reader(&case[..]).unwrap()),
            expected,
            "{name} (from a reader)"
        );
    }
}

#[test]
fn key_order_does_not_matter() {
    let orders: [&[&str]; 3] = [
        // Ballots first: the buffering path.
        &[
            "ballots",
            "contests",
            "format",
            "parameters",
            "profile",
            "registered",
            "round",
            "stations",
        ],
        // Parameters after the ballots: every rule combination was counted.
        &[
            "format",
            "profile",
            "round",
            "registered",
            "stations",
            "contests",
            "ballots",
            "parameters",
        ],
        // Contests after the ballots but stations before.
        &[
            "stations",
            "ballots",
            "round",
            "contests",
            "registered",
            "format",
            "profile",
            "parameters",
        ],
    ];
    for (name, case, expected) in cases() {
        for order in orders {
            let text = reorder(&case, order);
            let got = count_reader(&text[..]).unwrap_or_else(|e| panic!("{name} {order:?}: {e}"));
            assert_eq!(as_value(&got), expected, "{name} in order {order:?}");
        }
    }
}

#[test]
fn parameters_after_the_ballots_still_apply() {
    // An overvote in one contest: void for the contest under "contest",
    // void everywhere under "ballot".
    let case = |params_last: bool, scope: &str| {
        let params = format!(r#""parameters": {{"overvote_scope": "{scope}"}}"#);
        let head = r#""format": "huanjie.case/1", "profile": "county-2006", "round": "general", "registered": 3,
            "stations": [{"id": "S1", "issued": 2}],
            "contests": [{"id": "a", "seats": 1, "candidates": [{"id": "x", "name": "甲", "gender": "M"}, {"id": "y", "name": "乙", "gender": "F"}]},
                         {"id": "b", "seats": 1, "candidates": [{"id": "z", "name": "丙", "gender": "M"}]}]"#;
        let ballots = r#""ballots": [{"station": "S1", "marks": {"a": {"x": "for", "y": "for"}, "b": {"z": "for"}}},
                                    {"station": "S1", "marks": {"b": {"z": "for"}}}]"#;
        if params_last {
            format!("{{{head}, {ballots}, {params}}}")
        } else {
            format!("{{{head}, {params}, {ballots}}}")
        }
    };
    for scope in ["contest", "ballot"] {
        let early = count_slice(case(false, scope).as_bytes()).unwrap();
        let late = count_slice(case(true, scope).as_bytes()).unwrap();
        assert_eq!(early, late, "{scope}");
        let b_void = late.contests[1].void_ballots;
        assert_eq!(b_void, if scope == "ballot" { 1 } else { 0 }, "{scope}");
    }
}

#[test]
fn ballot_order_does_not_matter() {
    for (name, case, expected) in cases() {
        let mut v: Value = serde_json::from_slice(&case).unwrap();
        v["ballots"].as_array_mut().unwrap().reverse();
        let got = count_slice(&serde_json::to_vec(&v).unwrap()).unwrap();
        assert_eq!(as_value(&got), expected, "{name} reversed");
    }
}
