//! The counting case's exact form, checked line by line in one streaming
//! pass (a case is never held whole: it may hold a million ballots), with
//! its SHA-256 taken on the way.
//!
//! The server writes a case (`huanjie_web::tally::case_json`) as:
//!
//! ```text
//! {<header, compact, keys in byte order, without its closing brace>,"ballots":[
//! <ballot 1, compact, keys in byte order>,
//! …
//! <ballot n>
//! ]}
//! ```
//!
//! each line ending in `\n` (with no ballots, the header line is followed
//! by `]}` at once). A line that is not the compact rendering of its own
//! value (a space, two keys swapped, an escape where a character would do)
//! is named here by its line number and JSON path; what the value says is
//! for the recount and the certified digest to judge.

use std::io::{BufRead, Read};

use serde_json::Value;

use super::locate::{first_difference, Place};
use crate::signed::CaseDigest;

const BALLOTS_OPEN: &[u8] = b",\"ballots\":[";
const CLOSE: &[u8] = b"]}";

/// Where a case line breaks its form, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineProblem {
    /// 1-based line; `column` and `path` within it.
    pub line: usize,
    pub column: usize,
    pub path: String,
    pub zh: String,
    pub en: String,
}

impl LineProblem {
    /// `line 7, column 12, at marks.director.1`.
    pub fn describe(&self) -> String {
        let mut out = format!("line {}, column {}", self.line, self.column);
        if !self.path.is_empty() {
            out.push_str(", at ");
            out.push_str(&self.path);
        }
        out
    }
}

/// What one pass over a case gives: its digest and the first line that
/// breaks the form, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseScan {
    pub digest: CaseDigest,
    pub problem: Option<LineProblem>,
}

#[derive(PartialEq, Eq)]
enum State {
    Header,
    /// After the header, or after a ballot line ending in `,`.
    BallotNext,
    /// After a ballot line without `,`: only `]}` may follow.
    AfterLast,
    /// After `]}`: nothing may follow.
    Closed,
}

/// Reads `reader` to its end.
pub fn scan(reader: impl Read) -> std::io::Result<CaseScan> {
    let mut reader = std::io::BufReader::with_capacity(1 << 20, reader);
    let mut sha = ring::digest::Context::new(&ring::digest::SHA256);
    let mut bytes: u64 = 0;
    let mut problem: Option<LineProblem> = None;
    let mut state = State::Header;
    let mut line = Vec::with_capacity(256);
    let mut number = 0usize;
    loop {
        line.clear();
        let n = reader.read_until(b'\n', &mut line)?;
        if n == 0 {
            break;
        }
        sha.update(&line);
        bytes = bytes.saturating_add(u64::try_from(n).unwrap_or(u64::MAX));
        number += 1;
        if problem.is_none() {
            problem = check_line(number, &line, &mut state).err();
        }
    }
    if problem.is_none() && state != State::Closed {
        problem = Some(LineProblem {
            line: number.max(1),
            column: line.len() + 1,
            path: String::new(),
            zh: "文件在选票列表结束（]}）之前就结束了：文件被截短".into(),
            en: "the file ends before the ballot list is closed (]}): it was cut short".into(),
        });
    }
    let mut sha256 = [0u8; 32];
    sha256.copy_from_slice(sha.finish().as_ref());
    Ok(CaseScan {
        digest: CaseDigest { sha256, bytes },
        problem,
    })
}

fn check_line(number: usize, raw: &[u8], state: &mut State) -> Result<(), LineProblem> {
    let problem = |column: usize, path: String, zh: String, en: String| LineProblem {
        line: number,
        column,
        path,
        zh,
        en,
    };
    let Some(line) = raw.strip_suffix(b"\n") else {
        return Err(problem(
            raw.len() + 1,
            String::new(),
            "行末缺少换行符".into(),
            "the line does not end in a newline".into(),
        ));
    };
    match state {
        State::Header => {
            let Some(head) = line.strip_suffix(BALLOTS_OPEN) else {
                return Err(problem(
                    line.len() + 1,
                    String::new(),
                    "第一行应以 ,\"ballots\":[ 结尾（案卷头部之后是选票列表）".into(),
                    "the first line must end in ,\"ballots\":[ (the case's header, then its ballots)"
                        .into(),
                ));
            };
            let mut object = head.to_vec();
            object.push(b'}');
            canonical(&object).map_err(|(offset, zh, en)| {
                let place = Place::of(&object, offset);
                problem(place.column, place.path, zh, en)
            })?;
            *state = State::BallotNext;
            Ok(())
        }
        State::BallotNext | State::AfterLast if line == CLOSE => {
            if *state == State::BallotNext && number > 2 {
                return Err(problem(
                    1,
                    String::new(),
                    "最后一张选票之后多了逗号".into(),
                    "a comma after the last ballot".into(),
                ));
            }
            *state = State::Closed;
            Ok(())
        }
        State::BallotNext => {
            let (ballot, comma) = match line.strip_suffix(b",") {
                Some(b) => (b, true),
                None => (line, false),
            };
            canonical(ballot).map_err(|(offset, zh, en)| {
                let place = Place::of(ballot, offset);
                problem(place.column, place.path, zh, en)
            })?;
            *state = if comma {
                State::BallotNext
            } else {
                State::AfterLast
            };
            Ok(())
        }
        State::AfterLast => Err(problem(
            1,
            String::new(),
            "上一张选票之后缺少逗号，或选票列表没有以 ]} 结束".into(),
            "a comma is missing after the ballot before, or the list does not end in ]}".into(),
        )),
        State::Closed => Err(problem(
            1,
            String::new(),
            "案卷在 ]} 之后还有内容".into(),
            "there is more after the case's closing ]}".into(),
        )),
    }
}

