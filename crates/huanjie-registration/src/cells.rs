//! What a cell may contain, and how it is read.
//!
//! Committees type rolls by hand in Excel or WPS, so the reader is lenient
//! in spelling and strict in meaning: a date may be written `2026-01-05`,
//! `2026/1/5`, `2026.1.5`, `20260105` or `2026年1月5日`, but it must be a
//! real date; yes/no may be 是/否, Y/N, yes/no, true/false, 1/0 or √, but
//! "maybe" is an error, never a guess.

use chrono::NaiveDate;
use huanjie_core::counting::Gender;
use std::borrow::Cow;

/// Spellings read as "yes" (compared ignoring ASCII case).
pub const YES: &[&str] = &[
    "是", "y", "yes", "true", "1", "√", "✓", "✔", "同意", "愿意", "参加",
];
/// Spellings read as "no" (compared ignoring ASCII case).
pub const NO: &[&str] = &[
    "否",
    "n",
    "no",
    "false",
    "0",
    "×",
    "✗",
    "不同意",
    "不愿意",
    "不参加",
];
/// Spellings of the genders (compared ignoring ASCII case).
pub const MALE: &[&str] = &["男", "男性", "m", "male"];
pub const FEMALE: &[&str] = &["女", "女性", "f", "female"];
/// The date layouts accepted, as shown to the committee.
pub const DATE_LAYOUTS: &[&str] = &[
    "2026-01-05",
    "2026/1/5",
    "2026.1.5",
    "20260105",
    "2026年1月5日",
];

/// Characters trimmed from both ends of a cell: every Unicode space
/// (including the full-width 　 that Chinese input methods type) plus the
/// invisible zero-width space and BOM that pasted text carries.
fn is_trimmed(c: char) -> bool {
    c.is_whitespace() || c == '\u{200b}' || c == '\u{feff}'
}

/// A cell's text as the roll keeps it: trimmed, and with the `="…"`
/// wrapper removed that people put in CSV files to stop Excel from turning
/// a resident ID into a number.
pub fn clean_cell(raw: &str) -> &str {
    let s = raw.trim_matches(is_trimmed);
    match s.strip_prefix("=\"").and_then(|r| r.strip_suffix('"')) {
        Some(inner) => inner.trim_matches(is_trimmed),
        None => s,
    }
}

fn one_of(s: &str, spellings: &[&str]) -> bool {
    spellings.iter().any(|w| w.eq_ignore_ascii_case(s))
}

/// 男/女, M/F, male/female (also 男性/女性).
pub fn parse_gender(s: &str) -> Option<Gender> {
    if one_of(s, MALE) {
        Some(Gender::Male)
    } else if one_of(s, FEMALE) {
        Some(Gender::Female)
    } else {
        None
    }
}

/// A yes/no cell that is not blank: `Some(true)`, `Some(false)`, or `None`
/// when it is neither. The caller decides what blank means for its column.
pub fn parse_yes_no(s: &str) -> Option<bool> {
    if one_of(s, YES) {
        Some(true)
    } else if one_of(s, NO) {
        Some(false)
    } else {
        None
    }
}

/// Full-width digits (０–９) as ASCII digits: an input method in full-width
/// mode types them, and they look the same on screen.
fn ascii_digit(c: char) -> Option<u32> {
    match c {
        '0'..='9' => c.to_digit(10),
        '０'..='９' => Some(u32::from(c) - u32::from('０')),
        _ => None,
    }
}

/// A resident ID cell with full-width digits and Ｘ turned into ASCII (the
/// core refuses them, rightly, as not digits; here they are only a typing
/// mode). Anything else is left for the ID parser to refuse.
pub fn normalize_resident_id(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| match c {
                'Ｘ' | 'ｘ' => 'X',
                _ => match ascii_digit(c).and_then(|d| char::from_digit(d, 10)) {
                    Some(d) => d,
                    None => c,
                },
            })
            .collect(),
    )
}

/// Whether a time of day follows a date ("0:00", "00:00:00", "12:30:15.5"),
/// as Excel writes a date cell into CSV.
fn is_time_of_day(t: &str) -> bool {
    !t.is_empty()
        && t.contains(':')
        && t.chars()
            .all(|c| c.is_ascii_digit() || c == ':' || c == '.')
}

