//! Exact vote thresholds.
//!
//! The law counts in words (民法典 art. 1259): 以上/不少于 include the
//! number, 超过/过半数 exclude it. A [`Threshold`] keeps both the fraction
//! and that strictness, and compares in integers (u128 cross-multiplication),
//! so "exactly one half" and "exactly one third" are decided exactly, never
//! by a float.

use std::fmt;
use std::str::FromStr;

/// A fraction of a base that a count must exceed (`>`) or reach (`>=`).
///
/// Written as in the profiles: `">1/2"` (过半数), `">=1/3"` (不少于三分之一),
/// `">2/3"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Threshold {
    num: u32,
    den: u32,
    strict: bool,
}

/// Why a threshold could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ThresholdError {
    #[error("a threshold starts with \">\" (more than) or \">=\" (at least), e.g. \">1/2\"")]
    MissingComparison,
    #[error("a threshold is a fraction N/D with whole numbers, e.g. \">=1/3\"")]
    NotAFraction,
    #[error("the denominator of a threshold must be at least 1")]
    ZeroDenominator,
    #[error("a threshold fraction must be between 0 and 1")]
    AboveOne,
}

impl Threshold {
    /// `count > num/den × base`.
    pub fn more_than(num: u32, den: u32) -> Result<Self, ThresholdError> {
        Self::new(num, den, true)
    }

    /// `count ≥ num/den × base`.
    pub fn at_least(num: u32, den: u32) -> Result<Self, ThresholdError> {
        Self::new(num, den, false)
    }

    fn new(num: u32, den: u32, strict: bool) -> Result<Self, ThresholdError> {
        if den == 0 {
            return Err(ThresholdError::ZeroDenominator);
        }
        if num > den {
            return Err(ThresholdError::AboveOne);
        }
        Ok(Threshold { num, den, strict })
    }

    /// 过半数: strictly more than half.
    pub const MORE_THAN_HALF: Threshold = Threshold {
        num: 1,
        den: 2,
        strict: true,
    };

    /// 不少于三分之一: at least one third.
    pub const AT_LEAST_A_THIRD: Threshold = Threshold {
        num: 1,
        den: 3,
        strict: false,
    };

    /// Whether `count` out of `base` meets the threshold, exactly.
    pub fn is_met(self, count: u64, base: u64) -> bool {
        let lhs = u128::from(count) * u128::from(self.den);
        let rhs = u128::from(base) * u128::from(self.num);
        if self.strict {
            lhs > rhs
        } else {
            lhs >= rhs
        }
    }

    pub fn numerator(self) -> u32 {
        self.num
    }

    pub fn denominator(self) -> u32 {
        self.den
    }

    /// True for "more than", false for "at least".
    pub fn is_strict(self) -> bool {
        self.strict
    }
}

/// A threshold in the words of the rules (民法典 art. 1259): 过半数,
/// 半数以上, 超过三分之二, 三分之一以上 …
pub fn zh(t: Threshold) -> String {
    fn words(n: u32) -> String {
        const DIGITS: [&str; 11] = [
            "〇", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
        ];
        usize::try_from(n)
            .ok()
            .and_then(|i| DIGITS.get(i))
            .map_or_else(|| n.to_string(), |w| (*w).to_owned())
    }
    let share = if u64::from(t.num) * 2 == u64::from(t.den) {
        "半数".to_owned()
    } else {
        format!("{}分之{}", words(t.den), words(t.num))
    };
    match (t.strict, share.as_str()) {
        (true, "半数") => "过半数".to_owned(),
        (true, _) => format!("超过{share}"),
        (false, _) => format!("{share}以上"),
    }
}

impl FromStr for Threshold {
    type Err = ThresholdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let (strict, rest) = if let Some(rest) = s.strip_prefix(">=") {
            (false, rest)
        } else if let Some(rest) = s.strip_prefix('>') {
            (true, rest)
        } else {
            return Err(ThresholdError::MissingComparison);
        };
        let (n, d) = rest
            .trim()
            .split_once('/')
            .ok_or(ThresholdError::NotAFraction)?;
        let num = n
            .trim()
            .parse::<u32>()
            .map_err(|_| ThresholdError::NotAFraction)?;
        let den = d
            .trim()
            .parse::<u32>()
            .map_err(|_| ThresholdError::NotAFraction)?;
        Threshold::new(num, den, strict)
    }
}