/// Whether `text` is the compact, key-sorted rendering of its own value:
/// `Err((offset, zh, en))` names the first byte where it is not.
fn canonical(text: &[u8]) -> Result<(), (usize, String, String)> {
    let value: Value = serde_json::from_slice(text).map_err(|e| {
        let place = Place::at_line_column(text, e.line(), e.column());
        (
            place.offset,
            format!("不是有效的 JSON：{e}"),
            format!("not valid JSON: {e}"),
        )
    })?;
    let rendered = serde_json::to_vec(&value).unwrap_or_default();
    // `3.0` renders back as `3.0`: a case holds integers only.
    if let Some(path) = first_float(&value, &mut String::new()) {
        let offset = text
            .windows(path.1.len())
            .position(|w| w == path.1.as_bytes())
            .unwrap_or(0);
        return Err((
            offset,
            "案卷中的数都是整数，此处却有小数或指数写法".into(),
            "a case holds integers only: here is a fraction or an exponent".into(),
        ));
    }
    match first_difference(text, &rendered) {
        None => Ok(()),
        Some(offset) => Err((
            offset,
            "与服务器写出的原样不符（空格、键的顺序、转义或数字写法被改动）".into(),
            "not as the server writes it (a space, the order of keys, an escape or a number's form changed)"
                .into(),
        )),
    }
}

/// The first number that is not an integer: its path and its text.
fn first_float(v: &Value, path: &mut String) -> Option<(String, String)> {
    match v {
        Value::Number(n) if !(n.is_i64() || n.is_u64()) => Some((path.clone(), n.to_string())),
        Value::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
            let len = path.len();
            path.push_str(&format!("[{i}]"));
            let found = first_float(item, path);
            path.truncate(len);
            found
        }),
        Value::Object(map) => map.iter().find_map(|(k, item)| {
            let len = path.len();
            path.push('.');
            path.push_str(k);
            let found = first_float(item, path);
            path.truncate(len);
            found
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const CASE: &str = concat!(
        r#"{"contests":[{"candidates":[{"gender":"M","id":"c1","name":"王"}],"id":"d","seats":1,"title":"主任"}],"format":"huanjie.case/1","profile":"county-2006","registered":3,"round":"general","stations":[{"id":"S1","issued":2}],"ballots":["#,
        "\n",
        r#"{"marks":{"d":{"c1":"for"}},"station":"S1"},"#,
        "\n",
        r#"{"station":"S1","unreadable":true}"#,
        "\n]}\n"
    );

    fn problem(text: &str) -> Option<LineProblem> {
        scan(text.as_bytes()).unwrap().problem
    }

    #[test]
    fn the_servers_form_passes_and_is_digested() {
        let s = scan(CASE.as_bytes()).unwrap();
        assert_eq!(s.problem, None);
        assert_eq!(s.digest, CaseDigest::of(CASE.as_bytes()));
        assert!(crate::count_slice(CASE.as_bytes()).is_ok());
        let empty = "{\"format\":\"huanjie.case/1\",\"ballots\":[\n]}\n";
        assert_eq!(problem(empty), None);
    }

    #[test]
    fn each_kind_of_change_is_named_by_line() {
        // A space in a ballot.
        let p = problem(&CASE.replace(r#"{"marks":{"d""#, r#"{"marks": {"d""#)).unwrap();
        assert_eq!((p.line, p.path.as_str()), (2, "marks"));
        // Two keys swapped.
        let p = problem(&CASE.replace(
            r#"{"station":"S1","unreadable":true}"#,
            r#"{"unreadable":true,"station":"S1"}"#,
        ))
        .unwrap();
        assert_eq!(p.line, 3);
        // An escape where the character would do, in the header.
        let p = problem(&CASE.replace("主任", "\\u4e3b任")).unwrap();
        assert_eq!((p.line, p.path.as_str()), (1, "contests[0].title"));
        // A number written another way.
        let p = problem(&CASE.replace("\"registered\":3", "\"registered\":3.0")).unwrap();
        assert_eq!((p.line, p.path.as_str()), (1, "registered"));
        // Commas and the end.
        assert_eq!(
            problem(&CASE.replace("\"S1\"},\n", "\"S1\"}\n"))
                .unwrap()
                .line,
            3
        );
        assert_eq!(
            problem(&CASE.replace("true}\n]}", "true},\n]}"))
                .unwrap()
                .line,
            4
        );
        assert_eq!(problem(&format!("{CASE} ")).unwrap().line, 5);
        assert_eq!(problem(CASE.trim_end()).unwrap().line, 4);
        assert_eq!(problem(&CASE.replace("\n]}\n", "\n")).unwrap().line, 3);
        assert!(problem(&CASE.replace("\n", "\r\n")).is_some());
    }
}
