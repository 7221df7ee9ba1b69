//! Malformed cases: one error naming the field, never a panic.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use huanjie_case::{count_reader, count_slice};
use proptest::prelude::*;
use serde_json::{json, Value};

fn example() -> Value {
    serde_json::from_str(include_str!("fixtures/spec-example.case.json")).unwrap()
}

/// Applies `edit` to the spec example and returns the error's field.
fn field_of(edit: impl FnOnce(&mut Value)) -> (String, String) {
    let mut v = example();
    edit(&mut v);
    let text = serde_json::to_vec(&v).unwrap();
    let err = count_slice(&text).expect_err("should be refused");
    // Streaming from a reader refuses it at the same field (serde_json's
    // column numbers differ by one between its slice and reader modes).
    assert_eq!(count_reader(&text[..]).unwrap_err().field, err.field);
    assert!(!err.to_string().contains('\n'), "one line: {err}");
    (err.field, err.message)
}

/// An edit to the example, the field the error must name, and words the
/// message must contain.
type BadCase = (Box<dyn FnOnce(&mut Value)>, &'static str, &'static str);

#[test]
fn each_kind_of_bad_input_names_its_field() {
    let cases: Vec<BadCase> = vec![
        (
            Box::new(|v| v["format"] = json!("huanjie.case/9")),
            "format",
            "unknown format",
        ),
        (
            Box::new(|v| v["profile"] = json!("mars")),
            "profile",
            "unknown profile",
        ),
        (
            Box::new(|v| v["round"] = json!("final")),
            "round",
            "unknown round",
        ),
        (
            Box::new(|v| v["parameters"]["quorum"] = json!(1)),
            "parameters.quorum",
            "unknown parameter",
        ),
        (
            Box::new(|v| v["parameters"]["overvote_scope"] = json!("box")),
            "parameters.overvote_scope",
            "takes",
        ),
        (
            Box::new(|v| v["registered"] = json!(-1)),
            "registered",
            "negative",
        ),
        (
            Box::new(|v| v["stations"][1]["issued"] = json!(-3)),
            "stations[1].issued",
            "negative",
        ),
        (
            Box::new(|v| v["stations"][1]["id"] = json!("S1")),
            "stations[1].id",
            "twice",
        ),
        (
            Box::new(|v| v["contests"][0]["seats"] = json!(0)),
            "contests[0].seats",
            "at least 1",
        ),
        (
            Box::new(|v| v["contests"][0]["candidates"][1]["gender"] = json!("X")),
            "contests[0].candidates[1].gender",
            "unknown gender",
        ),
        (
            Box::new(|v| v["contests"][0]["candidates"][1]["id"] = json!("c1")),
            "contests[0].candidates[1].id",
            "twice",
        ),
        (
            Box::new(|v| {
                v["contests"][0].as_object_mut().unwrap().remove("seats");
            }),
            "contests[0].seats",
            "missing",
        ),
        (
            Box::new(|v| {
                v.as_object_mut().unwrap().remove("ballots");
            }),
            "ballots",
            "missing",
        ),
        (
            Box::new(|v| v["colour"] = json!("red")),
            "colour",
            "unknown field",
        ),
        (
            Box::new(|v| v["ballots"][0]["station"] = json!("S9")),
            "ballots[0].station",
            "unknown station",
        ),
        (
            Box::new(|v| {
                v["ballots"][0].as_object_mut().unwrap().remove("station");
            }),
            "ballots[0].station",
            "missing",
        ),
        (
            Box::new(|v| v["ballots"][0]["marks"]["deputy"] = json!({})),
            "ballots[0].marks.deputy",
            "unknown contest",
        ),
        (
            Box::new(|v| v["ballots"][0]["marks"]["director"]["c7"] = json!("for")),
            "ballots[0].marks.director.c7",
            "unknown candidate",
        ),
        (
            Box::new(|v| v["ballots"][0]["marks"]["director"]["c1"] = json!("yes")),
            "ballots[0].marks.director.c1",
            "unknown mark",
        ),
        (
            Box::new(|v| v["ballots"][0]["marks"]["director"]["c1"] = json!(1)),
            "ballots[0].marks.director.c1",
            "expected a mark",
        ),
        (
            Box::new(|v| v["ballots"][1]["write_ins"]["director"][0]["name"] = json!(" ")),
            "ballots[1].write_ins.director[0].name",
            "blank",
        ),
        (
            Box::new(|v| {
                v["ballots"][1]["write_ins"]["director"][0]
                    .as_object_mut()
                    .unwrap()
                    .remove("name");
            }),
            "ballots[1].write_ins.director[0].name",
            "missing",
        ),
        (
            Box::new(|v| v["ballots"][1]["write_ins"]["director"][0]["gender"] = json!("W")),
            "ballots[1].write_ins.director[0].gender",
            "unknown gender",
        ),
        (
            Box::new(|v| v["ballots"][2]["unreadable"] = json!("yes")),
            "ballots[2].unreadable",
            "true or false",
        ),
        (
            Box::new(|v| v["ballots"][2]["signed"] = json!(true)),
            "ballots[2].signed",
            "unknown field",
        ),
        (
            Box::new(|v| v["ballots"] = json!({})),
            "ballots",
            "list of ballots",
        ),
    ];
    for (edit, field, words) in cases {
        let (got_field, message) = field_of(edit);
        assert_eq!(got_field, field, "message: {message}");
        assert!(
            message.contains(words),
            "{field}: {message:?} should say {words:?}"
        );
    }
}