impl fmt::Display for Threshold {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let op = if self.strict { ">" } else { ">=" };
        write!(f, "{op}{}/{}", self.num, self.den)
    }
}

impl serde::Serialize for Threshold {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Threshold {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn in_words() {
        let w = |s: &str| zh(s.parse().unwrap());
        assert_eq!(w(">1/2"), "过半数");
        assert_eq!(w(">=1/2"), "半数以上");
        assert_eq!(w(">=2/3"), "三分之二以上");
        assert_eq!(w(">2/3"), "超过三分之二");
        assert_eq!(w(">=1/3"), "三分之一以上");
        assert_eq!(w(">=3/10"), "十分之三以上");
        assert_eq!(w(">=3/40"), "40分之三以上");
    }

    #[test]
    fn more_than_half_excludes_exactly_half() {
        // R-CNT-3 / R-CNT-5: 过半数 means 2 × count > base.
        let t = Threshold::MORE_THAN_HALF;
        assert!(!t.is_met(50, 100));
        assert!(t.is_met(51, 100));
        assert!(!t.is_met(3, 7));
        assert!(t.is_met(4, 7));
        assert!(!t.is_met(0, 0));
    }

    #[test]
    fn at_least_a_third_includes_exactly_a_third() {
        // R-CNT-7: 不少于三分之一 means 3 × count ≥ base.
        let t = Threshold::AT_LEAST_A_THIRD;
        assert!(t.is_met(20, 60));
        assert!(!t.is_met(19, 60));
        assert!(t.is_met(7, 20)); // 21 ≥ 20
        assert!(!t.is_met(6, 20)); // 18 < 20
    }

    #[test]
    fn parses_and_prints() {
        assert_eq!(">1/2".parse::<Threshold>(), Ok(Threshold::MORE_THAN_HALF));
        assert_eq!(
            " >= 1 / 3 ".parse::<Threshold>(),
            Ok(Threshold::AT_LEAST_A_THIRD)
        );
        assert_eq!(Threshold::MORE_THAN_HALF.to_string(), ">1/2");
        assert_eq!(
            "1/2".parse::<Threshold>(),
            Err(ThresholdError::MissingComparison)
        );
        assert_eq!(
            ">1/0".parse::<Threshold>(),
            Err(ThresholdError::ZeroDenominator)
        );
        assert_eq!(">3/2".parse::<Threshold>(), Err(ThresholdError::AboveOne));
        assert_eq!(
            ">0.5".parse::<Threshold>(),
            Err(ThresholdError::NotAFraction)
        );
    }

    proptest! {
        #[test]
        fn matches_rational_definition(num in 0u32..50, extra in 1u32..50, count in 0u64..10_000, base in 0u64..10_000) {
            let den = num + extra;
            let strict = Threshold::more_than(num, den).unwrap();
            let at_least = Threshold::at_least(num, den).unwrap();
            let lhs = count * u64::from(den);
            let rhs = base * u64::from(num);
            prop_assert_eq!(strict.is_met(count, base), lhs > rhs);
            prop_assert_eq!(at_least.is_met(count, base), lhs >= rhs);
            // Strict is never easier than non-strict.
            prop_assert!(!strict.is_met(count, base) || at_least.is_met(count, base));
        }

        #[test]
        fn huge_counts_do_not_overflow(count in any::<u64>(), base in any::<u64>()) {
            let t = Threshold::more_than(u32::MAX - 1, u32::MAX).unwrap();
            let expected = u128::from(count) * u128::from(u32::MAX) > u128::from(base) * u128::from(u32::MAX - 1);
            prop_assert_eq!(t.is_met(count, base), expected);
        }

        #[test]
        fn display_round_trips(num in 0u32..1000, extra in 0u32..1000, strict in any::<bool>()) {
            let den = num + extra.max(1);
            let t = Threshold::new(num, den, strict).unwrap();
            prop_assert_eq!(t.to_string().parse::<Threshold>(), Ok(t));
        }
    }
}
