//! The 18-character resident ID (公民身份号码, GB 11643-1999).
//!
//! R-REG-1 takes a voter's age from the birth date inside the ID, so the ID
//! is parsed, not merely checked: a [`ResidentId`] in hand has a valid check
//! digit (ISO 7064 MOD 11-2) and a real calendar birth date.

use chrono::{Datelike, NaiveDate};
use std::fmt;
use std::str::FromStr;

/// A parsed resident ID. Stored normalised (upper-case `X`).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResidentId {
    text: String,
    birth_date: NaiveDate,
}

/// The gender digit (17th character): odd is male, even is female.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdGender {
    Male,
    Female,
}

/// Why a resident ID was refused. Messages are plain words; the registration
/// layer adds the row, column and rule id (R-REG-1).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResidentIdError {
    #[error("a resident ID has 18 characters, this one has {0}")]
    Length(usize),
    #[error("characters 1–17 of a resident ID are digits; character {position} is {found:?}")]
    NotADigit { position: usize, found: char },
    #[error("the last character of a resident ID is a digit or X; found {0:?}")]
    BadCheckCharacter(char),
    #[error("the check digit does not match (expected {expected}, found {found}): the number was probably mistyped")]
    CheckDigit { expected: char, found: char },
    #[error(
        "characters 7–14 of a resident ID are a birth date (YYYYMMDD); {0} is not a real date"
    )]
    BirthDate(String),
}

impl ResidentIdError {
    /// The same reason in Chinese, for the committee's import report.
    pub fn message_zh(&self) -> String {
        match self {
            ResidentIdError::Length(n) => format!("公民身份号码应为18位，此号码为{n}位"),
            ResidentIdError::NotADigit { position, found } => {
                format!("公民身份号码前17位应为数字，第{position}位是“{found}”")
            }
            ResidentIdError::BadCheckCharacter(c) => {
                format!("公民身份号码最后一位应为数字或X，此处是“{c}”")
            }
            ResidentIdError::CheckDigit { expected, found } => {
                format!("校验位不符（应为{expected}，实为{found}），号码可能录入有误")
            }
            ResidentIdError::BirthDate(d) => {
                format!("第7至14位应为出生日期（年月日），{d}不是真实日期")
            }
        }
    }
}

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// The ISO 7064 MOD 11-2 check character for the first 17 digits.
pub fn check_character(first17: &[u32; 17]) -> char {
    let sum: u32 = first17.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
    CHECK_CHARS[(sum % 11) as usize]
}

impl ResidentId {
    /// The ID as stored (upper-case `X`).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn birth_date(&self) -> NaiveDate {
        self.birth_date
    }

    pub fn gender(&self) -> IdGender {
        let digit = self.text.as_bytes()[16] - b'0';
        if digit % 2 == 1 {
            IdGender::Male
        } else {
            IdGender::Female
        }
    }

    /// Completed years of age on `day` (0 before the first birthday, and for
    /// days before the birth date). A person born on 29 February comes of age
    /// on 1 March in common years.
    pub fn age_on(&self, day: NaiveDate) -> u32 {
        let born = self.birth_date;
        if day < born {
            return 0;
        }
        let mut years = day.year() - born.year();
        if (day.month(), day.day()) < (born.month(), born.day()) {
            years -= 1;
        }
        u32::try_from(years).unwrap_or(0)
    }

    /// What observers may see: the first 4 and last 4 characters.
    pub fn masked(&self) -> String {
        mask(&self.text)
    }
}

/// What observers and logs may see of any resident-ID text, parsed or not:
/// the first 4 and last 4 characters, the rest as `*`; text of 8 characters
/// or fewer is all `*` (showing 4 + 4 of it would show it whole).
pub fn mask(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let n = chars.len();
    if n <= 8 {
        return "*".repeat(n);
    }
    let mut out: String = chars[..4].iter().collect();
    out.push_str(&"*".repeat(n - 8));
    out.extend(&chars[n - 4..]);
    out
}

impl FromStr for ResidentId {
    type Err = ResidentIdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let chars: Vec<char> = s.trim().chars().collect();
        if chars.len() != 18 {
            return Err(ResidentIdError::Length(chars.len()));
        }
        let mut digits = [0u32; 17];
        for (i, c) in chars[..17].iter().enumerate() {
            digits[i] = c.to_digit(10).filter(|_| c.is_ascii_digit()).ok_or(
                ResidentIdError::NotADigit {
                    position: i + 1,
                    found: *c,
                },
            )?;
        }
        let found = match chars[17] {
            'x' | 'X' => 'X',
            c if c.is_ascii_digit() => c,
            c => return Err(ResidentIdError::BadCheckCharacter(c)),
        };
        let expected = check_character(&digits);
        if expected != found {
            return Err(ResidentIdError::CheckDigit { expected, found });
        }
        let date_text: String = chars[6..14].iter().collect();
        let birth_date = NaiveDate::parse_from_str(&date_text, "%Y%m%d")
            .ok()
            .filter(|d| d.year() >= 1850)
            .ok_or(ResidentIdError::BirthDate(date_text))?;
        let mut text: String = chars[..17].iter().collect();
        text.push(found);
        Ok(ResidentId { text, birth_date })
    }
}