#[test]
fn text_that_is_not_a_case() {
    for (text, words) in [
        ("", "ends too early"),
        ("[]", "expected a counting case object"),
        ("{\"format\": \"huanjie.case/1\"", "ends too early"),
        ("{} trailing", "trailing characters"),
        (
            "{\"format\": \"huanjie.case/1\", \"format\": \"huanjie.case/1\"}",
            "twice",
        ),
    ] {
        let err = count_slice(text.as_bytes()).unwrap_err();
        assert!(err.to_string().contains(words), "{text:?}: {err}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Arbitrary bytes: an error or a result, never a panic.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = count_slice(&bytes);
        let _ = count_reader(&bytes[..]);
    }

    /// Small edits to a valid case reach deep into the reader.
    #[test]
    fn edited_cases_never_panic(edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..6)) {
        let mut bytes = include_bytes!("fixtures/spec-example.case.json").to_vec();
        for (at, byte, op) in edits {
            if bytes.is_empty() { break; }
            let i = at.index(bytes.len());
            match op {
                0 => bytes[i] = byte,
                1 => { bytes.remove(i); }
                _ => bytes.insert(i, byte),
            }
        }
        let a = count_slice(&bytes);
        let b = count_reader(&bytes[..]);
        prop_assert_eq!(a.is_ok(), b.is_ok());
    }

    /// Any JSON value in any place of the case: never a panic.
    #[test]
    fn wrong_json_anywhere_never_panics(path in 0usize..12, replacement in prop_oneof![
        Just(json!(null)), Just(json!(-1)), Just(json!(1.5)), Just(json!("")), Just(json!([])), Just(json!({})),
        Just(json!(u64::MAX)), Just(json!([{"station": "S1"}])), Just(json!({"c1": "for"})),
    ]) {
        let mut v = example();
        let target: &mut Value = match path {
            0 => &mut v["registered"],
            1 => &mut v["stations"],
            2 => &mut v["stations"][0],
            3 => &mut v["contests"],
            4 => &mut v["contests"][0]["candidates"],
            5 => &mut v["ballots"][0],
            6 => &mut v["ballots"][0]["marks"],
            7 => &mut v["ballots"][0]["marks"]["director"],
            8 => &mut v["ballots"][1]["write_ins"]["director"],
            9 => &mut v["ballots"][1]["write_ins"],
            10 => &mut v["parameters"],
            _ => &mut v["stations"][1]["issued"],
        };
        *target = replacement;
        let _ = count_slice(&serde_json::to_vec(&v).unwrap());
    }
}
