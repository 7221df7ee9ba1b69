//! The number of seats in one contest.

use std::fmt;

/// Seats for one position: a whole number from 1 to [`Seats::MAX`].
///
/// Parsing is the only way in, so a `Seats` in hand is never zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Seats(u32);

/// Why a seat count was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SeatsError {
    #[error("a contest has at least 1 seat")]
    Zero,
    #[error("a contest has at most {} seats", Seats::MAX)]
    TooMany,
}

impl Seats {
    /// Far above any body in RULES.md (residents' committees have ≤ 9
    /// members, homeowners' committees ≤ 11); the cap only keeps arithmetic
    /// and ballots sane.
    pub const MAX: u32 = 999;

    pub fn new(n: u64) -> Result<Self, SeatsError> {
        match n {
            0 => Err(SeatsError::Zero),
            n if n > u64::from(Self::MAX) => Err(SeatsError::TooMany),
            // The match arm above bounds n, so the conversion cannot fail.
            n => u32::try_from(n).map(Seats).map_err(|_| SeatsError::TooMany),
        }
    }

    pub fn get(self) -> u32 {
        self.0
    }

    /// As a `usize`, for indexing.
    pub fn count(self) -> usize {
        self.0 as usize
    }
}

impl fmt::Display for Seats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl serde::Serialize for Seats {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u32(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds() {
        assert_eq!(Seats::new(0), Err(SeatsError::Zero));
        assert_eq!(Seats::new(1).map(Seats::get), Ok(1));
        assert_eq!(Seats::new(999).map(Seats::get), Ok(999));
        assert_eq!(Seats::new(1000), Err(SeatsError::TooMany));
        assert_eq!(Seats::new(u64::MAX), Err(SeatsError::TooMany));
    }
}
