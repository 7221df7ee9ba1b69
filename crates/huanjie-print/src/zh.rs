//! Chinese formatting shared by the notices.

use crate::fonts::FontSet;
use crate::{Fingerprint, PrintError};
use chrono::{Datelike, NaiveDate, NaiveTime, Timelike};

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
/// field (and the person) for the error, in English and in Chinese.
pub(crate) fn check(
    fonts: &FontSet,
    text: &str,
    what: impl FnOnce() -> (String, String),
) -> Result<(), PrintError> {
    let text = text.replace(['\n', '\r'], "");
    match fonts.missing(&text).first() {
        Some(&ch) => {
            let (what, what_zh) = what();
            Err(PrintError::MissingGlyph { what, what_zh, ch })
        }
        None => Ok(()),
    }
}

/// 星期日
pub(crate) fn weekday(d: NaiveDate) -> &'static str {
    match d.weekday() {
        chrono::Weekday::Mon => "星期一",
        chrono::Weekday::Tue => "星期二",
        chrono::Weekday::Wed => "星期三",
        chrono::Weekday::Thu => "星期四",
        chrono::Weekday::Fri => "星期五",
        chrono::Weekday::Sat => "星期六",
        chrono::Weekday::Sun => "星期日",
    }
}

/// 8:00, 17:30
pub(crate) fn time(t: NaiveTime) -> String {
    format!("{}:{:02}", t.hour(), t.minute())
}

/// 一, 二, … 九十九 (for numbering: 一、二、… and （一）（二）…); larger
/// numbers in digits.
pub(crate) fn number(n: usize) -> String {
    const DIGITS: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => DIGITS[n].to_owned(),
        10..=19 => format!("十{}", if n == 10 { "" } else { DIGITS[n - 10] }),
        20..=99 => format!(
            "{}十{}",
            DIGITS[n / 10],
            if n.is_multiple_of(10) {
                ""
            } else {
                DIGITS[n % 10]
            }
        ),
        _ => n.to_string(),
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
        assert_eq!(
            weekday(NaiveDate::from_ymd_opt(2026, 12, 20).unwrap_or_default()),
            "星期日"
        );
        let t = NaiveTime::from_hms_opt(8, 5, 0).unwrap_or_default();
        assert_eq!(time(t), "8:05");
        let numbers: Vec<String> = [1, 9, 10, 11, 20, 23, 99, 100].map(number).to_vec();
        assert_eq!(
            numbers,
            ["一", "九", "十", "十一", "二十", "二十三", "九十九", "100"]
        );
        let fp = Fingerprint([0xab; 32]);
        let g = fingerprint_groups(&fp);
        assert_eq!(g.split(' ').count(), 8);
        assert!(g.split(' ').all(|p| p == "abababab"));
    }
}
