//! The open recount format (`shared/spec/counting-case.md`).
//!
//! [`count_reader`] reads a counting case in one pass and counts it with
//! the rules core. Ballots are never held as a JSON tree: when the round's
//! stations and contests come first (the usual order), each ballot is
//! counted as it is read; when the ballots come first, they are kept in a
//! compact arena until the round is known. Whatever the input, the reader
//! returns a result or a [`CaseError`] naming the field; it never panics.

mod ballots;
pub mod bundle;
mod error;
mod header;
mod reader;
pub mod signed;
mod sink;

pub use error::CaseError;
pub use header::CASE_FORMAT;
pub use reader::{count_reader, count_slice};

use huanjie_core::counting::RoundResult;

/// The result as pretty-printed JSON, ending in a newline.
pub fn result_json(result: &RoundResult) -> String {
    let mut s = serde_json::to_string_pretty(result)
        .unwrap_or_else(|e| format!("{{\"error\": {:?}}}", e.to_string()));
    s.push('\n');
    s
}