/// Reads a date in one of [`DATE_LAYOUTS`] (month and day with or without
/// a leading zero; full-width digits allowed; a time of day after a space or
/// `T` is ignored). `None` unless it is a real calendar date.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let s = text.trim_matches(is_trimmed);
    let s = match s.find([' ', 'T']) {
        Some(i) if is_time_of_day(s[i..].trim_start_matches([' ', 'T'])) => &s[..i],
        _ => s,
    };
    // (value, number of digits) of up to three numbers, and what follows each.
    let mut numbers: [(u32, u32); 3] = [(0, 0); 3];
    let mut separators: [Option<char>; 3] = [None; 3];
    let mut n = 0usize;
    let mut in_number = false;
    for c in s.chars() {
        if let Some(d) = ascii_digit(c) {
            if !in_number {
                if n == 3 {
                    return None;
                }
                in_number = true;
                n += 1;
            }
            let slot = numbers.get_mut(n - 1)?;
            if slot.1 >= 8 {
                return None;
            }
            *slot = (slot.0 * 10 + d, slot.1 + 1);
        } else {
            if !in_number {
                return None;
            }
            in_number = false;
            *separators.get_mut(n - 1)? = Some(c);
        }
    }
    let (y, m, d) = match (n, numbers, separators) {
        // 20260105
        (1, [(v, 8), _, _], [None, None, None]) => (v / 10_000, v / 100 % 100, v % 100),
        (3, [(y, 4), (m, 1..=2), (d, 1..=2)], [Some(a), Some(b), last])
            if (a == b && matches!(a, '-' | '/' | '.') && last.is_none())
                || (a == '年' && b == '月' && matches!(last, None | Some('日'))) =>
        {
            (y, m, d)
        }
        _ => return None,
    };
    NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d)
}

/// Whether a text has the shape of a resident ID (15 or 18 characters, all
/// digits but a final X): such text is masked wherever it could be logged.
pub fn looks_like_resident_id(s: &str) -> bool {
    let n = s.chars().count();
    (n == 15 || n == 18)
        && s.chars()
            .enumerate()
            .all(|(i, c)| ascii_digit(c).is_some() || (i + 1 == n && matches!(c, 'x' | 'X')))
}

/// The first 4 and last 4 characters, the rest as `*` (as
/// `ResidentId::masked`); short text is masked whole.
pub fn mask_resident_id(s: &str) -> String {
    huanjie_core::resident_id::mask(s)
}

/// Excel's letter for a 0-based column index: A … Z, AA, AB …
pub fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// A value as quoted in a report: at most 100 characters, so one pasted
/// essay cannot swell the report.
pub(crate) fn quoted(value: &str) -> Cow<'_, str> {
    const MAX: usize = 100;
    match value.char_indices().nth(MAX) {
        Some((cut, _)) => Cow::Owned(format!("{}…", &value[..cut])),
        None => Cow::Borrowed(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn dates_in_every_layout() {
        for s in [
            "2026-01-05",
            "2026-1-5",
            "2026/1/5",
            "2026/01/05",
            "2026.1.5",
            "20260105",
            "2026年1月5日",
            "2026年01月05日",
            "2026年1月5",
            "２０２６年１月５日",
            " 2026-01-05 ",
            "2026/1/5 0:00",
            "2026-01-05 00:00:00",
            "2026-01-05T00:00:00",
        ] {
            assert_eq!(parse_date(s), Some(day(2026, 1, 5)), "{s}");
        }
        for s in [
            "",
            "2026",
            "2026-13-01",
            "2026-02-30",
            "2026-1/5",
            "26-1-5",
            "2026-1-5-7",
            "2026年1月5号",
            "去年三月",
            "5/1/2026",
            "202601055",
            "2026-01-05 午后",
            "2026--1-5",
            "-2026-1-5",
            "99999999999999",
        ] {
            assert_eq!(parse_date(s), None, "{s}");
        }
        assert_eq!(parse_date("20240229"), Some(day(2024, 2, 29)));
        assert_eq!(parse_date("20250229"), None);
    }

    #[test]
    fn genders_and_yes_no() {
        for s in ["男", "M", "m", "male", "Male", "男性"] {
            assert_eq!(parse_gender(s), Some(Gender::Male));
        }
        for s in ["女", "F", "female", "FEMALE", "女性"] {
            assert_eq!(parse_gender(s), Some(Gender::Female));
        }
        assert_eq!(parse_gender("未知"), None);
        for s in ["是", "Y", "yes", "TRUE", "1", "√", "同意"] {
            assert_eq!(parse_yes_no(s), Some(true), "{s}");
        }
        for s in ["否", "n", "No", "false", "0", "×", "不同意"] {
            assert_eq!(parse_yes_no(s), Some(false), "{s}");
        }
        assert_eq!(parse_yes_no("可能"), None);
    }

    #[test]
    fn cells_are_trimmed_and_unwrapped() {
        assert_eq!(clean_cell("\u{3000} 张三\t"), "张三");
        assert_eq!(clean_cell("=\"11010519491231002X\""), "11010519491231002X");
        assert_eq!(clean_cell("\u{feff}\u{200b}x"), "x");
        assert_eq!(clean_cell("=1+1"), "=1+1");
    }

    #[test]
    fn ids_masks_and_letters() {
        assert_eq!(
            normalize_resident_id("１１０１０５１９４９１２３１００２ｘ"),
            "11010519491231002X"
        );
        assert!(looks_like_resident_id("11010519491231002X"));
        assert!(looks_like_resident_id("110105491231002"));
        assert!(!looks_like_resident_id("姓名"));
        assert!(!looks_like_resident_id("1101051949123X002X"));
        assert_eq!(mask_resident_id("11010519491231002X"), "1101**********002X");
        assert_eq!(mask_resident_id("1234"), "****");
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
        assert_eq!(quoted(&"长".repeat(150)).chars().count(), 101);
    }
}