impl fmt::Display for ResidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Debug output is masked so an ID never lands whole in a log by accident.
impl fmt::Debug for ResidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ResidentId({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn with_check(first17: &str) -> String {
        let mut d = [0u32; 17];
        for (i, c) in first17.chars().enumerate() {
            d[i] = c.to_digit(10).unwrap();
        }
        format!("{first17}{}", check_character(&d))
    }

    #[test]
    fn accepts_the_standard_example() {
        // The worked example of GB 11643-1999.
        let id: ResidentId = "11010519491231002X".parse().unwrap();
        assert_eq!(
            id.birth_date(),
            NaiveDate::from_ymd_opt(1949, 12, 31).unwrap()
        );
        assert_eq!(id.gender(), IdGender::Female);
        assert_eq!(id.masked(), "1101**********002X");
        assert_eq!(format!("{id:?}"), "ResidentId(1101**********002X)");
        let lower: ResidentId = "11010519491231002x".parse().unwrap();
        assert_eq!(lower.as_str(), "11010519491231002X");
    }

    #[test]
    fn mask_never_shows_short_text_whole() {
        assert_eq!(mask("11010519491231002X"), "1101**********002X");
        assert_eq!(mask("12345678"), "********");
        assert_eq!(mask("123456789"), "1234*6789");
        assert_eq!(mask(""), "");
    }

    #[test]
    fn refuses_bad_ids_with_the_reason() {
        assert_eq!("123".parse::<ResidentId>(), Err(ResidentIdError::Length(3)));
        assert_eq!(
            "11010519491231002Y".parse::<ResidentId>(),
            Err(ResidentIdError::BadCheckCharacter('Y'))
        );
        assert_eq!(
            "110105194912310021".parse::<ResidentId>(),
            Err(ResidentIdError::CheckDigit {
                expected: 'X',
                found: '1'
            })
        );
        assert!(matches!(
            "1101051949123100A1".parse::<ResidentId>(),
            Err(ResidentIdError::NotADigit {
                position: 17,
                found: 'A'
            })
        ));
        let feb30 = with_check("11010519490230002");
        assert_eq!(
            feb30.parse::<ResidentId>(),
            Err(ResidentIdError::BirthDate("19490230".into()))
        );
        // Full-width digits are not ASCII digits.
        assert!(matches!(
            "１1010519491231002X".parse::<ResidentId>(),
            Err(ResidentIdError::NotADigit { position: 1, .. })
        ));
    }

    #[test]
    fn age_on_election_day() {
        // R-REG-1: 18 or older on election day.
        let id: ResidentId = with_check("11010520080615001").parse().unwrap();
        assert_eq!(id.gender(), IdGender::Male);
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(id.age_on(day(2026, 6, 14)), 17);
        assert_eq!(id.age_on(day(2026, 6, 15)), 18);
        assert_eq!(id.age_on(day(2000, 1, 1)), 0);
        let leap: ResidentId = with_check("11010520080229001").parse().unwrap();
        assert_eq!(leap.age_on(day(2026, 2, 28)), 17);
        assert_eq!(leap.age_on(day(2026, 3, 1)), 18);
    }

    proptest! {
        #[test]
        fn parse_never_panics(s in "\\PC{0,40}") {
            let _ = s.parse::<ResidentId>();
        }

        #[test]
        fn any_single_digit_change_is_caught(area in 110000u32..660000, y in 1900i32..2025, m in 1u32..13, d in 1u32..29, seq in 0u32..1000, pos in 0usize..17, delta in 1u32..10) {
            let first17 = format!("{area:06}{y:04}{m:02}{d:02}{seq:03}");
            let good = with_check(&first17);
            prop_assert!(good.parse::<ResidentId>().is_ok());
            let mut bytes = good.into_bytes();
            bytes[pos] = b'0' + ((u32::from(bytes[pos] - b'0') + delta) % 10) as u8;
            let bad = String::from_utf8(bytes).unwrap();
            // MOD 11-2 detects every single-digit substitution.
            let caught = matches!(bad.parse::<ResidentId>(), Err(ResidentIdError::CheckDigit { .. }));
            prop_assert!(caught, "{} was accepted", bad);
        }
    }
}
