//! Chinese formatting shared by the notices.

use crate::fonts::FontSet;
use crate::{Fingerprint, PrintError};
use chrono::{Datelike, NaiveDate};

/// 2026年12月1日
pub(crate) fn date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// 1980年3月 (出生年月)
pub(crate) fn year_month(d: NaiveDate) -> String {
    format!("{}年{}月", d.year(), d.month())
}

/// The fingerprint in groups of 8 hex digits, for reading aloud and
/// comparing by eye.
pub(crate) fn fingerprint_groups(fp: &Fingerprint) -> String {
    let hex = fp.to_string();
    let mut out = String::with_capacity(hex.len() + 8);
    for (i, ch) in hex.chars().enumerate() {
        if i > 0 && i % 8 == 0 {
            out.push(' ');
        }
        out.push(ch);
    }
    out
}

/// 第 3 页 共 12 页
pub(crate) fn page_of(page: usize, pages: usize) -> String {
    format!("第 {page} 页 共 {pages} 页")
}

/// Refuses `text` if a character of it is in no font; `what` names the
/// field (and the person) for the error.
pub(crate) fn check(
    fonts: &FontSet,
    text: &str,
    what: impl FnOnce() -> String,
) -> Result<(), PrintError> {
    let text = text.replace(['\n', '\r'], "");
    match fonts.missing(&text).first() {
        Some(&ch) => Err(PrintError::MissingGlyph { what: what(), ch }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        let d = NaiveDate::from_ymd_opt(1980, 3, 5).unwrap_or_default();
        assert_eq!(date(d), "1980年3月5日");
        assert_eq!(year_month(d), "1980年3月");
        assert_eq!(page_of(1, 12), "第 1 页 共 12 页");
        let fp = Fingerprint([0xab; 32]);
        let g = fingerprint_groups(&fp);
        assert_eq!(g.split(' ').count(), 8);
        assert!(g.split(' ').all(|p| p == "abababab"));
    }
}
