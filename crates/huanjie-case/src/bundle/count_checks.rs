//! The count's checks: the case as the signed result certifies it, and
//! the certified result against the recount.

use huanjie_core::audit::hex;
use huanjie_core::counting::RoundResult;
use serde_json::Value;

use super::case_lines::CaseScan;
use super::files::{CASE, SIGNED_RESULT};
use super::read::hex32;
use super::report::{Finding, Outcome};

/// A case error's field as a place in the file: `ballots[i]` is on line
/// `i + 2`.
pub(super) fn case_field(field: &str) -> String {
    if let Some(rest) = field.strip_prefix("ballots[") {
        if let Some((n, tail)) = rest.split_once(']') {
            if let Ok(i) = n.parse::<u64>() {
                return format!(
                    "line {}, at {}{}",
                    i.saturating_add(2),
                    field.get(..field.len() - tail.len()).unwrap_or(field),
                    tail
                );
            }
        }
    }
    format!("at {field}")
}

pub(super) fn case_certified(scan: &CaseScan, document: &Value) -> Outcome {
    let certified = &document["case"];
    let (Some(sha), Some(bytes)) = (
        certified["sha256"].as_str().and_then(hex32),
        certified["bytes"].as_u64(),
    ) else {
        return Outcome::Fail(vec![Finding::new(
            SIGNED_RESULT,
            "at document.case",
            "签名结果没有注明据以计票的案卷（SHA-256）：无法确认案卷就是被确认的那一份",
            "the signed result does not name the case it was counted from (SHA-256): the case cannot be tied to it",
        )]);
    };
    if scan.digest.sha256 == sha && scan.digest.bytes == bytes {
        Outcome::Pass(format!("SHA-256 {}", hex(&sha)))
    } else {
        Outcome::Fail(vec![Finding::new(
            CASE,
            if scan.digest.bytes == bytes {
                "the whole file".to_owned()
            } else {
                format!("length: {} bytes, certified {bytes}", scan.digest.bytes)
            },
            format!(
                "案卷不是被确认的那一份：其 SHA-256 为 {}（{} 字节），签名结果确认的是 {}（{bytes} 字节）",
                hex(&scan.digest.sha256),
                scan.digest.bytes,
                hex(&sha)
            ),
            format!(
                "the case is not the one certified: its SHA-256 is {} ({} bytes), the signed result certifies {} ({bytes} bytes)",
                hex(&scan.digest.sha256),
                scan.digest.bytes,
                hex(&sha)
            ),
        )])
    }
}

pub(super) fn result_matches(recount: &RoundResult, document: &Value) -> Outcome {
    let recounted: Value = match serde_json::from_str(&crate::result_json(recount)) {
        Ok(v) => v,
        Err(e) => return Outcome::Fail(vec![Finding::new(CASE, "", e.to_string(), e.to_string())]),
    };
    let certified = &document["result"];
    let mut differences = Vec::new();
    diff(
        certified,
        &recounted,
        &mut "result".to_owned(),
        &mut differences,
    );
    if differences.is_empty() {
        return Outcome::Pass(String::new());
    }
    Outcome::Fail(
        differences
            .into_iter()
            .map(|(path, c, r)| {
                Finding::new(
                    CASE,
                    format!("signed result's document.{path}"),
                    format!("确认的结果为 {c}，按案卷重新计票为 {r}"),
                    format!("certified {c}, the case recounts to {r}"),
                )
            })
            .collect(),
    )
}

/// Up to eight paths where `a` and `b` differ.
pub(super) fn diff(
    a: &Value,
    b: &Value,
    path: &mut String,
    out: &mut Vec<(String, String, String)>,
) {
    const MAX: usize = 8;
    if out.len() >= MAX || a == b {
        return;
    }
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let len = path.len();
                path.push('.');
                path.push_str(k);
                diff(
                    x.get(k).unwrap_or(&Value::Null),
                    y.get(k).unwrap_or(&Value::Null),
                    path,
                    out,
                );
                path.truncate(len);
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                diff(p, q, path, out);
                path.truncate(len);
            }
        }
        _ => out.push((path.clone(), a.to_string(), b.to_string())),
    }
}
