//! The one error a counting case can produce: the offending field, by its
//! path in the case (`ballots[12].marks.member.m9`), and what is wrong with
//! it in plain words.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseError {
    /// Where: a JSON path such as `contests[0].seats`, or `line 3 column 7`
    /// when the text is not JSON at all.
    pub field: String,
    pub message: String,
}

impl CaseError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        CaseError {
            field: field.into(),
            message: message.into(),
        }
    }

    pub(crate) fn missing(field: impl Into<String>) -> Self {
        CaseError::new(field, "missing")
    }
}

/// One line: `field: message`.
impl fmt::Display for CaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message = self.message.replace(['\n', '\r'], " ");
        write!(f, "{}: {}", self.field, message)
    }
}

impl std::error::Error for CaseError {}
